using System;

namespace NanoBackprop
{
    // 16-bit weights (NetworkOptions.NarrowWeights): their format, Forward and the propagation of
    // deltas through them, and the fast path of their per-sample update. The definition of the
    // update is Network.NarrowReference.cs. Layer l's weight k is narrowWeights[l][k]·2^e Q16.16
    // LSB with e = weightExponents[l], so every 16-bit weight is an exact Q16.16 value (its
    // "dequantised" value): Forward and the deltas compute exactly what the 32-bit engine computes
    // with those weights, bit for bit, and the tests check it.
    public sealed partial class Network
    {
        /// <summary>Largest per-layer weight exponent of a 16-bit network: 8, so that its weights
        /// (Q8.8 there, at most 32,767·2^8 LSB, about 127.996) stay within ±<see cref="MaxWeight"/>.</summary>
        public const int MaxWeightExponent = 8;

        /// <summary>Largest magnitude of a stored 16-bit weight: 32,767 (-32,768 is never stored,
        /// so the range is symmetric and negation cannot overflow).</summary>
        public const int MaxNarrowWeight = short.MaxValue;

        /// <summary>Whether the weights are 16-bit (<see cref="NetworkOptions.NarrowWeights"/>).</summary>
        public bool HasNarrowWeights
        {
            get { return narrowWeights != null; }
        }

        /// <summary>
        /// Times a 16-bit layer's exponent rose by one (its weights halved) to hold an update or a
        /// set weight, since construction (saturating at int.MaxValue); 0 for 32-bit weights.
        /// </summary>
        public int WeightScaleChanges
        {
            get { return weightScaleChanges; }
        }

        /// <summary>
        /// Exponent e of layer <paramref name="layer"/>'s 16-bit weights: each is a signed 16-bit
        /// integer times 2^e Q16.16 LSB (a Q(e).(16 - e) number). 0 for a 32-bit network.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">layer is not 0 to LayerCount - 2.</exception>
        public int GetWeightExponent(int layer)
        {
            if (layer < 0 || layer >= layerSizes.Length - 1)
            {
                throw new ArgumentOutOfRangeException("layer", "GetWeightExponent: layer must be 0 to " + (layerSizes.Length - 2) + ".");
            }

            return weightExponents != null ? weightExponents[layer] : 0;
        }

        // A Q16.16 weight (|w| ≤ MaxWeight) in units of 2^exponent LSB, rounded to nearest (ties
        // away from zero); exact for exponent 0.
        private static long ToNarrowUnits(long weight, int exponent)
        {
            return exponent == 0 ? weight : Q16.RoundShift(weight, exponent);
        }

        // The least exponent whose 16 bits hold a weight of magnitude `magnitude` (Q16.16, at most
        // MaxWeight) once rounded; MaxWeightExponent for magnitudes beyond 32,767·2^8.
        private static int LeastWeightExponent(long magnitude)
        {
            int exponent = 0;
            while (exponent < MaxWeightExponent && ToNarrowUnits(magnitude, exponent) > MaxNarrowWeight)
            {
                exponent++;
            }

            return exponent;
        }

        // Stores an updated weight (in the layer's units) into narrowWeights[l][k]: raises the
        // layer's exponent while it does not fit, and holds it at ±MaxNarrowWeight (counted as a
        // saturation) when the exponent is already MaxWeightExponent. Never wraps.
        private void StoreNarrowWeight(int l, int k, long updated)
        {
            while (updated > MaxNarrowWeight || updated < -MaxNarrowWeight)
            {
                if (weightExponents[l] == MaxWeightExponent)
                {
                    CountSaturations(1);
                    updated = updated > 0 ? MaxNarrowWeight : -MaxNarrowWeight;
                    break;
                }

                RaiseWeightExponent(l);
                updated = HalveToEven(updated);
            }

            narrowWeights[l][k] = (short)updated;
        }

        // Layer l's exponent + 1: every weight halved, rounded to nearest, ties to even (|w| ≤
        // 32,767 gives at most 16,384). Ties to even, not away from zero: a weight of ±1 unit must
        // become 0, or repeated halving would keep it at one unit of an ever larger LSB. Counted
        // in WeightScaleChanges.
        private void RaiseWeightExponent(int l)
        {
            short[] layerWeights = narrowWeights[l];
            for (int k = 0; k < layerWeights.Length; k++)
            {
                layerWeights[k] = (short)HalveToEven(layerWeights[k]);
            }

            weightExponents[l]++;
            weightScaleChanges = weightScaleChanges == int.MaxValue ? int.MaxValue : weightScaleChanges + 1;
        }

        // value / 2 rounded to nearest, ties to even: floor(value / 2), plus 1 when value is odd and
        // the floor is odd (x.5 with x odd goes up to the even x + 1).
        private static long HalveToEven(long value)
        {
            long floor = value >> 1;
            return floor + (value & floor & 1);
        }

        // Layer l's weight k, dequantised to Q16.16 (exact: |w|·2^e ≤ 32,767·2^8 < 2^23).
        private int NarrowWeightAt(int l, int k)
        {
            return narrowWeights[l][k] << weightExponents[l];
        }

        // Sets layer l's weight k to a Q16.16 value (|value| ≤ MaxWeight), rounded to the layer's
        // LSB, raising the exponent if the value does not fit.
        private void SetNarrowWeightAt(int l, int k, int value)
        {
            StoreNarrowWeight(l, k, ToNarrowUnits(value, weightExponents[l]));
        }

        // Replaces layer l's weights by Q16.16 values (each within ±MaxWeight, already checked)
        // from source[offset...]: the exponent becomes the least that holds the largest, and each
        // weight is rounded to it. A scale chosen afresh is not counted as a change.
        private void LoadNarrowLayer(int l, int[] source, int offset)
        {
            short[] layerWeights = narrowWeights[l];
            long largest = 0;
            for (int k = 0; k < layerWeights.Length; k++)
            {
                long magnitude = source[offset + k] >= 0 ? source[offset + k] : -(long)source[offset + k];
                largest = magnitude > largest ? magnitude : largest;
            }

            int exponent = LeastWeightExponent(largest);
            weightExponents[l] = exponent;
            for (int k = 0; k < layerWeights.Length; k++)
            {
                long units = ToNarrowUnits(source[offset + k], exponent);
                layerWeights[k] = (short)(units > MaxNarrowWeight ? MaxNarrowWeight : units < -MaxNarrowWeight ? -MaxNarrowWeight : units);
            }
        }

        // Forward with 16-bit weights: Σ w·a is exact in units of 2^-(32 - e) and the bias joins it
        // shifted to those units, so rounding the sum by 16 - e bits gives the 32-bit engine's
        // pre-activation for the dequantised weights exactly (the e low bits it drops are zero).
        private void ForwardNarrow(int[] input)
        {
            Array.Copy(input, activations[0], input.Length);
            int lastLayer = narrowWeights.Length - 1;
            for (int l = 0; l <= lastLayer; l++)
            {
                int[] layerInput = activations[l];
                int[] layerOutput = activations[l + 1];
                short[] layerWeights = narrowWeights[l];
                int[] layerBiases = biases != null ? biases[l] : null;
                int[] layerPreActivations = preActivations[l];
                Activation activation = l == lastLayer ? outputActivation : hiddenActivation;
                int sumShift = Q16.FractionalBits - weightExponents[l]; // 8 to 16
                long half = 1L << (sumShift - 1);
                int fanIn = layerInput.Length;
                int row = 0;
                for (int j = 0; j < layerOutput.Length; j++)
                {
                    long sum = layerBiases != null ? (long)layerBiases[j] << sumShift : 0;
                    for (int i = 0; i < fanIn; i++)
                    {
                        sum += (long)layerWeights[row + i] * layerInput[i];
                    }

                    row += fanIn;
                    sum = (sum + half + (sum >> 63)) >> sumShift; // = Q16.RoundShift(sum, sumShift)
                    if ((ulong)(sum - int.MinValue) > uint.MaxValue) // = Q16.Saturate(sum)
                    {
                        sum = sum > 0 ? int.MaxValue : int.MinValue;
                    }

                    layerPreActivations[j] = (int)sum;
                    layerOutput[j] = Activations.Apply(activation, (int)sum);
                }
            }

            if (outputActivation == Activation.Softmax)
            {
                // As in ForwardUnchecked: the layer loop left the logits in the outputs.
                Softmax.EvaluateUnchecked(preActivations[lastLayer], activations[lastLayer + 1]);
            }

            forwardValid = true;
        }

        // PropagateDeltas with 16-bit weights: Σ_j w_ji δ_j exact in units of 2^-(32 + shift - e),
        // shifted up by e, is the 32-bit sum for the dequantised weights (same bound, < 2^63).
        private void PropagateDeltasNarrow(int l)
        {
            short[] layerWeights = narrowWeights[l];
            int[] upperDeltas = deltas[l];
            int upperCount = upperDeltas.Length;
            int fanIn = layerWeights.Length / upperCount;
            int exponent = weightExponents[l];
            long[] sums = exactDeltas;
            for (int i = 0; i < fanIn; i++)
            {
                long sum = 0;
                int index = i;
                for (int j = 0; j < upperCount; j++)
                {
                    sum += (long)layerWeights[index] * upperDeltas[j];
                    index += fanIn;
                }

                sums[i] = sum << exponent;
            }

            FinishPropagation(l);
        }

        // Fast path of the 16-bit rule without momentum buffers (to nearest or stochastic): the
        // same bits and draws as ReferenceUpdateLayer. Layer l's deltas are already
        // propagated below.
        private void UpdateLayerNarrow(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] layerBiases = biases != null ? biases[l] : null;
            bool stochastic = updateRule == UpdateRule.Stochastic;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++)
            {
                long rateDeltaExact = (long)learningRate * layerDeltas[j]; // units 2^-(32 + shift)
                int rateDeltaQ24 = ScaledRateDelta(rateDeltaExact, shift);
                if (stochastic)
                {
                    UpdateRowNarrowStochastic(l, row, layerInput, rateDeltaQ24);
                }
                else if (rateDeltaQ24 != 0)
                {
                    UpdateRowNarrowNearest(l, row, layerInput, rateDeltaQ24);
                }

                row += fanIn;
                if (layerBiases != null)
                {
                    layerBiases[j] = UpdateBias(layerBiases[j], RoundStep(rateDeltaExact, Q16.FractionalBits + shift), null, j);
                }
            }
        }

        // One row, to nearest: w - Q16.RoundShift(r·a, 24 + e) written out. A weight that leaves
        // the 16 bits goes through StoreNarrowWeight (rare), after which the exponent is re-read.
        private void UpdateRowNarrowNearest(int l, int row, int[] layerInput, int rateDeltaQ24)
        {
            short[] layerWeights = narrowWeights[l];
            long wideRateDeltaQ24 = rateDeltaQ24;
            int stepShift = ScaledDeltaFractionalBits + weightExponents[l];
            long half = 1L << (stepShift - 1);
            int end = row + layerInput.Length;
            for (int k = row, i = 0; k < end; k++, i++)
            {
                long stepQ40 = wideRateDeltaQ24 * layerInput[i];
                long updated = layerWeights[k] - ((stepQ40 + half + (stepQ40 >> 63)) >> stepShift);
                if ((ulong)(updated + MaxNarrowWeight) > 2 * (ulong)MaxNarrowWeight)
                {
                    StoreNarrowWeight(l, k, updated);
                    stepShift = ScaledDeltaFractionalBits + weightExponents[l];
                    half = 1L << (stepShift - 1);
                }
                else
                {
                    layerWeights[k] = (short)updated;
                }
            }
        }

        // One row, stochastic: w - floor(r·a·2^-(24 + e) + u), xorshift32 inlined with the state in
        // a local (StoreNarrowWeight draws nothing, so the local stays current across it).
        private void UpdateRowNarrowStochastic(int l, int row, int[] layerInput, int rateDeltaQ24)
        {
            short[] layerWeights = narrowWeights[l];
            long wideRateDeltaQ24 = rateDeltaQ24;
            int stepShift = ScaledDeltaFractionalBits + weightExponents[l]; // 24 to 32
            int drawShift = 32 - stepShift;
            uint state = randomState;
            int end = row + layerInput.Length;
            for (int k = row, i = 0; k < end; k++, i++)
            {
                // = Xorshift(state)
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                long stepQ40 = wideRateDeltaQ24 * layerInput[i];
                long updated = layerWeights[k] - ((stepQ40 + (long)(state >> drawShift)) >> stepShift);
                if ((ulong)(updated + MaxNarrowWeight) > 2 * (ulong)MaxNarrowWeight)
                {
                    StoreNarrowWeight(l, k, updated);
                    stepShift = ScaledDeltaFractionalBits + weightExponents[l];
                    drawShift = 32 - stepShift;
                }
                else
                {
                    layerWeights[k] = (short)updated;
                }
            }

            randomState = state;
        }
    }
}
