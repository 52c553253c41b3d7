namespace NanoBackprop
{
    /// <summary>
    /// tanh on Q16.16 values from the sigmoid table: tanh x = 2σ(2x) - 1.
    /// </summary>
    /// <remarks>
    /// σ(2x) is taken unrounded from the table's interpolation and rounded once at the end, so the
    /// doubling scales only the interpolation error (2 × 0.19 LSB) and the result misses tanh by at
    /// most about 0.9 LSB, within the 2^-15 bound an exhaustive test checks. Doubling x is exact.
    /// Beyond |x| ≥ 6 the output is ±1, which misses tanh by at most 1 - tanh(6) ≈ 0.81 LSB.
    /// tanh is odd, so negative inputs are negated after the saturation test (int.MinValue never is).
    /// </remarks>
    public static class Tanh
    {
        /// <summary>Inputs at or beyond ±6.0 (Q16.16) give exactly ±1.</summary>
        public const int SaturationInput = Sigmoid.SaturationInput / 2;

        // Bits below the Q16.16 result once 2σ - 1 is formed from the interpolated σ.
        private const int ResultShift = Sigmoid.EntryFractionalBits - Q16.FractionalBits + Sigmoid.StepShift - 1;

        /// <summary>Evaluates tanh(x) for a Q16.16 x; the result is Q16.16 in [-1, 1].</summary>
        public static int Evaluate(int x)
        {
            if (x >= 0)
            {
                return x >= SaturationInput ? Q16.One : EvaluateNonNegative(x);
            }

            return x <= -SaturationInput ? -Q16.One : -EvaluateNonNegative(-x);
        }

        /// <summary>
        /// tanh'(x) = 1 - tanh²(x) = 4σ(2x)(1 - σ(2x)) for a Q16.16 x, as Q2.30 (2^30 = 1.0), from
        /// the table's unrounded interpolation (see <see cref="Sigmoid.DerivativeQ30"/>); beyond
        /// |x| ≥ 6 it is 4e^-2|x|, and from |x| ≥ 12 (tanh' &lt; 2^-32) it is 0.
        /// </summary>
        public static int DerivativeQ30(int x)
        {
            if (x >= 2 * SaturationInput || x <= -2 * SaturationInput)
            {
                return 0;
            }

            int doubled = 2 * (x >= 0 ? x : -x);
            if (doubled >= Sigmoid.SaturationInput)
            {
                return 4 * Sigmoid.ExpNegativeQ30(doubled);
            }

            long sigmoid = Q16.RoundShift(Sigmoid.Interpolate(doubled), Sigmoid.InterpolationBits - Sigmoid.DerivativeBits);
            return (int)Q16.RoundShift(sigmoid * ((1L << Sigmoid.DerivativeBits) - sigmoid), Sigmoid.DerivativeBits - 2);
        }

        private static int EvaluateNonNegative(int x)
        {
            // σ(2x) comes in units of 2^-34, so 2σ - 1 in units of 2^-33 is σ - 2^33; one rounded
            // shift by 17 brings it to Q16.16.
            long sigmoidOfDouble = Sigmoid.Interpolate(2 * x);
            long twiceMinusOne = sigmoidOfDouble - (1L << (ResultShift + Q16.FractionalBits));
            return (int)((twiceMinusOne + (1L << (ResultShift - 1))) >> ResultShift); // = Q16.RoundShift(twiceMinusOne, ResultShift), the operand ≥ 0 for x ≥ 0
        }
    }
}
