using System;

namespace NanoBackprop.Boards
{
    /// <summary>
    /// The board app's logic, without the hardware: read the sensors, predict occupancy, read the
    /// label, learn, save the model every <see cref="SensorNodeSettings.SaveInterval"/> samples
    /// through the power-safe A/B store, and print a status line every
    /// <see cref="SensorNodeSettings.ReportInterval"/> samples. A board calls <see cref="Boot"/>
    /// once and then <see cref="Step"/> at its sampling rate; the desktop does the same with a
    /// replayed recording, which is how this class is tested.
    /// </summary>
    /// <remarks>
    /// The network is features-<see cref="SensorNodeSettings.HiddenNeurons"/>-1, sigmoid,
    /// cross-entropy, plain per-sample SGD with the learner's defaults (constant rate 0.1, class
    /// balance) and, by default, the divergence guard. Everything is allocated by the constructor;
    /// <see cref="Step"/> allocates only the status line's text, once per report, and an
    /// exception's message when a save fails.
    /// Status line: <c>samples 1920 loss 0.0123 acc 98.33% lr 0.1000 rollbacks 0 free 41208 B
    /// learn 812 us saved 2</c>: samples learned over the model's life, the running loss (EMA of
    /// ½(y - t)² over ~32 samples), the accuracy of the predictions since the last line, the
    /// learning rate, the guard's rollbacks, free managed heap, mean microseconds per Learn since
    /// the last line, and the sequence number of the newest save.
    /// </remarks>
    public sealed class SensorNode
    {
        private readonly ISensorSource sensors;
        private readonly ILabelSource labels;
        private readonly IMicrosecondClock clock;
        private readonly ILineWriter output;
        private readonly IFreeMemory memory;
        private readonly OnlineLearner learner;
        private readonly PowerSafeModelStore store;
        private readonly int saveInterval;
        private readonly int reportInterval;
        private readonly int[] reading;
        private readonly int[] target;

        private int intervalSamples;
        private int intervalCorrect;
        private long intervalLearnMicroseconds;
        private int reports;
        private int saveFailures;
        private int missedReadings;
        private int lastProbability;

        /// <summary>Builds the learner and the store; reads nothing yet (see <see cref="Boot"/>).</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A setting is out of range, the sensors report no features, or a feature's plausible low is above its high.</exception>
        public SensorNode(ISensorSource sensors, ILabelSource labels, IModelStorage storage, IMicrosecondClock clock, ILineWriter output, IFreeMemory memory, SensorNodeSettings settings)
        {
            RequireNotNull(sensors, "sensors");
            RequireNotNull(labels, "labels");
            RequireNotNull(storage, "storage");
            RequireNotNull(clock, "clock");
            RequireNotNull(output, "output");
            RequireNotNull(memory, "memory");
            RequireNotNull(settings, "settings");
            settings.Validate();
            int features = sensors.FeatureCount;
            if (features < 1 || features > Network.MaxLayerSize)
            {
                throw new ArgumentOutOfRangeException("sensors", "SensorNode: the sensors report " + features + " features; the network needs 1 to " + Network.MaxLayerSize + ".");
            }

            this.sensors = sensors;
            this.labels = labels;
            this.clock = clock;
            this.output = output;
            this.memory = memory;
            saveInterval = settings.SaveInterval;
            reportInterval = settings.ReportInterval;

            Network network = new Network(new int[] { features, settings.HiddenNeurons, 1 }, Activation.Sigmoid, Activation.Sigmoid,
                Loss.BinaryCrossEntropy, settings.Seed, NetworkOptions.None);
            LearnerOptions options = new LearnerOptions();
            options.DivergenceGuard = settings.DivergenceGuard;
            learner = new OnlineLearner(network, options);
            for (int f = 0; f < features; f++)
            {
                learner.Scaler.SetPlausibleRange(f, sensors.GetPlausibleLow(f), sensors.GetPlausibleHigh(f));
            }

            store = new PowerSafeModelStore(storage, learner);
            reading = new int[features];
            target = new int[1];
        }

        /// <summary>The learner (network, scaler, counters).</summary>
        public OnlineLearner Learner
        {
            get { return learner; }
        }

        /// <summary>The A/B model store (its <see cref="PowerSafeModelStore.Sequence"/> counts saves).</summary>
        public PowerSafeModelStore Store
        {
            get { return store; }
        }

        /// <summary>The last prediction's probability of occupancy, Q16.16.</summary>
        public int LastProbability
        {
            get { return lastProbability; }
        }

        /// <summary>Whether the last prediction says occupied (probability ≥ 0.5): a board lights its LED.</summary>
        public bool PredictsOccupied
        {
            get { return lastProbability >= Q16.Half; }
        }

        /// <summary>Status lines printed since boot.</summary>
        public int Reports
        {
            get { return reports; }
        }

        /// <summary>Saves that failed since boot (the previous model stays in the other slot).</summary>
        public int SaveFailures
        {
            get { return saveFailures; }
        }

        /// <summary>Steps without a reading since boot.</summary>
        public int MissedReadings
        {
            get { return missedReadings; }
        }

        /// <summary>
        /// Loads the newest valid saved model, if any, and prints what happened. Returns true when a
        /// model was loaded; otherwise the node starts from its seed's initial weights.
        /// </summary>
        public bool Boot()
        {
            bool loaded;
            try
            {
                loaded = store.Load();
            }
            catch (Exception failure)
            {
                output.WriteLine("boot: reading the saved model failed (" + failure.Message + "); starting a new model");
                loaded = false;
            }

            Network network = learner.Network;
            string topology = network.InputCount + "-" + network.GetLayerSize(1) + "-" + network.OutputCount;
            if (loaded)
            {
                output.WriteLine("boot: loaded model " + store.Sequence + " (" + topology + ", " + learner.Samples + " samples learned)");
            }
            else
            {
                output.WriteLine("boot: no saved model; new " + topology + " network");
            }

            output.WriteLine("boot: network " + network.RamBytes + " B of heap, model slot " + store.SlotBytes + " B, free " + memory.FreeBytes() + " B");
            return loaded;
        }

        /// <summary>
        /// One sample: read, predict, read the label, learn, save on schedule, report on schedule.
        /// Returns false when the sensors had no reading (nothing else happens then).
        /// </summary>
        public bool Step()
        {
            if (!sensors.TryRead(reading))
            {
                missedReadings++;
                return false;
            }

            lastProbability = learner.Predict(reading)[0];
            bool occupied = labels.ReadOccupied();
            target[0] = occupied ? Q16.One : 0;
            long start = clock.Microseconds;
            learner.Learn(reading, target);
            intervalLearnMicroseconds += clock.Microseconds - start;
            intervalSamples++;
            if (PredictsOccupied == occupied)
            {
                intervalCorrect++;
            }

            if (learner.Samples % saveInterval == 0)
            {
                Save();
            }

            if (intervalSamples >= reportInterval)
            {
                Report();
            }

            return true;
        }

        private void Save()
        {
            try
            {
                store.Save();
            }
            catch (Exception failure)
            {
                saveFailures++;
                output.WriteLine("save failed (" + saveFailures + " since boot): " + failure.Message);
            }
        }

        private void Report()
        {
            output.WriteLine("samples " + learner.Samples
                + " loss " + ReportText.FromQ16(learner.RunningLoss, 4)
                + " acc " + ReportText.Percent(intervalCorrect, intervalSamples) + "%"
                + " lr " + ReportText.FromQ16(learner.CurrentLearningRate, 4)
                + " rollbacks " + learner.Rollbacks
                + " rejected " + learner.RejectedReadings
                + " clamped " + learner.ClampedReadings
                + " free " + memory.FreeBytes() + " B"
                + " learn " + (intervalLearnMicroseconds / intervalSamples) + " us"
                + " saved " + store.Sequence);
            reports++;
            intervalSamples = 0;
            intervalCorrect = 0;
            intervalLearnMicroseconds = 0;
        }

        private static void RequireNotNull(object value, string name)
        {
            if (value == null)
            {
                throw new ArgumentNullException(name, "SensorNode: " + name + " is null.");
            }
        }
    }
}
