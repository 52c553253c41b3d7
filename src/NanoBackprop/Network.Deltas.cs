namespace NanoBackprop
{
    // Deltas: the output layer's, their propagation to hidden layers, and their block-floating
    // storage (one exponent per layer).
    public sealed partial class Network
    {
        // δ = ∂L/∂z at the outputs: (y - t)·f'(z) for squared error, y - t for cross-entropy on a
        // sigmoid output (the sigmoid's derivative cancels against the loss's), and y - t for
        // categorical cross-entropy on a softmax output (the softmax's Jacobian cancels the same
        // way: ∂L/∂z_j = y_j - t_j when Σ t = 1). Exact products in
        // units of 2^-46 (Q16.16 error × Q2.30 derivative), at most 2^61.
        private void ComputeOutputDeltas(int[] target, Loss sampleLoss)
        {
            if (sampleLoss != Loss.MeanSquaredError)
            {
                StoreCrossEntropyDeltas(deltas.Length - 1, activations[activations.Length - 1], target);
                return;
            }

            ComputeOutputDeltasByDefinition(target, sampleLoss);
        }

        // The definition of the output deltas, for every loss: the exact products, LeastRoom's
        // shift, StoreDeltas' rounding. LearnByDefinition uses it; ComputeOutputDeltas runs it for
        // squared error and StoreCrossEntropyDeltas, its fast path, for cross-entropy.
        private void ComputeOutputDeltasByDefinition(int[] target, Loss sampleLoss)
        {
            int last = deltas.Length - 1;
            int[] outputs = activations[activations.Length - 1];
            int[] outputPreActivations = preActivations[last];
            for (int j = 0; j < outputs.Length; j++)
            {
                long error = Q16.Subtract(outputs[j], target[j]);
                exactDeltas[j] = sampleLoss != Loss.MeanSquaredError
                    ? error << Activations.DerivativeFractionalBits
                    : error * Activations.Derivative(outputActivation, outputPreActivations[j]);
                exactDeltaUnits[j] = Q16.FractionalBits + Activations.DerivativeFractionalBits;
            }

            StoreDeltas(last, outputs.Length, LeastRoom(outputs.Length));
        }

        // Fast path of ComputeOutputDeltasByDefinition's cross-entropy cases, binary and categorical
        // (the same bits): every exact δ is (y - t)·2^30 in units of 2^-46, where y and t are in
        // [0, 1] (a sigmoid output or a softmax probability, a checked target), so |y - t| ≤ 2^16
        // needs no saturation. For these LeastRoom's rule gives
        // shift = 30 - BitLength(max |y - t|) (30 when every error is 0: the largest delta has
        // BitLength(|y - t|) + 30 bits in units of 2^-46, room 30 - 16 + 46 - that), and StoreDeltas'
        // rounding of (y - t)·2^30 by 30 - shift bits is exact: δ = (y - t)·2^shift, below 2^30.
        private void StoreCrossEntropyDeltas(int last, int[] outputs, int[] target)
        {
            int[] layerDeltas = deltas[last];
            int count = outputs.Length;
            int largest = 0;
            for (int j = 0; j < count; j++)
            {
                int error = outputs[j] - target[j];
                layerDeltas[j] = error;
                largest |= error >= 0 ? error : -error;
            }

            int shift = MaxDeltaShift - IntegerMath.BitLength((ulong)largest);
            for (int j = 0; j < count; j++)
            {
                layerDeltas[j] <<= shift;
            }

            deltaShifts[last] = shift;
        }

        // δ of layer l's inputs (hidden layer l) from layer l's deltas and weights:
        // δ_i = f'(z_i)·Σ_j w_ji δ_j. The sum is exact (at most 511·2^23·2^31 < 2^63) in units of
        // 2^-(32 + shift); it is cut to 32 significant bits (a relative error below 2^-31) so that
        // its product with the Q2.30 derivative is exact in 64 bits too.
        private void PropagateDeltas(int l)
        {
            int[] layerWeights = weights[l];
            int[] upperDeltas = deltas[l];
            int upperCount = upperDeltas.Length;
            int fanIn = layerWeights.Length / upperCount;
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

                sums[i] = sum;
            }

            FinishPropagation(l);
        }

        // PropagateDeltas with the definition of the normalisation (LearnByDefinition).
        private void PropagateDeltasByDefinition(int l)
        {
            int[] layerWeights = weights[l];
            int[] upperDeltas = deltas[l];
            int upperCount = upperDeltas.Length;
            int fanIn = layerWeights.Length / upperCount;
            for (int i = 0; i < fanIn; i++)
            {
                long sum = 0;
                for (int j = 0; j < upperCount; j++)
                {
                    sum += (long)layerWeights[j * fanIn + i] * upperDeltas[j];
                }

                exactDeltas[i] = sum;
            }

            FinishPropagationByDefinition(l);
        }

        // exactDeltas[i] holds Σ_j w_ji δ_j for layer l's inputs, exact (at most 511·2^23·2^31 <
        // 2^63) in units of 2^-(32 + shift). Each sum is cut to 32 significant bits (a relative
        // error below 2^-31) so that its product with the Q2.30 derivative is exact in 64 bits,
        // and the layer's deltas are normalised.
        //
        // One pass per neuron, written for the interpreter, on magnitudes (rounding half away from
        // zero is symmetric, |RoundShift(s, e)| = RoundShift(|s|, e), and f' ≥ 0, so the sign is put
        // back once): the cut's bit length is a binary search on the upper 32 bits written out (the
        // sum has at least 33 bits there), and a sigmoid layer calls Sigmoid.DerivativeQ30 directly.
        // LeastRoom's shift is the least of room - excessBits - BitLength(|δ|) over the non-zero
        // deltas (room = 14 + the units before the cut, at least 76; a zero delta has no say), at
        // most MaxDeltaShift: room - Q, with Q the largest excessBits + BitLength(|δ|). The pass
        // takes Q with one BitLength per layer instead of one per neuron that lowers the shift:
        // every neuron ORs |δ| >> (31 - excessBits) into `highBits`, whose bit length is then
        // max(0, Q - 31) (a shift right by s takes s bits off a bit length, down to 0). When it is
        // 0, Q ≤ 31 and room - Q ≥ 45 exceeds MaxDeltaShift, which is then the shift, as it is
        // for a layer of zero deltas. StoreDeltas then stores.
        private void FinishPropagation(int l)
        {
            int upperUnits = 2 * Q16.FractionalBits + deltaShifts[l] + Activations.DerivativeFractionalBits;
            int[] lowerPreActivations = preActivations[l - 1];
            int fanIn = lowerPreActivations.Length;
            long[] values = exactDeltas;
            int[] units = exactDeltaUnits;
            Activation activation = hiddenActivation;
            bool sigmoid = activation == Activation.Sigmoid;
            int room = 30 - Q16.FractionalBits + upperUnits; // LeastRoom's 14 + units, before the cut
            long highBits = 0;
            for (int i = 0; i < fanIn; i++)
            {
                long sum = values[i];
                long magnitude = sum >= 0 ? sum : -sum;
                int excessBits = 0;
                if (sum >= 1L << 32 || sum < -(1L << 32))
                {
                    // excessBits = IntegerMath.BitLength(|sum|) - 32 = the bit length of |sum| >> 32 (1 to 31).
                    uint high = (uint)(magnitude >> 32);
                    excessBits = 1;
                    if (high >> 16 != 0)
                    {
                        high >>= 16;
                        excessBits += 16;
                    }

                    if (high >> 8 != 0)
                    {
                        high >>= 8;
                        excessBits += 8;
                    }

                    if (high >> 4 != 0)
                    {
                        high >>= 4;
                        excessBits += 4;
                    }

                    if (high >> 2 != 0)
                    {
                        high >>= 2;
                        excessBits += 2;
                    }

                    if (high >> 1 != 0)
                    {
                        excessBits++;
                    }

                    magnitude = (magnitude + (1L << (excessBits - 1))) >> excessBits; // = |Q16.RoundShift(sum, excessBits)|
                }

                // |δ|, exact: at most 2^32·2^30.
                long product = magnitude * (sigmoid ? Sigmoid.DerivativeQ30(lowerPreActivations[i]) : Activations.Derivative(activation, lowerPreActivations[i]));
                values[i] = sum >= 0 ? product : -product;
                units[i] = upperUnits - excessBits;
                highBits |= product >> (31 - excessBits);
            }

            int shift = highBits != 0 ? room - 31 - IntegerMath.BitLength((ulong)highBits) : MaxDeltaShift; // room - Q
            StoreDeltas(l - 1, fanIn, shift < MaxDeltaShift ? shift : MaxDeltaShift);
        }

        // The definition of FinishPropagation (LearnByDefinition uses it, through
        // PropagateDeltasByDefinition): the cut by IntegerMath.BitLength and Q16.RoundShift, the
        // derivative through Activations.Derivative, then LeastRoom and StoreDeltas.
        private void FinishPropagationByDefinition(int l)
        {
            int upperUnits = 2 * Q16.FractionalBits + deltaShifts[l] + Activations.DerivativeFractionalBits;
            int[] lowerPreActivations = preActivations[l - 1];
            int fanIn = lowerPreActivations.Length;
            long[] values = exactDeltas;
            int[] units = exactDeltaUnits;
            Activation activation = hiddenActivation;
            for (int i = 0; i < fanIn; i++)
            {
                long sum = values[i];
                int excessBits = 0;
                if (sum >= 1L << 32 || sum < -(1L << 32))
                {
                    excessBits = IntegerMath.BitLength((ulong)(sum >= 0 ? sum : -sum)) - 32;
                    sum = (sum + (1L << (excessBits - 1)) + (sum >> 63)) >> excessBits; // = Q16.RoundShift(sum, excessBits), inline: once per neuron, no call
                }

                values[i] = sum * Activations.Derivative(activation, lowerPreActivations[i]);
                units[i] = upperUnits - excessBits;
            }

            StoreDeltas(l - 1, fanIn, LeastRoom(fanIn));
        }

        // Stores a layer's exact deltas (exactDeltas[i]·2^-exactDeltaUnits[i]) with one shared
        // exponent: as many fractional bits beyond Q16.16 (0 to MaxDeltaShift) as the largest
        // delta leaves room for below 2^30. A saturated sigmoid's δ of 1e-7 keeps its precision
        // this way instead of rounding to 0 LSB, which matters once deeper layers amplify it.
        // Large deltas get shift 0: plain Q16.16, saturating.
        //
        // LeastRoom finds the shift: the least room = 30 - 16 + units - BitLength(|δ|) over the
        // non-zero deltas (at most MaxDeltaShift; StoreDeltas takes 0 for a negative one). A delta
        // lowers it only if it has more than `allowedBits` = 14 + units - shift bits, which one
        // shift tests; BitLength runs only then. At 0 the search can stop.
        private int LeastRoom(int count)
        {
            long[] values = exactDeltas;
            int[] units = exactDeltaUnits;
            int shift = MaxDeltaShift;
            for (int i = 0; i < count && shift > 0; i++)
            {
                long value = values[i];
                ulong magnitude = (ulong)(value >= 0 ? value : -value);
                int allowedBits = 30 - Q16.FractionalBits + units[i] - shift;
                if (magnitude != 0 && (allowedBits < 0 || (allowedBits < 64 && magnitude >> allowedBits != 0)))
                {
                    shift = 30 - Q16.FractionalBits + units[i] - IntegerMath.BitLength(magnitude);
                }
            }

            return shift;
        }

        // Stores the layer's deltas with the shift LeastRoom found (0 if it was negative).
        private void StoreDeltas(int layer, int count, int shift)
        {
            shift = shift < 0 ? 0 : shift;
            // Q16.Saturate(ScaleDown(δ, units - 16 - shift)), written out (once per neuron, no call).
            int[] layerDeltas = deltas[layer];
            long[] values = exactDeltas;
            int[] units = exactDeltaUnits;
            int storedUnits = Q16.FractionalBits + shift;
            for (int i = 0; i < count; i++)
            {
                long value = values[i];
                int down = units[i] - storedUnits;
                if (down > 62)
                {
                    value = 0;
                }
                else if (down > 0)
                {
                    value = (value + (1L << (down - 1)) + (value >> 63)) >> down; // = Q16.RoundShift(value, down)
                }
                else
                {
                    value <<= -down;
                }

                if ((ulong)(value - int.MinValue) > uint.MaxValue) // = Q16.Saturate(value)
                {
                    value = value > 0 ? int.MaxValue : int.MinValue;
                }

                layerDeltas[i] = (int)value;
            }

            deltaShifts[layer] = shift;
        }

        // value·2^-shift rounded to nearest (ties away from zero); exact for shift ≤ 0, where the
        // caller guarantees the result fits.
        private static long ScaleDown(long value, int shift)
        {
            if (shift <= 0)
            {
                return value << -shift;
            }

            if (shift > 62)
            {
                return 0;
            }

            return Q16.RoundShift(value, shift);
        }
    }
}
