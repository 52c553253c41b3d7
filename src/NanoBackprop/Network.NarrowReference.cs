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
