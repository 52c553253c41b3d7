namespace NanoBackprop
{
    public sealed partial class Network
    {
        // Fast path of UpdateRule.Stochastic (no momentum buffers, stochastic rounding): the same
        // bits and the same PRNG draws, in the same order, as ReferenceUpdateLayer with stochastic
        // RoundStep. The weight loop is UpdateRowStochastic, one call per neuron; the bias goes
        // through the definition's UpdateBias (once per neuron, after its row's draws). Layer l's
        // deltas are already propagated below.
        private void UpdateLayerStochastic(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] layerWeights = weights[l];
            int[] layerBiases = biases != null ? biases[l] : null;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++)
            {
                long rateDeltaExact = (long)learningRate * layerDeltas[j]; // units 2^-(32 + shift)
                UpdateRowStochastic(layerWeights, row, layerInput, ScaledRateDelta(rateDeltaExact, shift));
                row += fanIn;
                if (layerBiases != null)
                {
                    layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(rateDeltaExact, Q16.FractionalBits + shift), null, j);
                }
            }
        }

        // One neuron's row: RoundStep's floor(step + u) and NextRandom's xorshift32 inlined, the
        // PRNG state in a local for the row (the same draws in the same order), ClampWeight
        // inlined and counted once per row.
        private void UpdateRowStochastic(int[] layerWeights, int row, int[] layerInput, int rateDeltaQ24)
        {
            long wideRateDeltaQ24 = rateDeltaQ24;
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
                long updated = layerWeights[k] - ((stepQ40 + (long)(state >> (32 - ScaledDeltaFractionalBits))) >> ScaledDeltaFractionalBits); // = w - RoundStep(stepQ40, 24), stochastic
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
