using System.CommandLine;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>
/// `nanobackprop demo`, the README's main job: the shipped Occupancy stream replayed through the
/// online learner in fixed point and through its double twin, seeds 0–9, with a PNG of both curves.
/// </summary>
public static class DemoCommand
{
    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, int Rows, int Seeds, double FixedMedianAccuracy, double DoubleMedianAccuracy, double GapPercentagePoints,
        double FixedMinAccuracy, double FixedMaxAccuracy, double SplitFixedMedianAccuracy, double SplitDoubleMedianAccuracy, double SplitBaseRate,
        double FixedRowsPerSecond, string Build, int RamBytes, int ModelBytes, string Plot);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var folder = new Option<string>("--out-dir") { Description = "Folder for the PNG", DefaultValueFactory = _ => "nanobackprop-demo" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("demo", "Replay the shipped Occupancy sensor data (UCI, CC BY 4.0) in fixed point and double, side by side") { folder, json };
        command.SetAction(parse => Run(output, parse.GetValue(folder)!, parse.GetValue(json)));
        return command;
    }

    /// <summary>Runs the demo and prints it.</summary>
    public static int Run(CliOutput output, string folder, bool json)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new CliError("--out-dir is empty: give a folder for the PNG");
        }

        if (File.Exists(folder))
        {
            throw new CliError($"--out-dir names a file, not a folder: {folder}");
        }

        string plot = OutputFile.Check(Path.Combine(folder, "occupancy-learning-curves.png"), "--out-dir");
        var data = OccupancyData.LoadEmbedded();
        if (!json)
        {
            output.Out.WriteLine("nanoBackprop demo: the UCI Occupancy office sensors (temperature, humidity, light, CO2, humidity ratio; one row a minute,");
            output.Out.WriteLine($"{data.Count:N0} rows, CC BY 4.0), replayed as a board would: predict, then learn, one row at a time. 5-8-1 sigmoid, cross-entropy,");
            output.Out.WriteLine("the learner's defaults; the double twin starts from the same weights and uses the same integer scaler.");
        }

        var summary = OccupancyReport.Run(data, () => new LearnerOptions());
        var seed0 = summary.Runs[0];
        OutputFile.WriteAll((plot, Plots.Curves("Occupancy replay, seed 0: prequential accuracy", "row", "accuracy so far", ("fixed point (Q16.16)", seed0.FixedCurve), ("double twin", seed0.DoubleCurve))));
        var learner = OccupancyReplay.CreateLearner(0, new LearnerOptions());
        var fixedAccuracies = summary.Runs.Select(r => r.FixedAccuracy).ToArray();
        var result = new Result("demo", data.Count, summary.Runs.Length, summary.FixedMedian, summary.DoubleMedian, (summary.DoubleMedian - summary.FixedMedian) * 100,
            fixedAccuracies.Min(), fixedAccuracies.Max(), summary.SplitFixedMedian, summary.SplitDoubleMedian, summary.Splits[0].BaseRate,
            summary.Runs.Average(r => r.SamplesPerSecond), BuildInfo.Configuration, learner.Network.RamBytes, ModelBlob.SizeOf(learner), plot);
        if (json)
        {
            output.Json(result);
            return 0;
        }

        var table = new Table().AddColumns("", "fixed point (Q16.16, as on the ESP32)", "double twin");
        table.AddRow("prequential accuracy, median of 10 seeds", $"{result.FixedMedianAccuracy:P2}", $"{result.DoubleMedianAccuracy:P2}");
        table.AddRow("  range over the seeds", $"{result.FixedMinAccuracy:P2} to {result.FixedMaxAccuracy:P2}", $"{summary.Runs.Min(r => r.DoubleAccuracy):P2} to {summary.Runs.Max(r => r.DoubleAccuracy):P2}");
        table.AddRow("  gap of the medians", $"{result.GapPercentagePoints:+0.00;-0.00} pp", "");
        table.AddRow($"last 30 % after learning the first 70 % (base rate {result.SplitBaseRate:P1})", $"{result.SplitFixedMedianAccuracy:P2}", $"{result.SplitDoubleMedianAccuracy:P2}");
        table.AddRow($"speed on this machine (predict + learn; {result.Build} build, one cold pass per seed, seeds in parallel beside their double twins)", $"{result.FixedRowsPerSecond:N0} rows/s", "");
        table.AddRow("RAM on the board / model blob", $"{result.RamBytes:N0} bytes / {result.ModelBytes} bytes", "");
        output.Console.Write(table);
        output.Out.WriteLine($"learning curves: {result.Plot}");
        const string SteadyState = "the steady-state figure is docs/PERFORMANCE.md's (`dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- stream`).";
        output.Out.WriteLine(result.Build == "Release"
            ? "Speed: one pass per seed, partly before the JIT has optimised the loop; " + SteadyState
            : "Speed: a Debug build (unoptimised), one pass per seed; `dotnet run -c Release --project src/NanoBackprop.Cli -- demo` runs Release code, and " + SteadyState);
        return 0;
    }
}
