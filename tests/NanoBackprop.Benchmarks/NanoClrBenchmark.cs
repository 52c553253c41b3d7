using System.Globalization;
using System.Text;
using NanoBackprop.Emulator;

namespace NanoBackprop.Benchmarks
{
    /// <summary>One row the nanoCLR timing program printed: ns per call, median, minimum and maximum over the repetitions.</summary>
    public sealed record NanoClrRow(string Topology, string Operation, int CallsPerBatch, long MedianNs, long MinimumNs, long MaximumNs);

    /// <summary>What one run of the nanoCLR timing program printed.</summary>
    public sealed record NanoClrTimings(IReadOnlyList<NanoClrRow> Rows, IReadOnlyDictionary<string, int> BlobBytes, long ClockStepTicks, TimeSpan Elapsed)
    {
        /// <summary>The row of an operation; null when the program did not print it.</summary>
        public NanoClrRow? Find(string topology, string operation) => Rows.FirstOrDefault(r => r.Topology == topology && r.Operation == operation);
    }

    /// <summary>
    /// The `nanoclr` command: builds NanoClr/EngineTiming.cs (nanoFramework C#) with the library (its
    /// .nfproj) and the fixed baseline ../shared/baselines/HandWrittenQ16Mlp.cs, runs it on nanoCLR,
    /// the real nanoFramework interpreter, and tabulates µs per call beside the baseline's Forward and
    /// Learn from the same run. The `nanoclr-variants` command runs NanoClr/Variants.cs the same way.
    /// </summary>
    public static class NanoClrBenchmark
    {
        /// <summary>The topologies of the full run.</summary>
        public static readonly string[] Topologies = { "5-8-1", "16-32-16-4", "64-64-10" };

        /// <summary>Repetitions of the full run (interleaved batches per operation).</summary>
        public const int Repetitions = 101;

        /// <summary>Length of one timed batch on nanoCLR, in 100 ns ticks (1 ms).</summary>
        public const long BatchTicks = 10_000;

        /// <summary>Where the baseline is looked for when NANOBACKPROP_BASELINE does not name it.</summary>
        public const string BaselineRelativePath = "shared/baselines/HandWrittenQ16Mlp.cs";

        /// <summary>The operations the program times per topology, in its order (the learner row on 5-8-1 only).</summary>
        public static readonly string[] EngineOperations =
        {
            "Forward", "Learn, plain SGD", "Learn, momentum 0.9", "Learn, stochastic rounding", "Learn, momentum + stochastic rounding",
            "Learn, 16-bit weights + stochastic rounding", "Forward, softmax output", "Learn, plain SGD, softmax + categorical cross-entropy", "Forward + Backward + ApplyGradients", "learner: Predict + Learn, Occupancy row",
            "learner, scaler frozen: Predict + Learn, Occupancy row", "model save (ModelBlob.Write)", "model load (ModelBlob.Read)",
        };

        /// <summary>The checkout's root (the folder with nanoBackprop.sln), from the current folder or this program's.</summary>
        public static string RepositoryRoot()
        {
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (DirectoryInfo? folder = new(start); folder != null; folder = folder.Parent)
                {
                    if (File.Exists(Path.Combine(folder.FullName, "nanoBackprop.sln")))
                    {
                        return folder.FullName;
                    }
                }
            }

            throw new InvalidOperationException("nanoBackprop.sln not found above " + Directory.GetCurrentDirectory() + " or " + AppContext.BaseDirectory);
        }

        /// <summary>
        /// The baseline's source: NANOBACKPROP_BASELINE, else shared/baselines/HandWrittenQ16Mlp.cs in
        /// the first folder above the checkout (or this program) that has one, as the emulator is found.
        /// </summary>
        public static string? FindBaseline()
        {
            string? named = Environment.GetEnvironmentVariable("NANOBACKPROP_BASELINE");
            if (!string.IsNullOrWhiteSpace(named))
            {
                return File.Exists(named) ? Path.GetFullPath(named) : null;
            }

            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (DirectoryInfo? folder = new(start); folder != null; folder = folder.Parent)
                {
                    string candidate = Path.Combine(folder.FullName, BaselineRelativePath);
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }

            return null;
        }

        /// <summary>The fixed-exponent prototype's source (benchmark only, see the file's header).</summary>
        public static string PrototypePath(string root) => Path.Combine(root, "tests", "NanoBackprop.Benchmarks", "NanoClr", "FixedExponentPrototype.cs");

        /// <summary>Builds and runs the timing program; throws with the reason when it cannot or when the run fails.</summary>
        public static NanoClrTimings Measure(NanoFrameworkHome home, string baselinePath, IReadOnlyList<string> topologies, int repetitions, long batchTicks, string buildFolder)
        {
            string root = RepositoryRoot();
            string settings = "namespace NanoBackprop.Benchmarks.OnNanoClr\n{\n    public static class BenchSettings\n    {\n"
                + "        public static readonly string[] Topologies = { " + string.Join(", ", topologies.Select(t => "\"" + t + "\"")) + " };\n"
                + "        public const int Repetitions = " + repetitions + ";\n"
                + "        public const long BatchTicks = " + batchTicks + ";\n"
                + "        public const int LearningRate = 6554; // 0.1 in Q16.16\n"
                + "        public const int MomentumCoefficient = 58982; // 0.9 in Q16.16\n"
                + "    }\n}\n";
            var sources = new List<SourceFile>
            {
                SourceFile.Read(Path.Combine(root, "tests", "NanoBackprop.Benchmarks", "NanoClr", "EngineTiming.cs")),
                SourceFile.Read(PrototypePath(root)),
                SourceFile.Read(Path.Combine(root, "tests", "NanoBackprop.Boards.Tests", "OnNanoClr", "OccupancySlice.cs")),
                SourceFile.Read(baselinePath),
                new SourceFile("BenchSettings.cs", settings),
            };
            NanoClrRun run = BuildAndRun(home, "NanoClrEngineTiming", sources, withLibrary: true, buildFolder, TimeSpan.FromMinutes(10));
            var rows = new List<NanoClrRow>();
            var blobs = new Dictionary<string, int>();
            long clock = 0;
            foreach (string line in run.Program)
            {
                string[] parts = line.Split('|');
                if (parts[0] == "row" && parts.Length == 7)
                {
                    rows.Add(new NanoClrRow(parts[1], parts[2], Int(parts[3]), Long(parts[4]), Long(parts[5]), Long(parts[6])));
                }
                else if (parts[0] == "blob" && parts.Length == 3)
                {
                    blobs[parts[1]] = Int(parts[2]);
                }
                else if (line.StartsWith("clock ", StringComparison.Ordinal))
                {
                    clock = Long(line.Split(' ')[1]);
                }
            }

            if (!run.Program.Contains("benchmark finished"))
            {
                throw new InvalidOperationException("the timing program ended early (an uncaught exception ends a nanoCLR program silently); log tail: " + ToolRun.Tail(run.Tool.Output, 8));
            }

            return new NanoClrTimings(rows, blobs, clock, run.Tool.Elapsed);
        }

        /// <summary>
        /// Compiles <paramref name="sources"/> as a nanoFramework program (C# 10, the real mscorlib; with
        /// NanoBackprop built from its .nfproj when <paramref name="withLibrary"/>), makes the .pe files and
        /// runs it on nanoCLR. Throws when it does not build or the run does not finish.
        /// </summary>
        public static NanoClrRun BuildAndRun(NanoFrameworkHome home, string assemblyName, IEnumerable<SourceFile> sources, bool withLibrary, string buildFolder, TimeSpan timeout)
        {
            var loadSet = new List<NanoAssembly> { NanoAssembly.Mscorlib };
            if (withLibrary)
            {
                BuiltProject library = new NanoProjectBuilder(home, buildFolder).Build(Path.Combine(RepositoryRoot(), "src", "NanoBackprop", "NanoBackprop.nfproj"));
                loadSet = library.LoadSet.ToList();
            }

            var (program, _) = NanoCompiler.Compile(assemblyName, sources, loadSet, buildFolder, executable: true);
            MetadataProcessor.MakePe(home, program, loadSet);
            NanoClrRun run = NanoClr.Run(home, loadSet.Where(a => a.Name != "mscorlib").Append(program), timeout);
            if (run.Failure != null)
            {
                throw new InvalidOperationException(run.Failure);
            }

            return run;
        }

        /// <summary>The `nanoclr` command's report (Markdown).</summary>
        public static string Run(IReadOnlyList<string> topologies, int repetitions)
        {
            NanoFrameworkHome? home = NanoFrameworkHome.Find();
            string? why = NanoFrameworkHome.WhyUnavailable(home);
            if (why != null)
            {
                throw new InvalidOperationException(why);
            }

            string baseline = FindBaseline() ?? throw new InvalidOperationException(
                "the baseline " + BaselineRelativePath + " was not found above " + Directory.GetCurrentDirectory() + " (or set NANOBACKPROP_BASELINE to its path)");
            string folder = Path.Combine(Path.GetTempPath(), "nanobackprop-nanoclr-bench-" + Environment.ProcessId);
            try
            {
                NanoClrTimings timings = Measure(home!, baseline, topologies, repetitions, BatchTicks, folder);
                var ilCounts = NanoClrIlCounts.Count(topologies, baseline);
                return Render(timings, repetitions) + RenderIlPrediction(timings, ilCounts);
            }
            finally
            {
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
            }
        }

        /// <summary>The rows as a Markdown table: µs per call, median (minimum), beside the baseline's Forward or Learn, and the ratios.</summary>
        public static string Render(NanoClrTimings timings, int repetitions)
        {
            var text = new StringBuilder();
            text.AppendLine($"nanoCLR (posix build) on this host: µs per call, median (minimum) over {repetitions} interleaved repetitions of ~{BatchTicks / 10_000} ms batches; "
                + $"ratio = engine / baseline, from the medians (minima); clock step {timings.ClockStepTicks * 100} ns; run {timings.Elapsed.TotalSeconds:0} s.");
            text.AppendLine();
            text.AppendLine("| topology | operation | engine µs | baseline | baseline µs | ratio |");
            text.AppendLine("|---|---|---:|---|---:|---:|");
            foreach (string topology in timings.Rows.Select(r => r.Topology).Distinct())
            {
                NanoClrRow? baseForward = timings.Find(topology, "baseline Forward");
                NanoClrRow? baseLearn = timings.Find(topology, "baseline Learn");
                foreach (NanoClrRow row in timings.Rows.Where(r => r.Topology == topology && !r.Operation.StartsWith("baseline", StringComparison.Ordinal)))
                {
                    NanoClrRow? comparator = row.Operation.StartsWith("Forward", StringComparison.Ordinal) && !row.Operation.Contains("Backward", StringComparison.Ordinal) ? baseForward
                        : row.Operation.StartsWith("model", StringComparison.Ordinal) ? null
                        : baseLearn;
                    string baselineName = comparator == null ? "—" : comparator.Operation.Substring("baseline ".Length);
                    string baselineUs = comparator == null ? "" : Us(comparator);
                    string ratio = comparator == null ? "" : $"{R((double)row.MedianNs / comparator.MedianNs)} ({R((double)row.MinimumNs / comparator.MinimumNs)})";
                    if (comparator != null && (row.Operation == "Learn, plain SGD" || row.Operation == "Forward"))
                    {
                        ratio = "**" + ratio + "**";
                    }

                    text.AppendLine($"| {topology} | {row.Operation} | {Us(row)} | {baselineName} | {baselineUs} | {ratio} |");
                }
            }

            NanoClrRow? learnerRow = timings.Find("5-8-1", "learner: Predict + Learn, Occupancy row");
            NanoClrRow? learn581 = timings.Find("5-8-1", "Learn, plain SGD");
            if (learnerRow != null && learn581 != null)
            {
                text.AppendLine();
                text.AppendLine($"5-8-1 learner row / plain-SGD Learn (goal ≤ 1.5): {R((double)learnerRow.MedianNs / learn581.MedianNs)} from the medians ({R((double)learnerRow.MinimumNs / learn581.MinimumNs)} from the minima).");
            }

            NanoClrRow? frozenRow = timings.Find("5-8-1", "learner, scaler frozen: Predict + Learn, Occupancy row");
            if (frozenRow != null && learn581 != null)
            {
                text.AppendLine($"5-8-1 learner row with the scaler frozen / plain-SGD Learn: {R((double)frozenRow.MedianNs / learn581.MedianNs)} from the medians ({R((double)frozenRow.MinimumNs / learn581.MinimumNs)} from the minima).");
            }

            if (timings.BlobBytes.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("Model blob bytes (learner with the divergence guard): " + string.Join(", ", timings.BlobBytes.Select(b => b.Key + " " + b.Value.ToString("N0", CultureInfo.InvariantCulture))) + ".");
            }

            text.AppendLine();
            text.AppendLine("The baseline (../shared/baselines/HandWrittenQ16Mlp.cs) has one hidden layer, so 16-32-16-4 has no baseline rows. Every engine network: sigmoid layers, binary cross-entropy (the baseline's loss), learning rate 0.1, seed 1; the softmax rows replace the output layer with a softmax over the outputs (2 classes on 5-8-1, so 5-8-2) and learn with categorical cross-entropy.");
            return text.ToString();
        }

        /// <summary>
        /// How well the IL executed per call (counted on .NET, `il-count`'s instrumentation) predicts
        /// nanoCLR's time: IL and ns per IL per row, Spearman's rank correlation over every row and
        /// within each topology, and the engine/baseline ratio the IL count predicts beside the measured one.
        /// </summary>
        public static string RenderIlPrediction(NanoClrTimings timings, IReadOnlyDictionary<(string Topology, string Operation), double> ilCounts)
        {
            var text = new StringBuilder();
            var rows = timings.Rows.Where(r => ilCounts.ContainsKey((r.Topology, r.Operation))).ToList();
            text.AppendLine();
            text.AppendLine("IL executed per call (the `il-count` instrumentation on .NET, same networks and samples; the baseline compiled for .NET and instrumented the same way) against nanoCLR's time:");
            text.AppendLine();
            text.AppendLine("| topology | operation | IL per call | nanoCLR µs, median (min) | ns per IL, median (min) |");
            text.AppendLine("|---|---|---:|---:|---:|");
            foreach (NanoClrRow row in rows)
            {
                double il = ilCounts[(row.Topology, row.Operation)];
                text.AppendLine($"| {row.Topology} | {row.Operation} | {il.ToString("N0", CultureInfo.InvariantCulture)} | {Us(row)} | {R(row.MedianNs / il)} ({R(row.MinimumNs / il)}) |");
            }

            double Rho(IEnumerable<NanoClrRow> selected, Func<NanoClrRow, double> time)
            {
                var list = selected.ToList();
                return NanoClrVariants.Spearman(list.Select(r => ilCounts[(r.Topology, r.Operation)]).ToList(), list.Select(time).ToList());
            }

            text.AppendLine();
            text.AppendLine($"Spearman rank correlation of IL per call with nanoCLR time, all {rows.Count} rows: {R(Rho(rows, r => r.MedianNs))} (medians), {R(Rho(rows, r => r.MinimumNs))} (minima).");
            foreach (string topology in rows.Select(r => r.Topology).Distinct())
            {
                var within = rows.Where(r => r.Topology == topology).ToList();
                text.AppendLine($"Within {topology} ({within.Count} rows): {R(Rho(within, r => r.MedianNs))} (medians), {R(Rho(within, r => r.MinimumNs))} (minima).");
            }

            text.AppendLine();
            text.AppendLine("| topology | engine / baseline | predicted by IL | measured, medians (minima) |");
            text.AppendLine("|---|---|---:|---:|");
            foreach (string topology in rows.Select(r => r.Topology).Distinct())
            {
                foreach ((string engine, string baseline) in new[] { ("Forward", "baseline Forward"), ("Learn, plain SGD", "baseline Learn") })
                {
                    NanoClrRow? e = timings.Find(topology, engine);
                    NanoClrRow? b = timings.Find(topology, baseline);
                    if (e == null || b == null || !ilCounts.ContainsKey((topology, baseline)))
                    {
                        continue;
                    }

                    text.AppendLine($"| {topology} | {engine} | {R(ilCounts[(topology, engine)] / ilCounts[(topology, baseline)])} | {R((double)e.MedianNs / b.MedianNs)} ({R((double)e.MinimumNs / b.MinimumNs)}) |");
                }
            }

            return text.ToString();
        }

        private static string Us(NanoClrRow row) => (row.MedianNs / 1000.0).ToString("N1", CultureInfo.InvariantCulture) + " (" + (row.MinimumNs / 1000.0).ToString("N1", CultureInfo.InvariantCulture) + ")";

        private static string R(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

        private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

        private static long Long(string text) => long.Parse(text, CultureInfo.InvariantCulture);
    }
}
