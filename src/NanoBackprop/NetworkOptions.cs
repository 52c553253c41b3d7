using System;

namespace NanoBackprop
{
    /// <summary>
    /// Optional parts of a <see cref="Network"/>. Each buffer exists only when its option is set,
    /// because RAM is the scarce resource on a microcontroller.
    /// </summary>
    [Flags]
    public enum NetworkOptions
    {
        /// <summary>
        /// Plain per-sample SGD: weights, biases and per-neuron buffers only (4 bytes per parameter
        /// plus O(neurons)). <see cref="Network.Learn"/> updates the weights during the backward pass.
        /// </summary>
        None = 0,

        /// <summary>
        /// Gradient buffers (4 bytes per parameter) for <see cref="Network.Backward"/>,
        /// mini-batches and <see cref="Network.ApplyGradients"/>.
        /// </summary>
        GradientAccumulation = 1,

        /// <summary>A velocity per parameter (4 bytes each) for SGD with momentum.</summary>
        Momentum = 2,

        /// <summary>No biases: every neuron's bias is a constant 0 that is never learned.</summary>
        WithoutBiases = 4,

        /// <summary>
        /// 16-bit weights (2 bytes per weight instead of 4): block floating point, a signed 16-bit
        /// integer per weight and one power-of-two exponent e (0 to <see cref="Network.MaxWeightExponent"/>)
        /// per layer, so that layer l's weights are Q(e).(16 - e) numbers (w·2^(e-16), the sign bit
        /// counted in e): LSB 2^(e-16), range ±(2^15 - 1)·2^(e-16). A layer's exponent is the least
        /// that holds its weights; it rises by one (the layer's weights halved, rounded to nearest, ties to even)
        /// when an update would leave the 16 bits, counted in <see cref="Network.WeightScaleChanges"/>.
        /// Biases, activations, deltas, velocities (4 bytes each) and gradient sums (8 bytes) stay as
        /// they are. Forward and the deltas equal a 32-bit network's with the same (dequantised)
        /// weights bit for bit; updates are exact 64-bit steps rounded once to the weight's LSB,
        /// stochastically with <see cref="Network.StochasticRounding"/> (needed at small rates, see
        /// docs/ENGINE.md, "16-bit weights").
        /// </summary>
        NarrowWeights = 8,
    }
}
