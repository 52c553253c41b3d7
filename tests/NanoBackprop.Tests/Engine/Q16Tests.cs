namespace NanoBackprop.Tests;

[TestClass]
public sealed class Q16Tests
{
    [TestMethod]
    public void FromDoubleRoundsToNearestWithTiesAwayFromZero()
    {
        Assert.AreEqual(65536, Q16.FromDouble(1.0));
        Assert.AreEqual(-98304, Q16.FromDouble(-1.5));
        // 0.1·2^16 = 6553.6 → 6554; 0.8·2^16 = 52428.8 → 52429.
        Assert.AreEqual(6554, Q16.FromDouble(0.1));
        Assert.AreEqual(52429, Q16.FromDouble(0.8));
        // Exact ties: half an LSB rounds away from zero in both directions.
        Assert.AreEqual(1, Q16.FromDouble(0.5 / 65536));
        Assert.AreEqual(-1, Q16.FromDouble(-0.5 / 65536));
        Assert.AreEqual(2, Q16.FromDouble(1.5 / 65536));
        Assert.AreEqual(-2, Q16.FromDouble(-1.5 / 65536));
        // Just below a tie rounds down: adding 0.5 first would round this up.
        Assert.AreEqual(0, Q16.FromDouble(0.49999999999999994 / 65536));
        Assert.AreEqual(0, Q16.FromDouble(-0.49999999999999994 / 65536));
    }

    [TestMethod]
    public void FromDoubleSaturatesFiniteValuesOutOfRange()
    {
        Assert.AreEqual(int.MaxValue, Q16.FromDouble(32767.99999));
        Assert.AreEqual(int.MaxValue, Q16.FromDouble(32768.0));
        Assert.AreEqual(int.MaxValue, Q16.FromDouble(1e300));
        Assert.AreEqual(int.MaxValue, Q16.FromDouble(double.MaxValue));
        Assert.AreEqual(int.MinValue, Q16.FromDouble(-32768.0));
        Assert.AreEqual(int.MinValue, Q16.FromDouble(-32768.000007));
        Assert.AreEqual(int.MinValue, Q16.FromDouble(-double.MaxValue));
        // The largest value is exactly representable and round-trips.
        Assert.AreEqual(int.MaxValue, Q16.FromDouble(Q16.ToDouble(int.MaxValue)));
        Assert.AreEqual(int.MinValue + 1, Q16.FromDouble(Q16.ToDouble(int.MinValue + 1)));
    }

    [TestMethod]
    public void FromDoubleRejectsNaNAndInfinity()
    {
        foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var error = Assert.ThrowsExactly<ArgumentException>(() => Q16.FromDouble(bad));
            StringAssert.Contains(error.Message, double.IsNaN(bad) ? "NaN" : "infinite");
        }
    }

    [TestMethod]
    public void FromDoubleMatchesExactRoundingOnRandomValues()
    {
        var random = new Random(7);
        for (int n = 0; n < 100_000; n++)
        {
            double value = (random.NextDouble() - 0.5) * 70000;
            // decimal has 96 bits: an exact model of round-half-away-from-zero for these values.
            decimal exact = Math.Round((decimal)value * 65536m, MidpointRounding.AwayFromZero);
            long expected = exact > int.MaxValue ? int.MaxValue : exact < int.MinValue ? int.MinValue : (long)exact;
            Assert.AreEqual(expected, Q16.FromDouble(value), $"value {value:R}");
        }
    }

    [TestMethod]
    public void MultiplyRoundsToNearestAndIsSymmetricInSign()
    {
        Assert.AreEqual(Q16.FromDouble(0.75), Q16.Multiply(Q16.FromDouble(1.5), Q16.FromDouble(0.5)));
        // 1 LSB × 0.5 = half an LSB: a tie, away from zero.
        Assert.AreEqual(1, Q16.Multiply(1, Q16.Half));
        Assert.AreEqual(-1, Q16.Multiply(-1, Q16.Half));
        // 1 LSB × (0.5 - 1 LSB) is just below the tie.
        Assert.AreEqual(0, Q16.Multiply(1, Q16.Half - 1));
        var random = new Random(11);
        for (int n = 0; n < 100_000; n++)
        {
            int a = random.Next(int.MinValue + 1, int.MaxValue);
            int b = random.Next(-(1 << 20), 1 << 20);
            int small = a >> 5;
            // Below saturation (|small·b| ≤ 2^46) rounding is symmetric in sign.
            Assert.AreEqual(-Q16.Multiply(small, b), Q16.Multiply(-small, b));
            decimal exact = Math.Round((decimal)a * b / 65536m, MidpointRounding.AwayFromZero);
            long expected = exact > int.MaxValue ? int.MaxValue : exact < int.MinValue ? int.MinValue : (long)exact;
            Assert.AreEqual(expected, Q16.Multiply(a, b));
        }
    }

    [TestMethod]
    public void ArithmeticSaturatesInsteadOfWrapping()
    {
        Assert.AreEqual(int.MaxValue, Q16.Add(int.MaxValue, 1));
        Assert.AreEqual(int.MinValue, Q16.Add(int.MinValue, -1));
        Assert.AreEqual(int.MaxValue, Q16.Subtract(0, int.MinValue));
        Assert.AreEqual(int.MaxValue, Q16.Negate(int.MinValue));
        // (-32768)² = 2^30 and 32768² overflow the format: saturate, keep the sign.
        Assert.AreEqual(int.MaxValue, Q16.Multiply(int.MinValue, int.MinValue));
        Assert.AreEqual(int.MinValue, Q16.Multiply(int.MinValue, int.MaxValue));
        Assert.AreEqual(int.MaxValue, Q16.Multiply(int.MaxValue, int.MaxValue));
        Assert.AreEqual(int.MaxValue, Q16.Saturate(long.MaxValue));
        Assert.AreEqual(int.MinValue, Q16.Saturate(long.MinValue));
    }

    [TestMethod]
    public void DotAccumulatesExactlyAndRoundsOnce()
    {
        // Three products of 1 LSB × 0.25 are each a quarter LSB: rounding each would give 0,
        // the exact sum 0.75 LSB rounds to 1.
        int[] a = { 1, 1, 1 };
        int[] b = { Q16.One / 4, Q16.One / 4, Q16.One / 4 };
        Assert.AreEqual(1, Q16.Dot(a, 0, b, 0, 3));
        // At the documented limit: 511 products of -128 and -32768 are 511·2^54, exact in a long.
        int[] weights = Enumerable.Repeat(-Network.MaxWeight, Network.MaxLayerSize).ToArray();
        int[] inputs = Enumerable.Repeat(int.MinValue, Network.MaxLayerSize).ToArray();
        Assert.AreEqual(int.MaxValue, Q16.Dot(weights, 0, inputs, 0, Network.MaxLayerSize));
        Assert.AreEqual(int.MinValue, Q16.Dot(weights, 0, Enumerable.Repeat(int.MaxValue, Network.MaxLayerSize).ToArray(), 0, Network.MaxLayerSize));
    }

    [TestMethod]
    public void RoundShiftRoundsHalfAwayFromZero()
    {
        Assert.AreEqual(2L, Q16.RoundShift(3, 1));
        Assert.AreEqual(-2L, Q16.RoundShift(-3, 1));
        Assert.AreEqual(1L, Q16.RoundShift(5, 2));
        Assert.AreEqual(-1L, Q16.RoundShift(-5, 2));
        Assert.AreEqual(2L, Q16.RoundShift(6, 2));
        Assert.AreEqual(-2L, Q16.RoundShift(-6, 2));
    }

    [TestMethod]
    public void RoundShiftMatchesTheSignBranchingDefinitionAtEveryShift()
    {
        // RoundShift has no branch on the sign; the reference here rounds the magnitude and
        // restores the sign. Values at and around every tie, and random values within the
        // documented range |value| < 2^63 - 2^(shift-1).
        var random = new Random(20261123);
        int compared = 0;
        for (int shift = 1; shift <= 62; shift++)
        {
            long half = 1L << (shift - 1);
            long limit = long.MaxValue - half;
            var values = new List<long> { 0, 1, -1, half, -half, half - 1, 1 - half, half + 1, -half - 1, limit, -limit };
            for (long multiple = 1; multiple <= 5; multiple++)
            {
                long tie = (multiple << shift) + half;
                if (tie > 0 && tie < limit - 1)
                {
                    values.AddRange(new[] { tie, tie - 1, tie + 1, -tie, 1 - tie, -tie - 1 });
                }
            }

            for (int k = 0; k < 200; k++)
            {
                values.Add(random.NextInt64(-limit + 1, limit));
            }

            foreach (long value in values)
            {
                long reference = value >= 0 ? (value + half) >> shift : -((half - value) >> shift);
                Assert.AreEqual(reference, Q16.RoundShift(value, shift), $"RoundShift({value}, {shift})");
                compared++;
            }
        }

        Assert.IsGreaterThan(62 * 200, compared);
    }

    [TestMethod]
    public void BitLengthCountsSignificantBits()
    {
        Assert.AreEqual(0, IntegerMath.BitLength(0));
        Assert.AreEqual(64, IntegerMath.BitLength(ulong.MaxValue));
        for (int k = 0; k < 64; k++)
        {
            ulong power = 1UL << k;
            Assert.AreEqual(k + 1, IntegerMath.BitLength(power), $"2^{k}");
            Assert.AreEqual(k, IntegerMath.BitLength(power - 1), $"2^{k} - 1");
            Assert.AreEqual(k + 1, IntegerMath.BitLength(power | (power >> 1) | 1), $"2^{k} + lower bits");
        }

        var random = new Random(64);
        for (int n = 0; n < 10_000; n++)
        {
            ulong value = (ulong)random.NextInt64() >> random.Next(64);
            int reference = 0;
            for (ulong rest = value; rest != 0; rest >>= 1)
            {
                reference++;
            }

            Assert.AreEqual(reference, IntegerMath.BitLength(value), $"BitLength({value})");
        }
    }

    [TestMethod]
    public void IntegerSqrtIsTheFloorOfTheRoot()
    {
        Assert.AreEqual(0UL, IntegerMath.Sqrt(0UL));
        Assert.AreEqual(1UL, IntegerMath.Sqrt(3UL));
        Assert.AreEqual(2UL, IntegerMath.Sqrt(4UL));
        Assert.AreEqual(65535UL, IntegerMath.Sqrt((ulong)uint.MaxValue));
        Assert.AreEqual(4294967295UL, IntegerMath.Sqrt(ulong.MaxValue));
        Assert.AreEqual(362UL, IntegerMath.Sqrt(2UL << 16));
        for (ulong r = 0; r < 4294967296UL; r += 65521 * 7)
        {
            Assert.AreEqual(r, IntegerMath.Sqrt(r * r));
            if (r > 0)
            {
                Assert.AreEqual(r - 1, IntegerMath.Sqrt(r * r - 1));
            }
        }

        // Every value up to 2^16, then random values of every bit length: r² ≤ v < (r + 1)².
        for (ulong value = 0; value <= 65536; value++)
        {
            ulong root = IntegerMath.Sqrt(value);
            Assert.IsTrue(root * root <= value && (root + 1) * (root + 1) > value, $"Sqrt({value}) = {root}");
        }

        // Where the start changes (every bit length) and where the root steps (squares ± 1).
        for (int k = 1; k < 64; k++)
        {
            foreach (ulong value in new[] { (1UL << k) - 1, 1UL << k, (1UL << k) + 1, (3UL << (k - 1)) - 1, 3UL << (k - 1) })
            {
                UInt128 root = IntegerMath.Sqrt(value);
                Assert.IsTrue(root * root <= value && (root + 1) * (root + 1) > value, $"Sqrt({value}) = {root}");
            }
        }

        var random = new Random(2026);
        for (int n = 0; n < 20_000; n++)
        {
            ulong value = (((ulong)random.NextInt64() << 1) | (uint)random.Next(2)) >> random.Next(64);
            UInt128 root = IntegerMath.Sqrt(value);
            Assert.IsTrue(root * root <= value && (root + 1) * (root + 1) > value, $"Sqrt({value}) = {root}");
        }
    }

    // 7/2 = 3.5 → 4 and -7/2 → -4 (ties away from zero); 5/3 = 1.67 → 2, -5/3 → -2; 4/3 = 1.33 → 1.
    [TestMethod]
    [DataRow(7L, 2L, 4L)]
    [DataRow(-7L, 2L, -4L)]
    [DataRow(5L, 3L, 2L)]
    [DataRow(-5L, 3L, -2L)]
    [DataRow(4L, 3L, 1L)]
    [DataRow(0L, 1L, 0L)]
    public void DivideRoundedRoundsHalfAwayFromZero(long numerator, long denominator, long expected)
    {
        Assert.AreEqual(expected, IntegerMath.DivideRounded(numerator, denominator));
    }

    [TestMethod]
    [DataRow(0L)]
    [DataRow(-1L)]
    [DataRow(-3L)]
    [DataRow(long.MinValue)]
    public void DivideRoundedRefusesANonPositiveDenominator(long denominator)
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => IntegerMath.DivideRounded(7, denominator));
        Assert.AreEqual("denominator", error.ParamName);
        StringAssert.Contains(error.Message, "must be positive, not " + denominator);
    }

    [TestMethod]
    public void IntegerSqrtIsExactInEveryBucketOfItsStartingTable()
    {
        // Sqrt writes value = top·4^half + rest (16 ≤ top < 64 unless half = 0), starts Newton
        // from a table entry per top and takes 1, 2 or 3 steps by half. Every bucket (top, half):
        // its ends, the squares and squares − 1 at its ends, and random values inside.
        var random = new Random(4096);
        for (int half = 0; half <= 29; half++)
        {
            for (ulong top = 16; top < 64; top++)
            {
                ulong low = top << (2 * half);
                ulong high = low + ((1UL << (2 * half)) - 1);
                var values = new List<ulong> { low, low + 1, high - 1, high };
                ulong lowRoot = FloorRoot(low);
                ulong highRoot = FloorRoot(high);
                foreach (ulong r in new[] { lowRoot, lowRoot + 1, highRoot, highRoot + 1 })
                {
                    if (r <= uint.MaxValue)
                    {
                        values.Add(r * r - 1);
                        values.Add(r * r);
                    }
                }

                for (int n = 0; n < 64; n++)
                {
                    values.Add(low + (ulong)random.NextInt64() % (high - low + 1));
                }

                foreach (ulong value in values)
                {
                    Assert.AreEqual(FloorRoot(value), IntegerMath.Sqrt(value), $"Sqrt({value}), top {top}, half {half}");
                }
            }
        }

        // Where the number of Newton steps changes (2^28: 1 → 2, 2^56: 2 → 3).
        Assert.AreEqual(16383UL, IntegerMath.Sqrt((1UL << 28) - 1));
        Assert.AreEqual(16384UL, IntegerMath.Sqrt(1UL << 28));
        Assert.AreEqual(268435455UL, IntegerMath.Sqrt((1UL << 56) - 1));
        Assert.AreEqual(268435456UL, IntegerMath.Sqrt(1UL << 56));

        // Around 2^32, and the top 2^33 − 1 values, (2^32 − 1)² to 2^64 − 1, whose root is
        // 2^32 − 1 (the last Newton iterate must not reach 2^32, whose square wraps to 0).
        for (ulong value = (1UL << 32) - 4096; value < (1UL << 32) + 4096; value++)
        {
            Assert.AreEqual(value < (1UL << 32) ? 65535UL : 65536UL, IntegerMath.Sqrt(value), $"Sqrt({value})");
        }

        const ulong LargestSquare = 4294967295UL * 4294967295UL; // (2^32 − 1)² = 2^64 − 2^33 + 1
        Assert.AreEqual(4294967294UL, IntegerMath.Sqrt(LargestSquare - 1));
        for (ulong offset = 0; offset < 4096; offset++)
        {
            Assert.AreEqual(4294967295UL, IntegerMath.Sqrt(LargestSquare + offset), $"Sqrt((2^32 − 1)² + {offset})");
            Assert.AreEqual(4294967295UL, IntegerMath.Sqrt(ulong.MaxValue - offset), $"Sqrt(2^64 − 1 − {offset})");
            Assert.AreEqual(4294967295UL, IntegerMath.Sqrt(LargestSquare + (ulong)random.NextInt64((1L << 33) - 1)), "random value at or above (2^32 − 1)²");
        }
    }

    /// <summary>⌊√value⌋ by the definition: the r with r² ≤ value &lt; (r + 1)², found from the
    /// double root and corrected in 128-bit arithmetic.</summary>
    private static ulong FloorRoot(ulong value)
    {
        UInt128 r = (ulong)Math.Sqrt(value);
        while (r * r > value)
        {
            r--;
        }

        while ((r + 1) * (r + 1) <= value)
        {
            r++;
        }

        return (ulong)r;
    }
}
