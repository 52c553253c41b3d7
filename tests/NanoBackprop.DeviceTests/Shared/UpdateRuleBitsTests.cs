using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// Every update rule on the device, on both paths to an update: plain SGD, momentum, stochastic
    /// rounding, and momentum with stochastic rounding, each by per-sample <see cref="Network.Learn"/>
    /// (12 steps) and by mini-batches of <see cref="Network.Backward"/> + <see cref="Network.ApplyGradients"/>
    /// (3 batches of 4). The same 3-4-2 net (tanh hidden, sigmoid output, squared error, seed 21,
    /// rate 0.5, momentum 0.75) learns the same four samples each time; the weights, biases,
    /// velocities, PRNG state and per-step observations end at the desktop's exact bits.
    /// </summary>
    /// <remarks>
    /// Learn has its own code path per rule (plain, stochastic rounding without momentum, momentum
    /// with or without stochastic rounding), and ApplyGradients another, so each case runs different
    /// code. Expected values: the desktop shim's run of these tests (`dotnet test
    /// tests/NanoBackprop.DeviceTests.Desktop --filter UpdateRuleBitsTests --logger
    /// "console;verbosity=detailed"` prints each case's line), copied here.
    /// </remarks>
    [TestClass]
    public class UpdateRuleBitsTests
    {
        /// <summary>Momentum μ = 0.75 in Q16.16.</summary>
        public const int MomentumCoefficient = 49152;

        /// <summary>The PRNG state of seed 21 after drawing the initial weights: what a rule that draws nothing leaves.</summary>
        public const uint InitialRandomState = 1784080382u;

        // The four samples: inputs in Q16.16 (0.5, -1.25, 2.0), (-0.75, 0.3, -0.1), (1.5, 0, -1.0),
        // (0.2, 0.9, 0.6), and targets (1, 0), (0, 1), (1, 1), (0, 0).
        private static readonly int[][] Inputs =
        {
            new int[] { 32768, -81920, 131072 },
            new int[] { -49152, 19661, -6554 },
            new int[] { 98304, 0, -65536 },
            new int[] { 13107, 58982, 39322 },
        };

        private static readonly int[][] Targets =
        {
            new int[] { Q16.One, 0 },
            new int[] { 0, Q16.One },
            new int[] { Q16.One, Q16.One },
            new int[] { 0, 0 },
        };

        [TestMethod]
        public void PlainSgdByLearnGivesTheDesktopBits()
        {
            AssertCase("plain SGD, Learn", false, false, false, 4276254063u, DeviceTestSupport.EmptyFingerprint, InitialRandomState, 184636, 0u);
        }

        [TestMethod]
        public void MomentumByLearnGivesTheDesktopBits()
        {
            AssertCase("momentum, Learn", true, false, false, 2427582273u, 1142320268u, InitialRandomState, 149100, 0u);
        }

        [TestMethod]
        public void StochasticRoundingByLearnGivesTheDesktopBits()
        {
            AssertCase("stochastic rounding, Learn", false, true, false, 1398805472u, DeviceTestSupport.EmptyFingerprint, 756096768u, 184638, 0u);
        }

        [TestMethod]
        public void MomentumWithStochasticRoundingByLearnGivesTheDesktopBits()
        {
            AssertCase("momentum + stochastic rounding, Learn", true, true, false, 1345161905u, 1816405185u, 756096768u, 149107, 0u);
        }

        [TestMethod]
        public void PlainSgdByMiniBatchGivesTheDesktopBits()
        {
            AssertCase("plain SGD, mini-batch", false, false, true, 582510513u, DeviceTestSupport.EmptyFingerprint, InitialRandomState, 797914, 3395474638u);
        }

        [TestMethod]
        public void MomentumByMiniBatchGivesTheDesktopBits()
        {
            AssertCase("momentum, mini-batch", true, false, true, 1419760538u, 639455320u, InitialRandomState, 797571, 314831847u);
        }

        [TestMethod]
        public void StochasticRoundingByMiniBatchGivesTheDesktopBits()
        {
            AssertCase("stochastic rounding, mini-batch", false, true, true, 1034190573u, DeviceTestSupport.EmptyFingerprint, 812667304u, 797910, 1496940771u);
        }

        [TestMethod]
        public void MomentumWithStochasticRoundingByMiniBatchGivesTheDesktopBits()
        {
            AssertCase("momentum + stochastic rounding, mini-batch", true, true, true, 228715434u, 2937433147u, 812667304u, 797567, 2227584193u);
        }

        /// <summary>
        /// Trains one case and checks it. <paramref name="expectedObservations"/> is the sum of
        /// Learn's returned ½Σ(y - t)² (per-sample) or of the outputs before each Backward
        /// (mini-batch), Q16.16; <paramref name="expectedGradients"/> is the fingerprint of the
        /// accumulated gradients just before the last ApplyGradients (0 for per-sample).
        /// </summary>
        private static void AssertCase(string name, bool momentum, bool stochastic, bool miniBatch,
            uint expectedParameters, uint expectedVelocities, uint expectedRandomState, int expectedObservations, uint expectedGradients)
        {
            NetworkOptions options = (momentum ? NetworkOptions.Momentum : NetworkOptions.None)
                | (miniBatch ? NetworkOptions.GradientAccumulation : NetworkOptions.None);
            Network network = new Network(new int[] { 3, 4, 2 }, Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, 21, options);
            // The learner only gives ModelBlob a view of the velocities and the PRNG state.
            OnlineLearner view = new OnlineLearner(network, new LearnerOptions());
            network.LearningRate = Q16.Half;
            network.Momentum = momentum ? MomentumCoefficient : 0;
            network.StochasticRounding = stochastic;
            uint initialRandomState = DeviceTestSupport.RandomState(view);

            int observations = 0;
            uint gradients = 0;
            if (miniBatch)
            {
                for (int batch = 0; batch < 3; batch++)
                {
                    for (int p = 0; p < 4; p++)
                    {
                        int[] output = network.Forward(Inputs[p]);
                        observations += output[0] + output[1];
                        network.Backward(Targets[p], Loss.MeanSquaredError);
                    }

                    Assert.AreEqual(4, network.AccumulatedSamples, name + ": samples in the batch");
                    gradients = GradientFingerprint(network);
                    network.ApplyGradients();
                    Assert.AreEqual(0, network.AccumulatedSamples, name + ": ApplyGradients clears the batch");
                }
            }
            else
            {
                for (int step = 0; step < 12; step++)
                {
                    observations += network.Learn(Inputs[step % 4], Targets[step % 4]);
                }
            }

            uint parameters = DeviceTestSupport.ParameterFingerprint(network);
            uint velocities = DeviceTestSupport.VelocityFingerprint(view);
            uint randomState = DeviceTestSupport.RandomState(view);
            OutputHelper.WriteLine(name + ": parameters " + parameters + ", velocities " + velocities + ", PRNG " + initialRandomState + " -> " + randomState
                + ", observations " + observations + ", gradients " + gradients + ", saturations " + network.WeightSaturations);
            Assert.AreEqual(InitialRandomState, initialRandomState, name + ": the seed's PRNG state after the initial weights");
            Assert.AreEqual(expectedParameters, parameters, name + ": weights and biases");
            Assert.AreEqual(expectedVelocities, velocities, name + ": velocities");
            Assert.AreEqual(expectedRandomState, randomState, name + ": PRNG state (stochastic rounding draws from it)");
            Assert.AreEqual(expectedObservations, observations, name + ": losses or outputs along the way");
            Assert.AreEqual(expectedGradients, gradients, name + ": gradients of the last batch");
            Assert.AreEqual(0, network.WeightSaturations, name + ": no weight reached ±128");
        }

        /// <summary>Fingerprint of the accumulated weight gradients, then the bias gradients.</summary>
        private static uint GradientFingerprint(Network network)
        {
            uint hash = DeviceTestSupport.EmptyFingerprint;
            for (int l = 0; l + 1 < network.LayerCount; l++)
            {
                for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                {
                    for (int i = 0; i < network.GetLayerSize(l); i++)
                    {
                        hash = DeviceTestSupport.Fingerprint(hash, network.GetWeightGradient(l, j, i));
                    }
                }
            }

            for (int l = 0; l + 1 < network.LayerCount; l++)
            {
                for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                {
                    hash = DeviceTestSupport.Fingerprint(hash, network.GetBiasGradient(l, j));
                }
            }

            return hash;
        }
    }
}
