using System;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// The baseline: a multilayer perceptron in double precision written the way a user would
    /// write one in C#: jagged <c>double[][]</c> weights per layer (one row per neuron), plain
    /// loops, σ(x) = 1/(1 + e^-x) through <see cref="Math.Exp"/> on every layer, σ' from the
    /// output as y(1 - y), SGD with optional momentum. It does the same work as
    /// <see cref="Network"/> with sigmoid activations: the same loops in the same order
    /// (forward over the fan-in; backward over the fan-out with the old weights, then the update),
    /// the same half squared error returned by <see cref="Learn"/>. It shares no code with the
    /// engine and knows nothing of fixed point.
    /// </summary>
    public sealed class PlainDoubleMlp
    {
        private readonly bool crossEntropy;
        // weights[l][j][i]: from neuron i of layer l to neuron j of layer l + 1.
        private readonly double[][][] weights;
        private readonly double[][] biases;
        private readonly double[][] activations;
        private readonly double[][] deltas;
        private readonly double[][][]? weightGradients;
        private readonly double[][]? biasGradients;
        private readonly double[][][]? weightVelocities;
        private readonly double[][]? biasVelocities;

        /// <summary>Builds the network with weights uniform in ±1/√fanIn and zero biases.</summary>
        /// <param name="sizes">Neurons per layer, input first.</param>
        /// <param name="crossEntropy">Binary cross-entropy (δ = y - t at the output) instead of
        /// squared error (δ = (y - t)·y(1 - y)).</param>
        /// <param name="gradients">Allocate gradient buffers for <see cref="Backward"/>.</param>
        /// <param name="momentum">Allocate velocities: <see cref="Learn"/> then uses momentum.</param>
        /// <param name="seed">Seed of the initial weights.</param>
        public PlainDoubleMlp(int[] sizes, bool crossEntropy, bool gradients, bool momentum, int seed)
        {
            this.crossEntropy = crossEntropy;
            var random = new Random(seed);
            int layers = sizes.Length - 1;
            weights = new double[layers][][];
            biases = new double[layers][];
            activations = new double[sizes.Length][];
            deltas = new double[layers][];
            activations[0] = new double[sizes[0]];
            if (gradients)
            {
                weightGradients = new double[layers][][];
                biasGradients = new double[layers][];
            }

            if (momentum)
            {
                weightVelocities = new double[layers][][];
                biasVelocities = new double[layers][];
            }

            for (int l = 0; l < layers; l++)
            {
                int fanIn = sizes[l];
                int size = sizes[l + 1];
                double limit = 1.0 / Math.Sqrt(fanIn);
                weights[l] = new double[size][];
                for (int j = 0; j < size; j++)
                {
                    weights[l][j] = new double[fanIn];
                    for (int i = 0; i < fanIn; i++)
                    {
                        weights[l][j][i] = (2 * random.NextDouble() - 1) * limit;
                    }
                }

                biases[l] = new double[size];
                activations[l + 1] = new double[size];
                deltas[l] = new double[size];
                if (weightGradients != null && biasGradients != null)
                {
                    weightGradients[l] = NewMatrix(size, fanIn);
                    biasGradients[l] = new double[size];
                }

                if (weightVelocities != null && biasVelocities != null)
                {
                    weightVelocities[l] = NewMatrix(size, fanIn);
                    biasVelocities[l] = new double[size];
                }
            }
        }

        /// <summary>Learning rate (default 0.1).</summary>
        public double LearningRate { get; set; } = 0.1;

        /// <summary>Momentum coefficient μ (used only when built with momentum).</summary>
        public double Momentum { get; set; }

        /// <summary>Weight from neuron <paramref name="input"/> of layer <paramref name="layer"/> to
        /// neuron <paramref name="neuron"/> of the next layer.</summary>
        public double GetWeight(int layer, int neuron, int input) => weights[layer][neuron][input];

        /// <summary>Sets a weight.</summary>
        public void SetWeight(int layer, int neuron, int input, double value) => weights[layer][neuron][input] = value;

        /// <summary>Bias of neuron <paramref name="neuron"/> of layer <paramref name="layer"/> + 1.</summary>
        public double GetBias(int layer, int neuron) => biases[layer][neuron];

        /// <summary>Sets a bias.</summary>
        public void SetBias(int layer, int neuron, double value) => biases[layer][neuron] = value;

        /// <summary>Accumulated gradient of a weight (needs gradient buffers).</summary>
        public double GetWeightGradient(int layer, int neuron, int input) => weightGradients![layer][neuron][input];

        /// <summary>Accumulated gradient of a bias (needs gradient buffers).</summary>
        public double GetBiasGradient(int layer, int neuron) => biasGradients![layer][neuron];

        /// <summary>Runs the network; returns its own output buffer.</summary>
        public double[] Forward(double[] input)
        {
            Array.Copy(input, activations[0], input.Length);
            for (int l = 0; l < weights.Length; l++)
            {
                double[] layerInput = activations[l];
                double[] layerOutput = activations[l + 1];
                double[][] layerWeights = weights[l];
                double[] layerBiases = biases[l];
                for (int j = 0; j < layerOutput.Length; j++)
                {
                    double[] row = layerWeights[j];
                    double sum = layerBiases[j];
                    for (int i = 0; i < row.Length; i++)
                    {
                        sum += row[i] * layerInput[i];
                    }

                    layerOutput[j] = Sigmoid(sum);
                }
            }

            return activations[activations.Length - 1];
        }

        /// <summary>After <see cref="Forward"/>: adds this sample's gradients to the gradient buffers.</summary>
        public void Backward(double[] target)
        {
            double[][][] gradients = weightGradients ?? throw new InvalidOperationException("Backward needs gradient buffers.");
            double[][] gradientsOfBiases = biasGradients!;
            OutputDeltas(target);
            for (int l = weights.Length - 1; l >= 0; l--)
            {
                double[] layerDeltas = deltas[l];
                double[] layerInput = activations[l];
                double[][] layerGradients = gradients[l];
                double[] layerBiasGradients = gradientsOfBiases[l];
                for (int j = 0; j < layerDeltas.Length; j++)
                {
                    double delta = layerDeltas[j];
                    double[] row = layerGradients[j];
                    for (int i = 0; i < row.Length; i++)
                    {
                        row[i] += delta * layerInput[i];
                    }

                    layerBiasGradients[j] += delta;
                }

                if (l > 0)
                {
                    PropagateDeltas(l);
                }
            }
        }

        /// <summary>
        /// One SGD step on one sample (with momentum if built with it); returns ½ Σ (y - t)² before
        /// the step.
        /// </summary>
        public double Learn(double[] input, double[] target)
        {
            double[] output = Forward(input);
            double halfSquaredError = 0;
            for (int j = 0; j < output.Length; j++)
            {
                double error = output[j] - target[j];
                halfSquaredError += 0.5 * error * error;
            }

            OutputDeltas(target);
            double rate = LearningRate;
            for (int l = weights.Length - 1; l >= 0; l--)
            {
                if (l > 0)
                {
                    PropagateDeltas(l);
                }

                double[] layerDeltas = deltas[l];
                double[] layerInput = activations[l];
                double[][] layerWeights = weights[l];
                double[] layerBiases = biases[l];
                if (weightVelocities == null || biasVelocities == null)
                {
                    for (int j = 0; j < layerDeltas.Length; j++)
                    {
                        double step = rate * layerDeltas[j];
                        double[] row = layerWeights[j];
                        for (int i = 0; i < row.Length; i++)
                        {
                            row[i] -= step * layerInput[i];
                        }

                        layerBiases[j] -= step;
                    }
                }
                else
                {
                    double mu = Momentum;
                    double[][] layerVelocities = weightVelocities[l];
                    double[] layerBiasVelocities = biasVelocities[l];
                    for (int j = 0; j < layerDeltas.Length; j++)
                    {
                        double step = rate * layerDeltas[j];
                        double[] row = layerWeights[j];
                        double[] velocities = layerVelocities[j];
                        for (int i = 0; i < row.Length; i++)
                        {
                            velocities[i] = mu * velocities[i] - step * layerInput[i];
                            row[i] += velocities[i];
                        }

                        layerBiasVelocities[j] = mu * layerBiasVelocities[j] - step;
                        layerBiases[j] += layerBiasVelocities[j];
                    }
                }
            }

            return halfSquaredError;
        }

        private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

        private static double[][] NewMatrix(int rows, int columns)
        {
            var matrix = new double[rows][];
            for (int j = 0; j < rows; j++)
            {
                matrix[j] = new double[columns];
            }

            return matrix;
        }

        private void OutputDeltas(double[] target)
        {
            double[] output = activations[activations.Length - 1];
            double[] outputDeltas = deltas[deltas.Length - 1];
            for (int j = 0; j < output.Length; j++)
            {
                double y = output[j];
                outputDeltas[j] = crossEntropy ? y - target[j] : (y - target[j]) * y * (1 - y);
            }
        }

        // δ of hidden layer l (the inputs of weight layer l) from weight layer l's deltas, with the
        // weights as they are (Learn calls it before updating layer l).
        private void PropagateDeltas(int l)
        {
            double[][] layerWeights = weights[l];
            double[] upperDeltas = deltas[l];
            double[] lower = activations[l];
            double[] lowerDeltas = deltas[l - 1];
            for (int i = 0; i < lower.Length; i++)
            {
                double sum = 0;
                for (int j = 0; j < upperDeltas.Length; j++)
                {
                    sum += layerWeights[j][i] * upperDeltas[j];
                }

                double y = lower[i];
                lowerDeltas[i] = sum * y * (1 - y);
            }
        }
    }
}
