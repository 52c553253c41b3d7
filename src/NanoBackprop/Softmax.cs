using System;

namespace NanoBackprop
{
    /// <summary>
    /// The softmax of a layer of Q16.16 logits and its categorical cross-entropy, in integer
    /// arithmetic from tables stored as constants, so the desktop and the device compute the same
    /// bits (System.Math is single precision on ESP32 and is never called here).
    /// </summary>
    /// <remarks>
    /// <para><b>Range.</b> The largest logit is subtracted first: every exponent is e^-x with
    /// x = z_max - z_j ≥ 0 (a long, up to 2^32 LSB), so nothing overflows and the largest class
    /// weighs exactly 2^30.</para>
    /// <para><b>exp.</b> <see cref="ExpNegativeQ30"/> gives 2^30·e^-x as the product of three
    /// tables indexed by x's bits: e^-n for the integer part n (22 entries), e^-h/256 for the next
    /// 8 bits and e^-l/65536 for the last 8 (256 entries each), all Q2.30 rounded to nearest, each
    /// product rounded once. Error, for every x: the fraction product misses 2^30·e^-f by at most
    /// ½(B + C)/2^30 + ¼/2^30 + ½ ≤ 1.5 units (B, C ≤ 2^30 the exact entries, each stored within
    /// ½); the second product adds at most 1.5·e^-n + ½·e^-f + ½ ≤ 2.5 units in all (exactly 2.0
    /// for n = 0, whose entry is exact). From x ≥ 22 the result is 0, which misses by
    /// 2^30·e^-22 &lt; 0.3 units. So |Ê(x) - 2^30·e^-x| ≤ 2.5 units of 2^-30 (2.3e-9); an
    /// exhaustive test over every x below 22 confirms it.</para>
    /// <para><b>Normalisation, exact.</b> With w_j = Ê(z_max - z_j), S = Σ w_j (≥ 2^30, &lt; 2^39)
    /// and prefix sums C_j = w_0 + … + w_j, output j is R(C_j) - R(C_(j-1)) with
    /// R(C) = round(2^16·C/S): the outputs are non-negative and sum to R(S) = 65536, exactly one,
    /// and each is within 1 LSB of 2^16·w_j/S. The table's error moves 2^16·w_j/S by at most
    /// 2.5·(1 + K)·2^-14 LSB (≤ 0.08 LSB for K ≤ 511 classes), so every output is within 1.1 LSB
    /// of 2^16·softmax(z)_j.</para>
    /// <para><b>Loss.</b> <see cref="CrossEntropy"/> returns -Σ t_j ln y_j from the logits, not
    /// from the rounded outputs: -Σ t_j ln y_j = ln(S/2^30) - Σ t_j (z_j - z_max) when Σ t_j = 1,
    /// so a class whose output rounds to 0 gives a large finite loss, never a logarithm of 0.
    /// ln(S/2^30) = (k - 30)·ln 2 + ln m with S = m·2^k, m in [1, 2), ln m interpolated
    /// linearly in a 257-entry Q2.30 table (error ≤ h²/8 = 2^-19, 0.125 LSB); with the exp
    /// tables' error (≤ 2.5·K·2^-30 relative in S, ≤ 0.08 LSB) and the final rounding (½ LSB)
    /// the loss is within 0.71 LSB of the exact cross-entropy of the logits; it saturates at
    /// Q16.16's maximum. Training never needs it: the gradient with respect to the logits is
    /// y - t (see <see cref="Loss.CategoricalCrossEntropy"/>).</para>
    /// <para>On nanoFramework the tables live on the managed heap: <see cref="TableBytes"/>.</para>
    /// </remarks>
    public static class Softmax
    {
        /// <summary>Fractional bits of <see cref="ExpNegativeQ30"/>'s result (2^30 = 1.0).</summary>
        public const int ExpFractionalBits = 30;

        /// <summary>x = z_max - z_j at or beyond 22.0 (Q16.16) gives the weight 0.</summary>
        public const long CutoffInput = 22L * Q16.One;

        /// <summary>
        /// The derived bound on |Ê(x) - 2^30·e^-x|, in tenths of a unit of 2^-30: 25 = 2.5 units.
        /// </summary>
        public const int ExpErrorBoundTenths = 25;

        /// <summary>Bytes of table data: (22 + 256 + 256 + 257) entries × 4.</summary>
        public const int TableBytes = (22 + 256 + 256 + 257) * 4;

        /// <summary>ln 2 in units of 2^-52, rounded to nearest; tests regenerate it.</summary>
        internal const long Ln2Q52 = 3121657384082680;

        /// <summary>
        /// 2^30·e^-x for a non-negative Q16.16 x (a long: differences of two logits reach 2^32
        /// LSB), rounded as the remarks derive: within 2.5 units of 2^-30, 0 from
        /// <see cref="CutoffInput"/>, exactly 2^30 at x = 0, never increasing in x.
        /// </summary>
        public static int ExpNegativeQ30(long x)
        {
            if (x >= CutoffInput)
            {
                return 0;
            }

            int n = (int)(x >> Q16.FractionalBits);
            int high = (int)(x >> 8) & 255;
            int low = (int)x & 255;
            long fraction = ((long)ExpHigh[high] * ExpLow[low] + (1L << 29)) >> 30; // = Q16.RoundShift(.., 30), the operand ≥ 0
            return (int)(((long)ExpInteger[n] * fraction + (1L << 29)) >> 30); // = Q16.RoundShift(.., 30), the operand ≥ 0
        }

        /// <summary>
        /// Writes softmax(logits) to <paramref name="outputs"/>, Q16.16: non-negative, summing to
        /// exactly 65536, each within 1.1 LSB of the exact softmax of the Q16.16 logits (see the
        /// remarks). Allocates nothing; outputs may not be logits.
        /// </summary>
        /// <param name="logits">Q16.16 logits, 1 to 511 of them.</param>
        /// <param name="outputs">As many elements as logits.</param>
        /// <exception cref="ArgumentNullException">logits or outputs is null.</exception>
        /// <exception cref="ArgumentException">The lengths differ, there are no logits or more than 511, or outputs is logits.</exception>
        public static void Evaluate(int[] logits, int[] outputs)
        {
            CheckLogits(logits, "Softmax.Evaluate");
            if (outputs == null)
            {
                throw new ArgumentNullException("outputs", "Softmax.Evaluate: outputs is null.");
            }

            if (outputs.Length != logits.Length || outputs == logits)
            {
                throw new ArgumentException("Softmax.Evaluate: outputs needs its own " + logits.Length + " elements (it has " + outputs.Length + (outputs == logits ? ", and is logits" : "") + ").", "outputs");
            }

            EvaluateUnchecked(logits, outputs);
        }

        // Evaluate without checks: the network's output layer (1 to 511 classes, separate buffers).
        // The weights w_j (≤ 2^30) are parked in the outputs, then replaced by the exact
        // normalisation's differences of rounded prefix sums.
        internal static void EvaluateUnchecked(int[] logits, int[] outputs)
        {
            int count = logits.Length;
            int max = Max(logits);
            long sum = 0;
            for (int j = 0; j < count; j++)
            {
                int weight = ExpNegativeQ30((long)max - logits[j]);
                outputs[j] = weight;
                sum += weight;
            }

            // sum ≥ 2^30 (the largest logit's weight) and < 2^39, prefix·2^16 < 2^55: exact.
            long half = sum >> 1;
            long prefix = 0;
            long previous = 0;
            for (int j = 0; j < count; j++)
            {
                prefix += outputs[j];
                long rounded = ((prefix << Q16.FractionalBits) + half) / sum; // round(2^16·C_j/S), the operand ≥ 0
                outputs[j] = (int)(rounded - previous);
                previous = rounded;
            }
        }

        /// <summary>
        /// The categorical cross-entropy -Σ t_j ln softmax(z)_j of Q16.16 logits and targets that
        /// sum to one, Q16.16, from the tables (within 0.71 LSB of the exact value; saturates at
        /// Q16.16's maximum). For monitoring: training needs only y - t.
        /// </summary>
        /// <param name="logits">Q16.16 logits, 1 to 511 of them.</param>
        /// <param name="target">Q16.16 targets in [0, 1] that sum to exactly 65536 (one-hot or soft).</param>
        /// <exception cref="ArgumentNullException">logits or target is null.</exception>
        /// <exception cref="ArgumentException">The lengths differ, or there are no logits or more than 511.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A target is outside [0, 1], or the targets do not sum to 1.</exception>
        public static int CrossEntropy(int[] logits, int[] target)
        {
            CheckLogits(logits, "Softmax.CrossEntropy");
            CheckTarget(target, logits.Length, "Softmax.CrossEntropy");
            return CrossEntropyUnchecked(logits, target);
        }

        // CrossEntropy without checks. Units: ln S' in 2^-52, then everything in 2^-32, where
        // Σ t_j·(z_j - z_max) is exact (|t·d| ≤ 2^16·2^32, and Σ t_j = 2^16 bounds the sum by 2^48).
        internal static int CrossEntropyUnchecked(int[] logits, int[] target)
        {
            int count = logits.Length;
            int max = Max(logits);
            long sum = 0;
            long weightedLogits = 0;
            for (int j = 0; j < count; j++)
            {
                long difference = (long)logits[j] - max;
                sum += ExpNegativeQ30(-difference);
                weightedLogits += target[j] * difference;
            }

            long lnSumQ32 = LnQ52(sum) >> 20; // floor: error below 2^-32
            long lossQ32 = lnSumQ32 - weightedLogits;
            return Q16.Saturate(Q16.RoundShift(lossQ32, Q16.FractionalBits));
        }

        // ln(S·2^-30) in units of 2^-52 for 2^30 ≤ S < 2^39: S = m·2^k, m in [1, 2);
        // ln m interpolated between LnMantissa entries at the top 8 bits of m's fraction, with the
        // next 22 bits as the position (S has at least 31 bits, so they exist).
        internal static long LnQ52(long sum)
        {
            int k = IntegerMath.BitLength((ulong)sum) - 1;
            int index = (int)(sum >> (k - 8)) & 255;
            long position = (sum >> (k - 30)) & ((1L << 22) - 1);
            long low = LnMantissa[index];
            long lnMantissaQ52 = (low << 22) + (LnMantissa[index + 1] - low) * position;
            return (k - 30) * Ln2Q52 + lnMantissaQ52;
        }

        /// <summary>Index of the largest output (the first of equal ones): the predicted class.</summary>
        /// <exception cref="ArgumentNullException">values is null.</exception>
        /// <exception cref="ArgumentException">values is empty.</exception>
        public static int ArgMax(int[] values)
        {
            if (values == null)
            {
                throw new ArgumentNullException("values", "Softmax.ArgMax: values is null.");
            }

            if (values.Length == 0)
            {
                throw new ArgumentException("Softmax.ArgMax: values is empty.", "values");
            }

            int best = 0;
            for (int j = 1; j < values.Length; j++)
            {
                if (values[j] > values[best])
                {
                    best = j;
                }
            }

            return best;
        }

        // Whether target is a distribution: each in [0, 65536], summing to exactly 65536. Names
        // the caller and the first offending element.
        internal static void CheckTarget(int[] target, int count, string caller)
        {
            if (target == null)
            {
                throw new ArgumentNullException("target", caller + ": target is null.");
            }

            if (target.Length != count)
            {
                throw new ArgumentException(caller + ": target has " + target.Length + " elements; the network needs " + count + ".", "target");
            }

            long total = 0;
            for (int j = 0; j < target.Length; j++)
            {
                if (target[j] < 0 || target[j] > Q16.One)
                {
                    throw new ArgumentOutOfRangeException("target", caller + ": categorical target " + j + " is outside [0, 1] (Q16.16 0 to 65536).");
                }

                total += target[j];
            }

            if (total != Q16.One)
            {
                throw new ArgumentOutOfRangeException("target", caller + ": categorical targets sum to " + total + "; they must sum to exactly 65536 (1.0 in Q16.16).");
            }
        }

        private static void CheckLogits(int[] logits, string caller)
        {
            if (logits == null)
            {
                throw new ArgumentNullException("logits", caller + ": logits is null.");
            }

            if (logits.Length < 1 || logits.Length > Network.MaxLayerSize)
            {
                throw new ArgumentException(caller + ": logits has " + logits.Length + " elements; softmax needs 1 to " + Network.MaxLayerSize + ".", "logits");
            }
        }

        private static int Max(int[] values)
        {
            int max = values[0];
            for (int j = 1; j < values.Length; j++)
            {
                if (values[j] > max)
                {
                    max = values[j];
                }
            }

            return max;
        }

        /// <summary>2^30·e^-n for n = 0..21, rounded to nearest; tests regenerate it.</summary>
        internal static readonly int[] ExpInteger = new int[]
        {
            1073741824, 395007542, 145315154, 53458458, 19666268, 7234816, 2661540, 979126,
            360200, 132510, 48748, 17933, 6597, 2427, 893, 328,
            121, 44, 16, 6, 2, 1,
        };

        /// <summary>2^30·e^-(h/256) for h = 0..255, rounded to nearest; tests regenerate it.</summary>
        internal static readonly int[] ExpHigh = new int[]
        {
            1073741824, 1069555701, 1065385899, 1061232353, 1057095000, 1052973777, 1048868621, 1044779470,
            1040706261, 1036648932, 1032607421, 1028581666, 1024571606, 1020577180, 1016598326, 1012634985,
            1008687096, 1004754597, 1000837430, 996935535, 993048852, 989177321, 985320884, 981479482,
            977653056, 973841548, 970044900, 966263053, 962495950, 958743534, 955005748, 951282533,
            947573834, 943879594, 940199756, 936534264, 932883063, 929246097, 925623310, 922014646,
            918420052, 914839471, 911272850, 907720134, 904181269, 900656200, 897144874, 893647238,
            890163238, 886692820, 883235932, 879792522, 876362536, 872945922, 869542628, 866152603,
            862775794, 859412150, 856061619, 852724151, 849399695, 846088199, 842789614, 839503889,
            836230973, 832970818, 829723372, 826488587, 823266414, 820056802, 816859704, 813675070,
            810502851, 807343000, 804195468, 801060207, 797937169, 794826307, 791727573, 788640919,
            785566300, 782503667, 779452974, 776414175, 773387223, 770372072, 767368676, 764376989,
            761396966, 758428560, 755471728, 752526422, 749592600, 746670215, 743759224, 740859582,
            737971244, 735094167, 732228306, 729373618, 726530060, 723697588, 720876158, 718065729,
            715266256, 712477697, 709700009, 706933151, 704177080, 701431754, 698697131, 695973169,
            693259826, 690557063, 687864836, 685183105, 682511829, 679850968, 677200480, 674560325,
            671930464, 669310855, 666701460, 664102237, 661513148, 658934152, 656365211, 653806286,
            651257337, 648718325, 646189212, 643669959, 641160528, 638660880, 636170977, 633690781,
            631220255, 628759361, 626308060, 623866316, 621434092, 619011350, 616598054, 614194166,
            611799650, 609414469, 607038587, 604671968, 602314575, 599966373, 597627326, 595297398,
            592976553, 590664757, 588361973, 586068167, 583783304, 581507348, 579240266, 576982022,
            574732583, 572491913, 570259978, 568036745, 565822180, 563616248, 561418917, 559230152,
            557049920, 554878188, 552714923, 550560092, 548413661, 546275599, 544145872, 542024449,
            539911296, 537806381, 535709673, 533621139, 531540747, 529468466, 527404264, 525348110,
            523299971, 521259818, 519227619, 517203342, 515186957, 513178434, 511177741, 509184848,
            507199724, 505222340, 503252664, 501290668, 499336321, 497389593, 495450455, 493518877,
            491594829, 489678282, 487769208, 485867576, 483973358, 482086524, 480207047, 478334897,
            476470046, 474612465, 472762127, 470919002, 469083063, 467254281, 465432629, 463618080,
            461810604, 460010175, 458216765, 456430347, 454650894, 452878378, 451112773, 449354051,
            447602185, 445857150, 444118918, 442387462, 440662757, 438944775, 437233492, 435528880,
            433830914, 432139567, 430454815, 428776631, 427104989, 425439864, 423781232, 422129065,
            420483340, 418844031, 417211113, 415584561, 413964350, 412350456, 410742854, 409141519,
            407546428, 405957555, 404374876, 402798368, 401228006, 399663766, 398105625, 396553558,
        };

        /// <summary>2^30·e^-(l/65536) for l = 0..255, rounded to nearest; tests regenerate it.</summary>
        internal static readonly int[] ExpLow = new int[]
        {
            1073741824, 1073725440, 1073709056, 1073692673, 1073676290, 1073659907, 1073643524, 1073627142,
            1073610760, 1073594378, 1073577996, 1073561615, 1073545234, 1073528853, 1073512472, 1073496092,
            1073479712, 1073463332, 1073446952, 1073430573, 1073414194, 1073397815, 1073381436, 1073365058,
            1073348680, 1073332302, 1073315924, 1073299547, 1073283170, 1073266793, 1073250416, 1073234040,
            1073217664, 1073201288, 1073184912, 1073168537, 1073152162, 1073135787, 1073119412, 1073103038,
            1073086664, 1073070290, 1073053916, 1073037543, 1073021170, 1073004797, 1072988424, 1072972052,
            1072955680, 1072939308, 1072922936, 1072906565, 1072890194, 1072873823, 1072857452, 1072841082,
            1072824712, 1072808342, 1072791972, 1072775603, 1072759234, 1072742865, 1072726496, 1072710128,
            1072693760, 1072677392, 1072661024, 1072644657, 1072628290, 1072611923, 1072595556, 1072579190,
            1072562824, 1072546458, 1072530092, 1072513727, 1072497362, 1072480997, 1072464632, 1072448268,
            1072431904, 1072415540, 1072399176, 1072382813, 1072366450, 1072350087, 1072333724, 1072317362,
            1072301000, 1072284638, 1072268276, 1072251915, 1072235554, 1072219193, 1072202832, 1072186472,
            1072170111, 1072153752, 1072137392, 1072121033, 1072104673, 1072088314, 1072071956, 1072055597,
            1072039239, 1072022881, 1072006524, 1071990166, 1071973809, 1071957452, 1071941096, 1071924739,
            1071908383, 1071892027, 1071875672, 1071859316, 1071842961, 1071826606, 1071810251, 1071793897,
            1071777543, 1071761189, 1071744835, 1071728482, 1071712129, 1071695776, 1071679423, 1071663071,
            1071646719, 1071630367, 1071614015, 1071597664, 1071581313, 1071564962, 1071548611, 1071532261,
            1071515910, 1071499560, 1071483211, 1071466861, 1071450512, 1071434163, 1071417815, 1071401466,
            1071385118, 1071368770, 1071352423, 1071336075, 1071319728, 1071303381, 1071287034, 1071270688,
            1071254342, 1071237996, 1071221650, 1071205305, 1071188960, 1071172615, 1071156270, 1071139926,
            1071123581, 1071107237, 1071090894, 1071074550, 1071058207, 1071041864, 1071025522, 1071009179,
            1070992837, 1070976495, 1070960153, 1070943812, 1070927471, 1070911130, 1070894789, 1070878449,
            1070862109, 1070845769, 1070829429, 1070813089, 1070796750, 1070780411, 1070764073, 1070747734,
            1070731396, 1070715058, 1070698720, 1070682383, 1070666046, 1070649709, 1070633372, 1070617036,
            1070600700, 1070584364, 1070568028, 1070551692, 1070535357, 1070519022, 1070502688, 1070486353,
            1070470019, 1070453685, 1070437351, 1070421018, 1070404685, 1070388352, 1070372019, 1070355686,
            1070339354, 1070323022, 1070306691, 1070290359, 1070274028, 1070257697, 1070241366, 1070225036,
            1070208706, 1070192376, 1070176046, 1070159716, 1070143387, 1070127058, 1070110730, 1070094401,
            1070078073, 1070061745, 1070045417, 1070029090, 1070012762, 1069996435, 1069980109, 1069963782,
            1069947456, 1069931130, 1069914804, 1069898479, 1069882154, 1069865829, 1069849504, 1069833179,
            1069816855, 1069800531, 1069784207, 1069767884, 1069751561, 1069735238, 1069718915, 1069702593,
            1069686270, 1069669948, 1069653627, 1069637305, 1069620984, 1069604663, 1069588342, 1069572022,
        };

        /// <summary>2^30·ln(1 + i/256) for i = 0..256, rounded to nearest; tests regenerate it.</summary>
        internal static readonly int[] LnMantissa = new int[]
        {
            0, 4186133, 8356010, 12509755, 16647494, 20769348, 24875440, 28965890,
            33040817, 37100337, 41144567, 45173622, 49187615, 53186658, 57170862, 61140337,
            65095192, 69035533, 72961468, 76873100, 80770534, 84653872, 88523216, 92378666,
            96220323, 100048283, 103862646, 107663506, 111450959, 115225099, 118986020, 122733814,
            126468572, 130190384, 133899340, 137595529, 141279038, 144949954, 148608363, 152254349,
            155887996, 159509388, 163118608, 166715736, 170300854, 173874042, 177435378, 180984941,
            184522808, 188049057, 191563764, 195067003, 198558849, 202039377, 205508659, 208966767,
            212413774, 215849751, 219274768, 222688894, 226092199, 229484751, 232866618, 236237867,
            239598564, 242948775, 246288566, 249618000, 252937143, 256246057, 259544806, 262833451,
            266112055, 269380678, 272639381, 275888224, 279127266, 282356568, 285576186, 288786179,
            291986604, 295177518, 298358977, 301531038, 304693756, 307847185, 310991380, 314126395,
            317252283, 320369097, 323476891, 326575715, 329665621, 332746662, 335818887, 338882346,
            341937090, 344983168, 348020629, 351049522, 354069895, 357081796, 360085271, 363080369,
            366067135, 369045617, 372015859, 374977907, 377931807, 380877602, 383815338, 386745058,
            389666807, 392580626, 395486560, 398384650, 401274940, 404157470, 407032282, 409899418,
            412758919, 415610824, 418455175, 421292011, 424121372, 426943297, 429757825, 432564995,
            435364845, 438157413, 440942737, 443720854, 446491803, 449255618, 452012338, 454761999,
            457504636, 460240285, 462968983, 465690763, 468405662, 471113713, 473814952, 476509412,
            479197128, 481878132, 484552460, 487220142, 489881214, 492535707, 495183654, 497825086,
            500460037, 503088537, 505710618, 508326312, 510935650, 513538662, 516135378, 518725830,
            521310048, 523888061, 526459898, 529025591, 531585167, 534138657, 536686088, 539227490,
            541762891, 544292320, 546815803, 549333370, 551845048, 554350865, 556850847, 559345022,
            561833416, 564316057, 566792972, 569264185, 571729724, 574189615, 576643883, 579092554,
            581535654, 583973207, 586405240, 588831776, 591252841, 593668459, 596078655, 598483453,
            600882877, 603276951, 605665699, 608049145, 610427311, 612800223, 615167901, 617530370,
            619887653, 622239772, 624586750, 626928608, 629265371, 631597058, 633923694, 636245299,
            638561895, 640873503, 643180146, 645481844, 647778619, 650070492, 652357483, 654639613,
            656916903, 659189373, 661457044, 663719936, 665978069, 668231463, 670480138, 672724113,
            674963409, 677198044, 679428038, 681653410, 683874180, 686090366, 688301988, 690509063,
            692711611, 694909651, 697103200, 699292276, 701476899, 703657087, 705832856, 708004225,
            710171213, 712333835, 714492111, 716646057, 718795691, 720941030, 723082092, 725218892,
            727351448, 729479778, 731603897, 733723822, 735839570, 737951158, 740058601, 742161915,
            744261118,
        };
    }
}
