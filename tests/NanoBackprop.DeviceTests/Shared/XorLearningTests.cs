using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// XOR learned on the device, as in the README's figure (sigmoid 2-3-1, squared error, rate
    /// 1.0, per-sample SGD in a fixed order, round-to-nearest): a fixed seed and epoch count end
    /// at exactly the outputs and weights the desktop computed. Seed 3 learns XOR; the check is
    /// that the board gets there bit for bit, not only that it gets there.
    /// </summary>
    [TestClass]
    public class XorLearningTests
    {
        /// <summary>The network's seed (its own xorshift draws the initial weights).</summary>
        public const int Seed = 3;

        /// <summary>Epochs of the four patterns.</summary>
        public const int Epochs = 2000;

        /// <summary>Outputs for (0,0), (0,1), (1,0), (1,1) after training, Q16.16, from the desktop.</summary>
        public static readonly int[] ExpectedOutputs = new int[] { 1933, 63521, 63519, 2561 };

        /// <summary>Every weight and bias after training (CopyParametersTo order), from the desktop.</summary>
        public static readonly int[] ExpectedParameters = new int[]
        {
            -182553, -197520, -223337, -209965, -419204, -424750, 319139, 373630, -640402, 275085, 316486,
            171538, -317185
        };

        /// <summary>The initial weights of the seed, so a different PRNG shows up before training does.</summary>
        public static readonly int[] ExpectedInitialParameters = new int[]
        {
            20353, 30337, -34893, -16486, -43483, -15430, -15532, 24892, 14161, 0, 0, 0, 0
        };

        private static readonly int[][] Inputs = { new int[] { 0, 0 }, new int[] { 0, Q16.One }, new int[] { Q16.One, 0 }, new int[] { Q16.One, Q16.One } };
        private static readonly int[] Targets = { 0, Q16.One, Q16.One, 0 };

        [TestMethod]
        public void XorEndsAtTheDesktopsOutputsAndWeights()
        {
            Network network = CreateNetwork();
            ForwardBackwardBitsTests.AssertBits(ExpectedInitialParameters, Parameters(network), "XOR initial parameters");
            Train(network);
            int[] outputs = Outputs(network);
            OutputHelper.WriteLine("XOR after " + Epochs + " epochs: " + outputs[0] + " " + outputs[1] + " " + outputs[2] + " " + outputs[3] + " (Q16.16)");
            ForwardBackwardBitsTests.AssertBits(ExpectedOutputs, outputs, "XOR outputs");
            ForwardBackwardBitsTests.AssertBits(ExpectedParameters, Parameters(network), "XOR parameters");
            Assert.IsTrue(outputs[0] < Q16.One / 10 && outputs[3] < Q16.One / 10, "false cases below 0.1");
            Assert.IsTrue(outputs[1] > Q16.One * 9 / 10 && outputs[2] > Q16.One * 9 / 10, "true cases above 0.9");
        }

        /// <summary>The network before training.</summary>
        public static Network CreateNetwork()
        {
            Network network = new Network(new int[] { 2, 3, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, Seed, NetworkOptions.None);
            network.LearningRate = Q16.One;
            return network;
        }

        /// <summary>Runs the epochs.</summary>
        public static void Train(Network network)
        {
            int[] target = new int[1];
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                for (int p = 0; p < 4; p++)
                {
                    target[0] = Targets[p];
                    network.Learn(Inputs[p], target);
                }
            }
        }

        /// <summary>The outputs for the four patterns.</summary>
        public static int[] Outputs(Network network)
        {
            int[] outputs = new int[4];
            for (int p = 0; p < 4; p++)
            {
                outputs[p] = network.Forward(Inputs[p])[0];
            }

            return outputs;
        }

        /// <summary>Every weight and bias.</summary>
        public static int[] Parameters(Network network)
        {
            int[] parameters = new int[network.ParameterCount];
            network.CopyParametersTo(parameters);
            return parameters;
        }
    }
}
