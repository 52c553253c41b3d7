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
    }
}
