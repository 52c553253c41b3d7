namespace NanoBackprop.Tests;

[TestClass]
public sealed class AllocationAndSaturationTests
{
    [TestMethod]
    public void TrainingCallsAllocateNothingAfterConstruction()
    {
        int checkedNetworks = 0;
        foreach (Activation hidden in Enum.GetValues<Activation>().Where(a => a != Activation.Softmax))
        {
            // 32-bit with momentum; 16-bit with momentum (its definition) and without (its fast
            // path); each with a sigmoid and a softmax output.
            foreach (bool softmax in new[] { false, true })
            {
                foreach ((bool stochastic, NetworkOptions extra) in new[]
                         {
                             (false, NetworkOptions.Momentum), (true, NetworkOptions.Momentum),
                             (false, NetworkOptions.NarrowWeights | NetworkOptions.Momentum), (true, NetworkOptions.NarrowWeights | NetworkOptions.Momentum),
                             (false, NetworkOptions.NarrowWeights), (true, NetworkOptions.NarrowWeights),
                         })
                {
                    var network = softmax
                        ? new Network(new[] { 5, 8, 4, 3 }, hidden, Activation.Softmax, Loss.CategoricalCrossEntropy, 7, NetworkOptions.GradientAccumulation | extra)
                        : new Network(new[] { 5, 8, 4, 1 }, hidden, Activation.Sigmoid, Loss.BinaryCrossEntropy, 7, NetworkOptions.GradientAccumulation | extra);
                    network.Momentum = (extra & NetworkOptions.Momentum) != 0 ? Q16.FromDouble(0.9) : 0;
                    network.StochasticRounding = stochastic;
                    int[] input = { Q16.One, -Q16.One, Q16.Half, 3 * Q16.One, -7 };
                    int[] target = softmax ? new[] { 0, Q16.One, 0 } : new[] { Q16.One };
                    // Warm up so that the JIT has compiled every path before counting.
                    RunCalls(network, input, target, 10);
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    RunCalls(network, input, target, 10_000);
                    long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    Assert.AreEqual(0L, allocated, $"{hidden}, {network.OutputActivation}, stochastic rounding {stochastic}, {extra}");
                    checkedNetworks++;
                }
            }
        }

        Assert.AreEqual(5 * 2 * 6, checkedNetworks);
    }

    private static int RunCalls(Network network, int[] input, int[] target, int count)
    {
        int sink = 0;
        for (int n = 0; n < count; n++)
        {
            sink += network.Forward(input)[0];
            network.Backward(target, network.Loss);
            sink += network.Learn(input, target);
            if (n % 8 == 7)
            {
                network.ApplyGradients();
            }

            network.ClearGradients();
            network.LearningRate = 6554 + (n & 7);
        }

        return sink;
    }

    [TestMethod]
    public void ExtremeValuesSaturateWithTheRightSignEverywhere()
    {
        // Weights at ±128, inputs and biases at the format's limits, widest layers allowed:
        // every pre-activation, delta and gradient is compared with a double computed from the
        // same fixed-point operands. Where the double leaves the range, the fixed value must be
        // the limit on the same side; elsewhere within 1 LSB (double sums of 511 terms are not
        // exact, hence the tolerance, far below any sign flip).
        var random = new Random(5);
        int[] sizes = { Network.MaxLayerSize, 3, Network.MaxLayerSize, 2 };
        int[] extremes = { int.MinValue, int.MaxValue, -Network.MaxWeight, Network.MaxWeight, 0, 1, -1 };
        int saturatedSeen = 0;
        for (int trial = 0; trial < 20; trial++)
        {
            var network = new Network(sizes, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, trial, NetworkOptions.GradientAccumulation);
            for (int l = 0; l < sizes.Length - 1; l++)
            {
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    for (int i = 0; i < sizes[l]; i++)
                    {
                        int pick = random.Next(3);
                        network.SetWeight(l, j, i, pick == 0 ? Network.MaxWeight : pick == 1 ? -Network.MaxWeight : random.Next(-Network.MaxWeight, Network.MaxWeight));
                    }

                    network.SetBias(l, j, extremes[random.Next(extremes.Length)]);
                }
            }

            int[] input = Enumerable.Range(0, sizes[0]).Select(_ => random.Next(2) == 0 ? extremes[random.Next(2)] : random.Next()).ToArray();
            int[] target = Enumerable.Range(0, sizes[^1]).Select(_ => extremes[random.Next(extremes.Length)]).ToArray();
            network.Forward(input);
            network.Backward(target, Loss.MeanSquaredError);

            for (int l = 0; l < sizes.Length - 1; l++)
            {
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    double z = Q16.ToDouble(network.GetBias(l, j));
                    for (int i = 0; i < sizes[l]; i++)
                    {
                        z += Q16.ToDouble(network.GetWeight(l, j, i)) * Q16.ToDouble(network.GetActivation(l, i));
                    }

                    saturatedSeen += CheckSaturatedOrClose(z, network.GetActivation(l + 1, j), $"trial {trial} z({l},{j})");
                }
            }

            // Output gradients: δ = y - t (linear output), and ∂L/∂w = δ·a for the last layer.
            int last = sizes.Length - 2;
            for (int j = 0; j < sizes[^1]; j++)
            {
                double delta = Q16.ToDouble(Q16.Saturate((long)network.GetActivation(last + 1, j) - target[j]));
                saturatedSeen += CheckSaturatedOrClose(delta, network.GetBiasGradient(last, j), $"trial {trial} bias gradient {j}");
                for (int i = 0; i < sizes[last]; i++)
                {
                    double gradient = delta * Q16.ToDouble(network.GetActivation(last, i));
                    saturatedSeen += CheckSaturatedOrClose(gradient, network.GetWeightGradient(last, j, i), $"trial {trial} weight gradient ({j},{i})");
                }
            }

            // Hidden deltas (linear, so f' = 1): δ_i = Σ_j w_ji·δ_j, read as the bias gradients.
            for (int i = 0; i < sizes[last]; i++)
            {
                double delta = 0;
                for (int j = 0; j < sizes[^1]; j++)
                {
                    delta += Q16.ToDouble(network.GetWeight(last, j, i)) * Q16.ToDouble(network.GetBiasGradient(last, j));
                }

                saturatedSeen += CheckSaturatedOrClose(delta, network.GetBiasGradient(last - 1, i), $"trial {trial} hidden delta {i}");
            }
        }

        Assert.IsGreaterThan(100, saturatedSeen, "the trial must actually reach saturation");
    }

    private static int CheckSaturatedOrClose(double exact, int actual, string what)
    {
        if (exact >= 32768)
        {
            Assert.AreEqual(int.MaxValue, actual, what);
            return 1;
        }

        if (exact < -32768)
        {
            Assert.AreEqual(int.MinValue, actual, what);
            return 1;
        }

        Assert.AreEqual(exact, Q16.ToDouble(actual), 1.0 / 65536 + Math.Abs(exact) * 1e-15, what);
        return 0;
    }
}
