namespace NanoBackprop.Tests;

/// <summary>
/// 16-bit weights (NetworkOptions.NarrowWeights): the fast path beside the definition
/// (Network.NarrowReference.cs) after every step, Forward and Backward equal to the 32-bit engine's
/// on the same dequantised weights bit for bit, the format's scale changes and saturation, and
/// rounding at small rates.
/// </summary>
[TestClass]
public sealed class NarrowWeightTests
{
    private const int Steps = 60;

    public static IEnumerable<object[]> Options() => DifferentialTests.Options();

    [TestMethod]
    [DynamicData(nameof(Options))]
    public void LearnEqualsTheDefinitionAfterEveryStep(bool momentumBuffers, bool stochastic, bool biases)
    {
        int combinations = 0;
        long saturations = 0;
        long scaleChanges = 0;
        foreach ((Activation hidden, Activation output, Loss loss) in DifferentialTests.ActivationsAndLosses())
        {
            NetworkOptions options = NetworkOptions.NarrowWeights
                | (momentumBuffers ? NetworkOptions.Momentum : NetworkOptions.None)
                | (biases ? NetworkOptions.None : NetworkOptions.WithoutBiases);
            foreach (int momentum in momentumBuffers ? new[] { Q16.FromDouble(0.9), 0 } : new[] { 0 })
            {
                string what = $"{hidden}/{output}/{loss}, {options}, stochastic {stochastic}, μ {momentum}";
                Network fast = Build(hidden, output, loss, options, momentum, stochastic);
                Network definition = Build(hidden, output, loss, options, momentum, stochastic);
                var random = new Random(combinations + 1);
                for (int step = 0; step < Steps; step++)
                {
                    int[] input = DifferentialTests.Input(random, fast.InputCount);
                    int[] target = DifferentialTests.Target(random, fast.OutputCount, loss);
                    int rate = DifferentialTests.Rates[step % DifferentialTests.Rates.Length];
                    fast.LearningRate = rate;
                    definition.LearningRate = rate;
                    int fastLoss = fast.Learn(input, target);
                    int definitionLoss = definition.LearnByDefinition(input, target);
                    Assert.AreEqual(definitionLoss, fastLoss, $"{what}: step {step}: the returned loss");
                    DifferentialTests.AssertSameState(definition, fast, $"{what}: step {step} (rate {rate})");
                }

                saturations += fast.WeightSaturations;
                scaleChanges += fast.WeightScaleChanges;
                combinations++;
            }
        }

        Assert.AreEqual(momentumBuffers ? 2 * 35 : 35, combinations);
        // The saturating rates drive every layer to the largest exponent and beyond: each of the
        // three layers needs at least one change (fan-in 4 starts at e = 1, 6 and 5 at e = 0).
        Assert.IsTrue(scaleChanges >= 3 * combinations, $"only {scaleChanges} scale changes");
        Assert.IsTrue(saturations >= 100 * combinations, $"the saturating rates held weights at ±MaxNarrowWeight only {saturations} times");
    }

    [TestMethod]
    [DynamicData(nameof(Options))]
    public void BackwardAndApplyGradientsEqualTheDefinitionAfterEveryStep(bool momentumBuffers, bool stochastic, bool biases)
    {
        int combinations = 0;
        foreach ((Activation hidden, Activation output, Loss loss) in DifferentialTests.ActivationsAndLosses())
        {
            NetworkOptions options = NetworkOptions.NarrowWeights | NetworkOptions.GradientAccumulation
                | (momentumBuffers ? NetworkOptions.Momentum : NetworkOptions.None)
                | (biases ? NetworkOptions.None : NetworkOptions.WithoutBiases);
            int momentum = momentumBuffers ? Q16.FromDouble(0.9) : 0;
            string what = $"{hidden}/{output}/{loss}, {options}, stochastic {stochastic}";
            Network fast = Build(hidden, output, loss, options, momentum, stochastic);
            Network definition = Build(hidden, output, loss, options, momentum, stochastic);
            var random = new Random(1000 + combinations);
            for (int step = 0; step < Steps; step++)
            {
                int[] input = DifferentialTests.Input(random, fast.InputCount);
                int[] target = DifferentialTests.Target(random, fast.OutputCount, loss);
                CollectionAssert.AreEqual(definition.Forward(input), fast.Forward(input), $"{what}: step {step}: Forward");
                fast.Backward(target, loss);
                definition.BackwardByDefinition(target, loss);
                DifferentialTests.AssertSameState(definition, fast, $"{what}: step {step}, after Backward");
                if (step % 3 == 2)
                {
                    int rate = DifferentialTests.Rates[step / 3 % DifferentialTests.Rates.Length];
                    fast.LearningRate = rate;
                    definition.LearningRate = rate;
                    fast.ApplyGradients();
                    definition.ApplyGradients();
                    DifferentialTests.AssertSameState(definition, fast, $"{what}: step {step}, after ApplyGradients (rate {rate})");
                }
            }

            combinations++;
        }

        Assert.AreEqual(35, combinations);
    }

    [TestMethod]
    public void ForwardAndBackwardEqualThe32BitEngineOnTheDequantisedWeights()
    {
        // Same seed, same options: the 32-bit twin gets the 16-bit network's weights (exact Q16.16
        // values) and must produce the same outputs, deltas and gradient sums, bit for bit, also
        // at the largest exponents, where the sums' dropped low bits are most.
        foreach ((Activation hidden, Activation output, Loss loss) in DifferentialTests.ActivationsAndLosses())
        {
            NetworkOptions options = NetworkOptions.GradientAccumulation;
            Network narrow = new Network(new[] { 4, 6, 5, 2 }, hidden, output, loss, 11, options | NetworkOptions.NarrowWeights);
            Network wide = new Network(new[] { 4, 6, 5, 2 }, hidden, output, loss, 11, options);
            var random = new Random(5);
            for (int round = 0; round < 4; round++)
            {
                // Push layer `round - 1`'s exponent up with one large weight.
                if (round > 0)
                {
                    narrow.SetWeight(round - 1, 0, 0, (round == 3 ? 120 : 3 * round) * Q16.One);
                }

                var parameters = new int[narrow.ParameterCount];
                narrow.CopyParametersTo(parameters);
                wide.CopyParametersFrom(parameters);
                for (int sample = 0; sample < 20; sample++)
                {
                    int[] input = DifferentialTests.Input(random, 4);
                    int[] target = DifferentialTests.Target(random, 2, loss);
                    CollectionAssert.AreEqual(wide.Forward(input), narrow.Forward(input), $"{hidden}/{output}/{loss} round {round} sample {sample}: Forward");
                    wide.Backward(target, loss);
                    narrow.Backward(target, loss);
                }

                for (int l = 0; l < 3; l++)
                {
                    for (int j = 0; j < narrow.GetLayerSize(l + 1); j++)
                    {
                        for (int i = 0; i < narrow.GetLayerSize(l); i++)
                        {
                            Assert.AreEqual(wide.GetWeightGradientSum(l, j, i), narrow.GetWeightGradientSum(l, j, i), $"{hidden}/{output}/{loss} round {round}: gradient ({l}, {j}, {i})");
                        }

                        Assert.AreEqual(wide.GetBiasGradientSum(l, j), narrow.GetBiasGradientSum(l, j));
                    }
                }

                narrow.ClearGradients();
                wide.ClearGradients();
            }

            Assert.AreEqual(8, narrow.GetWeightExponent(2), "round 3's weight of 120.0 needs e = 8 in layer 2");
        }
    }

    [TestMethod]
    public void InitialWeightsAreThe32BitDrawsRoundedToEachLayersExponent()
    {
        var narrow = new Network(new[] { 1, 4, 64, 3 }, Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, 3, NetworkOptions.NarrowWeights);
        var wide = new Network(new[] { 1, 4, 64, 3 }, Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, 3, NetworkOptions.None);
        // Limits 1/√fanIn: 1.0 (65,536 LSB, needs e = 2: 65,536/2 = 32,768 > 32,767), 0.5 (32,768:
        // e = 1), 0.125 (8,192: e = 0).
        CollectionAssert.AreEqual(new[] { 2, 1, 0 }, new[] { narrow.GetWeightExponent(0), narrow.GetWeightExponent(1), narrow.GetWeightExponent(2) });
        int differences = 0;
        for (int l = 0; l < 3; l++)
        {
            int e = narrow.GetWeightExponent(l);
            for (int j = 0; j < narrow.GetLayerSize(l + 1); j++)
            {
                for (int i = 0; i < narrow.GetLayerSize(l); i++)
                {
                    int w = wide.GetWeight(l, j, i);
                    int expected = e == 0 ? w : (int)(Q16.RoundShift(w, e) << e);
                    Assert.AreEqual(expected, narrow.GetWeight(l, j, i), $"weight ({l}, {j}, {i})");
                    differences += expected != w ? 1 : 0;
                }
            }
        }

        Assert.IsTrue(differences > 0, "layers with e > 0 round some draws");
        Assert.AreEqual(0, narrow.WeightScaleChanges);
    }

    [TestMethod]
    public void ARaisedExponentHalvesTheLayerAndIsCountedAndTheLargestSaturates()
    {
        var network = new Network(new[] { 2, 2, 1 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 1, NetworkOptions.NarrowWeights);
        Assert.AreEqual(1, network.GetWeightExponent(0), "fan-in 2: limit 0.707 = 46,341 LSB needs e = 1");
        network.SetWeight(0, 0, 0, 3);    // 3 LSB at e = 1 rounds to 2 units = 4 LSB (ties away from zero)
        network.SetWeight(0, 0, 1, -5);   // -2.5 units → -3 = -6 LSB
        Assert.AreEqual(4, network.GetWeight(0, 0, 0));
        Assert.AreEqual(-6, network.GetWeight(0, 0, 1));
        network.SetWeight(0, 1, 0, 2 * Q16.One); // 2.0 needs e = 3 (131,072 / 8 = 16,384; e = 2 gives 32,768)
        Assert.AreEqual(3, network.GetWeightExponent(0));
        Assert.AreEqual(2, network.WeightScaleChanges);
        Assert.AreEqual(2 * Q16.One, network.GetWeight(0, 1, 0));
        // Units at e = 1, 2, 3, each halving rounded to nearest, ties to even:
        // 2 → 1 → 0 (0.5 → 0); -3 → -2 (-1.5 → -2) → -1 = -8 LSB.
        Assert.AreEqual(0, network.GetWeight(0, 0, 0));
        Assert.AreEqual(-8, network.GetWeight(0, 0, 1));
        network.SetWeight(0, 1, 1, Network.MaxWeight);
        Assert.AreEqual(8, network.GetWeightExponent(0));
        Assert.AreEqual(7, network.WeightScaleChanges);
        Assert.AreEqual(1, network.WeightSaturations, "2^23 LSB = 32,768 units at e = 8: held at 32,767");
        Assert.AreEqual(32767 << 8, network.GetWeight(0, 1, 1));
        Assert.AreEqual(0, network.GetWeight(0, 0, 1), "-1 unit at e = 3 halves to 0 (-0.5 → 0, even), not to -1 unit of an ever larger LSB");
    }

    [TestMethod]
    public void AtSmallRatesRoundingToNearestStallsAndStochasticRoundingLearns()
    {
        // y = w·x with one weight, x = 1.0, target 1.0 from w = 0: the step lr·δ·x with δ ≈ -1 is
        // 0.001 = 65.5 LSB of Q16.16, but the weight's LSB after a scale change to e = 8 is 2^-8
        // = 0.0039: to nearest, lr·δ rounds to 0 units and the weight never moves; stochastically
        // it moves one unit with probability 0.26 and the expected update is exact.
        foreach (bool stochastic in new[] { false, true })
        {
            var network = new Network(new[] { 1, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 9, NetworkOptions.NarrowWeights | NetworkOptions.WithoutBiases);
            network.SetWeight(0, 0, 0, 100 * Q16.One);
            Assert.AreEqual(8, network.GetWeightExponent(0));
            network.SetWeight(0, 0, 0, 0);
            network.StochasticRounding = stochastic;
            network.LearningRate = Q16.FromDouble(0.001);
            for (int n = 0; n < 2000; n++)
            {
                network.Learn(new[] { Q16.One }, new[] { Q16.One });
            }

            double weight = Q16.ToDouble(network.GetWeight(0, 0, 0));
            if (stochastic)
            {
                // Exact rule: w_n = 1 - 0.999^n, 0.865 after 2,000 steps.
                Assert.AreEqual(1 - Math.Pow(0.999, 2000), weight, 0.05, "stochastic rounding follows the exact rule");
            }
            else
            {
                Assert.AreEqual(0.0, weight, "to nearest every step rounds to 0 units: stalled");
            }
        }
    }

    private static Network Build(Activation hidden, Activation output, Loss loss, NetworkOptions options, int momentum, bool stochastic)
    {
        var network = new Network(new[] { 4, 6, 5, 2 }, hidden, output, loss, 11, options);
        network.Momentum = momentum;
        network.StochasticRounding = stochastic;
        return network;
    }
}
