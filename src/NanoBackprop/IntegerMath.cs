namespace NanoBackprop
{
    /// <summary>Integer helpers that replace System.Math, which runs in single precision on ESP32.</summary>
    public static class IntegerMath
    {
        /// <summary>⌊√value⌋ for any 64-bit unsigned value, by the bit-by-bit method (exact).</summary>
        public static ulong Sqrt(ulong value)
        {
            ulong root = 0;
            ulong bit = 1UL << 62;
            while (bit > value)
            {
                bit >>= 2;
            }

            while (bit != 0)
            {
                if (value >= root + bit)
                {
                    value -= root + bit;
                    root = (root >> 1) + bit;
                }
                else
                {
                    root >>= 1;
                }

                bit >>= 2;
            }

            return root;
        }

        /// <summary>
        /// numerator / denominator rounded to nearest, ties away from zero. The denominator must be
        /// positive.
        /// </summary>
        public static long DivideRounded(long numerator, long denominator)
        {
            long half = denominator / 2;
            return numerator >= 0 ? (numerator + half) / denominator : -((half - numerator) / denominator);
        }

        /// <summary>Number of significant bits of <paramref name="value"/>: 0 for 0, 64 for 2^63.</summary>
        public static int BitLength(ulong value)
        {
            // A binary search without a loop: each step keeps the upper half when it is non-zero.
            // The steps are conditional moves on the desktop (no mispredicted branches) and fewer
            // IL instructions than a loop on the interpreter. What is left is 0 or 1.
            int step = value >> 32 != 0 ? 32 : 0;
            value >>= step;
            int bits = step;
            step = value >> 16 != 0 ? 16 : 0;
            value >>= step;
            bits += step;
            step = value >> 8 != 0 ? 8 : 0;
            value >>= step;
            bits += step;
            step = value >> 4 != 0 ? 4 : 0;
            value >>= step;
            bits += step;
            step = value >> 2 != 0 ? 2 : 0;
            value >>= step;
            bits += step;
            step = value >> 1 != 0 ? 1 : 0;
            value >>= step;
            return bits + step + (int)value;
        }
    }
}
