namespace NanoBackprop.Tests;

[TestClass]
public sealed class InputScalerTests
{
    private const double Lsb = 1.0 / 65536;

    [TestMethod]
    public void StandardisesWithExactRunningStatistics()
    {
        // Readings 10, 20, 30, 40, 50: mean 30, population σ = √200 = 14.142…
        var scaler = new InputScaler(1, InputScaler.DefaultWindowShift);
        foreach (int reading in new[] { 10, 20, 30, 40, 50 })
        {
            scaler.Observe(new[] { reading });
        }

        Assert.AreEqual(5L, scaler.Count);
        Assert.AreEqual(30, scaler.GetMean(0));
        Assert.AreEqual(Math.Sqrt(200), scaler.GetStandardDeviation(0) / 256.0, 1 / 256.0);
        // (50 - 30)/√200 = √2 = 1.41421…; the deviation carries 8 fractional bits, so the result is
        // within 2^-8 relative of the exact value.
        Assert.AreEqual(Math.Sqrt(2), Q16.ToDouble(scaler.ScaleValue(0, 50)), Math.Sqrt(2) / 256);
        Assert.AreEqual(0, scaler.ScaleValue(0, 30));
        Assert.AreEqual(-scaler.ScaleValue(0, 50), scaler.ScaleValue(0, 10));
        Assert.AreEqual(50, scaler.Unscale(0, scaler.ScaleValue(0, 50)));
    }

    [TestMethod]
    public void KeepsWideAndTinyFeaturesInRange()
    {
        // Lux in deci-lux up to 10^5 (variance ~10^9, far beyond Q16.16) beside a humidity
        // ratio in ppm around 4,800 ± 500 and a feature whose spread is a few units.
        var scaler = new InputScaler(3, InputScaler.DefaultWindowShift);
        var random = new Random(1);
        double[] sum = new double[3];
        double[] sumSquares = new double[3];
        const int n = 20_000;
        var readings = new int[n][];
        for (int k = 0; k < n; k++)
        {
            readings[k] = new[] { random.Next(0, 100_000), 4800 + random.Next(-500, 501), 7 + random.Next(-3, 4) };
            scaler.Observe(readings[k]);
        }

        // The window (2^14) is shorter than the stream: compare with the exponentially weighted
        // statistics' plain counterpart over the last 2^14 readings, loosely.
        for (int k = n - 16384; k < n; k++)
        {
            for (int f = 0; f < 3; f++)
            {
                sum[f] += readings[k][f];
                sumSquares[f] += (double)readings[k][f] * readings[k][f];
            }
        }

        for (int f = 0; f < 3; f++)
        {
            double mean = sum[f] / 16384;
            double deviation = Math.Sqrt(sumSquares[f] / 16384 - mean * mean);
            Assert.AreEqual(mean, scaler.GetMean(f), 0.02 * deviation + 1, $"feature {f} mean");
            Assert.AreEqual(deviation, scaler.GetStandardDeviation(f) / 256.0, 0.03 * deviation, $"feature {f} deviation");
            Assert.IsGreaterThan(0, scaler.GetStandardDeviation(f));
        }

        Assert.AreEqual(0, scaler.SaturatedReadings);
    }

    [TestMethod]
    public void ZeroSpreadScalesToZeroAndOutliersSaturateAndAreCounted()
    {
        var scaler = new InputScaler(2, InputScaler.DefaultWindowShift);
        for (int k = 0; k < 100; k++)
        {
            scaler.Observe(new[] { 42, k % 2 });
        }

        int[] scaled = new int[2];
        scaler.Scale(new[] { 1_000_000, 0 }, scaled);
        Assert.AreEqual(0, scaled[0], "a constant feature never divides by its zero spread");
        Assert.AreEqual(-Q16.One, scaled[1]);
        scaler.Scale(new[] { 42, 1_000 }, scaled);
        Assert.AreEqual(InputScaler.OutputLimit, scaled[1]);
        scaler.Scale(new[] { 42, int.MinValue }, scaled);
        Assert.AreEqual(-InputScaler.OutputLimit, scaled[1]);
        Assert.AreEqual(2, scaler.SaturatedReadings);
        // From reading 17 a reading 2^31 units away: on the constant feature (no spread, no
        // scale to judge by) it is learned, its deviation clamped in the variance update (δ and δ'
        // counted, never wrapped); on the other it is an outlier, replaced by the mean.
        scaler.Observe(new[] { int.MaxValue, int.MinValue });
        Assert.AreEqual(4, scaler.SaturatedReadings);
        Assert.IsGreaterThan(0, scaler.GetStandardDeviation(0));
        Assert.AreEqual(1, scaler.ClampedReadings);

        // In the robust start int.MaxValue and int.MinValue are both inliers (two readings cannot
        // tell a glitch): their deviations of 2^31 raw units are clamped to 2^23 in the variance,
        // counted, never wrapped (3: δ of the first reading, δ and δ' of the second): the
        // variance is (2^23·2^8)²/2 = 2^61, σ·2^8 = ⌊2^30.5⌋ = 1,518,500,249.
        var wide = new InputScaler(1, InputScaler.DefaultWindowShift);
        wide.Observe(new[] { int.MaxValue });
        wide.Observe(new[] { int.MinValue });
        Assert.AreEqual(3, wide.SaturatedReadings);
        Assert.AreEqual(1_518_500_249, wide.GetStandardDeviation(0));
    }

    [TestMethod]
    public void TheClampLimitIsFourDeviationsInTheMeansUnits()
    {
        // A variance of 100 is σ·2^8 = 10, a limit of 4·10·2^8 = 10,240 (raw·2^16); of 99,
        // ⌊√99⌋ = 9 and 9,216; of 2^62, σ·2^8 = 2^31 and 2^41; no spread, no limit.
        Assert.AreEqual(10_240L, InputScaler.ClampLimit(100));
        Assert.AreEqual(9_216L, InputScaler.ClampLimit(99));
        Assert.AreEqual(1L << 41, InputScaler.ClampLimit(1L << 62));
        Assert.AreEqual(0L, InputScaler.ClampLimit(0));
    }

    [TestMethod]
    public void ObserveEqualsTheDefinitionAfterEveryReading()
    {
        // Observe's loop (ObservePlausible, the fast path) beside ObservePlausibleByDefinition
        // (Welford's step by Update, the clamp by the root's limit), the whole state compared
        // after every reading: streams with isolated outliers and runs of them, a constant
        // feature, readings at int's ends (saturating deviations), windows of 2^2 to 2^14 (the
        // divisor capped early and late), with and without the robust start.
        string[] fields = { "means", "variances", "deviations", "outlierRun", "count", "buffered", "saturatedReadings", "clampedReadings", "rejectedReadings" };
        var random = new Random(31);
        int outliers = 0;
        int saturations = 0;
        for (int trial = 0; trial < 120; trial++)
        {
            int windowShift = random.Next(2, 15);
            bool robustStart = random.Next(2) == 0;
            var fast = new InputScaler(4, windowShift, robustStart);
            var definition = new InputScaler(4, windowShift, robustStart);
            int level = random.Next(-1_000, 1_000);
            for (int k = 0; k < 300; k++)
            {
                if (random.Next(100) == 0)
                {
                    level += random.Next(-20_000, 20_000); // a real shift: a run of outliers
                }

                int glitch = random.Next(40);
                int[] raw =
                {
                    level + random.Next(-30, 30) + (glitch == 0 ? 50_000 : 0),
                    7,
                    glitch == 1 ? int.MaxValue : glitch == 2 ? int.MinValue : random.Next(-5, 5),
                    random.Next() - (1 << 30),
                };
                fast.Observe(raw);
                definition.ObservePlausibleByDefinition(raw);
                foreach (string field in fields)
                {
                    object expected = Field(definition, field);
                    object actual = Field(fast, field);
                    string what = $"trial {trial} (window 2^{windowShift}, robust start {robustStart}), reading {k}: {field}";
                    if (expected is Array expectedArray)
                    {
                        CollectionAssert.AreEqual(expectedArray, (Array)actual, what);
                    }
                    else
                    {
                        Assert.AreEqual(expected, actual, what);
                    }
                }
            }

            outliers += fast.ClampedReadings;
            saturations += fast.SaturatedReadings;
        }

        Assert.IsGreaterThan(1_000, outliers, "outliers were replaced and winsorised");
        Assert.IsGreaterThan(500, saturations, "deviations were clamped");
    }

    [TestMethod]
    public void TheKeptRootsFollowTheirVariancesThroughEveryWrite()
    {
        // Scale takes each feature's root from the deviations kept beside the variances: after
        // every way a variance is written (Observe in and after the robust start, with outliers
        // and saturations, Calibrate, a rollback to a snapshot, a model load) each kept root must
        // be ⌊√variance⌋, and Scale must equal ScaleValue (which takes the root afresh).
        var random = new Random(37);
        int loads = 0;
        int rollbacks = 0;
        int calibrations = 0;
        int outliers = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            bool robustStart = trial % 2 == 0;
            var learner = new OnlineLearner(new Network(new[] { 3, 4, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, trial + 1, NetworkOptions.None),
                new LearnerOptions { RobustStart = robustStart, DivergenceGuard = true });
            InputScaler scaler = learner.Scaler;
            long[] snapshot = new long[scaler.StatisticsLength];
            for (int step = 0; step < 80; step++)
            {
                int action = random.Next(12);
                if (action == 0)
                {
                    scaler.Calibrate(random.Next(3), random.Next(-100, 100), random.Next(0, 100_000));
                    calibrations++;
                }
                else if (action == 1)
                {
                    scaler.CopyStatisticsTo(snapshot, 0);
                }
                else if (action == 2 && step > 0)
                {
                    scaler.CopyStatisticsFrom(snapshot, 0);
                    rollbacks++;
                }
                else if (action == 3)
                {
                    byte[] blob = new byte[ModelBlob.SizeOf(learner)];
                    ModelBlob.Write(learner, blob, 0);
                    var loaded = new OnlineLearner(new Network(new[] { 3, 4, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 99, NetworkOptions.None),
                        new LearnerOptions { RobustStart = robustStart, DivergenceGuard = true });
                    ModelBlob.Read(loaded, blob, 0, blob.Length);
                    AssertRootsKept(loaded.Scaler, random, $"trial {trial}, step {step}, loaded");
                    loads++;
                }
                else
                {
                    int glitch = random.Next(10);
                    learner.Learn(new[]
                    {
                        random.Next(-50, 50) + (glitch == 0 ? 1_000_000 : 0),
                        glitch == 1 ? int.MaxValue : random.Next(1_000, 2_000),
                        step < 20 ? 5 : random.Next(-3, 3),
                    }, new[] { random.Next(2) * Q16.One });
                }

                AssertRootsKept(scaler, random, $"trial {trial}, step {step}, action {action}");
            }

            outliers += scaler.ClampedReadings;
        }

        Assert.IsGreaterThan(50, loads, "model loads");
        Assert.IsGreaterThan(50, rollbacks, "rollbacks to a snapshot");
        Assert.IsGreaterThan(50, calibrations, "calibrations");
        Assert.IsGreaterThan(50, outliers, "outliers replaced or winsorised");
    }

    // Each kept root is ⌊√variance⌋ (checked against the integer root's definition), and Scale
    // (the kept roots) equals ScaleValue (the root afresh) on a random reading.
    private static void AssertRootsKept(InputScaler scaler, Random random, string what)
    {
        long[] variances = (long[])Field(scaler, "variances");
        uint[] deviations = (uint[])Field(scaler, "deviations");
        int[] raw = new int[variances.Length];
        for (int f = 0; f < variances.Length; f++)
        {
            ulong root = deviations[f];
            Assert.IsTrue(root * root <= (ulong)variances[f] && (root + 1) * (root + 1) > (ulong)variances[f], $"{what}: feature {f}: kept root {root} of variance {variances[f]}");
            raw[f] = random.Next(-3_000, 3_000);
        }

        int[] scaled = new int[raw.Length];
        scaler.Scale(raw, scaled);
        for (int f = 0; f < raw.Length; f++)
        {
            Assert.AreEqual(scaler.ScaleValue(f, raw[f]), scaled[f], $"{what}: feature {f} scaled");
        }
    }

    private static object Field(InputScaler scaler, string name)
    {
        return typeof(InputScaler).GetField(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(scaler)!;
    }

    [TestMethod]
    public void ScaleIsScaleValueFeatureByFeature()
    {
        // Scale's loop (the fast path of the learner's rows) against ScaleValue (the definition,
        // ScaleOne) on scalers with every kind of statistics: spread and none, wide and tiny
        // features, declared ranges that clamp, readings at int's ends (saturating at ±16).
        var random = new Random(29);
        int saturated = 0;
        int clampedToRange = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            var scaler = new InputScaler(4, random.Next(2, 15), random.Next(2) == 0);
            scaler.SetPlausibleRange(3, -1_000, 1_000);
            int readings = random.Next(0, 60);
            for (int k = 0; k < readings; k++)
            {
                scaler.Observe(new[] { random.Next(-50, 50), 42, random.Next() - (1 << 30), random.Next(-900, 900) });
            }

            for (int k = 0; k < 50; k++)
            {
                int[] raw = new int[4];
                for (int f = 0; f < 4; f++)
                {
                    raw[f] = random.Next(4) switch
                    {
                        0 => random.Next(-100, 100),
                        1 => random.Next(2) == 0 ? int.MinValue : int.MaxValue,
                        2 => random.Next(-5_000, 5_000),
                        _ => random.Next() - (1 << 30),
                    };
                }

                int[] byDefinition = new int[4];
                int before = scaler.SaturatedReadings;
                for (int f = 0; f < 4; f++)
                {
                    byDefinition[f] = scaler.ScaleValue(f, raw[f]);
                }

                int definitionSaturations = scaler.SaturatedReadings - before;
                int[] scaled = new int[4];
                scaler.Scale(raw, scaled);
                CollectionAssert.AreEqual(byDefinition, scaled, $"trial {trial}, reading {string.Join(", ", raw)}");
                Assert.AreEqual(definitionSaturations, scaler.SaturatedReadings - before - definitionSaturations, "the same saturations counted");
                saturated += definitionSaturations;
                clampedToRange += raw[3] < -1_000 || raw[3] > 1_000 ? 1 : 0;
            }
        }

        Assert.IsGreaterThan(1_000, saturated, "values beyond ±16 were compared");
        Assert.IsGreaterThan(1_000, clampedToRange, "values beyond the declared range were compared");
    }

    [TestMethod]
    public void FrozenCalibratedAndWindowedStatisticsBehave()
    {
        var scaler = new InputScaler(1, 4);
        scaler.Calibrate(0, 1000, 10 * 256);
        Assert.AreEqual(Q16.One, scaler.ScaleValue(0, 1010));
        scaler.Frozen = true;
        scaler.Observe(new[] { 5000 });
        Assert.AreEqual(1000, scaler.GetMean(0));
        // Unfrozen with a window of 2^4: after 200 readings of 2,000 the mean has moved there.
        scaler.Frozen = false;
        for (int k = 0; k < 200; k++)
        {
            scaler.Observe(new[] { 2000 });
        }

        Assert.AreEqual(2000, scaler.GetMean(0), 1);
    }

    [TestMethod]
    public void RejectsBadInputWithoutChangingState()
    {
        var scaler = new InputScaler(2, 8);
        scaler.Observe(new[] { 1, 2 });
        string before = NetworkState.Capture(scaler);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentNullException>(() => scaler.Observe(null!)).Message, "null");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => scaler.Observe(new int[3])).Message, "has 3 values; the scaler has 2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => scaler.Scale(new int[2], new int[1])).Message, "has 1 values");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scaler.Calibrate(2, 0, 0)).Message, "feature must be 0 to 1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => scaler.Calibrate(0, 0, -1)).Message, "must not be negative");
        Assert.AreEqual(before, NetworkState.Capture(scaler));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new InputScaler(0, 8));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new InputScaler(1, 25));
    }
}
