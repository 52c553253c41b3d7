using System;
using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// The online learner on a sensor stream, as a board runs it: predict each raw reading, then
    /// learn its label. Classification with class balance, mini-batches with a step schedule and a
    /// confidence margin, regression in raw units with inverse-time decay and momentum, and the
    /// divergence guard rolling back after junk readings: predictions, losses, counters, rates
    /// and weights end at the desktop's exact bits.
    /// </summary>
    /// <remarks>
    /// Streams come from <see cref="DeviceTestSupport.NextState"/> (xorshift32), never
    /// System.Random. Expected values: the desktop shim's run of these tests (`dotnet test
    /// tests/NanoBackprop.DeviceTests.Desktop --filter OnlineLearnerStreamTests --logger
    /// "console;verbosity=detailed"` prints each test's observations), copied here.
    /// </remarks>
    [TestClass]
    public class OnlineLearnerStreamTests
    {
        private static OnlineLearner rejecting;

        [TestMethod]
        public void PredictThenLearnOnAClassificationStreamGivesTheDesktopBits()
        {
            // 3-6-1 occupancy classifier, default options (constant rate, class balance on) but rate 0.5.
            Network network = new Network(new int[] { 3, 6, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 7, NetworkOptions.None);
            LearnerOptions classifying = new LearnerOptions();
            classifying.BaseLearningRate = Q16.Half;
            OnlineLearner learner = new OnlineLearner(network, classifying);
            uint state = 12345u;
            int[] reading = new int[3];
            int[] label = new int[1];
            uint predictions = DeviceTestSupport.EmptyFingerprint;
            uint losses = DeviceTestSupport.EmptyFingerprint;
            int correctInLast100 = 0;
            for (int k = 0; k < 300; k++)
            {
                state = OccupancyReading(state, reading, label);
                int prediction = learner.Predict(reading)[0];
                predictions = DeviceTestSupport.Fingerprint(predictions, prediction);
                if (k >= 200 && (prediction >= Q16.Half) == (label[0] == Q16.One))
                {
                    correctInLast100++;
                }

                losses = DeviceTestSupport.Fingerprint(losses, learner.Learn(reading, label));
            }

            int probe = learner.Predict(new int[] { 2200, 600, 1400 })[0];
            uint parameters = DeviceTestSupport.ParameterFingerprint(network);
            OutputHelper.WriteLine("classification: predictions " + predictions + ", losses " + losses + ", correct in the last 100 " + correctInLast100
                + ", running loss " + learner.RunningLoss + ", long-run loss " + learner.LongRunLoss + ", parameters " + parameters + ", probe " + probe
                + ", means " + learner.Scaler.GetMean(0) + " " + learner.Scaler.GetMean(1) + " " + learner.Scaler.GetMean(2));
            Assert.AreEqual(4267813096u, predictions, "every prediction before its label");
            Assert.AreEqual(2823942496u, losses, "every loss Learn returned");
            Assert.AreEqual(85, correctInLast100, "predictions on the right side of 0.5 in samples 201-300 (72 % are unoccupied)");
            Assert.AreEqual(300L, learner.Samples);
            Assert.AreEqual(300L, learner.Updates, "per-sample SGD: one update per sample");
            Assert.AreEqual(0L, learner.Skipped);
            Assert.AreEqual(300L, learner.Scaler.Count, "Predict does not move the statistics");
            Assert.AreEqual(2559, learner.RunningLoss, "0.039");
            Assert.AreEqual(4268, learner.LongRunLoss, "0.065");
            Assert.AreEqual(Q16.Half, learner.CurrentLearningRate, "constant 0.5");
            Assert.AreEqual(3684660537u, parameters, "weights and biases");
            Assert.AreEqual(64858, probe, "the probe (22.00 °C, 600 lux, 1,400 ppm, occupied): 0.990");
            Assert.AreEqual(2190, learner.Scaler.GetMean(0), "21.90 °C");
            Assert.AreEqual(402, learner.Scaler.GetMean(1), "lux");
            Assert.AreEqual(935, learner.Scaler.GetMean(2), "ppm");
        }

        [TestMethod]
        public void MiniBatchesWithAStepScheduleAndAConfidenceMarginGiveTheDesktopBits()
        {
            // Batches of 4, rate 0.5 halved every 16 updates down to 0.01, and samples already within
            // 0.25 of their label left out.
            Network network = new Network(new int[] { 3, 6, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 8, NetworkOptions.GradientAccumulation);
            LearnerOptions options = new LearnerOptions();
            options.BatchSize = 4;
            options.ClassBalance = false;
            options.Schedule = LearningRateSchedule.Step;
            options.DecaySamples = 16;
            options.StepFactor = Q16.Half;
            options.LearningRateFloor = 655;
            options.ConfidenceMargin = Q16.One / 4;
            options.BaseLearningRate = Q16.Half;
            OnlineLearner learner = new OnlineLearner(network, options);
            uint state = 777u;
            int[] reading = new int[3];
            int[] label = new int[1];
            uint predictions = DeviceTestSupport.EmptyFingerprint;
            int[] rates = new int[5];
            for (int k = 0; k < 400; k++)
            {
                state = OccupancyReading(state, reading, label);
                predictions = DeviceTestSupport.Fingerprint(predictions, learner.Predict(reading)[0]);
                learner.Learn(reading, label);
                if (k % 80 == 79)
                {
                    rates[k / 80] = learner.CurrentLearningRate;
                }
            }

            uint parameters = DeviceTestSupport.ParameterFingerprint(network);
            OutputHelper.WriteLine("mini-batch: predictions " + predictions + ", updates " + learner.Updates + ", skipped " + learner.Skipped + ", accumulated " + network.AccumulatedSamples
                + ", rates " + rates[0] + " " + rates[1] + " " + rates[2] + " " + rates[3] + " " + rates[4] + ", parameters " + parameters + ", running loss " + learner.RunningLoss);
            Assert.AreEqual(1634848065u, predictions);
            Assert.AreEqual(400L, learner.Samples);
            Assert.AreEqual(63L, learner.Skipped, "samples within the margin");
            Assert.AreEqual(84L, learner.Updates, "one per 4 samples learned: (400 - 63) / 4, truncated");
            Assert.AreEqual((int)((learner.Samples - learner.Skipped) % 4), network.AccumulatedSamples, "the unfinished batch");
            // After every 80 samples: 0.5 · ½^⌊updates / 16⌋, rounded, never below 0.01 (655).
            ForwardBackwardBitsTests.AssertBits(new int[] { 16384, 8192, 4096, 2048, 1024 }, rates, "rates after 80, 160, 240, 320, 400 samples");
            Assert.AreEqual(758411168u, parameters);
            Assert.AreEqual(5516, learner.RunningLoss);
        }

        [TestMethod]
        public void RegressionPredictsInRawUnitsWithInverseTimeDecayAndMomentum()
        {
            // y = 3·x0 - 2·x1 + 500 in raw units, 2-5-1 tanh/linear, momentum 0.5,
            // rate 0.1·100 / (100 + updates).
            Network network = new Network(new int[] { 2, 5, 1 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 9, NetworkOptions.Momentum);
            LearnerOptions options = new LearnerOptions();
            options.Task = LearnerTask.Regression;
            options.ClassBalance = false;
            options.Schedule = LearningRateSchedule.InverseTime;
            options.DecaySamples = 100;
            options.LearningRateFloor = 655;
            OnlineLearner learner = new OnlineLearner(network, options);
            network.Momentum = Q16.Half;
            uint state = 4242u;
            int[] reading = new int[2];
            int[] target = new int[1];
            uint predictions = DeviceTestSupport.EmptyFingerprint;
            for (int k = 0; k < 200; k++)
            {
                state = DeviceTestSupport.NextState(state);
                reading[0] = DeviceTestSupport.Between(state, -300, 300);
                state = DeviceTestSupport.NextState(state);
                reading[1] = DeviceTestSupport.Between(state, 0, 400);
                target[0] = 3 * reading[0] - 2 * reading[1] + 500;
                predictions = DeviceTestSupport.Fingerprint(predictions, learner.Predict(reading)[0]);
                learner.Learn(reading, target);
            }

            int probe = learner.Predict(new int[] { 100, 200 })[0];
            uint parameters = DeviceTestSupport.ParameterFingerprint(network);
            uint velocities = DeviceTestSupport.VelocityFingerprint(learner);
            OutputHelper.WriteLine("regression: predictions " + predictions + ", probe " + probe + ", target mean " + learner.TargetScaler.GetMean(0) + ", target deviation "
                + learner.TargetScaler.GetStandardDeviation(0) + ", rate " + learner.CurrentLearningRate + ", parameters " + parameters + ", velocities " + velocities
                + ", running loss " + learner.RunningLoss);
            Assert.AreEqual(960665877u, predictions, "every prediction, raw units");
            Assert.AreEqual(472, probe, "(100, 200): the true value is 400");
            Assert.AreEqual(55, learner.TargetScaler.GetMean(0), "raw units");
            Assert.AreEqual(141779, learner.TargetScaler.GetStandardDeviation(0), "553.8 raw units, Q24.8");
            Assert.AreEqual(2184, learner.CurrentLearningRate, "6,554·100 / (100 + 200) = 2,184.67, truncated");
            Assert.AreEqual(3937377562u, parameters);
            Assert.AreEqual(221535738u, velocities);
            Assert.AreEqual(355, learner.RunningLoss, "standardised units");
        }

        [TestMethod]
        public void JunkReadingsForceARollbackToTheLastSnapshotAndTheRateRecovers()
        {
            // A 2-8-1 ReLU regression learner with the guard (snapshot check every 32 samples)
            // learns y = x0 + x1; then a broken sensor sends readings and targets of ±1,000,000 with
            // the scalers frozen, so they saturate at ±16σ and SGD at 0.1 runs the weights to ±128.
            Network network = new Network(new int[] { 2, 8, 1 }, Activation.Relu, Activation.Linear, Loss.MeanSquaredError, 9, NetworkOptions.None);
            LearnerOptions options = new LearnerOptions();
            options.Task = LearnerTask.Regression;
            options.ClassBalance = false;
            options.DivergenceGuard = true;
            options.SnapshotInterval = 32;
            // The default constant schedule (rate 0.1): the rollback halves it to 0.05 (issue 12
            // item 3: before, the constant schedule's floor undid the halving).
            OnlineLearner learner = new OnlineLearner(network, options);
            uint state = 99u;
            int[] reading = new int[2];
            int[] target = new int[1];
            // The weights at each check (every 32 samples): the guard's snapshot is one of them.
            uint[] atChecks = new uint[64];
            for (int k = 0; k < 320; k++)
            {
                state = HealthyReading(state, reading, target);
                learner.Learn(reading, target);
                NoteCheck(learner, atChecks);
            }

            Assert.AreEqual(0, learner.Rollbacks, "healthy learning never rolls back");
            uint healthy = DeviceTestSupport.ParameterFingerprint(network);
            learner.Scaler.Frozen = true;
            learner.TargetScaler.Frozen = true;
            for (int k = 0; k < 1000 && learner.Rollbacks == 0; k++)
            {
                state = DeviceTestSupport.NextState(state);
                int extreme = (state & 1) == 0 ? 1000000 : -1000000;
                reading[0] = extreme;
                reading[1] = -extreme;
                target[0] = (state & 2) == 0 ? 1000000 : -1000000;
                learner.Learn(reading, target);
                NoteCheck(learner, atChecks);
            }

            long rolledBackAt = learner.Samples;
            uint restored = DeviceTestSupport.ParameterFingerprint(network);
            int snapshotCheck = -1;
            for (int c = 0; c < atChecks.Length && 32 * (c + 1) < rolledBackAt; c++)
            {
                snapshotCheck = atChecks[c] == restored ? c : snapshotCheck;
            }

            OutputHelper.WriteLine("rollback at sample " + rolledBackAt + ", saturations " + network.WeightSaturations + ", healthy " + healthy + ", restored " + restored
                + " (check " + snapshotCheck + "), running loss " + learner.RunningLoss + ", long-run " + learner.LongRunLoss + ", rate " + learner.CurrentLearningRate);
            Assert.AreEqual(1, learner.Rollbacks);
            Assert.AreEqual(LearnerState.RolledBack, learner.State);
            Assert.AreEqual(322L, rolledBackAt, "the second junk sample");
            Assert.AreEqual(17, network.WeightSaturations, "weights held at ±128 by the junk");
            Assert.AreEqual(healthy, restored, "the restored weights are those before the junk");
            Assert.AreEqual(989136386u, restored, "the restored weights");
            Assert.AreEqual(9, snapshotCheck, "the weights of the last healthy check, sample 320");
            Assert.AreEqual(learner.LongRunLoss, learner.RunningLoss, "the running loss restarts at the long-run level");
            Assert.AreEqual(2106205, learner.LongRunLoss, "32.1: the junk's losses");
            Assert.AreEqual(3277, learner.CurrentLearningRate, "the rate halved: 0.1 / 2");

            // Healthy readings again. The check at sample 352 still sees the junk's saturations (since
            // the check at 320), so the rate stays halved; the healthy check at 384 takes a snapshot
            // and recovers the halving.
            int[] rates = new int[4];
            for (int k = 0; k < 128; k++)
            {
                state = HealthyReading(state, reading, target);
                learner.Learn(reading, target);
                if (k % 32 == 31)
                {
                    rates[k / 32] = learner.CurrentLearningRate;
                }
            }

            int probe = learner.Predict(new int[] { 300, 400 })[0];
            OutputHelper.WriteLine("after 128 healthy samples: rates " + rates[0] + " " + rates[1] + " " + rates[2] + " " + rates[3] + ", state " + (int)learner.State
                + ", probe " + probe + ", parameters " + DeviceTestSupport.ParameterFingerprint(network));
            ForwardBackwardBitsTests.AssertBits(new int[] { 3277, 6554, 6554, 6554 }, rates, "rate after samples 354, 386, 418, 450");
            Assert.AreEqual(1, learner.Rollbacks, "healthy readings do not roll back");
            Assert.AreEqual(LearnerState.Learning, learner.State);
            Assert.AreEqual(703, probe, "(300, 400): the true value is 700");
            Assert.AreEqual(1361734182u, DeviceTestSupport.ParameterFingerprint(network));
        }

        [TestMethod]
        public void RejectedCallsThrowTheDocumentedExceptionAndChangeNothing()
        {
            rejecting = new OnlineLearner(new Network(new int[] { 3, 6, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 7, NetworkOptions.None), new LearnerOptions());
            ModelBlobRoundTripTests.Feed(rejecting, 1u, 20);
            uint before = DeviceTestSupport.LearnerFingerprint(rejecting);
            Assert.ThrowsException(typeof(ArgumentNullException), LearnWithoutReading);
            Assert.ThrowsException(typeof(ArgumentException), LearnWithTwoValues);
            Assert.ThrowsException(typeof(ArgumentException), LearnWithTwoTargets);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), LearnAHalfLabel);
            Assert.ThrowsException(typeof(ArgumentException), PredictWithFourValues);
            Assert.ThrowsException(typeof(ArgumentException), BatchesWithoutGradientBuffers);
            Assert.AreEqual(before, DeviceTestSupport.LearnerFingerprint(rejecting), "every stored bit unchanged");
            Assert.AreEqual(20L, rejecting.Samples);
        }

        /// <summary>
        /// The next reading of an occupancy-like stream: temperature (centi-°C), light (lux) and
        /// CO2 (ppm), occupied when CO2 is above 1,000 ppm and light above 300 lux (about 28 %).
        /// </summary>
        public static uint OccupancyReading(uint state, int[] reading, int[] label)
        {
            state = DeviceTestSupport.NextState(state);
            reading[0] = DeviceTestSupport.Between(state, 1800, 2600);
            state = DeviceTestSupport.NextState(state);
            reading[1] = DeviceTestSupport.Between(state, 0, 800);
            state = DeviceTestSupport.NextState(state);
            reading[2] = DeviceTestSupport.Between(state, 400, 1500);
            label[0] = reading[2] > 1000 && reading[1] > 300 ? Q16.One : 0;
            return state;
        }

        private static uint HealthyReading(uint state, int[] reading, int[] target)
        {
            state = DeviceTestSupport.NextState(state);
            reading[0] = DeviceTestSupport.Between(state, -1000, 1000);
            state = DeviceTestSupport.NextState(state);
            reading[1] = DeviceTestSupport.Between(state, -1000, 1000);
            target[0] = reading[0] + reading[1];
            return state;
        }

        private static void NoteCheck(OnlineLearner learner, uint[] atChecks)
        {
            if (learner.Samples % 32 == 0)
            {
                atChecks[(int)(learner.Samples / 32) - 1] = DeviceTestSupport.ParameterFingerprint(learner.Network);
            }
        }

        private static void LearnWithoutReading()
        {
            rejecting.Learn(null, new int[1]);
        }

        private static void LearnWithTwoValues()
        {
            rejecting.Learn(new int[2], new int[1]);
        }

        private static void LearnWithTwoTargets()
        {
            rejecting.Learn(new int[3], new int[2]);
        }

        private static void LearnAHalfLabel()
        {
            rejecting.Learn(new int[3], new int[] { Q16.Half });
        }

        private static void PredictWithFourValues()
        {
            rejecting.Predict(new int[4]);
        }

        private static void BatchesWithoutGradientBuffers()
        {
            LearnerOptions options = new LearnerOptions();
            options.BatchSize = 4;
            options.ClassBalance = false;
            new OnlineLearner(rejecting.Network, options);
        }
    }
}
