namespace NanoBackprop
{
    // The definition of every update rule, written with the Q16 helpers only: one weight, one
    // bias, one gradient at a time. It is the specification: each fast path (UpdateLayerPlain,
    // UpdateLayerStochastic, UpdateLayerMomentum, AccumulateGradients,
    // ApplyGradientsRoundToNearest) says which rule it implements, and the differential tests run it
    // beside this code and compare the whole state after every step. ApplyGradients with
    // stochastic rounding or 16-bit weights, and 16-bit weights with momentum, have no fast
    // path: this code is what runs.
    //
    // Per sample (Learn), for neuron j of layer l + 1 with delta δ_j (units 2^-(16 + shift)),
    // input a_i (Q16.16) and rate lr (Q16.16):
    //   rate·δ in Q8.24      r_j   = Saturate(RoundShift(lr·δ_j, 8 + shift))
    //   weight step, Q16.16  s_ji  = RoundStep(r_j·a_i, 24)
    //   bias step, Q16.16    s_j   = RoundStep(lr·δ_j, 16 + shift)
    // Per mini-batch (ApplyGradients), with gradient sums g over n samples:
    //   step, Q16.16         s     = RoundStep(lr·g / n, 16)   (the division truncates at 2^-32)
    // Then, without momentum buffers: w ← ClampWeight(w - s), b ← Saturate(b - s); with them:
    //   v ← Saturate(DecayVelocity(v) - s), w ← ClampWeight(w + v), b ← Saturate(b + v).
    // RoundStep rounds to nearest (ties away from zero) or, with stochastic rounding, to
    // floor(x + u) with u a uniform draw from the PRNG, one draw per step in row order, each
    // row's weights before its bias.
    public sealed partial class Network
    {
        // Learn's update of layer l by the definition (its deltas already propagated below).
        private void ReferenceUpdateLayer(int l)
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
                    ReferenceUpdateWeight(l, row + i, stepQ40, ScaledDeltaFractionalBits, velocities);
                }

                row += fanIn;
                if (layerBiases != null)
                {
                    layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(rateDeltaExact, Q16.FractionalBits + shift), biasVelocitiesOfLayer, j);
                }
            }
        }

        // ApplyGradients' update, the mean of the accumulated gradients, by the definition.
        private void ReferenceApplyGradients()
        {
            for (int l = frozenLayers; l < layerSizes.Length - 1; l++)
            {
                long[] gradients = weightGradients[l];
                int[] velocities = weightVelocities != null ? weightVelocities[l] : null;
                for (int k = 0; k < gradients.Length; k++)
                {
                    ReferenceUpdateWeight(l, k, MeanStep(gradients[k]), Q16.FractionalBits, velocities);
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

        // One weight's update by an exact step with `stepFractionalBits` (16 or 24) fractional
        // bits beyond Q16.16: a 32-bit weight takes the step rounded to Q16.16 (RoundStep) under
        // the rule (UpdateWeight); a 16-bit weight rounds it to its own LSB (UpdateNarrowWeight,
        // Network.NarrowReference.cs). The one place the two widths differ in the definition.
        private void ReferenceUpdateWeight(int l, int k, long step, int stepFractionalBits, int[] velocities)
        {
            if (narrowWeights != null)
            {
                UpdateNarrowWeight(l, k, step, stepFractionalBits, velocities);
                return;
            }

            int[] layerWeights = weights[l];
            layerWeights[k] = UpdateWeight(layerWeights[k], RoundStep(step, stepFractionalBits), velocities, k);
        }

        // lr·g/n for a gradient sum g over n = accumulatedSamples samples, exact in Q32.32 and
        // truncated toward zero at 2^-32 (far below the rounding to Q16.16 that follows). lr·g
        // itself can need 93 bits (lr < 2^31, |g| ≤ 2^62), so with g = q·n + r (q, r truncated,
        // |q| ≤ 2^31 because each sample adds at most 2^31 in magnitude, |r| < n < 2^31):
        // lr·g/n = lr·q + lr·r/n, where lr·q < 2^62, lr·r < 2^62, and lr·r/n has the sign of lr·q,
        // so truncating lr·r/n truncates the whole. Equal to (long)lr·g/n whenever that fits.
        private long MeanStep(long gradientSum)
        {
            long quotient = gradientSum / accumulatedSamples;
            long remainder = gradientSum - quotient * accumulatedSamples;
            return (long)learningRate * quotient + (long)learningRate * remainder / accumulatedSamples;
        }

        // Backward's gradient of layer l by the definition: g ← g + Saturate(ScaleDown(δ·a,
        // 16 + shift)) for each weight, g ← g + Saturate(ScaleDown(δ, shift)) for each bias. The
        // sums are 64-bit and never saturate: each term is within ±2^31 and Backward refuses a
        // sample beyond MaxAccumulatedSamples (int.MaxValue), so |g| < 2^31·2^31 = 2^62.
        private void ReferenceAccumulateGradients(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            long[] gradients = weightGradients[l];
            long[] gradientsOfBiases = biasGradients != null ? biasGradients[l] : null;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            for (int j = 0; j < layerDeltas.Length; j++)
            {
                for (int i = 0; i < fanIn; i++)
                {
                    long gradientExact = (long)layerDeltas[j] * layerInput[i]; // units 2^-(32 + shift)
                    int k = j * fanIn + i;
                    gradients[k] += Q16.Saturate(ScaleDown(gradientExact, Q16.FractionalBits + shift));
                }

                if (gradientsOfBiases != null)
                {
                    gradientsOfBiases[j] += Q16.Saturate(ScaleDown(layerDeltas[j], shift));
                }
            }
        }

        // lr·δ (exact, units 2^-(32 + shift)) as the Q8.24 rate-delta of a row: rounded to
        // nearest and saturated (at ±128, far beyond any useful step).
        private static int ScaledRateDelta(long rateDeltaExact, int shift)
        {
            return Q16.Saturate(Q16.RoundShift(rateDeltaExact, Q16.FractionalBits - ScaledDeltaShift + shift));
        }

        // An exact step with `shift` (1 to 62) fractional bits beyond Q16.16 becomes a Q16.16
        // step: rounded to nearest, or stochastically as floor(step + u) with u uniform on [0, 1)
        // LSB, drawn with 32 bits (finer shifts use the draw's top 32 bits).
        private long RoundStep(long exactStep, int shift)
        {
            if (updateRule == UpdateRule.Stochastic || updateRule == UpdateRule.MomentumStochastic)
            {
                uint draw = NextRandom();
                long offset = shift <= 32 ? (long)(draw >> (32 - shift)) : (long)draw << (shift - 32);
                return (exactStep + offset) >> shift;
            }

            return Q16.RoundShift(exactStep, shift);
        }

        // Applies a Q16.16 step (weight -= step, or through the velocity) and keeps |w| ≤ MaxWeight.
        private int UpdateWeight(int weight, long step, int[] velocities, int index)
        {
            long updated;
            if (velocities != null)
            {
                int velocity = Q16.Saturate(DecayVelocity(velocities[index]) - step);
                velocities[index] = velocity;
                updated = (long)weight + velocity;
            }
            else
            {
                updated = weight - step;
            }

            return ClampWeight(updated);
        }

        private int UpdateBias(int bias, long step, int[] velocities, int index)
        {
            if (velocities != null)
            {
                int velocity = Q16.Saturate(DecayVelocity(velocities[index]) - step);
                velocities[index] = velocity;
                return Q16.Saturate((long)bias + velocity);
            }

            return Q16.Saturate(bias - step);
        }

        // μ·v truncated toward zero, so that |μ·v| < |v| always and a velocity dies out.
        private long DecayVelocity(int velocity)
        {
            long product = (long)momentum * velocity;
            return product >= 0 ? product >> Q16.FractionalBits : -((-product) >> Q16.FractionalBits);
        }

        // Clamps an updated weight to ±MaxWeight and counts the clamp in WeightSaturations.
        private int ClampWeight(long updated)
        {
            if (updated > MaxWeight || updated < -MaxWeight)
            {
                CountSaturations(1);
                return updated > 0 ? MaxWeight : -MaxWeight;
            }

            return (int)updated;
        }

        // Adds the weights that updates held at ±MaxWeight to WeightSaturations, which stops at
        // int.MaxValue. The fast paths clamp inline and count in a local: a call inside their
        // loops would cost the interpreter a frame and make the JIT keep the loop's variables in
        // memory.
        private void CountSaturations(int count)
        {
            weightSaturations = count > int.MaxValue - weightSaturations ? int.MaxValue : weightSaturations + count;
        }
    }
}
