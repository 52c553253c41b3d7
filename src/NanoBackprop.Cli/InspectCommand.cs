using System.CommandLine;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop inspect`: what a model file holds.</summary>
public static class InspectCommand
{
    /// <summary>One feature's scaler statistics.</summary>
    public sealed record Feature(string Name, double Mean, double StandardDeviation, double UnitsPerValue);

    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, int[] LayerSizes, string HiddenActivation, string OutputActivation, string Loss, string Format, string Task,
        int Parameters, int RamBytes, int SnapshotBytes, int BlobBytes, string Crc, long Samples, long Updates, int Rollbacks, double RunningLoss,
        double LearningRate, Feature[] Scaler, long ScalerCount, int SaturatedReadings, int ClampedReadings, int RejectedReadings, string? Metadata,
        int Classes, long[] ClassCounts, int RobustStartReadings, bool InRobustStart, bool RobustStart);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model") { Description = "Model file (.nbp)", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("inspect", "Show a model: topology, format, parameters, RAM on the board, scaler, counters, CRC") { model, json };
        command.SetAction(parse =>
        {
            var file = ModelFile.Load(parse.GetValue(model)!);
            var result = Run(file);
            if (parse.GetValue(json))
            {
                output.Json(result);
                return 0;
            }

            var table = new Table().AddColumns("", "");
            table.AddRow("topology", string.Join("-", result.LayerSizes) + $" ({result.HiddenActivation} hidden, {result.OutputActivation} output, {result.Loss})");
            table.AddRow("format", result.Format);
            if (result.Classes > 0)
            {
                table.AddRow("classes", $"{result.Classes} (softmax): labels learned per class " + string.Join(", ", result.ClassCounts.Select((n, c) => $"{Markup.Escape(file.ClassNames![c])}: {n:N0}")));
            }

            table.AddRow("task", result.Task);
            table.AddRow("parameters", result.Parameters.ToString("N0"));
            table.AddRow("RAM on the board", $"{result.RamBytes:N0} bytes network" + (result.SnapshotBytes > 0 ? $" + {result.SnapshotBytes:N0} bytes guard snapshot" : ""));
            table.AddRow("blob", $"{result.BlobBytes:N0} bytes, CRC {result.Crc}");
            table.AddRow("counters", $"{result.Samples:N0} samples, {result.Updates:N0} updates, {result.Rollbacks} rollbacks, running loss {result.RunningLoss:F5}");
            table.AddRow("learning rate", $"{result.LearningRate:G4}" + (result.Metadata == null ? " (the default: the rate is not in the blob and there is no .nbp.json)" : ""));
            table.AddRow("metadata", result.Metadata ?? "none (no .nbp.json beside the model): features unnamed, statistics in raw integer units");
            table.AddRow("scaler", $"{result.ScalerCount:N0} readings, {result.SaturatedReadings} saturated, {result.ClampedReadings} outliers beyond 4σ, {result.RejectedReadings} rejected as implausible");
            table.AddRow("robust start", !result.RobustStart ? "off (LearnerOptions.RobustStart = false: no readings kept)" : result.InRobustStart
                ? $"running: {result.RobustStartReadings} of the first {InputScaler.RobustStartReadings} readings kept"
                : result.RobustStartReadings > 0 ? $"done ({result.RobustStartReadings} readings kept)" : "none kept (calibrated, or a blob of version 1 to 3)");
            foreach (var feature in result.Scaler)
            {
                table.AddRow("  " + feature.Name, $"mean {feature.Mean:G6}, standard deviation {feature.StandardDeviation:G4}");
            }

            output.Console.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Reads everything the command prints.</summary>
    public static Result Run(ModelFile file)
    {
        var learner = file.Learner;
        var network = learner.Network;
        var description = new ModelDescription(file.Blob, 0, file.Blob.Length);
        var features = Enumerable.Range(0, network.InputCount).Select(f =>
        {
            double units = f < file.Meta.UnitsPerValue.Length ? file.Meta.UnitsPerValue[f] : 1;
            string name = f < file.Meta.Features.Length ? file.Meta.Features[f] : "input " + f;
            return new Feature(name, learner.Scaler.GetMean(f) / units, learner.Scaler.GetStandardDeviation(f) / 256.0 / units, units);
        }).ToArray();
        int snapshot = learner.HasDivergenceGuard ? MemoryFootprint.ArrayBytes(network.SnapshotLength, 4) : 0;
        return new Result("inspect", Enumerable.Range(0, network.LayerCount).Select(network.GetLayerSize).ToArray(), network.HiddenActivation.ToString(),
            network.OutputActivation.ToString(), network.Loss.ToString(), $"Q16.{description.FractionalBits}, blob version {description.FormatVersion}",
            learner.Task.ToString(), network.ParameterCount, network.RamBytes, snapshot, file.Blob.Length, description.CrcValid ? "valid" : "mismatch",
            learner.Samples, learner.Updates, learner.Rollbacks, Q16.ToDouble(learner.RunningLoss), Q16.ToDouble(learner.CurrentLearningRate), features,
            learner.Scaler.Count, learner.Scaler.SaturatedReadings, learner.Scaler.ClampedReadings, learner.Scaler.RejectedReadings, file.HasMetadata ? file.SidecarFullPath : null,
            description.Classes, Enumerable.Range(0, description.Classes).Select(c => learner.ClassCount(c)).ToArray(),
            learner.Scaler.RobustStartCount, learner.Scaler.InRobustStart, learner.Scaler.KeepsReadings);
    }
}
