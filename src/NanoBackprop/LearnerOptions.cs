using System;

namespace NanoBackprop
{
    /// <summary>What the learner's targets are.</summary>
    public enum LearnerTask
    {
        /// <summary>One sigmoid output per class (binary: one output), targets 0 or 1 in Q16.16.</summary>
        Classification = 0,

        /// <summary>Targets in raw units, standardised by a target scaler; predictions come back in raw units.</summary>
        Regression = 1,
    }

    /// <summary>How the learning rate changes with the number of updates t.</summary>
    public enum LearningRateSchedule
    {
        /// <summary>lr = base.</summary>
        Constant = 0,

        /// <summary>lr = base · factor^⌊t / interval⌋, never below the floor.</summary>
        Step = 1,

        /// <summary>lr = base · τ / (τ + t), never below the floor.</summary>
        InverseTime = 2,
    }

    /// <summary>What the divergence guard last did.</summary>
    public enum LearnerState
    {
        /// <summary>Learning normally.</summary>
        Learning = 0,

        /// <summary>The last check found divergence and restored the last good snapshot.</summary>
        RolledBack = 1,
    }

    /// <summary>
    /// Settings of an <see cref="OnlineLearner"/>. All rates are Q16.16. The defaults are the ones
    /// measured on the shipped Occupancy stream (docs/LEARNER.md).
    /// </summary>
    public sealed class LearnerOptions
    {
        /// <summary>Smallest learning-rate floor a decaying schedule accepts: 64 LSB ≈ 0.001.</summary>
        /// <remarks>
        /// With round-to-nearest, a step lr·δ·a below 2^-17 is lost. At the floor 0.001 every
        /// gradient above 0.0076 still moves its weight, so a node that has run for a year keeps
        /// learning; with <see cref="Network.StochasticRounding"/> smaller gradients do too, in
        /// expectation.
        /// </remarks>
        public const int MinimumRateFloor = 64;

        // Explicit fields: auto-properties would make the compiler emit debugger attributes.
        private LearnerTask task;
        private LearningRateSchedule schedule;
        private int baseLearningRate;
        private int learningRateFloor;
        private int decaySamples;
        private int stepFactor;
        private int batchSize;
        private bool classBalance;
        private bool divergenceGuard;
        private int snapshotInterval;
        private int confidenceMargin;
        private int scalerWindowShift;
        private bool robustStart;

        /// <summary>Creates the default options.</summary>
        public LearnerOptions()
        {
            Task = LearnerTask.Classification;
            Schedule = LearningRateSchedule.Constant;
            BaseLearningRate = 6554;
            LearningRateFloor = 655;
            DecaySamples = 8192;
            StepFactor = Q16.Half;
            BatchSize = 1;
            ClassBalance = true;
            DivergenceGuard = false;
            SnapshotInterval = 256;
            ScalerWindowShift = InputScaler.DefaultWindowShift;
            ConfidenceMargin = 0;
            RobustStart = true;
        }

        /// <summary>Classification (default) or regression.</summary>
        public LearnerTask Task
        {
            get { return task; }
            set { task = value; }
        }

        /// <summary>The learning-rate schedule (default constant: on the Occupancy stream it beat
        /// inverse-time decay both prequentially and after the quiet weekend; docs/LEARNER.md).</summary>
        public LearningRateSchedule Schedule
        {
            get { return schedule; }
            set { schedule = value; }
        }

        /// <summary>The starting learning rate, Q16.16 (default 0.1).</summary>
        public int BaseLearningRate
        {
            get { return baseLearningRate; }
            set { baseLearningRate = value; }
        }

        /// <summary>The rate a decaying schedule never goes below, Q16.16 (default 0.01).</summary>
        public int LearningRateFloor
        {
            get { return learningRateFloor; }
            set { learningRateFloor = value; }
        }

        /// <summary>τ of inverse-time decay, or the interval of step decay, in updates (default 8,192).</summary>
        public int DecaySamples
        {
            get { return decaySamples; }
            set { decaySamples = value; }
        }

        /// <summary>The factor of step decay, Q16.16 in (0, 1) (default 0.5).</summary>
        public int StepFactor
        {
            get { return stepFactor; }
            set { stepFactor = value; }
        }

        /// <summary>Samples per update: 1 (default) is per-sample SGD; more needs a network with
        /// <see cref="NetworkOptions.GradientAccumulation"/>.</summary>
        public int BatchSize
        {
            get { return batchSize; }
            set { batchSize = value; }
        }

        /// <summary>
        /// Classification with one output: weight each sample's rate by how rare its label has been
        /// (total / (2 · count of that label), within [1/8, 8]) so that a long quiet stretch of one
        /// label does not wash out the other (default on; per-sample SGD only). Regression refuses
        /// it (set it false); with several outputs it has no effect (each output is its own label).
        /// </summary>
        public bool ClassBalance
        {
            get { return classBalance; }
            set { classBalance = value; }
        }

        /// <summary>Keep a last-good snapshot and roll back on divergence (default off: it costs 4
        /// bytes per parameter).</summary>
        public bool DivergenceGuard
        {
            get { return divergenceGuard; }
            set { divergenceGuard = value; }
        }

        /// <summary>Samples between snapshot attempts of the divergence guard (default 256).</summary>
        public int SnapshotInterval
        {
            get { return snapshotInterval; }
            set { snapshotInterval = value; }
        }

        /// <summary>
        /// Classification: skip the update when every output is already within this distance of
        /// its target (Q16.16; 0, the default, always updates). A quiet stretch of confidently
        /// predicted samples then leaves the weights alone instead of slowly drifting them.
        /// </summary>
        public int ConfidenceMargin
        {
            get { return confidenceMargin; }
            set { confidenceMargin = value; }
        }

        /// <summary>log2 of the input scaler's window (default 14).</summary>
        public int ScalerWindowShift
        {
            get { return scalerWindowShift; }
            set { scalerWindowShift = value; }
        }

        /// <summary>
        /// Whether the input scaler (and a regression learner's target scaler) keeps its first
        /// <see cref="InputScaler.RobustStartReadings"/> (16) readings to tell failed reads from
        /// the signal before it has statistics to judge by (default true; docs/LEARNER.md,
        /// "Outliers"). It costs 64 bytes of RAM and of model blob per feature: 4,096 + 4,096
        /// bytes on a 64-input board. Off, a scaler keeps no readings, learns its first 16 as they
        /// come, and only a declared plausible range (<see cref="InputScaler.SetPlausibleRange"/>)
        /// keeps a failed read among them out; from reading 17 outliers are handled alike.
        /// </summary>
        public bool RobustStart
        {
            get { return robustStart; }
            set { robustStart = value; }
        }

        // A field-by-field copy (for code that must not change a caller's options).
        internal LearnerOptions Copy()
        {
            var copy = new LearnerOptions();
            copy.task = task;
            copy.schedule = schedule;
            copy.baseLearningRate = baseLearningRate;
            copy.learningRateFloor = learningRateFloor;
            copy.decaySamples = decaySamples;
            copy.stepFactor = stepFactor;
            copy.batchSize = batchSize;
            copy.classBalance = classBalance;
            copy.divergenceGuard = divergenceGuard;
            copy.snapshotInterval = snapshotInterval;
            copy.confidenceMargin = confidenceMargin;
            copy.scalerWindowShift = scalerWindowShift;
            copy.robustStart = robustStart;
            return copy;
        }

        internal void Validate(Network network)
        {
            if (network == null)
            {
                throw new ArgumentNullException("network", "OnlineLearner: network is null.");
            }

            if (Task != LearnerTask.Classification && Task != LearnerTask.Regression)
            {
                throw new ArgumentException("OnlineLearner: unknown task " + (int)Task + ".", "options");
            }

            if (Schedule != LearningRateSchedule.Constant && Schedule != LearningRateSchedule.Step && Schedule != LearningRateSchedule.InverseTime)
            {
                throw new ArgumentException("OnlineLearner: unknown schedule " + (int)Schedule + ".", "options");
            }

            if (BaseLearningRate <= 0)
            {
                throw new ArgumentException("OnlineLearner: BaseLearningRate must be positive.", "options");
            }

            if (Schedule != LearningRateSchedule.Constant && (LearningRateFloor < MinimumRateFloor || LearningRateFloor > BaseLearningRate))
            {
                throw new ArgumentException("OnlineLearner: LearningRateFloor must be from " + MinimumRateFloor + " (about 0.001, the update-underflow limit) to BaseLearningRate.", "options");
            }

            if (DecaySamples < 1)
            {
                throw new ArgumentException("OnlineLearner: DecaySamples must be at least 1.", "options");
            }

            if (StepFactor <= 0 || StepFactor >= Q16.One)
            {
                throw new ArgumentException("OnlineLearner: StepFactor must be in (0, 1).", "options");
            }

            if (BatchSize < 1 || BatchSize > 65535)
            {
                throw new ArgumentException("OnlineLearner: BatchSize must be 1 to 65535.", "options");
            }

            if (BatchSize > 1 && (network.Options & NetworkOptions.GradientAccumulation) == 0)
            {
                throw new ArgumentException("OnlineLearner: BatchSize above 1 needs a network built with NetworkOptions.GradientAccumulation.", "options");
            }

            if (ClassBalance && BatchSize > 1)
            {
                throw new ArgumentException("OnlineLearner: ClassBalance weights single samples; use it with BatchSize 1.", "options");
            }

            if (Task == LearnerTask.Classification && network.OutputActivation != Activation.Sigmoid && network.OutputActivation != Activation.Softmax)
            {
                throw new ArgumentException("OnlineLearner: classification needs a sigmoid output (yes/no per output) or a softmax output (one of K classes).", "options");
            }

            if (network.OutputActivation == Activation.Softmax && network.OutputCount < 2)
            {
                throw new ArgumentException("OnlineLearner: a softmax classifier needs at least 2 classes (outputs); it has " + network.OutputCount + ".", "options");
            }

            if (Task == LearnerTask.Regression && network.Loss != Loss.MeanSquaredError)
            {
                throw new ArgumentException("OnlineLearner: regression needs a network built with Loss.MeanSquaredError.", "options");
            }

            // Regression targets are standardised by the target scaler: about half are negative.
            // A sigmoid (0 to 1) or ReLU (0 and up) output cannot reach them; it settles on the mean.
            if (Task == LearnerTask.Regression && (network.OutputActivation == Activation.Sigmoid || network.OutputActivation == Activation.Relu))
            {
                throw new ArgumentException("OnlineLearner: regression targets are standardised (about half are negative), which a "
                    + (network.OutputActivation == Activation.Sigmoid ? "Sigmoid" : "Relu") + " output cannot reach; build the network with a Linear output activation.", "options");
            }

            if (Task == LearnerTask.Regression && ClassBalance)
            {
                throw new ArgumentException("OnlineLearner: ClassBalance weights classification labels; set ClassBalance = false for regression.", "options");
            }

            if (ConfidenceMargin < 0 || ConfidenceMargin > Q16.Half || (ConfidenceMargin != 0 && Task != LearnerTask.Classification))
            {
                throw new ArgumentException("OnlineLearner: ConfidenceMargin must be 0 to 0.5, and only for classification.", "options");
            }

            if (SnapshotInterval < 1)
            {
                throw new ArgumentException("OnlineLearner: SnapshotInterval must be at least 1.", "options");
            }

            if (ScalerWindowShift < 0 || ScalerWindowShift > InputScaler.MaxWindowShift)
            {
                throw new ArgumentException("OnlineLearner: ScalerWindowShift must be 0 to " + InputScaler.MaxWindowShift + ".", "options");
            }
        }
    }
}
