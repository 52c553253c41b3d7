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

        // The definition of the output deltas, for every loss. The exact δ_j are products in units
        // of 2^-46 (a Q16.16 error, saturated, times a Q2.30 derivative, or shifted by 30 bits for
        // cross-entropy): at most 2^61. They are stored block floating with one exponent: as many
        // fractional bits beyond Q16.16 (0 to MaxDeltaShift) as the largest leaves room for below
        // 2^30, shift = 60 - BitLength(max |δ_j|), so that a layer of tiny deltas (a saturated
        // output's 1e-7) keeps its precision instead of rounding to 0 LSB. The shift is 0 where
        // that is negative (only a squared error's product can exceed 2^60; its deltas then
        // saturate at Q16.16). Each δ_j is rounded once by 30 - shift bits (none at
        // MaxDeltaShift). LearnByDefinition uses it;
        // ComputeOutputDeltas runs it for squared error and StoreCrossEntropyDeltas, its fast path,
        // for cross-entropy.
        private void ComputeOutputDeltasByDefinition(int[] target, Loss sampleLoss)
        {
            int last = deltas.Length - 1;
            int[] outputs = activations[activations.Length - 1];
            int[] outputPreActivations = preActivations[last];
            long[] exact = exactDeltas;
            long largest = 0;
            for (int j = 0; j < outputs.Length; j++)
            {
                long error = Q16.Subtract(outputs[j], target[j]);
                exact[j] = sampleLoss != Loss.MeanSquaredError
                    ? error << Activations.DerivativeFractionalBits
                    : error * Activations.Derivative(outputActivation, outputPreActivations[j]);
                long magnitude = exact[j] >= 0 ? exact[j] : -exact[j];
                largest = magnitude > largest ? magnitude : largest;
            }

            int shift = OutputUnits - Q16.FractionalBits + 30 - IntegerMath.BitLength((ulong)largest);
            shift = shift < 0 ? 0 : shift > MaxDeltaShift ? MaxDeltaShift : shift;
            int down = OutputUnits - Q16.FractionalBits - shift; // 0 to 30
            int[] layerDeltas = deltas[last];
            for (int j = 0; j < outputs.Length; j++)
            {
                layerDeltas[j] = Q16.Saturate(down > 0 ? Q16.RoundShift(exact[j], down) : exact[j]);
            }

            deltaShifts[last] = shift;
        }

        // Units of an exact output delta: 2^-(16 + 30), a Q16.16 error times a Q2.30 derivative.
        private const int OutputUnits = Q16.FractionalBits + Activations.DerivativeFractionalBits;

        // Fast path of ComputeOutputDeltasByDefinition's cross-entropy cases, binary and categorical
        // (the same bits): every exact δ is (y - t)·2^30 in units of 2^-46, where y and t are in
        // [0, 1] (a sigmoid output or a softmax probability, a checked target), so |y - t| ≤ 2^16
        // needs no saturation. For these the definition's shift 60 - BitLength(max |(y - t)·2^30|)
        // is 30 - BitLength(max |y - t|) (30 when every error is 0), and its rounding of
        // (y - t)·2^30 by 30 - shift bits is exact: δ = (y - t)·2^shift, below 2^30.
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

            // 30 - BitLength(max |y - t|): 13 to MaxDeltaShift, since |y - t| ≤ 2^16.
            int shift = OutputUnits - Q16.FractionalBits - IntegerMath.BitLength((ulong)largest);
            for (int j = 0; j < count; j++)
            {
                layerDeltas[j] <<= shift;
            }

            deltaShifts[last] = shift;
        }

        // δ of layer l's inputs (hidden layer l) from layer l's deltas and weights:
        // δ_i = f'(z_i)·Σ_j w_ji δ_j. The sums are exact (at most 511·2^23·2^31 < 2^63) in units of
        // 2^-(32 + shift); FinishPropagation cuts, multiplies and stores them.
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

        // The hidden layer's deltas from exactDeltas[i] = S_i = Σ_j w_ji δ_j (layer l's inputs),
        // exact (at most 511·2^23·2^31 < 2^63) in units of 2^-(32 + shift_l), where shift_l is
        // layer l's delta shift: δ_i = f'(z_i)·S_i, stored block floating with one exponent for
        // the layer, chosen before any product is formed from m = BitLength(max |S_i|) and the
        // activation's largest slope 2^slopeBits in Q2.30 (DerivativeSlopeBits):
        //   the cut      c_i = RoundShift(S_i, cut), cut = max(0, m - 32), so |c_i| ≤ 2^32 and the
        //                product c_i·f'(z_i) (units 2^-(62 + shift_l - cut)) is exact, at most
        //                2^(min(m, 32) + slopeBits) ≤ 2^62;
        //   the shift    the most fractional bits beyond Q16.16, up to MaxDeltaShift, that keep
        //                that bound within 2^30: 46 + shift_l - cut - (min(m, 32) + slopeBits - 30);
        //   the store    δ_i = RoundShift(c_i·f'(z_i), down), down = 46 + shift_l - cut - shift
        //                (at least 30 when cut > 0, so the cut's error stays below half a stored
        //                unit): |δ_i| ≤ 2^30, no saturation.
        // Two roundings per neuron, each to nearest with ties away from zero. A layer of zero sums
        // (m = 0) gets MaxDeltaShift, as the formula gives. A layer whose bound leaves Q16.16
        // (the shift would be negative) is StoreSaturatingDeltas'. Learn, Backward and every
        // update rule use it (FinishPropagation is the fast path; the differential tests compare
        // the two).
        private void FinishPropagationByDefinition(int l)
        {
            int upperShift = deltaShifts[l];
            int[] lowerPreActivations = preActivations[l - 1];
            int fanIn = lowerPreActivations.Length;
            long[] sums = exactDeltas;
            long largest = 0;
            for (int i = 0; i < fanIn; i++)
            {
                long magnitude = sums[i] >= 0 ? sums[i] : -sums[i];
                largest = magnitude > largest ? magnitude : largest;
            }

            int sumBits = IntegerMath.BitLength((ulong)largest);
            int cut = sumBits > 32 ? sumBits - 32 : 0;
            int shift = 46 + upperShift - cut - ((sumBits < 32 ? sumBits : 32) + DerivativeSlopeBits(hiddenActivation) - 30);
            if (shift < 0)
            {
                StoreSaturatingDeltas(l);
                return;
            }

            shift = shift > MaxDeltaShift ? MaxDeltaShift : shift;
            int down = 46 + upperShift - cut - shift;
            int[] layerDeltas = deltas[l - 1];
            for (int i = 0; i < fanIn; i++)
            {
                long cutSum = cut > 0 ? Q16.RoundShift(sums[i], cut) : sums[i];
                long product = cutSum * Activations.Derivative(hiddenActivation, lowerPreActivations[i]);
                layerDeltas[i] = (int)Q16.RoundShift(product, down);
            }

            deltaShifts[l - 1] = shift;
        }

        // FinishPropagationByDefinition for a layer whose deltas may leave Q16.16 (their bound
        // needs a negative shift): plain Q16.16 (shift 0), saturating. A cut shared by the layer
        // would then be coarser than Q16.16 for its smaller sums, so each sum keeps its own 32
        // significant bits (cut_i = max(0, BitLength(|S_i|) - 32), a relative error below 2^-32)
        // and each product is rounded to Q16.16 and saturated: every delta that fits is within
        // 1 LSB. Rare (weights and deltas near their limits), so both paths run this code.
        private void StoreSaturatingDeltas(int l)
        {
            int upperShift = deltaShifts[l];
            int[] lowerPreActivations = preActivations[l - 1];
            int fanIn = lowerPreActivations.Length;
            long[] sums = exactDeltas;
            int[] layerDeltas = deltas[l - 1];
            for (int i = 0; i < fanIn; i++)
            {
                long sum = sums[i];
                int cut = IntegerMath.BitLength((ulong)(sum >= 0 ? sum : -sum)) - 32;
                cut = cut > 0 ? cut : 0;
                long cutSum = cut > 0 ? Q16.RoundShift(sum, cut) : sum;
                long product = cutSum * Activations.Derivative(hiddenActivation, lowerPreActivations[i]);
                layerDeltas[i] = Q16.Saturate(ScaleDown(product, 46 + upperShift - cut));
            }

            deltaShifts[l - 1] = 0;
        }

        // Fast path of FinishPropagationByDefinition (the same bits), written for the interpreter:
        // the largest |S_i|'s bit length is that of the OR of the magnitudes (one BitLength per
        // layer), the roundings are Q16.RoundShift's written out, and a sigmoid layer calls
        // Sigmoid.DerivativeQ30 directly.
        private void FinishPropagation(int l)
        {
            int upperShift = deltaShifts[l];
            int[] lowerPreActivations = preActivations[l - 1];
            int fanIn = lowerPreActivations.Length;
            long[] sums = exactDeltas;
            long magnitudes = 0;
            for (int i = 0; i < fanIn; i++)
            {
                long sum = sums[i];
                magnitudes |= sum >= 0 ? sum : -sum;
            }

            Activation activation = hiddenActivation;
            bool sigmoid = activation == Activation.Sigmoid;
            int sumBits = IntegerMath.BitLength((ulong)magnitudes); // = BitLength(max |S_i|)
            int cut = sumBits > 32 ? sumBits - 32 : 0;
            // The slope bound written out: = DerivativeSlopeBits(activation).
            int shift = 46 + upperShift - cut - ((sumBits < 32 ? sumBits : 32) + (sigmoid ? SigmoidSlopeBits : Activations.DerivativeFractionalBits) - 30);
            if (shift < 0)
            {
                StoreSaturatingDeltas(l);
                return;
            }

            shift = shift > MaxDeltaShift ? MaxDeltaShift : shift;
            int down = 46 + upperShift - cut - shift;
            long cutHalf = cut > 0 ? 1L << (cut - 1) : 0;
            long downHalf = 1L << (down - 1);
            int[] layerDeltas = deltas[l - 1];
            for (int i = 0; i < fanIn; i++)
            {
                long sum = sums[i];
                if (cut > 0)
                {
                    sum = (sum + cutHalf + (sum >> 63)) >> cut; // = Q16.RoundShift(sum, cut)
                }

                long product = sum * (sigmoid ? Sigmoid.DerivativeQ30(lowerPreActivations[i]) : Activations.Derivative(activation, lowerPreActivations[i]));
                layerDeltas[i] = (int)((product + downHalf + (product >> 63)) >> down); // = Q16.RoundShift(product, down), within ±2^30
            }

            deltaShifts[l - 1] = shift;
        }

        // σ' ≤ 1/4: 2^28 in Q2.30 (σ(1 - σ) ≤ 1/4 holds for the rounded table values too, and
        // the tails are far smaller).
        private const int SigmoidSlopeBits = 28;

        // log2 of the activation's largest slope in Q2.30: 28 for the sigmoid, 30 (a slope of at
        // most 1) for the others.
        private static int DerivativeSlopeBits(Activation activation)
        {
            return activation == Activation.Sigmoid ? SigmoidSlopeBits : Activations.DerivativeFractionalBits;
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
