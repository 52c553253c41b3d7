namespace NanoBackprop
{
    // The definition of the update rules for 16-bit weights (NetworkOptions.NarrowWeights),
    // written like Network.ReferenceUpdate.cs with the Q16 helpers only, one weight at a time.
    // Layer l's weight k is narrowWeights[l][k]·2^e Q16.16 LSB, e = weightExponents[l] (0 to
    // MaxWeightExponent): a Q(e).(16 - e) number. Everything but the weights' rounding is the
    // 32-bit rule's: the same exact steps, the same biases, velocities and gradient sums.
    //
    // Per sample (Learn), the exact weight step r_j·a_i (units 2^-40, as in ReferenceUpdateLayer)
    // is rounded once, to the weight's own LSB:
    //   without momentum buffers  w ← Store(w - RoundStep(r_j·a_i, 24 + e))
    //   with them                 v ← Saturate(DecayVelocity(v) - RoundStep(r_j·a_i, 24))
    //                             w ← Store(w + RoundWeightStep(v, e))
    // Per mini-batch (ApplyGradients) the same with the exact mean step lr·g/n (units 2^-32) and
    // 16 in place of 24. RoundWeightStep is RoundStep but exact (no draw) when e = 0.
    // Store keeps |w| ≤ MaxNarrowWeight: while it would not, the layer's exponent rises by one
    // (every weight of the layer halved, rounded to nearest with ties to even, and the value
    // being stored too), counted in WeightScaleChanges; at MaxWeightExponent the weight is held
    // at ±MaxNarrowWeight and counted in WeightSaturations. Stochastic draws are taken in the
    // same order as the 32-bit rule's (row by row, each row's weights before its bias), the
    // momentum rule drawing for the velocity and then, if e > 0, for the weight.
    public sealed partial class Network
    {
        // Learn's update of 16-bit layer l by the definition (its deltas already propagated below).
        private void ReferenceUpdateLayerNarrow(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] layerBiases = biases != null ? biases[l] : null;
            int[] velocities = weightVelocities != null ? weightVelocities[l] : null;
            int[] biasVelocitiesOfLayer = biasVelocities != null ? biasVelocities[l] : null;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++)
            {
                long rateDeltaExact = (long)learningRate * layerDeltas[j]; // units 2^-(32 + shift)
                int rateDeltaQ24 = ScaledRateDelta(rateDeltaExact, shift);
                for (int i = 0; i < fanIn; i++)
                {
                    long stepQ40 = (long)rateDeltaQ24 * layerInput[i];
                    UpdateNarrowWeight(l, row + i, stepQ40, ScaledDeltaFractionalBits, velocities);
                }

                row += fanIn;
                if (layerBiases != null)
                {
                    layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(rateDeltaExact, Q16.FractionalBits + shift), biasVelocitiesOfLayer, j);
                }
            }
        }

        // ApplyGradients' update of a 16-bit network, by the definition (the code that runs).
        private void ReferenceApplyGradientsNarrow()
        {
            for (int l = frozenLayers; l < narrowWeights.Length; l++)
            {
                long[] gradients = weightGradients[l];
                int[] velocities = weightVelocities != null ? weightVelocities[l] : null;
                for (int k = 0; k < gradients.Length; k++)
                {
                    UpdateNarrowWeight(l, k, MeanStep(gradients[k]), Q16.FractionalBits, velocities);
                }

                if (biases != null)
                {
                    int[] layerBiases = biases[l];
                    long[] gradientsOfBiases = biasGradients[l];
                    int[] biasVelocitiesOfLayer = biasVelocities != null ? biasVelocities[l] : null;
                    for (int j = 0; j < layerBiases.Length; j++)
                    {
                        long stepQ32 = MeanStep(gradientsOfBiases[j]);
                        layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(stepQ32, Q16.FractionalBits), biasVelocitiesOfLayer, j);
                    }
                }
            }
        }

        // One 16-bit weight's update by an exact step with `shift` (16 or 24) fractional bits
        // beyond Q16.16 (see the rules above).
        private void UpdateNarrowWeight(int l, int k, long exactStep, int shift, int[] velocities)
        {
            long updated;
            if (velocities != null)
            {
                int velocity = Q16.Saturate(DecayVelocity(velocities[k]) - RoundStep(exactStep, shift));
                velocities[k] = velocity;
                updated = narrowWeights[l][k] + RoundWeightStep(velocity, weightExponents[l]);
            }
            else
            {
                updated = narrowWeights[l][k] - RoundWeightStep(exactStep, shift + weightExponents[l]);
            }

            StoreNarrowWeight(l, k, updated);
        }

        // RoundStep, or the value itself (no draw) for shift 0.
        private long RoundWeightStep(long exactStep, int shift)
        {
            return shift == 0 ? exactStep : RoundStep(exactStep, shift);
        }
    }
}
