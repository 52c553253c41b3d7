namespace NanoBackprop.Tests;

// Issue 12 item 3: a rollback halves the rate under every schedule, below the schedule's own
// floor (the constant schedule's floor is its rate) down to LearnerOptions.MinimumRateFloor.
[TestClass]
public sealed class GuardRecoveryTests
{
    // The repro: 2-8-1 ReLU/linear regression with the guard, 3,000 readings of
    // y = x0 + x1 in ±1,000, scalers frozen, then ±1,000,000 junk until the first rollback.
    // Expected rates (Q16.16): before = the schedule's rate at the rollback, after = half of it.
    // Constant 0.1 = 6554 -> 3277. Inverse time τ = 8,192 after 3,002 updates: 6554·8192/11194 =
    // 4796 -> 2398. Step every 1,000 updates by 0.5, floor 0.01 (655): 6554 -> 3277 -> 1639 -> 820
    // after 3,000 updates -> 410, below the floor.
    [TestMethod]
    [DataRow(LearningRateSchedule.Constant, 6554, 3277)]
    [DataRow(LearningRateSchedule.InverseTime, 4795, 2397)]
    [DataRow(LearningRateSchedule.Step, 820, 410)]
    public void ARollbackHalvesTheRateUnderEverySchedule(LearningRateSchedule schedule, int before, int after)
    {
        var options = new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, DivergenceGuard = true, Schedule = schedule, DecaySamples = schedule == LearningRateSchedule.Step ? 1000 : 8192 };
        var learner = Repro(options, out int rateBeforeRollback);
        Console.WriteLine($"{schedule}: rollback at sample {learner.Samples}, rate {rateBeforeRollback} -> {learner.CurrentLearningRate}");
        Assert.AreEqual(1, learner.Rollbacks);
        Assert.AreEqual(before, rateBeforeRollback, "the schedule's rate at the rollback");
        Assert.AreEqual(after, learner.CurrentLearningRate, "halved by the rollback");
    }

    [TestMethod]
    public void TheRateRecoversOneHalvingPerHealthySnapshot()
    {
        var options = new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, DivergenceGuard = true, SnapshotInterval = 32 };
        var learner = Repro(options, out int rateBeforeRollback);
        Assert.AreEqual(6554, rateBeforeRollback);
        Assert.AreEqual(3277, learner.CurrentLearningRate);
        var random = new Random(5);
        int[] reading = new int[2];
        // Healthy readings (in the frozen scalers' range) until the next interval check, which
        // takes a snapshot and undoes one halving.
        while (learner.CurrentLearningRate == 3277 && learner.Samples < 100_000)
        {
            reading[0] = random.Next(-1000, 1001);
            reading[1] = random.Next(-1000, 1001);
            learner.Learn(reading, new[] { reading[0] + reading[1] });
        }

        Assert.AreEqual(6554, learner.CurrentLearningRate, "back to the constant rate");
        Assert.AreEqual(0, learner.Samples % 32, "at an interval check");
        Assert.AreEqual(LearnerState.Learning, learner.State);
    }

    // The recovery shift's arithmetic for each schedule (set directly: four rollbacks in a row):
    // rate >> shift, never below MinimumRateFloor (64), and never raised to it.
    [TestMethod]
    [DataRow(LearningRateSchedule.Constant, 6554, 1, 3277)]
    [DataRow(LearningRateSchedule.Constant, 6554, 4, 409)]
    [DataRow(LearningRateSchedule.Constant, 655, 4, 64)]
    [DataRow(LearningRateSchedule.Constant, 100, 1, 64)]
    [DataRow(LearningRateSchedule.Constant, 50, 1, 50)]
    [DataRow(LearningRateSchedule.Constant, 50, 0, 50)]
    [DataRow(LearningRateSchedule.InverseTime, 6554, 0, 6554)]
    [DataRow(LearningRateSchedule.InverseTime, 6554, 2, 1638)]
    [DataRow(LearningRateSchedule.InverseTime, 655, 3, 81)]
    [DataRow(LearningRateSchedule.Step, 6554, 3, 819)]
    [DataRow(LearningRateSchedule.Step, 200, 4, 64)]
    public void TheRecoveryShiftAppliesBelowTheScheduleFloor(LearningRateSchedule schedule, int baseRate, int shift, int expected)
    {
        var network = new Network(new[] { 2, 4, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, NetworkOptions.None);
        int floor = schedule == LearningRateSchedule.Constant ? 655 : Math.Min(655, baseRate);
        var learner = new OnlineLearner(network, new LearnerOptions { Schedule = schedule, BaseLearningRate = baseRate, LearningRateFloor = floor, DivergenceGuard = true });
        typeof(OnlineLearner).GetField("recoveryShift", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.SetValue(learner, shift);
        Assert.AreEqual(expected, learner.CurrentLearningRate);
    }

    // Issue 12 item 1: the guard's snapshot includes the scalers. The same repro with the scalers
    // learning: the junk moves their statistics before the weights diverge; the rollback puts the
    // statistics back to those of the snapshot (their count included), recorded here reading by
    // reading.
    [TestMethod]
    public void ARollbackRestoresTheScalersStatisticsOfTheSnapshot()
    {
        var options = new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, DivergenceGuard = true, SnapshotInterval = 32 };
        var network = new Network(new[] { 2, 8, 1 }, Activation.Relu, Activation.Linear, Loss.MeanSquaredError, 9, NetworkOptions.None);
        var learner = new OnlineLearner(network, options);
        var seen = new Dictionary<long, (int Mean0, int Deviation0, int Mean1, int TargetMean, int TargetDeviation)>();
        var random = new Random(9);
        for (int k = 0; k < 3000; k++)
        {
            int[] reading = { random.Next(-1000, 1001), random.Next(-1000, 1001) };
            learner.Learn(reading, new[] { reading[0] + reading[1] });
            seen[learner.Scaler.Count] = Statistics(learner);
        }

        long countBefore = 0;
        (int, int, int, int, int) statisticsBefore = default;
        for (int k = 0; k < 20000 && learner.Rollbacks == 0; k++)
        {
            countBefore = learner.Scaler.Count;
            statisticsBefore = Statistics(learner);
            int extreme = random.Next(2) == 0 ? 1_000_000 : -1_000_000;
            learner.Learn(new[] { extreme, -extreme }, new[] { random.Next(2) == 0 ? 1_000_000 : -1_000_000 });
            if (learner.Rollbacks == 0)
            {
                seen[learner.Scaler.Count] = Statistics(learner);
            }
        }

        Console.WriteLine($"rollback at sample {learner.Samples}: scaler count {countBefore} -> {learner.Scaler.Count}, statistics {statisticsBefore} -> {Statistics(learner)}");
        Assert.AreEqual(1, learner.Rollbacks);
        Assert.IsLessThan(countBefore, learner.Scaler.Count, "the count went back to the snapshot's");
        Assert.AreEqual(0, learner.Scaler.Count % 32, "a snapshot is taken at an interval check");
        Assert.AreEqual(learner.Scaler.Count, learner.TargetScaler!.Count);
        Assert.AreEqual(seen[learner.Scaler.Count], Statistics(learner), "the statistics the scalers had at that count");
        Assert.AreNotEqual(statisticsBefore, Statistics(learner), "the junk had moved them");
    }

    private static (int, int, int, int, int) Statistics(OnlineLearner learner)
    {
        return (learner.Scaler.GetMean(0), learner.Scaler.GetStandardDeviation(0), learner.Scaler.GetMean(1),
            learner.TargetScaler!.GetMean(0), learner.TargetScaler.GetStandardDeviation(0));
    }

    private static OnlineLearner Repro(LearnerOptions options, out int rateBeforeRollback)
    {
        var network = new Network(new[] { 2, 8, 1 }, Activation.Relu, Activation.Linear, Loss.MeanSquaredError, 9, NetworkOptions.None);
        var learner = new OnlineLearner(network, options);
        var random = new Random(9);
        for (int k = 0; k < 3000; k++)
        {
            int[] reading = { random.Next(-1000, 1001), random.Next(-1000, 1001) };
            learner.Learn(reading, new[] { reading[0] + reading[1] });
        }

        Assert.AreEqual(0, learner.Rollbacks, "healthy learning never rolls back");
        learner.Scaler.Frozen = true;
        learner.TargetScaler!.Frozen = true;
        rateBeforeRollback = learner.CurrentLearningRate;
        for (int k = 0; k < 2000 && learner.Rollbacks == 0; k++)
        {
            rateBeforeRollback = learner.CurrentLearningRate;
            int extreme = random.Next(2) == 0 ? 1_000_000 : -1_000_000;
            learner.Learn(new[] { extreme, -extreme }, new[] { random.Next(2) == 0 ? 1_000_000 : -1_000_000 });
        }

        return learner;
    }
}
