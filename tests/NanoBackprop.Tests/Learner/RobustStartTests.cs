namespace NanoBackprop.Tests;

/// <summary>
/// The input scaler's robust start (InputScaler remarks, docs/LEARNER.md "Outliers"): the first 16
/// readings of each feature are kept; the statistics are Welford's running mean and variance of
/// the inliers (the shortest half grown through the sorted readings while each gap is at most its
/// span; every reading below 5), replayed in arrival order with the running update's rounding.
/// </summary>
[TestClass]
public sealed class RobustStartTests
{
    [TestMethod]
    public void WorkedExampleAfterFiveReadings()
    {
        // Readings 2,000, 2,100, 1,900, int.MinValue (a failed read), 2,050.
        var scaler = new InputScaler(1, InputScaler.DefaultWindowShift);
        int[] readings = { 2000, 2100, 1900, int.MinValue, 2050 };

        // After 3 (below 5 readings every reading is an inlier): Welford in (raw·2^8)²: after
        // 2,100 the variance is 25,600·12,800/2 = 163,840,000; 1,900 adds (38,400·25,600 -
        // 163,840,000)/3 = 273,066,666.7 → 273,066,667: 436,906,667 (6,666.67 raw², (100² + 0 +
        // 100²)/3). Mean 2,000.
        Observe(scaler, readings, 0, 3);
        Assert.AreEqual(2000L << 16, Mean(scaler));
        Assert.AreEqual(436_906_667L, Variance(scaler));

        // After 4 the failed read is still in (4 readings cannot tell it apart): the mean is far
        // below 0 and its deviation of about 2^31 is clamped in the variance (counted).
        Observe(scaler, readings, 3, 1);
        Assert.IsLessThan(-500_000_000, scaler.GetMean(0));
        Assert.AreEqual(2, scaler.SaturatedReadings, "δ and δ' of the failed read");

        // After 5: sorted int.MinValue 1,900 2,000 2,050 2,100; the shortest half (3 readings) is
        // 2,000-2,100 (span 100); grown by gaps of at most 100: 1,900 is in (gap 100), int.MinValue
        // is not. Welford over 2,000, 2,100, 1,900 and 2,050, in that order: 2,050 moves the mean
        // by 50/4 to 2,012.5 (131,891,200 as raw·2^16) and adds (12,800·9,600 - 436,906,667)/4 =
        // -78,506,666.75 → -78,506,667 to the variance: 358,400,000 (5,468.75 raw² = (112.5² +
        // 12.5² + 37.5² + 87.5²)/4); σ = 73.95 (18,931 in Q24.8).
        Observe(scaler, readings, 4, 1);
        Assert.AreEqual(131_891_200L, Mean(scaler));
        Assert.AreEqual(358_400_000L, Variance(scaler));
        Assert.AreEqual(2013, scaler.GetMean(0), "2,012.5 rounded");
        Assert.AreEqual(18_931, scaler.GetStandardDeviation(0));
        // (2,100 - 2,012.5)·2^8 / 73.95…: 5,734,400·256 / 18,931 = 77,545.1 → 77,545 (Q16.16, 1.1833).
        Assert.AreEqual(77_545, scaler.ScaleValue(0, 2100));
        Assert.AreEqual(5, scaler.RobustStartCount);
        Assert.IsTrue(scaler.InRobustStart);
    }

    [TestMethod]
    public void WithoutOutliersTheRobustStartIsTheOrdinaryMeanAndVariance()
    {
        // 16 readings 1,000 + 37k mod 101 (no outlier): the robust start's statistics after each
        // equal the exact running mean and population variance (the double reference) within
        // the running update's rounding (half an LSB a step in the mean; in the variance the
        // deviations' truncation to 2^-8 raw units, within 10^-4 relative here).
        var scaler = new InputScaler(1, InputScaler.DefaultWindowShift);
        var seen = new List<double>();
        for (int k = 0; k < InputScaler.RobustStartReadings; k++)
        {
            int reading = 1000 + (37 * k) % 101;
            scaler.Observe(new[] { reading });
            seen.Add(reading);
            double mean = seen.Average();
            double variance = seen.Sum(x => (x - mean) * (x - mean)) / seen.Count;
            Assert.AreEqual(mean * 65536, Mean(scaler), 0.5 * seen.Count, $"mean after {k + 1}");
            Assert.AreEqual(variance * 65536, Variance(scaler), Math.Max(256, variance * 65536 * 1e-4), $"variance after {k + 1}");
        }

        Assert.IsFalse(scaler.InRobustStart, "reading 17 is learned by Welford's recurrence");
        Assert.AreEqual(16, scaler.RobustStartCount);
    }

    [TestMethod]
    public void MoreThanHalfEqualReadingsUseTheOneUnitFloor()
    {
        // 9 zeros and 7 ones (a switch): the shortest half spans 0; the gap floor of 1 raw unit
        // lets the ones in: every reading is an inlier. Mean 7/16, variance
        // 7/16 · 9/16 = 63/256 raw² (16,128 in (raw·2^8)²), within the running update's rounding.
        var scaler = new InputScaler(1, InputScaler.DefaultWindowShift);
        for (int k = 0; k < 16; k++)
        {
            scaler.Observe(new[] { k % 2 == 1 && k < 15 ? 1 : 0 });
        }

        Assert.AreEqual((7L << 16) / 16, Mean(scaler), 16);
        Assert.AreEqual(63L * 65536 / 256, Variance(scaler), 16);

        // A failed read among 15 equal readings: out (span 0, gaps of at most 1 raw unit).
        var constant = new InputScaler(1, InputScaler.DefaultWindowShift);
        for (int k = 0; k < 16; k++)
        {
            constant.Observe(new[] { k == 6 ? int.MaxValue : 500 });
        }

        Assert.AreEqual(500L << 16, Mean(constant));
        Assert.AreEqual(0L, Variance(constant));
        Assert.AreEqual(0, constant.ScaleValue(0, 700), "no spread yet: the feature scales to 0");

        // From reading 17 a feature with no spread yet has no scale to judge outliers by: a
        // change is learned as it comes (a sensor that starts in the dark), not clamped.
        constant.Observe(new[] { 525 });
        Assert.AreEqual((500L << 16) + (25L << 16) / 17, Mean(constant), 1);
        Assert.AreEqual(0, constant.ClampedReadings);
        Assert.IsGreaterThan(0L, Variance(constant));
    }

    [TestMethod]
    public void AfterTheStartAnIsolatedOutlierIsReplacedByTheMeanAndARunIsWinsorised()
    {
        // 16 readings 100, 101, …, 115 (mean 107.5, variance 21.25 raw²), then 10^6: replaced by
        // the mean (the mean stays, the variance takes a 1/17 step towards 0); another 10^6 is
        // winsorised to 4σ.
        var scaler = new InputScaler(1, InputScaler.DefaultWindowShift);
        for (int k = 0; k < 16; k++)
        {
            scaler.Observe(new[] { 100 + k });
        }

        long mean = Mean(scaler), variance = Variance(scaler);
        Assert.AreEqual(1075L << 16, 10 * mean);
        Assert.AreEqual(21.25 * 65536, variance, 16);
        scaler.Observe(new[] { 1_000_000 });
        Assert.AreEqual(mean, Mean(scaler));
        Assert.AreEqual(variance - IntegerMath.DivideRounded(variance, 17), Variance(scaler));
        Assert.AreEqual(1, scaler.ClampedReadings);

        long sigma = (long)IntegerMath.Sqrt((ulong)Variance(scaler));
        long limit = 4 * sigma << 8;
        scaler.Observe(new[] { 1_000_000 });
        Assert.AreEqual(mean + IntegerMath.DivideRounded(limit, 18), Mean(scaler));
        Assert.AreEqual(2, scaler.ClampedReadings);
    }

    [TestMethod]
    public void FrozenCalibrateAndRangeInterplay()
    {
        // Frozen: nothing is kept.
        var scaler = new InputScaler(1, InputScaler.DefaultWindowShift);
        scaler.Observe(new[] { 10 });
        scaler.Frozen = true;
        scaler.Observe(new[] { 20 });
        Assert.AreEqual(1, scaler.RobustStartCount);
        Assert.AreEqual(1L, scaler.Count);
        scaler.Frozen = false;

        // A reading outside the declared range is rejected before it could be kept.
        scaler.SetPlausibleRange(0, 0, 100);
        scaler.Observe(new[] { 1000 });
        Assert.AreEqual(1, scaler.RobustStartCount);
        Assert.AreEqual(1, scaler.RejectedReadings);

        // Calibrate ends the robust start: nothing kept, the count at least 16 (here the window,
        // 2^14), and the next outlier is replaced by the calibrated mean.
        scaler.Calibrate(0, 50, 5 * 256);
        Assert.AreEqual(0, scaler.RobustStartCount);
        Assert.IsFalse(scaler.InRobustStart);
        Assert.AreEqual(1L << 14, scaler.Count);
        scaler.Observe(new[] { 100 });
        Assert.AreEqual(50, scaler.GetMean(0));
        Assert.AreEqual(1, scaler.ClampedReadings);

        // With a window of 2^2 a calibration still sets the count to 16 (the clamp applies).
        var small = new InputScaler(1, 2);
        small.Calibrate(0, 50, 5 * 256);
        Assert.AreEqual(16L, small.Count);
    }

    [TestMethod]
    public void ARollbackIntoTheRobustStartContinuesItExactly()
    {
        // The guard's snapshot holds the count, means and variances; the kept readings are only
        // appended, so restoring a snapshot taken at reading 6 continues the robust start from the
        // first 6 readings exactly as a scaler that never saw readings 7-12.
        int[] readings = { 5, 9, -3, 12, 7, 8, int.MinValue, 40, 41, 39, 2, int.MaxValue };
        var restored = new InputScaler(2, InputScaler.DefaultWindowShift);
        var reference = new InputScaler(2, InputScaler.DefaultWindowShift);
        long[] snapshot = new long[restored.StatisticsLength];
        for (int k = 0; k < readings.Length; k++)
        {
            restored.Observe(new[] { readings[k], -readings[k] });
            if (k < 6)
            {
                reference.Observe(new[] { readings[k], -readings[k] });
            }

            if (k == 5)
            {
                restored.CopyStatisticsTo(snapshot, 0);
            }
        }

        restored.CopyStatisticsFrom(snapshot, 0);
        Assert.AreEqual(6, restored.RobustStartCount);
        for (int k = 0; k < 30; k++)
        {
            int[] reading = { 100 + 3 * k % 17, -(100 + 3 * k % 17) };
            restored.Observe(reading);
            reference.Observe(reading);
            for (int f = 0; f < 2; f++)
            {
                Assert.AreEqual(reference.GetMean(f), restored.GetMean(f), $"reading {k}, feature {f}");
                Assert.AreEqual(reference.GetStandardDeviation(f), restored.GetStandardDeviation(f), $"reading {k}, feature {f}");
            }
        }
    }

    [TestMethod]
    public void TheRobustStartAllocatesNothing()
    {
        // A fresh regression learner (input and target scalers both in their robust start), after
        // a first learner has run the same code once (the shared tanh table is created on first
        // use, once per process, as on the board).
        RunTwentyReadings(Fresh(), new int[3], new int[1]);
        OnlineLearner learner = Fresh();
        int[] reading = new int[3];
        int[] target = new int[1];
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunTwentyReadings(learner, reading, target);
        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.AreEqual(16, learner.Scaler.RobustStartCount);
        Assert.AreEqual(16, learner.TargetScaler!.RobustStartCount);
    }

    private static OnlineLearner Fresh() => new(new Network(new[] { 3, 4, 1 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 3, NetworkOptions.None),
        new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, DivergenceGuard = true, SnapshotInterval = 4 });

    private static void RunTwentyReadings(OnlineLearner learner, int[] reading, int[] target)
    {
        for (int k = 0; k < 20; k++)
        {
            reading[0] = k * 7 % 11;
            reading[1] = k == 5 ? int.MinValue : 1000 + k;
            reading[2] = -k;
            target[0] = 3 * k;
            learner.Predict(reading);
            learner.Learn(reading, target);
        }
    }

    [TestMethod]
    public void ALearnerSavedDuringTheRobustStartContinuesBitIdentically()
    {
        for (int saveAt = 0; saveAt <= 17; saveAt++)
        {
            OnlineLearner original = Regression(out LearnerOptions options);
            Feed(original, 0, saveAt);
            byte[] blob = new byte[ModelBlob.SizeOf(original)];
            ModelBlob.Write(original, blob, 0);
            OnlineLearner loaded = Regression(out _, seed: 9);
            ModelBlob.Read(loaded, blob, 0, blob.Length);
            Assert.AreEqual(original.Scaler.RobustStartCount, loaded.Scaler.RobustStartCount);
            Feed(original, saveAt, 40);
            Feed(loaded, saveAt, 40);
            byte[] a = new byte[blob.Length], b = new byte[blob.Length];
            ModelBlob.Write(original, a, 0);
            ModelBlob.Write(loaded, b, 0);
            CollectionAssert.AreEqual(a, b, $"saved after {saveAt} readings");
        }
    }

    [TestMethod]
    public void AVersion3BlobSavedDuringItsFirst16ReadingsContinuesWithRunningStatistics()
    {
        // A version-3 blob has no kept readings: loaded at count 5 the scaler has none
        // (RobustStartCount 0) and learns reading 6 by Welford's recurrence, unclamped until
        // reading 16, the clamp from reading 17.
        OnlineLearner original = Regression(out _);
        Feed(original, 0, 5);
        byte[] version3 = AsVersion3(original);
        OnlineLearner loaded = Regression(out _, seed: 9);
        ModelBlob.Read(loaded, version3, 0, version3.Length);
        Assert.AreEqual(3, new ModelDescription(version3, 0, version3.Length).FormatVersion);
        Assert.AreEqual(5L, loaded.Scaler.Count);
        Assert.AreEqual(0, loaded.Scaler.RobustStartCount);
        Assert.IsFalse(loaded.Scaler.InRobustStart);
        long mean = Mean(loaded.Scaler, 1);
        loaded.Learn(new[] { 1, 1_000_000, 2 }, new[] { 5 });
        Assert.AreEqual(mean + IntegerMath.DivideRounded((1_000_000L << 16) - mean, 6), Mean(loaded.Scaler, 1), "Welford, unclamped");
        Assert.AreEqual(0, loaded.Scaler.ClampedReadings);

        // Written again it is version 4 with no kept readings; read back, the same.
        byte[] again = new byte[ModelBlob.SizeOf(loaded)];
        ModelBlob.Write(loaded, again, 0);
        OnlineLearner reread = Regression(out _, seed: 11);
        ModelBlob.Read(reread, again, 0, again.Length);
        Assert.AreEqual(0, reread.Scaler.RobustStartCount);
        Assert.AreEqual(6L, reread.Scaler.Count);
    }

    [TestMethod]
    public void WithoutTheRobustStartTheScalerKeepsNothingAndLearnsItsFirstReadingsAsTheyCome()
    {
        // LearnerOptions.RobustStart = false: no kept readings (64 bytes of blob less per
        // feature), the first 16 readings by Welford's recurrence, so the failed read of the
        // worked example stays in the mean; from reading 17 outliers are handled alike.
        var scaler = new InputScaler(1, InputScaler.DefaultWindowShift, false);
        Observe(scaler, new[] { 2000, 2100, 1900, int.MinValue, 2050 }, 0, 5);
        Assert.IsFalse(scaler.InRobustStart);
        Assert.AreEqual(0, scaler.RobustStartCount);
        Assert.IsLessThan(-400_000_000, scaler.GetMean(0), "the failed read is learned");

        OnlineLearner with = Regression(out _);
        OnlineLearner without = Regression(out _, robustStart: false);
        Assert.AreEqual(64 * (3 + 1), ModelBlob.SizeOf(with) - ModelBlob.SizeOf(without), "16 readings × 4 bytes for each of the 3 inputs and the 1 target");
    }

    [TestMethod]
    public void ABlobOfTheOtherRobustStartOptionIsRefusedByName()
    {
        // A blob keeps the scalers' readings or not as the learner that wrote it was built; read
        // into a learner built the other way it is refused with the option named, both ways, and
        // the learner is unchanged. Blobs of the same option round-trip (sizes 64 × 4 bytes apart).
        OnlineLearner with = Regression(out _);
        Feed(with, 0, 5);
        OnlineLearner without = Regression(out _, robustStart: false);
        Feed(without, 0, 5);
        byte[] withBlob = new byte[ModelBlob.SizeOf(with)];
        ModelBlob.Write(with, withBlob, 0);
        byte[] withoutBlob = new byte[ModelBlob.SizeOf(without)];
        ModelBlob.Write(without, withoutBlob, 0);
        Assert.AreEqual(64 * 4, withBlob.Length - withoutBlob.Length, "16 readings × 4 bytes of the 3 inputs and the 1 target");

        OnlineLearner target = Regression(out _, seed: 9, robustStart: false);
        byte[] before = new byte[ModelBlob.SizeOf(target)];
        ModelBlob.Write(target, before, 0);
        var error = Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(target, withBlob, 0, withBlob.Length));
        StringAssert.Contains(error.Message, "a model with the scalers' robust-start readings; this learner was built with LearnerOptions.RobustStart = false");
        byte[] after = new byte[before.Length];
        ModelBlob.Write(target, after, 0);
        CollectionAssert.AreEqual(before, after);
        error = Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(Regression(out _, seed: 11), withoutBlob, 0, withoutBlob.Length));
        StringAssert.Contains(error.Message, "a model without the scalers' robust-start readings; this learner was built with LearnerOptions.RobustStart = true");

        ModelBlob.Read(target, withoutBlob, 0, withoutBlob.Length);
        Feed(without, 5, 30);
        Feed(target, 5, 30);
        byte[] a = new byte[withoutBlob.Length], b = new byte[withoutBlob.Length];
        ModelBlob.Write(without, a, 0);
        ModelBlob.Write(target, b, 0);
        CollectionAssert.AreEqual(a, b, "saved and loaded without the robust start, it continues bit-identically");
    }

    [TestMethod]
    public void ARobustStartCountOutsideItsRangeIsRefusedAndChangesNothing()
    {
        // The input scaler's robust-start count byte: 0 to 16, or 255 for none kept. 17 is refused
        // with the field named, and the learner it was read into is unchanged.
        OnlineLearner source = Regression(out _);
        Feed(source, 0, 5);
        byte[] blob = new byte[ModelBlob.SizeOf(source)];
        ModelBlob.Write(source, blob, 0);
        int at = RobustStartOffset(source, blob);
        Assert.AreEqual(5, blob[at], "the input scaler's count byte");
        blob[at] = 17;
        ModelBlob.PutUInt32(blob, blob.Length - 4, Crc32.Compute(blob, 0, blob.Length - 4));
        OnlineLearner target = Regression(out _, seed: 9);
        byte[] before = new byte[ModelBlob.SizeOf(target)];
        ModelBlob.Write(target, before, 0);
        var error = Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(target, blob, 0, blob.Length));
        StringAssert.Contains(error.Message, "scaler robust-start count 17 is outside 0 to 16");
        byte[] after = new byte[before.Length];
        ModelBlob.Write(target, after, 0);
        CollectionAssert.AreEqual(before, after);
    }

    [TestMethod]
    [DataRow(true, 255)]
    [DataRow(false, 0)]
    [DataRow(false, 16)]
    public void ACountByteOfTheOtherRobustStartOptionIsRefusedAndChangesNothing(bool robustStart, int count)
    {
        // A blob of this learner's size whose count byte says the other layout (255 where readings
        // follow, or a count where none do), behind a valid CRC: refused as corrupt, with the
        // field named, before anything is read past it, and the learner is unchanged.
        OnlineLearner source = Regression(out _, robustStart: robustStart);
        Feed(source, 0, 5);
        byte[] blob = new byte[ModelBlob.SizeOf(source)];
        ModelBlob.Write(source, blob, 0);
        int at = RobustStartOffset(source, blob);
        Assert.AreEqual(robustStart ? 5 : 255, blob[at], "the input scaler's count byte");
        blob[at] = (byte)count;
        ModelBlob.PutUInt32(blob, blob.Length - 4, Crc32.Compute(blob, 0, blob.Length - 4));
        OnlineLearner target = Regression(out _, seed: 9, robustStart: robustStart);
        byte[] before = new byte[ModelBlob.SizeOf(target)];
        ModelBlob.Write(target, before, 0);
        var error = Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(target, blob, 0, blob.Length));
        StringAssert.Contains(error.Message, "scaler robust-start count " + count);
        byte[] after = new byte[before.Length];
        ModelBlob.Write(target, after, 0);
        CollectionAssert.AreEqual(before, after);
    }

    // Where the input scaler's robust start begins in a learner's version-4 blob: before both
    // scalers' parts (input, then target) and the CRC.
    private static int RobustStartOffset(OnlineLearner learner, byte[] blob) =>
        blob.Length - 4 - RobustStartBytes(learner.Scaler) - (learner.TargetScaler != null ? RobustStartBytes(learner.TargetScaler) : 0);

    // A scaler's robust start in the blob: the count byte, its kept readings if it keeps any, a flag per feature.
    private static int RobustStartBytes(InputScaler scaler) =>
        scaler.KeepsReadings ? RobustStartBytes(scaler.FeatureCount) : 1 + scaler.FeatureCount;

    // The version-3 blob of a learner: its version-4 blob without the robust start's bytes (each
    // scaler: 1 + 64·features + features) at the end, the version field 3 and the CRC recomputed.
    internal static byte[] AsVersion3(OnlineLearner learner)
    {
        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, blob, 0);
        int robust = RobustStartBytes(learner.Scaler.FeatureCount) + (learner.TargetScaler != null ? RobustStartBytes(learner.TargetScaler.FeatureCount) : 0);
        byte[] old = new byte[blob.Length - robust];
        Array.Copy(blob, old, old.Length - 4);
        old[4] = 3;
        ModelBlob.PutUInt32(old, old.Length - 4, Crc32.Compute(old, 0, old.Length - 4));
        return old;
    }

    internal static int RobustStartBytes(int features) => 1 + 4 * InputScaler.RobustStartReadings * features + features;

    private static OnlineLearner Regression(out LearnerOptions options, int seed = 5, bool robustStart = true)
    {
        var network = new Network(new[] { 3, 4, 1 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, seed, NetworkOptions.Momentum);
        network.Momentum = Q16.Half;
        options = new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, DivergenceGuard = true, SnapshotInterval = 4, RobustStart = robustStart };
        return new OnlineLearner(network, options);
    }

    private static void Feed(OnlineLearner learner, int from, int to)
    {
        for (int k = from; k < to; k++)
        {
            int glitch = k == 3 ? int.MaxValue : k == 11 ? -524288 : 0;
            int[] reading = { k * 13 % 17 - 8, glitch != 0 ? glitch : 4000 + 37 * k % 50, -k % 5 };
            learner.Learn(reading, new[] { reading[0] * 3 - reading[2] + (k == 7 ? 1 << 23 : 0) });
        }
    }

    private static void Observe(InputScaler scaler, int[] readings, int from, int count)
    {
        for (int k = from; k < from + count; k++)
        {
            scaler.Observe(new[] { readings[k] });
        }
    }

    // The scaler's internal statistics through the guard's snapshot copy: mean raw·2^16, variance (raw·2^8)².
    private static long Mean(InputScaler scaler, int feature = 0)
    {
        long[] statistics = new long[scaler.StatisticsLength];
        scaler.CopyStatisticsTo(statistics, 0);
        return statistics[1 + feature];
    }

    private static long Variance(InputScaler scaler, int feature = 0)
    {
        long[] statistics = new long[scaler.StatisticsLength];
        scaler.CopyStatisticsTo(statistics, 0);
        return statistics[1 + scaler.FeatureCount + feature];
    }
}
