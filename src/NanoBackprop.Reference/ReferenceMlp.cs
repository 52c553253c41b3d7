namespace NanoBackprop.Reference;

/// <summary>
/// A dense MLP in doubles whose gradients come only from <see cref="Value"/>'s scalar chain rule:
/// every parameter is a leaf, every neuron computes z = b + Σ w·x and then its activation, and
/// the loss is built from Value operations and differentiated by <see cref="Value.Backward"/>.
/// </summary>
/// <remarks>
/// Indexing as in <see cref="Network"/>: layer 0 is the input; weight layer l (0-based) holds the
/// weights from layer l to layer l + 1, and weight (l, j, i) goes from input i to neuron j.
/// </remarks>
public sealed class ReferenceMlp
{
    /// <summary>The engine's leaky-ReLU slope, exactly: 655/65536 ≈ 0.0099945.</summary>
    public const double LeakyReluSlope = Activations.LeakyReluSlope / 65536.0;

    private readonly int[] sizes;
    private readonly double[][] weights; // [l][j·fanIn + i]
    private readonly double[][] biases;  // [l][j]; stay 0 without biases

    /// <summary>Builds a network with every weight and bias 0.</summary>
    /// <param name="layerSizes">Neurons per layer, input first; at least 2 layers of at least 1.</param>
    /// <param name="hidden">Activation of every hidden layer.</param>
    /// <param name="output">Activation of the output layer.</param>
    /// <param name="withoutBiases">If true, every bias is a constant 0 that is never updated.</param>
    /// <exception cref="ArgumentException">A size or activation is invalid.</exception>
    public ReferenceMlp(int[] layerSizes, Activation hidden, Activation output, bool withoutBiases = false)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Length < 2 || layerSizes.Any(n => n < 1))
        {
            throw new ArgumentException("Need at least 2 layers of at least 1 neuron.", nameof(layerSizes));
        }

        if (!Enum.IsDefined(hidden) || !Enum.IsDefined(output))
        {
            throw new ArgumentException("Unknown activation.");
        }

        if (hidden == Activation.Softmax)
        {
            throw new ArgumentException("Softmax is an output activation only.", nameof(hidden));
        }

        sizes = (int[])layerSizes.Clone();
        HiddenActivation = hidden;
        OutputActivation = output;
        HasBiases = !withoutBiases;
        weights = new double[sizes.Length - 1][];
        biases = new double[sizes.Length - 1][];
        for (int l = 0; l < weights.Length; l++)
        {
            weights[l] = new double[sizes[l + 1] * sizes[l]];
            biases[l] = new double[sizes[l + 1]];
        }
    }

    /// <summary>Number of layers, input and output included.</summary>
    public int LayerCount => sizes.Length;

    /// <summary>Activation of the hidden layers.</summary>
    public Activation HiddenActivation { get; }

    /// <summary>Activation of the output layer.</summary>
    public Activation OutputActivation { get; }

    /// <summary>Whether biases are learned (false: they are fixed at 0).</summary>
    public bool HasBiases { get; }

    /// <summary>
    /// A reference copy of an engine network: same sizes, activations and bias option, and every
    /// weight and bias converted exactly from Q16.16.
    /// </summary>
    public static ReferenceMlp FromNetwork(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layerSizes = new int[network.LayerCount];
        for (int l = 0; l < layerSizes.Length; l++)
        {
            layerSizes[l] = network.GetLayerSize(l);
        }

        var mlp = new ReferenceMlp(layerSizes, network.HiddenActivation, network.OutputActivation, !network.HasBiases);
        for (int l = 0; l + 1 < layerSizes.Length; l++)
        {
            for (int j = 0; j < layerSizes[l + 1]; j++)
            {
                for (int i = 0; i < layerSizes[l]; i++)
                {
                    mlp.SetWeight(l, j, i, Q16.ToDouble(network.GetWeight(l, j, i)));
                }

                if (network.HasBiases)
                {
                    mlp.SetBias(l, j, Q16.ToDouble(network.GetBias(l, j)));
                }
            }
        }

        return mlp;
    }

    /// <summary>Neurons in layer <paramref name="layer"/> (0 = input).</summary>
    public int GetLayerSize(int layer) => sizes[layer];

    /// <summary>Weight from neuron <paramref name="input"/> of layer <paramref name="layer"/> to neuron <paramref name="neuron"/> of layer + 1.</summary>
    public double GetWeight(int layer, int neuron, int input) => weights[layer][WeightIndex(layer, neuron, input)];

    /// <summary>Sets a weight (indices as in <see cref="GetWeight"/>).</summary>
    public void SetWeight(int layer, int neuron, int input, double value) => weights[layer][WeightIndex(layer, neuron, input)] = value;

    /// <summary>Bias of neuron <paramref name="neuron"/> of layer <paramref name="layer"/> + 1 (0 without biases).</summary>
    public double GetBias(int layer, int neuron) => biases[layer][neuron];

    /// <summary>Sets a bias (indices as in <see cref="GetBias"/>).</summary>
    /// <exception cref="InvalidOperationException">The network has no biases.</exception>
    public void SetBias(int layer, int neuron, double value)
    {
        if (!HasBiases)
        {
            throw new InvalidOperationException("This network was built without biases.");
        }

        biases[layer][neuron] = value;
    }

    /// <summary>The outputs for one input (through the same Value graph as the gradients).</summary>
    public double[] Forward(double[] input) => Array.ConvertAll(Build(input).Activations[^1], a => a.Data);

    /// <summary>
    /// Builds the scalar graph of one sample's loss, runs <see cref="Value.Backward"/> and returns
    /// its values and gradients. MeanSquaredError is ½ Σ (y - t)²; BinaryCrossEntropy is
    /// -Σ [t ln y + (1 - t) ln(1 - y)] built from Log nodes (a term whose coefficient t or 1 - t is
    /// 0 is left out: it adds 0, and 0·ln 0 would give NaN on a saturated output).
    /// CategoricalCrossEntropy (softmax output only, targets summing to 1) is
    /// Σ t_j (ln Σ_k e^(z_k - m) - (z_j - m)) = -Σ t_j ln y_j, built from Exp, Log, sums and
    /// differences of the logits' nodes (m, the largest logit, enters as a constant: shifting
    /// every logit alike changes neither the value nor the gradient), so a class whose y
    /// underflows to 0 still gives a finite loss and gradient.
    /// </summary>
    /// <exception cref="ArgumentException">A length is wrong, the loss is unknown, or cross-entropy
    /// without a sigmoid output.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A cross-entropy target is outside [0, 1].</exception>
    public ReferenceGradients ComputeGradients(double[] input, double[] target, Loss loss)
    {
        CheckLength(target, sizes[^1], nameof(target));
        if (loss == Loss.BinaryCrossEntropy)
        {
            if (OutputActivation != Activation.Sigmoid)
            {
                throw new ArgumentException("BinaryCrossEntropy needs a Sigmoid output.", nameof(loss));
            }

            if (target.Any(t => !(t >= 0 && t <= 1)))
            {
                throw new ArgumentOutOfRangeException(nameof(target), "Cross-entropy targets must be in [0, 1].");
            }
        }
        else if (loss == Loss.CategoricalCrossEntropy)
        {
            if (OutputActivation != Activation.Softmax)
            {
                throw new ArgumentException("CategoricalCrossEntropy needs a Softmax output.", nameof(loss));
            }

            if (target.Any(t => !(t >= 0 && t <= 1)) || Math.Abs(target.Sum() - 1) > 1e-12)
            {
                throw new ArgumentOutOfRangeException(nameof(target), "Categorical targets must be in [0, 1] and sum to 1.");
            }
        }
        else if (loss != Loss.MeanSquaredError)
        {
            throw new ArgumentException("Unknown loss.", nameof(loss));
        }
        else if (OutputActivation == Activation.Softmax)
        {
            throw new ArgumentException("A Softmax output needs CategoricalCrossEntropy.", nameof(loss));
        }

        Graph g = Build(input);
        Value[] y = g.Activations[^1];
        Value total = new(0);
        if (loss == Loss.CategoricalCrossEntropy)
        {
            Value[] z = g.PreActivations[^1];
            double max = z.Max(v => v.Data);
            Value sum = new(0);
            foreach (Value logit in z)
            {
                sum += (logit - max).Exp();
            }

            Value logSum = sum.Log();
            for (int j = 0; j < z.Length; j++)
            {
                if (target[j] != 0)
                {
                    total += target[j] * (logSum - (z[j] - max));
                }
            }
        }

        for (int j = 0; j < y.Length && loss != Loss.CategoricalCrossEntropy; j++)
        {
            double t = target[j];
            if (loss == Loss.MeanSquaredError)
            {
                total += 0.5 * (y[j] - t).Pow(2);
            }
            else
            {
                if (t != 0)
                {
                    total -= t * y[j].Log();
                }

                if (t != 1)
                {
                    total -= (1 - t) * (1 - y[j]).Log();
                }
            }
        }

        total.Backward();
        double[][] biasGradients = HasBiases ? Grads(g.Biases) : Array.ConvertAll(biases, b => new double[b.Length]);
        return new ReferenceGradients(
            total.Data,
            Grads(g.Weights),
            biasGradients,
            Data(g.Activations),
            Data(g.PreActivations),
            Grads(g.Activations),
            Grads(g.PreActivations));
    }

    /// <summary>
    /// One plain SGD step on one sample: every weight and bias moves by -rate·∂L/∂parameter.
    /// </summary>
    /// <returns>The loss before the update, for monitoring like the engine's Learn: the
    /// categorical cross-entropy for a softmax output, otherwise ½ Σ (y - t)² whatever the loss.</returns>
    public double TrainStep(double[] input, double[] target, Loss loss, double learningRate)
    {
        ReferenceGradients gradients = ComputeGradients(input, target, loss);
        ApplyStep([gradients], learningRate);
        if (loss == Loss.CategoricalCrossEntropy)
        {
            return gradients.Loss;
        }

        return gradients.Activations[^1].Select((y, j) => 0.5 * (y - target[j]) * (y - target[j])).Sum();
    }

    /// <summary>
    /// One full-batch step: every parameter moves by -rate × (mean over the batch of its gradient).
    /// Biases stay at 0 in a network without biases.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty or its gradients have the wrong shape.</exception>
    public void ApplyStep(ReferenceGradients[] batch, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length == 0 || batch.Any(g => g.WeightGradients.Length != weights.Length))
        {
            throw new ArgumentException("Need at least one sample's gradients for this network.", nameof(batch));
        }

        Step(weights, batch.Select(g => g.WeightGradients).ToArray(), learningRate);
        if (HasBiases)
        {
            Step(biases, batch.Select(g => g.BiasGradients).ToArray(), learningRate);
        }
    }

    private static void Step(double[][] parameters, double[][][] gradients, double learningRate)
    {
        for (int l = 0; l < parameters.Length; l++)
        {
            for (int k = 0; k < parameters[l].Length; k++)
            {
                double sum = 0;
                foreach (double[][] sample in gradients)
                {
                    sum += sample[l][k];
                }

                parameters[l][k] -= learningRate * sum / gradients.Length;
            }
        }
    }

    // The whole forward pass as Value nodes: parameters and input are fresh leaves.
    private Graph Build(double[] input)
    {
        CheckLength(input, sizes[0], nameof(input));
        int n = weights.Length;
        var g = new Graph(new Value[n][], new Value[n][], new Value[n][], new Value[n + 1][]);
        g.Activations[0] = Leaves(input);
        for (int l = 0; l < n; l++)
        {
            int fanIn = sizes[l];
            int size = sizes[l + 1];
            g.Weights[l] = Leaves(weights[l]);
            g.Biases[l] = Leaves(biases[l]);
            g.PreActivations[l] = new Value[size];
            g.Activations[l + 1] = new Value[size];
            Activation activation = l == n - 1 ? OutputActivation : HiddenActivation;
            for (int j = 0; j < size; j++)
            {
                Value z = g.Biases[l][j];
                for (int i = 0; i < fanIn; i++)
                {
                    z += g.Weights[l][j * fanIn + i] * g.Activations[l][i];
                }

                g.PreActivations[l][j] = z;
                g.Activations[l + 1][j] = Activate(z, activation);
            }

            if (activation == Activation.Softmax)
            {
                g.Activations[l + 1] = SoftmaxNodes(g.PreActivations[l]);
            }
        }

        return g;
    }

    // y_j = e^(z_j - m) / Σ_k e^(z_k - m) as scalar nodes (Exp, sums, and / as ·S^-1), m the
    // largest logit as a constant.
    private static Value[] SoftmaxNodes(Value[] logits)
    {
        double max = logits.Max(v => v.Data);
        Value[] exps = Array.ConvertAll(logits, z => (z - max).Exp());
        Value sum = new(0);
        foreach (Value e in exps)
        {
            sum += e;
        }

        return Array.ConvertAll(exps, e => e / sum);
    }

    private static Value Activate(Value z, Activation activation) => activation switch
    {
        Activation.Sigmoid => z.Sigmoid(),
        Activation.Tanh => z.Tanh(),
        Activation.Relu => z.Relu(),
        Activation.LeakyRelu => z.LeakyRelu(LeakyReluSlope),
        _ => z, // Linear; Softmax's per-neuron value, replaced by the layer's SoftmaxNodes
    };

    private int WeightIndex(int layer, int neuron, int input)
    {
        if (neuron < 0 || neuron >= sizes[layer + 1] || input < 0 || input >= sizes[layer])
        {
            throw new ArgumentOutOfRangeException(nameof(neuron), "Neuron or input index out of range.");
        }

        return neuron * sizes[layer] + input;
    }

    private static void CheckLength(double[] vector, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(vector, name);
        if (vector.Length != length)
        {
            throw new ArgumentException($"{name} has {vector.Length} elements; the network needs {length}.", name);
        }
    }

    private static Value[] Leaves(double[] values) => Array.ConvertAll(values, v => new Value(v));

    private static double[][] Data(Value[][] nodes) => Array.ConvertAll(nodes, row => Array.ConvertAll(row, v => v.Data));

    private static double[][] Grads(Value[][] nodes) => Array.ConvertAll(nodes, row => Array.ConvertAll(row, v => v.Grad));

    private sealed record Graph(Value[][] Weights, Value[][] Biases, Value[][] PreActivations, Value[][] Activations);
}
