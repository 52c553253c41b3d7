using System;

namespace NanoBackprop
{
    public sealed partial class Network
    {
        // Fast path of UpdateRule.Plain (no momentum buffers, round to nearest), with the
        // propagation of layer l's deltas fused in: the same bits as PropagateDeltas followed by
        // ReferenceUpdateLayer. Plain SGD is the common case on a board: each
        // weight moves by its step lr·δ·a rounded half away from zero, (x + half + (x >> 63)) >> n
        // (the sign's -1 turns floor into the mirror image of the positive case, without a branch),
        // and is clamped to ±MaxWeight by one unsigned comparison. For l ≥ 1 the propagation of
        // the layer's deltas is fused into the update: each old weight is read once, adds w·δ to
        // its input's exact sum, and is then updated. The sums are exact, so accumulating them row
        // by row gives the same bits as PropagateDeltas' column order. A row whose δ is 0 moves no
        // weight and adds nothing; a zero lr·δ moves no weight.
        //
        // Written for the interpreter, which inlines nothing: the row loops are inline (no frame
        // and set-up per neuron), rounding and saturation are written out, the constants live in
        // locals (a long constant is two IL instructions, a local one), and the first layer's
        // input index is k - row instead of a second counter. No call inside a loop also lets the
        // JIT keep the loop's variables in registers.
        private void UpdateLayerPlain(int l)
        {
            int[] layerDeltas = deltas[l];
            int[] layerInput = activations[l];
            int[] layerWeights = weights[l];
            int[] layerBiases = biases != null ? biases[l] : null;
            long[] sums = exactDeltas;
            bool propagate = l > frozenLayers;
            int fanIn = layerInput.Length;
            int shift = deltaShifts[l];
            if (propagate)
            {
                Array.Clear(sums, 0, fanIn);
            }

            // lr·δ is exact in units of 2^-(32 + shift). The row's step factor is lr·δ in Q8.24
            // (a shift of 8 to 38 bits) and the bias's step lr·δ in Q16.16 (16 to 46 bits).
            int factorShift = Q16.FractionalBits - ScaledDeltaShift + shift;
            long factorHalf = 1L << (factorShift - 1);
            int biasShift = Q16.FractionalBits + shift;
            long biasHalf = 1L << (biasShift - 1);
            long half = 1L << (ScaledDeltaFractionalBits - 1);
            long offset = MaxWeight;
            ulong range = 2 * (ulong)MaxWeight;
            long rate = learningRate;
            int saturations = 0;
            int row = 0;
            for (int j = 0; j < layerDeltas.Length; j++, row += fanIn)
            {
                int delta = layerDeltas[j];
                if (delta == 0)
                {
                    continue;
                }

                long rateDeltaExact = rate * delta; // units 2^-(32 + shift)
                long sign = rateDeltaExact >> 63;
                long rateDeltaQ24 = (rateDeltaExact + factorHalf + sign) >> factorShift; // = Q16.RoundShift(rateDeltaExact, factorShift)
                if ((ulong)(rateDeltaQ24 - int.MinValue) > uint.MaxValue) // = Q16.Saturate(rateDeltaQ24), i.e. ScaledRateDelta
                {
                    rateDeltaQ24 = rateDeltaQ24 > 0 ? int.MaxValue : int.MinValue;
                }

                int end = row + fanIn;
                if (propagate)
                {
                    long wideDelta = delta;
                    for (int k = row, i = 0; k < end; k++, i++)
                    {
                        long weight = layerWeights[k];
                        sums[i] += weight * wideDelta;
                        long stepQ40 = rateDeltaQ24 * layerInput[i];
                        long updated = weight - ((stepQ40 + half + (stepQ40 >> 63)) >> ScaledDeltaFractionalBits); // = w - Q16.RoundShift(stepQ40, 24)
                        if ((ulong)(updated + offset) > range) // = ClampWeight(updated), counted below
                        {
                            updated = updated > 0 ? MaxWeight : -MaxWeight;
                            saturations++;
                        }

                        layerWeights[k] = (int)updated;
                    }
                }
                else if (rateDeltaQ24 != 0)
                {
                    for (int k = row; k < end; k++)
                    {
                        long stepQ40 = rateDeltaQ24 * layerInput[k - row];
                        long updated = layerWeights[k] - ((stepQ40 + half + (stepQ40 >> 63)) >> ScaledDeltaFractionalBits); // = w - Q16.RoundShift(stepQ40, 24)
                        if ((ulong)(updated + offset) > range) // = ClampWeight(updated), counted below
                        {
                            updated = updated > 0 ? MaxWeight : -MaxWeight;
                            saturations++;
                        }

                        layerWeights[k] = (int)updated;
                    }
                }

                if (layerBiases != null)
                {
                    long bias = layerBiases[j] - ((rateDeltaExact + biasHalf + sign) >> biasShift); // = b - Q16.RoundShift(rateDeltaExact, biasShift)
                    if ((ulong)(bias - int.MinValue) > uint.MaxValue) // = Q16.Saturate(bias)
                    {
                        bias = bias > 0 ? int.MaxValue : int.MinValue;
                    }

                    layerBiases[j] = (int)bias;
                }
            }

            if (saturations != 0)
            {
                CountSaturations(saturations);
            }

            if (propagate)
            {
                FinishPropagation(l);
            }
        }
    }
}
