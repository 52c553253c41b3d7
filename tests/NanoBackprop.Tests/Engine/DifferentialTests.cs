using System.Reflection;

namespace NanoBackprop.Tests;

/// <summary>
/// Every fast path beside the definition of its update rule (Network.ReferenceUpdate.cs), as
/// CMSIS-NN tests each optimised kernel against its reference kernel: two networks built alike,
/// one stepped by the public call (the fast path the options select), the other by the internal
/// ...ByDefinition call, and the whole state compared after every step: weights, biases,
/// velocities, gradients, deltas and their exponents, activations, the PRNG state, the counters
/// and the returned loss. A failure names the options, the step and the parameter.
/// </summary>
[TestClass]
public sealed class DifferentialTests
{
    private const int Steps = 60;

    // Learning rates, Q16.16, cycled per step: tiny (steps that round to 0 or need stochastic
    // rounding), ordinary, and saturating (lr·δ beyond Q8.24's ±128, weights driven to ±128).
    internal static readonly int[] Rates = { 1, 6554, 65536, 3 * 65536, 1 << 24, int.MaxValue, 300, 13107 };

    public static IEnumerable<object[]> Options()
    {
        foreach (bool momentumBuffers in new[] { false, true })
        {
            foreach (bool stochastic in new[] { false, true })
            {
                foreach (bool biases in new[] { true, false })
                {
                    yield return new object[] { momentumBuffers, stochastic, biases };
                }
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Options))]
    public void LearnEqualsTheDefinitionAfterEveryStep(bool momentumBuffers, bool stochastic, bool biases)
    {
        int combinations = 0;
        long saturations = 0;
        foreach ((Activation hidden, Activation output, Loss loss) in ActivationsAndLosses())
        {
            NetworkOptions options = (momentumBuffers ? NetworkOptions.Momentum : NetworkOptions.None)
                | (biases ? NetworkOptions.None : NetworkOptions.WithoutBiases);
            foreach (int momentum in momentumBuffers ? new[] { Q16.FromDouble(0.9), 0 } : new[] { 0 })
            {
                string what = $"{hidden}/{output}/{loss}, {options}, stochastic {stochastic}, μ {momentum}";
                Network fast = Build(hidden, output, loss, options, momentum, stochastic);
                Network definition = Build(hidden, output, loss, options, momentum, stochastic);
                var random = new Random(combinations + 1);
                for (int step = 0; step < Steps; step++)
                {
                    int[] input = Input(random, fast.InputCount);
                    int[] target = Target(random, fast.OutputCount, loss);
                    int rate = Rates[step % Rates.Length];
                    fast.LearningRate = rate;
                    definition.LearningRate = rate;
                    int fastLoss = fast.Learn(input, target);
                    int definitionLoss = definition.LearnByDefinition(input, target);
                    Assert.AreEqual(definitionLoss, fastLoss, $"{what}: step {step}: the returned loss");
                    AssertSameState(definition, fast, $"{what}: step {step} (rate {rate})");
                }

                saturations += fast.WeightSaturations;
                combinations++;
            }
        }

        Assert.AreEqual(momentumBuffers ? 2 * 35 : 35, combinations, "5 hidden × (5 outputs with MSE + sigmoid with BCE + softmax with CCE) per μ");
        Assert.IsTrue(saturations >= 100 * combinations, $"the saturating rates held weights at ±128 only {saturations} times");
    }

    [TestMethod]
    [DynamicData(nameof(Options))]
    public void BackwardAndApplyGradientsEqualTheDefinitionAfterEveryStep(bool momentumBuffers, bool stochastic, bool biases)
    {
        int combinations = 0;
        int saturatedGradients = 0;
        long weightSaturations = 0;
        foreach ((Activation hidden, Activation output, Loss loss) in ActivationsAndLosses())
        {
            NetworkOptions options = NetworkOptions.GradientAccumulation
                | (momentumBuffers ? NetworkOptions.Momentum : NetworkOptions.None)
                | (biases ? NetworkOptions.None : NetworkOptions.WithoutBiases);
            int momentum = momentumBuffers ? Q16.FromDouble(0.9) : 0;
            string what = $"{hidden}/{output}/{loss}, {options}, stochastic {stochastic}";
            Network fast = Build(hidden, output, loss, options, momentum, stochastic);
            Network definition = Build(hidden, output, loss, options, momentum, stochastic);
            var random = new Random(1000 + combinations);
            int batchSize = 1;
            int batches = 0;
            for (int step = 0; step < Steps; step++)
            {
                int[] input = Input(random, fast.InputCount);
                int[] target = Target(random, fast.OutputCount, loss);
                CollectionAssert.AreEqual(definition.Forward(input), fast.Forward(input), $"{what}: step {step}: Forward");
                fast.Backward(target, loss);
                definition.BackwardByDefinition(target, loss);
                AssertSameState(definition, fast, $"{what}: step {step}, after Backward");
                if (fast.AccumulatedSamples == batchSize)
                {
                    // Mini-batches of 1, 2, 3, 4, 5, 1, ... samples: the mean's division by n
                    // with and without a remainder.
                    int rate = Rates[batches % Rates.Length];
                    fast.LearningRate = rate;
                    definition.LearningRate = rate;
                    fast.ApplyGradients();
                    definition.ApplyGradientsByDefinition();
                    AssertSameState(definition, fast, $"{what}: step {step}, after ApplyGradients of {batchSize} samples (rate {rate})");
                    batches++;
                    batchSize = batchSize % 5 + 1;
                }
            }

            saturatedGradients += fast.GetWeightGradient(0, 0, 0) == int.MaxValue || fast.GetWeightGradient(0, 0, 0) == int.MinValue ? 1 : 0;
            weightSaturations += fast.WeightSaturations;
            Assert.AreEqual(20, batches, "60 samples in batches of 1 to 5");
            combinations++;
        }

        Assert.AreEqual(35, combinations);
        Assert.IsTrue(weightSaturations >= 100 * combinations, $"the saturating rates held weights at ±128 only {weightSaturations} times");
        TestContext.WriteLine($"{saturatedGradients} of 35 networks ended with gradient (0, 0, 0) saturated");
    }

    public TestContext TestContext { get; set; } = null!;

    // The hidden deltas' rule (Network.Deltas.cs, FinishPropagationByDefinition) in each of its
    // regimes, worked by hand on a 1-2-1 linear network with MSE (f' = 1, so δ_i = w_i·δ_out) whose
    // input is 0, so the hidden activations are 0 and the output is its bias y. The output delta
    // is stored block floating: shift_out = 60 - BitLength(|y - t|·2^30), δ_out = (y - t)·2^shift_out.
    // S_i = w_i·δ_out (units 2^-(32 + shift_out)), m = BitLength(max |S_i|), cut = max(0, m - 32),
    // shift = 46 + shift_out - cut - (min(m, 32) + 30 - 30), clamped to MaxDeltaShift:
    //   y - t = 1.0, w = (1.0, 0.5): shift_out 13, δ_out 2^29; S = (2^45, 2^44), m 46, cut 14,
    //     shift 13, δ = (2^29, 2^28): 1.0 and 0.5 at 2^-(16 + 13), exactly w·δ_out;
    //   y - t = 1 LSB, w = (1 LSB, 0): shift_out 29, δ_out 2^29; S_0 = 2^29, m 30, no cut, shift
    //     45 → 30, δ_0 = 2^59 >> 45 = 2^14: 2^-32 = 2^-16·2^-16 at 2^-46;
    //   w = (0, 0): every sum 0, shift 30, δ = (0, 0);
    //   y - t saturated (y = int.MaxValue, t = int.MinValue: error 2^31 - 1), w = (128, 1 LSB):
    //     shift_out 0, δ_out 2^31 - 1; S_0 ≈ 2^54, m 54, cut 22, shift 46 - 22 - 32 = -8 < 0:
    //     StoreSaturatingDeltas, shift 0, δ_0 = int.MaxValue (128·32768 is beyond Q16.16) and
    //     δ_1 = round((2^31 - 1)·2^30 / 2^46) = 32768 (0.5 = 2^-16·(2^31 - 1)/2^16, to 1 LSB).
    // Learn and Backward (the fast paths) must give these and the definition's whole state.
    [TestMethod]
    [DataRow(65536, 0, 65536, 32768, 13, 1 << 29, 1 << 28, DisplayName = "cut, shift from the bound")]
    [DataRow(1, 0, 1, 0, 30, 1 << 14, 0, DisplayName = "no cut, shift clamped to MaxDeltaShift")]
    [DataRow(65536, 0, 0, 0, 30, 0, 0, DisplayName = "zero sums")]
    [DataRow(int.MaxValue, int.MinValue, Network.MaxWeight, 1, 0, int.MaxValue, 32768, DisplayName = "saturating layer")]
    public void TheHiddenDeltasFollowTheirRuleInEachRegime(int output, int target, int weight0, int weight1, int shift, int delta0, int delta1)
    {
        foreach (bool backward in new[] { false, true })
        {
            NetworkOptions options = backward ? NetworkOptions.GradientAccumulation : NetworkOptions.None;
            Network fast = new(new[] { 1, 2, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 3, options);
            Network definition = new(new[] { 1, 2, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 3, options);
            foreach (Network network in new[] { fast, definition })
            {
                network.SetBias(0, 0, 0);
                network.SetBias(0, 1, 0);
                network.SetWeight(1, 0, 0, weight0);
                network.SetWeight(1, 0, 1, weight1);
                network.SetBias(1, 0, output);
            }

            int[] input = { 0 };
            int[] targets = { target };
            if (backward)
            {
                fast.Forward(input);
                definition.Forward(input);
                fast.Backward(targets, Loss.MeanSquaredError);
                definition.BackwardByDefinition(targets, Loss.MeanSquaredError);
            }
            else
            {
                Assert.AreEqual(definition.LearnByDefinition(input, targets), fast.Learn(input, targets));
            }

            AssertSameState(definition, fast, $"backward {backward}");
            var deltas = (int[][])typeof(Network).GetField("deltas", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(fast)!;
            var shifts = (int[])typeof(Network).GetField("deltaShifts", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(fast)!;
            Assert.AreEqual(shift, shifts[0], $"backward {backward}: the hidden layer's shift");
            Assert.AreEqual(delta0, deltas[0][0], $"backward {backward}: δ_0");
            Assert.AreEqual(delta1, deltas[0][1], $"backward {backward}: δ_1");
        }
    }

    [TestMethod]
    public void ForwardsSigmoidEqualsSigmoidEvaluateAtEveryPreActivationWithin13()
    {
        // Forward writes σ out (Network.Forward.cs); Sigmoid.Evaluate is its definition, tested
        // exhaustively in ActivationTests. A 1-1 network with weight 1.0 and bias 0 has z = x
        // exactly, so every z in [-13, 13] (Q16.16, the whole table and both saturations) and the
        // extremes pass through Forward's copy once.
        var network = new Network(new[] { 1, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, NetworkOptions.None);
        network.SetWeight(0, 0, 0, Q16.One);
        network.SetBias(0, 0, 0);
        int[] input = new int[1];
        int compared = 0;
        void Compare(int z)
        {
            input[0] = z;
            int actual = network.Forward(input)[0];
            if (actual != Sigmoid.Evaluate(z))
            {
                Assert.Fail($"Forward's σ at z = {z}: {actual}, Sigmoid.Evaluate {Sigmoid.Evaluate(z)}");
            }

            compared++;
        }

        for (int z = -13 * Q16.One; z <= 13 * Q16.One; z++)
        {
            Compare(z);
        }

        foreach (int z in new[] { int.MinValue, int.MinValue + 1, -24 * Q16.One, 24 * Q16.One, int.MaxValue - 1, int.MaxValue })
        {
            Compare(z);
        }

        Assert.AreEqual(26 * Q16.One + 1 + 6, compared);
    }

    [TestMethod]
    public void TheComparisonNamesTheStepAndTheParameterThatDiffer()
    {
        // The check must be able to fail: one weight nudged by 1 LSB in one of two equal networks.
        Network a = Build(Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, NetworkOptions.Momentum, 0, false);
        Network b = Build(Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, NetworkOptions.Momentum, 0, false);
        AssertSameState(a, b, "equal");
        b.SetWeight(1, 2, 3, b.GetWeight(1, 2, 3) + 1);
        var failure = Assert.ThrowsExactly<AssertFailedException>(() => AssertSameState(a, b, "step 7"));
        StringAssert.Contains(failure.Message, "step 7: weights[1][15]");
    }

    internal static IEnumerable<(Activation Hidden, Activation Output, Loss Loss)> ActivationsAndLosses()
    {
        foreach (Activation hidden in Enum.GetValues<Activation>().Where(a => a != Activation.Softmax))
        {
            foreach (Activation output in Enum.GetValues<Activation>().Where(a => a != Activation.Softmax))
            {
                yield return (hidden, output, Loss.MeanSquaredError);
            }

            yield return (hidden, Activation.Sigmoid, Loss.BinaryCrossEntropy);
            yield return (hidden, Activation.Softmax, Loss.CategoricalCrossEntropy);
        }
    }

    private static Network Build(Activation hidden, Activation output, Loss loss, NetworkOptions options, int momentum, bool stochastic)
    {
        // Three weight layers: the first (no propagation below it), a middle and the output layer.
        // Softmax gets three classes, so that the normalisation has a middle term.
        var network = new Network(new[] { 4, 6, 5, output == Activation.Softmax ? 3 : 2 }, hidden, output, loss, 11, options);
        network.Momentum = momentum;
        network.StochasticRounding = stochastic;
        return network;
    }

    internal static int[] Input(Random random, int count)
    {
        var input = new int[count];
        for (int i = 0; i < count; i++)
        {
            // Mostly within ±4; one in eight at the format's limits, to drive sums, deltas and
            // steps into saturation.
            input[i] = random.Next(8) == 0
                ? (random.Next(2) == 0 ? int.MaxValue : int.MinValue)
                : random.Next(-4 * Q16.One, 4 * Q16.One + 1);
        }

        return input;
    }

    internal static int[] Target(Random random, int count, Loss loss)
    {
        if (loss == Loss.CategoricalCrossEntropy)
        {
            return CategoricalTarget(random, count);
        }

        var target = new int[count];
        for (int j = 0; j < count; j++)
        {
            target[j] = loss == Loss.BinaryCrossEntropy ? random.Next(Q16.One + 1) : random.Next(-2 * Q16.One, 2 * Q16.One + 1);
        }

        return target;
    }

    /// <summary>
    /// A categorical target summing to exactly 65536: one-hot half the time, otherwise soft (the
    /// remainder of one split at random points).
    /// </summary>
    internal static int[] CategoricalTarget(Random random, int count)
    {
        var target = new int[count];
        if (random.Next(2) == 0)
        {
            target[random.Next(count)] = Q16.One;
            return target;
        }

        int left = Q16.One;
        for (int j = 0; j < count - 1; j++)
        {
            target[j] = random.Next(left + 1);
            left -= target[j];
        }

        target[count - 1] = left;
        return target;
    }

    /// <summary>Compares every instance field of two networks; names the first that differs.</summary>
    internal static void AssertSameState(Network expected, Network actual, string context)
    {
        foreach (FieldInfo field in typeof(Network).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            object? e = field.GetValue(expected);
            object? a = field.GetValue(actual);
            string name = field.Name;
            switch (e)
            {
                case int[][] jagged:
                    var other = (int[][])a!;
                    for (int l = 0; l < jagged.Length; l++)
                    {
                        CompareArray(jagged[l], other[l], $"{context}: {name}[{l}]");
                    }

                    break;
                case short[][] narrowJagged:
                    var narrowOther = (short[][])a!;
                    for (int l = 0; l < narrowJagged.Length; l++)
                    {
                        CompareArray(Array.ConvertAll(narrowJagged[l], w => (int)w), Array.ConvertAll(narrowOther[l], w => (int)w), $"{context}: {name}[{l}]");
                    }

                    break;
                case long[][] wideJagged:
                    var wideOther = (long[][])a!;
                    for (int l = 0; l < wideJagged.Length; l++)
                    {
                        CollectionAssert.AreEqual(wideJagged[l], wideOther[l], $"{context}: {name}[{l}] (definition, fast path)");
                    }

                    break;
                case int[] array:
                    CompareArray(array, (int[])a!, $"{context}: {name}");
                    break;
                case long[] array:
                    for (int k = 0; k < array.Length; k++)
                    {
                        Assert.AreEqual(array[k], ((long[])a!)[k], $"{context}: {name}[{k}] (definition, fast path)");
                    }

                    break;
                default:
                    Assert.AreEqual(e, a, $"{context}: {name} (definition, fast path)");
                    break;
            }
        }
    }

    private static void CompareArray(int[]? expected, int[]? actual, string context)
    {
        if (expected == null || actual == null)
        {
            Assert.AreEqual(expected == null, actual == null, context + " exists in one network only");
            return;
        }

        Assert.AreEqual(expected.Length, actual.Length, context + " length");
        for (int k = 0; k < expected.Length; k++)
        {
            if (expected[k] != actual[k])
            {
                Assert.Fail($"{context}[{k}]: definition {expected[k]}, fast path {actual[k]}");
            }
        }
    }
}
