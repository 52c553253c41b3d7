using System;

namespace NanoBackprop
{
    /// <summary>
    /// Standardises raw sensor readings, one feature at a time, into the network's working range:
    /// (reading - mean) / standard deviation in Q16.16, from running statistics learned as the
    /// readings arrive (no statistics from the future), in integer arithmetic only.
    /// </summary>
    /// <remarks>
    /// <para><b>Raw units.</b> Readings are plain <see cref="int"/>s in whatever fixed units the
    /// board chooses per feature: centi-°C, lux, ppm, a humidity ratio in parts per million. The
    /// result does not depend on the unit (standardising divides it out), as long as one unit is
    /// finer than the sensor's noise: a humidity ratio of 0.0048 kg/kg is 4,800 in ppm, not 0 in
    /// kg/kg.</para>
    /// <para><b>Statistics.</b> The mean is kept as raw·2^16 and the variance as (raw·2^8)² in
    /// 64-bit integers, so the variance of lux or ppm (far beyond Q16.16) and of a humidity ratio
    /// (far below one Q16.16 LSB in kg/kg) both fit. Updates follow Welford's recurrence,
    /// mean += δ/n and var += (δ·δ' - var)/n, with n the sample count capped at 2^windowShift:
    /// exact running statistics at first, then an exponential window of about 2^windowShift samples
    /// so that a node that runs for a year follows slow changes (seasons, a moved sensor). Each
    /// feature's σ·2^8 = ⌊√variance⌋ is kept beside its variance (4 bytes a feature), so that
    /// standardising takes no square root: one root per feature and reading, when the variance
    /// moves.</para>
    /// <para><b>Robust start.</b> The first <see cref="RobustStartReadings"/> (16) readings of
    /// each feature are kept (int, in arrival order; only appended). After each of them the
    /// statistics are recomputed from all n kept readings: sorted (insertion sort into a 16-int
    /// scratch array), the shortest half (the ⌊n/2⌋ + 1 consecutive sorted readings with the
    /// smallest span L, the lowest such window on a tie: Rousseeuw's least median of squares
    /// location, breakdown 50 %) is the core, and the inliers are the core grown through the
    /// sorted readings on each side while the gap to the next reading is at most L (at least 1 raw
    /// unit). Welford's recurrence (below) is then replayed over the inliers in arrival order, with
    /// its rounding. Below <see cref="MinimumJudgedReadings"/> (5) readings every reading is an
    /// inlier. Up to 7 of 16 readings can be arbitrary (a failed read, a burst of them) without
    /// entering the statistics, as long as they lie beyond a gap wider than L from the good ones;
    /// without an outlier the statistics are bit-identical to the plain running ones. Cost: 16
    /// ints a feature plus a 16-int scratch array, kept for life (a rollback or a loaded blob can
    /// return the scaler to its robust start, and the library allocates only in constructors), and
    /// during the first 16 readings a sort and a replay of at most 16 Welford steps a feature a
    /// reading. docs/LEARNER.md, "Outliers", gives the figures.</para>
    /// <para><b>Outliers after the start.</b> From reading 17 a deviation from the mean beyond
    /// <see cref="ClampDeviations"/> standard deviations is an outlier (never while the spread is
    /// 0: a feature that has not varied yet has no scale to judge by, so its first changes are
    /// learned as they come, as a sensor that starts in the dark must),
    /// counted in <see cref="ClampedReadings"/>. An isolated one (the feature's previous reading
    /// was within the clamp) is replaced by the mean (Hampel's rule): the mean does not move and
    /// the variance takes a weight-1/n step towards 0. Each further one in a row updates the
    /// statistics as if it were exactly 4σ away (winsorised), so a real, sustained shift is still
    /// followed: each such reading widens the variance, and so the clamp. Readings within the clamp
    /// are learned exactly by Welford's recurrence. Standardising a reading (<see cref="Scale"/>) is
    /// unchanged: the outlier itself scales to at most ±16.</para>
    /// <para><b>Limits.</b> A deviation of more than 2^23 raw units from the mean is treated as
    /// 2^23 in the variance; a standardised value beyond ±<see cref="OutputLimit"/> saturates there.
    /// Both are counted in <see cref="SaturatedReadings"/>. A feature with zero spread so far
    /// scales to 0: the scaler never divides by zero.</para>
    /// </remarks>
    public sealed class InputScaler
    {
        /// <summary>Default window: about 16,384 samples (11 days at one reading a minute).</summary>
        public const int DefaultWindowShift = 14;

        /// <summary>Largest window shift (2^24 samples).</summary>
        public const int MaxWindowShift = 24;

        /// <summary>Standardised values saturate at ±16 standard deviations (Q16.16).</summary>
        public const int OutputLimit = 16 * Q16.One;

        /// <summary>Readings of each feature kept for the robust start (see remarks): 16.</summary>
        public const int RobustStartReadings = 16;

        /// <summary>Readings the robust start needs before it judges any of them an outlier: 5.</summary>
        public const int MinimumJudgedReadings = 5;

        /// <summary>From reading 17, deviations beyond this many standard deviations are outliers
        /// (see remarks): 4. A burst of 16 in a full 2^14 window raises the variance by at most
        /// 15·15/16,384 = 1.4 %, the deviation by 0.69 %.</summary>
        public const int ClampDeviations = 4;

        private const int MeanFractionalBits = 16;
        private const int DeviationFractionalBits = 8;
        private const long MaxDeviation = 1L << 31;
        // The model blob's robust-start count for a scaler without the robust start.
        private const int WithoutRobustStart = 255;

        // log2 of the clamp limit per unit of ⌊√variance⌋: 4 deviations (2 bits) and the 8 bits
        // from σ·2^8 to the mean's raw·2^16.
        private const int ClampShift = 2 + MeanFractionalBits - DeviationFractionalBits;

        private readonly long[] means;
        private readonly long[] variances;
        // ⌊√variance⌋ of each feature (σ·2^8, Q24.8; at most 2^31, as the variance is at most
        // 2^62, hence uint), written by RefreshDeviation wherever a variance is: a variance changes
        // once per reading (Observe), while a learner row scales twice (Predict, then Learn), so
        // the roots are taken once per feature and reading instead of three times. Derived: not
        // in the model blob.
        private readonly uint[] deviations;
        // The plausible range of each feature, raw units (SetPlausibleRange); the whole int range
        // unless the board declares one. Configuration: not stored in the model blob.
        private readonly int[] lowest;
        private readonly int[] highest;
        // The robust start's readings, feature-major (feature f's k-th reading at
        // f·RobustStartReadings + k), in arrival order: only appended, so after a rollback to an
        // earlier count the first `count` of them are still that count's readings.
        private readonly int[] startReadings;
        private readonly int[] sortScratch;
        // Whether each feature's previous reading was an outlier (the next one is winsorised).
        private readonly bool[] outlierRun;
        private readonly int windowShift;
        private long count;
        // Readings held in startReadings; the robust start runs while it equals count (below 16).
        // A calibration or a blob of version 1 to 3 sets it to 0 (no readings to take it from).
        private int buffered;
        private bool frozen;
        private int saturatedReadings;
        private int clampedReadings;
        private int rejectedReadings;

        /// <summary>Creates a scaler for <paramref name="featureCount"/> features, with the robust start.</summary>
        /// <param name="featureCount">Features per reading (1 to <see cref="Network.MaxLayerSize"/>).</param>
        /// <param name="windowShift">log2 of the statistics window (0 to <see cref="MaxWindowShift"/>).</param>
        /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
        public InputScaler(int featureCount, int windowShift)
            : this(featureCount, windowShift, true)
        {
        }

        /// <summary>Creates a scaler for <paramref name="featureCount"/> features.</summary>
        /// <param name="featureCount">Features per reading (1 to <see cref="Network.MaxLayerSize"/>).</param>
        /// <param name="windowShift">log2 of the statistics window (0 to <see cref="MaxWindowShift"/>).</param>
        /// <param name="robustStart">Whether to keep the first 16 readings of each feature for the
        /// robust start (4 × 16 bytes of RAM and of model blob per feature; see
        /// <see cref="LearnerOptions.RobustStart"/>). Without it the first 16 readings are learned as
        /// they come.</param>
        /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
        public InputScaler(int featureCount, int windowShift, bool robustStart)
        {
            if (featureCount < 1 || featureCount > Network.MaxLayerSize)
            {
                throw new ArgumentOutOfRangeException("featureCount", "InputScaler: featureCount must be 1 to " + Network.MaxLayerSize + ".");
            }

            if (windowShift < 0 || windowShift > MaxWindowShift)
            {
                throw new ArgumentOutOfRangeException("windowShift", "InputScaler: windowShift must be 0 to " + MaxWindowShift + ".");
            }

            means = new long[featureCount];
            variances = new long[featureCount];
            deviations = new uint[featureCount];
            lowest = new int[featureCount];
            highest = new int[featureCount];
            // Without the robust start both are one empty array (RAM is the scarce resource).
            startReadings = robustStart ? new int[featureCount * RobustStartReadings] : new int[0];
            sortScratch = robustStart ? new int[RobustStartReadings] : startReadings;
            outlierRun = new bool[featureCount];
            for (int f = 0; f < featureCount; f++)
            {
                lowest[f] = int.MinValue;
                highest[f] = int.MaxValue;
            }

            this.windowShift = windowShift;
        }

        /// <summary>Features per reading.</summary>
        public int FeatureCount
        {
            get { return means.Length; }
        }

        /// <summary>log2 of the statistics window.</summary>
        public int WindowShift
        {
            get { return windowShift; }
        }

        /// <summary>Readings observed (saturating at long.MaxValue).</summary>
        public long Count
        {
            get { return count; }
        }

        /// <summary>Whether this scaler keeps its first readings for the robust start
        /// (<see cref="LearnerOptions.RobustStart"/>; the constructor's robustStart).</summary>
        public bool KeepsReadings
        {
            get { return startReadings.Length > 0; }
        }

        /// <summary>Readings kept for the robust start (0 to <see cref="RobustStartReadings"/>);
        /// 0 after <see cref="Calibrate"/> or loading a blob of version 1 to 3.</summary>
        public int RobustStartCount
        {
            get { return buffered; }
        }

        /// <summary>Whether the next reading <see cref="Observe"/> learns is part of the robust
        /// start (every reading so far is kept and fewer than 16 are).</summary>
        public bool InRobustStart
        {
            get { return buffered == count && count < RobustStartReadings && startReadings.Length > 0; }
        }

        /// <summary>When true, <see cref="Observe"/> leaves the statistics unchanged.</summary>
        public bool Frozen
        {
            get { return frozen; }
            set { frozen = value; }
        }

        /// <summary>Readings or standardised values that hit a limit (see remarks).</summary>
        public int SaturatedReadings
        {
            get { return saturatedReadings; }
        }

        /// <summary>Feature values beyond <see cref="ClampDeviations"/> standard deviations from
        /// reading 17 on (replaced by the mean or winsorised, see remarks; saturating at int.MaxValue).</summary>
        public int ClampedReadings
        {
            get { return clampedReadings; }
        }

        /// <summary>Readings that <see cref="Observe"/> rejected because a feature was outside its
        /// plausible range (<see cref="SetPlausibleRange"/>); saturating at int.MaxValue.</summary>
        public int RejectedReadings
        {
            get { return rejectedReadings; }
        }

        /// <summary>
        /// Declares the values a feature can really take, raw units (a BME280 reads -40.00 to
        /// 85.00 °C: -4,000 to 8,500 centi-°C). A reading with any feature outside its range is
        /// implausible: <see cref="Observe"/> counts it in <see cref="RejectedReadings"/> and does
        /// not learn it; <see cref="Scale"/> standardises it as if clamped to the range. By
        /// default every int is plausible.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The feature is out of range, or low > high.</exception>
        public void SetPlausibleRange(int feature, int low, int high)
        {
            CheckFeature(feature, "SetPlausibleRange");
            if (low > high)
            {
                throw new ArgumentOutOfRangeException("low", "SetPlausibleRange: low (" + low + ") must not exceed high (" + high + ").");
            }

            lowest[feature] = low;
            highest[feature] = high;
        }

        /// <summary>The lowest plausible value of a feature (int.MinValue unless declared).</summary>
        public int GetPlausibleLow(int feature)
        {
            CheckFeature(feature, "GetPlausibleLow");
            return lowest[feature];
        }

        /// <summary>The highest plausible value of a feature (int.MaxValue unless declared).</summary>
        public int GetPlausibleHigh(int feature)
        {
            CheckFeature(feature, "GetPlausibleHigh");
            return highest[feature];
        }

        /// <summary>Whether every feature of a reading is within its plausible range.</summary>
        /// <exception cref="ArgumentNullException">raw is null.</exception>
        /// <exception cref="ArgumentException">raw has the wrong length.</exception>
        public bool IsPlausible(int[] raw)
        {
            CheckReading(raw, "raw", "IsPlausible");
            return IsPlausibleUnchecked(raw);
        }

        // IsPlausible for a reading its caller has checked (OnlineLearner).
        internal bool IsPlausibleUnchecked(int[] raw)
        {
            for (int f = 0; f < means.Length; f++)
            {
                if (raw[f] < lowest[f] || raw[f] > highest[f])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>The running mean of a feature in raw units, rounded.</summary>
        public int GetMean(int feature)
        {
            CheckFeature(feature, "GetMean");
            return Q16.Saturate(Q16.RoundShift(means[feature], MeanFractionalBits));
        }

        /// <summary>The running standard deviation of a feature in raw units, Q24.8 (256 = 1 unit).</summary>
        public int GetStandardDeviation(int feature)
        {
            CheckFeature(feature, "GetStandardDeviation");
            return Q16.Saturate(deviations[feature]);
        }

        /// <summary>
        /// Seeds a feature's statistics from a calibration (raw units; the deviation in Q24.8, as
        /// <see cref="GetStandardDeviation"/> returns it). Later readings move them with the full
        /// window's weight, unless the scaler is <see cref="Frozen"/>. A calibration ends the robust
        /// start (the count becomes at least 16 and the kept readings are dropped): the clamp applies
        /// from the next reading.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The feature or the deviation is out of range.</exception>
        public void Calibrate(int feature, int mean, int standardDeviation)
        {
            CheckFeature(feature, "Calibrate");
            if (standardDeviation < 0)
            {
                throw new ArgumentOutOfRangeException("standardDeviation", "Calibrate: the standard deviation must not be negative.");
            }

            means[feature] = (long)mean << MeanFractionalBits;
            variances[feature] = (long)standardDeviation * standardDeviation;
            RefreshDeviation(feature);
            long window = 1L << windowShift;
            long least = window > RobustStartReadings ? window : RobustStartReadings;
            count = count > least ? count : least;
            buffered = 0;
        }

        /// <summary>Adds a reading to the running statistics (nothing when frozen; an implausible
        /// reading is counted in <see cref="RejectedReadings"/> and not added).</summary>
        /// <exception cref="ArgumentNullException">raw is null.</exception>
        /// <exception cref="ArgumentException">raw has the wrong length.</exception>
        public void Observe(int[] raw)
        {
            CheckReading(raw, "raw", "Observe");
            if (!IsPlausible(raw))
            {
                if (rejectedReadings < int.MaxValue)
                {
                    rejectedReadings++;
                }

                return;
            }

            ObservePlausible(raw);
        }

        // Observe for a reading its caller has checked and found plausible (OnlineLearner.Learn):
        // the fast path of ObservePlausibleByDefinition, the same bits, with the clamp's limit
        // from the kept root and Update written out in the loop (Welford's step, the deviations'
        // clamp, IntegerMath.DivideRounded by the window), the arrays in locals: it runs once per
        // learner row, five features of six calls each in the definition (docs/PERFORMANCE.md,
        // rules 2 and 3).
        // InputScalerTests.ObserveEqualsTheDefinitionAfterEveryReading compares the two.
        internal void ObservePlausible(int[] raw)
        {
            long divisor = BeginObservation(raw);
            if (divisor == 0)
            {
                return;
            }

            bool robust = count > RobustStartReadings;
            long[] featureMeans = means;
            long[] featureVariances = variances;
            uint[] featureDeviations = deviations;
            long half = divisor >> 1;
            const long Limit = MaxDeviation << (MeanFractionalBits - DeviationFractionalBits);
            const int Cut = MeanFractionalBits - DeviationFractionalBits;
            for (int f = 0; f < featureMeans.Length; f++)
            {
                long deviation = ((long)raw[f] << MeanFractionalBits) - featureMeans[f];
                long variance = featureVariances[f];
                if (robust)
                {
                    long limit = (long)featureDeviations[f] << ClampShift; // = ClampLimit(variance)
                    if (limit > 0 && (deviation > limit || deviation < -limit))
                    {
                        deviation = ReplaceOutlier(f, deviation, limit);
                    }
                    else
                    {
                        outlierRun[f] = false;
                    }
                }

                long before = deviation;
                if (before > Limit || before < -Limit) // = ClampDeviation(deviation, true)
                {
                    CountSaturation();
                    before = before > 0 ? Limit : -Limit;
                }

                long step = deviation >= 0 ? (deviation + half) / divisor : -((half - deviation) / divisor); // = IntegerMath.DivideRounded(deviation, divisor)
                featureMeans[f] += step;
                long after = deviation - step;
                if (after > Limit || after < -Limit) // = ClampDeviation(deviation - step, true)
                {
                    CountSaturation();
                    after = after > 0 ? Limit : -Limit;
                }

                long change = (before >> Cut) * (after >> Cut) - variance;
                variance += change >= 0 ? (change + half) / divisor : -((half - change) / divisor); // = IntegerMath.DivideRounded(change, divisor)
                variance = variance < 0 ? 0 : variance;
                featureVariances[f] = variance;
                featureDeviations[f] = (uint)IntegerMath.Sqrt((ulong)variance); // = RefreshDeviation(f)
            }
        }

        // ObservePlausible by the definition: each feature's deviation judged, then Welford's
        // step (Update). The specification of ObservePlausible's loop, for the tests.
        internal void ObservePlausibleByDefinition(int[] raw)
        {
            long divisor = BeginObservation(raw);
            if (divisor == 0)
            {
                return;
            }

            bool robust = count > RobustStartReadings;
            for (int f = 0; f < means.Length; f++)
            {
                // The deviation from the mean, raw·2^16; from reading 17 an outlier beyond ±4σ
                // (σ·2^8 from the variance, shifted by 8 more bits to raw·2^16: at most 2^54, no
                // overflow) is replaced by the mean or winsorised. A feature with no spread yet
                // (σ = 0) has no scale to judge by: its readings are learned as they come.
                long deviation = ((long)raw[f] << MeanFractionalBits) - means[f];
                if (robust)
                {
                    long limit = ClampLimit(variances[f]);
                    if (limit > 0 && (deviation > limit || deviation < -limit))
                    {
                        deviation = ReplaceOutlier(f, deviation, limit);
                    }
                    else
                    {
                        outlierRun[f] = false;
                    }
                }

                Update(f, deviation, divisor, true);
                RefreshDeviation(f);
            }
        }

        // What both observations do before the features' loop: nothing when frozen; the count;
        // a reading of the robust start kept and the statistics recomputed from the kept ones.
        // Returns the window's divisor for Welford's step, min(count, 2^windowShift), or 0 when
        // the loop has nothing to do.
        private long BeginObservation(int[] raw)
        {
            if (frozen)
            {
                return 0;
            }

            bool starting = InRobustStart;
            if (count < long.MaxValue)
            {
                count++;
            }

            if (starting)
            {
                for (int f = 0; f < means.Length; f++)
                {
                    startReadings[f * RobustStartReadings + buffered] = raw[f];
                }

                buffered++;
                for (int f = 0; f < means.Length; f++)
                {
                    RobustStatistics(f);
                }

                return 0;
            }

            return count < (1L << windowShift) ? count : 1L << windowShift;
        }

        // Hampel's rule for a deviation beyond the clamp (counted): an isolated outlier is
        // replaced by the estimate (deviation 0); a run of them is a change, which the winsorised
        // value (±the limit, ClampLimit) follows.
        private long ReplaceOutlier(int feature, long deviation, long limit)
        {
            long replaced = !outlierRun[feature] ? 0 : deviation > 0 ? limit : -limit;
            outlierRun[feature] = true;
            if (clampedReadings < int.MaxValue)
            {
                clampedReadings++;
            }

            return replaced;
        }

        // The clamp's limit, 4σ in the mean's units (raw·2^16): 4·⌊√variance⌋ (σ·2^8) shifted
        // by the 8 bits between the two units. At most 2^41 (the variance is at most 2^62).
        internal static long ClampLimit(long variance)
        {
            return ClampDeviations * (long)IntegerMath.Sqrt((ulong)variance) << (MeanFractionalBits - DeviationFractionalBits);
        }

        // Welford's step for one feature with the (possibly replaced or clamped) reading mean +
        // deviation (raw·2^16): δ before the mean moves, δ' after. Saturations are counted when
        // `counting` (a reading is counted once, when it arrives).
        private void Update(int feature, long deviation, long divisor, bool counting)
        {
            long before = ClampDeviation(deviation, counting);
            long step = IntegerMath.DivideRounded(deviation, divisor);
            means[feature] += step;
            long after = ClampDeviation(deviation - step, counting);
            // δ·δ' in (raw·2^8)² units: both deviations drop 8 of their 16 fractional bits.
            long product = (before >> (MeanFractionalBits - DeviationFractionalBits)) * (after >> (MeanFractionalBits - DeviationFractionalBits));
            variances[feature] += IntegerMath.DivideRounded(product - variances[feature], divisor);
            if (variances[feature] < 0)
            {
                variances[feature] = 0;
            }
        }

        // The robust start's statistics of one feature from its `buffered` kept readings (see
        // the class remarks): shortest half, inliers, then Welford's recurrence over them.
        private void RobustStatistics(int feature)
        {
            int n = buffered;
            int first = feature * RobustStartReadings;
            for (int k = 0; k < n; k++)
            {
                int value = startReadings[first + k];
                int j = k;
                while (j > 0 && sortScratch[j - 1] > value)
                {
                    sortScratch[j] = sortScratch[j - 1];
                    j--;
                }

                sortScratch[j] = value;
            }

            int half = n / 2 + 1;
            int best = 0;
            long span = (long)sortScratch[half - 1] - sortScratch[0];
            for (int k = 1; k + half <= n; k++)
            {
                long candidate = (long)sortScratch[k + half - 1] - sortScratch[k];
                if (candidate < span)
                {
                    span = candidate;
                    best = k;
                }
            }

            // The inliers: the core, grown through the sorted readings on each side while the gap
            // to the next one is at most the core's span (at least 1 raw unit). A failed read, or a
            // burst of up to 7, lies beyond a gap wider than the good readings' whole range; the
            // gaps between good readings are far narrower. Below 5 readings nothing can be told
            // apart: all are inliers.
            int low = 0;
            int high = n - 1;
            if (n >= MinimumJudgedReadings)
            {
                long gap = span > 1 ? span : 1;
                low = best;
                high = best + half - 1;
                while (low > 0 && (long)sortScratch[low] - sortScratch[low - 1] <= gap)
                {
                    low--;
                }

                while (high < n - 1 && (long)sortScratch[high + 1] - sortScratch[high] <= gap)
                {
                    high++;
                }
            }

            // Welford's recurrence over the inliers in arrival order, with the running update's
            // rounding: without an outlier the statistics are bit-identical to the plain running ones.
            ReplayInliers(feature, sortScratch[low], sortScratch[high], n);
        }

        // Welford's recurrence from nothing over the kept readings of a feature within [low,
        // high], in arrival order; saturations counted for the newest reading only (each reading
        // is counted once, when it arrives).
        private void ReplayInliers(int feature, int low, int high, int n)
        {
            means[feature] = 0;
            variances[feature] = 0;
            long window = 1L << windowShift;
            long included = 0;
            for (int k = 0; k < n; k++)
            {
                int value = startReadings[feature * RobustStartReadings + k];
                if (value >= low && value <= high)
                {
                    included++;
                    long deviation = ((long)value << MeanFractionalBits) - means[feature];
                    Update(feature, deviation, included < window ? included : window, k == n - 1);
                }
            }

            RefreshDeviation(feature);
        }

        // Keeps a feature's root with its variance (see deviations): after every write of a
        // variance (Calibrate, a Welford step, the robust start's replay, a rollback, a load).
        private void RefreshDeviation(int feature)
        {
            deviations[feature] = (uint)IntegerMath.Sqrt((ulong)variances[feature]);
        }

        /// <summary>
        /// Standardises a reading with the current statistics into <paramref name="scaled"/>
        /// (Q16.16, within ±<see cref="OutputLimit"/>); a value outside its feature's plausible
        /// range is clamped to the range first.
        /// </summary>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentException">An array has the wrong length.</exception>
        public void Scale(int[] raw, int[] scaled)
        {
            CheckReading(raw, "raw", "Scale");
            CheckReading(scaled, "scaled", "Scale");
            ScaleUnchecked(raw, scaled);
        }

        // Scale for arrays its caller has checked (OnlineLearner: the reading, and its own buffer):
        // the fast path of ScaleOne, feature by feature the same bits (the clamp to the plausible
        // range, IntegerMath.DivideRounded and the saturation written out, the root the kept one).
        // It runs twice per learner row (Predict, then Learn), so it makes no call per feature
        // and keeps the arrays in locals (docs/PERFORMANCE.md, rules 2 and 3).
        // InputScalerTests.ScaleIsScaleValueFeatureByFeature compares the two.
        internal void ScaleUnchecked(int[] raw, int[] scaled)
        {
            long[] featureMeans = means;
            uint[] featureDeviations = deviations;
            int[] low = lowest;
            int[] high = highest;
            for (int f = 0; f < featureMeans.Length; f++)
            {
                int value = raw[f];
                value = value < low[f] ? low[f] : value > high[f] ? high[f] : value;
                long deviation = featureDeviations[f]; // = IntegerMath.Sqrt(variance), kept
                if (deviation == 0)
                {
                    scaled[f] = 0;
                    continue;
                }

                long centred = (((long)value << MeanFractionalBits) - featureMeans[f]) << DeviationFractionalBits;
                long half = deviation >> 1;
                long quotient = centred >= 0 ? (centred + half) / deviation : -((half - centred) / deviation); // = IntegerMath.DivideRounded(centred, deviation)
                if (quotient > OutputLimit || quotient < -OutputLimit)
                {
                    CountSaturation();
                    quotient = quotient > 0 ? OutputLimit : -OutputLimit;
                }

                scaled[f] = (int)quotient;
            }
        }

        /// <summary>Standardises one value of one feature (Q16.16), clamped first to the feature's
        /// plausible range.</summary>
        public int ScaleValue(int feature, int raw)
        {
            CheckFeature(feature, "ScaleValue");
            return ScaleOne(feature, raw);
        }

        /// <summary>Turns a standardised Q16.16 value of a feature back into raw units, rounded and saturated.</summary>
        public int Unscale(int feature, int scaled)
        {
            CheckFeature(feature, "Unscale");
            long deviation = deviations[feature];
            // scaled (2^-16) × deviation (2^-8) is in units of 2^-24; the mean is raw·2^16.
            long value = means[feature] + Q16.RoundShift(scaled * deviation, DeviationFractionalBits);
            return Q16.Saturate(Q16.RoundShift(value, MeanFractionalBits));
        }

        // Standardising one value: the definition, which ScaleValue runs and ScaleUnchecked
        // writes out for whole readings.
        private int ScaleOne(int feature, int raw)
        {
            raw = raw < lowest[feature] ? lowest[feature] : raw > highest[feature] ? highest[feature] : raw;
            long deviation = (long)IntegerMath.Sqrt((ulong)variances[feature]);
            if (deviation == 0)
            {
                return 0;
            }

            // (raw·2^16 - mean)·2^8 / (σ·2^8) = z·2^16: Q16.16, at most 2^56 before dividing.
            long centred = ((long)raw << MeanFractionalBits) - means[feature];
            long value = IntegerMath.DivideRounded(centred << DeviationFractionalBits, deviation);
            if (value > OutputLimit || value < -OutputLimit)
            {
                CountSaturation();
                return value > 0 ? OutputLimit : -OutputLimit;
            }

            return (int)value;
        }

        private long ClampDeviation(long deviation, bool counting)
        {
            // Beyond 2^23 raw units (2^39 here) a squared deviation would overflow 2^62.
            const long Limit = MaxDeviation << (MeanFractionalBits - DeviationFractionalBits);
            if (deviation > Limit || deviation < -Limit)
            {
                if (counting)
                {
                    CountSaturation();
                }

                return deviation > 0 ? Limit : -Limit;
            }

            return deviation;
        }

        private void CountSaturation()
        {
            if (saturatedReadings < int.MaxValue)
            {
                saturatedReadings++;
            }
        }

        private void CheckFeature(int feature, string caller)
        {
            if (feature < 0 || feature >= means.Length)
            {
                throw new ArgumentOutOfRangeException("feature", caller + ": feature must be 0 to " + (means.Length - 1) + ".");
            }
        }

        private void CheckReading(int[] values, string name, string caller)
        {
            string what = name == "raw" ? "the reading" : name;
            if (values == null)
            {
                throw new ArgumentNullException(name, caller + ": " + what + " is null.");
            }

            if (values.Length != means.Length)
            {
                throw new ArgumentException(caller + ": " + what + " has " + values.Length + " values; the scaler has " + means.Length + " features.", name);
            }
        }

        // The statistics a divergence guard's snapshot keeps (count, then each feature's mean and
        // variance): a rollback restores them with the weights, so a glitch that reached the
        // statistics before the weights diverged is undone too.
        internal int StatisticsLength
        {
            get { return 1 + 2 * means.Length; }
        }

        internal void CopyStatisticsTo(long[] destination, int offset)
        {
            destination[offset] = count;
            Array.Copy(means, 0, destination, offset + 1, means.Length);
            Array.Copy(variances, 0, destination, offset + 1 + means.Length, variances.Length);
        }

        internal void CopyStatisticsFrom(long[] source, int offset)
        {
            count = source[offset];
            // The kept readings are only ever appended: the first `count` of them are the
            // snapshot's, so a rollback into the robust start continues it exactly.
            buffered = buffered < count ? buffered : (int)count;
            Array.Copy(source, offset + 1, means, 0, means.Length);
            Array.Copy(source, offset + 1 + means.Length, variances, 0, variances.Length);
            for (int f = 0; f < means.Length; f++)
            {
                RefreshDeviation(f);
            }
        }

        // A snapshot of the statistics in the model blob (version 3 on), laid out and range-checked
        // as TransferState stores the live ones.
        internal static void TransferStatistics(ref ModelCursor cursor, long[] statistics, int offset, int featureCount)
        {
            long storedCount = cursor.Int64(statistics[offset], 0, long.MaxValue, "snapshot scaler count");
            if (cursor.Copying)
            {
                statistics[offset] = storedCount;
            }

            for (int k = offset + 1; k < offset + 1 + featureCount; k++)
            {
                long mean = cursor.Int64(statistics[k], (long)int.MinValue << 16, (long)int.MaxValue << 16, "snapshot scaler mean");
                if (cursor.Copying)
                {
                    statistics[k] = mean;
                }
            }

            for (int k = offset + 1 + featureCount; k < offset + 1 + 2 * featureCount; k++)
            {
                long variance = cursor.Int64(statistics[k], 0, 1L << 62, "snapshot scaler variance");
                if (cursor.Copying)
                {
                    statistics[k] = variance;
                }
            }
        }

        // The robust start's part of the model blob (version 4 on, after the snapshot's
        // statistics): the kept-readings count (u8, 0 to 16; the robust start runs only while it
        // equals the scaler's count, so any stored value is safe; 255 for a scaler without the
        // robust start), the 16 kept readings of each feature (i32, feature-major; none for 255)
        // and each feature's outlier-run flag (u8).
        // An older blob has none: loading it drops the kept readings (count 0, readings and flags
        // cleared), so a scaler saved during its robust start continues with Welford's running
        // statistics, the clamp from reading 17.
        internal void TransferRobustStart(ref ModelCursor cursor)
        {
            if (cursor.Version < 4)
            {
                if (cursor.Copying)
                {
                    buffered = 0;
                    Array.Clear(startReadings, 0, startReadings.Length);
                    Array.Clear(outlierRun, 0, outlierRun.Length);
                }

                return;
            }

            // The count byte is 255 for a scaler without the robust start (no readings follow).
            // ModelBlob refuses a blob of the other layout by its size, so a count byte that says
            // the other layout is corruption behind a valid CRC: refused before anything is read
            // past it.
            bool keeps = startReadings.Length > 0;
            int storedBuffered = cursor.Byte(keeps ? buffered : WithoutRobustStart);
            if (cursor.Reading && (keeps ? storedBuffered > RobustStartReadings : storedBuffered != WithoutRobustStart))
            {
                throw new InvalidModelException("Model: scaler robust-start count " + storedBuffered + (keeps
                    ? " is outside 0 to " + RobustStartReadings + " (this learner keeps its first readings: LearnerOptions.RobustStart = true)."
                    : "; this learner keeps no readings (LearnerOptions.RobustStart = false) and needs " + WithoutRobustStart + "."));
            }

            if (cursor.Copying)
            {
                buffered = keeps ? storedBuffered : 0;
            }

            for (int k = 0; k < startReadings.Length; k++)
            {
                int reading = cursor.Int32(startReadings[k]);
                if (cursor.Copying)
                {
                    startReadings[k] = reading;
                }
            }

            for (int f = 0; f < outlierRun.Length; f++)
            {
                bool run = cursor.Flag(outlierRun[f], "scaler outlier run");
                if (cursor.Copying)
                {
                    outlierRun[f] = run;
                }
            }
        }

        // The scaler's part of the model blob (see ModelBlob): count, frozen, saturated readings,
        // clamped and rejected readings (from version 2), then each feature's mean and variance.
        internal void TransferState(ref ModelCursor cursor)
        {
            long storedCount = cursor.Int64(count, 0, long.MaxValue, "scaler count");
            bool storedFrozen = cursor.Flag(frozen, "scaler frozen");
            int storedSaturated = cursor.Int32(saturatedReadings, 0, int.MaxValue, "scaler saturations");
            int storedClamped = cursor.Version >= 2 ? cursor.Int32(clampedReadings, 0, int.MaxValue, "scaler clamped readings") : 0;
            int storedRejected = cursor.Version >= 2 ? cursor.Int32(rejectedReadings, 0, int.MaxValue, "scaler rejected readings") : 0;
            if (cursor.Copying)
            {
                count = storedCount;
                frozen = storedFrozen;
                saturatedReadings = storedSaturated;
                clampedReadings = storedClamped;
                rejectedReadings = storedRejected;
            }

            for (int f = 0; f < means.Length; f++)
            {
                // A mean is a raw int·2^16; a variance at most (2^31·2^8)²/… is below 2^62.
                long mean = cursor.Int64(means[f], (long)int.MinValue << 16, (long)int.MaxValue << 16, "scaler mean");
                long variance = cursor.Int64(variances[f], 0, 1L << 62, "scaler variance");
                if (cursor.Copying)
                {
                    means[f] = mean;
                    variances[f] = variance;
                    RefreshDeviation(f);
                }
            }
        }
    }
}
