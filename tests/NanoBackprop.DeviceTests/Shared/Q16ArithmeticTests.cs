using System;
using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// Q16.16 arithmetic on the device: rounding to nearest with ties away from zero, saturation
    /// instead of wrap-around, and the 64-bit and unsigned operations the engine relies on (nanoCLR
    /// implements long and uint arithmetic itself, so these are worth checking on the board).
    /// </summary>
    [TestClass]
    public class Q16ArithmeticTests
    {
        [TestMethod]
        public void MultiplyRoundsTiesAwayFromZeroSymmetrically()
        {
            Assert.AreEqual(196608, Q16.Multiply(98304, 131072));          // 1.5 × 2.0 = 3.0
            Assert.AreEqual(1, Q16.Multiply(1, Q16.Half));                  // 0.5 LSB rounds up
            Assert.AreEqual(-1, Q16.Multiply(-1, Q16.Half));                // and down, symmetrically
            Assert.AreEqual(2, Q16.Multiply(3, Q16.Half));                  // 1.5 LSB → 2
            Assert.AreEqual(-2, Q16.Multiply(-3, Q16.Half));
            Assert.AreEqual(0, Q16.Multiply(1, 32767));                     // 0.49998 LSB → 0
            Assert.AreEqual(-21845, Q16.Multiply(-Q16.One / 3, Q16.One));   // exact operand passes through
            Assert.AreEqual(7282, Q16.Multiply(21845, 21845));              // (1/3)² = 0.11111: 7281.56 LSB → 7282
        }

        [TestMethod]
        public void ResultsBeyondTheRangeSaturateInsteadOfWrapping()
        {
            Assert.AreEqual(int.MaxValue, Q16.Multiply(int.MaxValue, 2 * Q16.One));
            Assert.AreEqual(int.MinValue, Q16.Multiply(int.MaxValue, -2 * Q16.One));
            Assert.AreEqual(int.MaxValue, Q16.Multiply(int.MinValue, int.MinValue));
            Assert.AreEqual(int.MaxValue, Q16.Add(int.MaxValue, 1));
            Assert.AreEqual(int.MinValue, Q16.Subtract(int.MinValue, 1));
            Assert.AreEqual(int.MaxValue, Q16.Negate(int.MinValue));
            Assert.AreEqual(int.MaxValue, Q16.Saturate(1L << 40));
            Assert.AreEqual(int.MinValue, Q16.Saturate(-(1L << 40)));
            Assert.AreEqual(-5, Q16.Saturate(-5L));
        }

        [TestMethod]
        public void RoundShiftAndDotAreExactIn64Bits()
        {
            Assert.AreEqual(3L, Q16.RoundShift(5, 1));
            Assert.AreEqual(-3L, Q16.RoundShift(-5, 1));
            Assert.AreEqual(2L, Q16.RoundShift(9, 2));                      // 2.25 → 2
            Assert.AreEqual(1L << 20, Q16.RoundShift(1L << 62, 42));
            Assert.AreEqual(-(1L << 20), Q16.RoundShift(-(1L << 62), 42));

            int[] a = { Q16.One, 2 * Q16.One, -Q16.One, 128 * Q16.One };
            int[] b = { Q16.Half, Q16.Half, Q16.One, 0 };
            Assert.AreEqual(Q16.Half, Q16.Dot(a, 0, b, 0, 4));             // 0.5 + 1 - 1 + 0
            Assert.AreEqual(-Q16.One, Q16.Dot(a, 2, b, 2, 2));
            // 511 products of 128.0 × 32767.99998 sum to 2^62.99... in a long without overflow and saturate.
            int[] weights = new int[511];
            int[] inputs = new int[511];
            for (int i = 0; i < 511; i++)
            {
                weights[i] = 128 * Q16.One;
                inputs[i] = int.MaxValue;
            }

            Assert.AreEqual(int.MaxValue, Q16.Dot(weights, 0, inputs, 0, 511));
        }

        [TestMethod]
        public void IntegerHelpersAreExact()
        {
            Assert.AreEqual(362u, IntegerMath.Sqrt(131072u));                // ⌊√(2·2^16)⌋ = ⌊362.04⌋
            Assert.AreEqual(65535u, IntegerMath.Sqrt(uint.MaxValue));
            Assert.AreEqual(4294967295UL, IntegerMath.Sqrt(ulong.MaxValue));
            Assert.AreEqual(0, IntegerMath.BitLength(0));
            Assert.AreEqual(64, IntegerMath.BitLength(1UL << 63));
            Assert.AreEqual(17, IntegerMath.BitLength(65536));
            Assert.AreEqual(4L, IntegerMath.DivideRounded(7, 2));
            Assert.AreEqual(-4L, IntegerMath.DivideRounded(-7, 2));
            Assert.AreEqual(2L, IntegerMath.DivideRounded(7, 3));
        }

        [TestMethod]
        public void SquareRootsAreExactAtEveryEdgeOfTheirStartingTable()
        {
            // IntegerMath.Sqrt normalises v to top·4^half (16 ≤ top < 64 unless half = 0), starts
            // from a 48-case switch and takes 1, 2 or 3 Newton steps by half: every bucket's two
            // ends for every half, each checked as r² ≤ v < (r + 1)², and the small values the
            // switch answers itself.
            for (ulong v = 0; v < 16; v++)
            {
                CheckRoot(v);
            }

            for (int half = 0; half <= 29; half++)
            {
                for (ulong top = 16; top < 64; top++)
                {
                    ulong low = top << (2 * half);
                    CheckRoot(low);
                    CheckRoot(low + ((1UL << (2 * half)) - 1));
                }
            }

            // Where the number of steps changes, around 2^32, and the top of the range.
            Assert.AreEqual(16383UL, IntegerMath.Sqrt((1UL << 28) - 1));
            Assert.AreEqual(16384UL, IntegerMath.Sqrt(1UL << 28));
            Assert.AreEqual(268435455UL, IntegerMath.Sqrt((1UL << 56) - 1));
            Assert.AreEqual(268435456UL, IntegerMath.Sqrt(1UL << 56));
            Assert.AreEqual(65535UL, IntegerMath.Sqrt((1UL << 32) - 1));
            Assert.AreEqual(65536UL, IntegerMath.Sqrt(1UL << 32));
            Assert.AreEqual(4294967294UL, IntegerMath.Sqrt(4294967295UL * 4294967295UL - 1));
            Assert.AreEqual(4294967295UL, IntegerMath.Sqrt(4294967295UL * 4294967295UL));
        }

        [TestMethod]
        public void DivideRoundedRoundsHalfAwayFromZeroAndRefusesANonPositiveDenominator()
        {
            // 7/2 = 3.5 → 4, -7/2 → -4 (ties away from zero); 5/3 = 1.67 → 2; 4/3 = 1.33 → 1. The
            // half of the denominator is a shift (2^62 + 1 halves to 2^61), and a numerator near
            // 2^62 keeps its 64 bits on nanoCLR's long division.
            Assert.AreEqual(4L, IntegerMath.DivideRounded(7, 2));
            Assert.AreEqual(-4L, IntegerMath.DivideRounded(-7, 2));
            Assert.AreEqual(2L, IntegerMath.DivideRounded(5, 3));
            Assert.AreEqual(-2L, IntegerMath.DivideRounded(-5, 3));
            Assert.AreEqual(1L, IntegerMath.DivideRounded(4, 3));
            Assert.AreEqual(2L, IntegerMath.DivideRounded(1L << 62, (1L << 61) + 1));
            Assert.AreEqual(-1L, IntegerMath.DivideRounded(-(1L << 61), (1L << 62) - 1));
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), DivideByZero);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), DivideByMinusThree);
        }

        [TestMethod]
        public void Crc32GivesTheStandardCheckValue()
        {
            // CRC-32/ISO-HDLC of the ASCII bytes "123456789" is 0xCBF43926 (the catalogue's check
            // value); Crc32 takes it four bits at a time from a switch.
            byte[] digits = new byte[] { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39 };
            Assert.AreEqual(0xCBF43926u, Crc32.Compute(digits, 0, digits.Length));
            Assert.AreEqual(0xCBF43926u, Crc32.Compute(new byte[] { 0, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0 }, 1, 9));
        }

        private static void DivideByZero()
        {
            IntegerMath.DivideRounded(7, 0);
        }

        private static void DivideByMinusThree()
        {
            IntegerMath.DivideRounded(7, -3);
        }

        private static void CheckRoot(ulong value)
        {
            ulong root = IntegerMath.Sqrt(value);
            // root < 2^32 for every 64-bit value, so root² does not wrap; (root + 1)² can only
            // wrap for root = 2^32 - 1, whose successor's square exceeds every 64-bit value.
            Assert.IsTrue(root < 1UL << 32, "Sqrt(" + value + ") = " + root);
            Assert.IsTrue(root * root <= value, "Sqrt(" + value + ") = " + root + " is too large");
            Assert.IsTrue(root == 4294967295UL || (root + 1) * (root + 1) > value, "Sqrt(" + value + ") = " + root + " is too small");
        }
    }
}
