using System.Globalization;

namespace NanoBackprop.Cli;

/// <summary>
/// What a model's inputs are on the desktop: feature columns, label column and their integer
/// units. They come from the model's sidecar (.nbp.json) or from options; a blob without its
/// sidecar (the raw blob `export` writes, or one taken off a board) does not say them, and the
/// units are never guessed from the data, since other units would give other inputs.
/// </summary>
/// <param name="Features">Feature columns, in input order.</param>
/// <param name="Label">Label column.</param>
/// <param name="UnitsPerValue">Raw units per CSV value, per feature.</param>
/// <param name="TargetUnitsPerValue">Raw units per CSV value of a regression target.</param>
public sealed record Columns(string[] Features, string Label, double[] UnitsPerValue, double TargetUnitsPerValue)
{
    /// <summary>K-class (softmax) models: the class names (the sidecar's, or "0".."K-1"); else null.</summary>
    public string[]? ClassNames { get; init; }

    /// <summary>The options where given, else the sidecar's; a <see cref="CliError"/> saying which option is missing.</summary>
    public static Columns Resolve(ModelFile file, string modelPath, string? features, string? label, string? units, double? targetUnits, bool needLabel = true)
    {
        int inputs = file.Learner.Network.InputCount;
        bool regression = file.Learner.Task == LearnerTask.Regression;
        if (!file.HasMetadata)
        {
            var needed = new List<string>();
            if (features == null)
            {
                needed.Add($"--features (its {inputs} input columns, in order)");
            }

            if (needLabel && label == null)
            {
                needed.Add("--label");
            }

            if (units == null)
            {
                needed.Add("--units (raw integer units per CSV value of each feature, as the board reads them, e.g. 100 for centi-°C)");
            }

            if (needLabel && regression && targetUnits == null)
            {
                needed.Add("--target-units (raw units per value of the regression label)");
            }

            if (needed.Count > 0)
            {
                throw new CliError($"{modelPath} has no metadata ({ModelFile.SidecarPath(modelPath)}, written by train), so its inputs and units are unknown: give {string.Join(", ", needed)}");
            }
        }

        string[] names = features != null ? CsvDataset.ParseNames(features, "--features") : file.Meta.Features;
        if (names.Length != inputs)
        {
            throw new CliError($"the model takes {inputs} features; --features names {names.Length}");
        }

        string labelName = label?.Trim() ?? file.Meta.Label;
        if (needLabel && labelName.Length == 0)
        {
            throw new CliError("--label is empty: give the label column's name");
        }

        double[] perValue = units != null ? ParseUnits(units, inputs) : file.Meta.UnitsPerValue;
        double target = 1;
        if (regression)
        {
            target = targetUnits is double given ? CheckUnit(given, "--target-units") : file.Meta.TargetUnitsPerValue;
        }
        else if (targetUnits != null)
        {
            throw new CliError("--target-units applies to a regression model; this one classifies");
        }

        return new Columns(names, labelName, perValue, target) { ClassNames = file.ClassNames };
    }

    private static double[] ParseUnits(string list, int inputs)
    {
        string[] parts = list.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != inputs)
        {
            throw new CliError($"--units gives {parts.Length} value(s); the model takes {inputs} features");
        }

        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double u) ? CheckUnit(u, "--units")
            : throw new CliError($"--units: '{p}' is not a number in '{list}'")).ToArray();
    }

    private static double CheckUnit(double value, string option) =>
        value > 0 && double.IsFinite(value) && value <= FeatureUnits.Limit ? value
            : throw new CliError($"{option} must be positive and at most 2^30, got {OptionChecks.Show(value)}");
}
