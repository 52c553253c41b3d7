using NanoBackprop.Reference;

namespace NanoBackprop.Cli;

/// <summary>
/// Random nets (1–3 hidden layers, widths 1–32, every activation, both losses), their fixed-point
/// gradients against the double reference on the same quantised weights and inputs.
/// </summary>
public static class GradientCheck
{
    /// <summary>What a run measured.</summary>
    /// <param name="Command">"gradcheck".</param>
    /// <param name="Nets">Nets drawn.</param>
    /// <param name="Skipped">Nets whose reference leaves the Q16.16 range, or with a ReLU pre-activation within 1e-3 of its kink.</param>
    /// <param name="Layers">Weight layers with ‖g_ref‖ ≥ 1e-2, over which the relative errors are taken.</param>
    /// <param name="MedianRelativeError">Median of ‖g_fix - g_ref‖ / ‖g_ref‖.</param>
    /// <param name="P99RelativeError">99th percentile of the same.</param>
    /// <param name="MaxRelativeError">Largest of the same.</param>
    /// <param name="MeanSignedErrorLsb">Mean of g_fix - g_ref in Q16.16 LSB over the elements with |g_ref| &lt; 1.</param>
    /// <param name="WorstBoundRatio">Largest ‖g_fix - g_ref‖ / bound over every checked weight layer, with the bound
    /// 1e-2·‖g_ref‖ + √n·2^-16·(1 + max|a_in|)·(1 + max|∂L/∂y|): ParityTests' bound without its cancellation and forward-error terms (docs/ENGINE.md).</param>
    public sealed record Summary(string Command, int Nets, int Skipped, int Layers, double MedianRelativeError, double P99RelativeError, double MaxRelativeError,
        double MeanSignedErrorLsb, double WorstBoundRatio);

    /// <summary>Checks <paramref name="count"/> nets drawn from <paramref name="seed"/>.</summary>
    public static Summary Run(int count, int seed)
    {
        var random = new Random(seed);
        var relative = new List<double>();
        double signed = 0;
        long elements = 0;
        int skipped = 0;
        double worstBoundRatio = 0;
        // The activations of the documented runs (Softmax, with its own loss, is covered by
        // ParityTests): leaving it out keeps every seed's draws, and so the published figures.
        var activations = Enum.GetValues<Activation>().Where(a => a != Activation.Softmax).ToArray();
        for (int n = 0; n < count; n++)
        {
            int hiddenLayers = random.Next(1, 4);
            int[] sizes = Enumerable.Range(0, hiddenLayers + 2).Select(_ => random.Next(1, 33)).ToArray();
            Activation hidden = activations[random.Next(activations.Length)];
            Activation output = activations[random.Next(activations.Length)];
            Loss loss = output == Activation.Sigmoid && random.Next(2) == 0 ? Loss.BinaryCrossEntropy : Loss.MeanSquaredError;
            var network = new Network(sizes, hidden, output, loss, n, NetworkOptions.GradientAccumulation);
            for (int l = 0; l < sizes.Length - 1; l++)
            {
                double limit = 2 * Math.Min(1, 3 / Math.Sqrt(sizes[l]));
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    for (int i = 0; i < sizes[l]; i++)
                    {
                        network.SetWeight(l, j, i, Q16.FromDouble((random.NextDouble() * 2 - 1) * limit));
                    }

                    network.SetBias(l, j, Q16.FromDouble(random.NextDouble() * 2 - 1));
                }
            }

            int[] input = Enumerable.Range(0, sizes[0]).Select(_ => Q16.FromDouble((random.NextDouble() * 2 - 1) * 4)).ToArray();
            int[] target = Enumerable.Range(0, sizes[^1]).Select(_ => Q16.FromDouble(output == Activation.Sigmoid ? random.NextDouble() : random.NextDouble() * 4 - 2)).ToArray();
            network.Forward(input);
            network.Backward(target, loss);
            var reference = ReferenceMlp.FromNetwork(network).ComputeGradients(input.Select(Q16.ToDouble).ToArray(), target.Select(Q16.ToDouble).ToArray(), loss);
            bool outOfRange = reference.Activations.Concat(reference.PreActivations).Concat(reference.PreActivationGradients)
                .Concat(reference.WeightGradients).Concat(reference.BiasGradients).SelectMany(v => v).Any(v => !double.IsFinite(v) || Math.Abs(v) >= 32767);
            bool nearKink = Enumerable.Range(0, sizes.Length - 1).Any(l =>
                (l == sizes.Length - 2 ? output : hidden) is Activation.Relu or Activation.LeakyRelu && reference.PreActivations[l].Any(z => Math.Abs(z) < 1e-3));
            if (outOfRange || nearKink)
            {
                skipped++;
                continue;
            }

            for (int l = 0; l < sizes.Length - 1; l++)
            {
                double difference = 0;
                double norm = 0;
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    for (int i = 0; i <= sizes[l]; i++)
                    {
                        double fix = Q16.ToDouble(i < sizes[l] ? network.GetWeightGradient(l, j, i) : network.GetBiasGradient(l, j));
                        double exact = i < sizes[l] ? reference.WeightGradients[l][j * sizes[l] + i] : reference.BiasGradients[l][j];
                        difference += (fix - exact) * (fix - exact);
                        norm += exact * exact;
                        if (Math.Abs(exact) < 1)
                        {
                            signed += (fix - exact) * 65536;
                            elements++;
                        }
                    }
                }

                double maxInput = reference.Activations[l].Max(Math.Abs);
                double maxOutputGradient = reference.ActivationGradients[l + 1].Max(Math.Abs);
                double bound = 1e-2 * Math.Sqrt(norm) + Math.Sqrt(sizes[l + 1] * (sizes[l] + 1)) / 65536.0 * (1 + maxInput) * (1 + maxOutputGradient);
                worstBoundRatio = Math.Max(worstBoundRatio, Math.Sqrt(difference) / bound);
                if (Math.Sqrt(norm) >= 1e-2)
                {
                    relative.Add(Math.Sqrt(difference / norm));
                }
            }
        }

        var sorted = relative.OrderBy(e => e).ToArray();
        return new Summary("gradcheck", count, skipped, sorted.Length,
            sorted.Length == 0 ? 0 : sorted[sorted.Length / 2], sorted.Length == 0 ? 0 : sorted[(int)(sorted.Length * 0.99)], sorted.Length == 0 ? 0 : sorted[^1],
            elements == 0 ? 0 : signed / elements, worstBoundRatio);
    }
}
