namespace NanoBackprop.Cli;

/// <summary>
/// A long drifting stream through the default learner (divergence guard on): the rule that labels
/// the readings changes every <c>driftEvery</c> samples, with 2 % label noise. Checks that nothing
/// wraps, weights stay within ±128, and the error recovers after every drift.
/// </summary>
public static class Soak
{
    /// <summary>What a soak measured.</summary>
    /// <param name="Steps">Learning steps taken.</param>
    /// <param name="SegmentErrors">Error rate over the last 10 % of each segment between drifts.</param>
    /// <param name="LargestWeight">Largest |weight| seen at the end of any segment (Q16.16).</param>
    /// <param name="WeightSaturations">Updates held at ±128.</param>
    /// <param name="Rollbacks">Divergence-guard rollbacks.</param>
    /// <param name="InvalidProbabilities">Predictions outside [0, 1] (a wrapped value would land there).</param>
    /// <param name="Seconds">Wall time.</param>
    public sealed record Result(long Steps, double[] SegmentErrors, int LargestWeight, int WeightSaturations, int Rollbacks, long InvalidProbabilities, double Seconds);

    /// <summary>Runs the soak.</summary>
    public static Result Run(long steps, long driftEvery, int seed, WeightFormat? weights = null)
    {
        weights ??= WeightFormat.Wide;
        var network = weights.Apply(new Network(new[] { 3, 8, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed, weights.Options));
        var learner = new OnlineLearner(network, new LearnerOptions { DivergenceGuard = true });
        var random = new Random(seed);
        int segments = (int)((steps + driftEvery - 1) / driftEvery);
        var errors = new double[segments];
        var tail = new long[segments];
        int largestWeight = 0;
        long invalid = 0;
        int[] reading = new int[3];
        int[] target = new int[1];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (long k = 0; k < steps; k++)
        {
            int segment = (int)(k / driftEvery);
            reading[0] = random.Next(-1000, 1001);
            reading[1] = random.Next(-1000, 1001);
            reading[2] = random.Next(0, 50);
            int label = Rule(segment, reading[0], reading[1]);
            if (random.Next(50) == 0)
            {
                label = 1 - label;
            }

            int probability = learner.Predict(reading)[0];
            invalid += probability < 0 || probability > Q16.One ? 1 : 0;
            if (k % driftEvery >= driftEvery * 9 / 10)
            {
                errors[segment] += (probability >= Q16.Half ? 1 : 0) != label ? 1 : 0;
                tail[segment]++;
            }

            target[0] = label * Q16.One;
            learner.Learn(reading, target);
            if (k % driftEvery == driftEvery - 1)
            {
                for (int l = 0; l < network.LayerCount - 1; l++)
                {
                    for (int j = 0; j < network.GetLayerSize(l + 1); j++)
                    {
                        for (int i = 0; i < network.GetLayerSize(l); i++)
                        {
                            largestWeight = Math.Max(largestWeight, Math.Abs(network.GetWeight(l, j, i)));
                        }
                    }
                }
            }
        }

        for (int s = 0; s < segments; s++)
        {
            errors[s] = tail[s] == 0 ? 0 : errors[s] / tail[s];
        }

        return new Result(steps, errors, largestWeight, network.WeightSaturations, learner.Rollbacks, invalid, clock.Elapsed.TotalSeconds);
    }

    // Four labelling rules, in turn: the sensors are recabled or recalibrated at each drift.
    private static int Rule(int segment, int x0, int x1) => (segment % 4) switch
    {
        0 => x0 + x1 > 0 ? 1 : 0,
        1 => x0 - x1 > 0 ? 1 : 0,
        2 => x0 + x1 < 0 ? 1 : 0,
        _ => x0 > 300 ? 1 : 0,
    };

    /// <summary>Prints a result.</summary>
    public static void Write(TextWriter output, Result result)
    {
        output.WriteLine($"soak: {result.Steps:N0} learning steps in {result.Seconds:F1} s ({result.Steps / result.Seconds:N0} steps/s)");
        output.WriteLine($"  error over the last 10 % of each segment (2 % label noise is the floor): {string.Join(", ", result.SegmentErrors.Select(e => e.ToString("P2")))}");
        output.WriteLine($"  largest |weight| {Q16.ToDouble(result.LargestWeight):F3} (limit 128), weight saturations {result.WeightSaturations}, rollbacks {result.Rollbacks}, predictions outside [0, 1]: {result.InvalidProbabilities}");
    }
}
