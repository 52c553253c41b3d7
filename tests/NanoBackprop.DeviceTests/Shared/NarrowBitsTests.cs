using System;
using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// 16-bit weights (NetworkOptions.NarrowWeights) and frozen layers, checked bit for bit: the
    /// Expected arrays are what the desktop build computes, so a pass on nanoCLR means the board
    /// trains 16-bit and frozen networks exactly like the desktop.
    /// </summary>
    [TestClass]
    public class NarrowBitsTests
    {
        /// <summary>
        /// 3-4-2 net, 16-bit weights, tanh hidden, sigmoid output, squared error, seed 5: the first
        /// Forward's outputs (2), then after 40 Learn steps (rate 0.5, stochastic rounding, the
        /// last 20 at rate 0.004 where only stochastic rounding moves the weights) every weight
        /// (Q16.16, 20), bias (6), the layers' exponents (2) and WeightScaleChanges (1).
        /// </summary>
        public static readonly int[] ExpectedNarrow = new int[]
        {
            33557, 26645, -23504, -18880, -440, 42064, -17830, 13912, -22080, -25630, 23724, 34572,
            5404, 2224, -530, 5094, -25432, 14904, -13538, -40122, -21326, -10018, 1659, 3300, 6924,
            -678, -5856, -6531, 1, 1, 0
        };

        /// <summary>
        /// 3-4-4-2 net, 16-bit weights, momentum 0.5, the first layer frozen, seed 7: after 30
        /// Learn steps (rate 0.25, to nearest) every weight (12 + 16 + 8), bias (10) and exponent (3).
        /// </summary>
        public static readonly int[] ExpectedFrozen = new int[]
        {
            -19620, -18348, 6068, 19014, -20250, 16646, 23426, -10046, -21354, 14024, -17054, 16622,
            16830, -7878, 46, -13234, -11936, -35980, 21436, -21764, 17386, -1156, -4598, 10320,
            -10186, -13056, 9020, -20238, -3444, 20814, 11434, 20076, 7350, 21698, -17538, -14788,
            0, 0, 0, 0, -24987, -18795, -27603, -21754, 8253, 7304, 1, 1, 1
        };

        /// <summary>
        /// 3-5-4-3 net, 16-bit weights, tanh hidden, softmax output, categorical cross-entropy,
        /// the first layer frozen, stochastic rounding, seed 11: the first Forward's probabilities
        /// (3), then after 36 LearnClass-style steps (one-hot targets, rate 0.25, the last 12 at
        /// rate 0.004) every weight (15 + 20 + 12), bias (12), the layers' exponents (3) and
        /// WeightScaleChanges (1).
        /// </summary>
        public static readonly int[] ExpectedNarrowSoftmax = new int[]
        {
            22466, 22050, 21020, 37872, 9210, -22682, 24174, -23496, -3518, -10200, -14760, -13286,
            -13616, -2536, -29272, -12858, -12542, -14412, -5771, -16290, -21690, 24202, 2645, 19931,
            912, 15311, 9042, -5836, -10359, -16035, 27169, -25556, -13308, 20000, -16362, 29334,
            -13804, 18612, -828, 13324, -29086, -12368, 4262, 2062, -14018, -1340, 18392, 9222,
            -18264, -22400, 0, 0, 0, 0, 0, -779, 3203, -3260, 1348, 1392,
            -1335, -61, 1, 0, 1, 0
        };

        [TestMethod]
        public void NarrowSoftmaxWithAFrozenLayerLearnsTheDesktopBits()
        {
            ForwardBackwardBitsTests.AssertBits(ExpectedNarrowSoftmax, NarrowSoftmaxBits(), "3-5-4-3 16-bit softmax, layer 0 frozen, stochastic");
        }

        [TestMethod]
        public void NarrowWeightsLearnTheDesktopBits()
        {
            ForwardBackwardBitsTests.AssertBits(ExpectedNarrow, NarrowBits(), "3-4-2 16-bit stochastic");
        }

        [TestMethod]
        public void AFrozenLayerNetworkLearnsTheDesktopBits()
        {
            ForwardBackwardBitsTests.AssertBits(ExpectedFrozen, FrozenBits(), "3-4-4-2 16-bit, layer 0 frozen, momentum");
        }

        public static int[] NarrowBits()
        {
            var network = new Network(new int[] { 3, 4, 2 }, Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, 5, NetworkOptions.NarrowWeights);
            network.StochasticRounding = true;
            int[] bits = new int[2 + 20 + 6 + 2 + 1];
            int n = 0;
            int[] output = network.Forward(new int[] { 32768, -65536, 13107 });
            bits[n++] = output[0];
            bits[n++] = output[1];
            for (int step = 0; step < 40; step++)
            {
                network.LearningRate = step < 20 ? 32768 : 262;
                int[] input = new int[] { (step % 3 - 1) * 65536, (step % 5) * 13107, 98304 - step * 4096 };
                int[] target = new int[] { step % 2 == 0 ? 52429 : 6554, step % 3 == 0 ? 45875 : 19661 };
                network.Learn(input, target);
            }

            n = Parameters(network, bits, n);
            bits[n++] = network.GetWeightExponent(0);
            bits[n++] = network.GetWeightExponent(1);
            bits[n++] = network.WeightScaleChanges;
            return bits;
        }

        public static int[] NarrowSoftmaxBits()
        {
            var network = new Network(new int[] { 3, 5, 4, 3 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, 11, NetworkOptions.NarrowWeights, 1);
            network.StochasticRounding = true;
            int[] bits = new int[3 + 47 + 12 + 3 + 1];
            int n = 0;
            int[] output = network.Forward(new int[] { 45875, -19661, 98304 });
            for (int c = 0; c < 3; c++)
            {
                bits[n++] = output[c];
            }

            int[] target = new int[3];
            for (int step = 0; step < 36; step++)
            {
                network.LearningRate = step < 24 ? 16384 : 262;
                int[] input = new int[] { (step % 4 - 2) * 32768, (step % 3) * 26214, 65536 - (step % 5) * 19661 };
                int label = (step * 7 + step / 3) % 3;
                for (int c = 0; c < 3; c++)
                {
                    target[c] = c == label ? Q16.One : 0;
                }

                network.Learn(input, target);
            }

            n = Parameters(network, bits, n);
            for (int l = 0; l < 3; l++)
            {
                bits[n++] = network.GetWeightExponent(l);
            }

            bits[n++] = network.WeightScaleChanges;
            return bits;
        }

        public static int[] FrozenBits()
        {
            var network = new Network(new int[] { 3, 4, 4, 2 }, Activation.Sigmoid, Activation.Linear, Loss.MeanSquaredError, 7, NetworkOptions.NarrowWeights | NetworkOptions.Momentum, 1);
            network.Momentum = 32768;
            network.LearningRate = 16384;
            int[] bits = new int[36 + 10 + 3];
            for (int step = 0; step < 30; step++)
            {
                int[] input = new int[] { (step % 4) * 16384, 65536 - (step % 7) * 9362, (step % 2) * 131072 };
                int[] target = new int[] { (step % 5) * 26214 - 52428, step % 3 == 1 ? 65536 : -32768 };
                network.Learn(input, target);
            }

            int n = Parameters(network, bits, 0);
            for (int l = 0; l < 3; l++)
            {
                bits[n++] = network.GetWeightExponent(l);
            }

            return bits;
        }

        // Every weight (layer by layer, row-major), then every bias, from bits[n]; returns the next index.
        private static int Parameters(Network network, int[] bits, int n)
        {
            for (int l = 0; l < network.LayerCount - 1; l++)
            {
                for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                {
                    for (int i = 0; i < network.GetLayerSize(l); i++)
                    {
                        bits[n++] = network.GetWeight(l, j, i);
                    }
                }
            }

            for (int l = 0; l < network.LayerCount - 1; l++)
            {
                for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                {
                    bits[n++] = network.GetBias(l, j);
                }
            }

            return n;
        }
    }
}
