namespace NanoBackprop.Tests;

/// <summary>
/// Frozen layers: no gradient, velocity or snapshot buffers, never updated, and the backward pass
/// stops below the lowest trainable layer; the fast paths still equal the definitions.
/// </summary>
[TestClass]
public sealed class FrozenLayerTests
{
    public static IEnumerable<object[]> Cases()
    {
        foreach (bool narrow in new[] { false, true })
        {
            foreach (bool momentum in new[] { false, true })
            {
                foreach (bool stochastic in new[] { false, true })
                {
                    foreach (int frozen in new[] { 1, 2 })
                    {
                        yield return new object[] { narrow, momentum, stochastic, frozen };
                    }
                }
            }
        }
    }

    [TestMethod]
    [DynamicData(nameof(Cases))]
    public void LearnAndMiniBatchesEqualTheDefinitionAndLeaveFrozenLayersAlone(bool narrow, bool momentum, bool stochastic, int frozen)
    {
        NetworkOptions options = NetworkOptions.GradientAccumulation
            | (momentum ? NetworkOptions.Momentum : NetworkOptions.None)
            | (narrow ? NetworkOptions.NarrowWeights : NetworkOptions.None);
        Network fast = Build(options, momentum, stochastic, frozen);
        Network definition = Build(options, momentum, stochastic, frozen);
        int[] frozenBefore = FrozenWeights(fast, frozen);
        var random = new Random(3);
        for (int step = 0; step < 60; step++)
        {
            int[] input = DifferentialTests.Input(random, 4);
            int[] target = DifferentialTests.Target(random, 2, Loss.MeanSquaredError);
            int rate = DifferentialTests.Rates[step % DifferentialTests.Rates.Length];
            fast.LearningRate = rate;
            definition.LearningRate = rate;
            Assert.AreEqual(definition.LearnByDefinition(input, target), fast.Learn(input, target));
            DifferentialTests.AssertSameState(definition, fast, $"step {step}, Learn");
            fast.Forward(input);
            definition.Forward(input);
            fast.Backward(target, Loss.MeanSquaredError);
            definition.BackwardByDefinition(target, Loss.MeanSquaredError);
            fast.ApplyGradients();
            definition.ApplyGradients();
            DifferentialTests.AssertSameState(definition, fast, $"step {step}, mini-batch");
        }

        CollectionAssert.AreEqual(frozenBefore, FrozenWeights(fast, frozen), "frozen weights never move");
        Assert.IsTrue(fast.GetWeight(2, 0, 0) != Build(options, momentum, stochastic, frozen).GetWeight(2, 0, 0), "the output layer learned");
        Assert.ThrowsExactly<InvalidOperationException>(() => fast.GetWeightGradientSum(frozen - 1, 0, 0));
    }

    [TestMethod]
    public void TheFirstStepsTopLayerUpdateIsTheUnfrozenNetworks()
    {
        // Learn updates the output layer first, from the same Forward and output deltas, so after
        // one step its weights and biases equal the unfrozen network's (same draws too); the
        // frozen layers keep their initial weights while the unfrozen network's move.
        foreach (bool stochastic in new[] { false, true })
        {
            Network frozen = Build(NetworkOptions.None, false, stochastic, 2);
            Network open = Build(NetworkOptions.None, false, stochastic, 0);
            int[] input = { Q16.One, -Q16.Half, 2 * Q16.One, 7 };
            int[] target = { Q16.Half, -Q16.One };
            frozen.Learn(input, target);
            open.Learn(input, target);
            var a = new int[frozen.ParameterCount];
            var b = new int[open.ParameterCount];
            frozen.CopyParametersTo(a);
            open.CopyParametersTo(b);
            for (int j = 0; j < 2; j++)
            {
                for (int i = 0; i < 5; i++)
                {
                    Assert.AreEqual(open.GetWeight(2, j, i), frozen.GetWeight(2, j, i));
                }

                Assert.AreEqual(open.GetBias(2, j), frozen.GetBias(2, j));
            }

            Assert.AreNotEqual(open.GetWeight(0, 0, 0), frozen.GetWeight(0, 0, 0), "the unfrozen network moved layer 0");
            Assert.AreEqual(Build(NetworkOptions.None, false, stochastic, 2).GetWeight(0, 0, 0), frozen.GetWeight(0, 0, 0));
        }
    }

    [TestMethod]
    public void FrozenLayersKeepNoGradientVelocityOrSnapshotBuffers()
    {
        // 4-6-5-2 with all buffers. Frozen layers 0 and 1 (24 + 30 weights, 6 + 5 biases) drop:
        // gradients long[24] 216 B, long[30] 264 B, long[6] 72 B, long[5] 60 B; velocities int[24]
        // 120 B, int[30] 144 B, int[6] 48 B, int[5] 48 B: 972 B; snapshot int[77] 332 B → int[12] 72 B.
        NetworkOptions all = NetworkOptions.GradientAccumulation | NetworkOptions.Momentum;
        Network open = Build(all, true, false, 0);
        Network frozen = Build(all, true, false, 2);
        Assert.AreEqual(216 + 264 + 72 + 60 + 120 + 144 + 48 + 48, open.RamBytes - frozen.RamBytes);
        Assert.AreEqual(77, open.SnapshotLength);
        Assert.AreEqual(12, frozen.SnapshotLength);
        // 16-bit: exponent + 5 packed ints + 2 biases.
        Assert.AreEqual(8, Build(NetworkOptions.NarrowWeights, false, false, 2).SnapshotLength);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Build(NetworkOptions.None, false, false, 3));
    }

    [TestMethod]
    public void SnapshotsRoundTripAndRejectBadValuesLeavingTheNetworkAsItWas()
    {
        foreach (NetworkOptions options in new[] { NetworkOptions.None, NetworkOptions.NarrowWeights })
        {
            Network network = Build(options, false, true, 1);
            var snapshot = new int[network.SnapshotLength];
            network.SaveSnapshot(snapshot);
            string saved = NetworkState.CaptureDurable(network);
            network.Learn(new[] { Q16.One, 0, 0, 0 }, new[] { Q16.One, 0 });
            Assert.AreNotEqual(saved, NetworkState.CaptureDurable(network));
            var bad = (int[])snapshot.Clone();
            bad[0] = options == NetworkOptions.None ? Network.MaxWeight + 1 : Network.MaxWeightExponent + 1;
            string before = NetworkState.Capture(network);
            Assert.ThrowsExactly<ArgumentException>(() => network.RestoreSnapshot(bad));
            Assert.AreEqual(before, NetworkState.Capture(network), "a rejected snapshot changes nothing");
            network.RestoreSnapshot(snapshot);
            for (int l = 1; l < 3; l++)
            {
                Assert.AreEqual(Build(options, false, true, 1).GetWeight(l, 1, 2), network.GetWeight(l, 1, 2));
            }
        }
    }

    private static int[] FrozenWeights(Network network, int frozen)
    {
        var values = new List<int>();
        for (int l = 0; l < frozen; l++)
        {
            for (int j = 0; j < network.GetLayerSize(l + 1); j++)
            {
                for (int i = 0; i < network.GetLayerSize(l); i++)
                {
                    values.Add(network.GetWeight(l, j, i));
                }

                values.Add(network.GetBias(l, j));
            }
        }

        return values.ToArray();
    }

    private static Network Build(NetworkOptions options, bool momentum, bool stochastic, int frozen)
    {
        var network = new Network(new[] { 4, 6, 5, 2 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 11, options, frozen);
        network.Momentum = momentum ? Q16.FromDouble(0.9) : 0;
        network.StochasticRounding = stochastic;
        return network;
    }
}
