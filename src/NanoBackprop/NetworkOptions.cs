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
    }
}
