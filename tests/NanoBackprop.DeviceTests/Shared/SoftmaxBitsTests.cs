using System;
using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// The softmax output on the device, bit for bit: the exp tables over their whole range (a
    /// fingerprint and sum), the worked 2-input, 3-class example, a 2-4-3 tanh/softmax net's
    /// forward pass, gradients and three fused learning steps. Every expected int is what the
    /// desktop build computed; the desktop suite proves the same numbers against the double
    /// reference (SoftmaxTests, ReferenceTests.Seed003).
    /// </summary>
    [TestClass]
    public class SoftmaxBitsTests
    {
        /// <summary>
        /// Observed on the desktop: fingerprint and sum of Softmax.ExpNegativeQ30 at every 7th
        /// Q16.16 input from 0 to the cut-off at 22.0 (205,971 inputs), and its value at 0 and at
        /// the cut-off.
        /// </summary>
        public static readonly long[] ExpectedExpTable = new long[] { 2739665955, 10053214616350, 1073741824, 0 };

        /// <summary>
        /// Observed bits of the 2-4-3 net (tanh hidden, softmax output, categorical cross-entropy,
        /// pattern weights): outputs (3) and their sum (1), hidden activations (4), weight and
        /// bias gradients (20 + 7) for class 2 (the last three are y - t: 27654, 8553, -36207), then the losses Learn returned in three fused
        /// steps at rate 0.5 on soft targets (3) and the parameters after them (27).
        /// </summary>
        public static readonly int[] ExpectedTwoFourThree = new int[]
        {
            27654, 8553, 29329, 65536, -33532, 33046, -9115, -28981, 6121, -3498, -1183, 676, -32877, 18787,
            6670, -3811, -14149, 13944, -3846, -12229, -4376, 4313, -1190, -3782, 18526, -18257, 5036, 16011,
            8744, -1690, -46967, 9529, 27654, 8553, -36207, 77306, 65539, 62453, -44818, -12306, 23011, -35617,
            12179, 32361, -24679, 7081, -10615, 11112, -49181, -2189, 23162, -33438, 682, 34022, -32207, 12496,
            48501, -22004, -365, -9256, 23954, 318, -25283, 13390, 11893
        };

        [TestMethod]
        public void ExpTableGivesTheDesktopBitsOverItsWholeRange()
        {
            long[] observed = ExpTableBits();
            Assert.AreEqual(ExpectedExpTable.Length, observed.Length, "number of observed values");
            for (int k = 0; k < observed.Length; k++)
            {
                Assert.AreEqual(ExpectedExpTable[k], observed[k], "exp table value " + k);
            }
        }

        [TestMethod]
        public void WorkedThreeClassExampleGivesTheHandWorkedBits()
        {
            // Logits 1, 0, -1 (x = (0.5, 1), rows (2, 0), (1, -0.5), (0, -1)): y = (43597, 16039,
            // 5900), deltas for class 0: (-21939, 16039, 5900), ∂L/∂w: -10970, -21939, 8020,
            // 16039, 2950, 5900; loss 26713 (0.407606).
            Network network = new Network(new int[] { 2, 3 }, Activation.Linear, Activation.Softmax, Loss.CategoricalCrossEntropy, 1, NetworkOptions.GradientAccumulation);
            network.SetWeight(0, 0, 0, 2 * Q16.One);
            network.SetWeight(0, 1, 0, Q16.One);
            network.SetWeight(0, 1, 1, -Q16.Half);
            network.SetWeight(0, 2, 1, -Q16.One);
            network.SetWeight(0, 0, 1, 0);
            network.SetWeight(0, 2, 0, 0);

            int[] input = new int[] { Q16.Half, Q16.One };
            int[] target = new int[] { Q16.One, 0, 0 };
            int[] output = network.Forward(input);
            ForwardBackwardBitsTests.AssertBits(new int[] { 43597, 16039, 5900 }, output, "worked example outputs");
            network.Backward(target, Loss.CategoricalCrossEntropy);
            ForwardBackwardBitsTests.AssertBits(new int[] { -21939, 16039, 5900 },
                new int[] { network.GetBiasGradient(0, 0), network.GetBiasGradient(0, 1), network.GetBiasGradient(0, 2) }, "worked example deltas");
            ForwardBackwardBitsTests.AssertBits(new int[] { -10970, -21939, 8020, 16039, 2950, 5900 },
                new int[]
                {
                    network.GetWeightGradient(0, 0, 0), network.GetWeightGradient(0, 0, 1), network.GetWeightGradient(0, 1, 0),
                    network.GetWeightGradient(0, 1, 1), network.GetWeightGradient(0, 2, 0), network.GetWeightGradient(0, 2, 1),
                },
                "worked example weight gradients");
            Assert.AreEqual(26713, Softmax.CrossEntropy(new int[] { Q16.One, 0, -Q16.One }, target), "worked example loss");
        }

        [TestMethod]
        public void TwoFourThreeSoftmaxNetGivesTheDesktopBits()
        {
            ForwardBackwardBitsTests.AssertBits(ExpectedTwoFourThree, TwoFourThreeBits(), "2-4-3 tanh/softmax");
        }

        [TestMethod]
        public void OutputsSumToExactlyOneAtTheFormatsLimits()
        {
            int[] outputs = new int[4];
            Softmax.Evaluate(new int[] { int.MaxValue, int.MinValue, 0, int.MaxValue }, outputs);
            ForwardBackwardBitsTests.AssertBits(new int[] { 32768, 0, 0, 32768 }, outputs, "two equal leaders share one");
            Assert.AreEqual(int.MaxValue, Softmax.CrossEntropy(new int[] { int.MaxValue, int.MinValue }, new int[] { 0, Q16.One }), "a loss beyond 32768 saturates");
        }

        /// <summary>The exp table observations in the order <see cref="ExpectedExpTable"/> lists.</summary>
        public static long[] ExpTableBits()
        {
            uint hash = DeviceTestSupport.EmptyFingerprint;
            long sum = 0;
            for (long x = 0; x < Softmax.CutoffInput; x += 7)
            {
                int value = Softmax.ExpNegativeQ30(x);
                hash = DeviceTestSupport.Fingerprint(hash, value);
                sum += value;
            }

            return new long[] { hash, sum, Softmax.ExpNegativeQ30(0), Softmax.ExpNegativeQ30(Softmax.CutoffInput) };
        }

        /// <summary>The 2-4-3 observations in the order <see cref="ExpectedTwoFourThree"/> lists.</summary>
        public static int[] TwoFourThreeBits()
        {
            Network network = new Network(new int[] { 2, 4, 3 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, 5,
                NetworkOptions.GradientAccumulation);
            // Weights (k mod 11 - 5)·0.15 and biases (j mod 3 - 1)·0.1, as ForwardBackwardBitsTests' pattern.
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

            int[] input = new int[] { 45875, -26214 };          // 0.7, -0.4
            int[] target = new int[] { 0, 0, Q16.One };         // class 2
            int[] soft = new int[] { 6554, 19661, 39321 };      // 0.1, 0.3, 0.6
            int[] bits = new int[80];
            int at = 0;

            int[] output = network.Forward(input);
            bits[at++] = output[0];
            bits[at++] = output[1];
            bits[at++] = output[2];
            bits[at++] = output[0] + output[1] + output[2];
            for (int j = 0; j < 4; j++)
            {
                bits[at++] = network.GetActivation(1, j);
            }

            network.Backward(target, Loss.CategoricalCrossEntropy);
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

            network.ClearGradients();
            network.LearningRate = Q16.Half;
            for (int step = 0; step < 3; step++)
            {
                bits[at++] = network.Learn(input, soft);
            }

            int[] parameters = new int[network.ParameterCount];
            network.CopyParametersTo(parameters);
            Array.Copy(parameters, 0, bits, at, parameters.Length);
            at += parameters.Length;
            int[] trimmed = new int[at];
            Array.Copy(bits, trimmed, at);
            return trimmed;
        }
    }
}
