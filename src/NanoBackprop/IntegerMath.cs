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
            // A binary search without a loop, on 32 bits after the first step (a 32-bit core
            // shifts those in one instruction). Each step keeps the upper half when it is
            // non-zero; what is left at the end is 0 or 1.
            int bits = 0;
            if (value >> 32 != 0)
            {
                value >>= 32;
                bits = 32;
            }

            uint rest = (uint)value;
            if (rest >> 16 != 0)
            {
                rest >>= 16;
                bits += 16;
            }

            if (rest >> 8 != 0)
            {
                rest >>= 8;
                bits += 8;
            }

            if (rest >> 4 != 0)
            {
                rest >>= 4;
                bits += 4;
            }

            if (rest >> 2 != 0)
            {
                rest >>= 2;
                bits += 2;
            }

            if (rest >> 1 != 0)
            {
                rest >>= 1;
                bits++;
            }

            return bits + (int)rest;
        }
    }
}
