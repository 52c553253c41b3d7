namespace NanoBackprop.Tests;

/// <summary>OnlineLearner with a softmax output: class labels, per-class balance, refusals.</summary>
[TestClass]
public sealed class SoftmaxLearnerTests
{
    private static OnlineLearner Build(bool classBalance, int seed = 3) =>
        new(new Network(new[] { 2, 6, 3 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, seed, NetworkOptions.None),
            new LearnerOptions { ClassBalance = classBalance, BaseLearningRate = Q16.FromDouble(0.1) });

    // Three blobs of raw readings: class k near (100·k, 50 - 40·k) with a spread of ±20.
    private static int[] Reading(Random random, int label) => new[] { 100 * label + random.Next(-20, 21), 50 - 40 * label + random.Next(-20, 21) };

    [TestMethod]
    public void LearnClassIsLearnWithTheOneHotTarget()
    {
        OnlineLearner byLabel = Build(true);
        OnlineLearner byTarget = Build(true);
        var random = new Random(1);
        for (int n = 0; n < 300; n++)
        {
            int label = random.Next(10) < 7 ? 0 : 1 + random.Next(2);
            int[] raw = Reading(random, label);
            int[] oneHot = new int[3];
            oneHot[label] = Q16.One;
            Assert.AreEqual(byTarget.Learn(raw, oneHot), byLabel.LearnClass(raw, label), $"sample {n}");
        }

        DifferentialTests.AssertSameState(byTarget.Network, byLabel.Network, "after 300 samples");
        Assert.AreEqual(300L, byLabel.ClassCount(0) + byLabel.ClassCount(1) + byLabel.ClassCount(2));
        Assert.AreEqual(byTarget.ClassCount(2), byLabel.ClassCount(2));
    }

    [TestMethod]
    public void ClassBalanceScalesTheRateByTotalOverKTimesTheClassCount()
    {
        // After 6 labels of class 0 and 2 of class 1 (none of class 2), a class-1 sample is the
        // 9th: weight 9 / (3·3) = 1.0; a class-0 sample then (10th, 7 of class 0): 10/(3·7) =
        // 0.476190 → 31207 LSB (truncated); the rate 0.1 = 6554 becomes 6554·31207/65536 = 3120.85 → 3121.
        OnlineLearner learner = Build(true);
        var random = new Random(2);
        foreach (int label in new[] { 0, 0, 1, 0, 0, 1, 0, 0 })
        {
            learner.LearnClass(Reading(random, label), label);
        }

        learner.LearnClass(Reading(random, 1), 1);
        Assert.AreEqual(6554, learner.Network.LearningRate);
        learner.LearnClass(Reading(random, 0), 0);
        Assert.AreEqual(3121, learner.Network.LearningRate);
        CollectionAssert.AreEqual(new[] { 7L, 3L, 0L }, new[] { learner.ClassCount(0), learner.ClassCount(1), learner.ClassCount(2) });
    }

    [TestMethod]
    public void ALearnerSeparatesThreeClassesAndPredictsTheirIndices()
    {
        OnlineLearner learner = Build(true);
        var random = new Random(4);
        for (int n = 0; n < 3000; n++)
        {
            int label = n % 3;
            learner.LearnClass(Reading(random, label), label);
        }

        int correct = 0;
        for (int n = 0; n < 300; n++)
        {
            int label = n % 3;
            correct += learner.PredictClass(Reading(random, label)) == label ? 1 : 0;
        }

        Assert.IsGreaterThanOrEqualTo(297, correct, "three well-separated blobs");
        int[] probabilities = learner.Predict(new[] { 200, -30 });
        Assert.AreEqual(Q16.One, probabilities.Sum(), "the outputs sum to exactly one");
    }

    [TestMethod]
    public void BadLabelsAreRefusedByNameAndChangeNothing()
    {
        OnlineLearner learner = Build(false);
        int[] before = new int[learner.Network.ParameterCount];
        learner.Network.CopyParametersTo(before);
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.LearnClass(new[] { 1, 2 }, 3));
        Assert.AreEqual("label", range.ParamName);
        StringAssert.Contains(range.Message, "label 3 is not a class of this model (0 to 2)");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.LearnClass(new[] { 1, 2 }, -1));
        range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.Learn(new[] { 1, 2 }, new[] { Q16.One, Q16.One, 0 }));
        StringAssert.Contains(range.Message, "one-hot");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => learner.Learn(new[] { 1, 2 }, new[] { 0, 0, 0 }));
        int[] after = new int[before.Length];
        learner.Network.CopyParametersTo(after);
        CollectionAssert.AreEqual(before, after);
        Assert.AreEqual(0L, learner.Samples);

        var sigmoid = new OnlineLearner(new Network(new[] { 2, 3, 1 }, Activation.Tanh, Activation.Sigmoid, 1), new LearnerOptions());
        Assert.ThrowsExactly<InvalidOperationException>(() => sigmoid.LearnClass(new[] { 1, 2 }, 0));
        var one = Assert.ThrowsExactly<ArgumentException>(() => new OnlineLearner(
            new Network(new[] { 2, 1 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, 1, NetworkOptions.None), new LearnerOptions()));
        StringAssert.Contains(one.Message, "at least 2 classes");
    }

    [TestMethod]
    public void LearningByLabelAllocatesNothing()
    {
        OnlineLearner learner = Build(true);
        int[] raw = { 120, 10 };
        for (int n = 0; n < 10; n++)
        {
            learner.LearnClass(raw, n % 3);
            learner.PredictClass(raw);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int n = 0; n < 5000; n++)
        {
            learner.LearnClass(raw, n % 3);
            learner.PredictClass(raw);
        }

        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [TestMethod]
    public void TheBlobCarriesSoftmaxAndTheCountsPerClass()
    {
        OnlineLearner learner = Build(true);
        var random = new Random(6);
        for (int n = 0; n < 50; n++)
        {
            int label = n % 5 == 0 ? 2 : n % 2;
            learner.LearnClass(Reading(random, label), label);
        }

        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        Assert.AreEqual(blob.Length, ModelBlob.Write(learner, blob, 0));
        var description = new ModelDescription(blob, 0, blob.Length);
        Assert.AreEqual(3, description.Classes);
        Assert.AreEqual(Activation.Softmax, description.OutputActivation);
        Assert.AreEqual(Loss.CategoricalCrossEntropy, description.Loss);
        Assert.AreEqual(ModelBlob.Version, description.FormatVersion);

        OnlineLearner loaded = Build(true, seed: 99);
        ModelBlob.Read(loaded, blob, 0, blob.Length);
        CollectionAssert.AreEqual(new[] { 20L, 20L, 10L }, new[] { loaded.ClassCount(0), loaded.ClassCount(1), loaded.ClassCount(2) });
        int[] raw = { 150, 0 };
        CollectionAssert.AreEqual(learner.Predict(raw), loaded.Predict(raw));
        Assert.AreEqual(learner.LearnClass(raw, 1), loaded.LearnClass(raw, 1), "the loaded learner goes on bit for bit");
        DifferentialTests.AssertSameState(learner.Network, loaded.Network, "after one more step");

        // One more class costs the blob one output neuron (6 weights and a bias, 4 bytes each) and
        // one class count (8 bytes).
        var four = new OnlineLearner(new Network(new[] { 2, 6, 4 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, 3, NetworkOptions.None),
            new LearnerOptions { ClassBalance = true });
        Assert.AreEqual(ModelBlob.SizeOf(learner) + 7 * 4 + 8, ModelBlob.SizeOf(four));
        Assert.AreEqual(0, new ModelDescription(DeviceBlob(), 0, DeviceBlob().Length).Classes, "a sigmoid model has no classes");
    }

    private static byte[] DeviceBlob()
    {
        var learner = new OnlineLearner(new Network(new[] { 2, 3, 1 }, Activation.Tanh, Activation.Sigmoid, 1), new LearnerOptions());
        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, blob, 0);
        return blob;
    }
}
