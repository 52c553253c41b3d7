using System;

namespace NanoBackprop
{
    /// <summary>
    /// A fully connected multilayer perceptron in Q16.16 fixed point that trains itself: forward
    /// and backward passes, SGD with optional momentum, mini-batches, and a fused per-sample
    /// <see cref="Learn"/>. Every buffer is allocated by the constructor; no other member allocates.
    /// </summary>
    /// <remarks>
    /// <para><b>Layout.</b> Layer l (0-based) holds the weights from layer l's neurons (layer 0 is the
    /// input) to layer l + 1's. Its weights are one flat row-major array: neuron j's row of fan-in
    /// weights starts at j·fanIn.</para>
    /// <para><b>Bounds that rule out overflow.</b> Weights are kept within ±<see cref="MaxWeight"/>
    /// (128.0, 2^23 LSB): updates that would leave it saturate there, and <see cref="SetWeight"/>
    /// rejects values beyond it. Every layer has at most <see cref="MaxLayerSize"/> (511) neurons.
    /// Then a weighted sum of any Q16.16 values (|x| ≤ 2^31 LSB) is at most 511·2^54 + 2^47 &lt; 2^63
    /// in 64 bits, forward (over the fan-in, with the bias) and backward (over the fan-out), so the
    /// exact sums never overflow and are rounded once. Biases, activations and deltas use the full
    /// Q16.16 range and saturate.</para>
    /// <para><b>Rounding.</b> Every product is rounded to nearest, ties away from zero, except where
    /// stated: stochastic rounding of updates (<see cref="StochasticRounding"/>) and the momentum
    /// decay, which truncates toward zero so that a velocity dies out once gradients stop (rounding
    /// 0.9 × 1 LSB to nearest would keep a 1-LSB velocity alive forever).</para>
    /// <para><b>Smallest update.</b> With round-to-nearest a step lr·∂L/∂w below half an LSB, 2^-17
    /// (about 7.6e-6), rounds to 0 and that weight stops learning: with lr = 0.1 a gradient must
    /// exceed 7.6e-5. With stochastic rounding a step of any size moves the weight by one LSB with
    /// probability step/2^-16, so the expected update is exact down to about 2^-40 (the resolution
    /// of the exact product in <see cref="Learn"/>).</para>
    /// </remarks>
    public sealed class Network
    {
        /// <summary>Largest weight magnitude in Q16.16: 128.0 (2^23 LSB).</summary>
        public const int MaxWeight = 128 * Q16.One;

        /// <summary>
        /// Most neurons a layer may have: 511 is the largest n with n·2^54 + 2^47 &lt; 2^63, so
        /// weighted sums over a fan-in or fan-out fit a long exactly.
        /// </summary>
        public const int MaxLayerSize = 511;

        /// <summary>Most layers (input and output included).</summary>
        public const int MaxLayerCount = 16;

        /// <summary>
        /// Most fractional bits beyond Q16.16 that a layer's deltas may carry (δ resolution down to
        /// 2^-46), chosen per layer and sample by the size of its largest delta.
        /// </summary>
        public const int MaxDeltaShift = 30;

        // Q8.24 holds lr·δ in Learn: 8 bits finer than Q16.16, so that lr·δ·a keeps its precision
        // when lr·δ is far below one LSB.
        private const int ScaledDeltaShift = 8;
        private const int ScaledDeltaFractionalBits = Q16.FractionalBits + ScaledDeltaShift;

        private readonly int[] layerSizes;
        private readonly Activation hiddenActivation;
        private readonly Activation outputActivation;
        private readonly Loss loss;
        private readonly NetworkOptions options;

        // weights[l][j·fanIn + i]: from neuron i of layer l to neuron j of layer l + 1.
        private readonly int[][] weights;
        // biases[l][j]: neuron j of layer l + 1; null without biases.
        private readonly int[][] biases;
        // activations[l]: layer l's outputs (activations[0] is a copy of the input).
        private readonly int[][] activations;
        // preActivations[l][j]: z of neuron j of layer l + 1, for the derivatives.
        private readonly int[][] preActivations;
        // deltas[l][j]·2^-(16 + deltaShifts[l]) = ∂L/∂z for neuron j of layer l + 1 (block floating
        // point: one exponent per layer, see LeastRoom and StoreDeltas).
        private readonly int[][] deltas;
        private readonly int[] deltaShifts;
        // Scratch for one layer's exact deltas before they are normalised: products and their units.
        private readonly long[] exactDeltas;
        private readonly int[] exactDeltaUnits;
        // Accumulated gradients, only with GradientAccumulation.
        private readonly int[][] weightGradients;
        private readonly int[][] biasGradients;
        // Velocities, only with Momentum.
        private readonly int[][] weightVelocities;
        private readonly int[][] biasVelocities;

        private int learningRate;
        private int momentum;
        private bool stochasticRounding;
        private uint randomState;
        private bool forwardValid;
        private int accumulatedSamples;
        private int weightSaturations;

        /// <summary>
        /// Builds a network with per-sample SGD (no optional buffers), mean squared error and
        /// learning rate 0.1.
        /// </summary>
        /// <param name="layerSizes">Neurons per layer, input first, e.g. {5, 8, 1}.</param>
        /// <param name="hiddenActivation">Activation of every hidden layer.</param>
        /// <param name="outputActivation">Activation of the output layer.</param>
        /// <param name="seed">Seed of the network's own PRNG (initial weights, stochastic rounding).</param>
        public Network(int[] layerSizes, Activation hiddenActivation, Activation outputActivation, int seed)
            : this(layerSizes, hiddenActivation, outputActivation, Loss.MeanSquaredError, seed, NetworkOptions.None)
        {
        }

        /// <summary>
        /// Builds a network and allocates every buffer it will ever use. Weights are drawn uniformly
        /// from ±1/√fanIn with the network's own PRNG (xorshift32, integer only, so a seed gives
        /// the same weights on every platform); biases start at 0. The learning rate starts at 0.1,
        /// momentum at 0, stochastic rounding off.
        /// </summary>
        /// <param name="layerSizes">Neurons per layer, input first, e.g. {5, 8, 1}: 2 to
        /// <see cref="MaxLayerCount"/> layers of 1 to <see cref="MaxLayerSize"/> neurons.</param>
        /// <param name="hiddenActivation">Activation of every hidden layer.</param>
        /// <param name="outputActivation">Activation of the output layer.</param>
        /// <param name="loss">The loss <see cref="Learn"/> minimises. Binary cross-entropy needs a
        /// sigmoid output.</param>
        /// <param name="seed">Seed of the network's own PRNG.</param>
        /// <param name="options">Which optional buffers to allocate.</param>
        /// <exception cref="ArgumentNullException">layerSizes is null.</exception>
        /// <exception cref="ArgumentException">A size, activation, loss or option is invalid.</exception>
        public Network(int[] layerSizes, Activation hiddenActivation, Activation outputActivation, Loss loss, int seed, NetworkOptions options)
        {
            ValidateTopology(layerSizes, hiddenActivation, outputActivation, loss, options);

            int layerCount = layerSizes.Length;
            this.layerSizes = new int[layerCount];
            Array.Copy(layerSizes, this.layerSizes, layerCount);
            this.hiddenActivation = hiddenActivation;
            this.outputActivation = outputActivation;
            this.loss = loss;
            this.options = options;

            bool hasBiases = (options & NetworkOptions.WithoutBiases) == 0;
            bool hasGradients = (options & NetworkOptions.GradientAccumulation) != 0;
            bool hasMomentum = (options & NetworkOptions.Momentum) != 0;

            int weightLayers = layerCount - 1;
            weights = new int[weightLayers][];
            deltas = new int[weightLayers][];
            preActivations = new int[weightLayers][];
            deltaShifts = new int[weightLayers];
            activations = new int[layerCount][];
            biases = hasBiases ? new int[weightLayers][] : null;
            weightGradients = hasGradients ? new int[weightLayers][] : null;
            biasGradients = hasGradients && hasBiases ? new int[weightLayers][] : null;
            weightVelocities = hasMomentum ? new int[weightLayers][] : null;
            biasVelocities = hasMomentum && hasBiases ? new int[weightLayers][] : null;

            activations[0] = new int[layerSizes[0]];
            int widest = 0;
            for (int l = 0; l < weightLayers; l++)
            {
                int fanIn = layerSizes[l];
                int size = layerSizes[l + 1];
                widest = size > widest ? size : widest;
                weights[l] = new int[size * fanIn];
                deltas[l] = new int[size];
                preActivations[l] = new int[size];
                activations[l + 1] = new int[size];
                if (hasBiases)
                {
                    biases[l] = new int[size];
                }

                if (hasGradients)
                {
                    weightGradients[l] = new int[size * fanIn];
                    if (hasBiases)
                    {
                        biasGradients[l] = new int[size];
                    }
                }

                if (hasMomentum)
                {
                    weightVelocities[l] = new int[size * fanIn];
                    if (hasBiases)
                    {
                        biasVelocities[l] = new int[size];
                    }
                }
            }

            exactDeltas = new long[widest];
            exactDeltaUnits = new int[widest];
            randomState = SeedToState(seed);
            InitialiseWeights();
            learningRate = Q16.FromDouble(0.1);
        }

        /// <summary>Number of layers, input and output included.</summary>
        public int LayerCount
        {
            get { return layerSizes.Length; }
        }

        /// <summary>Number of inputs.</summary>
        public int InputCount
        {
            get { return layerSizes[0]; }
        }

        /// <summary>Number of outputs.</summary>
        public int OutputCount
        {
            get { return layerSizes[layerSizes.Length - 1]; }
        }

        /// <summary>Activation of the hidden layers.</summary>
        public Activation HiddenActivation
        {
            get { return hiddenActivation; }
        }

        /// <summary>Activation of the output layer.</summary>
        public Activation OutputActivation
        {
            get { return outputActivation; }
        }

        /// <summary>The loss <see cref="Learn"/> minimises.</summary>
        public Loss Loss
        {
            get { return loss; }
        }

        /// <summary>The optional buffers this network was built with.</summary>
        public NetworkOptions Options
        {
            get { return options; }
        }

        /// <summary>Whether neurons have learned biases (false with <see cref="NetworkOptions.WithoutBiases"/>).</summary>
        public bool HasBiases
        {
            get { return biases != null; }
        }

        /// <summary>Trainable parameters: weights plus biases.</summary>
        public int ParameterCount
        {
            get
            {
                int count = 0;
                for (int l = 0; l < weights.Length; l++)
                {
                    count += weights[l].Length + (biases != null ? biases[l].Length : 0);
                }

                return count;
            }
        }

        /// <summary>
        /// Bytes of managed heap this network occupies on nanoFramework: see
        /// <see cref="MemoryFootprint"/> for what is counted.
        /// </summary>
        public int RamBytes
        {
            get { return MemoryFootprint.NetworkBytes(this); }
        }

        /// <summary>
        /// Learning rate in Q16.16 (default 0.1 = 6554). A learner may change it every step.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The rate is negative.</exception>
        public int LearningRate
        {
            get
            {
                return learningRate;
            }

            set
            {
                if (value < 0)
                {
                    throw new ArgumentOutOfRangeException("value", "LearningRate must not be negative.");
                }

                learningRate = value;
            }
        }

        /// <summary>
        /// Momentum coefficient μ in Q16.16, in [0, 1): velocity ← μ·velocity - lr·gradient, weight
        /// ← weight + velocity. Any value but 0 needs <see cref="NetworkOptions.Momentum"/>.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">μ is outside [0, 1).</exception>
        /// <exception cref="InvalidOperationException">The network has no momentum buffers.</exception>
        public int Momentum
        {
            get
            {
                return momentum;
            }

            set
            {
                if (value < 0 || value >= Q16.One)
                {
                    throw new ArgumentOutOfRangeException("value", "Momentum must be in [0, 1) (Q16.16 0 to 65535).");
                }

                if (value != 0 && weightVelocities == null)
                {
                    throw new InvalidOperationException("Momentum needs velocity buffers: construct the network with NetworkOptions.Momentum.");
                }

                momentum = value;
            }
        }

        /// <summary>
        /// Whether updates are rounded stochastically (unbiased: down or up with the probabilities
        /// that make the expected update exact) instead of to nearest. Draws from the network's PRNG.
        /// </summary>
        public bool StochasticRounding
        {
            get { return stochasticRounding; }
            set { stochasticRounding = value; }
        }

        /// <summary>
        /// Updates that pushed a weight past ±<see cref="MaxWeight"/> and were held there, since
        /// construction (saturating at int.MaxValue). Healthy training almost never saturates a
        /// weight; a divergence guard watches this count.
        /// </summary>
        public int WeightSaturations
        {
            get { return weightSaturations; }
        }

        /// <summary>Samples whose gradients <see cref="Backward"/> has added since the last clear.</summary>
        public int AccumulatedSamples
        {
            get { return accumulatedSamples; }
        }

        /// <summary>
        /// Copies every weight (layer by layer, row-major) and then every bias into
        /// <paramref name="destination"/>, which needs <see cref="ParameterCount"/> elements.
        /// </summary>
        /// <exception cref="ArgumentNullException">destination is null.</exception>
        /// <exception cref="ArgumentException">destination has the wrong length.</exception>
        public void CopyParametersTo(int[] destination)
        {
            CheckVector(destination, ParameterCount, "destination", "CopyParametersTo");
            int offset = 0;
            for (int l = 0; l < weights.Length; l++)
            {
                Array.Copy(weights[l], 0, destination, offset, weights[l].Length);
                offset += weights[l].Length;
            }

            if (biases != null)
            {
                for (int l = 0; l < biases.Length; l++)
                {
                    Array.Copy(biases[l], 0, destination, offset, biases[l].Length);
                    offset += biases[l].Length;
                }
            }
        }

        /// <summary>
        /// Restores weights and biases from a copy made by <see cref="CopyParametersTo"/>, clears
        /// the momentum velocities (they belong to the trajectory being abandoned) and any
        /// accumulated gradients. Every weight is checked against ±<see cref="MaxWeight"/> before
        /// anything changes.
        /// </summary>
        /// <exception cref="ArgumentNullException">source is null.</exception>
        /// <exception cref="ArgumentException">source has the wrong length or a weight beyond ±MaxWeight.</exception>
        public void CopyParametersFrom(int[] source)
        {
            CheckVector(source, ParameterCount, "source", "CopyParametersFrom");
            int weightCount = 0;
            for (int l = 0; l < weights.Length; l++)
            {
                weightCount += weights[l].Length;
            }

            for (int k = 0; k < weightCount; k++)
            {
                if (source[k] > MaxWeight || source[k] < -MaxWeight)
                {
                    throw new ArgumentException("CopyParametersFrom: weight " + k + " is beyond ±128.0.", "source");
                }
            }

            int offset = 0;
            for (int l = 0; l < weights.Length; l++)
            {
                Array.Copy(source, offset, weights[l], 0, weights[l].Length);
                offset += weights[l].Length;
            }

            if (biases != null)
            {
                for (int l = 0; l < biases.Length; l++)
                {
                    Array.Copy(source, offset, biases[l], 0, biases[l].Length);
                    offset += biases[l].Length;
                }
            }

            ClearVelocities();
            ClearGradients();
            forwardValid = false;
        }

        /// <summary>Sets every momentum velocity to zero (no effect without momentum).</summary>
        public void ClearVelocities()
        {
            if (weightVelocities == null)
            {
                return;
            }

            for (int l = 0; l < weightVelocities.Length; l++)
            {
                Array.Clear(weightVelocities[l], 0, weightVelocities[l].Length);
                if (biasVelocities != null)
                {
                    Array.Clear(biasVelocities[l], 0, biasVelocities[l].Length);
                }
            }
        }

        /// <summary>Neurons in layer <paramref name="layer"/> (0 = input).</summary>
        public int GetLayerSize(int layer)
        {
            if (layer < 0 || layer >= layerSizes.Length)
            {
                throw new ArgumentOutOfRangeException("layer", "GetLayerSize: layer must be 0 to " + (layerSizes.Length - 1) + ".");
            }

            return layerSizes[layer];
        }

        /// <summary>
        /// Runs the network on a Q16.16 input and returns the network's own output buffer (valid
        /// until the next call that changes it; copy it to keep it).
        /// </summary>
        /// <exception cref="ArgumentNullException">input is null.</exception>
        /// <exception cref="ArgumentException">input's length is not <see cref="InputCount"/>.</exception>
        public int[] Forward(int[] input)
        {
            CheckVector(input, layerSizes[0], "input", "Forward");
            ForwardUnchecked(input);
            return activations[activations.Length - 1];
        }

        /// <summary>
        /// After <see cref="Forward"/>, adds this sample's gradients of <paramref name="sampleLoss"/>
        /// with respect to every weight and bias to the gradient buffers (Q16.16, saturating), and
        /// counts the sample for <see cref="ApplyGradients"/>.
        /// </summary>
        /// <param name="target">Q16.16 targets, one per output (in [0, 1] for cross-entropy).</param>
        /// <param name="sampleLoss">The loss to differentiate.</param>
        /// <exception cref="InvalidOperationException">No gradient buffers, or no Forward since the
        /// weights last changed.</exception>
        /// <exception cref="ArgumentNullException">target is null.</exception>
        /// <exception cref="ArgumentException">target's length is wrong, the loss is invalid or does
        /// not fit the output activation.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A cross-entropy target is outside [0, 1].</exception>
        public void Backward(int[] target, Loss sampleLoss)
        {
            if (weightGradients == null)
            {
                throw new InvalidOperationException("Backward needs gradient buffers: construct the network with NetworkOptions.GradientAccumulation (or use Learn).");
            }

            if (!forwardValid)
            {
                throw new InvalidOperationException("Backward needs a Forward on the current weights first.");
            }

            CheckLoss(sampleLoss, outputActivation);
            CheckTarget(target, sampleLoss, "Backward");

            ComputeOutputDeltas(target, sampleLoss);
            for (int l = weights.Length - 1; l >= 0; l--)
            {
                AccumulateGradients(l);
                if (l > 0)
                {
                    PropagateDeltas(l);
                }
            }

            if (accumulatedSamples < int.MaxValue)
            {
                accumulatedSamples++;
            }
        }

        /// <summary>Sets every accumulated gradient and the sample count to zero.</summary>
        public void ClearGradients()
        {
            if (weightGradients == null)
            {
                return;
            }

            for (int l = 0; l < weightGradients.Length; l++)
            {
                Array.Clear(weightGradients[l], 0, weightGradients[l].Length);
                if (biasGradients != null)
                {
                    Array.Clear(biasGradients[l], 0, biasGradients[l].Length);
                }
            }

            accumulatedSamples = 0;
        }

        /// <summary>
        /// Takes one SGD step (with momentum if set) along the mean of the accumulated gradients:
        /// each parameter moves by -lr·(sum of gradients)/(samples), computed exactly in 64 bits and
        /// rounded once; then clears the gradients.
        /// </summary>
        /// <exception cref="InvalidOperationException">No gradient buffers, or nothing accumulated.</exception>
        public void ApplyGradients()
        {
            if (weightGradients == null)
            {
                throw new InvalidOperationException("ApplyGradients needs gradient buffers: construct the network with NetworkOptions.GradientAccumulation.");
            }

            if (accumulatedSamples == 0)
            {
                throw new InvalidOperationException("ApplyGradients: no gradients accumulated; call Backward first.");
            }

            for (int l = 0; l < weights.Length; l++)
            {
                int[] layerWeights = weights[l];
                int[] gradients = weightGradients[l];
                int[] velocities = weightVelocities != null ? weightVelocities[l] : null;
                for (int k = 0; k < layerWeights.Length; k++)
                {
                    // lr·g is exact in Q32.32 (|lr·g| ≤ 2^62); dividing by the count truncates at
                    // 2^-32, far below the rounding to Q16.16 that follows.
                    long exactStep = (long)learningRate * gradients[k] / accumulatedSamples;
                    layerWeights[k] = UpdateWeight(layerWeights[k], RoundStep(exactStep, Q16.FractionalBits), velocities, k);
                }

                if (biases != null)
                {
                    int[] layerBiases = biases[l];
                    int[] gradientsOfBiases = biasGradients[l];
                    int[] biasVelocitiesOfLayer = biasVelocities != null ? biasVelocities[l] : null;
                    for (int j = 0; j < layerBiases.Length; j++)
                    {
                        long exactStep = (long)learningRate * gradientsOfBiases[j] / accumulatedSamples;
                        layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(exactStep, Q16.FractionalBits), biasVelocitiesOfLayer, j);
                    }
                }
            }

            ClearGradients();
            forwardValid = false;
        }

        /// <summary>
        /// One fused SGD step on one sample: Forward, then a backward pass that propagates each
        /// layer's deltas with its old weights and then updates them in place (with momentum if
        /// set), minimising the loss chosen at construction. Needs no gradient buffers and leaves
        /// any accumulated gradients alone.
        /// </summary>
        /// <remarks>
        /// A weight moves by lr·δ·a, where lr·δ is formed once per neuron in Q8.24 (saturating at
        /// ±128, far beyond any useful step) and the product with the input a is rounded once.
        /// </remarks>
        /// <param name="input">Q16.16 inputs.</param>
        /// <param name="target">Q16.16 targets (in [0, 1] for cross-entropy).</param>
        /// <returns>½ Σ (y - t)² of the outputs before the update, Q16.16 (saturating), for
        /// monitoring whatever the loss.</returns>
        public int Learn(int[] input, int[] target)
        {
            CheckVector(input, layerSizes[0], "input", "Learn");
            CheckTarget(target, loss, "Learn");

            ForwardUnchecked(input);
            int halfSquaredError = HalfSquaredError(target);
            ComputeOutputDeltas(target, loss);
            bool plain = weightVelocities == null && !stochasticRounding;
            for (int l = weights.Length - 1; l >= 0; l--)
            {
                if (plain)
                {
                    UpdateLayerPlain(l);
                    continue;
                }

                if (l > 0)
                {
                    PropagateDeltas(l);
                }

                UpdateLayer(l);
            }

            forwardValid = false;
            return halfSquaredError;
        }

        /// <summary>Weight from neuron <paramref name="input"/> of layer <paramref name="layer"/> to
        /// neuron <paramref name="neuron"/> of layer <paramref name="layer"/> + 1, Q16.16.</summary>
        public int GetWeight(int layer, int neuron, int input)
        {
            return weights[layer][WeightIndex(layer, neuron, input, "GetWeight")];
        }

        /// <summary>Sets a weight (Q16.16, within ±<see cref="MaxWeight"/>).</summary>
        /// <exception cref="ArgumentOutOfRangeException">An index is out of range or |value| &gt; MaxWeight.</exception>
        public void SetWeight(int layer, int neuron, int input, int value)
        {
            int index = WeightIndex(layer, neuron, input, "SetWeight");
            if (value > MaxWeight || value < -MaxWeight)
            {
                throw new ArgumentOutOfRangeException("value", "SetWeight: |weight| must be at most 128.0 (Q16.16 8388608).");
            }

            weights[layer][index] = value;
            forwardValid = false;
        }

        /// <summary>Bias of neuron <paramref name="neuron"/> of layer <paramref name="layer"/> + 1,
        /// Q16.16 (0 for a network without biases).</summary>
        public int GetBias(int layer, int neuron)
        {
            CheckNeuron(layer, neuron, "GetBias");
            return biases == null ? 0 : biases[layer][neuron];
        }

        /// <summary>Sets a bias (Q16.16).</summary>
        /// <exception cref="InvalidOperationException">The network has no biases.</exception>
        public void SetBias(int layer, int neuron, int value)
        {
            CheckNeuron(layer, neuron, "SetBias");
            if (biases == null)
            {
                throw new InvalidOperationException("SetBias: this network was built WithoutBiases.");
            }

            biases[layer][neuron] = value;
            forwardValid = false;
        }

        /// <summary>Accumulated gradient of a weight (Q16.16).</summary>
        /// <exception cref="InvalidOperationException">No gradient buffers.</exception>
        public int GetWeightGradient(int layer, int neuron, int input)
        {
            int index = WeightIndex(layer, neuron, input, "GetWeightGradient");
            if (weightGradients == null)
            {
                throw new InvalidOperationException("GetWeightGradient needs gradient buffers: construct the network with NetworkOptions.GradientAccumulation.");
            }

            return weightGradients[layer][index];
        }

        /// <summary>Accumulated gradient of a bias (Q16.16; 0 without biases).</summary>
        /// <exception cref="InvalidOperationException">No gradient buffers.</exception>
        public int GetBiasGradient(int layer, int neuron)
        {
            CheckNeuron(layer, neuron, "GetBiasGradient");
            if (weightGradients == null)
            {
                throw new InvalidOperationException("GetBiasGradient needs gradient buffers: construct the network with NetworkOptions.GradientAccumulation.");
            }

            return biasGradients == null ? 0 : biasGradients[layer][neuron];
        }

        /// <summary>
        /// Output of neuron <paramref name="neuron"/> of layer <paramref name="layer"/> (0 = the
        /// input copy) from the last Forward, Q16.16.
        /// </summary>
        public int GetActivation(int layer, int neuron)
        {
            if (layer < 0 || layer >= activations.Length)
            {
                throw new ArgumentOutOfRangeException("layer", "GetActivation: layer must be 0 to " + (activations.Length - 1) + ".");
            }

            if (neuron < 0 || neuron >= activations[layer].Length)
            {
                throw new ArgumentOutOfRangeException("neuron", "GetActivation: neuron must be 0 to " + (activations[layer].Length - 1) + ".");
            }

            return activations[layer][neuron];
        }

        // Internal views for MemoryFootprint.
        internal int[][] WeightsArrays
        {
            get { return weights; }
        }

        internal int[][] BiasArrays
        {
            get { return biases; }
        }

        internal int[][] ActivationArrays
        {
            get { return activations; }
        }

        internal int[][] DeltaArrays
        {
            get { return deltas; }
        }

        internal int[][] PreActivationArrays
        {
            get { return preActivations; }
        }

        internal int[] DeltaShiftArray
        {
            get { return deltaShifts; }
        }

        internal long[] ExactDeltaArray
        {
            get { return exactDeltas; }
        }

        internal int[] ExactDeltaUnitArray
        {
            get { return exactDeltaUnits; }
        }

        internal int[][] WeightGradientArrays
        {
            get { return weightGradients; }
        }

        internal int[][] BiasGradientArrays
        {
            get { return biasGradients; }
        }

        internal int[][] WeightVelocityArrays
        {
            get { return weightVelocities; }
        }

        internal int[][] BiasVelocityArrays
        {
            get { return biasVelocities; }
        }

        internal int[] LayerSizeArray
        {
            get { return layerSizes; }
        }

        // For the model blob: the PRNG and counters that make a restored network resume bit-exactly.
        internal uint RandomState
        {
            get { return randomState; }
            set { randomState = value; }
        }

        internal int AccumulatedSampleCount
        {
            get { return accumulatedSamples; }
            set { accumulatedSamples = value; }
        }

        internal int WeightSaturationCount
        {
            get { return weightSaturations; }
            set { weightSaturations = value; }
        }

        internal void Invalidate()
        {
            forwardValid = false;
        }

        private void ForwardUnchecked(int[] input)
        {
            Array.Copy(input, activations[0], input.Length);
            int lastLayer = weights.Length - 1;
            for (int l = 0; l <= lastLayer; l++)
            {
                int[] layerInput = activations[l];
                int[] layerOutput = activations[l + 1];
                int[] layerWeights = weights[l];
                int[] layerBiases = biases != null ? biases[l] : null;
                int[] layerPreActivations = preActivations[l];
                Activation activation = l == lastLayer ? outputActivation : hiddenActivation;
                int fanIn = layerInput.Length;
                int row = 0;
                for (int j = 0; j < layerOutput.Length; j++)
                {
                    // The bias joins the exact sum at 32 fractional bits so the neuron rounds once.
                    long sum = layerBiases != null ? (long)layerBiases[j] << Q16.FractionalBits : 0;
                    for (int i = 0; i < fanIn; i++)
                    {
                        sum += (long)layerWeights[row + i] * layerInput[i];
                    }

                    row += fanIn;
                    int preActivation = Q16.Saturate(Q16.RoundShift(sum, Q16.FractionalBits));
                    layerPreActivations[j] = preActivation;
                    layerOutput[j] = Activations.Apply(activation, preActivation);
                }
            }

            forwardValid = true;
        }

        // δ = ∂L/∂z at the outputs: (y - t)·f'(z) for squared error, y - t for cross-entropy on a
        // sigmoid output (the sigmoid's derivative cancels against the loss's). Exact products in
        // units of 2^-46 (Q16.16 error × Q2.30 derivative), at most 2^61.
        private void ComputeOutputDeltas(int[] target, Loss sampleLoss)
        {
            int last = deltas.Length - 1;
            int[] outputs = activations[activations.Length - 1];
            int[] outputPreActivations = preActivations[last];
            for (int j = 0; j < outputs.Length; j++)
            {
                long error = Q16.Subtract(outputs[j], target[j]);
                exactDeltas[j] = sampleLoss == Loss.BinaryCrossEntropy
                    ? error << Activations.DerivativeFractionalBits
                    : error * Activations.Derivative(outputActivation, outputPreActivations[j]);
                exactDeltaUnits[j] = Q16.FractionalBits + Activations.DerivativeFractionalBits;
            }

            StoreDeltas(last, outputs.Length, LeastRoom(outputs.Length));
        }

        // δ of layer l's inputs (hidden layer l) from layer l's deltas and weights:
        // δ_i = f'(z_i)·Σ_j w_ji δ_j. The sum is exact (at most 511·2^23·2^30 < 2^63) in units of
        // 2^-(32 + shift); it is cut to 32 significant bits (a relative error below 2^-31) so that
        // its product with the Q2.30 derivative is exact in 64 bits too.
        private void PropagateDeltas(int l)
        {
            int[] layerWeights = weights[l];
            int[] upperDeltas = deltas[l];
            int upperCount = upperDeltas.Length;
            int fanIn = layerWeights.Length / upperCount;
            long[] sums = exactDeltas;
            for (int i = 0; i < fanIn; i++)
            {
                long sum = 0;
                int index = i;
                for (int j = 0; j < upperCount; j++)
                {
                    sum += (long)layerWeights[index] * upperDeltas[j];
                    index += fanIn;
                }

                sums[i] = sum;
            }

            FinishPropagation(l);
        }

        // exactDeltas[i] holds Σ_j w_ji δ_j for layer l's inputs, exact (at most 511·2^23·2^31 <
        // 2^63) in units of 2^-(32 + shift). Each sum is cut to 32 significant bits (a relative
        // error below 2^-31) so that its product with the Q2.30 derivative is exact in 64 bits,
        // and the layer's deltas are normalised.
        private void FinishPropagation(int l)
        {
            int upperUnits = 2 * Q16.FractionalBits + deltaShifts[l] + Activations.DerivativeFractionalBits;
            int[] lowerPreActivations = preActivations[l - 1];
            int fanIn = lowerPreActivations.Length;
            // The layer's shift (LeastRoom's search) is found in the same pass, while each delta
            // is at hand: one loop per neuron less on the interpreter.
            int shift = MaxDeltaShift;
            for (int i = 0; i < fanIn; i++)
            {
                long sum = exactDeltas[i];
                int excessBits = 0;
                if (sum >= 1L << 32 || sum < -(1L << 32))
                {
                    // Q16.RoundShift(sum, excessBits) written out (once per neuron).
                    excessBits = IntegerMath.BitLength((ulong)(sum >= 0 ? sum : -sum)) - 32;
                    sum = (sum + (1L << (excessBits - 1)) + (sum >> 63)) >> excessBits;
                }

                long delta = sum * Activations.Derivative(hiddenActivation, lowerPreActivations[i]);
                int units = upperUnits - excessBits;
                exactDeltas[i] = delta;
                exactDeltaUnits[i] = units;
                if (shift > 0)
                {
                    ulong magnitude = (ulong)(delta >= 0 ? delta : -delta);
                    int allowedBits = 30 - Q16.FractionalBits + units - shift;
                    if (magnitude != 0 && (allowedBits < 0 || (allowedBits < 64 && magnitude >> allowedBits != 0)))
                    {
                        shift = 30 - Q16.FractionalBits + units - IntegerMath.BitLength(magnitude);
                    }
                }
            }

            StoreDeltas(l - 1, fanIn, shift);
        }

        // Plain SGD on layer l (no momentum, round to nearest), the common case on a board: each
        // weight moves by its step lr·δ·a rounded half away from zero, (x + half + (x >> 63)) >> n
        // (the sign's -1 turns floor into the mirror image of the positive case, without a branch),
        // and is clamped to ±MaxWeight by one unsigned comparison. For l ≥ 1 the propagation of
        // the layer's deltas is fused into the update: each old weight is read once, adds w·δ to
        // its input's exact sum, and is then updated. The sums are exact, so accumulating them row
        // by row gives the same bits as PropagateDeltas' column order. A row whose δ is 0 moves no
        // weight and adds nothing; a zero lr·δ moves no weight.
        //
        // Written for the interpreter, which inlines nothing: the row loops are inline (no frame
        // and set-up per neuron), rounding and saturation are written out, the constants live in
        // locals (a long constant is two IL instructions, a local one), and the first layer's
        // input index is k - row instead of a second counter. No call inside a loop also lets the
        // JIT keep the loop's variables in registers.
        private void UpdateLayerPlain(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] layerWeights = weights[l];
            int[] layerBiases = biases != null ? biases[l] : null;
            long[] sums = exactDeltas;
            bool propagate = l > 0;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            if (propagate)
            {
                Array.Clear(sums, 0, fanIn);
            }

            // lr·δ is exact in units of 2^-(32 + shift). The row's step factor is lr·δ in Q16.24
            // (a shift of 8 to 38 bits) and the bias's step lr·δ in Q16.16 (16 to 46 bits).
            int factorShift = Q16.FractionalBits - ScaledDeltaShift + shift;
            long factorHalf = 1L << (factorShift - 1);
            int biasShift = Q16.FractionalBits + shift;
            long biasHalf = 1L << (biasShift - 1);
            long half = 1L << (ScaledDeltaFractionalBits - 1);
            long offset = MaxWeight;
            ulong range = 2 * (ulong)MaxWeight;
            int saturations = 0;
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++, row += fanIn)
            {
                int delta = layerDeltas[j];
                if (delta == 0)
                {
                    continue;
                }

                long exactRateTimesDelta = (long)learningRate * delta;
                long sign = exactRateTimesDelta >> 63;
                long factor = (exactRateTimesDelta + factorHalf + sign) >> factorShift;
                if ((ulong)(factor - int.MinValue) > uint.MaxValue)
                {
                    factor = factor > 0 ? int.MaxValue : int.MinValue;
                }

                int end = row + fanIn;
                if (propagate)
                {
                    long wideDelta = delta;
                    for (int k = row, i = 0; k < end; k++, i++)
                    {
                        long weight = layerWeights[k];
                        sums[i] += weight * wideDelta;
                        long exactStep = factor * layerInput[i];
                        long updated = weight - ((exactStep + half + (exactStep >> 63)) >> ScaledDeltaFractionalBits);
                        if ((ulong)(updated + offset) > range)
                        {
                            updated = updated > 0 ? MaxWeight : -MaxWeight;
                            saturations++;
                        }

                        layerWeights[k] = (int)updated;
                    }
                }
                else if (factor != 0)
                {
                    for (int k = row; k < end; k++)
                    {
                        long exactStep = factor * layerInput[k - row];
                        long updated = layerWeights[k] - ((exactStep + half + (exactStep >> 63)) >> ScaledDeltaFractionalBits);
                        if ((ulong)(updated + offset) > range)
                        {
                            updated = updated > 0 ? MaxWeight : -MaxWeight;
                            saturations++;
                        }

                        layerWeights[k] = (int)updated;
                    }
                }

                if (layerBiases != null)
                {
                    long bias = layerBiases[j] - ((exactRateTimesDelta + biasHalf + sign) >> biasShift);
                    if ((ulong)(bias - int.MinValue) > uint.MaxValue)
                    {
                        bias = bias > 0 ? int.MaxValue : int.MinValue;
                    }

                    layerBiases[j] = (int)bias;
                }
            }

            if (saturations != 0)
            {
                CountSaturations(saturations);
            }

            if (propagate)
            {
                FinishPropagation(l);
            }
        }

        // Stores a layer's exact deltas (exactDeltas[i]·2^-exactDeltaUnits[i]) with one shared
        // exponent: as many fractional bits beyond Q16.16 (0 to MaxDeltaShift) as the largest
        // delta leaves room for below 2^30. A saturated sigmoid's δ of 1e-7 keeps its precision
        // this way instead of rounding to 0 LSB, which matters once deeper layers amplify it.
        // Large deltas get shift 0: plain Q16.16, saturating.
        //
        // LeastRoom finds the shift: the least room = 30 - 16 + units - BitLength(|δ|) over the
        // non-zero deltas (at most MaxDeltaShift; StoreDeltas takes 0 for a negative one). A delta
        // lowers it only if it has more than `allowedBits` = 14 + units - shift bits, which one
        // shift tests; BitLength runs only then. At 0 the search can stop.
        private int LeastRoom(int count)
        {
            int shift = MaxDeltaShift;
            for (int i = 0; i < count && shift > 0; i++)
            {
                long value = exactDeltas[i];
                ulong magnitude = (ulong)(value >= 0 ? value : -value);
                int allowedBits = 30 - Q16.FractionalBits + exactDeltaUnits[i] - shift;
                if (magnitude != 0 && (allowedBits < 0 || (allowedBits < 64 && magnitude >> allowedBits != 0)))
                {
                    shift = 30 - Q16.FractionalBits + exactDeltaUnits[i] - IntegerMath.BitLength(magnitude);
                }
            }

            return shift;
        }

        // Stores the layer's deltas with the shift LeastRoom found (0 if it was negative).
        private void StoreDeltas(int layer, int count, int shift)
        {
            shift = shift < 0 ? 0 : shift;
            // Q16.Saturate(ScaleDown(δ, units - 16 - shift)), written out (once per neuron).
            int[] layerDeltas = deltas[layer];
            for (int i = 0; i < count; i++)
            {
                long value = exactDeltas[i];
                int down = exactDeltaUnits[i] - Q16.FractionalBits - shift;
                if (down > 62)
                {
                    value = 0;
                }
                else if (down > 0)
                {
                    value = (value + (1L << (down - 1)) + (value >> 63)) >> down;
                }
                else
                {
                    value <<= -down;
                }

                if ((ulong)(value - int.MinValue) > uint.MaxValue)
                {
                    value = value > 0 ? int.MaxValue : int.MinValue;
                }

                layerDeltas[i] = (int)value;
            }

            deltaShifts[layer] = shift;
        }

        // value·2^-shift rounded to nearest (ties away from zero); exact for shift ≤ 0, where the
        // caller guarantees the result fits.
        private static long ScaleDown(long value, int shift)
        {
            if (shift <= 0)
            {
                return value << -shift;
            }

            if (shift > 62)
            {
                return 0;
            }

            return Q16.RoundShift(value, shift);
        }

        private void AccumulateGradients(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] gradients = weightGradients[l];
            int[] gradientsOfBiases = biasGradients != null ? biasGradients[l] : null;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++)
            {
                int delta = layerDeltas[j];
                long wideDelta = delta;
                int gradientShift = Q16.FractionalBits + shift;
                long half = 1L << (gradientShift - 1);
                for (int i = 0; i < fanIn; i++)
                {
                    // Q16.Add(g, Q16.Saturate(Q16.RoundShift(δ·a, 16 + shift))), inlined: the same
                    // branch-free rounding as UpdateLayerPlain, then the two saturations in order.
                    long product = wideDelta * layerInput[i];
                    long gradient = (product + half + (product >> 63)) >> gradientShift;
                    if ((ulong)(gradient - int.MinValue) > uint.MaxValue)
                    {
                        gradient = gradient > 0 ? int.MaxValue : int.MinValue;
                    }

                    long sum = gradients[row + i] + gradient;
                    if ((ulong)(sum - int.MinValue) > uint.MaxValue)
                    {
                        sum = sum > 0 ? int.MaxValue : int.MinValue;
                    }

                    gradients[row + i] = (int)sum;
                }

                row += fanIn;
                if (gradientsOfBiases != null)
                {
                    gradientsOfBiases[j] = Q16.Add(gradientsOfBiases[j], Q16.Saturate(ScaleDown(delta, shift)));
                }
            }
        }

        private void UpdateLayer(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] layerWeights = weights[l];
            int[] layerBiases = biases != null ? biases[l] : null;
            int[] velocities = weightVelocities != null ? weightVelocities[l] : null;
            int[] biasVelocitiesOfLayer = biasVelocities != null ? biasVelocities[l] : null;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++)
            {
                // lr·δ exactly, in units of 2^-(32 + shift).
                long exactRateTimesDelta = (long)learningRate * layerDeltas[j];
                int scaledDelta = Q16.Saturate(ScaleDown(exactRateTimesDelta, Q16.FractionalBits - ScaledDeltaShift + shift));
                if (velocities != null && !stochasticRounding)
                {
                    UpdateRowMomentum(layerWeights, velocities, row, layerInput, scaledDelta);
                }
                else if (velocities == null)
                {
                    UpdateRowStochastic(layerWeights, row, layerInput, scaledDelta);
                }
                else
                {
                    for (int i = 0; i < fanIn; i++)
                    {
                        long exactStep = (long)scaledDelta * layerInput[i];
                        layerWeights[row + i] = UpdateWeight(layerWeights[row + i], RoundStep(exactStep, ScaledDeltaFractionalBits), velocities, row + i);
                    }
                }

                row += fanIn;
                if (layerBiases != null)
                {
                    layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(exactRateTimesDelta, Q16.FractionalBits + shift), biasVelocitiesOfLayer, j);
                }
            }
        }

        // Momentum with round-to-nearest for one neuron's row: UpdateWeight's momentum branch with
        // RoundStep and DecayVelocity inlined. μ·v is truncated toward zero without a branch by
        // adding 2^16 - 1 to a negative product before the arithmetic shift.
        private void UpdateRowMomentum(int[] layerWeights, int[] velocities, int row, int[] layerInput, int scaledDelta)
        {
            const long Half = 1L << (ScaledDeltaFractionalBits - 1);
            const long TruncationBias = (1L << Q16.FractionalBits) - 1;
            long wideScaledDelta = scaledDelta;
            long wideMomentum = momentum;
            int saturations = 0;
            int end = row + layerInput.Length;
            for (int k = row, i = 0; k < end; k++, i++)
            {
                long exactStep = wideScaledDelta * layerInput[i];
                long step = (exactStep + Half + (exactStep >> 63)) >> ScaledDeltaFractionalBits;
                long product = wideMomentum * velocities[k];
                long velocity = ((product + ((product >> 63) & TruncationBias)) >> Q16.FractionalBits) - step;
                if ((ulong)(velocity - int.MinValue) > uint.MaxValue)
                {
                    velocity = velocity > 0 ? int.MaxValue : int.MinValue;
                }

                velocities[k] = (int)velocity;
                long updated = layerWeights[k] + velocity;
                if ((ulong)(updated + MaxWeight) > 2 * (ulong)MaxWeight)
                {
                    updated = updated > 0 ? MaxWeight : -MaxWeight;
                    saturations++;
                }

                layerWeights[k] = (int)updated;
            }

            if (saturations != 0)
            {
                CountSaturations(saturations);
            }
        }

        // Stochastic rounding without momentum for one neuron's row: RoundStep's floor(step + u)
        // and NextRandom's xorshift32 inlined, the PRNG state in a local for the row (the same
        // draws in the same order).
        private void UpdateRowStochastic(int[] layerWeights, int row, int[] layerInput, int scaledDelta)
        {
            long wideScaledDelta = scaledDelta;
            uint state = randomState;
            int saturations = 0;
            int end = row + layerInput.Length;
            for (int k = row, i = 0; k < end; k++, i++)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                long exactStep = wideScaledDelta * layerInput[i];
                long updated = layerWeights[k] - ((exactStep + (long)(state >> (32 - ScaledDeltaFractionalBits))) >> ScaledDeltaFractionalBits);
                if ((ulong)(updated + MaxWeight) > 2 * (ulong)MaxWeight)
                {
                    updated = updated > 0 ? MaxWeight : -MaxWeight;
                    saturations++;
                }

                layerWeights[k] = (int)updated;
            }

            randomState = state;
            if (saturations != 0)
            {
                CountSaturations(saturations);
            }
        }

        // Adds the weights that a row's updates held at ±MaxWeight to WeightSaturations, which
        // stops at int.MaxValue. The loops clamp inline and count in a local: a call inside them
        // would cost the interpreter a frame and make the JIT keep the loop's variables in memory.
        private void CountSaturations(int count)
        {
            weightSaturations = count > int.MaxValue - weightSaturations ? int.MaxValue : weightSaturations + count;
        }

        // An exact step with `shift` (1 to 62) fractional bits beyond Q16.16 becomes a Q16.16
        // step: rounded to nearest, or stochastically as floor(step + u) with u uniform on [0, 1)
        // LSB, drawn with 32 bits (finer shifts use the draw's top 32 bits).
        private long RoundStep(long exactStep, int shift)
        {
            if (stochasticRounding)
            {
                uint draw = NextRandom();
                long offset = shift <= 32 ? (long)(draw >> (32 - shift)) : (long)draw << (shift - 32);
                return (exactStep + offset) >> shift;
            }

            return Q16.RoundShift(exactStep, shift);
        }

        // Applies a Q16.16 step (weight -= step, or through the velocity) and keeps |w| ≤ MaxWeight.
        private int UpdateWeight(int weight, long step, int[] velocities, int index)
        {
            long updated;
            if (velocities != null)
            {
                int velocity = Q16.Saturate(DecayVelocity(velocities[index]) - step);
                velocities[index] = velocity;
                updated = (long)weight + velocity;
            }
            else
            {
                updated = weight - step;
            }

            if (updated > MaxWeight || updated < -MaxWeight)
            {
                if (weightSaturations < int.MaxValue)
                {
                    weightSaturations++;
                }

                return updated > 0 ? MaxWeight : -MaxWeight;
            }

            return (int)updated;
        }

        private int UpdateBias(int bias, long step, int[] velocities, int index)
        {
            if (velocities != null)
            {
                int velocity = Q16.Saturate(DecayVelocity(velocities[index]) - step);
                velocities[index] = velocity;
                return Q16.Saturate((long)bias + velocity);
            }

            return Q16.Saturate(bias - step);
        }

        // μ·v truncated toward zero, so that |μ·v| < |v| always and a velocity dies out.
        private long DecayVelocity(int velocity)
        {
            long product = (long)momentum * velocity;
            return product >= 0 ? product >> Q16.FractionalBits : -((-product) >> Q16.FractionalBits);
        }

        private int HalfSquaredError(int[] target)
        {
            int[] outputs = activations[activations.Length - 1];
            long sum = 0;
            for (int j = 0; j < outputs.Length; j++)
            {
                long error = Q16.Subtract(outputs[j], target[j]);
                sum += Q16.RoundShift(error * error, Q16.FractionalBits + 1);
            }

            return Q16.Saturate(sum);
        }

        private void InitialiseWeights()
        {
            for (int l = 0; l < weights.Length; l++)
            {
                int fanIn = layerSizes[l];
                // 1/√fanIn in Q16.16 without floating point: isqrt(fanIn·2^16) = 2^8·√fanIn.
                int limit = (int)((1L << 24) / (long)IntegerMath.Sqrt((ulong)fanIn << 16));
                int[] layerWeights = weights[l];
                for (int k = 0; k < layerWeights.Length; k++)
                {
                    // Uniform on [-limit, limit] from the top of a 32-bit draw.
                    layerWeights[k] = (int)(((long)NextRandom() * (2L * limit + 1)) >> 32) - limit;
                }
            }
        }

        // xorshift32 (Marsaglia 2003): integer only, so every platform draws the same sequence.
        private uint NextRandom()
        {
            uint x = randomState;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            randomState = x;
            return x;
        }

        // Mixes the seed (a 32-bit finaliser in the style of MurmurHash3) so that nearby seeds start
        // far apart; xorshift32's state must not be 0.
        private static uint SeedToState(int seed)
        {
            uint h = (uint)seed ^ 0x9E3779B9u;
            h ^= h >> 16;
            h *= 0x85EBCA6Bu;
            h ^= h >> 13;
            h *= 0xC2B2AE35u;
            h ^= h >> 16;
            return h == 0 ? 0x6D2B79F5u : h;
        }

        private int WeightIndex(int layer, int neuron, int input, string caller)
        {
            CheckNeuron(layer, neuron, caller);
            int fanIn = layerSizes[layer];
            if (input < 0 || input >= fanIn)
            {
                throw new ArgumentOutOfRangeException("input", caller + ": input must be 0 to " + (fanIn - 1) + " for layer " + layer + ".");
            }

            return neuron * fanIn + input;
        }

        private void CheckNeuron(int layer, int neuron, string caller)
        {
            if (layer < 0 || layer >= weights.Length)
            {
                throw new ArgumentOutOfRangeException("layer", caller + ": layer must be 0 to " + (weights.Length - 1) + " (layer 0 = the weights from the inputs).");
            }

            int size = layerSizes[layer + 1];
            if (neuron < 0 || neuron >= size)
            {
                throw new ArgumentOutOfRangeException("neuron", caller + ": neuron must be 0 to " + (size - 1) + " for layer " + layer + ".");
            }
        }

        private void CheckTarget(int[] target, Loss targetLoss, string caller)
        {
            CheckVector(target, OutputCount, "target", caller);
            if (targetLoss == Loss.BinaryCrossEntropy)
            {
                for (int j = 0; j < target.Length; j++)
                {
                    if (target[j] < 0 || target[j] > Q16.One)
                    {
                        throw new ArgumentOutOfRangeException("target", caller + ": cross-entropy target " + j + " is outside [0, 1] (Q16.16 0 to 65536).");
                    }
                }
            }
        }

        private static void CheckVector(int[] vector, int length, string name, string caller)
        {
            if (vector == null)
            {
                throw new ArgumentNullException(name, caller + ": " + name + " is null.");
            }

            if (vector.Length != length)
            {
                throw new ArgumentException(caller + ": " + name + " has " + vector.Length + " elements; the network needs " + length + ".", name);
            }
        }

        private static void CheckLoss(Loss candidate, Activation output)
        {
            if (candidate != Loss.MeanSquaredError && candidate != Loss.BinaryCrossEntropy)
            {
                throw new ArgumentException("Unknown loss " + (int)candidate + ".", "loss");
            }

            if (candidate == Loss.BinaryCrossEntropy && output != Activation.Sigmoid)
            {
                throw new ArgumentException("BinaryCrossEntropy needs a Sigmoid output activation.", "loss");
            }
        }

        private static void ValidateTopology(int[] layerSizes, Activation hidden, Activation output, Loss loss, NetworkOptions options)
        {
            if (layerSizes == null)
            {
                throw new ArgumentNullException("layerSizes", "Network: layerSizes is null.");
            }

            if (layerSizes.Length < 2 || layerSizes.Length > MaxLayerCount)
            {
                throw new ArgumentException("Network: layerSizes needs 2 to " + MaxLayerCount + " layers (input and output included); it has " + layerSizes.Length + ".", "layerSizes");
            }

            for (int l = 0; l < layerSizes.Length; l++)
            {
                if (layerSizes[l] < 1 || layerSizes[l] > MaxLayerSize)
                {
                    throw new ArgumentException("Network: layer " + l + " has " + layerSizes[l] + " neurons; each layer needs 1 to " + MaxLayerSize + ".", "layerSizes");
                }
            }

            if (!Activations.IsDefined(hidden))
            {
                throw new ArgumentException("Network: unknown hidden activation " + (int)hidden + ".", "hiddenActivation");
            }

            if (!Activations.IsDefined(output))
            {
                throw new ArgumentException("Network: unknown output activation " + (int)output + ".", "outputActivation");
            }

            CheckLoss(loss, output);
            if (((int)options & ~7) != 0)
            {
                throw new ArgumentException("Network: unknown options " + (int)options + ".", "options");
            }
        }
    }
}
