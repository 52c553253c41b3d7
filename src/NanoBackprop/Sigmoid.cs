using System;

namespace NanoBackprop
{
    /// <summary>
    /// The logistic function σ(x) = 1 / (1 + e^-x) on Q16.16 values, from an interpolated lookup
    /// table stored as constants, so the desktop and the device compute the same bits.
    /// </summary>
    /// <remarks>
    /// <para>The table holds σ(k/64) for k = 0..768, i.e. x in [0, 12] at a step of 2^-6, as Q8.24
    /// values (8 fractional bits beyond Q16.16) rounded to nearest: 769 entries, 3,076 bytes. On
    /// nanoFramework a static array lives on the managed heap, so these bytes count against RAM
    /// (<see cref="TableBytes"/>).</para>
    /// <para>Error budget for every one of the 2^32 inputs: linear interpolation misses σ by at most
    /// h²/8·max|σ''| = 2^-12/8·0.0962 ≈ 0.19 LSB, the stored entries by at most 2^-25 (0.002 LSB),
    /// and the final rounding to Q16.16 by at most 0.5 LSB; beyond |x| ≥ 12 the output is the
    /// constant 1 (or 0), which misses σ by at most 1 - σ(12) ≈ 0.40 LSB. So |σ̂(x) - σ(x)| stays
    /// below 0.7 LSB ≤ 2^-16; an exhaustive test confirms it. Entries rounded to 16 fractional bits
    /// would miss the bound (about 1.1 LSB).</para>
    /// <para>Negative inputs use σ(-x) = 1 - σ(x); they are tested against the saturation limit
    /// before negating, so int.MinValue never reaches the negation.</para>
    /// </remarks>
    public static class Sigmoid
    {
        /// <summary>log2 of the table step in Q16.16 LSBs: the step is 2^10 LSB = 2^-6.</summary>
        public const int StepShift = 10;

        /// <summary>Fractional bits of the table entries (Q8.24).</summary>
        public const int EntryFractionalBits = 24;

        /// <summary>Inputs at or beyond ±12.0 (Q16.16) give exactly 1 or 0.</summary>
        public const int SaturationInput = 12 * Q16.One;

        /// <summary>Bytes of table data: the entries' payload (769 × 4).</summary>
        public const int TableBytes = 769 * 4;

        /// <summary>Fractional bits of a derivative from <see cref="DerivativeQ30"/> (Q2.30).</summary>
        public const int DerivativeBits = 30;

        // Fractional bits of an interpolated value: 24 entry bits and the 10 bits of the position
        // between two entries.
        internal const int InterpolationBits = EntryFractionalBits + StepShift;

        // e^-12·2^46 rounded (tests regenerate it): K·(1 - σ)/σ lands in Q2.30 after a division
        // by σ·2^16.
        internal const long ExpMinus12Q46 = 432360507;

        // Bits below the Q16.16 result in an interpolated value.
        private const int InterpolationShift = InterpolationBits - Q16.FractionalBits;

        /// <summary>Evaluates σ(x) for a Q16.16 x; the result is Q16.16 in [0, 1].</summary>
        public static int Evaluate(int x)
        {
            // Interpolate(|x|) written out (Forward calls this once per neuron and the interpreter
            // pays a frame per call), then Q16.RoundShift by InterpolationShift with constant
            // shifts; the interpolated value is ≥ 0, so no sign correction is needed.
            int magnitude = x >= 0 ? x : -x; // -int.MinValue stays int.MinValue, 2^31 as a uint
            if ((uint)magnitude >= SaturationInput)
            {
                return x >= 0 ? Q16.One : 0;
            }

            int[] table = Table;
            int index = magnitude >> StepShift;
            int low = table[index];
            int rounded = (int)((((long)low << StepShift) + (table[index + 1] - low) * (magnitude & ((1 << StepShift) - 1)) + (1L << (InterpolationShift - 1))) >> InterpolationShift); // = Q16.RoundShift(Interpolate(|x|), InterpolationShift)
            return x >= 0 ? rounded : Q16.One - rounded;
        }

        /// <summary>
        /// σ'(x) = σ(x)·(1 - σ(x)) for a Q16.16 x, as Q2.30 (2^30 = 1.0). Within the table σ is
        /// taken unrounded from the interpolation (to 2^-30) and the product rounded once, so the
        /// derivative errs by about the interpolation error (at most 2.9e-6, far less in the
        /// tails) instead of inheriting the 0.7 LSB of a rounded Q16.16 output. Beyond the table
        /// (|x| ≥ 12) it is e^-|x| (relative error below 2e^-12), computed by
        /// <see cref="ExpNegativeQ30"/>; from |x| ≥ 24 (σ' &lt; 2^-34) it is 0.
        /// </summary>
        public static int DerivativeQ30(int x)
        {
            int magnitude = x >= 0 ? x : -x; // -int.MinValue stays int.MinValue, 2^31 as a uint
            if ((uint)magnitude >= SaturationInput)
            {
                return (uint)magnitude >= 2 * SaturationInput ? 0 : ExpNegativeQ30(magnitude);
            }

            // Both roundings are Q16.RoundShift's, written out with constant shifts: this runs once
            // per neuron in every Learn, and the interpreter pays a frame per call. The values are
            // non-negative, so no sign correction is needed. Interpolate(magnitude) is written out
            // for the same reason.
            int[] table = Table;
            int index = magnitude >> StepShift;
            int low = table[index];
            long sigmoid = (((long)low << StepShift) + (table[index + 1] - low) * (magnitude & ((1 << StepShift) - 1)) + (1L << (InterpolationBits - DerivativeBits - 1))) >> (InterpolationBits - DerivativeBits); // = Q16.RoundShift(Interpolate(magnitude), InterpolationBits - DerivativeBits), the operand ≥ 0
            return (int)((sigmoid * ((1L << DerivativeBits) - sigmoid) + (1L << (DerivativeBits - 1))) >> DerivativeBits); // = Q16.RoundShift(σ(1 - σ), DerivativeBits), the operand ≥ 0
        }

        /// <summary>
        /// e^-v for a Q16.16 v in [12, 24), as Q2.30: e^-12 · e^-(v - 12), where e^-u = σ(-u)/σ(u)
        /// comes from the table at u = v - 12; one integer division, rounded to nearest.
        /// </summary>
        internal static int ExpNegativeQ30(int v)
        {
            long sigmoid = Interpolate(v - SaturationInput);
            long complement = (1L << InterpolationBits) - sigmoid;
            long denominator = sigmoid << (46 - DerivativeBits);
            return (int)((ExpMinus12Q46 * complement + denominator / 2) / denominator);
        }

        /// <summary>
        /// σ at a non-negative Q16.16 x below <see cref="SaturationInput"/>, in units of
        /// 2^-(24+10) (Q8.24 entries times the 10-bit position between them), before any rounding.
        /// </summary>
        internal static long Interpolate(int x)
        {
            int index = x >> StepShift;
            int position = x & ((1 << StepShift) - 1);
            int low = Table[index];
            return ((long)low << StepShift) + (Table[index + 1] - low) * position;
        }

        /// <summary>σ(k/64) for k = 0..768 in Q8.24, rounded to nearest; tests regenerate it.</summary>
        internal static readonly int[] Table = new int[]
        {
            8388608, 8454143, 8519669, 8585180, 8650667, 8716121, 8781536, 8846903,
            8912214, 8977462, 9042638, 9107735, 9172744, 9237659, 9302471, 9367173,
            9431757, 9496215, 9560541, 9624727, 9688764, 9752648, 9816368, 9879920,
            9943296, 10006488, 10069490, 10132295, 10194896, 10257287, 10319462, 10381413,
            10443135, 10504621, 10565865, 10626861, 10687603, 10748086, 10808304, 10868251,
            10927921, 10987310, 11046413, 11105223, 11163737, 11221949, 11279854, 11337449,
            11394728, 11451687, 11508322, 11564629, 11620604, 11676243, 11731542, 11786499,
            11841108, 11895367, 11949273, 12002823, 12056013, 12108842, 12161305, 12213401,
            12265128, 12316482, 12367462, 12418065, 12468290, 12518135, 12567598, 12616677,
            12665372, 12713680, 12761600, 12809132, 12856274, 12903025, 12949385, 12995353,
            13040928, 13086109, 13130897, 13175292, 13219292, 13262898, 13306110, 13348928,
            13391352, 13433383, 13475020, 13516265, 13557118, 13597580, 13637651, 13677332,
            13716624, 13755528, 13794045, 13832176, 13869922, 13907285, 13944266, 13980867,
            14017088, 14052931, 14088398, 14123491, 14158210, 14192559, 14226538, 14260150,
            14293396, 14326279, 14358800, 14390961, 14422764, 14454213, 14485308, 14516051,
            14546446, 14576494, 14606198, 14635560, 14664583, 14693268, 14721618, 14749635,
            14777323, 14804683, 14831718, 14858431, 14884823, 14910898, 14936659, 14962107,
            14987245, 15012076, 15036603, 15060828, 15084754, 15108383, 15131718, 15154762,
            15177517, 15199987, 15222173, 15244079, 15265706, 15287059, 15308139, 15328948,
            15349491, 15369769, 15389785, 15409541, 15429041, 15448287, 15467282, 15486027,
            15504527, 15522783, 15540798, 15558574, 15576115, 15593422, 15610499, 15627348,
            15643971, 15660370, 15676549, 15692510, 15708256, 15723788, 15739109, 15754222,
            15769129, 15783833, 15798335, 15812639, 15826746, 15840659, 15854380, 15867912,
            15881257, 15894416, 15907393, 15920190, 15932808, 15945250, 15957518, 15969615,
            15981542, 15993301, 16004895, 16016326, 16027595, 16038706, 16049659, 16060456,
            16071101, 16081594, 16091939, 16102135, 16112187, 16122094, 16131860, 16141487,
            16150975, 16160327, 16169544, 16178629, 16187583, 16196408, 16205106, 16213678,
            16222125, 16230451, 16238656, 16246741, 16254709, 16262561, 16270299, 16277924,
            16285438, 16292843, 16300139, 16307328, 16314412, 16321392, 16328270, 16335047,
            16341724, 16348303, 16354785, 16361172, 16367465, 16373664, 16379773, 16385791,
            16391720, 16397561, 16403316, 16408985, 16414571, 16420074, 16425494, 16430835,
            16436096, 16441278, 16446384, 16451413, 16456368, 16461249, 16466056, 16470792,
            16475457, 16480053, 16484580, 16489039, 16493431, 16497757, 16502019, 16506216,
            16510351, 16514424, 16518435, 16522386, 16526278, 16530111, 16533886, 16537605,
            16541267, 16544875, 16548428, 16551927, 16555374, 16558768, 16562112, 16565404,
            16568648, 16571841, 16574987, 16578085, 16581136, 16584141, 16587101, 16590015,
            16592886, 16595713, 16598497, 16601238, 16603938, 16606597, 16609216, 16611795,
            16614335, 16616836, 16619299, 16621725, 16624113, 16626466, 16628782, 16631063,
            16633310, 16635522, 16637700, 16639846, 16641958, 16644039, 16646087, 16648104,
            16650091, 16652047, 16653973, 16655870, 16657738, 16659578, 16661389, 16663172,
            16664929, 16666658, 16668361, 16670038, 16671689, 16673315, 16674916, 16676492,
            16678045, 16679573, 16681078, 16682560, 16684020, 16685457, 16686872, 16688265,
            16689637, 16690988, 16692318, 16693627, 16694917, 16696187, 16697437, 16698668,
            16699880, 16701074, 16702249, 16703406, 16704545, 16705667, 16706772, 16707860,
            16708930, 16709985, 16711023, 16712045, 16713052, 16714043, 16715019, 16715979,
            16716925, 16717857, 16718774, 16719677, 16720566, 16721441, 16722303, 16723152,
            16723987, 16724810, 16725620, 16726417, 16727203, 16727976, 16728737, 16729486,
            16730224, 16730951, 16731666, 16732370, 16733064, 16733747, 16734419, 16735081,
            16735732, 16736374, 16737006, 16737627, 16738240, 16738843, 16739436, 16740021,
            16740596, 16741163, 16741720, 16742270, 16742810, 16743343, 16743867, 16744383,
            16744891, 16745391, 16745883, 16746368, 16746846, 16747316, 16747778, 16748234,
            16748683, 16749124, 16749559, 16749987, 16750409, 16750824, 16751232, 16751634,
            16752030, 16752420, 16752804, 16753182, 16753554, 16753920, 16754281, 16754636,
            16754986, 16755330, 16755669, 16756003, 16756331, 16756654, 16756973, 16757286,
            16757595, 16757899, 16758198, 16758492, 16758782, 16759068, 16759349, 16759626,
            16759898, 16760166, 16760430, 16760690, 16760946, 16761198, 16761446, 16761691,
            16761931, 16762168, 16762401, 16762630, 16762856, 16763079, 16763298, 16763513,
            16763726, 16763935, 16764140, 16764343, 16764542, 16764739, 16764932, 16765122,
            16765310, 16765494, 16765676, 16765855, 16766031, 16766204, 16766375, 16766542,
            16766708, 16766871, 16767031, 16767189, 16767344, 16767497, 16767648, 16767796,
            16767942, 16768086, 16768227, 16768366, 16768504, 16768639, 16768771, 16768902,
            16769031, 16769158, 16769283, 16769406, 16769527, 16769646, 16769763, 16769879,
            16769992, 16770104, 16770215, 16770323, 16770430, 16770535, 16770639, 16770741,
            16770841, 16770940, 16771037, 16771133, 16771227, 16771320, 16771411, 16771501,
            16771590, 16771677, 16771763, 16771847, 16771931, 16772012, 16772093, 16772172,
            16772251, 16772328, 16772403, 16772478, 16772551, 16772624, 16772695, 16772765,
            16772834, 16772902, 16772969, 16773035, 16773099, 16773163, 16773226, 16773288,
            16773349, 16773409, 16773468, 16773526, 16773583, 16773639, 16773695, 16773749,
            16773803, 16773856, 16773908, 16773959, 16774010, 16774059, 16774108, 16774157,
            16774204, 16774251, 16774297, 16774342, 16774386, 16774430, 16774474, 16774516,
            16774558, 16774599, 16774640, 16774680, 16774719, 16774758, 16774796, 16774833,
            16774870, 16774907, 16774942, 16774978, 16775012, 16775046, 16775080, 16775113,
            16775146, 16775178, 16775209, 16775241, 16775271, 16775301, 16775331, 16775360,
            16775389, 16775417, 16775445, 16775473, 16775500, 16775526, 16775552, 16775578,
            16775604, 16775629, 16775653, 16775677, 16775701, 16775725, 16775748, 16775771,
            16775793, 16775815, 16775837, 16775858, 16775879, 16775900, 16775920, 16775941,
            16775960, 16775980, 16775999, 16776018, 16776036, 16776055, 16776073, 16776090,
            16776108, 16776125, 16776142, 16776159, 16776175, 16776191, 16776207, 16776223,
            16776238, 16776253, 16776268, 16776283, 16776297, 16776312, 16776326, 16776339,
            16776353, 16776366, 16776379, 16776392, 16776405, 16776418, 16776430, 16776442,
            16776454, 16776466, 16776478, 16776489, 16776500, 16776512, 16776523, 16776533,
            16776544, 16776554, 16776565, 16776575, 16776585, 16776594, 16776604, 16776613,
            16776623, 16776632, 16776641, 16776650, 16776659, 16776667, 16776676, 16776684,
            16776693, 16776701, 16776709, 16776716, 16776724, 16776732, 16776739, 16776747,
            16776754, 16776761, 16776768, 16776775, 16776782, 16776789, 16776795, 16776802,
            16776808, 16776815, 16776821, 16776827, 16776833, 16776839, 16776845, 16776851,
            16776856, 16776862, 16776867, 16776873, 16776878, 16776883, 16776888, 16776893,
            16776898, 16776903, 16776908, 16776913, 16776918, 16776922, 16776927, 16776931,
            16776936, 16776940, 16776944, 16776949, 16776953, 16776957, 16776961, 16776965,
            16776969, 16776973, 16776976, 16776980, 16776984, 16776987, 16776991, 16776994,
            16776998, 16777001, 16777004, 16777008, 16777011, 16777014, 16777017, 16777020,
            16777023, 16777026, 16777029, 16777032, 16777035, 16777038, 16777041, 16777043,
            16777046, 16777049, 16777051, 16777054, 16777056, 16777059, 16777061, 16777064,
            16777066, 16777068, 16777071, 16777073, 16777075, 16777077, 16777079, 16777082,
            16777084, 16777086, 16777088, 16777090, 16777092, 16777094, 16777095, 16777097,
            16777099, 16777101, 16777103, 16777105, 16777106, 16777108, 16777110, 16777111,
            16777113
        };
    }
}
