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

        // Written for the interpreter (docs/PERFORMANCE.md, "What nanoCLR charges for"): the
        // arrays live in locals, the bias joins the exact sum at 32 fractional bits so that the
        // neuron rounds once, and the rounding and saturation are written out (no call per neuron):
        // z = Q16.Saturate(Q16.RoundShift(sum, 16)), to nearest with ties away from zero; so is a
        // sigmoid layer's σ(z) (Sigmoid.Evaluate's rule; a differential test checks every z within ±13).
        private void ForwardUnchecked(int[] input)
        {
            if (narrowWeights != null)
            {
                ForwardNarrow(input);
                return;
            }

            int[][] allActivations = activations;
            int[][] allWeights = weights;
            int[][] allBiases = biases;
            int[][] allPreActivations = preActivations;
            Array.Copy(input, allActivations[0], input.Length);
            int lastLayer = allWeights.Length - 1;
            long half = 1L << (Q16.FractionalBits - 1);
            int[] table = Sigmoid.Table;
            int positionMask = (1 << Sigmoid.StepShift) - 1;
            int sigmoidShift = Sigmoid.InterpolationBits - Q16.FractionalBits;
            long sigmoidHalf = 1L << (sigmoidShift - 1);
            for (int l = 0; l <= lastLayer; l++)
            {
                int[] layerInput = allActivations[l];
                int[] layerOutput = allActivations[l + 1];
                int[] layerWeights = allWeights[l];
                int[] layerBiases = allBiases != null ? allBiases[l] : null;
                int[] layerPreActivations = allPreActivations[l];
                Activation activation = l == lastLayer ? outputActivation : hiddenActivation;
                bool sigmoid = activation == Activation.Sigmoid;
                int fanIn = layerInput.Length;
                int blockEnd = fanIn - 3; // i < blockEnd: inputs i to i + 3 exist
                int size = layerOutput.Length;
                int row = 0;
                for (int j = 0; j < size; j++, row += fanIn)
                {
                    long sum = layerBiases != null ? (long)layerBiases[j] << Q16.FractionalBits : 0;
                    // The multiply-accumulate decides Forward's time: four products per pass cost
                    // about 16 IL per weight against 21 one at a time (loop control is 7 IL a pass).
                    int i = 0;
                    for (; i < blockEnd; i += 4)
                    {
                        int k = row + i;
                        sum += (long)layerWeights[k] * layerInput[i] + (long)layerWeights[k + 1] * layerInput[i + 1]
                            + (long)layerWeights[k + 2] * layerInput[i + 2] + (long)layerWeights[k + 3] * layerInput[i + 3];
                    }

                    for (; i < fanIn; i++)
                    {
                        sum += (long)layerWeights[row + i] * layerInput[i];
                    }

                    sum = (sum + half + (sum >> 63)) >> Q16.FractionalBits; // = Q16.RoundShift(sum, 16)
                    int preActivation = (ulong)(sum - int.MinValue) > uint.MaxValue // = Q16.Saturate(sum)
                        ? (sum > 0 ? int.MaxValue : int.MinValue)
                        : (int)sum;
                    layerPreActivations[j] = preActivation;
                    if (!sigmoid)
                    {
                        layerOutput[j] = Activations.Apply(activation, preActivation);
                        continue;
                    }

                    // σ(z) = Sigmoid.Evaluate(z), written out (the interpreter pays a frame per
                    // call): the table interpolated at |z| and rounded to Q16.16 once,
                    // σ(-z) = 1 - σ(z), exactly 1 or 0 from |z| ≥ 12 on.
                    int magnitude = preActivation >= 0 ? preActivation : -preActivation; // -int.MinValue is 2^31 as a uint
                    int sigma;
                    if ((uint)magnitude >= Sigmoid.SaturationInput)
                    {
                        sigma = preActivation >= 0 ? Q16.One : 0;
                    }
                    else
                    {
                        int index = magnitude >> Sigmoid.StepShift;
                        int low = table[index];
                        sigma = (int)((((long)low << Sigmoid.StepShift) + (table[index + 1] - low) * (magnitude & positionMask) + sigmoidHalf) >> sigmoidShift); // = Q16.RoundShift(Sigmoid.Interpolate(|z|), 18)
                        sigma = preActivation >= 0 ? sigma : Q16.One - sigma;
                    }

                    layerOutput[j] = sigma;
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
            // Q16.Subtract, Q16.RoundShift(e², 17) and Q16.Saturate written out (no calls per output).
            long sum = 0;
            long half = 1L << Q16.FractionalBits;
            for (int j = 0; j < outputs.Length; j++)
            {
                long error = (long)outputs[j] - target[j];
                if ((ulong)(error - int.MinValue) > uint.MaxValue)
                {
                    error = error > 0 ? int.MaxValue : int.MinValue;
                }

                sum += (error * error + half) >> (Q16.FractionalBits + 1); // e² ≥ 0: no sign correction
            }

            return sum > int.MaxValue ? int.MaxValue : (int)sum;
        }
    }
}
