using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// The `ratios` command: the same operations as the BenchmarkDotNet class, timed in one process
    /// in short interleaved batches (round k times every operation once, one batch each), so that
    /// whatever else the machine is doing slows every operation alike. The minimum batch of each
    /// operation is its least disturbed cost; the ratios (Learn/Forward, fixed/double) are taken
    /// from those minima and from the medians. A cross-check for BenchmarkDotNet on a shared machine.
    /// </summary>
    public static class Interleaved
    {
        private const int Rounds = 300;
        private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(1);

        /// <summary>Runs every topology and returns a Markdown table.</summary>
        public static string Run()
        {
            var text = new StringBuilder();
            text.AppendLine($"Interleaved batches: {Rounds} rounds of ~{BatchTime.TotalMilliseconds} ms per operation; ns per operation, minimum (median).");
            text.AppendLine();
            text.AppendLine("| topology | operation | fixed ns | double ns | fixed/double |");
            text.AppendLine("|---|---|---:|---:|---:|");
            var ratios = new StringBuilder();
            ratios.AppendLine("| topology | Learn/Forward, fixed, plain SGD (goal ≤ 3.5) | fixed, momentum | fixed, stochastic rounding | double, plain SGD |");
            ratios.AppendLine("|---|---:|---:|---:|---:|");
            foreach (string topology in TrainingWorkload.Topologies)
            {
                var workload = new TrainingWorkload(topology);
                (string Name, Func<double> Run)[] operations =
                {
                    ("FixedForward", () => workload.FixedForward()),
                    ("DoubleForward", () => workload.DoubleForward()),
                    ("FixedBackward", () => { workload.FixedBackward(); return 0; }),
                    ("DoubleBackward", () => { workload.DoubleBackward(); return 0; }),
                    ("FixedForwardBackward", () => workload.FixedForwardBackward()),
                    ("DoubleForwardBackward", () => workload.DoubleForwardBackward()),
                    ("FixedLearn", () => workload.FixedLearn()),
                    ("DoubleLearn", () => workload.DoubleLearn()),
                    ("FixedLearnMomentum", () => workload.FixedLearnMomentum()),
                    ("DoubleLearnMomentum", () => workload.DoubleLearnMomentum()),
                    ("FixedLearnStochastic", () => workload.FixedLearnStochastic()),
                };
                var min = new Dictionary<string, double>();
                var median = new Dictionary<string, double>();
                int[] batch = new int[operations.Length];
                double sink = 0;
                // Warm up (tiered JIT to its optimised code) and size each batch to ~BatchTime.
                for (int k = 0; k < operations.Length; k++)
                {
                    var warm = Stopwatch.StartNew();
                    int calls = 0;
                    while (warm.ElapsedMilliseconds < 300)
                    {
                        sink += operations[k].Run();
                        calls++;
                    }

                    batch[k] = Math.Max(1, (int)(calls * BatchTime.TotalMilliseconds / warm.Elapsed.TotalMilliseconds));
                }

                var samples = new double[operations.Length][];
                for (int k = 0; k < operations.Length; k++)
                {
                    samples[k] = new double[Rounds];
                }

                for (int round = 0; round < Rounds; round++)
                {
                    for (int k = 0; k < operations.Length; k++)
                    {
                        Func<double> run = operations[k].Run;
                        int n = batch[k];
                        long start = Stopwatch.GetTimestamp();
                        for (int c = 0; c < n; c++)
                        {
                            sink += run();
                        }

                        samples[k][round] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / n;
                    }
                }

                for (int k = 0; k < operations.Length; k++)
                {
                    Array.Sort(samples[k]);
                    min[operations[k].Name] = samples[k][0];
                    median[operations[k].Name] = samples[k][Rounds / 2];
                }

                (string Label, string Fixed, string Double)[] rows =
                {
                    ("Forward", "FixedForward", "DoubleForward"),
                    ("Backward alone", "FixedBackward", "DoubleBackward"),
                    ("Forward + Backward", "FixedForwardBackward", "DoubleForwardBackward"),
                    ("Learn, plain SGD", "FixedLearn", "DoubleLearn"),
                    ("Learn, momentum 0.9", "FixedLearnMomentum", "DoubleLearnMomentum"),
                    ("Learn, stochastic rounding", "FixedLearnStochastic", "DoubleLearn"),
                };
                foreach (var row in rows)
                {
                    text.AppendLine($"| {topology} | {row.Label} | {Ns(min[row.Fixed])} ({Ns(median[row.Fixed])}) | {Ns(min[row.Double])} ({Ns(median[row.Double])}) | {R(min[row.Fixed] / min[row.Double])} ({R(median[row.Fixed] / median[row.Double])}) |");
                }

                string Pair(string learn, string forward) => $"{R(min[learn] / min[forward])} ({R(median[learn] / median[forward])})";
                ratios.AppendLine($"| {topology} | {Pair("FixedLearn", "FixedForward")} | {Pair("FixedLearnMomentum", "FixedForward")} | {Pair("FixedLearnStochastic", "FixedForward")} | {Pair("DoubleLearn", "DoubleForward")} |");
                if (double.IsNaN(sink))
                {
                    text.AppendLine("(NaN output)");
                }
            }

            text.AppendLine();
            text.AppendLine("Learn/Forward from the minima (medians):");
            text.AppendLine();
            text.Append(ratios);
            return text.ToString();
        }

        private static string Ns(double value) => value.ToString("N1", CultureInfo.InvariantCulture);

        private static string R(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
    }
}
