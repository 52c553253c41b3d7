namespace NanoBackprop
{
    /// <summary>Integer helpers that replace System.Math, which runs in single precision on ESP32.</summary>
    public static class IntegerMath
    {
        /// <summary>⌊√value⌋ for any 64-bit unsigned value, exact.</summary>
        /// <remarks>
        /// Integer Newton iteration x ← ⌊(x + ⌊value/x⌋)/2⌋, which from any start at or above
        /// ⌊√value⌋ falls until the first iterate that does not, which is ⌊√value⌋. The start is
        /// the step from 2^h, the power of two at or above the root (2^(2h-2) ≤ value &lt; 2^(2h)),
        /// taken with shifts: ⌊value/2^h⌋ is value &gt;&gt; h, so it costs no 64-bit division (a
        /// library routine on a 32-bit core); each further step costs one, a few in all, against
        /// 32 steps of the bit-by-bit method. The input scaler takes one root per feature every
        /// time it standardises a reading.
        /// </remarks>
        public static ulong Sqrt(ulong value)
        {
            if (value < 2)
            {
                return value;
            }

            int h = (BitLength(value) + 1) >> 1; // 1 to 32
            ulong root = ((1UL << h) + (value >> h)) >> 1; // Newton's step from 2^h: at or above the root, below 2^33
            while (true)
            {
                // root ≤ 2^32 and value/root < 2^33 here, so the sum cannot overflow.
                ulong next = (root + value / root) >> 1;
                if (next >= root)
                {
                    return root;
                }

                root = next;
            }
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
