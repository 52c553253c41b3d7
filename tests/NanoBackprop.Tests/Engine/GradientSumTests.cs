using System.Reflection;

namespace NanoBackprop.Tests;

/// <summary>
/// Issue 12, item 2: the mean of accumulated gradients is exact for every count Backward
/// accepts. The gradient sums are 64-bit; each sample adds a Q16.16 gradient (at most 2^31 LSB
/// in magnitude) and Backward refuses a sample past Network.MaxAccumulatedSamples (int.MaxValue),
/// so a sum stays below 2^62 (docs/ENGINE.md, "Gradient sums").
/// </summary>
[TestClass]
public sealed class GradientSumTests
{
    // A 1-1 linear neuron at w = 0, b = 0; input 2, target 3: δ = -3, ∂L/∂w = -6, ∂L/∂b = -3.
    private static Network Repro()
    {
        var network = new Network(new[] { 1, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 1, NetworkOptions.GradientAccumulation);
        network.SetWeight(0, 0, 0, 0);
        network.SetBias(0, 0, 0);
        network.LearningRate = Q16.FromDouble(0.01); // 655 LSB
        return network;
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(1000)]
    [DataRow(5462)] // the first count whose Q16.16 sum (-6·N) passed -32,768 before the fix
    [DataRow(10000)]
    [DataRow(65535)] // the learner's largest BatchSize
    [DataRow(200000)]
    public void TheMeanStepIsExactForAnyBatchSize(int samples)
    {
        Network network = Repro();
        Assert.AreEqual(655, network.LearningRate);
        for (int s = 0; s < samples; s++)
        {
            network.Forward(new[] { 2 * Q16.One });
            network.Backward(new[] { 3 * Q16.One }, Loss.MeanSquaredError);
        }

        Assert.AreEqual(-6L * Q16.One * samples, network.GetWeightGradientSum(0, 0, 0));
        Assert.AreEqual(-3L * Q16.One * samples, network.GetBiasGradientSum(0, 0));
        network.ApplyGradients();
        // Step = lr·6 = 655·6 = 3,930 LSB (0.0600 with lr 0.01 as Q16.16 holds it), whatever N.
        Assert.AreEqual(3930, network.GetWeight(0, 0, 0));
        Assert.AreEqual(1965, network.GetBias(0, 0));
        Assert.AreEqual(0, network.WeightSaturations);
    }

    [TestMethod]
    public void AtTheBoundTheSumIsExactAndOneMoreSampleIsRefused()
    {
        // Input 200, target 200 at w = 0: ∂L/∂w = -40,000, saturated to int.MinValue (-2^31 LSB),
        // the largest term a sample can add; ∂L/∂b = -200.0. Start one sample short of the bound
        // with the sums that many such samples leave (set through the private fields: 2^31
        // Backward calls would take hours), then add the last one.
        foreach (bool byDefinition in new[] { false, true })
        {
            Network network = Repro();
            const int Before = Network.MaxAccumulatedSamples - 1;
            SetAccumulated(network, Before, (long)Before * int.MinValue, (long)Before * (-200L * Q16.One));
            network.Forward(new[] { 200 * Q16.One });
            if (byDefinition)
            {
                network.BackwardByDefinition(new[] { 200 * Q16.One }, Loss.MeanSquaredError);
            }
            else
            {
                network.Backward(new[] { 200 * Q16.One }, Loss.MeanSquaredError);
            }

            Assert.AreEqual(int.MaxValue, network.AccumulatedSamples);
            Assert.AreEqual((long)int.MaxValue * int.MinValue, network.GetWeightGradientSum(0, 0, 0)); // -(2^62 - 2^31)
            Assert.AreEqual(int.MinValue, network.GetWeightGradient(0, 0, 0), "the Q16.16 view saturates");
            Assert.AreEqual((long)int.MaxValue * (-200L * Q16.One), network.GetBiasGradientSum(0, 0));

            // One more sample is refused, naming the bound, and changes nothing.
            network.Forward(new[] { 200 * Q16.One });
            string message = Assert.ThrowsExactly<InvalidOperationException>(() => network.Backward(new[] { 200 * Q16.One }, Loss.MeanSquaredError)).Message;
            StringAssert.Contains(message, "2147483647 samples");
            StringAssert.Contains(message, "ApplyGradients");
            Assert.AreEqual(int.MaxValue, network.AccumulatedSamples);
            Assert.AreEqual((long)int.MaxValue * int.MinValue, network.GetWeightGradientSum(0, 0, 0));

            // lr = 1 LSB: mean -32,768.0 exactly, step -0.5 (-32,768 LSB); bias mean -200.0, step -200 LSB.
            network.LearningRate = 1;
            network.ApplyGradients();
            Assert.AreEqual(32768, network.GetWeight(0, 0, 0));
            Assert.AreEqual(200, network.GetBias(0, 0));
        }
    }

    [TestMethod]
    public void TheLargestRateTimesTheLargestSumDoesNotWrap()
    {
        // lr·g needs 93 bits here; (long)lr·g would wrap and flip the step's sign. The mean is
        // -2^31 LSB, the step (2^31 - 1)·(-2^31)·2^-32 Q16.16 = about -2^46 LSB: w clamps at
        // +128.0 (the clamp is counted) and the bias saturates at int.MaxValue, both upward. With
        // momentum buffers the velocity -step saturates at int.MaxValue first, then the same.
        // The fast path (ApplyGradientsRoundToNearest) and the definition alike.
        foreach (bool momentum in new[] { false, true })
        foreach (bool byDefinition in new[] { false, true })
        {
            Network network = momentum
                ? new Network(new[] { 1, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 1, NetworkOptions.GradientAccumulation | NetworkOptions.Momentum)
                : Repro();
            network.SetWeight(0, 0, 0, 0);
            network.SetBias(0, 0, 0);
            SetAccumulated(network, int.MaxValue, (long)int.MaxValue * int.MinValue, (long)int.MaxValue * int.MinValue);
            network.LearningRate = int.MaxValue;
            if (byDefinition)
            {
                network.ApplyGradientsByDefinition();
            }
            else
            {
                network.ApplyGradients();
            }

            string what = $"momentum {momentum}, by definition {byDefinition}";
            Assert.AreEqual(Network.MaxWeight, network.GetWeight(0, 0, 0), what);
            Assert.AreEqual(int.MaxValue, network.GetBias(0, 0), what);
            Assert.AreEqual(1, network.WeightSaturations, what);
            if (momentum)
            {
                var velocities = (int[][])typeof(Network).GetField("weightVelocities", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(network)!;
                Assert.AreEqual(int.MaxValue, velocities[0][0], what + ": the velocity saturates");
            }
        }
    }

    private static void SetAccumulated(Network network, int samples, long weightSum, long biasSum)
    {
        Type type = typeof(Network);
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        type.GetField("accumulatedSamples", Private)!.SetValue(network, samples);
        ((long[][])type.GetField("weightGradients", Private)!.GetValue(network)!)[0][0] = weightSum;
        ((long[][])type.GetField("biasGradients", Private)!.GetValue(network)!)[0][0] = biasSum;
    }
}
