using System.Reflection;

namespace NanoBackprop.Tests;

/// <summary>
/// Learn takes the last Forward's activations instead of running Forward again when nothing changed
/// since and the input is the same (Network.Learn.cs, ForwardHolds). These tests put every call that
/// changes the parameters, a different input, and a caller writing to the returned outputs between
/// the Forward and the Learn, and compare the whole state with LearnByDefinition, which always runs
/// Forward; a white-box test shows that the reuse does happen (so the comparisons test something).
/// </summary>
[TestClass]
public sealed class ForwardReuseTests
{
    private const int Steps = 60;

    // What happens between Forward(x) and Learn: the case Learn may reuse, then the ones it must not.
    private const int Nothing = 0;
    private const int OtherInput = 1;
    private const int WeightSet = 2;
    private const int BiasSet = 3;
    private const int OutputsOverwritten = 4;
    private const int SnapshotRestored = 5;
    private const int ParametersCopied = 6;
    private const int LearnedTwice = 7;
    private const int GradientsApplied = 8;
    private const int Events = 9;

    public static IEnumerable<object[]> Options()
    {
        yield return new object[] { NetworkOptions.GradientAccumulation, false };
        yield return new object[] { NetworkOptions.GradientAccumulation | NetworkOptions.Momentum, false };
        yield return new object[] { NetworkOptions.GradientAccumulation, true };
        yield return new object[] { NetworkOptions.GradientAccumulation | NetworkOptions.WithoutBiases, false };
        yield return new object[] { NetworkOptions.GradientAccumulation | NetworkOptions.NarrowWeights, true };
    }

    [TestMethod]
    [DynamicData(nameof(Options))]
    public void LearnAfterForwardEqualsTheDefinitionWhateverHappenedBetween(NetworkOptions options, bool stochastic)
    {
        int combinations = 0;
        foreach ((Activation hidden, Activation output, Loss loss) in DifferentialTests.ActivationsAndLosses())
        {
            string what = $"{hidden}/{output}/{loss}, {options}, stochastic {stochastic}";
            Network fast = Build(hidden, output, loss, options, stochastic);
            Network definition = Build(hidden, output, loss, options, stochastic);
            var snapshot = new int[fast.SnapshotLength];
            fast.SaveSnapshot(snapshot);
            var parameters = new int[fast.ParameterCount];
            Build(hidden, output, loss, options, stochastic, seed: 29).CopyParametersTo(parameters);
            var random = new Random(combinations + 7);
            for (int step = 0; step < Steps; step++)
            {
                int[] input = DifferentialTests.Input(random, fast.InputCount);
                int[] target = DifferentialTests.Target(random, fast.OutputCount, loss);
                int rate = DifferentialTests.Rates[step % DifferentialTests.Rates.Length];
                fast.LearningRate = rate;
                definition.LearningRate = rate;
                int happening = step % Events;
                if (happening == BiasSet && !fast.HasBiases)
                {
                    happening = Nothing;
                }

                int[] fastOutputs = fast.Forward(input);
                CollectionAssert.AreEqual(definition.Forward(input), fastOutputs, $"{what}: step {step}: Forward");
                int[] learnInput = input;
                switch (happening)
                {
                    case OtherInput:
                        learnInput = (int[])input.Clone();
                        learnInput[step % learnInput.Length] ^= 1 << 12;
                        break;
                    case WeightSet:
                        foreach (Network network in new[] { fast, definition })
                        {
                            int weight = network.GetWeight(0, 1, 2);
                            network.SetWeight(0, 1, 2, weight > 0 ? weight - 3 * Q16.One / 2 : weight + 3 * Q16.One / 2);
                        }

                        break;
                    case BiasSet:
                        fast.SetBias(0, 2, fast.GetBias(0, 2) + Q16.One);
                        definition.SetBias(0, 2, definition.GetBias(0, 2) + Q16.One);
                        break;
                    case OutputsOverwritten:
                        // Forward handed out its own buffer: a caller may write to it.
                        for (int j = 0; j < fastOutputs.Length; j++)
                        {
                            fastOutputs[j] = Q16.One / 3 + j;
                        }

                        break;
                    case SnapshotRestored:
                        fast.RestoreSnapshot(snapshot);
                        definition.RestoreSnapshot(snapshot);
                        break;
                    case ParametersCopied:
                        fast.CopyParametersFrom(parameters);
                        definition.CopyParametersFrom(parameters);
                        break;
                    case LearnedTwice:
                        Assert.AreEqual(definition.LearnByDefinition(input, target), fast.Learn(input, target), $"{what}: step {step}: the first Learn's loss");
                        break;
                    case GradientsApplied:
                        fast.Backward(target, loss);
                        definition.BackwardByDefinition(target, loss);
                        fast.ApplyGradients();
                        definition.ApplyGradients();
                        break;
                }

                int fastLoss = fast.Learn(learnInput, target);
                int definitionLoss = definition.LearnByDefinition(learnInput, target);
                Assert.AreEqual(definitionLoss, fastLoss, $"{what}: step {step} (event {happening}): the returned loss");
                DifferentialTests.AssertSameState(definition, fast, $"{what}: step {step} (event {happening}, rate {rate})");
            }

            combinations++;
        }

        Assert.AreEqual(35, combinations, "5 hidden × (5 outputs with MSE + sigmoid with BCE + softmax with CCE)");
    }

    [TestMethod]
    public void LearnTakesTheLastForwardsActivationsOnlyWhileTheyHold()
    {
        // White box: after Forward, hidden activation 0 is altered behind the network's back. A
        // Learn that reuses the forward pass learns from the altered value (so the reuse happens,
        // and the comparisons above compare a reusing Learn); after SetBias with the bias it already
        // has (which changes nothing but clears the reuse) Learn runs Forward and matches the definition.
        FieldInfo activationsField = typeof(Network).GetField("activations", BindingFlags.Instance | BindingFlags.NonPublic)!;
        int[] input = { 20000, -30000, 40000, 5000 };
        int[] target = { Q16.One, 0 };
        foreach (bool clearedBetween in new[] { false, true })
        {
            Network reusing = Build(Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, NetworkOptions.None, false);
            Network definition = Build(Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, NetworkOptions.None, false);
            reusing.Forward(input);
            int[] hiddenActivations = ((int[][])activationsField.GetValue(reusing)!)[1];
            hiddenActivations[0] += Q16.One / 4;
            if (clearedBetween)
            {
                reusing.SetBias(0, 0, reusing.GetBias(0, 0));
            }

            reusing.Learn(input, target);
            definition.LearnByDefinition(input, target);
            int reusedWeight = reusing.GetWeight(1, 0, 0);
            int definedWeight = definition.GetWeight(1, 0, 0);
            if (clearedBetween)
            {
                Assert.AreEqual(definedWeight, reusedWeight, "after SetBias Learn must run Forward again");
            }
            else
            {
                // The weight from hidden neuron 0 moves by lr·δ·a: with a 0.25 larger, differently.
                Assert.AreNotEqual(definedWeight, reusedWeight, "Learn right after Forward of the same input takes its activations");
            }
        }
    }

    public static IEnumerable<object[]> LearnerCases()
    {
        // Scaler frozen (the scaled input repeats, Learn reuses Predict's Forward), learning
        // (Observe moves the statistics, so the scaled input differs), and a confidence margin
        // (Learn's own Forward, then its Learn, reuses within Learn).
        yield return new object[] { true, 0 };
        yield return new object[] { false, 0 };
        yield return new object[] { false, Q16.One / 10 };
        yield return new object[] { true, Q16.One / 10 };
    }

    [TestMethod]
    [DynamicData(nameof(LearnerCases))]
    public void PredictThenLearnLeavesTheLearnerAsLearnAlone(bool frozenScaler, int confidenceMargin)
    {
        // Two learners fed the same readings, one predicting before every Learn: their whole state
        // (network, scaler, counters, guard) must agree after every reading, with a calibration, a
        // model load and the guard's snapshots and rollbacks (a high rate) among them.
        OnlineLearner predicting = NewLearner(frozenScaler, confidenceMargin);
        OnlineLearner learning = NewLearner(frozenScaler, confidenceMargin);
        var blob = new byte[ModelBlob.SizeOf(predicting)];
        var random = new Random(5);
        for (int row = 0; row < 400; row++)
        {
            int[] raw = new int[predicting.Network.InputCount];
            for (int f = 0; f < raw.Length; f++)
            {
                raw[f] = random.Next(-2000, 2000) + 300 * f;
            }

            int[] target = { random.Next(2) * Q16.One };
            if (row == 100)
            {
                ModelBlob.Write(learning, blob, 0);
            }

            predicting.Predict(raw);
            if (row % 97 == 13)
            {
                predicting.Scaler.Calibrate(row % raw.Length, 100, 700 << 8);
                learning.Scaler.Calibrate(row % raw.Length, 100, 700 << 8);
            }

            if (row == 250)
            {
                ModelBlob.Read(predicting, blob, 0, blob.Length);
                ModelBlob.Read(learning, blob, 0, blob.Length);
            }

            Assert.AreEqual(learning.Learn(raw, target), predicting.Learn(raw, target), $"row {row}: the returned loss");
            Assert.AreEqual(NetworkState.Capture(learning), NetworkState.Capture(predicting), $"row {row}: the learners' state");
        }

        Assert.IsTrue(learning.Updates > 200, $"only {learning.Updates} updates");
    }

    private static OnlineLearner NewLearner(bool frozenScaler, int confidenceMargin)
    {
        var network = new Network(new[] { 5, 8, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 3, NetworkOptions.None);
        var options = new LearnerOptions { DivergenceGuard = true, SnapshotInterval = 16, ConfidenceMargin = confidenceMargin, BaseLearningRate = 2 * Q16.One };
        var learner = new OnlineLearner(network, options);
        for (int f = 0; f < network.InputCount; f++)
        {
            learner.Scaler.Calibrate(f, 300 * f, 1200 << 8);
        }

        learner.Scaler.Frozen = frozenScaler;
        return learner;
    }

    private static Network Build(Activation hidden, Activation output, Loss loss, NetworkOptions options, bool stochastic, int seed = 11)
    {
        var network = new Network(new[] { 4, 6, 5, output == Activation.Softmax ? 3 : 2 }, hidden, output, loss, seed, options);
        network.StochasticRounding = stochastic;
        return network;
    }
}
