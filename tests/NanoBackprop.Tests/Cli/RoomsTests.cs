using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

/// <summary>The second demo's data and scoring (the 10-seed run itself takes minutes: docs/LEARNER.md).</summary>
[TestClass]
public sealed class RoomsTests
{
    [TestMethod]
    public void TheEmbeddedStreamIsTheFileTheReadmeDescribes()
    {
        RoomsData data = RoomsData.LoadEmbedded();
        Assert.AreEqual(10129, data.Count);
        CollectionAssert.AreEqual(new[] { 8228, 459, 748, 694 }, Enumerable.Range(0, 4).Select(c => data.Labels.Count(l => l == c)).ToArray());
        Assert.AreEqual(8084, data.Dates.Count(d => d.StartsWith("2017", StringComparison.Ordinal)), "the December rows the desktop trains on");
        Assert.AreEqual(997, data.Dates.Count(d => d == "2018/01/10"));
        Assert.AreEqual(1048, data.Dates.Count(d => d == "2018/01/11"));
        // First row: 24.94, 24.75, 24.56, 25.38 °C, 121, 34, 53, 40 lux, 0.08, 0.19, 0.06, 0.06 V,
        // 390 ppm, slope 0.769230769, PIR 0, 0; one person.
        CollectionAssert.AreEqual(new[] { 2494, 2475, 2456, 2538, 121, 34, 53, 40, 8, 19, 6, 6, 390, 769, 0, 0 }, data.Readings[0]);
        Assert.AreEqual(1, data.Labels[0]);
    }

    [TestMethod]
    public void BalancedAccuracyAveragesTheRecallOfTheClassesPresent()
    {
        // Labels 0,0,0,0,3,3 predicted 0,0,0,1,3,0: accuracy 4/6; recall 3/4 (class 0), 1/2
        // (class 3); classes 1 and 2 are absent and not averaged: (0.75 + 0.5)/2 = 0.625.
        int[] labels = { 0, 0, 0, 0, 3, 3 };
        int[] predicted = { 0, 0, 0, 1, 3, 0 };
        RoomsReplay.Scores scores = RoomsReplay.Score(Enumerable.Range(0, 6).ToArray(), labels, predicted);
        Assert.AreEqual(4.0 / 6, scores.Accuracy, 1e-15);
        Assert.AreEqual(0.625, scores.BalancedAccuracy, 1e-15);
    }

    [TestMethod]
    public void TheBoardsDoubleTwinPredictsAsTheBoardOnJanuary()
    {
        // One seed, one December epoch (the demo runs 5 and 10 seeds: docs/LEARNER.md). The twin
        // starts from the same blob, so the two differ only in the board's arithmetic: Q16.16
        // forward passes and rounded steps against double ones, over 103 labels and their replays.
        RoomsData data = RoomsData.LoadEmbedded();
        RoomsReplay.Result run = RoomsReplay.Run(data, 0, RoomsReplay.Default with { Epochs = 1 });
        Assert.AreEqual(2045, run.LearningPredictions.Length);
        int same = Enumerable.Range(0, 2045).Count(k => run.LearningPredictions[k] == run.LearningDoublePredictions[k]);
        Console.WriteLine($"same prediction on {same} of 2045 January rows; learning {run.Whole.Learning}, twin {run.Whole.LearningDouble}");
        Assert.IsTrue(same >= 2040, $"the board and its double twin agree on {same} of 2045 rows");
        Assert.AreEqual(run.Whole.Frozen, run.Whole.FrozenDouble, "the same weights, never learning: the same predictions");
    }

    [TestMethod]
    public void TheReplayBufferIsCountedAsTwoFlatIntArrays()
    {
        // 16 readings of 16 ints: 20 + 1,024 = 1,044 B (87 blocks); 16 labels: 20 + 64 = 84 B.
        Assert.AreEqual(1044 + 84, RoomsReplay.ReplayBufferBytes(16));
        Assert.AreEqual(0, RoomsReplay.ReplayBufferBytes(0));
    }
}
