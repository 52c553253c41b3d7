namespace NanoBackprop.Reference;

/// <summary>
/// One sample's forward values and gradients from <see cref="ReferenceMlp.ComputeGradients"/>,
/// read from the scalar graph after <see cref="Value.Backward"/>. "Weight layer" l (0-based)
/// means the weights and biases into layer l + 1, as in <see cref="Network"/>; "layer" l means a
/// layer of neurons, 0 being the input, L = LayerCount - 1 the output.
/// </summary>
/// <param name="Loss">The sample's loss L (the loss that was differentiated).</param>
/// <param name="WeightGradients">∂L/∂w, [weight layer l][neuron j · fanIn + input i] for the
/// weight from neuron i of layer l to neuron j of layer l + 1 (fanIn = size of layer l).</param>
/// <param name="BiasGradients">∂L/∂b, [weight layer l][neuron j of layer l + 1]; all 0 for a
/// network without biases.</param>
/// <param name="Activations">Forward outputs, [layer l][neuron] for l = 0 (the input) to L.</param>
/// <param name="PreActivations">z = b + Σ w·x, [l][neuron] for layer l + 1 (the input has none).</param>
/// <param name="ActivationGradients">∂L/∂(activation), [layer l][neuron] for l = 0 to L; [0] is
/// ∂L/∂input.</param>
/// <param name="PreActivationGradients">∂L/∂z, [l][neuron] for layer l + 1, indexed like
/// <paramref name="PreActivations"/> (and like the engine's deltas).</param>
public sealed record ReferenceGradients(
    double Loss,
    double[][] WeightGradients,
    double[][] BiasGradients,
    double[][] Activations,
    double[][] PreActivations,
    double[][] ActivationGradients,
    double[][] PreActivationGradients);
