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
    /// <para><b>Which code runs.</b> The update rule is chosen once, from the momentum buffers
    /// (<see cref="NetworkOptions.Momentum"/>, fixed at construction) and
    /// <see cref="StochasticRounding"/> (its setter re-chooses), and <see cref="Learn"/> dispatches
    /// on it once per step. The definition of every rule (Network.ReferenceUpdate.cs, written with
    /// the <see cref="Q16"/> helpers only) is the specification; each fast path gives the same bits,
    /// which the differential tests check after every step.</para>
    /// <list type="table">
    /// <listheader><term>Options</term><description>Code that runs (source file)</description></listheader>
    /// <item><term>Learn, no momentum buffers, round to nearest</term><description>UpdateLayerPlain, deltas
    /// propagated inside the update loop (Network.UpdatePlain.cs)</description></item>
    /// <item><term>Learn, no momentum buffers, stochastic rounding</term><description>PropagateDeltas, then
    /// UpdateLayerStochastic / UpdateRowStochastic (Network.UpdateStochastic.cs)</description></item>
    /// <item><term>Learn, momentum buffers (any μ, 0 included), round to nearest</term><description>PropagateDeltas,
    /// then UpdateLayerMomentum / UpdateRowMomentum (Network.UpdateMomentum.cs)</description></item>
    /// <item><term>Learn, momentum buffers, stochastic rounding</term><description>PropagateDeltas, then
    /// UpdateLayerMomentum / UpdateRowMomentumStochastic (Network.UpdateMomentum.cs)</description></item>
    /// <item><term>ApplyGradients, round to nearest (with or without momentum buffers), 32-bit weights</term><description>ApplyGradientsRoundToNearest
    /// with ApplyMeanSteps (Network.Gradients.cs)</description></item>
    /// <item><term>ApplyGradients, stochastic rounding or 16-bit weights</term><description>the definition ReferenceApplyGradients
    /// (Network.ReferenceUpdate.cs; 16-bit weights through Network.NarrowReference.cs)</description></item>
    /// <item><term>Backward</term><description>AccumulateGradients (Network.Gradients.cs), the fast path of
    /// ReferenceAccumulateGradients, and PropagateDeltas (Network.Deltas.cs)</description></item>
    /// </list>
    /// <para>With momentum buffers and μ = 0 the momentum rule still runs: the velocity buffers then
    /// hold each step (saturated to Q16.16), exactly as in earlier releases, so that results and
    /// saved models stay bit-identical; build the network without
    /// <see cref="NetworkOptions.Momentum"/> for plain SGD's fast path.</para>
    /// </remarks>
    public sealed partial class Network
    {
        /// <summary>Largest weight magnitude in Q16.16: 128.0 (2^23 LSB).</summary>
        public const int MaxWeight = 128 * Q16.One;

        /// <summary>
        /// Most neurons a layer may have: 511 is the largest n with n·2^54 + 2^47 &lt; 2^63, so
        /// weighted sums over a fan-in or fan-out fit a long exactly.
        /// </summary>
        public const int MaxLayerSize = 511;

        /// <summary>
        /// Most samples <see cref="Backward"/> accumulates before <see cref="ApplyGradients"/>:
        /// int.MaxValue. Each sample adds at most 2^31 LSB (its Q16.16 gradient), so a 64-bit sum
        /// stays below 2^31·2^31 = 2^62 and is exact (docs/ENGINE.md, "Gradient sums").
        /// </summary>
        public const int MaxAccumulatedSamples = int.MaxValue;

        /// <summary>Most layers (input and output included).</summary>
        public const int MaxLayerCount = 16;

        /// <summary>
        /// Most fractional bits beyond Q16.16 that a layer's deltas may carry (δ resolution down to
        /// 2^-46), chosen per layer and sample: for the output layer by the size of its largest
        /// delta, for a hidden layer by its largest propagated sum Σ w·δ and the activation's
        /// largest slope (docs/ENGINE.md, "Deltas are block floating point").
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

        // weights[l][j·fanIn + i]: from neuron i of layer l to neuron j of layer l + 1, Q16.16;
        // null with NarrowWeights, whose weights are narrowWeights (Network.Narrow.cs).
        private readonly int[][] weights;
        // With NarrowWeights only: narrowWeights[l][k]·2^weightExponents[l] is the Q16.16 weight
        // weights[l][k] would hold (block floating point, one exponent per layer; null otherwise).
        private readonly short[][] narrowWeights;
        private readonly int[] weightExponents;
        // biases[l][j]: neuron j of layer l + 1; null without biases.
        private readonly int[][] biases;
        // activations[l]: layer l's outputs (activations[0] is a copy of the input).
        private readonly int[][] activations;
        // preActivations[l][j]: z of neuron j of layer l + 1, for the derivatives.
        private readonly int[][] preActivations;
        // deltas[l][j]·2^-(16 + deltaShifts[l]) = ∂L/∂z for neuron j of layer l + 1 (block floating
        // point: one exponent per layer, see ComputeOutputDeltasByDefinition and
        // FinishPropagationByDefinition).
        private readonly int[][] deltas;
        private readonly int[] deltaShifts;
        // Scratch for one layer's exact deltas (output layer) or propagated sums (hidden layers)
        // before they are stored.
        private readonly long[] exactDeltas;
        // Accumulated gradient sums, only with GradientAccumulation: Q48.16 in 64 bits, so that the
        // sum of up to int.MaxValue samples' Q16.16 gradients is exact (see AccumulateGradients).
        private readonly long[][] weightGradients;
        private readonly long[][] biasGradients;
        // Velocities, only with Momentum.
        private readonly int[][] weightVelocities;
        private readonly int[][] biasVelocities;

        private int learningRate;
        private int momentum;
        // Chosen by SelectRule from the momentum buffers and StochasticRounding; Learn dispatches on it.
        private UpdateRule updateRule;
        private uint randomState;
        private bool forwardValid;
        private int accumulatedSamples;
        private int weightSaturations;
        private int weightScaleChanges;
        // Layers 0 to frozenLayers - 1 are frozen: they keep no gradients or velocities (their
        // entries are null), are never updated, and no deltas are propagated into them.
        private readonly int frozenLayers;

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
            : this(layerSizes, hiddenActivation, outputActivation, loss, seed, options, 0)
        {
        }

        /// <summary>
        /// Builds a network whose first <paramref name="frozenLayers"/> weight layers are frozen:
        /// they are used by Forward but never trained, keep no gradient or velocity buffers (nor
        /// snapshot entries, see <see cref="SnapshotLength"/>), and the backward passes stop below
        /// the lowest trainable layer, which saves their time as well as their RAM. For transfer
        /// learning: load pretrained weights (<see cref="CopyParametersFrom"/> or a model blob),
        /// then fine-tune the top layers. Otherwise as the constructor without it.
        /// </summary>
        /// <param name="layerSizes">Neurons per layer, input first.</param>
        /// <param name="hiddenActivation">Activation of every hidden layer.</param>
        /// <param name="outputActivation">Activation of the output layer.</param>
        /// <param name="loss">The loss <see cref="Learn"/> minimises.</param>
        /// <param name="seed">Seed of the network's own PRNG.</param>
        /// <param name="options">Which optional buffers to allocate (for the trainable layers).</param>
        /// <param name="frozenLayers">Weight layers frozen from the input up: 0 to LayerCount - 2
        /// (the output layer is always trainable).</param>
        /// <exception cref="ArgumentNullException">layerSizes is null.</exception>
        /// <exception cref="ArgumentException">A size, activation, loss or option is invalid.</exception>
        /// <exception cref="ArgumentOutOfRangeException">frozenLayers is outside 0 to LayerCount - 2.</exception>
        public Network(int[] layerSizes, Activation hiddenActivation, Activation outputActivation, Loss loss, int seed, NetworkOptions options, int frozenLayers)
        {
            ValidateTopology(layerSizes, hiddenActivation, outputActivation, loss, options);
            if (frozenLayers < 0 || frozenLayers > layerSizes.Length - 2)
            {
                throw new ArgumentOutOfRangeException("frozenLayers", "Network: frozenLayers must be 0 to " + (layerSizes.Length - 2) + " (the output layer stays trainable); it is " + frozenLayers + ".");
            }

            this.frozenLayers = frozenLayers;

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
            bool narrow = (options & NetworkOptions.NarrowWeights) != 0;

            int weightLayers = layerCount - 1;
            weights = narrow ? null : new int[weightLayers][];
            narrowWeights = narrow ? new short[weightLayers][] : null;
            weightExponents = narrow ? new int[weightLayers] : null;
            deltas = new int[weightLayers][];
            preActivations = new int[weightLayers][];
            deltaShifts = new int[weightLayers];
            activations = new int[layerCount][];
            biases = hasBiases ? new int[weightLayers][] : null;
            weightGradients = hasGradients ? new long[weightLayers][] : null;
            biasGradients = hasGradients && hasBiases ? new long[weightLayers][] : null;
            weightVelocities = hasMomentum ? new int[weightLayers][] : null;
            biasVelocities = hasMomentum && hasBiases ? new int[weightLayers][] : null;

            activations[0] = new int[layerSizes[0]];
            int widest = 0;
            for (int l = 0; l < weightLayers; l++)
            {
                int fanIn = layerSizes[l];
                int size = layerSizes[l + 1];
                widest = size > widest ? size : widest;
                if (narrow)
                {
                    narrowWeights[l] = new short[size * fanIn];
                }
                else
                {
                    weights[l] = new int[size * fanIn];
                }

                deltas[l] = new int[size];
                preActivations[l] = new int[size];
                activations[l + 1] = new int[size];
                if (hasBiases)
                {
                    biases[l] = new int[size];
                }

                if (hasGradients && l >= frozenLayers)
                {
                    weightGradients[l] = new long[size * fanIn];
                    if (hasBiases)
                    {
                        biasGradients[l] = new long[size];
                    }
                }

                if (hasMomentum && l >= frozenLayers)
                {
                    weightVelocities[l] = new int[size * fanIn];
                    if (hasBiases)
                    {
                        biasVelocities[l] = new int[size];
                    }
                }
            }

            exactDeltas = new long[widest];
            randomState = SeedToState(seed);
            InitialiseWeights();
            learningRate = Q16.FromDouble(0.1);
            updateRule = SelectRule(hasMomentum, false);
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
                for (int l = 0; l < layerSizes.Length - 1; l++)
                {
                    count += layerSizes[l] * layerSizes[l + 1] + (biases != null ? biases[l].Length : 0);
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
        /// ← weight + velocity. Any value but 0 needs <see cref="NetworkOptions.Momentum"/>; a network
        /// built with it follows the momentum rule at μ = 0 too (see the class remarks).
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
            get { return updateRule == UpdateRule.Stochastic || updateRule == UpdateRule.MomentumStochastic; }
            set { updateRule = SelectRule(weightVelocities != null, value); }
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

        /// <summary>Weight layers frozen from the input up (0 = every layer trainable).</summary>
        public int FrozenLayers
        {
            get { return frozenLayers; }
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

        // The same draws for 16-bit weights: each Q16.16 draw is rounded to its layer's LSB, the
        // exponent being the least that holds the limit (InitialiseNarrowWeight).
        private void InitialiseWeights()
        {
            for (int l = 0; l < layerSizes.Length - 1; l++)
            {
                int fanIn = layerSizes[l];
                // 1/√fanIn in Q16.16 without floating point: isqrt(fanIn·2^16) = 2^8·√fanIn.
                int limit = (int)((1L << 24) / (long)IntegerMath.Sqrt((ulong)fanIn << 16));
                int count = fanIn * layerSizes[l + 1];
                if (narrowWeights != null)
                {
                    weightExponents[l] = LeastWeightExponent(limit);
                }

                for (int k = 0; k < count; k++)
                {
                    // Uniform on [-limit, limit] from the top of a 32-bit draw.
                    int weight = (int)(((long)NextRandom() * (2L * limit + 1)) >> 32) - limit;
                    if (narrowWeights != null)
                    {
                        narrowWeights[l][k] = (short)ToNarrowUnits(weight, weightExponents[l]);
                    }
                    else
                    {
                        weights[l][k] = weight;
                    }
                }
            }
        }
    }
}
