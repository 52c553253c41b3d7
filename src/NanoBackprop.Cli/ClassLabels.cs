using System.Globalization;

namespace NanoBackprop.Cli;

/// <summary>
/// The class names of a K-class (softmax) model and the mapping of a CSV's labels to class
/// indices. Labels that are all numbers must be the indices 0..K-1 themselves (K = the largest + 1,
/// names "0".."K-1"); a label column with any text is a set of names, sorted by ordinal string
/// order (reproducible whatever the row order), index = position. The names go into the sidecar
/// (.nbp.json "classes"), and eval/replay map with them.
/// </summary>
public static class ClassLabels
{
    /// <summary>The most classes the CLI builds (a softmax over more outputs is allowed by the engine, but a confusion matrix of this size is unreadable already).</summary>
    public const int MaxClasses = 256;

    /// <summary>The class names the training rows define.</summary>
    public static string[] FromTraining(CsvDataset data)
    {
        string[] names;
        if (data.Labels.All(double.IsFinite))
        {
            int bad = Array.FindIndex(data.Labels, l => l < 0 || l != Math.Floor(l) || l >= MaxClasses);
            if (bad >= 0)
            {
                throw new CliError($"label '{data.Label}' is {data.LabelTexts[bad]} in row {data.Lines[bad]}; numeric class labels must be the indices 0 to {MaxClasses - 1} (or give text class names)");
            }

            names = ClassMetrics.IndexNames((int)data.Labels.Max() + 1);
        }
        else
        {
            names = data.LabelTexts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }

        if (names.Length < 2 || names.Length > MaxClasses)
        {
            throw new CliError($"label '{data.Label}' has {names.Length} class(es) in {data.Count} rows; --loss cce needs 2 to {MaxClasses}");
        }

        return names;
    }

    /// <summary>Whether the names are the indices themselves ("0".."K-1").</summary>
    public static bool AreIndices(string[] names) => names.SequenceEqual(ClassMetrics.IndexNames(names.Length));

    /// <summary>Each row's class index; a label that is not one of <paramref name="names"/> is a one-line <see cref="CliError"/> naming it and its row.</summary>
    public static int[] Map(string[] names, CsvDataset data)
    {
        bool indices = AreIndices(names);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++)
        {
            index[names[c]] = c;
        }

        var classes = new int[data.Count];
        for (int r = 0; r < data.Count; r++)
        {
            double value = data.Labels[r];
            bool known = indices
                ? double.IsFinite(value) && value >= 0 && value < names.Length && value == Math.Floor(value)
                : index.ContainsKey(data.LabelTexts[r]);
            if (!known)
            {
                throw new CliError($"label '{data.Label}' is '{data.LabelTexts[r]}' in row {data.Lines[r]}, not a class of the model (classes: {string.Join(", ", names)})");
            }

            classes[r] = indices ? (int)value : index[data.LabelTexts[r]];
        }

        return classes;
    }
}
