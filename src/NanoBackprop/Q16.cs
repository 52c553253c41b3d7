using System;

namespace NanoBackprop
{
    /// <summary>
    /// Q16.16 fixed-point arithmetic on <see cref="int"/>: 16 integer bits (sign included) and
    /// 16 fractional bits, so the raw value 65536 is 1.0 and one LSB is 2^-16 (about 1.53e-5).
    /// The range is [-32768, 32768 - 2^-16].
    /// </summary>
    /// <remarks>
    /// Every operation rounds to nearest with ties away from zero, so rounding is symmetric in sign
    /// (<c>Multiply(-a, b) == -Multiply(a, b)</c>) and carries no bias. Results outside the range
    /// saturate to <see cref="MaxValue"/> or <see cref="MinValue"/>; nothing here ever wraps around.
    /// Only integer arithmetic is used except in <see cref="FromDouble"/> and <see cref="ToDouble"/>,
    /// which are for configuration and tests, never for the training loop.
    /// </remarks>
    public static class Q16
    {
        /// <summary>Number of fractional bits.</summary>
        public const int FractionalBits = 16;

        /// <summary>1.0 in Q16.16.</summary>
        public const int One = 65536;

        /// <summary>0.5 in Q16.16.</summary>
        public const int Half = 32768;

        /// <summary>The largest Q16.16 value, 32768 - 2^-16.</summary>
        public const int MaxValue = int.MaxValue;

        /// <summary>The smallest Q16.16 value, -32768.</summary>
        public const int MinValue = int.MinValue;

        /// <summary>
        /// Converts a double to Q16.16, rounding to nearest with ties away from zero. Finite values
        /// outside the range saturate.
        /// </summary>
        /// <exception cref="ArgumentException">The value is NaN or infinite.</exception>
        public static int FromDouble(double value)
        {
            if (double.IsNaN(value))
            {
                throw new ArgumentException("Q16.FromDouble: the value is NaN.", "value");
            }

            if (double.IsInfinity(value))
            {
                throw new ArgumentException("Q16.FromDouble: the value is infinite.", "value");
            }

            // Scaling by 2^16 is exact for every double that is in range.
            double scaled = value * One;
            if (scaled >= 2147483647.5)
            {
                return MaxValue;
            }

            if (scaled <= -2147483648.5)
            {
                return MinValue;
            }

            // Truncate, then look at the exact remainder: adding 0.5 before truncating would round
            // 0.49999999999999994 up to 1 because the sum itself rounds.
            long whole = (long)scaled;
            double fraction = scaled - whole;
            if (fraction >= 0.5)
            {
                whole++;
            }
            else if (fraction <= -0.5)
            {
                whole--;
            }

            return Saturate(whole);
        }

        /// <summary>Converts a Q16.16 value to double exactly.</summary>
        public static double ToDouble(int value)
        {
            return value / 65536.0;
        }

        /// <summary>Clamps a 64-bit integer into the Q16.16 (int) range.</summary>
        public static int Saturate(long value)
        {
            if (value > int.MaxValue)
            {
                return int.MaxValue;
            }

            if (value < int.MinValue)
            {
                return int.MinValue;
            }

            return (int)value;
        }

        /// <summary>
        /// Divides by 2^<paramref name="shift"/> and rounds to nearest, ties away from zero.
        /// Requires 1 ≤ shift ≤ 62 and |value| &lt; 2^63 - 2^(shift-1), which every caller in this
        /// library guarantees by its bounds on weights and fan-in.
        /// </summary>
        public static long RoundShift(long value, int shift)
        {
            // For a negative value, -((half - value) >> shift) = ⌈(value - half) / 2^shift⌉
            // = ⌊(value + half - 1) / 2^shift⌋: the sign bit's -1 turns the floor of the arithmetic
            // shift into the mirror image of the positive case, without a branch on the sign.
            return (value + (1L << (shift - 1)) + (value >> 63)) >> shift;
        }

        /// <summary>Saturating Q16.16 addition.</summary>
        public static int Add(int a, int b)
        {
            return Saturate((long)a + b);
        }

        /// <summary>Saturating Q16.16 subtraction.</summary>
        public static int Subtract(int a, int b)
        {
            return Saturate((long)a - b);
        }

        /// <summary>
        /// Q16.16 product, rounded to nearest (ties away from zero) and saturated. The 64-bit
        /// intermediate is exact: |a·b| ≤ 2^62.
        /// </summary>
        public static int Multiply(int a, int b)
        {
            return Saturate(RoundShift((long)a * b, FractionalBits));
        }

        /// <summary>Saturating negation: -MinValue saturates to MaxValue.</summary>
        public static int Negate(int a)
        {
            return a == int.MinValue ? int.MaxValue : -a;
        }

        /// <summary>
        /// Dot product Σ a[i]·b[i] over <paramref name="count"/> elements starting at the given
        /// offsets, accumulated exactly in 64 bits and rounded once.
        /// </summary>
        /// <remarks>
        /// The caller must bound the operands so the sum cannot overflow a long: with one side
        /// bounded by |x| ≤ 2^23 (128.0) each product is at most 2^54 in magnitude, so up to 511
        /// terms fit (see <see cref="Network.MaxLayerSize"/>). Products of two unbounded Q16.16
        /// values reach 2^62 and two of them already overflow.
        /// </remarks>
        /// <exception cref="ArgumentNullException">a or b is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">An offset or count is negative, or a range runs past its array.</exception>
        public static int Dot(int[] a, int aOffset, int[] b, int bOffset, int count)
        {
            if (a == null)
            {
                throw new ArgumentNullException("a", "Q16.Dot: a is null.");
            }

            if (b == null)
            {
                throw new ArgumentNullException("b", "Q16.Dot: b is null.");
            }

            if (count < 0)
            {
                throw new ArgumentOutOfRangeException("count", "Q16.Dot: count must not be negative.");
            }

            if (aOffset < 0 || aOffset > a.Length - count)
            {
                throw new ArgumentOutOfRangeException("aOffset", "Q16.Dot: " + count + " elements from aOffset " + aOffset + " do not fit a (" + a.Length + " elements).");
            }

            if (bOffset < 0 || bOffset > b.Length - count)
            {
                throw new ArgumentOutOfRangeException("bOffset", "Q16.Dot: " + count + " elements from bOffset " + bOffset + " do not fit b (" + b.Length + " elements).");
            }

            long sum = 0;
            for (int i = 0; i < count; i++)
            {
                sum += (long)a[aOffset + i] * b[bOffset + i];
            }

            return Saturate(RoundShift(sum, FractionalBits));
        }
    }
}
