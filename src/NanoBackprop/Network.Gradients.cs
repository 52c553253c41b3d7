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

            if (narrowWeights == null && (updateRule == UpdateRule.Plain || updateRule == UpdateRule.Momentum))
            {
                ApplyGradientsRoundToNearest();
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
        /// rule: the specification its fast path ApplyGradientsRoundToNearest is tested against
        /// by the differential tests.
        /// </summary>
        internal void ApplyGradientsByDefinition()
        {
            ReferenceApplyGradients();
            ClearGradients();
            forwardValid = false;
        }

        // Fast path of ReferenceApplyGradients for UpdateRule.Plain and UpdateRule.Momentum with
        // 32-bit weights: the same bits. The definition makes five to eight calls per parameter
        // (ReferenceUpdateWeight, MeanStep, RoundStep with Q16.RoundShift, UpdateWeight with
        // ClampWeight or UpdateBias with Q16.Saturate, and with momentum DecayVelocity and
        // Q16.Saturate); here one call per array (docs/PERFORMANCE.md, rules 2 and
        // 3): the weights held at ±MaxWeight (ClampWeight, counted), the biases at int's ends
        // (Q16.Saturate). The velocities are null without momentum buffers.
        private void ApplyGradientsRoundToNearest()
        {
            int saturations = 0;
            for (int l = frozenLayers; l < layerSizes.Length - 1; l++)
            {
                saturations += ApplyMeanSteps(weightGradients[l], weights[l], weightVelocities != null ? weightVelocities[l] : null, -MaxWeight, MaxWeight);
                if (biases != null)
                {
                    ApplyMeanSteps(biasGradients[l], biases[l], biasVelocities != null ? biasVelocities[l] : null, int.MinValue, int.MaxValue);
                }
            }

            if (saturations != 0)
            {
                CountSaturations(saturations);
            }
        }

        // Each parameter's step is the mean of its gradient sum, lr·g/n (MeanStep's two
        // divisions, exact to 2^-32, truncated), rounded half away from zero to Q16.16; then
        // UpdateWeight's rule: p ← p - step, or with velocities v ← Saturate(DecayVelocity(v) -
        // step), p ← p + v (DecayVelocity truncated toward zero without a branch, as
        // UpdateRowMomentum writes it); p held within [low, high]. Returns how many it held.
        private int ApplyMeanSteps(long[] sums, int[] parameters, int[] velocities, long low, long high)
        {
            const long TruncationBias = (1L << Q16.FractionalBits) - 1;
            long rate = learningRate;
            long samples = accumulatedSamples;
            long wideMomentumQ16 = momentum;
            long half = 1L << (Q16.FractionalBits - 1);
            ulong range = (ulong)(high - low);
            int count = parameters.Length;
            int held = 0;
            for (int k = 0; k < count; k++)
            {
                long sum = sums[k];
                long quotient = sum / samples;
                long stepQ32 = rate * quotient + rate * (sum - quotient * samples) / samples; // = MeanStep(sum)
                long stepQ16 = (stepQ32 + half + (stepQ32 >> 63)) >> Q16.FractionalBits; // = Q16.RoundShift(stepQ32, 16)
                long updated;
                if (velocities == null)
                {
                    updated = parameters[k] - stepQ16;
                }
                else
                {
                    long decayQ32 = wideMomentumQ16 * velocities[k];
                    long velocityQ16 = ((decayQ32 + ((decayQ32 >> 63) & TruncationBias)) >> Q16.FractionalBits) - stepQ16; // = DecayVelocity(v) - step
                    if ((ulong)(velocityQ16 - int.MinValue) > uint.MaxValue) // = Q16.Saturate(velocityQ16)
                    {
                        velocityQ16 = velocityQ16 > 0 ? int.MaxValue : int.MinValue;
                    }

                    velocities[k] = (int)velocityQ16;
                    updated = parameters[k] + velocityQ16;
                }

                if ((ulong)(updated - low) > range) // = ClampWeight(updated) for the weights, Q16.Saturate(updated) for the biases
                {
                    updated = updated > high ? high : low;
                    held++;
                }

                parameters[k] = (int)updated;
            }

            return held;
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
