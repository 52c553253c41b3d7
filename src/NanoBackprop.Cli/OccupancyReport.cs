namespace NanoBackprop.Cli;

/// <summary>
/// The Occupancy replay over seeds 0-9: prequential accuracy (median, min, max) of the fixed-point
/// learner and its double twin, the gap, and the 70/30 robustness split.
/// </summary>
public static class OccupancyReport
{
    /// <summary>Rows the 70/30 split learns on (70 % of 8,143, ending inside the empty weekend).</summary>
    public const int SplitRows = 5700;

    /// <summary>Summary over the seeds.</summary>
    public sealed record Summary(OccupancyReplay.Result[] Runs, OccupancyReplay.SplitResult[] Splits)
    {
        /// <summary>Median fixed-point prequential accuracy.</summary>
        public double FixedMedian => Median(Runs.Select(r => r.FixedAccuracy));

        /// <summary>Median double prequential accuracy.</summary>
        public double DoubleMedian => Median(Runs.Select(r => r.DoubleAccuracy));

        /// <summary>Median fixed-point accuracy on the last 30 %.</summary>
        public double SplitFixedMedian => Median(Splits.Select(r => r.FixedAccuracy));

        /// <summary>Median double accuracy on the last 30 %.</summary>
        public double SplitDoubleMedian => Median(Splits.Select(r => r.DoubleAccuracy));
    }

    /// <summary>Runs seeds 0 to <paramref name="seeds"/> - 1 with <paramref name="makeOptions"/>.</summary>
    public static Summary Run(OccupancyData data, Func<LearnerOptions> makeOptions, int seeds = 10, WeightFormat? weights = null)
    {
        var runs = new OccupancyReplay.Result[seeds];
        var splits = new OccupancyReplay.SplitResult[seeds];
        Parallel.For(0, seeds, seed =>
        {
            runs[seed] = OccupancyReplay.Run(data, seed, makeOptions(), weights);
            splits[seed] = OccupancyReplay.RunSplit(data, seed, makeOptions(), SplitRows, weights);
        });
        return new Summary(runs, splits);
    }

    /// <summary>Writes the summary as a table.</summary>
    public static void Write(TextWriter output, Summary summary)
    {
        var fixedAccuracies = summary.Runs.Select(r => r.FixedAccuracy).ToArray();
        var doubleAccuracies = summary.Runs.Select(r => r.DoubleAccuracy).ToArray();
        output.WriteLine($"  prequential accuracy over {summary.Runs[0].FixedCurve.Length} rows, seeds 0-{summary.Runs.Length - 1}:");
        output.WriteLine($"    fixed point  median {summary.FixedMedian:P2}  min {fixedAccuracies.Min():P2}  max {fixedAccuracies.Max():P2}");
        output.WriteLine($"    double twin  median {summary.DoubleMedian:P2}  min {doubleAccuracies.Min():P2}  max {doubleAccuracies.Max():P2}");
        output.WriteLine($"    gap of the medians {(summary.DoubleMedian - summary.FixedMedian) * 100:+0.00;-0.00} pp");
        output.WriteLine($"  learn on the first {SplitRows} rows, then predict the last {summary.Runs[0].FixedCurve.Length - SplitRows} frozen (base rate {summary.Splits[0].BaseRate:P1}):");
        output.WriteLine($"    fixed point  median {summary.SplitFixedMedian:P2}  min {summary.Splits.Min(s => s.FixedAccuracy):P2}  max {summary.Splits.Max(s => s.FixedAccuracy):P2}");
        output.WriteLine($"    double twin  median {summary.SplitDoubleMedian:P2}  min {summary.Splits.Min(s => s.DoubleAccuracy):P2}  max {summary.Splits.Max(s => s.DoubleAccuracy):P2}");
        output.WriteLine($"  fixed point: {summary.Runs.Average(r => r.SamplesPerSecond):N0} rows/s (predict + learn, one pass per seed, {BuildInfo.Configuration} build, this machine)");
        var learner = OccupancyReplay.CreateLearner(0, OccupancyReplay.DefaultOptions());
        var guarded = OccupancyReplay.CreateLearner(0, OccupancyReplay.DefaultOptions(), guard: true);
        output.WriteLine($"  model blob {ModelBlob.SizeOf(learner)} bytes ({ModelBlob.SizeOf(guarded)} with the divergence guard's snapshot); network RAM {learner.Network.RamBytes} bytes");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
