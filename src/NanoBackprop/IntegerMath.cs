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
            int bits = 0;
            for (int half = 32; half > 0; half >>= 1)
            {
                if (value >> half != 0)
                {
                    value >>= half;
                    bits += half;
                }
            }

            return value == 0 ? bits : bits + 1;
        }
    }
}
