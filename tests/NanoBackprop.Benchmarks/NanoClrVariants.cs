using System.Globalization;
using System.Text;
using NanoBackprop.Emulator;

namespace NanoBackprop.Benchmarks
{
    /// <summary>One code shape timed on nanoCLR: ns per element (median, minimum) and the IL its loop executes per element.</summary>
    public sealed record VariantTiming(string Type, string Name, double MedianNs, double MinimumNs, double IlPerElement);

    /// <summary>
    /// The `nanoclr-variants` command: NanoClr/Variants.cs (small loops over 64 ints: array access,
    /// 64-bit multiply and shift, fields, calls, branches, jagged and flat arrays, loop shapes) built
    /// for nanoFramework and run on nanoCLR, each variant's IL per element read from the compiled
    /// program (the innermost loop, callees in this program included), and how well that IL count
    /// ranks the measured times.
    /// </summary>
    public static class NanoClrVariants
    {
        /// <summary>Interleaved repetitions.</summary>
        public const int Repetitions = 61;

        /// <summary>Batch length in 100 ns ticks (1 ms).</summary>
        public const long BatchTicks = 10_000;

        /// <summary>Builds, counts and runs the variants.</summary>
        public static IReadOnlyList<VariantTiming> Measure(NanoFrameworkHome home, int repetitions, long batchTicks, string buildFolder)
        {
            string root = NanoClrBenchmark.RepositoryRoot();
            string settings = "namespace NanoBackprop.Benchmarks.OnNanoClr\n{\n    public static class VariantSettings\n    {\n"
                + "        public const int Repetitions = " + repetitions + ";\n        public const long BatchTicks = " + batchTicks + ";\n    }\n}\n";
            var sources = new List<SourceFile>
            {
                SourceFile.Read(Path.Combine(root, "tests", "NanoBackprop.Benchmarks", "NanoClr", "Variants.cs")),
                new SourceFile("VariantSettings.cs", settings),
            };
            NanoClrRun run = NanoClrBenchmark.BuildAndRun(home, "NanoClrVariants", sources, withLibrary: false, buildFolder, TimeSpan.FromMinutes(10));
            if (!run.Program.Contains("variants finished"))
            {
                throw new InvalidOperationException("the variants program ended early; log tail: " + ToolRun.Tail(run.Tool.Output, 8));
            }

            using var il = new IlInspector(Path.Combine(buildFolder, "NanoClrVariants.exe"));
            var timings = new List<VariantTiming>();
            foreach (string line in run.Program.Where(l => l.StartsWith("variant|", StringComparison.Ordinal)))
            {
                string[] parts = line.Split('|');
                timings.Add(new VariantTiming(parts[1], parts[2],
                    long.Parse(parts[3], CultureInfo.InvariantCulture) / 1000.0, long.Parse(parts[4], CultureInfo.InvariantCulture) / 1000.0,
                    IlPerElement(il, parts[1])));
            }

            return timings;
        }

        /// <summary>
        /// IL executed per element: the innermost loop of the variant's Run, one pass from its first
        /// instruction to its back-branch, with the bodies of the methods it calls in this program
        /// (the mean of the shortest and longest path), divided by the elements one pass handles.
        /// </summary>
        public static double IlPerElement(IlInspector il, string type)
        {
            const string Namespace = "NanoBackprop.Benchmarks.OnNanoClr.";
            List<IlInstruction> body = il.Decode(il.FindMethod(Namespace + type, "Run"));
            IlLoop loop = IlInspector.InnermostLoops(body).Single();
            (int Min, int Max)? range;
            if (type == "VirtualCall")
            {
                // callvirt on the abstract Adder.Add: count the override that runs.
                (int Min, int Max) callee = il.MethodPathRange(il.FindMethod(Namespace + "PlainAdder", "Add"))!.Value;
                range = (loop.InstructionCount + callee.Min, loop.InstructionCount + callee.Max);
            }
            else
            {
                range = il.PathRange(body, loop.First, loop.Last);
            }

            double perPass = range == null ? loop.InstructionCount : (range.Value.Min + range.Value.Max) / 2.0;
            int elementsPerPass = type switch
            {
                "Unrolled" => 4,
                "ArrayCopy" => 64,
                _ => 1,
            };
            return perPass / elementsPerPass;
        }

        /// <summary>Spearman's rank correlation (ties get their mean rank).</summary>
        public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
        {
            double[] rx = Ranks(x);
            double[] ry = Ranks(y);
            return Pearson(rx, ry);
        }

        /// <summary>Pearson's correlation.</summary>
        public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
        {
            double mx = x.Average();
            double my = y.Average();
            double sxy = 0, sxx = 0, syy = 0;
            for (int i = 0; i < x.Count; i++)
            {
                sxy += (x[i] - mx) * (y[i] - my);
                sxx += (x[i] - mx) * (x[i] - mx);
                syy += (y[i] - my) * (y[i] - my);
            }

            return sxy / Math.Sqrt(sxx * syy);
        }

        private static double[] Ranks(IReadOnlyList<double> values)
        {
            int[] order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
            double[] ranks = new double[values.Count];
            for (int start = 0; start < order.Length;)
            {
                int end = start;
                while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
                {
                    end++;
                }

                for (int k = start; k <= end; k++)
                {
                    ranks[order[k]] = (start + end) / 2.0 + 1;
                }

                start = end + 1;
            }

            return ranks;
        }

        /// <summary>The `nanoclr-variants` report (Markdown).</summary>
        public static string Run()
        {
            NanoFrameworkHome? home = NanoFrameworkHome.Find();
            string? why = NanoFrameworkHome.WhyUnavailable(home);
            if (why != null)
            {
                throw new InvalidOperationException(why);
            }

            string folder = Path.Combine(Path.GetTempPath(), "nanobackprop-nanoclr-variants-" + Environment.ProcessId);
            try
            {
                IReadOnlyList<VariantTiming> timings = Measure(home!, Repetitions, BatchTicks, folder);
                VariantTiming empty = timings.First(t => t.Type == "EmptyLoop");
                var text = new StringBuilder();
                text.AppendLine($"nanoCLR: ns per element of a 64-element loop, median (minimum) of {Repetitions} interleaved ~{BatchTicks / 10_000} ms batches; "
                    + "'body' = minimum minus the empty loop's minimum; IL per element read from the compiled program (loop body and branch, callees included).");
                text.AppendLine();
                text.AppendLine("| variant | IL per element | ns per element | body ns (min − empty) | ns per IL (min) |");
                text.AppendLine("|---|---:|---:|---:|---:|");
                foreach (VariantTiming t in timings)
                {
                    text.AppendLine($"| {t.Name} | {t.IlPerElement:0.##} | {t.MedianNs:0.0} ({t.MinimumNs:0.0}) | {t.MinimumNs - empty.MinimumNs:0.0} | {t.MinimumNs / t.IlPerElement:0.00} |");
                }

                var ilCounts = timings.Select(t => t.IlPerElement).ToList();
                var minima = timings.Select(t => t.MinimumNs).ToList();
                var medians = timings.Select(t => t.MedianNs).ToList();
                text.AppendLine();
                text.AppendLine($"IL per element against ns per element over the {timings.Count} variants: Spearman {R(Spearman(ilCounts, minima))} (minima), {R(Spearman(ilCounts, medians))} (medians); Pearson {R(Pearson(ilCounts, minima))} (minima).");
                return text.ToString();
            }
            finally
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
        }

        private static string R(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
    }
}
