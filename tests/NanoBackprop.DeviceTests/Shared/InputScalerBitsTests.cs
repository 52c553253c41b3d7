using System;
using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// The input scaler on the device: running means and deviations in 64-bit integers (Welford's
    /// recurrence, then an exponential window), the standardised Q16.16 values of raw ints, the
    /// limits, calibration and freezing, each at the exact values the desktop computed. The
    /// approximate real values are in the comments so a reader can check the integers.
    /// </summary>
    /// <remarks>
    /// Expected values: the desktop shim's run (`dotnet test tests/NanoBackprop.DeviceTests.Desktop
    /// --filter InputScalerBitsTests`), copied here. Deviations are Q24.8 (256 = one raw unit),
    /// standardised values Q16.16.
    /// </remarks>
    [TestClass]
    public class InputScalerBitsTests
    {
        private static InputScaler rejecting;

        [TestMethod]
        public void RunningStatisticsOfFourReadingsAreExact()
        {
            // Feature 0 in centi-°C: 10, 20, 30, 40. Feature 1 in lux: 100,000 … 550,000, far
            // beyond Q16.16 (its variance needs the 64-bit statistics).
            InputScaler scaler = new InputScaler(2, InputScaler.DefaultWindowShift);
            for (int k = 1; k <= 4; k++)
            {
                scaler.Observe(new int[] { 10 * k, 150000 * k - 50000 });
            }

            int[] scaled = new int[2];
            scaler.Scale(new int[] { 25, 325000 }, scaled);
            Assert.AreEqual(4L, scaler.Count);
            Assert.AreEqual(25, scaler.GetMean(0));
            Assert.AreEqual(325000, scaler.GetMean(1));
            // Population deviations: √125 = 11.1803 → 2,862 in Q24.8 (11.1797, truncated by the
            // integer square root); 167,705.1 → 42,932,505.
            Assert.AreEqual(2862, scaler.GetStandardDeviation(0));
            Assert.AreEqual(42932505, scaler.GetStandardDeviation(1));
            // (36 - 25) / 11.1797 = 0.98393 → 64,483; (10 - 25) / 11.1797 = -1.34172 → -87,931;
            // (100,000 - 325,000) / 167,705.1 = -1.34164 → -87,926.
            Assert.AreEqual(64483, scaler.ScaleValue(0, 36));
            Assert.AreEqual(-87931, scaler.ScaleValue(0, 10));
            Assert.AreEqual(-87926, scaler.ScaleValue(1, 100000));
            Assert.AreEqual(0, scaled[0], "the mean scales to 0");
            Assert.AreEqual(0, scaled[1], "the mean scales to 0");
            // Back to raw units: 25 + 11.18 = 36.18 → 36; 325,000 - 2·167,705.1 = -10,410.2 → -10,410.
            Assert.AreEqual(36, scaler.Unscale(0, Q16.One));
            Assert.AreEqual(-10410, scaler.Unscale(1, -2 * Q16.One));
            Assert.AreEqual(0, scaler.SaturatedReadings);
        }

        [TestMethod]
        public void AShortWindowFollowsAStepChange()
        {
            // Window 2^2: exact statistics for 4 readings, then each reading moves the mean a
            // quarter of the way. 16 readings of 1,000 (the robust start), then 6 of 2,000: the
            // mean climbs as 2,000 - 1,000·(3/4)^k, rounded at every step.
            InputScaler scaler = new InputScaler(1, 2);
            int[] reading = new int[1];
            int[] means = new int[22];
            int[] deviations = new int[22];
            for (int k = 0; k < 22; k++)
            {
                reading[0] = k < 16 ? 1000 : 2000;
                scaler.Observe(reading);
                means[k] = scaler.GetMean(0);
                deviations[k] = scaler.GetStandardDeviation(0);
            }

            OutputHelper.WriteLine("window 4: means " + Join(means) + "; deviations " + Join(deviations) + "; 2,000 scales to " + scaler.ScaleValue(0, 2000));
            ForwardBackwardBitsTests.AssertBits(new int[] { 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1250, 1438, 1578, 1684, 1763, 1822 }, means, "means");
            // 0 while the readings agree; then about 433, 496, 494, 465, 425 and 382 units.
            ForwardBackwardBitsTests.AssertBits(new int[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 110851, 126996, 126427, 119058, 108910, 97918 }, deviations, "deviations (Q24.8)");
            Assert.AreEqual(22L, scaler.Count);
            Assert.AreEqual(30495, scaler.ScaleValue(0, 2000), "(2,000 - 1,822) / 382.5 = 0.4653");
        }

        [TestMethod]
        public void LimitsCalibrationAndFreezingAreExact()
        {
            InputScaler scaler = new InputScaler(2, 4);
            // Feature 0 never moves: zero spread scales everything to 0, never dividing by zero.
            // Feature 1 alternates ±1,000. 16 readings: the robust start (every reading an inlier).
            for (int k = 0; k < 16; k++)
            {
                scaler.Observe(new int[] { 7, (k % 2 == 0) ? 1000 : -1000 });
            }

            Assert.AreEqual(0, scaler.GetStandardDeviation(0));
            Assert.AreEqual(0, scaler.ScaleValue(0, 123456));
            Assert.AreEqual(256000, scaler.GetStandardDeviation(1), "exactly 1,000.0 units");
            Assert.AreEqual(0, scaler.GetMean(1));
            Assert.AreEqual(0, scaler.SaturatedReadings);

            // 10^6 units is about 1,000 deviations: it saturates at +16.0 and is counted.
            Assert.AreEqual(InputScaler.OutputLimit, scaler.ScaleValue(1, 1000000));
            Assert.AreEqual(-InputScaler.OutputLimit, scaler.ScaleValue(1, -1000000));
            Assert.AreEqual(2, scaler.SaturatedReadings);
            // Reading 17: a deviation beyond 2^23 units from the mean is clamped in the variance and
            // counted, both of Welford's deviations (19,999,993 before the mean moves, 18,749,993.4
            // after). Feature 0 has no spread yet (no scale to judge an outlier by), so the reading
            // is learned, with the window's weight 1/16.
            scaler.Observe(new int[] { 20000000, 1000 });
            Assert.AreEqual(4, scaler.SaturatedReadings);
            Assert.AreEqual(1250007, scaler.GetMean(0), "7 + 19,999,993 / 16 = 1,250,006.94: the 17th reading moves the mean by 1/16 of its distance");
            // var ← 0 + ((2^23·2^8)² - 0) / 16 with both deviations clamped: √ = 2^29 in Q24.8
            // (2,097,152 units).
            Assert.AreEqual(536870912, scaler.GetStandardDeviation(0), "the clamped deviation");
            Assert.AreEqual(17L, scaler.Count);

            // Calibration sets the statistics outright and counts as a full window.
            scaler.Calibrate(0, 500, 2560);   // mean 500, deviation 10.0 units
            Assert.AreEqual(500, scaler.GetMean(0));
            Assert.AreEqual(2560, scaler.GetStandardDeviation(0));
            Assert.AreEqual(17L, scaler.Count, "17 readings, already beyond the window of 16");
            Assert.AreEqual(98304, scaler.ScaleValue(0, 515), "(515 - 500) / 10 = 1.5");
            Assert.AreEqual(-32768, scaler.ScaleValue(0, 495), "(495 - 500) / 10 = -0.5");

            // Frozen: readings change nothing.
            uint before = Fingerprint(scaler);
            long count = scaler.Count;
            scaler.Frozen = true;
            scaler.Observe(new int[] { 100000, 100000 });
            Assert.AreEqual(before, Fingerprint(scaler));
            Assert.AreEqual(count, scaler.Count);
        }

        [TestMethod]
        public void BadArgumentsThrowTheDocumentedExceptionAndChangeNothing()
        {
            rejecting = new InputScaler(3, 6);
            rejecting.Observe(new int[] { 1, 2, 3 });
            rejecting.Observe(new int[] { 4, 6, 9 });
            uint before = Fingerprint(rejecting);
            Assert.ThrowsException(typeof(ArgumentNullException), ObserveNull);
            Assert.ThrowsException(typeof(ArgumentException), ObserveTwoValues);
            Assert.ThrowsException(typeof(ArgumentException), ScaleIntoTooShortBuffer);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), MeanOfFeatureThree);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), CalibrateANegativeDeviation);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), BuildWithTooLongAWindow);
            Assert.AreEqual(before, Fingerprint(rejecting));
            Assert.AreEqual(2L, rejecting.Count);
        }

        /// <summary>Fingerprint of a scaler's count, means and deviations.</summary>
        public static uint Fingerprint(InputScaler scaler)
        {
            uint hash = DeviceTestSupport.Fingerprint(DeviceTestSupport.EmptyFingerprint, (int)scaler.Count);
            for (int f = 0; f < scaler.FeatureCount; f++)
            {
                hash = DeviceTestSupport.Fingerprint(hash, scaler.GetMean(f));
                hash = DeviceTestSupport.Fingerprint(hash, scaler.GetStandardDeviation(f));
            }

            return DeviceTestSupport.Fingerprint(hash, scaler.SaturatedReadings);
        }

        private static string Join(int[] values)
        {
            string text = "";
            for (int k = 0; k < values.Length; k++)
            {
                text = k == 0 ? values[k].ToString() : text + ", " + values[k];
            }

            return text;
        }

        private static void ObserveNull()
        {
            rejecting.Observe(null);
        }

        private static void ObserveTwoValues()
        {
            rejecting.Observe(new int[2]);
        }

        private static void ScaleIntoTooShortBuffer()
        {
            rejecting.Scale(new int[3], new int[2]);
        }

        private static void MeanOfFeatureThree()
        {
            rejecting.GetMean(3);
        }

        private static void CalibrateANegativeDeviation()
        {
            rejecting.Calibrate(0, 10, -1);
        }

        private static void BuildWithTooLongAWindow()
        {
            new InputScaler(1, InputScaler.MaxWindowShift + 1);
        }
    }
}
