using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// After a BenchmarkDotNet run: the figures the issue asks for, computed from the run's
    /// medians (Learn/Forward, Backward as Forward+Backward minus Forward, fixed/double), as
    /// Markdown. Medians rather than means, and the Learn/Forward ratio from the minima as well,
    /// because on a shared 2-core machine another process can slow some iterations down; the
    /// median resists that and the minimum is the run least disturbed.
    /// </summary>
    public static class DerivedTable
    {
        /// <summary>Renders the derived tables for whatever benchmarks ran.</summary>
        public static string Render(IEnumerable<Summary> summaries)
        {
            var means = new Dictionary<(string Topology, string Method), double>();
            var minima = new Dictionary<(string Topology, string Method), double>();
            var allocated = new Dictionary<(string Topology, string Method), long?>();
            foreach (Summary summary in summaries)
            {
                foreach (BenchmarkReport report in summary.Reports)
                {
                    if (report.ResultStatistics == null)
                    {
                        continue;
                    }

                    string topology = report.BenchmarkCase.Parameters["Topology"] as string ?? "?";
                    string method = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                    means[(topology, method)] = report.ResultStatistics.Median;
                    minima[(topology, method)] = report.ResultStatistics.Min;
                    allocated[(topology, method)] = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                }
            }

            if (means.Count == 0)
            {
                return string.Empty;
            }

            var text = new StringBuilder();
            text.AppendLine();
            text.AppendLine("Derived from the medians above (ns per operation; ratio = fixed / double):");
            text.AppendLine();
            text.AppendLine("| topology | operation | fixed ns | double ns | fixed/double | fixed B/op | double B/op |");
            text.AppendLine("|---|---|---:|---:|---:|---:|---:|");
            (string Label, string Fixed, string? Double)[] operations =
            {
                ("Forward", "FixedForward", "DoubleForward"),
                ("Backward alone (fixed forward state)", "FixedBackward", "DoubleBackward"),
                ("Forward + Backward", "FixedForwardBackward", "DoubleForwardBackward"),
                ("Learn, plain SGD", "FixedLearn", "DoubleLearn"),
                ("Learn, momentum 0.9", "FixedLearnMomentum", "DoubleLearnMomentum"),
                ("Learn, plain SGD + stochastic rounding", "FixedLearnStochastic", "DoubleLearn"),
            };
            foreach (string topology in TrainingWorkload.Topologies)
            {
                foreach (var operation in operations)
                {
                    if (!means.TryGetValue((topology, operation.Fixed), out double fixedNs))
                    {
                        continue;
                    }

                    bool hasDouble = means.TryGetValue((topology, operation.Double!), out double doubleNs);
                    text.AppendLine($"| {topology} | {operation.Label} | {Ns(fixedNs)} | {(hasDouble ? Ns(doubleNs) : "—")} | {(hasDouble ? Ratio(fixedNs / doubleNs) : "—")} | {Bytes(allocated[(topology, operation.Fixed)])} | {(hasDouble ? Bytes(allocated[(topology, operation.Double!)]) : "—")} |");
                }
            }

            text.AppendLine();
            text.AppendLine("| topology | Learn/Forward, fixed, plain SGD (goal ≤ 3.5) | the same from the minima | fixed, momentum | fixed, stochastic rounding | double, plain SGD | Backward from (Fwd+Bwd) − Fwd, fixed ns | double ns |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (string topology in TrainingWorkload.Topologies)
            {
                double Get(string method) => means.TryGetValue((topology, method), out double value) ? value : double.NaN;
                double forward = Get("FixedForward");
                double doubleForward = Get("DoubleForward");
                if (double.IsNaN(forward) && double.IsNaN(doubleForward))
                {
                    continue;
                }

                double fastestForward = minima.TryGetValue((topology, "FixedForward"), out double f) ? f : double.NaN;
                double fastestLearn = minima.TryGetValue((topology, "FixedLearn"), out double g) ? g : double.NaN;
                text.AppendLine($"| {topology} | {Ratio(Get("FixedLearn") / forward)} | {Ratio(fastestLearn / fastestForward)} | {Ratio(Get("FixedLearnMomentum") / forward)} | {Ratio(Get("FixedLearnStochastic") / forward)} | {Ratio(Get("DoubleLearn") / doubleForward)} | {Ns(Get("FixedForwardBackward") - forward)} | {Ns(Get("DoubleForwardBackward") - doubleForward)} |");
            }

            return text.ToString();
        }

        private static string Ns(double value)
        {
            return double.IsNaN(value) ? "—" : value.ToString("N1", CultureInfo.InvariantCulture);
        }

        private static string Ratio(double value)
        {
            return double.IsNaN(value) ? "—" : value.ToString("0.00", CultureInfo.InvariantCulture);
        }

        private static string Bytes(long? value)
        {
            return value == null ? "?" : value.Value.ToString(CultureInfo.InvariantCulture);
        }
    }
}
