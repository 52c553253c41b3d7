using System;

namespace NanoBackprop
{
    /// <summary>Integer helpers that replace System.Math, which runs in single precision on ESP32.</summary>
    public static class IntegerMath
    {
        /// <summary>⌊√value⌋ for any 64-bit unsigned value, exact.</summary>
        /// <remarks>
        /// Integer Newton iteration x ← ⌊(x + ⌊value/x⌋)/2⌋ from a start read off a 48-entry table,
        /// then one correction. Each step costs a 64-bit division (a library routine on a 32-bit
        /// core); from the table's start one step suffices for value &lt; 2^28, two below 2^56
        /// and three above, where a start from a power of two took up to five, the last only to
        /// see the iterate stop falling. The input scaler takes one root per feature and reading
        /// (5 per row of the Occupancy learner), when the variance moves.
        /// </remarks>
        public static ulong Sqrt(ulong value)
        {
            // value = top·4^half + rest, rest < 4^half, with top < 64 and, unless half is 0, top ≥ 16:
            // a binary search on even shifts (so that √value = √(top + rest/4^half)·2^half), in
            // place of a BitLength call. A test shifts by k when top ≥ 2^(k + 6), so top is below
            // 2^(k + 6) after it either way, and a shift leaves top ≥ 64; the last shift, by 2,
            // takes top from [64, 256) to [16, 64).
            ulong top = value;
            int half = 0;
            if (top >= 1UL << 38)
            {
                top >>= 32;
                half = 16;
            }

            if (top >= 1UL << 22)
            {
                top >>= 16;
                half += 8;
            }

            if (top >= 1UL << 14)
            {
                top >>= 8;
                half += 4;
            }

            if (top >= 1UL << 10)
            {
                top >>= 4;
                half += 2;
            }

            if (top >= 1UL << 8)
            {
                top >>= 2;
                half++;
            }

            if (top >= 1UL << 6)
            {
                top >>= 2;
                half++;
            }

            // The start 2^half·estimate/2^12, estimate = 2^12·(top·(top + 1))^¼ rounded: the
            // geometric mean of √top and √(top + 1), which gives a Newton step's error
            // (x − √v)²/(2x) the same worst value at both ends of the bucket, so the smallest.
            // A switch is one jump on the interpreter and keeps the table in code, not on the heap.
            int estimate;
            switch ((int)top)
            {
                // top < 16 only when half is 0 and top is value itself.
                case 0: return 0;
                case 1: case 2: case 3: return 1;
                case 4: case 5: case 6: case 7: case 8: return 2;
                case 9: case 10: case 11: case 12: case 13: case 14: case 15: return 3;
                case 16: estimate = 16634; break;
                case 17: estimate = 17131; break;
                case 18: estimate = 17614; break;
                case 19: estimate = 18084; break;
                case 20: estimate = 18543; break;
                case 21: estimate = 18990; break;
                case 22: estimate = 19427; break;
                case 23: estimate = 19854; break;
                case 24: estimate = 20272; break;
                case 25: estimate = 20682; break;
                case 26: estimate = 21084; break;
                case 27: estimate = 21478; break;
                case 28: estimate = 21865; break;
                case 29: estimate = 22245; break;
                case 30: estimate = 22619; break;
                case 31: estimate = 22987; break;
                case 32: estimate = 23349; break;
                case 33: estimate = 23706; break;
                case 34: estimate = 24057; break;
                case 35: estimate = 24404; break;
                case 36: estimate = 24745; break;
                case 37: estimate = 25082; break;
                case 38: estimate = 25414; break;
                case 39: estimate = 25742; break;
                case 40: estimate = 26066; break;
                case 41: estimate = 26386; break;
                case 42: estimate = 26702; break;
                case 43: estimate = 27014; break;
                case 44: estimate = 27323; break;
                case 45: estimate = 27628; break;
                case 46: estimate = 27930; break;
                case 47: estimate = 28229; break;
                case 48: estimate = 28525; break;
                case 49: estimate = 28817; break;
                case 50: estimate = 29107; break;
                case 51: estimate = 29394; break;
                case 52: estimate = 29678; break;
                case 53: estimate = 29959; break;
                case 54: estimate = 30238; break;
                case 55: estimate = 30514; break;
                case 56: estimate = 30788; break;
                case 57: estimate = 31059; break;
                case 58: estimate = 31328; break;
                case 59: estimate = 31594; break;
                case 60: estimate = 31859; break;
                case 61: estimate = 32121; break;
                case 62: estimate = 32381; break;
                default: estimate = 32639; break; // top = 63
            }

            // Each step leaves the iterate at or above ⌊√value⌋ and, from x = √value·(1 + ε), at
            // most √value·ε²/(2(1 + ε)) above √value (the floors only lower it): the error
            // squares at each step. Worked out at the ends of every bucket (|ε| is largest
            // there), the table's start is less than 1 above √value after one step while
            // half ≤ 11, after two while half ≤ 25 and after three for every value: the iterate
            // is then ⌊√value⌋ or one more. Sums stay below 2^34, no overflow.
            ulong root = ((ulong)estimate << half) >> 12;
            root = (root + value / root) >> 1;
            if (half > 11)
            {
                root = (root + value / root) >> 1;
                if (half > 25)
                {
                    root = (root + value / root) >> 1;
                }
            }

            // root < 2^32, so its square does not wrap: below (2^32 − 1)², root ≤ ⌊√value⌋ + 1 ≤
            // 2^32 − 1, and from there to 2^64 − 1 (all in the top bucket) the three steps end
            // exactly at 2^32 − 1 (worked out for the whole range; the test checks its ends).
            return root * root > value ? root - 1 : root;
        }

        /// <summary>
        /// numerator / denominator rounded to nearest, ties away from zero. The denominator must be
        /// positive, and |numerator| + denominator / 2 must fit a long.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">denominator is 0 or negative.</exception>
        public static long DivideRounded(long numerator, long denominator)
        {
            if (denominator <= 0)
            {
                throw new ArgumentOutOfRangeException("denominator", "DivideRounded: the denominator must be positive, not " + denominator + ".");
            }

            long half = denominator >> 1; // = denominator / 2 for a positive one, without a division (a library routine on a 32-bit core)
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
