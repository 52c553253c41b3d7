using System;

namespace NanoBackprop
{
    // Forward pass, and the squared error that Learn and OnlineLearner report.
    public sealed partial class Network
    {
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

            if (outputActivation == Activation.Softmax)
            {
                // The layer loop left the logits in the outputs (Apply is the identity for Softmax).
                Softmax.EvaluateUnchecked(preActivations[lastLayer], activations[lastLayer + 1]);
            }

            forwardValid = true;
        }

        // ½ Σ (y - t)² in Q16.16 (each term rounded, the sum saturated): the loss Learn and the
        // learner report, whatever the loss being minimised.
        internal static int HalfSquaredError(int[] outputs, int[] target)
        {
            long sum = 0;
            for (int j = 0; j < outputs.Length; j++)
            {
                long error = Q16.Subtract(outputs[j], target[j]);
                sum += Q16.RoundShift(error * error, Q16.FractionalBits + 1);
            }

            return Q16.Saturate(sum);
        }
    }
}
