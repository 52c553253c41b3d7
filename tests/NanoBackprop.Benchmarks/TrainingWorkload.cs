using System;
using NanoBackprop;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// One topology's networks, samples and operations, shared by the BenchmarkDotNet class
    /// (<c>TrainingBenchmarks</c>) and the CI smoke test (tests/NanoBackprop.Tests links this file),
    /// so that the smoke test runs exactly the code that is benchmarked.
    /// </summary>
    /// <remarks>
    /// <para>Every network has sigmoid hidden layers and a sigmoid output. 5-8-1 learns with binary
    /// cross-entropy (a binary classifier, the README's example); 16-32-16-4 and 64-64-10 with
    /// squared error, the library's default loss, whose output delta needs σ'(z) per output, so
    /// they also time the derivative path that cross-entropy skips.</para>
    /// <para>All fixed-point networks of a topology start from the same weights (the same seed);
    /// the double networks get exact copies of them (a Q16.16 value is a double exactly).</para>
    /// <para>Samples: <see cref="SampleCount"/> inputs uniform in [-1, 1], each used twice with
    /// opposite targets (t and 1 - t per output, t random 0 or 1), cycled in order. The targets
    /// contradict each other, so a network that keeps learning never converges to saturated outputs
    /// and tiny deltas: its state stays in the same regime however many millions of steps a
    /// benchmark takes.</para>
    /// </remarks>
    public sealed class TrainingWorkload
    {
        /// <summary>The benchmarked topologies.</summary>
        public static readonly string[] Topologies = { "5-8-1", "16-32-16-4", "64-64-10" };

        /// <summary>Samples cycled through (a power of two).</summary>
        public const int SampleCount = 16;

        /// <summary>Learning rate of every network.</summary>
        public const double LearningRate = 0.1;

        /// <summary>Momentum coefficient μ of the momentum networks.</summary>
        public const double MomentumCoefficient = 0.9;

        /// <summary>Seed of every network (and of the samples).</summary>
        public const int Seed = 1;

        private readonly int[][] fixedInputs = new int[SampleCount][];
        private readonly int[][] fixedTargets = new int[SampleCount][];
        private readonly double[][] doubleInputs = new double[SampleCount][];
        private readonly double[][] doubleTargets = new double[SampleCount][];
        private readonly Loss loss;
        private int next;

        /// <summary>Builds the networks and samples of a topology such as "16-32-16-4".</summary>
        public TrainingWorkload(string topology)
        {
            Sizes = ParseTopology(topology);
            Topology = topology;
            loss = Sizes.Length == 3 && Sizes[0] == 5 && Sizes[1] == 8 && Sizes[2] == 1 ? Loss.BinaryCrossEntropy : Loss.MeanSquaredError;
            bool crossEntropy = loss == Loss.BinaryCrossEntropy;

            Lean = NewNetwork(NetworkOptions.None);
            Accumulating = NewNetwork(NetworkOptions.GradientAccumulation);
            WithMomentum = NewNetwork(NetworkOptions.Momentum);
            WithMomentum.Momentum = Q16.FromDouble(MomentumCoefficient);
            Stochastic = NewNetwork(NetworkOptions.None);
            Stochastic.StochasticRounding = true;

            DoubleLean = CopyToDouble(Lean, crossEntropy, gradients: false, momentum: false);
            DoubleAccumulating = CopyToDouble(Lean, crossEntropy, gradients: true, momentum: false);
            DoubleWithMomentum = CopyToDouble(Lean, crossEntropy, gradients: false, momentum: true);
            DoubleWithMomentum.Momentum = Q16.ToDouble(WithMomentum.Momentum);

            var random = new Random(Seed);
            int inputs = Sizes[0];
            int outputs = Sizes[Sizes.Length - 1];
            for (int k = 0; k < SampleCount; k += 2)
            {
                int[] input = new int[inputs];
                for (int i = 0; i < inputs; i++)
                {
                    input[i] = random.Next(-Q16.One, Q16.One + 1);
                }

                int[] target = new int[outputs];
                int[] opposite = new int[outputs];
                for (int j = 0; j < outputs; j++)
                {
                    target[j] = random.Next(2) * Q16.One;
                    opposite[j] = Q16.One - target[j];
                }

                fixedInputs[k] = input;
                fixedInputs[k + 1] = input;
                fixedTargets[k] = target;
                fixedTargets[k + 1] = opposite;
            }

            for (int k = 0; k < SampleCount; k++)
            {
                doubleInputs[k] = ToDouble(fixedInputs[k]);
                doubleTargets[k] = ToDouble(fixedTargets[k]);
            }

            // The state that FixedBackward and DoubleBackward differentiate, over and over.
            Accumulating.Forward(fixedInputs[0]);
            DoubleAccumulating.Forward(doubleInputs[0]);
        }

        /// <summary>The topology's name, e.g. "5-8-1".</summary>
        public string Topology { get; }

        /// <summary>Neurons per layer.</summary>
        public int[] Sizes { get; }

        /// <summary>The loss <see cref="Network.Learn"/> minimises.</summary>
        public Loss Loss
        {
            get { return loss; }
        }

        /// <summary>NetworkOptions.None: Forward and plain SGD.</summary>
        public Network Lean { get; }

        /// <summary>NetworkOptions.GradientAccumulation: Backward.</summary>
        public Network Accumulating { get; }

        /// <summary>NetworkOptions.Momentum with μ = 0.9.</summary>
        public Network WithMomentum { get; }

        /// <summary>NetworkOptions.None with stochastic rounding.</summary>
        public Network Stochastic { get; }

        /// <summary>Double baseline: Forward and plain SGD.</summary>
        public PlainDoubleMlp DoubleLean { get; }

        /// <summary>Double baseline with gradient buffers: Backward.</summary>
        public PlainDoubleMlp DoubleAccumulating { get; }

        /// <summary>Double baseline with momentum μ = 0.9.</summary>
        public PlainDoubleMlp DoubleWithMomentum { get; }

        /// <summary>Sample k's Q16.16 input.</summary>
        public int[] FixedInput(int k) => fixedInputs[k];

        /// <summary>Sample k's Q16.16 target.</summary>
        public int[] FixedTarget(int k) => fixedTargets[k];

        /// <summary>Sample k's input as doubles (the same values).</summary>
        public double[] DoubleInput(int k) => doubleInputs[k];

        /// <summary>Sample k's target as doubles.</summary>
        public double[] DoubleTarget(int k) => doubleTargets[k];

        /// <summary>Parses "16-32-16-4" into {16, 32, 16, 4}.</summary>
        public static int[] ParseTopology(string topology)
        {
            string[] parts = topology.Split('-');
            int[] sizes = new int[parts.Length];
            for (int l = 0; l < parts.Length; l++)
            {
                sizes[l] = int.Parse(parts[l], System.Globalization.CultureInfo.InvariantCulture);
            }

            return sizes;
        }

        /// <summary>A double network with exactly the fixed-point network's weights and biases.</summary>
        public static PlainDoubleMlp CopyToDouble(Network network, bool crossEntropy, bool gradients, bool momentum)
        {
            int[] sizes = new int[network.LayerCount];
            for (int l = 0; l < sizes.Length; l++)
            {
                sizes[l] = network.GetLayerSize(l);
            }

            var copy = new PlainDoubleMlp(sizes, crossEntropy, gradients, momentum, Seed);
            copy.LearningRate = Q16.ToDouble(network.LearningRate);
            for (int l = 0; l < sizes.Length - 1; l++)
            {
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    for (int i = 0; i < sizes[l]; i++)
                    {
                        copy.SetWeight(l, j, i, Q16.ToDouble(network.GetWeight(l, j, i)));
                    }

                    copy.SetBias(l, j, Q16.ToDouble(network.GetBias(l, j)));
                }
            }

            return copy;
        }

        // --- The measured operations: one call each, cycling through the samples. ---

        /// <summary>Fixed point: one Forward.</summary>
        public int FixedForward()
        {
            return Lean.Forward(fixedInputs[Next()])[0];
        }

        /// <summary>Fixed point: Forward, then Backward (gradient accumulation).</summary>
        public int FixedForwardBackward()
        {
            int k = Next();
            int output = Accumulating.Forward(fixedInputs[k])[0];
            Accumulating.Backward(fixedTargets[k], loss);
            return output;
        }

        /// <summary>Fixed point: Backward alone, on the fixed forward state left by the constructor
        /// (Backward keeps that state valid; the gradients keep accumulating, saturating).</summary>
        public void FixedBackward()
        {
            Accumulating.Backward(fixedTargets[0], loss);
        }

        /// <summary>Fixed point: fused Learn, plain SGD (no momentum, round to nearest).</summary>
        public int FixedLearn()
        {
            int k = Next();
            return Lean.Learn(fixedInputs[k], fixedTargets[k]);
        }

        /// <summary>Fixed point: fused Learn with momentum 0.9.</summary>
        public int FixedLearnMomentum()
        {
            int k = Next();
            return WithMomentum.Learn(fixedInputs[k], fixedTargets[k]);
        }

        /// <summary>Fixed point: fused Learn, plain SGD with stochastic rounding.</summary>
        public int FixedLearnStochastic()
        {
            int k = Next();
            return Stochastic.Learn(fixedInputs[k], fixedTargets[k]);
        }

        /// <summary>Double: one Forward.</summary>
        public double DoubleForward()
        {
            return DoubleLean.Forward(doubleInputs[Next()])[0];
        }

        /// <summary>Double: Forward, then Backward (gradient accumulation).</summary>
        public double DoubleForwardBackward()
        {
            int k = Next();
            double output = DoubleAccumulating.Forward(doubleInputs[k])[0];
            DoubleAccumulating.Backward(doubleTargets[k]);
            return output;
        }

        /// <summary>Double: Backward alone on the fixed forward state.</summary>
        public void DoubleBackward()
        {
            DoubleAccumulating.Backward(doubleTargets[0]);
        }

        /// <summary>Double: Learn, plain SGD.</summary>
        public double DoubleLearn()
        {
            int k = Next();
            return DoubleLean.Learn(doubleInputs[k], doubleTargets[k]);
        }

        /// <summary>Double: Learn with momentum 0.9.</summary>
        public double DoubleLearnMomentum()
        {
            int k = Next();
            return DoubleWithMomentum.Learn(doubleInputs[k], doubleTargets[k]);
        }

        private static double[] ToDouble(int[] values)
        {
            double[] result = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                result[i] = Q16.ToDouble(values[i]);
            }

            return result;
        }

        private Network NewNetwork(NetworkOptions options)
        {
            var network = new Network(Sizes, Activation.Sigmoid, Activation.Sigmoid, loss, Seed, options);
            network.LearningRate = Q16.FromDouble(LearningRate);
            return network;
        }

        private int Next()
        {
            int k = next;
            next = (k + 1) & (SampleCount - 1);
            return k;
        }
    }
}
