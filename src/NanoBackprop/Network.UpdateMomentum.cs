namespace NanoBackprop
{
    public sealed partial class Network
    {
        // Fast path of UpdateRule.Momentum (momentum buffers, round to nearest) and, with
        // `stochastic`, of UpdateRule.MomentumStochastic: the same bits, and for the latter the
        // same PRNG draws in the same order, as ReferenceUpdateLayer with velocities. The weight
        // loop is UpdateRowMomentum or UpdateRowMomentumStochastic, one call per neuron; the bias
        // goes through the definition's UpdateBias with RoundStep (once per neuron, after its
        // row's draws). Layer l's deltas are already propagated below.
        private void UpdateLayerMomentum(int l, bool stochastic)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] layerWeights = weights[l];
            int[] layerBiases = biases != null ? biases[l] : null;
            int[] velocities = weightVelocities[l];
            int[] biasVelocitiesOfLayer = biasVelocities != null ? biasVelocities[l] : null;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++)
            {
                long rateDeltaExact = (long)learningRate * layerDeltas[j]; // units 2^-(32 + shift)
                if (stochastic)
                {
                    UpdateRowMomentumStochastic(layerWeights, velocities, row, layerInput, ScaledRateDelta(rateDeltaExact, shift));
                }
                else
                {
                    UpdateRowMomentum(layerWeights, velocities, row, layerInput, ScaledRateDelta(rateDeltaExact, shift));
                }

                row += fanIn;
                if (layerBiases != null)
                {
                    layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(rateDeltaExact, Q16.FractionalBits + shift), biasVelocitiesOfLayer, j);
                }
            }
        }

        // One neuron's row: UpdateWeight's momentum branch with RoundStep (to nearest),
        // DecayVelocity and ClampWeight inlined. μ·v is truncated toward zero without a branch by
        // adding 2^16 - 1 to a negative product before the arithmetic shift.
        private void UpdateRowMomentum(int[] layerWeights, int[] velocities, int row, int[] layerInput, int rateDeltaQ24)
        {
            const long Half = 1L << (ScaledDeltaFractionalBits - 1);
            const long TruncationBias = (1L << Q16.FractionalBits) - 1;
            long wideRateDeltaQ24 = rateDeltaQ24;
            long wideMomentumQ16 = momentum;
            int saturations = 0;
            int end = row + layerInput.Length;
            for (int k = row, i = 0; k < end; k++, i++)
            {
                long stepQ40 = wideRateDeltaQ24 * layerInput[i];
                long stepQ16 = (stepQ40 + Half + (stepQ40 >> 63)) >> ScaledDeltaFractionalBits; // = Q16.RoundShift(stepQ40, 24)
                long decayQ32 = wideMomentumQ16 * velocities[k];
                long velocityQ16 = ((decayQ32 + ((decayQ32 >> 63) & TruncationBias)) >> Q16.FractionalBits) - stepQ16; // = DecayVelocity(v) - step
                if ((ulong)(velocityQ16 - int.MinValue) > uint.MaxValue) // = Q16.Saturate(velocityQ16)
                {
                    velocityQ16 = velocityQ16 > 0 ? int.MaxValue : int.MinValue;
                }

                velocities[k] = (int)velocityQ16;
                long updated = layerWeights[k] + velocityQ16;
                if ((ulong)(updated + MaxWeight) > 2 * (ulong)MaxWeight) // = ClampWeight(updated), counted below
                {
                    updated = updated > 0 ? MaxWeight : -MaxWeight;
                    saturations++;
                }

                layerWeights[k] = (int)updated;
            }

            if (saturations != 0)
            {
                CountSaturations(saturations);
            }
        }

        // One neuron's row with momentum and stochastic rounding: UpdateRowMomentum with
        // UpdateRowStochastic's step, RoundStep's floor(step + u) with NextRandom's xorshift32
        // inlined, the PRNG state in a local for the row (one draw per weight, in row order, as
        // ReferenceUpdateLayer draws them).
        private void UpdateRowMomentumStochastic(int[] layerWeights, int[] velocities, int row, int[] layerInput, int rateDeltaQ24)
        {
            const long TruncationBias = (1L << Q16.FractionalBits) - 1;
            long wideRateDeltaQ24 = rateDeltaQ24;
            long wideMomentumQ16 = momentum;
            uint state = randomState;
            int saturations = 0;
            int end = row + layerInput.Length;
            for (int k = row, i = 0; k < end; k++, i++)
            {
                // = Xorshift(state)
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                long stepQ40 = wideRateDeltaQ24 * layerInput[i];
                long stepQ16 = (stepQ40 + (long)(state >> (32 - ScaledDeltaFractionalBits))) >> ScaledDeltaFractionalBits; // = RoundStep(stepQ40, 24), stochastic
                long decayQ32 = wideMomentumQ16 * velocities[k];
                long velocityQ16 = ((decayQ32 + ((decayQ32 >> 63) & TruncationBias)) >> Q16.FractionalBits) - stepQ16; // = DecayVelocity(v) - step
                if ((ulong)(velocityQ16 - int.MinValue) > uint.MaxValue) // = Q16.Saturate(velocityQ16)
                {
                    velocityQ16 = velocityQ16 > 0 ? int.MaxValue : int.MinValue;
                }

                velocities[k] = (int)velocityQ16;
                long updated = layerWeights[k] + velocityQ16;
                if ((ulong)(updated + MaxWeight) > 2 * (ulong)MaxWeight) // = ClampWeight(updated), counted below
                {
                    updated = updated > 0 ? MaxWeight : -MaxWeight;
                    saturations++;
                }

                layerWeights[k] = (int)updated;
            }

            randomState = state;
            if (saturations != 0)
            {
                CountSaturations(saturations);
            }
        }

        // Fast path of ReferenceApplyGradients for UpdateRule.Momentum with 32-bit weights: the
        // same bits. Each parameter's step is the mean of its gradient sum, lr·g/n (MeanStep),
        // rounded half away from zero to Q16.16; then UpdateWeight's momentum branch as
        // UpdateRowMomentum writes it (DecayVelocity truncated toward zero without a branch, the
        // velocity saturated, the weight clamped and counted) and UpdateBias's for the biases.
        // The definition makes five calls per parameter; this loop none (docs/PERFORMANCE.md,
        // rules 2 and 3).
        private void ApplyGradientsMomentum()
        {
            const long TruncationBias = (1L << Q16.FractionalBits) - 1;
            long rate = learningRate;
            long samples = accumulatedSamples;
            long wideMomentumQ16 = momentum;
            long half = 1L << (Q16.FractionalBits - 1);
            int saturations = 0;
            for (int l = frozenLayers; l < layerSizes.Length - 1; l++)
            {
                long[] gradients = weightGradients[l];
                int[] layerWeights = weights[l];
                int[] velocities = weightVelocities[l];
                int count = gradients.Length;
                for (int k = 0; k < count; k++)
                {
                    long sum = gradients[k];
                    long quotient = sum / samples;
                    long stepQ32 = rate * quotient + rate * (sum - quotient * samples) / samples; // = MeanStep(sum)
                    long stepQ16 = (stepQ32 + half + (stepQ32 >> 63)) >> Q16.FractionalBits; // = Q16.RoundShift(stepQ32, 16)
                    long decayQ32 = wideMomentumQ16 * velocities[k];
                    long velocityQ16 = ((decayQ32 + ((decayQ32 >> 63) & TruncationBias)) >> Q16.FractionalBits) - stepQ16; // = DecayVelocity(v) - step
                    if ((ulong)(velocityQ16 - int.MinValue) > uint.MaxValue) // = Q16.Saturate(velocityQ16)
                    {
                        velocityQ16 = velocityQ16 > 0 ? int.MaxValue : int.MinValue;
                    }

                    velocities[k] = (int)velocityQ16;
                    long updated = layerWeights[k] + velocityQ16;
                    if ((ulong)(updated + MaxWeight) > 2 * (ulong)MaxWeight) // = ClampWeight(updated), counted below
                    {
                        updated = updated > 0 ? MaxWeight : -MaxWeight;
                        saturations++;
                    }

                    layerWeights[k] = (int)updated;
                }

                if (biases != null)
                {
                    int[] layerBiases = biases[l];
                    long[] gradientsOfBiases = biasGradients[l];
                    int[] velocitiesOfBiases = biasVelocities[l];
                    for (int j = 0; j < layerBiases.Length; j++)
                    {
                        long sum = gradientsOfBiases[j];
                        long quotient = sum / samples;
                        long stepQ32 = rate * quotient + rate * (sum - quotient * samples) / samples; // = MeanStep(sum)
                        long stepQ16 = (stepQ32 + half + (stepQ32 >> 63)) >> Q16.FractionalBits; // = Q16.RoundShift(stepQ32, 16)
                        long decayQ32 = wideMomentumQ16 * velocitiesOfBiases[j];
                        long velocityQ16 = ((decayQ32 + ((decayQ32 >> 63) & TruncationBias)) >> Q16.FractionalBits) - stepQ16; // = DecayVelocity(v) - step
                        if ((ulong)(velocityQ16 - int.MinValue) > uint.MaxValue) // = Q16.Saturate(velocityQ16)
                        {
                            velocityQ16 = velocityQ16 > 0 ? int.MaxValue : int.MinValue;
                        }

                        velocitiesOfBiases[j] = (int)velocityQ16;
                        long bias = layerBiases[j] + velocityQ16;
                        if ((ulong)(bias - int.MinValue) > uint.MaxValue) // = Q16.Saturate(bias)
                        {
                            bias = bias > 0 ? int.MaxValue : int.MinValue;
                        }

                        layerBiases[j] = (int)bias;
                    }
                }
            }

            if (saturations != 0)
            {
                CountSaturations(saturations);
            }
        }
    }
}
