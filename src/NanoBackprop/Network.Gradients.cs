using System;

namespace NanoBackprop
{
    // Mini-batches: Backward, ApplyGradients and the gradient buffers. AccumulateGradients is the
    // fast path of ReferenceAccumulateGradients (Network.ReferenceUpdate.cs).
    public sealed partial class Network
    {
        /// <summary>
        /// After <see cref="Forward"/>, adds this sample's gradients of <paramref name="sampleLoss"/>
        /// with respect to every weight and bias to the gradient buffers, and counts the sample for
        /// <see cref="ApplyGradients"/>. Each sample's gradient is Q16.16 (saturated at ±32,768);
        /// the sums are 64-bit (Q48.16) and exact: at most <see cref="MaxAccumulatedSamples"/> samples of
        /// at most 2^31 LSB each stay below 2^62 (docs/ENGINE.md, "Gradient sums").
        /// </summary>
        /// <param name="target">Q16.16 targets, one per output (in [0, 1] for cross-entropy).</param>
        /// <param name="sampleLoss">The loss to differentiate.</param>
        /// <exception cref="InvalidOperationException">No gradient buffers, no Forward since the
        /// weights last changed, or <see cref="MaxAccumulatedSamples"/> samples already accumulated.</exception>
        /// <exception cref="ArgumentNullException">target is null.</exception>
        /// <exception cref="ArgumentException">target's length is wrong, the loss is invalid or does
        /// not fit the output activation.</exception>
        /// <exception cref="ArgumentOutOfRangeException">A cross-entropy target is outside [0, 1].</exception>
        public void Backward(int[] target, Loss sampleLoss)
        {
            BeginBackward(target, sampleLoss);
            for (int l = layerSizes.Length - 2; l >= frozenLayers; l--)
            {
                AccumulateGradients(l);
                PropagateBelow(l);
            }

            CountAccumulatedSample();
        }

        /// <summary>
        /// <see cref="Backward"/> by the definition (ReferenceAccumulateGradients): the
        /// specification AccumulateGradients is tested against by the differential tests.
        /// </summary>
        internal void BackwardByDefinition(int[] target, Loss sampleLoss)
        {
            BeginBackward(target, sampleLoss);
            for (int l = layerSizes.Length - 2; l >= frozenLayers; l--)
            {
                ReferenceAccumulateGradients(l);
                PropagateBelow(l);
            }

            CountAccumulatedSample();
        }

        /// <summary>Sets every accumulated gradient and the sample count to zero.</summary>
        public void ClearGradients()
        {
            if (weightGradients == null)
            {
                return;
            }

            for (int l = frozenLayers; l < weightGradients.Length; l++)
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
        /// Takes one SGD step (with momentum if the network has momentum buffers) along the mean of the accumulated gradients:
        /// each parameter moves by -lr·(sum of gradients)/(samples): the sums are exact (64-bit), the
        /// quotient exact to 2^-32 (truncated) and rounded once to Q16.16; then clears the gradients.
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

            if (narrowWeights == null && updateRule == UpdateRule.Plain)
            {
                ApplyGradientsPlain();
            }
            else if (narrowWeights == null && updateRule == UpdateRule.Momentum)
            {
                ApplyGradientsMomentum();
            }
            else
            {
                // Stochastic rounding and 16-bit weights: the definition is the code (see
                // Network.ReferenceUpdate.cs and Network.NarrowReference.cs).
                ReferenceApplyGradients();
            }

            ClearGradients();
            forwardValid = false;
        }

        /// <summary>
        /// <see cref="ApplyGradients"/> by the definition (ReferenceApplyGradients), whatever the
        /// rule: the specification its fast path ApplyGradientsPlain is tested against by the
        /// differential tests.
        /// </summary>
        internal void ApplyGradientsByDefinition()
        {
            ReferenceApplyGradients();
            ClearGradients();
            forwardValid = false;
        }

        /// <summary>Accumulated gradient sum of a weight in Q16.16, saturated at ±32,768 (the exact
        /// 64-bit sum is <see cref="GetWeightGradientSum"/>).</summary>
        /// <exception cref="InvalidOperationException">No gradient buffers.</exception>
        public int GetWeightGradient(int layer, int neuron, int input)
        {
            return Q16.Saturate(GetWeightGradientSum(layer, neuron, input));
        }

        /// <summary>Accumulated gradient sum of a weight, exact: Q48.16 in 64 bits.</summary>
        /// <exception cref="ArgumentOutOfRangeException">An index is out of range (named).</exception>
        /// <exception cref="InvalidOperationException">No gradient buffers.</exception>
        public long GetWeightGradientSum(int layer, int neuron, int input)
        {
            int index = WeightIndex(layer, neuron, input, "GetWeightGradient");
            if (weightGradients == null)
            {
                throw new InvalidOperationException("GetWeightGradient needs gradient buffers: construct the network with NetworkOptions.GradientAccumulation.");
            }

            CheckTrainable(layer, "GetWeightGradient");
            return weightGradients[layer][index];
        }

        /// <summary>Accumulated gradient sum of a bias in Q16.16, saturated at ±32,768 (0 without
        /// biases; the exact 64-bit sum is <see cref="GetBiasGradientSum"/>).</summary>
        /// <exception cref="InvalidOperationException">No gradient buffers.</exception>
        public int GetBiasGradient(int layer, int neuron)
        {
            return Q16.Saturate(GetBiasGradientSum(layer, neuron));
        }

        /// <summary>Accumulated gradient sum of a bias, exact: Q48.16 in 64 bits (0 without biases).</summary>
        /// <exception cref="ArgumentOutOfRangeException">An index is out of range (named).</exception>
        /// <exception cref="InvalidOperationException">No gradient buffers.</exception>
        public long GetBiasGradientSum(int layer, int neuron)
        {
            CheckNeuron(layer, neuron, "GetBiasGradient");
            if (weightGradients == null)
            {
                throw new InvalidOperationException("GetBiasGradient needs gradient buffers: construct the network with NetworkOptions.GradientAccumulation.");
            }

            CheckTrainable(layer, "GetBiasGradient");
            return biasGradients == null ? 0 : biasGradients[layer][neuron];
        }

        // Backward's checks and its output deltas.
        private void BeginBackward(int[] target, Loss sampleLoss)
        {
            if (weightGradients == null)
            {
                throw new InvalidOperationException("Backward needs gradient buffers: construct the network with NetworkOptions.GradientAccumulation (or use Learn).");
            }

            if (!forwardValid)
            {
                throw new InvalidOperationException("Backward needs a Forward on the current weights first.");
            }

            if (accumulatedSamples >= MaxAccumulatedSamples)
            {
                throw new InvalidOperationException("Backward: " + MaxAccumulatedSamples + " samples are accumulated, the most whose sum is exact; call ApplyGradients first.");
            }

            CheckLoss(sampleLoss, outputActivation, "sampleLoss", "Backward");
            CheckTarget(target, sampleLoss, "Backward");
            ComputeOutputDeltas(target, sampleLoss);
        }

        // BeginBackward refused the sample that would pass MaxAccumulatedSamples.
        private void CountAccumulatedSample()
        {
            accumulatedSamples++;
        }

        // Fast path of ReferenceAccumulateGradients (Backward's rule): the rounding and the
        // saturation of each sample's gradient written out, no call per weight.
        private void AccumulateGradients(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            long[] gradients = weightGradients[l];
            long[] gradientsOfBiases = biasGradients != null ? biasGradients[l] : null;
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
                    // g + Q16.Saturate(Q16.RoundShift(δ·a, 16 + shift)), inlined; the 64-bit sum is exact.
                    long gradientExact = wideDelta * layerInput[i]; // units 2^-(32 + shift)
                    long gradientQ16 = (gradientExact + half + (gradientExact >> 63)) >> gradientShift; // = Q16.RoundShift(gradientExact, gradientShift)
                    if ((ulong)(gradientQ16 - int.MinValue) > uint.MaxValue) // = Q16.Saturate(gradientQ16)
                    {
                        gradientQ16 = gradientQ16 > 0 ? int.MaxValue : int.MinValue;
                    }

                    gradients[row + i] += gradientQ16;
                }

                row += fanIn;
                if (gradientsOfBiases != null)
                {
                    gradientsOfBiases[j] += Q16.Saturate(ScaleDown(delta, shift));
                }
            }
        }
    }
}
