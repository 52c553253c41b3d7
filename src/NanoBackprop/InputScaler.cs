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
    /// so that a node that runs for a year follows slow changes (seasons, a moved sensor).</para>
    /// <para><b>Outliers.</b> Once <see cref="WarmUpReadings"/> readings are in, a reading more
    /// than <see cref="ClampDeviations"/> standard deviations from the mean updates the statistics
    /// as if it were exactly that far (winsorised; counted in <see cref="ClampedReadings"/>), so a
    /// single failed sensor read (int.MinValue, int.MaxValue, a spike) moves the mean by at most
    /// 4σ/n and the variance by at most 15σ²/n instead of ruining both for weeks. A real, sustained
    /// shift is still followed: each reading beyond the clamp widens the variance, and so the clamp.
    /// Readings within the clamp are learned exactly as before (bit-identical). Standardising a
    /// reading (<see cref="Scale"/>) is unchanged: the outlier itself scales to at most ±16.
    /// docs/LEARNER.md, "Outliers", gives the figures.</para>
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

        /// <summary>Readings after which the statistics are robust (outliers clamped): 64.</summary>
        public const int WarmUpReadings = 64;

        /// <summary>Deviations beyond this many standard deviations are clamped to it when updating
        /// the statistics: 4. A burst of 16 such readings in a full 2^14 window raises the
        /// variance by at most 16·15/16,384 = 1.5 %, the deviation by 0.73 %.</summary>
        public const int ClampDeviations = 4;

        private const int MeanFractionalBits = 16;
        private const int DeviationFractionalBits = 8;
        private const long MaxDeviation = 1L << 31;

        private readonly long[] means;
        private readonly long[] variances;
        // The plausible range of each feature, raw units (SetPlausibleRange); the whole int range
        // unless the board declares one. Configuration: not stored in the model blob.
        private readonly int[] lowest;
        private readonly int[] highest;
        private readonly int windowShift;
        private long count;
        private bool frozen;
        private int saturatedReadings;
        private int clampedReadings;
        private int rejectedReadings;

        /// <summary>Creates a scaler for <paramref name="featureCount"/> features.</summary>
        /// <param name="featureCount">Features per reading (1 to <see cref="Network.MaxLayerSize"/>).</param>
        /// <param name="windowShift">log2 of the statistics window (0 to <see cref="MaxWindowShift"/>).</param>
        /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
        public InputScaler(int featureCount, int windowShift)
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
            lowest = new int[featureCount];
            highest = new int[featureCount];
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

        /// <summary>Feature values whose deviation was clamped to <see cref="ClampDeviations"/>
        /// standard deviations when updating the statistics (saturating at int.MaxValue).</summary>
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
            return Q16.Saturate((long)IntegerMath.Sqrt((ulong)variances[feature]));
        }

        /// <summary>
        /// Seeds a feature's statistics from a calibration (raw units; the deviation in Q24.8, as
        /// <see cref="GetStandardDeviation"/> returns it). Later readings move them with the full
        /// window's weight, unless the scaler is <see cref="Frozen"/>.
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
            long window = 1L << windowShift;
            count = count > window ? count : window;
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

            if (frozen)
            {
                return;
            }

            if (count < long.MaxValue)
            {
                count++;
            }

            long divisor = count < (1L << windowShift) ? count : 1L << windowShift;
            bool robust = count > WarmUpReadings;
            for (int f = 0; f < means.Length; f++)
            {
                // The deviation from the mean, raw·2^16; once warmed up, within ±4σ (σ·2^8 from
                // the variance, shifted by 8 more bits to raw·2^16: at most 2^54, no overflow).
                long deviation = ((long)raw[f] << MeanFractionalBits) - means[f];
                if (robust)
                {
                    long limit = ClampDeviations * (long)IntegerMath.Sqrt((ulong)variances[f]) << (MeanFractionalBits - DeviationFractionalBits);
                    if (limit > 0 && (deviation > limit || deviation < -limit))
                    {
                        deviation = deviation > 0 ? limit : -limit;
                        if (clampedReadings < int.MaxValue)
                        {
                            clampedReadings++;
                        }
                    }
                }

                // Welford with the (possibly clamped) reading mean + deviation: δ before the mean
                // moves, δ' after.
                long before = ClampDeviation(deviation);
                long step = IntegerMath.DivideRounded(deviation, divisor);
                means[f] += step;
                long after = ClampDeviation(deviation - step);
                // δ·δ' in (raw·2^8)² units: both deviations drop 8 of their 16 fractional bits.
                long product = (before >> (MeanFractionalBits - DeviationFractionalBits)) * (after >> (MeanFractionalBits - DeviationFractionalBits));
                variances[f] += IntegerMath.DivideRounded(product - variances[f], divisor);
                if (variances[f] < 0)
                {
                    variances[f] = 0;
                }
            }
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
            for (int f = 0; f < means.Length; f++)
            {
                scaled[f] = ScaleOne(f, raw[f]);
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
            long deviation = (long)IntegerMath.Sqrt((ulong)variances[feature]);
            // scaled (2^-16) × deviation (2^-8) is in units of 2^-24; the mean is raw·2^16.
            long value = means[feature] + Q16.RoundShift(scaled * deviation, DeviationFractionalBits);
            return Q16.Saturate(Q16.RoundShift(value, MeanFractionalBits));
        }

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

        private long ClampDeviation(long deviation)
        {
            // Beyond 2^23 raw units (2^39 here) a squared deviation would overflow 2^62.
            const long Limit = MaxDeviation << (MeanFractionalBits - DeviationFractionalBits);
            if (deviation > Limit || deviation < -Limit)
            {
                CountSaturation();
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
            Array.Copy(source, offset + 1, means, 0, means.Length);
            Array.Copy(source, offset + 1 + means.Length, variances, 0, variances.Length);
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
                }
            }
        }
    }
}
