using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// The sigmoid and tanh tables on the device, sampled: every 97th Q16.16 input from -13.0 to
    /// +13.0 (17,567 inputs each). The desktop suite sweeps all 2^32 inputs against exact values
    /// (ActivationTests); here the board shows it computes the same bits (fingerprints of the whole
    /// sweep, taken on the desktop), the shape (range, symmetry, monotone, saturation) and the
    /// error bound at reference points whose exact σ and tanh were computed in double on the desktop.
    /// </summary>
    [TestClass]
    public class ActivationTableTests
    {
        /// <summary>First input of the sweep: -13.0 (beyond the table on both sides).</summary>
        public const int SweepStart = -13 * Q16.One;

        /// <summary>Last input: +13.0.</summary>
        public const int SweepEnd = 13 * Q16.One;

        /// <summary>Step of the sweep, in LSB: 97 (prime, so every table cell and position is visited).</summary>
        public const int SweepStep = 97;

        // Fingerprints (DeviceTestSupport.Fingerprint) of every output of the sweep, in order, and the
        // sums of the outputs, as computed on the desktop.
        public const uint ExpectedSigmoidFingerprint = 3632817195u;
        public const long ExpectedSigmoidSum = 575623933L;
        public const uint ExpectedSigmoidDerivativeFingerprint = 1892538787u;
        public const uint ExpectedTanhFingerprint = 3400349561u;
        public const long ExpectedTanhSum = -22976L;
        public const uint ExpectedTanhDerivativeFingerprint = 2369526765u;

        /// <summary>Reference inputs: -13.0 + k·20779 LSB (an odd step, so positions inside cells vary).</summary>
        public const int ReferenceStep = 20779;

        /// <summary>Exact σ at the reference inputs in Q8.24 (256 per LSB), rounded, from double.</summary>
        public static readonly int[] SigmoidReferenceQ24 = new int[]
        {
            38, 52, 71, 98, 135, 185, 254, 349, 479, 658, 903, 1240, 1703, 2338, 3211, 4408, 6052, 8309,
            11407, 15659, 21493, 29498, 40477, 55529, 76152, 104386, 142999, 195728, 267587, 365247,
            497476, 675605, 913934, 1229916, 1643823, 2177515, 2851826, 3682284, 4673414, 5812897, 7067972,
            8386752, 9705624, 10960957, 12100817, 13092388, 13923295, 14598024, 15132080, 15546291,
            15862517, 16101037, 16279312, 16411652, 16509396, 16581317, 16634091, 16672738, 16700997,
            16721638, 16736703, 16747692, 16755704, 16761543, 16765799, 16768900, 16771158, 16772804,
            16774003, 16774876, 16775511, 16775975, 16776312, 16776558, 16776736, 16776867, 16776962,
            16777031, 16777081, 16777118, 16777144, 16777164, 16777178
        };

        /// <summary>Exact tanh at the reference inputs in Q8.24, rounded, from double.</summary>
        public static readonly int[] TanhReferenceQ24 = new int[]
        {
            -16777216, -16777216, -16777216, -16777216, -16777216, -16777216, -16777216, -16777216,
            -16777216, -16777216, -16777216, -16777216, -16777216, -16777215, -16777215, -16777214,
            -16777212, -16777208, -16777200, -16777187, -16777161, -16777112, -16777020, -16776846,
            -16776518, -16775901, -16774736, -16772541, -16768404, -16760605, -16745912, -16718246,
            -16666208, -16568536, -16385931, -16047037, -15426580, -14318393, -12423863, -9415191,
            -5154784, -7424, 5141334, 9405014, 12417153, 14314357, 15424284, 16045772, 16385246, 16568168,
            16666012, 16718141, 16745857, 16760576, 16768388, 16772533, 16774732, 16775898, 16776517,
            16776845, 16777019, 16777112, 16777161, 16777187, 16777200, 16777208, 16777212, 16777214,
            16777215, 16777215, 16777216, 16777216, 16777216, 16777216, 16777216, 16777216, 16777216,
            16777216, 16777216, 16777216, 16777216, 16777216, 16777216
        };

        [TestMethod]
        public void SigmoidHasItsShapeAndTheDesktopBitsOverTheSampledSweep()
        {
            uint fingerprint = DeviceTestSupport.EmptyFingerprint;
            uint derivativeFingerprint = DeviceTestSupport.EmptyFingerprint;
            long sum = 0;
            int previous = -1;
            int count = 0;
            for (int x = SweepStart; x <= SweepEnd; x += SweepStep)
            {
                int y = Sigmoid.Evaluate(x);
                Assert.IsTrue(y >= 0 && y <= Q16.One, "σ within [0, 1]");
                Assert.IsTrue(y >= previous, "σ never decreases");
                Assert.AreEqual(Q16.One, y + Sigmoid.Evaluate(-x), "σ(x) + σ(-x) = 1 exactly");
                if (x >= Sigmoid.SaturationInput || x <= -Sigmoid.SaturationInput)
                {
                    Assert.AreEqual(x > 0 ? Q16.One : 0, y, "σ saturates beyond ±12");
                }

                int derivative = Sigmoid.DerivativeQ30(x);
                Assert.IsTrue(derivative >= 0 && derivative <= (1 << 28), "σ' within [0, 1/4] in Q2.30");
                previous = y;
                sum += y;
                fingerprint = DeviceTestSupport.Fingerprint(fingerprint, y);
                derivativeFingerprint = DeviceTestSupport.Fingerprint(derivativeFingerprint, derivative);
                count++;
            }

            OutputHelper.WriteLine("sigmoid sweep: " + count + " inputs, sum " + sum + ", fingerprint " + fingerprint + ", σ' fingerprint " + derivativeFingerprint);
            Assert.AreEqual(17567, count);
            Assert.AreEqual(ExpectedSigmoidSum, sum);
            Assert.AreEqual(ExpectedSigmoidFingerprint, fingerprint);
            Assert.AreEqual(ExpectedSigmoidDerivativeFingerprint, derivativeFingerprint);
            Assert.AreEqual(Q16.Half, Sigmoid.Evaluate(0));
        }

        [TestMethod]
        public void TanhHasItsShapeAndTheDesktopBitsOverTheSampledSweep()
        {
            uint fingerprint = DeviceTestSupport.EmptyFingerprint;
            uint derivativeFingerprint = DeviceTestSupport.EmptyFingerprint;
            long sum = 0;
            int previous = -Q16.One - 1;
            int count = 0;
            for (int x = SweepStart; x <= SweepEnd; x += SweepStep)
            {
                int y = Tanh.Evaluate(x);
                Assert.IsTrue(y >= -Q16.One && y <= Q16.One, "tanh within [-1, 1]");
                Assert.IsTrue(y >= previous, "tanh never decreases");
                Assert.AreEqual(-y, Tanh.Evaluate(-x), "tanh is odd, exactly");
                if (x >= Tanh.SaturationInput || x <= -Tanh.SaturationInput)
                {
                    Assert.AreEqual(x > 0 ? Q16.One : -Q16.One, y, "tanh saturates beyond ±6");
                }

                int derivative = Tanh.DerivativeQ30(x);
                Assert.IsTrue(derivative >= 0 && derivative <= (1 << 30), "tanh' within [0, 1] in Q2.30");
                previous = y;
                sum += y;
                fingerprint = DeviceTestSupport.Fingerprint(fingerprint, y);
                derivativeFingerprint = DeviceTestSupport.Fingerprint(derivativeFingerprint, derivative);
                count++;
            }

            OutputHelper.WriteLine("tanh sweep: " + count + " inputs, sum " + sum + ", fingerprint " + fingerprint + ", tanh' fingerprint " + derivativeFingerprint);
            Assert.AreEqual(17567, count);
            Assert.AreEqual(ExpectedTanhSum, sum);
            Assert.AreEqual(ExpectedTanhFingerprint, fingerprint);
            Assert.AreEqual(ExpectedTanhDerivativeFingerprint, derivativeFingerprint);
            Assert.AreEqual(0, Tanh.Evaluate(0));
        }

        [TestMethod]
        public void SigmoidAndTanhStayWithinTheirBoundsAtTheReferencePoints()
        {
            // Bounds (docs/ENGINE.md): σ within 1 LSB (256 in Q8.24), tanh within 2 LSB (512).
            Assert.AreEqual(83, SigmoidReferenceQ24.Length);
            Assert.AreEqual(83, TanhReferenceQ24.Length);
            int worstSigmoid = 0;
            int worstTanh = 0;
            for (int k = 0; k < SigmoidReferenceQ24.Length; k++)
            {
                int x = SweepStart + k * ReferenceStep;
                int sigmoidError = Magnitude(Sigmoid.Evaluate(x) * 256 - SigmoidReferenceQ24[k]);
                int tanhError = Magnitude(Tanh.Evaluate(x) * 256 - TanhReferenceQ24[k]);
                worstSigmoid = sigmoidError > worstSigmoid ? sigmoidError : worstSigmoid;
                worstTanh = tanhError > worstTanh ? tanhError : worstTanh;
                Assert.IsTrue(sigmoidError <= 256, "σ within 1 LSB at x = " + x + " LSB");
                Assert.IsTrue(tanhError <= 512, "tanh within 2 LSB at x = " + x + " LSB");
            }

            OutputHelper.WriteLine("worst error at the reference points: σ " + worstSigmoid + "/256 LSB, tanh " + worstTanh + "/256 LSB");
        }

        private static int Magnitude(int value)
        {
            return value >= 0 ? value : -value;
        }
    }
}
