// A prototype for the benchmark only, not the library: docs/PERFORMANCE.md ("Changes applied, and
// what remains") says the 5-8-1 Learn goal needs another delta representation, one exponent per
// layer fixed from a bound instead of found per sample. This is that Learn for one hidden layer
// (sigmoid layers, binary cross-entropy, plain SGD), written with the engine's code shapes and
// invariants everywhere else, so that timing it beside the engine and the baseline on nanoCLR
// tells whether the representation would reach 1.25× the baseline:
// - Forward as the engine's (four products per pass, z = Q16.Saturate(Q16.RoundShift(sum, 16)),
//   σ interpolated from a 769-entry Q8.24 table and rounded once); the table's values here are a
//   crude integer approximation (the timing does not depend on them, the code shape is the same);
// - the weight updates as UpdateLayerPlain's (lr·δ rounded to Q8.24 and saturated per row, each
//   step rounded to nearest with ties away from zero, each weight clamped to ±128 and counted;
//   the output layer's propagation fused into its update);
// - the deltas: δ_out = y - t in Q16.16 (exact); a hidden δ = σ'(z)·Σ w·δ_out in units of
//   2^-HiddenFractionalBits, fixed from the bound |δ| ≤ 0.25·nOut·128 (weights within ±128,
//   |y - t| ≤ 1): the exact sum (units 2^-32) is rounded once to units of 2^-(32 - cutShift),
//   so that its product with σ' (Q2.30) fits 64 bits, and the product rounded once to the
//   layer's units. No bit-length search, no second storing pass, no saturation (the bound).
// With clampWeights false the per-weight clamp is left out: what a proven bound on |w| (a
// per-layer maximum plus the row's largest step) would save; not safe without that bound.
// With roundSteps false as well, each weight's step is truncated (>> 24, as the baseline's >> 16)
// instead of rounded to nearest: one of the invariants, left out only to measure what it
// costs (docs/PERFORMANCE.md, "Eighth round"). Every other rounding stays.
// With proveClamp (clampWeights and roundSteps true) the bits are the clamped prototype's, every
// invariant kept, by cheaper code (LearnProven): the clamp runs only when a bound on |w| kept per
// layer does not rule it out, the sign term of the steps' rounding only in a row where an exact
// tie is possible, and σ' reuses σ(|z|) kept by the forward pass. A new user's review wrote it
// (eighth round); the benchmark's smoke tests check its bits against the clamped prototype's.
// Its Learn checks its arguments and returns ½Σ(y - t)² as the engine's does.
// nanoFramework C# 10 and .NET alike (no generics), so that its IL can be counted on .NET.
public sealed class FixedExponentQ16Mlp
{
    private const int StepShift = 10;               // table step 2^-6 in Q16.16
    private const int EntryFractionalBits = 24;     // table entries in Q8.24
    private const int InterpolationBits = EntryFractionalBits + StepShift;
    private const int SaturationInput = 12 * 65536; // σ is 0 or 1 from |z| ≥ 12 on
    private const int MaxWeight = 128 * 65536;

    private readonly int nIn, nHid, nOut;
    private readonly int[] w1, b1, w2, b2, z1, z2, h, o, dh;
    private readonly long[] sums;
    private readonly int hiddenFractionalBits;
    private readonly int cutShift;
    private readonly bool clampWeights;
    private readonly bool roundSteps;
    private readonly bool proveClamp;
    private long hiddenWeightBound, outputWeightBound; // ≥ max |w| of w1 and w2, Q16.16
    private readonly int[] hiddenSigmaQ30;             // σ(|z|) of each hidden neuron, Q2.30, from Learn's forward pass
    private static int[] table;
    public int Saturations;

    public FixedExponentQ16Mlp(int nIn, int nHid, int nOut, int seed, bool clampWeights)
        : this(nIn, nHid, nOut, seed, clampWeights, true)
    {
    }

    // roundSteps false needs clampWeights false (the variant without either invariant).
    public FixedExponentQ16Mlp(int nIn, int nHid, int nOut, int seed, bool clampWeights, bool roundSteps)
        : this(nIn, nHid, nOut, seed, clampWeights, roundSteps, false)
    {
    }

    // proveClamp needs clampWeights and roundSteps (its bits are the clamped prototype's).
    public FixedExponentQ16Mlp(int nIn, int nHid, int nOut, int seed, bool clampWeights, bool roundSteps, bool proveClamp)
    {
        if (clampWeights && !roundSteps)
        {
            throw new System.ArgumentException("Truncated steps are measured without the clamp only.", "roundSteps");
        }

        if (proveClamp && !clampWeights)
        {
            throw new System.ArgumentException("The proven clamp keeps the clamped prototype's bits.", "proveClamp");
        }

        this.nIn = nIn; this.nHid = nHid; this.nOut = nOut; this.clampWeights = clampWeights; this.roundSteps = roundSteps; this.proveClamp = proveClamp;
        hiddenSigmaQ30 = new int[nHid];
        w1 = new int[nIn * nHid]; b1 = new int[nHid]; w2 = new int[nHid * nOut]; b2 = new int[nOut];
        z1 = new int[nHid]; z2 = new int[nOut]; h = new int[nHid]; o = new int[nOut]; dh = new int[nHid];
        sums = new long[nHid];
        uint r = (uint)seed | 1u;
        for (int i = 0; i < w1.Length; i++) { r ^= r << 13; r ^= r >> 17; r ^= r << 5; w1[i] = (int)(r % 65536u) - 32768; }
        for (int i = 0; i < w2.Length; i++) { r ^= r << 13; r ^= r >> 17; r ^= r << 5; w2[i] = (int)(r % 65536u) - 32768; }

        // |Σ w·δ_out| ≤ nOut·2^23·2^16 in units of 2^-32: cut by 6 + log2(nOut) bits it is below
        // 2^33, and times σ' ≤ 2^28 (Q2.30) below 2^61. |δ_hidden| ≤ 0.25·nOut·128 = nOut·2^5:
        // with 30 - 5 - log2(nOut) fractional bits it stays below 2^30.
        int outBits = 0;
        while ((1 << outBits) < nOut)
        {
            outBits++;
        }

        cutShift = 6 + outBits;
        hiddenFractionalBits = 30 - 5 - outBits;

        if (table == null)
        {
            table = new int[SaturationInput / (1 << StepShift) + 1];
            for (int i = 0; i < table.Length; i++)
            {
                long x = (long)i << StepShift; // Q16.16, ≥ 0
                long t = 65536 - x / 32; if (t < 0) t = 0;
                for (int k = 0; k < 5; k++) t = (t * t) >> 16;
                table[i] = (int)((1L << 40) / (65536 + t)); // σ(x) in Q8.24, roughly
            }
        }

        hiddenWeightBound = LargestMagnitude(w1);
        outputWeightBound = LargestMagnitude(w2);
    }

    /// <summary>Weights and biases, w1, b1, w2, b2 in that order (a copy; for the smoke tests' bit comparison).</summary>
    public int[] Parameters()
    {
        int[] all = new int[w1.Length + b1.Length + w2.Length + b2.Length];
        System.Array.Copy(w1, 0, all, 0, w1.Length);
        System.Array.Copy(b1, 0, all, w1.Length, b1.Length);
        System.Array.Copy(w2, 0, all, w1.Length + b1.Length, w2.Length);
        System.Array.Copy(b2, 0, all, w1.Length + b1.Length + w2.Length, b2.Length);
        return all;
    }

    /// <summary>Whether the kept bounds hold: max |w| ≤ the bound, layer by layer (the smoke tests check it after every step).</summary>
    public bool WeightBoundsHold()
    {
        return LargestMagnitude(w1) <= hiddenWeightBound && LargestMagnitude(w2) <= outputWeightBound;
    }

    private static long LargestMagnitude(int[] values)
    {
        long largest = 0;
        for (int i = 0; i < values.Length; i++)
        {
            long magnitude = values[i] >= 0 ? values[i] : -(long)values[i];
            largest = magnitude > largest ? magnitude : largest;
        }

        return largest;
    }

    public int[] Forward(int[] x)
    {
        ForwardLayer(x, w1, b1, z1, h, nIn, nHid);
        ForwardLayer(h, w2, b2, z2, o, nHid, nOut);
        return o;
    }

    // The engine's ForwardUnchecked for one sigmoid layer.
    private static void ForwardLayer(int[] input, int[] weights, int[] biases, int[] pre, int[] output, int fanIn, int size)
    {
        int[] sigmoidTable = table;
        long half = 1L << 15;
        int positionMask = (1 << StepShift) - 1;
        int sigmoidShift = InterpolationBits - 16;
        long sigmoidHalf = 1L << (sigmoidShift - 1);
        int blockEnd = fanIn - 3;
        int row = 0;
        for (int j = 0; j < size; j++, row += fanIn)
        {
            long sum = (long)biases[j] << 16;
            int i = 0;
            for (; i < blockEnd; i += 4)
            {
                int k = row + i;
                sum += (long)weights[k] * input[i] + (long)weights[k + 1] * input[i + 1]
                    + (long)weights[k + 2] * input[i + 2] + (long)weights[k + 3] * input[i + 3];
            }

            for (; i < fanIn; i++)
            {
                sum += (long)weights[row + i] * input[i];
            }

            sum = (sum + half + (sum >> 63)) >> 16;
            int z = (ulong)(sum - int.MinValue) > uint.MaxValue ? (sum > 0 ? int.MaxValue : int.MinValue) : (int)sum;
            pre[j] = z;
            int magnitude = z >= 0 ? z : -z;
            int sigma;
            if ((uint)magnitude >= SaturationInput)
            {
                sigma = z >= 0 ? 65536 : 0;
            }
            else
            {
                int index = magnitude >> StepShift;
                int low = sigmoidTable[index];
                sigma = (int)((((long)low << StepShift) + (sigmoidTable[index + 1] - low) * (magnitude & positionMask) + sigmoidHalf) >> sigmoidShift);
                sigma = z >= 0 ? sigma : 65536 - sigma;
            }

            output[j] = sigma;
        }
    }

    // One plain-SGD step on binary cross-entropy; lr in Q16.16. Checks its arguments and returns
    // ½Σ(y - t)² in Q16.16 as the engine's Learn does (CheckVector, CheckTarget, HalfSquaredError),
    // so that its IL and time compare with the engine's whole call.
    public int Learn(int[] x, int[] t, int lr)
    {
        CheckVector(x, nIn, "input");
        CheckVector(t, nOut, "target");
        for (int j = 0; j < t.Length; j++)
        {
            if (t[j] < 0 || t[j] > 65536)
            {
                throw new System.ArgumentOutOfRangeException("target", "Learn: cross-entropy target " + j + " is outside [0, 1].");
            }
        }

        if (proveClamp)
        {
            ForwardHiddenKeepingSigma(x);
            ForwardLayer(h, w2, b2, z2, o, nHid, nOut);
            return LearnProven(x, t, lr, HalfSquaredError(o, t));
        }

        Forward(x);
        int loss = HalfSquaredError(o, t);

        // Output layer: δ = y - t in Q16.16 (units 2^-16), its propagation fused into the update.
        long[] hiddenSums = sums;
        System.Array.Clear(hiddenSums, 0, nHid);
        UpdateRows(w2, b2, h, o, t, hiddenSums, nHid, nOut, 16, lr, true);

        // Hidden deltas in units of 2^-hiddenFractionalBits, the layer's fixed exponent.
        int[] pre = z1;
        int[] hiddenDeltas = dh;
        int[] sigmoidTable = table;
        int positionMask = (1 << StepShift) - 1;
        long cutHalf = 1L << (cutShift - 1);
        int productShift = (32 - cutShift) + 30 - hiddenFractionalBits;
        long productHalf = 1L << (productShift - 1);
        int derivativeShift = InterpolationBits - 30;
        long derivativeHalf = 1L << (derivativeShift - 1);
        for (int i = 0; i < nHid; i++)
        {
            long sum = hiddenSums[i];
            long cut = (sum + cutHalf + (sum >> 63)) >> cutShift; // = Q16.RoundShift(sum, cutShift)
            int z = pre[i];
            int magnitude = z >= 0 ? z : -z;
            long derivative = 0; // σ'(z) in Q2.30; 0 from |z| ≥ 12 on (the engine takes e^-|z| there)
            if ((uint)magnitude < SaturationInput)
            {
                int index = magnitude >> StepShift;
                int low = sigmoidTable[index];
                long sigma = (((long)low << StepShift) + (sigmoidTable[index + 1] - low) * (magnitude & positionMask) + derivativeHalf) >> derivativeShift;
                derivative = (sigma * ((1L << 30) - sigma) + (1L << 29)) >> 30;
            }

            long product = cut * derivative;
            hiddenDeltas[i] = (int)((product + productHalf + (product >> 63)) >> productShift); // = Q16.RoundShift(product, productShift); |δ| < 2^30 by the bound
        }

        UpdateRows(w1, b1, x, hiddenDeltas, null, null, nIn, nHid, hiddenFractionalBits, lr, false);
        return loss;
    }

    // ForwardLayer for the hidden layer, keeping σ(|z|) in Q2.30, rounded from the same
    // interpolant as Learn's σ' takes it (1.0 where σ saturates, so that σ(1 - σ) = 0 there, as
    // Learn's σ' is).
    private void ForwardHiddenKeepingSigma(int[] input)
    {
        int[] weights = w1; int[] biases = b1; int[] pre = z1; int[] output = h; int fanIn = nIn; int size = nHid;
        int[] sigmaQ30 = hiddenSigmaQ30;
        int[] sigmoidTable = table;
        long half = 1L << 15;
        int positionMask = (1 << StepShift) - 1;
        int sigmoidShift = InterpolationBits - 16;
        long sigmoidHalf = 1L << (sigmoidShift - 1);
        int derivativeShift = InterpolationBits - 30;
        long derivativeHalf = 1L << (derivativeShift - 1);
        int blockEnd = fanIn - 3;
        int row = 0;
        for (int j = 0; j < size; j++, row += fanIn)
        {
            long sum = (long)biases[j] << 16;
            int i = 0;
            for (; i < blockEnd; i += 4)
            {
                int k = row + i;
                sum += (long)weights[k] * input[i] + (long)weights[k + 1] * input[i + 1]
                    + (long)weights[k + 2] * input[i + 2] + (long)weights[k + 3] * input[i + 3];
            }

            for (; i < fanIn; i++)
            {
                sum += (long)weights[row + i] * input[i];
            }

            sum = (sum + half + (sum >> 63)) >> 16;
            int z = (ulong)(sum - int.MinValue) > uint.MaxValue ? (sum > 0 ? int.MaxValue : int.MinValue) : (int)sum;
            pre[j] = z;
            int magnitude = z >= 0 ? z : -z;
            int sigma;
            if ((uint)magnitude >= SaturationInput)
            {
                sigma = z >= 0 ? 65536 : 0;
                sigmaQ30[j] = 1 << 30;
            }
            else
            {
                int index = magnitude >> StepShift;
                int low = sigmoidTable[index];
                long value = ((long)low << StepShift) + (sigmoidTable[index + 1] - low) * (magnitude & positionMask);
                sigmaQ30[j] = (int)((value + derivativeHalf) >> derivativeShift);
                sigma = (int)((value + sigmoidHalf) >> sigmoidShift);
                sigma = z >= 0 ? sigma : 65536 - sigma;
            }

            output[j] = sigma;
        }
    }

    // Learn after the forward pass with the clamped prototype's bits (each step rounded to nearest
    // with ties away from zero, each weight clamped to ±128), by cheaper code:
    // - the clamp: a layer's update runs without it when the layer's bound on |w| plus the largest
    //   step (from the largest |lr·δ| and the largest input) stays within ±128, and the bound then
    //   grows by that step; otherwise the clamped rows (UpdateRows) run and the bound is taken
    //   afresh. The same bound shows that lr·δ fits 32 bits, so its saturation goes too.
    // - the rounding: (p + 2^23 + (p >> 63)) >> 24 equals (p + 2^23) >> 24 unless p is a negative
    //   exact tie, p ≡ 2^23 (mod 2^24), which needs v2(lr·δ) + v2(x_i) = 23. The output layer's
    //   inputs are sigmoid outputs (≥ 0), so p's sign is the row's: the sign term is set per row.
    //   The first layer's rows are tested once each against the OR of the inputs' lowest set bits;
    //   a row where a tie is possible takes the full formula.
    // - σ' = σ(1 - σ) from the σ(|z|) the forward pass kept.
    private int LearnProven(int[] x, int[] t, int lr, int loss)
    {
        long half = 1L << 23;
        long rate = lr;
        long[] hiddenSums = sums;
        System.Array.Clear(hiddenSums, 0, nHid);

        // Output layer: |δ| = |y - t| ≤ 2^16, so |lr·δ| ≤ lr·2^8 + 1 in Q8.24 and |step| ≤ lr + 2
        // (h ≤ 1). Where the bound holds, lr < 2^23, so lr·δ < 2^31 needs no saturation.
        long outputStep = rate + 2;
        if (rate < 0 || outputWeightBound + outputStep > MaxWeight)
        {
            UpdateRows(w2, b2, h, o, t, hiddenSums, nHid, nOut, 16, lr, true);
            outputWeightBound = LargestMagnitude(w2);
        }
        else
        {
            outputWeightBound += outputStep;
            int[] weights = w2; int[] input = h; int fanIn = nHid;
            int row = 0;
            for (int j = 0; j < nOut; j++, row += fanIn)
            {
                int delta = o[j] - t[j];
                if (delta == 0)
                {
                    continue;
                }

                long rateDeltaExact = rate * delta;
                long sign = rateDeltaExact >> 63;
                long rateDeltaQ24 = (rateDeltaExact + 128 + sign) >> 8; // fits: |lr·δ| ≤ lr·2^8 + 1 < 2^31 (lr < 2^23)
                long rounding = half + (rateDeltaQ24 >> 63);
                long wideDelta = delta;
                int end = row + fanIn;
                for (int k = row, i = 0; k < end; k++, i++)
                {
                    int weight = weights[k];
                    hiddenSums[i] += weight * wideDelta;
                    weights[k] = weight - (int)((rateDeltaQ24 * input[i] + rounding) >> 24);
                }

                long bias = b2[j] - ((rateDeltaExact + 32768 + sign) >> 16);
                if ((ulong)(bias - int.MinValue) > uint.MaxValue)
                {
                    bias = bias > 0 ? int.MaxValue : int.MinValue;
                }

                b2[j] = (int)bias;
            }
        }

        // Hidden deltas as Learn forms them, and the largest magnitude among them.
        int[] hiddenDeltas = dh;
        int[] sigmaQ30 = hiddenSigmaQ30;
        long cutHalf = 1L << (cutShift - 1);
        int productShift = (32 - cutShift) + 30 - hiddenFractionalBits;
        long productHalf = 1L << (productShift - 1);
        int largestDelta = 0;
        for (int i = 0; i < nHid; i++)
        {
            long sum = hiddenSums[i];
            long cut = (sum + cutHalf + (sum >> 63)) >> cutShift;
            long sigma = sigmaQ30[i];
            long product = cut * ((sigma * ((1L << 30) - sigma) + (1L << 29)) >> 30);
            int delta = (int)((product + productHalf + (product >> 63)) >> productShift);
            hiddenDeltas[i] = delta;
            int magnitude = delta >= 0 ? delta : -delta;
            largestDelta = magnitude > largestDelta ? magnitude : largestDelta;
        }

        // First layer: the inputs' largest magnitude and the OR of their lowest set bits.
        long lowestBits = 0;
        long largestInput = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int value = x[i];
            lowestBits |= (uint)(value & -value);
            long magnitude = value >= 0 ? value : -(long)value;
            largestInput = magnitude > largestInput ? magnitude : largestInput;
        }

        int factorShift = 16 + hiddenFractionalBits - 24;
        long factorHalf = 1L << (factorShift - 1);
        int biasShift = hiddenFractionalBits;
        long biasHalf = 1L << (biasShift - 1);
        long largestFactor = ((rate * largestDelta) >> factorShift) + 1;           // ≥ every row's |lr·δ|
        long largestStep = ((largestFactor * largestInput) >> 24) + 1;             // ≥ every step's magnitude
        if (rate < 0 || largestFactor >= int.MaxValue || hiddenWeightBound + largestStep > MaxWeight)
        {
            UpdateRows(w1, b1, x, hiddenDeltas, null, null, nIn, nHid, hiddenFractionalBits, lr, false);
            hiddenWeightBound = LargestMagnitude(w1);
            return loss;
        }

        hiddenWeightBound += largestStep;
        int[] firstWeights = w1; int firstFanIn = nIn; int[] firstBiases = b1;
        long tieBit = 1L << 23;
        int firstRow = 0;
        for (int j = 0; j < nHid; j++, firstRow += firstFanIn)
        {
            int delta = hiddenDeltas[j];
            if (delta == 0)
            {
                continue;
            }

            long rateDeltaExact = rate * delta;
            long sign = rateDeltaExact >> 63;
            long rateDeltaQ24 = (rateDeltaExact + factorHalf + sign) >> factorShift; // fits: largestFactor
            int end = firstRow + firstFanIn;
            if (rateDeltaQ24 == 0)
            {
                // A zero lr·δ moves no weight.
            }
            else if ((lowestBits * (rateDeltaQ24 & -rateDeltaQ24) & tieBit) == 0)
            {
                for (int k = firstRow; k < end; k++)
                {
                    firstWeights[k] -= (int)((rateDeltaQ24 * x[k - firstRow] + half) >> 24); // no exact tie in this row
                }
            }
            else
            {
                for (int k = firstRow; k < end; k++)
                {
                    long stepQ40 = rateDeltaQ24 * x[k - firstRow];
                    firstWeights[k] -= (int)((stepQ40 + half + (stepQ40 >> 63)) >> 24);
                }
            }

            long bias = firstBiases[j] - ((rateDeltaExact + biasHalf + sign) >> biasShift);
            if ((ulong)(bias - int.MinValue) > uint.MaxValue)
            {
                bias = bias > 0 ? int.MaxValue : int.MinValue;
            }

            firstBiases[j] = (int)bias;
        }

        return loss;
    }

    private static void CheckVector(int[] values, int length, string name)
    {
        if (values == null)
        {
            throw new System.ArgumentNullException(name, "Learn: " + name + " is null.");
        }

        if (values.Length != length)
        {
            throw new System.ArgumentException("Learn: " + name + " has " + values.Length + " values; the network needs " + length + ".", name);
        }
    }

    // The engine's HalfSquaredError: ½ Σ (y - t)², each term rounded, the sum saturated.
    private static int HalfSquaredError(int[] outputs, int[] target)
    {
        long sum = 0;
        long half = 1L << 16;
        for (int j = 0; j < outputs.Length; j++)
        {
            long error = (long)outputs[j] - target[j];
            if ((ulong)(error - int.MinValue) > uint.MaxValue)
            {
                error = error > 0 ? int.MaxValue : int.MinValue;
            }

            sum += (error * error + half) >> 17;
        }

        return sum > int.MaxValue ? int.MaxValue : (int)sum;
    }

    // UpdateLayerPlain's rows: deltas are deltas[j] (minus targets[j] when targets is given: the
    // output layer's y - t) in units of 2^-deltaFractionalBits.
    private void UpdateRows(int[] weights, int[] biases, int[] input, int[] deltas, int[] targets, long[] propagated, int fanIn, int size, int deltaFractionalBits, int lr, bool propagate)
    {
        int factorShift = 16 + deltaFractionalBits - 24; // lr·δ in units 2^-(16 + F) to Q8.24
        long factorHalf = 1L << (factorShift - 1);
        int biasShift = deltaFractionalBits;
        long biasHalf = 1L << (biasShift - 1);
        long half = 1L << 23;
        long offset = MaxWeight;
        ulong range = 2 * (ulong)MaxWeight;
        long rate = lr;
        bool clamp = clampWeights;
        int saturations = 0;
        int row = 0;
        for (int j = 0; j < size; j++, row += fanIn)
        {
            int delta = targets != null ? deltas[j] - targets[j] : deltas[j];
            if (delta == 0)
            {
                continue;
            }

            long rateDeltaExact = rate * delta;
            long sign = rateDeltaExact >> 63;
            long rateDeltaQ24 = (rateDeltaExact + factorHalf + sign) >> factorShift;
            if ((ulong)(rateDeltaQ24 - int.MinValue) > uint.MaxValue)
            {
                rateDeltaQ24 = rateDeltaQ24 > 0 ? int.MaxValue : int.MinValue;
            }

            int end = row + fanIn;
            if (propagate && !clamp)
            {
                long wideDelta = delta;
                if (roundSteps)
                {
                    for (int k = row, i = 0; k < end; k++, i++)
                    {
                        int weight = weights[k];
                        propagated[i] += weight * wideDelta;
                        long stepQ40 = rateDeltaQ24 * input[i];
                        weights[k] = weight - (int)((stepQ40 + half + (stepQ40 >> 63)) >> 24);
                    }
                }
                else
                {
                    for (int k = row, i = 0; k < end; k++, i++)
                    {
                        int weight = weights[k];
                        propagated[i] += weight * wideDelta;
                        weights[k] = weight - (int)((rateDeltaQ24 * input[i]) >> 24);
                    }
                }
            }
            else if (propagate)
            {
                long wideDelta = delta;
                for (int k = row, i = 0; k < end; k++, i++)
                {
                    long weight = weights[k];
                    propagated[i] += weight * wideDelta;
                    long stepQ40 = rateDeltaQ24 * input[i];
                    long updated = weight - ((stepQ40 + half + (stepQ40 >> 63)) >> 24);
                    if ((ulong)(updated + offset) > range)
                    {
                        updated = updated > 0 ? MaxWeight : -MaxWeight;
                        saturations++;
                    }

                    weights[k] = (int)updated;
                }
            }
            else if (rateDeltaQ24 == 0)
            {
                // A zero lr·δ moves no weight (the engine skips the row the same way).
            }
            else if (clamp)
            {
                for (int k = row; k < end; k++)
                {
                    long stepQ40 = rateDeltaQ24 * input[k - row];
                    long updated = weights[k] - ((stepQ40 + half + (stepQ40 >> 63)) >> 24);
                    if ((ulong)(updated + offset) > range)
                    {
                        updated = updated > 0 ? MaxWeight : -MaxWeight;
                        saturations++;
                    }

                    weights[k] = (int)updated;
                }
            }
            else if (roundSteps)
            {
                for (int k = row; k < end; k++)
                {
                    long stepQ40 = rateDeltaQ24 * input[k - row];
                    weights[k] -= (int)((stepQ40 + half + (stepQ40 >> 63)) >> 24);
                }
            }
            else
            {
                for (int k = row; k < end; k++)
                {
                    weights[k] -= (int)((rateDeltaQ24 * input[k - row]) >> 24);
                }
            }

            long bias = biases[j] - ((rateDeltaExact + biasHalf + sign) >> biasShift);
            if ((ulong)(bias - int.MinValue) > uint.MaxValue)
            {
                bias = bias > 0 ? int.MaxValue : int.MinValue;
            }

            biases[j] = (int)bias;
        }

        Saturations += saturations;
    }
}
