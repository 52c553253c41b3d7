using System.Globalization;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// The `hash` command: a fingerprint of what training computes, to show that a change to the
    /// engine's speed left its arithmetic bit for bit the same. 200 networks (four topologies, five
    /// hidden activations, both losses; plain SGD, momentum 0.9, stochastic rounding, a learning
    /// rate of 2 that saturates weights, no biases) take 300 Learn steps each on random inputs in
    /// [-3, 3) and targets in [0, 1]; every returned loss, weight, bias and the saturation count
    /// go into a 64-bit FNV-1a hash. Run it before and after a change: the two lines must match.
    /// </summary>
    public static class BitIdentity
    {
        /// <summary>The hash, the networks and the weight saturations counted, as one line.</summary>
        public static string Run()
        {
            ulong hash = 14695981039346656037UL;
            void Mix(long value)
            {
                hash ^= (ulong)value;
                hash *= 1099511628211UL;
            }

            Activation[] activations = { Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Linear };
            int[][] topologies = { new[] { 5, 8, 1 }, new[] { 3, 7, 5, 2 }, new[] { 16, 32, 16, 4 }, new[] { 2, 3, 1 } };
            int networks = 0;
            long saturations = 0;
            foreach (int[] sizes in topologies)
            {
                foreach (Activation hidden in activations)
                {
                    foreach (Loss loss in new[] { Loss.MeanSquaredError, Loss.BinaryCrossEntropy })
                    {
                        for (int configuration = 0; configuration < 5; configuration++)
                        {
                            // 0 plain SGD, 1 momentum, 2 stochastic rounding, 3 learning rate 2, 4 no biases.
                            NetworkOptions options = configuration == 1 ? NetworkOptions.Momentum : configuration == 4 ? NetworkOptions.WithoutBiases : NetworkOptions.None;
                            Activation output = loss == Loss.BinaryCrossEntropy ? Activation.Sigmoid : activations[networks % activations.Length];
                            var network = new Network(sizes, hidden, output, loss, 100 + networks, options);
                            networks++;
                            network.LearningRate = Q16.FromDouble(configuration == 3 ? 2.0 : 0.3);
                            if (configuration == 1)
                            {
                                network.Momentum = Q16.FromDouble(0.9);
                            }

                            network.StochasticRounding = configuration == 2;
                            var random = new Random(networks);
                            int[] input = new int[sizes[0]];
                            int[] target = new int[sizes[sizes.Length - 1]];
                            for (int step = 0; step < 300; step++)
                            {
                                for (int i = 0; i < input.Length; i++)
                                {
                                    input[i] = random.Next(-3 * Q16.One, 3 * Q16.One);
                                }

                                for (int j = 0; j < target.Length; j++)
                                {
                                    target[j] = random.Next(0, Q16.One + 1);
                                }

                                Mix(network.Learn(input, target));
                            }

                            for (int l = 0; l < sizes.Length - 1; l++)
                            {
                                for (int j = 0; j < sizes[l + 1]; j++)
                                {
                                    if (configuration != 4)
                                    {
                                        Mix(network.GetBias(l, j));
                                    }

                                    for (int i = 0; i < sizes[l]; i++)
                                    {
                                        Mix(network.GetWeight(l, j, i));
                                    }
                                }
                            }

                            Mix(network.WeightSaturations);
                            saturations += network.WeightSaturations;
                        }
                    }
                }
            }

            return $"hash {hash:X16} over {networks} networks, {saturations.ToString("N0", CultureInfo.InvariantCulture)} weight saturations";
        }
    }
}
