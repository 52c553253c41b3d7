using System;

namespace NanoBackprop
{
    /// <summary>The activation function of a layer.</summary>
    public enum Activation
    {
        /// <summary>σ(z) = 1 / (1 + e^-z), from the lookup table (<see cref="NanoBackprop.Sigmoid"/>).</summary>
        Sigmoid = 0,

        /// <summary>tanh(z) = 2σ(2z) - 1, from the same table (<see cref="NanoBackprop.Tanh"/>).</summary>
        Tanh = 1,

        /// <summary>max(0, z).</summary>
        Relu = 2,

        /// <summary>z for z &gt; 0, otherwise <see cref="Activations.LeakyReluSlope"/>·z.</summary>
        LeakyRelu = 3,

        /// <summary>The identity.</summary>
        Linear = 4,

        /// <summary>
        /// softmax(z)_j = e^(z_j) / Σ_k e^(z_k) over the whole output layer (<see cref="NanoBackprop.Softmax"/>):
        /// outputs in [0, 1] that sum to exactly 1. Output layer only, and only with
        /// <see cref="Loss.CategoricalCrossEntropy"/>.
        /// </summary>
        Softmax = 5,
    }

    /// <summary>Evaluates activations and their derivatives on Q16.16 values.</summary>
    public static class Activations
    {
        /// <summary>
        /// The leaky ReLU's slope for negative inputs, Q16.16: 655 = round(0.01·2^16), about
        /// 0.0099945.
        /// </summary>
        public const int LeakyReluSlope = 655;

        /// <summary>Whether <paramref name="activation"/> is one of the defined values.</summary>
        public static bool IsDefined(Activation activation)
        {
            return activation >= Activation.Sigmoid && activation <= Activation.Softmax;
        }

        /// <summary>
        /// The activation of a Q16.16 pre-activation z, Q16.16. Leaky ReLU's product is rounded to
        /// nearest; the others are exact or as documented on their table. Softmax is a function of the
        /// whole layer: here it returns z (the logit), and <see cref="Softmax.Evaluate"/> normalises the layer.
        /// </summary>
        public static int Apply(Activation activation, int z)
        {
            switch (activation)
            {
                case Activation.Sigmoid:
                    return Sigmoid.Evaluate(z);
                case Activation.Tanh:
                    return Tanh.Evaluate(z);
                case Activation.Relu:
                    return z > 0 ? z : 0;
                case Activation.LeakyRelu:
                    return z > 0 ? z : Q16.Multiply(LeakyReluSlope, z);
                default:
                    return z;
            }
        }

        /// <summary>Fractional bits of a derivative from <see cref="Derivative"/> (Q2.30).</summary>
        public const int DerivativeFractionalBits = Sigmoid.DerivativeBits;

        /// <summary>
        /// f'(z) for a Q16.16 pre-activation z, as Q2.30 (2^30 = 1.0). Derivatives come from z
        /// rather than from the rounded output: the extra bits keep a nearly saturated σ' or tanh'
        /// (a few Q16.16 LSB, or far less) accurate, which block-floating deltas then preserve. At z = 0 the (leaky) ReLU takes
        /// its left derivative. Softmax gives 1 (never used: its output deltas are y - t directly).
        /// </summary>
        public static int Derivative(Activation activation, int z)
        {
            switch (activation)
            {
                case Activation.Sigmoid:
                    return Sigmoid.DerivativeQ30(z);
                case Activation.Tanh:
                    return Tanh.DerivativeQ30(z);
                case Activation.Relu:
                    return z > 0 ? 1 << DerivativeFractionalBits : 0;
                case Activation.LeakyRelu:
                    return z > 0 ? 1 << DerivativeFractionalBits : LeakyReluSlope << (DerivativeFractionalBits - Q16.FractionalBits);
                default:
                    return 1 << DerivativeFractionalBits;
            }
        }
    }
}
