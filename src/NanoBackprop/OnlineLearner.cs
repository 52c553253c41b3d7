using System;

namespace NanoBackprop
{
    /// <summary>
    /// Learns from a sensor stream one reading at a time, as a board does: standardise the raw
    /// reading with running statistics, predict, and learn when the label (or the next value)
    /// arrives. Everything is allocated by the constructor; <see cref="Predict"/> and
    /// <see cref="Learn"/> allocate nothing.
    /// </summary>
    /// <remarks>
    /// <para><b>Units.</b> Readings are raw <see cref="int"/>s in the board's own units (see
    /// <see cref="InputScaler"/>). Classification targets are Q16.16 0 or 1 (65536) per output and
    /// predictions are Q16.16 probabilities; regression targets and predictions are raw units of the
    /// predicted quantity, standardised internally by a second scaler.</para>
    /// <para><b>Divergence guard</b> (optional): every <see cref="LearnerOptions.SnapshotInterval"/>
    /// samples, if training looks healthy (running loss at most 2× its long-run level + 0.05 and no
    /// weight pushed to ±128 since the last snapshot), the parameters and the scalers' statistics
    /// (count, means, variances) are copied aside. Training has
    /// diverged when the running loss exceeds 4× its long-run level + 0.05 <i>and</i> some weight has
    /// been held at ±128 since the last snapshot: then the snapshot is restored (the scalers'
    /// statistics too, unless a scaler is frozen), momentum cleared,
    /// the rate halved (for every schedule, below its floor too, down to
    /// <see cref="LearnerOptions.MinimumRateFloor"/>; at most four halvings in a row, recovering one
    /// halving per healthy snapshot), and
    /// <see cref="Rollbacks"/> counts it. Honest drift raises the loss without pinning weights, so
    /// the guard lets the network relearn. "Since the last snapshot" means since the last interval
    /// check.</para>
    /// </remarks>
    public sealed class OnlineLearner
    {
        // Running losses are exponential moving averages: ~32 samples and ~1,024 samples.
        private const int RunningLossShift = 5;
        private const int LongRunLossShift = 10;
        private const int HealthyMargin = 3277;      // 0.05 in Q16.16
        private const int MaxRecoveryShift = 4;
        private const int MinClassWeight = Q16.One / 8;
        private const int MaxClassWeight = Q16.One * 8;

        private readonly Network network;
        private readonly InputScaler scaler;
        private readonly InputScaler targetScaler;
        private readonly LearnerTask task;
        private readonly LearningRateSchedule schedule;
        private readonly int baseLearningRate;
        private readonly int learningRateFloor;
        private readonly int decaySamples;
        private readonly int stepFactor;
        private readonly int batchSize;
        private readonly bool classBalance;
        private readonly int snapshotInterval;
        private readonly int confidenceMargin;

        private readonly int[] scaledInput;
        private readonly int[] scaledTarget;
        private readonly int[] rawPrediction;
        private readonly int[] snapshot;
        // The scalers' statistics at the snapshot (inputs, then targets for regression).
        private readonly long[] scalerSnapshot;

        private long samples;
        private long updates;
        private long skipped;
        private int rollbacks;
        private long runningLoss;   // Q16.16 scaled by 2^RunningLossShift
        private long longRunLoss;   // Q16.16 scaled by 2^LongRunLossShift
        private long positives;
        private long negatives;
        // Labels seen per class, only for a softmax classifier (K classes); null otherwise.
        private readonly long[] classCounts;
        private int recoveryShift;
        private int saturationsAtCheck;
        private bool hasSnapshot;
        private LearnerState state;

        /// <summary>Creates a learner over <paramref name="network"/> with the given options (copied).</summary>
        /// <exception cref="ArgumentNullException">network or options is null.</exception>
        /// <exception cref="ArgumentException">An option is invalid or does not fit the network, or
        /// the combination cannot learn (parameter "options"; the message says what to change):
        /// classification without a sigmoid output; regression without mean squared error, with a
        /// Sigmoid or Relu output (standardised targets are about half negative), or with
        /// ClassBalance; BatchSize above 1 without GradientAccumulation or with ClassBalance;
        /// ConfidenceMargin with regression.</exception>
        public OnlineLearner(Network network, LearnerOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException("options", "OnlineLearner: options is null.");
            }

            options.Validate(network);
            this.network = network;
            task = options.Task;
            schedule = options.Schedule;
            baseLearningRate = options.BaseLearningRate;
            learningRateFloor = schedule == LearningRateSchedule.Constant ? options.BaseLearningRate : options.LearningRateFloor;
            decaySamples = options.DecaySamples;
            stepFactor = options.StepFactor;
            batchSize = options.BatchSize;
            bool softmax = network.OutputActivation == Activation.Softmax;
            classBalance = options.ClassBalance && task == LearnerTask.Classification && (network.OutputCount == 1 || softmax);
            classCounts = softmax ? new long[network.OutputCount] : null;
            snapshotInterval = options.SnapshotInterval;
            confidenceMargin = options.ConfidenceMargin;

            scaler = new InputScaler(network.InputCount, options.ScalerWindowShift, options.RobustStart);
            targetScaler = task == LearnerTask.Regression ? new InputScaler(network.OutputCount, options.ScalerWindowShift, options.RobustStart) : null;
            scaledInput = new int[network.InputCount];
            scaledTarget = new int[network.OutputCount];
            rawPrediction = task == LearnerTask.Regression ? new int[network.OutputCount] : null;
            snapshot = options.DivergenceGuard ? new int[network.SnapshotLength] : null;
            scalerSnapshot = options.DivergenceGuard
                ? new long[scaler.StatisticsLength + (targetScaler != null ? targetScaler.StatisticsLength : 0)]
                : null;
            longRunLoss = 0;
            network.LearningRate = baseLearningRate;
        }

        /// <summary>The network being trained.</summary>
        public Network Network
        {
            get { return network; }
        }

        /// <summary>The input scaler (freeze it, seed it from a calibration, read its statistics).</summary>
        public InputScaler Scaler
        {
            get { return scaler; }
        }

        /// <summary>The target scaler for regression; null for classification.</summary>
        public InputScaler TargetScaler
        {
            get { return targetScaler; }
        }

        /// <summary>Classification or regression.</summary>
        public LearnerTask Task
        {
            get { return task; }
        }

        /// <summary>Labelled samples seen by <see cref="Learn"/>.</summary>
        public long Samples
        {
            get { return samples; }
        }

        /// <summary>Parameter updates made (one per sample, or one per mini-batch).</summary>
        public long Updates
        {
            get { return updates; }
        }

        /// <summary>Samples left out because the prediction was already within <see cref="LearnerOptions.ConfidenceMargin"/>.</summary>
        public long Skipped
        {
            get { return skipped; }
        }

        /// <summary>Rollbacks by the divergence guard.</summary>
        public int Rollbacks
        {
            get { return rollbacks; }
        }

        /// <summary>What the divergence guard last did.</summary>
        public LearnerState State
        {
            get { return state; }
        }

        /// <summary>Whether a divergence guard (and its snapshot buffer) exists.</summary>
        public bool HasDivergenceGuard
        {
            get { return snapshot != null; }
        }

        /// <summary>Exponential moving average of ½Σ(y - t)² over about 32 samples, Q16.16.</summary>
        public int RunningLoss
        {
            get { return Q16.Saturate(runningLoss >> RunningLossShift); }
        }

        /// <summary>Exponential moving average of ½Σ(y - t)² over about 1,024 samples, Q16.16.</summary>
        public int LongRunLoss
        {
            get { return Q16.Saturate(longRunLoss >> LongRunLossShift); }
        }

        /// <summary>The learning rate the schedule gives for the next update (before class weights), Q16.16.</summary>
        public int CurrentLearningRate
        {
            get { return ScheduledRate(); }
        }

        /// <summary>
        /// Predicts for a raw reading with the current statistics (which it does not update):
        /// Q16.16 probabilities for classification, raw units for regression. Returns the
        /// learner's own buffer.
        /// </summary>
        /// <exception cref="ArgumentNullException">raw is null.</exception>
        /// <exception cref="ArgumentException">raw has the wrong length.</exception>
        /// <remarks>A value outside its feature's plausible range (<see cref="InputScaler.SetPlausibleRange"/>)
        /// is predicted as if it were at the nearer end of the range.</remarks>
        public int[] Predict(int[] raw)
        {
            CheckReading(raw, "Predict");
            scaler.ScaleUnchecked(raw, scaledInput);
            int[] outputs = network.Forward(scaledInput);
            if (task == LearnerTask.Classification)
            {
                return outputs;
            }

            for (int j = 0; j < outputs.Length; j++)
            {
                rawPrediction[j] = targetScaler.Unscale(j, outputs[j]);
            }

            return rawPrediction;
        }

        /// <summary>
        /// Learns one labelled reading: updates the running statistics, sets the network's rate
        /// from the schedule, and takes an SGD step (or adds to the mini-batch).
        /// </summary>
        /// <param name="raw">The reading, raw units.</param>
        /// <param name="target">Classification: Q16.16 0 or 65536 per output; regression: raw units.</param>
        /// <returns>½Σ(y - t)² of the prediction before the update, Q16.16 (scaled targets for regression).</returns>
        /// <exception cref="ArgumentNullException">An array is null.</exception>
        /// <exception cref="ArgumentException">An array has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A classification target is not 0 or 1.</exception>
        /// <remarks>An implausible reading (a feature outside the range the board declared with
        /// <see cref="InputScaler.SetPlausibleRange"/>) is not learned: it is counted in
        /// <see cref="RejectedReadings"/> and the returned loss is that of the prediction with the
        /// value clamped to its range; nothing else changes.</remarks>
        public int Learn(int[] raw, int[] target)
        {
            CheckLearnArguments(raw, target);
            if (!scaler.IsPlausibleUnchecked(raw))
            {
                return RejectReading(raw, target);
            }

            scaler.ObservePlausible(raw);
            scaler.ScaleUnchecked(raw, scaledInput);
            if (task == LearnerTask.Regression)
            {
                targetScaler.Observe(target);
                targetScaler.Scale(target, scaledTarget);
            }
            else
            {
                Array.Copy(target, scaledTarget, target.Length);
                CountLabel(target);
            }

            int rate = ScheduledRate();
            int loss;
            if (confidenceMargin != 0 && Confident(network.Forward(scaledInput)))
            {
                loss = network.MonitoredLoss(scaledTarget);
                skipped++;
            }
            else if (batchSize == 1)
            {
                network.LearningRate = classBalance ? Q16.Multiply(rate, classCounts != null ? SoftmaxClassWeight(LabelOf(scaledTarget)) : ClassWeight(scaledTarget[0])) : rate;
                loss = network.Learn(scaledInput, scaledTarget);
                updates++;
            }
            else
            {
                network.Forward(scaledInput);
                loss = network.MonitoredLoss(scaledTarget);
                network.Backward(scaledTarget, network.Loss);
                if (network.AccumulatedSamples >= batchSize)
                {
                    network.LearningRate = rate;
                    network.ApplyGradients();
                    updates++;
                }
            }

            samples++;
            TrackLoss(loss);
            if (snapshot != null)
            {
                GuardAgainstDivergence();
            }

            return loss;
        }

        /// <summary>Readings <see cref="Learn"/> refused as implausible (the input scaler's count).</summary>
        public int RejectedReadings
        {
            get { return scaler.RejectedReadings; }
        }

        // The size of this learner's model blob (current version) built with the other choice of
        // LearnerOptions.RobustStart: the two layouts differ only in the scalers' kept readings.
        internal int BlobSizeWithOtherRobustStart()
        {
            int features = scaler.FeatureCount + (targetScaler != null ? targetScaler.FeatureCount : 0);
            int readingBytes = 4 * InputScaler.RobustStartReadings * features;
            return ModelBlob.SizeOf(this) + (scaler.KeepsReadings ? -readingBytes : readingBytes);
        }

        /// <summary>Feature values the input scaler treated as outliers (beyond 4σ from reading 17:
        /// replaced by the mean, or winsorised in a run) while learning (the input scaler's count).</summary>
        public int ClampedReadings
        {
            get { return scaler.ClampedReadings; }
        }

        // Learn's answer to an implausible reading: counted (Observe refuses it), not learned.
        private int RejectReading(int[] raw, int[] target)
        {
            scaler.Observe(raw);
            scaler.Scale(raw, scaledInput);
            if (task == LearnerTask.Regression)
            {
                targetScaler.Scale(target, scaledTarget);
            }
            else
            {
                Array.Copy(target, scaledTarget, target.Length);
            }

            network.Forward(scaledInput);
            return network.MonitoredLoss(scaledTarget);
        }

        /// <summary>
        /// Learns one reading labelled with a class index, for a softmax classifier: the same as
        /// <see cref="Learn"/> with the one-hot target (65536 at <paramref name="label"/>, 0
        /// elsewhere), built in the learner's own buffer (no allocation).
        /// </summary>
        /// <param name="raw">The reading, raw units.</param>
        /// <param name="label">The class, 0 to K - 1 (K = the network's outputs).</param>
        /// <returns>The categorical cross-entropy of the prediction before the update, Q16.16.</returns>
        /// <exception cref="ArgumentNullException">raw is null.</exception>
        /// <exception cref="ArgumentException">raw has the wrong length.</exception>
        /// <exception cref="ArgumentOutOfRangeException">label is not a class of this model.</exception>
        /// <exception cref="InvalidOperationException">The network has no softmax output.</exception>
        public int LearnClass(int[] raw, int label)
        {
            CheckClass(label, "LearnClass");
            CheckReading(raw, "LearnClass");
            // The one-hot target is built in scaledTarget, which Learn then copies onto itself.
            for (int j = 0; j < scaledTarget.Length; j++)
            {
                scaledTarget[j] = j == label ? Q16.One : 0;
            }

            return Learn(raw, scaledTarget);
        }

        /// <summary>
        /// The predicted class for a raw reading (the index of the largest output, the first of
        /// equal ones), for a softmax classifier; see <see cref="Predict"/>.
        /// </summary>
        /// <exception cref="ArgumentNullException">raw is null.</exception>
        /// <exception cref="ArgumentException">raw has the wrong length.</exception>
        /// <exception cref="InvalidOperationException">The network has no softmax output.</exception>
        public int PredictClass(int[] raw)
        {
            CheckClass(0, "PredictClass");
            return Softmax.ArgMax(Predict(raw));
        }

        /// <summary>Labels learned per class (a copy's worth: read one at a time), softmax classifiers only.</summary>
        /// <exception cref="InvalidOperationException">The network has no softmax output.</exception>
        /// <exception cref="ArgumentOutOfRangeException">label is not a class of this model.</exception>
        public long ClassCount(int label)
        {
            CheckClass(label, "ClassCount");
            return classCounts[label];
        }

        private void CheckClass(int label, string caller)
        {
            if (classCounts == null)
            {
                throw new InvalidOperationException(caller + ": class labels need a network with a Softmax output.");
            }

            if (label < 0 || label >= classCounts.Length)
            {
                throw new ArgumentOutOfRangeException("label", caller + ": label " + label + " is not a class of this model (0 to " + (classCounts.Length - 1) + ").");
            }
        }

        // Counts a classification label: per class for softmax, positives and negatives otherwise.
        private void CountLabel(int[] target)
        {
            if (classCounts != null)
            {
                int label = LabelOf(target);
                if (label >= 0)
                {
                    classCounts[label]++;
                }

                return;
            }

            if (target[0] == 0)
            {
                negatives++;
            }
            else
            {
                positives++;
            }
        }

        // The class of a one-hot target; CheckLearnArguments guarantees exactly one 65536.
        private static int LabelOf(int[] target)
        {
            for (int j = 0; j < target.Length; j++)
            {
                if (target[j] != 0)
                {
                    return j;
                }
            }

            return -1;
        }

        // total / (K·count of this class), within [1/8, 8]: 1 when every class is equally common.
        private int SoftmaxClassWeight(int label)
        {
            long total = 0;
            for (int j = 0; j < classCounts.Length; j++)
            {
                total += classCounts[j];
            }

            long weight = (total << Q16.FractionalBits) / (classCounts.Length * classCounts[label]);
            return (int)(weight < MinClassWeight ? MinClassWeight : weight > MaxClassWeight ? MaxClassWeight : weight);
        }

        private bool Confident(int[] outputs)
        {
            for (int j = 0; j < outputs.Length; j++)
            {
                int error = outputs[j] - scaledTarget[j];
                if (error >= confidenceMargin || error <= -confidenceMargin)
                {
                    return false;
                }
            }

            return true;
        }

        // The learner's own checks, so that a bad argument is reported by the method called, not
        // by the scaler or network inside it.
        private void CheckReading(int[] raw, string caller)
        {
            if (raw == null)
            {
                throw new ArgumentNullException("raw", caller + ": the reading is null.");
            }

            if (raw.Length != network.InputCount)
            {
                throw new ArgumentException(caller + ": the reading has " + raw.Length + " values; the network needs " + network.InputCount + ".", "raw");
            }
        }

        private void CheckLearnArguments(int[] raw, int[] target)
        {
            CheckReading(raw, "Learn");

            if (target == null)
            {
                throw new ArgumentNullException("target", "Learn: target is null.");
            }

            if (target.Length != network.OutputCount)
            {
                throw new ArgumentException("Learn: target has " + target.Length + " values; the network needs " + network.OutputCount + ".", "target");
            }

            if (task == LearnerTask.Classification)
            {
                int ones = 0;
                for (int j = 0; j < target.Length; j++)
                {
                    if (target[j] != 0 && target[j] != Q16.One)
                    {
                        throw new ArgumentOutOfRangeException("target", "Learn: classification target " + j + " must be 0 or 1 (Q16.16 0 or 65536).");
                    }

                    ones += target[j] == Q16.One ? 1 : 0;
                }

                if (classCounts != null && ones != 1)
                {
                    throw new ArgumentOutOfRangeException("target", "Learn: a softmax classifier's target is one-hot (exactly one 65536); it has " + ones + ".");
                }
            }
        }

        private int ScheduledRate()
        {
            long rate = baseLearningRate;
            if (schedule == LearningRateSchedule.InverseTime)
            {
                rate = baseLearningRate * (long)decaySamples / (decaySamples + updates);
            }
            else if (schedule == LearningRateSchedule.Step)
            {
                long steps = updates / decaySamples;
                for (long k = 0; k < steps && rate > learningRateFloor; k++)
                {
                    rate = Q16.RoundShift(rate * stepFactor, Q16.FractionalBits);
                }
            }

            rate = rate > learningRateFloor ? rate : learningRateFloor;
            if (recoveryShift == 0)
            {
                return (int)rate;
            }

            // After a rollback the rate is halved per recovery step below the schedule's own floor
            // (the constant schedule's floor is its rate), but not below the update-underflow
            // limit LearnerOptions.MinimumRateFloor, nor raised to it when the schedule runs lower.
            long recovering = rate >> recoveryShift;
            long lowest = rate < LearnerOptions.MinimumRateFloor ? rate : LearnerOptions.MinimumRateFloor;
            return (int)(recovering > lowest ? recovering : lowest);
        }

        // total / (2·count of this label), within [1/8, 8]: 1 when both labels are equally common.
        private int ClassWeight(int label)
        {
            long count = label == 0 ? negatives : positives;
            long total = positives + negatives;
            long weight = ((total << Q16.FractionalBits) / (2 * count));
            return (int)(weight < MinClassWeight ? MinClassWeight : weight > MaxClassWeight ? MaxClassWeight : weight);
        }

        private void TrackLoss(int loss)
        {
            if (samples == 1)
            {
                runningLoss = (long)loss << RunningLossShift;
                longRunLoss = (long)loss << LongRunLossShift;
                return;
            }

            runningLoss += loss - (runningLoss >> RunningLossShift);
            longRunLoss += loss - (longRunLoss >> LongRunLossShift);
        }

        private void GuardAgainstDivergence()
        {
            long running = runningLoss >> RunningLossShift;
            long longRun = longRunLoss >> LongRunLossShift;
            bool saturatedSinceCheck = network.WeightSaturations != saturationsAtCheck;
            if (hasSnapshot && saturatedSinceCheck && running > 4 * longRun + HealthyMargin)
            {
                network.RestoreSnapshot(snapshot);
                RestoreScalerStatistics();
                runningLoss = longRun << RunningLossShift;
                recoveryShift = recoveryShift < MaxRecoveryShift ? recoveryShift + 1 : MaxRecoveryShift;
                if (rollbacks < int.MaxValue)
                {
                    rollbacks++;
                }

                state = LearnerState.RolledBack;
                return;
            }

            if (samples % snapshotInterval == 0 && !saturatedSinceCheck && running <= 2 * longRun + HealthyMargin)
            {
                network.SaveSnapshot(snapshot);
                SnapshotScalerStatistics();
                hasSnapshot = true;
                recoveryShift = recoveryShift > 0 ? recoveryShift - 1 : 0;
                state = LearnerState.Learning;
            }

            if (samples % snapshotInterval == 0)
            {
                saturationsAtCheck = network.WeightSaturations;
            }
        }

        private void SnapshotScalerStatistics()
        {
            scaler.CopyStatisticsTo(scalerSnapshot, 0);
            if (targetScaler != null)
            {
                targetScaler.CopyStatisticsTo(scalerSnapshot, scaler.StatisticsLength);
            }
        }

        // A frozen scaler's statistics belong to whoever froze it (a calibration, a board's
        // declared figures): a rollback leaves them alone.
        private void RestoreScalerStatistics()
        {
            if (!scaler.Frozen)
            {
                scaler.CopyStatisticsFrom(scalerSnapshot, 0);
            }

            if (targetScaler != null && !targetScaler.Frozen)
            {
                targetScaler.CopyStatisticsFrom(scalerSnapshot, scaler.StatisticsLength);
            }
        }

        // The learner's part of the model blob's header (see ModelBlob): structural settings that
        // must match this learner.
        internal void TransferStructure(ref ModelCursor cursor)
        {
            cursor.ExpectByte((int)task, "task");
            cursor.ExpectUInt16(batchSize, "batch size");
            cursor.ExpectByte(classBalance ? 1 : 0, "class balance");
            cursor.ExpectByte(snapshot != null ? 1 : 0, "divergence guard");
            cursor.ExpectByte(scaler.WindowShift, "scaler window");
        }

        // The learner's state in the model blob: counters, losses, the guard's state and
        // snapshot, then each scaler's.
        internal void TransferState(ref ModelCursor cursor)
        {
            long storedSamples = cursor.Int64(samples, 0, long.MaxValue, "samples");
            long storedUpdates = cursor.Int64(updates, 0, storedSamples, "updates");
            int storedRollbacks = cursor.Int32(rollbacks, 0, int.MaxValue, "rollbacks");
            long storedRunningLoss = cursor.Int64(runningLoss, 0, long.MaxValue, "running loss");
            long storedLongRunLoss = cursor.Int64(longRunLoss, 0, long.MaxValue, "long-run loss");
            long storedPositives = cursor.Int64(positives, 0, storedSamples, "positive count");
            long storedNegatives = cursor.Int64(negatives, 0, storedSamples - storedPositives, "negative count");
            int storedRecoveryShift = cursor.Byte(recoveryShift, 0, MaxRecoveryShift, "recovery shift");
            int storedSaturationsAtCheck = cursor.Int32(saturationsAtCheck, 0, int.MaxValue, "saturations at check");
            bool storedHasSnapshot = cursor.Flag(hasSnapshot, "has-snapshot");
            int storedState = cursor.Byte((int)state, 0, 1, "learner state");
            if (storedHasSnapshot && snapshot == null)
            {
                throw new InvalidModelException("Model: a snapshot is marked without a divergence guard.");
            }

            if (cursor.Copying)
            {
                samples = storedSamples;
                updates = storedUpdates;
                rollbacks = storedRollbacks;
                runningLoss = storedRunningLoss;
                longRunLoss = storedLongRunLoss;
                positives = storedPositives;
                negatives = storedNegatives;
                recoveryShift = storedRecoveryShift;
                saturationsAtCheck = storedSaturationsAtCheck;
                hasSnapshot = storedHasSnapshot;
                state = (LearnerState)storedState;
            }

            if (snapshot != null)
            {
                cursor.Ints(snapshot, network.HasNarrowWeights ? int.MaxValue : Network.MaxWeight);
            }

            scaler.TransferState(ref cursor);
            if (targetScaler != null)
            {
                targetScaler.TransferState(ref cursor);
            }

            // A softmax classifier's labels per class (version 3 on; older blobs hold none, and
            // no softmax model was written before version 3: the counts then start at 0).
            if (classCounts != null)
            {
                for (int c = 0; c < classCounts.Length; c++)
                {
                    long storedCount = cursor.Version >= 3 ? cursor.Int64(classCounts[c], 0, storedSamples, "class count") : 0;
                    if (cursor.Copying)
                    {
                        classCounts[c] = storedCount;
                    }
                }
            }

            if (scalerSnapshot != null && cursor.Version >= 3)
            {
                InputScaler.TransferStatistics(ref cursor, scalerSnapshot, 0, scaler.FeatureCount);
                if (targetScaler != null)
                {
                    InputScaler.TransferStatistics(ref cursor, scalerSnapshot, scaler.StatisticsLength, targetScaler.FeatureCount);
                }
            }
            else if (scalerSnapshot != null && cursor.Copying)
            {
                // Versions 1 and 2 kept no scaler statistics in the snapshot: the loaded ones are
                // the best available (a rollback then keeps the scalers as loaded).
                SnapshotScalerStatistics();
            }

            // Version 4 on: each scaler's robust start (InputScaler.TransferRobustStart).
            scaler.TransferRobustStart(ref cursor);
            if (targetScaler != null)
            {
                targetScaler.TransferRobustStart(ref cursor);
            }
        }
    }
}
