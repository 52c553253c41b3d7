using System;
using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// Forward and backward passes on small nets with set weights, checked bit for bit: every
    /// activation, gradient and updated parameter is the exact int the desktop build computed
    /// (the Expected arrays), so a pass here means the board trains exactly like the desktop.
    /// The desktop suite separately proves these gradients against a double reference.
    /// </summary>
    [TestClass]
    public class ForwardBackwardBitsTests
    {
        /// <summary>
        /// Observed bits of the 2-2-2 sigmoid net (inputs 0.05, 0.10; targets 0.01, 0.99; weights
        /// 0.15 … 0.55, biases 0.35 and 0.60): outputs (2), hidden activations (2), weight gradients
        /// (8, layer by layer, row-major) and bias gradients (4), the parameters after
        /// ApplyGradients at rate 0.5 (12), then Learn's returned ½Σ(y - t)² (1) and the parameters
        /// after that fused step on a fresh copy (12).
        /// </summary>
        public static readonly int[] ExpectedTwoTwoTwo = new int[]
        {
            49241, 50655, 38881, 39117, 29, 57, 33, 65, 5385, 5418, -1481, -1490, 575, 652, 9077, -2497,
            9815, 13078, 16367, 19628, 23521, 26782, 33509, 36790, 22650, 22612, 34783, 40571, 19554, 9816,
            13078, 16368, 19628, 23522, 26782, 33509, 36790, 22651, 22612, 34784, 40570
        };

        /// <summary>
        /// Observed bits of the 3-4-2 net (tanh hidden, linear output, squared error, momentum 0.9):
        /// outputs (2), weight and bias gradients (20 + 6), the parameters after two steps of
        /// Forward, Backward, ApplyGradients at rate 0.25 (26).
        /// </summary>
        public static readonly int[] ExpectedThreeFourTwo = new int[]
        {
            -34434, -50281, 5000, -12501, 20001, -3307, 8269, -13230, 6318, -15794, 25270, 152, -379, 607,
            -29528, -38747, -44887, 52573, -2405, -3156, -3656, 4282, 10001, -6615, 12635, 303, -54095,
            -4406, -50977, -5261, 22179, -38069, -3128, 44327, -32397, 17097, 37523, -19687, 19728, -49259,
            -5829, 37613, -28227, -34245, 31464, -35879, 3446, 34896, -10209, 2503, 741, -6609, 18569,
            4551
        };

        /// <summary>
        /// Observed bits of the 2-3-1 net (leaky ReLU hidden, sigmoid output, cross-entropy):
        /// output (1), hidden activations (3), weight and bias
        /// gradients (9 + 4), then the parameters after 3 fused Learn steps at rate 0.5 (13).
        /// </summary>
        public static readonly int[] ExpectedTwoThreeOne = new int[]
        {
            33902, -370, 36371, -92, 66, -38, -6643, 3796, 166, -95, 179, -17556, 44, 95, -9490, 237,
            -31634, -49231, -9784, 40740, -45748, -204, 39436, -19879, 45380, -49205, -6671, 16071, 6263,
            32271
        };

        /// <summary>
        /// Observed bits of the hidden deltas' four regimes (docs/ENGINE.md, "Deltas are block
        /// floating point"; the desktop's DifferentialTests.TheHiddenDeltasFollowTheirRuleInEachRegime
        /// works them by hand): 1-2-1 linear nets with squared error, input 1.0, hidden weights and
        /// biases 0, so the output is its bias. Per regime (a cut shared by the layer; no cut with
        /// the shift at MaxDeltaShift; zero sums; a layer stored saturating): the hidden bias and
        /// weight gradients (4) after Forward and Backward, then the hidden weights and biases (4)
        /// after one Learn at rate 0.5 on a fresh copy.
        /// </summary>
        public static readonly int[] ExpectedHiddenDeltaRegimes = new int[]
        {
            65536, 65536, 32768, 32768, -32768, -32768, -16384, -16384, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 2147483647, 2147483647, 32768, 32768, -8388608, -1073741824, -16384, -16384
        };

        private static Network rejecting;

        [TestMethod]
        public void TwoTwoTwoSigmoidNetGivesTheDesktopBits()
        {
            AssertBits(ExpectedTwoTwoTwo, TwoTwoTwoBits(), "2-2-2 sigmoid");
        }

        [TestMethod]
        public void ThreeFourTwoTanhNetWithMomentumGivesTheDesktopBits()
        {
            AssertBits(ExpectedThreeFourTwo, ThreeFourTwoBits(), "3-4-2 tanh/linear with momentum");
        }

        [TestMethod]
        public void TwoThreeOneLeakyReluCrossEntropyNetGivesTheDesktopBits()
        {
            AssertBits(ExpectedTwoThreeOne, TwoThreeOneBits(), "2-3-1 leaky ReLU/sigmoid cross-entropy");
        }

        [TestMethod]
        public void HiddenDeltasInEveryRegimeGiveTheDesktopBits()
        {
            AssertBits(ExpectedHiddenDeltaRegimes, HiddenDeltaRegimeBits(), "1-2-1 hidden delta regimes");
        }

        [TestMethod]
        public void BadInputThrowsTheDocumentedExceptionAndChangesNothing()
        {
            rejecting = TwoTwoTwo(NetworkOptions.GradientAccumulation);
            uint before = DeviceTestSupport.ParameterFingerprint(rejecting);
            Assert.ThrowsException(typeof(ArgumentNullException), ForwardWithoutInput);
            Assert.ThrowsException(typeof(ArgumentException), ForwardWithThreeInputs);
            Assert.ThrowsException(typeof(InvalidOperationException), BackwardBeforeForward);
            Assert.ThrowsException(typeof(ArgumentOutOfRangeException), SetWeightBeyondTheLimit);
            Assert.ThrowsException(typeof(ArgumentException), BuildWithAnEmptyLayer);
            Assert.AreEqual(before, DeviceTestSupport.ParameterFingerprint(rejecting));
        }

        /// <summary>The 2-2-2 observations in the order <see cref="ExpectedTwoTwoTwo"/> lists.</summary>
        public static int[] TwoTwoTwoBits()
        {
            int[] input = { 3277, 6554 };     // 0.05, 0.10
            int[] target = { 655, 64881 };    // 0.01, 0.99
            int[] bits = new int[53];
            int at = 0;

            Network network = TwoTwoTwo(NetworkOptions.GradientAccumulation);
            int[] output = network.Forward(input);
            bits[at++] = output[0];
            bits[at++] = output[1];
            bits[at++] = network.GetActivation(1, 0);
            bits[at++] = network.GetActivation(1, 1);
            network.Backward(target, Loss.MeanSquaredError);
            at = PutGradients(network, bits, at);
            network.LearningRate = Q16.Half;
            network.ApplyGradients();
            at = PutParameters(network, bits, at);

            Network fused = TwoTwoTwo(NetworkOptions.None);
            fused.LearningRate = Q16.Half;
            bits[at++] = fused.Learn(input, target);
            at = PutParameters(fused, bits, at);
            return Trim(bits, at);
        }

        /// <summary>The regimes' observations in the order <see cref="ExpectedHiddenDeltaRegimes"/> lists.</summary>
        public static int[] HiddenDeltaRegimeBits()
        {
            // Per regime: the output (its bias), the target, the output's two weights.
            int[] outputs = { Q16.One, 1, Q16.One, int.MaxValue };
            int[] targets = { 0, 0, 0, int.MinValue };
            int[] firstWeights = { Q16.One, 1, 0, Network.MaxWeight };
            int[] secondWeights = { Q16.Half, 0, 0, 1 };
            int[] input = { Q16.One };
            int[] bits = new int[32];
            int at = 0;
            for (int regime = 0; regime < 4; regime++)
            {
                int[] target = { targets[regime] };
                for (int pass = 0; pass < 2; pass++)
                {
                    Network network = new Network(new int[] { 1, 2, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 3,
                        pass == 0 ? NetworkOptions.GradientAccumulation : NetworkOptions.None);
                    for (int j = 0; j < 2; j++)
                    {
                        network.SetWeight(0, j, 0, 0);
                        network.SetBias(0, j, 0);
                    }

                    network.SetWeight(1, 0, 0, firstWeights[regime]);
                    network.SetWeight(1, 0, 1, secondWeights[regime]);
                    network.SetBias(1, 0, outputs[regime]);
                    if (pass == 0)
                    {
                        network.Forward(input);
                        network.Backward(target, Loss.MeanSquaredError);
                        for (int j = 0; j < 2; j++)
                        {
                            bits[at++] = network.GetBiasGradient(0, j);
                            bits[at++] = network.GetWeightGradient(0, j, 0);
                        }
                    }
                    else
                    {
                        network.LearningRate = Q16.Half;
                        network.Learn(input, target);
                        for (int j = 0; j < 2; j++)
                        {
                            bits[at++] = network.GetWeight(0, j, 0);
                            bits[at++] = network.GetBias(0, j);
                        }
                    }
                }
            }

            return bits;
        }

        /// <summary>The 3-4-2 observations in the order <see cref="ExpectedThreeFourTwo"/> lists.</summary>
        public static int[] ThreeFourTwoBits()
        {
            Network network = new Network(new int[] { 3, 4, 2 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 7,
                NetworkOptions.GradientAccumulation | NetworkOptions.Momentum);
            SetPatternWeights(network);
            network.LearningRate = Q16.One / 4;
            network.Momentum = 58982;          // 0.9
            int[] input = { Q16.Half, -81920, 2 * Q16.One };   // 0.5, -1.25, 2.0
            int[] target = { 19661, -45875 };                  // 0.3, -0.7
            int[] bits = new int[80];
            int at = 0;

            int[] output = network.Forward(input);
            bits[at++] = output[0];
            bits[at++] = output[1];
            network.Backward(target, Loss.MeanSquaredError);
            at = PutGradients(network, bits, at);
            network.ApplyGradients();
            network.Forward(input);
            network.Backward(target, Loss.MeanSquaredError);
            network.ApplyGradients();
            at = PutParameters(network, bits, at);
            return Trim(bits, at);
        }

        /// <summary>The 2-3-1 observations in the order <see cref="ExpectedTwoThreeOne"/> lists.</summary>
        public static int[] TwoThreeOneBits()
        {
            Network network = new Network(new int[] { 2, 3, 1 }, Activation.LeakyRelu, Activation.Sigmoid, Loss.BinaryCrossEntropy, 11,
                NetworkOptions.GradientAccumulation);
            SetPatternWeights(network);
            int[] input = { 45875, -26214 };   // 0.7, -0.4
            int[] target = { Q16.One };
            int[] bits = new int[40];
            int at = 0;

            bits[at++] = network.Forward(input)[0];
            for (int j = 0; j < 3; j++)
            {
                bits[at++] = network.GetActivation(1, j);
            }

            network.Backward(target, Loss.BinaryCrossEntropy);
            at = PutGradients(network, bits, at);
            network.ClearGradients();
            network.LearningRate = Q16.Half;
            for (int step = 0; step < 3; step++)
            {
                network.Learn(input, target);
            }

            at = PutParameters(network, bits, at);
            return Trim(bits, at);
        }

        /// <summary>The 2-2-2 net of the worked example, weights and biases set in Q16.16.</summary>
        public static Network TwoTwoTwo(NetworkOptions options)
        {
            Network network = new Network(new int[] { 2, 2, 2 }, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, 1, options);
            network.SetWeight(0, 0, 0, 9830);     // 0.15
            network.SetWeight(0, 0, 1, 13107);    // 0.20
            network.SetWeight(0, 1, 0, 16384);    // 0.25
            network.SetWeight(0, 1, 1, 19661);    // 0.30
            network.SetBias(0, 0, 22938);         // 0.35
            network.SetBias(0, 1, 22938);
            network.SetWeight(1, 0, 0, 26214);    // 0.40
            network.SetWeight(1, 0, 1, 29491);    // 0.45
            network.SetWeight(1, 1, 0, 32768);    // 0.50
            network.SetWeight(1, 1, 1, 36045);    // 0.55
            network.SetBias(1, 0, 39322);         // 0.60
            network.SetBias(1, 1, 39322);
            return network;
        }

        // Weights (k mod 11 - 5)·0.15 and biases (j mod 3 - 1)·0.1 in every layer: mixed signs and sizes.
        private static void SetPatternWeights(Network network)
        {
            for (int l = 0; l + 1 < network.LayerCount; l++)
            {
                int k = 3 * l;
                for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                {
                    for (int i = 0; i < network.GetLayerSize(l); i++)
                    {
                        network.SetWeight(l, j, i, ((k % 11) - 5) * 9830);
                        k += 4;
                    }

                    network.SetBias(l, j, ((j % 3) - 1) * 6554);
                }
            }
        }

        private static int PutGradients(Network network, int[] bits, int at)
        {
            for (int l = 0; l + 1 < network.LayerCount; l++)
            {
                for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                {
                    for (int i = 0; i < network.GetLayerSize(l); i++)
                    {
                        bits[at++] = network.GetWeightGradient(l, j, i);
                    }
                }
            }

            for (int l = 0; l + 1 < network.LayerCount; l++)
            {
                for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                {
                    bits[at++] = network.GetBiasGradient(l, j);
                }
            }

            return at;
        }

        private static int PutParameters(Network network, int[] bits, int at)
        {
            int[] parameters = new int[network.ParameterCount];
            network.CopyParametersTo(parameters);
            Array.Copy(parameters, 0, bits, at, parameters.Length);
            return at + parameters.Length;
        }

        private static int[] Trim(int[] bits, int count)
        {
            int[] trimmed = new int[count];
            Array.Copy(bits, trimmed, count);
            return trimmed;
        }

        /// <summary>Fails at the first element that differs, naming it.</summary>
        public static void AssertBits(int[] expected, int[] actual, string what)
        {
            Assert.AreEqual(expected.Length, actual.Length, what + ": number of observed values");
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.AreEqual(expected[k], actual[k], what + ": value " + k);
            }
        }

        private static void ForwardWithoutInput()
        {
            rejecting.Forward(null);
        }

        private static void ForwardWithThreeInputs()
        {
            rejecting.Forward(new int[3]);
        }

        private static void BackwardBeforeForward()
        {
            rejecting.Backward(new int[2], Loss.MeanSquaredError);
        }

        private static void SetWeightBeyondTheLimit()
        {
            rejecting.SetWeight(0, 0, 0, Network.MaxWeight + 1);
        }

        private static void BuildWithAnEmptyLayer()
        {
            new Network(new int[] { 2, 0, 1 }, Activation.Sigmoid, Activation.Sigmoid, 1);
        }
    }
}
