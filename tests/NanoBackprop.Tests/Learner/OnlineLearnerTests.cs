namespace NanoBackprop.Tests;

[TestClass]
public sealed class OnlineLearnerTests
{
    private static OnlineLearner Classifier(int seed, LearnerOptions? options = null, NetworkOptions networkOptions = NetworkOptions.None, int outputs = 1)
    {
        var network = new Network(new[] { 2, 8, outputs }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed, networkOptions);
        return new OnlineLearner(network, options ?? new LearnerOptions());
    }

    [TestMethod]
    public void SchedulesFollowTheirFormulasAndNeverFallBelowTheFloor()
    {
        var inverse = Classifier(1, new LearnerOptions { Schedule = LearningRateSchedule.InverseTime, BaseLearningRate = Q16.FromDouble(0.2), LearningRateFloor = Q16.FromDouble(0.01), DecaySamples = 1000 });
        var step = Classifier(1, new LearnerOptions { Schedule = LearningRateSchedule.Step, BaseLearningRate = Q16.FromDouble(0.2), LearningRateFloor = Q16.FromDouble(0.01), DecaySamples = 1000, StepFactor = Q16.Half });
        var constant = Classifier(1, new LearnerOptions { Schedule = LearningRateSchedule.Constant, BaseLearningRate = Q16.FromDouble(0.2) });
        foreach (var (updates, inverseRate, stepRate) in new[] { (0L, 0.2, 0.2), (1000L, 0.1, 0.1), (3000L, 0.05, 0.025), (9000L, 0.02, 0.01), (525_600L, 0.01, 0.01) })
        {
            SetUpdates(inverse, updates);
            SetUpdates(step, updates);
            SetUpdates(constant, updates);
            // Q16.16 rounding of the base rate (13107 = 0.2 - 3e-6) and of each halving.
            Assert.AreEqual(inverseRate, Q16.ToDouble(inverse.CurrentLearningRate), 2e-5, $"inverse time after {updates}");
            Assert.AreEqual(stepRate, Q16.ToDouble(step.CurrentLearningRate), 2e-5, $"step after {updates}");
            Assert.AreEqual(Q16.FromDouble(0.2), constant.CurrentLearningRate);
        }

        // A year of one update a minute later, the node still learns at the floor.
        Assert.AreEqual(Q16.FromDouble(0.01), inverse.CurrentLearningRate);
        Assert.IsGreaterThanOrEqualTo(LearnerOptions.MinimumRateFloor, inverse.CurrentLearningRate);
    }

    [TestMethod]
    public void ClassBalanceScalesTheRateOfTheRareLabel()
    {
        // 9 negatives, then a positive: total 10, positives 1 → weight 10/2 = 5 for the positive;
        // the negatives' weight is 10/18 ≈ 0.556.
        var learner = Classifier(2);
        int[] reading = { 1, 2 };
        for (int k = 0; k < 9; k++)
        {
            learner.Learn(reading, new[] { 0 });
        }

        learner.Learn(reading, new[] { Q16.One });
        Assert.AreEqual(Q16.Multiply(new LearnerOptions().BaseLearningRate, 5 * Q16.One), learner.Network.LearningRate);
        learner.Learn(reading, new[] { 0 });
        // 11 samples, 10 negatives: 11/20 = 0.55.
        Assert.AreEqual(Q16.Multiply(new LearnerOptions().BaseLearningRate, Q16.FromDouble(0.55)), learner.Network.LearningRate, 1);
    }

    [TestMethod]
    public void LearnsASeparableStreamAndCountsWhatItDid()
    {
        // Occupied when x0 + x1 > 0, raw readings in ±1000 units.
        var learner = Classifier(3);
        var random = new Random(3);
        int correct = 0;
        for (int k = 0; k < 6000; k++)
        {
            int[] reading = { random.Next(-1000, 1001), random.Next(-1000, 1001) };
            int label = reading[0] + reading[1] > 0 ? 1 : 0;
            if (k >= 5000)
            {
                correct += (learner.Predict(reading)[0] >= Q16.Half ? 1 : 0) == label ? 1 : 0;
            }

            learner.Learn(reading, new[] { label * Q16.One });
        }

        Assert.IsGreaterThan(970, correct, $"{correct}/1000 correct on the last 1,000");
        Assert.AreEqual(6000L, learner.Samples);
        Assert.AreEqual(6000L, learner.Updates);
        Assert.AreEqual(6000L, learner.Scaler.Count);
        Assert.IsLessThan(Q16.FromDouble(0.02), learner.RunningLoss);
        Assert.AreEqual(LearnerState.Learning, learner.State);
    }

    [TestMethod]
    public void MiniBatchesUpdateOncePerBatch()
    {
        var options = new LearnerOptions { BatchSize = 4, ClassBalance = false };
        var learner = Classifier(4, options, NetworkOptions.GradientAccumulation);
        var random = new Random(4);
        for (int k = 0; k < 4002; k++)
        {
            int[] reading = { random.Next(-1000, 1001), random.Next(-1000, 1001) };
            learner.Learn(reading, new[] { reading[0] > reading[1] ? Q16.One : 0 });
        }

        Assert.AreEqual(1000L, learner.Updates);
        Assert.AreEqual(2, learner.Network.AccumulatedSamples);
        Assert.IsLessThan(Q16.FromDouble(0.05), learner.RunningLoss);
    }

    [TestMethod]
    public void SeveralClassesAsOneSigmoidEach()
    {
        // Three classes by the sign pattern of (x0, x1): both negative, x0 positive, else.
        var learner = Classifier(5, new LearnerOptions(), NetworkOptions.None, 3);
        var random = new Random(5);
        int correct = 0;
        for (int k = 0; k < 20000; k++)
        {
            int[] reading = { random.Next(-1000, 1001), random.Next(-1000, 1001) };
            int label = reading[0] < 0 && reading[1] < 0 ? 0 : reading[0] >= 0 ? 1 : 2;
            if (k >= 19000)
            {
                int[] p = learner.Predict(reading);
                int best = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
                correct += best == label ? 1 : 0;
            }

            var target = new int[3];
            target[label] = Q16.One;
            learner.Learn(reading, target);
        }

        Assert.IsGreaterThan(950, correct, $"{correct}/1000");
    }

    [TestMethod]
    public void RegressionPredictsTheNextValueInRawUnits()
    {
        // A sensor following a slow sine (amplitude 500 units around 2,000): predict the next
        // reading from the last two.
        var network = new Network(new[] { 2, 8, 1 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 6, NetworkOptions.None);
        var learner = new OnlineLearner(network, new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false });
        Assert.IsNotNull(learner.TargetScaler);
        double absoluteError = 0;
        double repeatError = 0;
        for (int k = 2; k < 12000; k++)
        {
            int[] reading = { Signal(k - 2), Signal(k - 1) };
            if (k >= 11000)
            {
                absoluteError += Math.Abs(learner.Predict(reading)[0] - Signal(k));
                repeatError += Math.Abs(Signal(k - 1) - Signal(k));
            }

            learner.Learn(reading, new[] { Signal(k) });
        }

        // The signal moves about 10 units a step on average; the learner must do clearly better
        // than repeating the last value.
        Console.WriteLine($"next-value regression: mean absolute error {absoluteError / 1000:F2} units; repeating the last value {repeatError / 1000:F2}");
        Assert.IsLessThan(0.75 * repeatError / 1000, absoluteError / 1000);

        static int Signal(int k) => (int)Math.Round(2000 + 500 * Math.Sin(2 * Math.PI * k / 200));
    }

    [TestMethod]
    public void PredictAndLearnAllocateNothing()
    {
        var learner = Classifier(7, new LearnerOptions { DivergenceGuard = true });
        int[] reading = { 10, -20 };
        int[] target = { Q16.One };
        for (int k = 0; k < 300; k++)
        {
            learner.Learn(reading, target);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10_000; k++)
        {
            reading[0] = k % 97;
            learner.Predict(reading);
            target[0] = (k & 1) * Q16.One;
            learner.Learn(reading, target);
        }

        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void RejectedCallsLeaveTheLearnerBitIdentical()
    {
        var learner = Classifier(8, new LearnerOptions { DivergenceGuard = true });
        learner.Learn(new[] { 1, 2 }, new[] { Q16.One });
        string before = NetworkState.Capture(learner);
        var calls = new (Action Call, Type Exception, string Fragment)[]
        {
            (() => learner.Learn(null!, new[] { 0 }), typeof(ArgumentNullException), "reading is null"),
            (() => learner.Learn(new[] { 1 }, new[] { 0 }), typeof(ArgumentException), "has 1 values; the network needs 2"),
            (() => learner.Learn(new[] { 1, 2 }, null!), typeof(ArgumentNullException), "target is null"),
            (() => learner.Learn(new[] { 1, 2 }, new[] { 0, 0 }), typeof(ArgumentException), "target has 2 values"),
            (() => learner.Learn(new[] { 1, 2 }, new[] { Q16.Half }), typeof(ArgumentOutOfRangeException), "must be 0 or 1"),
            (() => learner.Predict(new int[3]), typeof(ArgumentException), "has 3 values"),
        };
        foreach (var (call, exception, fragment) in calls)
        {
            var error = Assert.ThrowsExactly<Exception>(() =>
            {
                try
                {
                    call();
                }
                catch (Exception e)
                {
                    throw new Exception("wrapped", e);
                }
            }).InnerException!;
            Assert.AreEqual(exception, error.GetType(), error.Message);
            StringAssert.Contains(error.Message, fragment);
            Assert.AreEqual(before, NetworkState.Capture(learner), fragment);
        }
    }

    [TestMethod]
    public void InvalidOptionsAreRejectedWithTheirReason()
    {
        var sigmoid = new Network(new[] { 2, 4, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, NetworkOptions.None);
        var linear = new Network(new[] { 2, 4, 1 }, Activation.Sigmoid, Activation.Linear, Loss.MeanSquaredError, 1, NetworkOptions.None);
        var cases = new (Network? Network, LearnerOptions? Options, string Fragment)[]
        {
            (null, new LearnerOptions(), "network is null"),
            (sigmoid, null, "options is null"),
            (sigmoid, new LearnerOptions { Schedule = LearningRateSchedule.InverseTime, LearningRateFloor = 10 }, "the update-underflow limit"),
            (sigmoid, new LearnerOptions { BaseLearningRate = 0 }, "BaseLearningRate must be positive"),
            (sigmoid, new LearnerOptions { BatchSize = 8, ClassBalance = false }, "needs a network built with NetworkOptions.GradientAccumulation"),
            (linear, new LearnerOptions(), "classification needs a sigmoid output"),
            (sigmoid, new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false }, "regression needs a network built with Loss.MeanSquaredError"),
            (sigmoid, new LearnerOptions { StepFactor = Q16.One }, "StepFactor"),
            (sigmoid, new LearnerOptions { ScalerWindowShift = 30 }, "ScalerWindowShift"),
        };
        foreach (var (network, options, fragment) in cases)
        {
            try
            {
                _ = new OnlineLearner(network!, options!);
                Assert.Fail("expected a rejection with " + fragment);
            }
            catch (ArgumentException error)
            {
                StringAssert.Contains(error.Message, fragment);
            }
        }
    }

    [TestMethod]
    public void DivergenceGuardRollsBackAfterABrokenSensor()
    {
        // A ReLU regression learner: 3,000 healthy samples of y = x0 + x1, then a broken sensor
        // whose readings and targets jump between absurd extremes. The scaler saturates them at
        // ±16σ, where SGD at rate 0.1 is far past its stability limit (lr·‖x‖² ≫ 2): weights run to
        // ±128 and the loss explodes. The guard must restore the last good snapshot.
        var network = new Network(new[] { 2, 8, 1 }, Activation.Relu, Activation.Linear, Loss.MeanSquaredError, 9, NetworkOptions.None);
        var learner = new OnlineLearner(network, new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, DivergenceGuard = true });
        var random = new Random(9);
        for (int k = 0; k < 3000; k++)
        {
            int[] reading = { random.Next(-1000, 1001), random.Next(-1000, 1001) };
            learner.Learn(reading, new[] { reading[0] + reading[1] });
        }

        Assert.AreEqual(0, learner.Rollbacks, "healthy learning never rolls back");
        double healthyError = MeanAbsoluteError(learner, random);
        learner.Scaler.Frozen = true;
        learner.TargetScaler!.Frozen = true;
        for (int k = 0; k < 2000 && learner.Rollbacks == 0; k++)
        {
            int extreme = random.Next(2) == 0 ? 1_000_000 : -1_000_000;
            learner.Learn(new[] { extreme, -extreme }, new[] { random.Next(2) == 0 ? 1_000_000 : -1_000_000 });
        }

        Console.WriteLine($"broken sensor: {learner.Rollbacks} rollback(s) after {learner.Samples - 3000} bad samples, {learner.Network.WeightSaturations} weight saturations; healthy error {healthyError:F1} units");
        Assert.IsGreaterThanOrEqualTo(1, learner.Rollbacks);
        Assert.AreEqual(LearnerState.RolledBack, learner.State);
        // The restored weights are the healthy ones: the clean task is still solved as before.
        Assert.IsLessThan(1.5 * healthyError + 5, MeanAbsoluteError(learner, random));

        static double MeanAbsoluteError(OnlineLearner learner, Random random)
        {
            double sum = 0;
            for (int k = 0; k < 500; k++)
            {
                int[] reading = { random.Next(-1000, 1001), random.Next(-1000, 1001) };
                sum += Math.Abs(learner.Predict(reading)[0] - (reading[0] + reading[1]));
            }

            return sum / 500;
        }
    }

    [TestMethod]
    public void RecoversFromDriftWithTheGuardOn()
    {
        // Regression y = 2·x0 - x1 + noise; at sample 10,000 the sensors are recabled so that
        // y = -x0 + 2·x1 + noise. Error: mean ½(y - t)² (standardised units) over windows.
        var network = new Network(new[] { 2, 8, 1 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 10, NetworkOptions.None);
        var learner = new OnlineLearner(network, new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, DivergenceGuard = true });
        var random = new Random(10);
        const int drift = 10_000;
        double before = 0;
        double after = 0;
        int recoveredAt = -1;
        // The pre-drift level before the input scaler's robust start (docs/LEARNER.md, "Drift"):
        // recovery to within 10 % of it stays comparable with the figure from before.
        const double EarlierPreDriftLevel = 4.717e-3;
        int backToEarlierLevelAt = -1;
        var window = new Queue<int>();
        long windowSum = 0;
        double preDrift = 0;
        for (int k = 0; k < drift + 2000; k++)
        {
            int x0 = random.Next(-1000, 1001);
            int x1 = random.Next(-1000, 1001);
            double noise = 100 * Gaussian(random);
            int y = (int)Math.Round(k < drift ? 2 * x0 - x1 + noise : -x0 + 2 * x1 + noise);
            int loss = learner.Learn(new[] { x0, x1 }, new[] { y });
            window.Enqueue(loss);
            windowSum += loss;
            if (window.Count > 250)
            {
                windowSum -= window.Dequeue();
            }

            if (k >= drift - 1000 && k < drift)
            {
                before += Q16.ToDouble(loss) / 1000;
            }

            if (k == drift - 1)
            {
                preDrift = before;
            }

            if (k >= drift + 1000)
            {
                after += Q16.ToDouble(loss) / 1000;
            }

            if (k >= drift + 250 && backToEarlierLevelAt < 0 && windowSum / 65536.0 / 250 <= 1.1 * EarlierPreDriftLevel)
            {
                backToEarlierLevelAt = k - drift;
            }

            if (k >= drift + 250 && recoveredAt < 0 && windowSum / 65536.0 / 250 <= 1.1 * preDrift)
            {
                recoveredAt = k - drift;
            }
        }

        Console.WriteLine($"drift: error before {before:E3}, samples 1,000-2,000 after {after:E3}, 250-sample window back within 10 % after {recoveredAt} samples "
            + $"(within 10 % of {EarlierPreDriftLevel:E3}, the level before the robust start, after {backToEarlierLevelAt}); rollbacks {learner.Rollbacks}");
        Assert.IsLessThanOrEqualTo(1.1 * before, after);
        Assert.IsTrue(recoveredAt is > 0 and <= 2000, $"recovered after {recoveredAt}");
        Assert.IsTrue(backToEarlierLevelAt is > 0 and <= 634, $"issue 12: drift recovery no slower than before the robust start (634 samples), got {backToEarlierLevelAt}");
        Assert.AreEqual(0, learner.Rollbacks, "drift is not divergence");

        static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }

    // The schedule reads the learner's update count; a test jumps it ahead without training
    // (the learner's private field: the internal accessor that used to do this was removed).
    private static void SetUpdates(OnlineLearner learner, long updates)
    {
        typeof(OnlineLearner).GetField("updates", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.SetValue(learner, updates);
    }
}
