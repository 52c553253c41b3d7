using System.Globalization;
using Sylvan.Data.Csv;

namespace NanoBackprop.Cli;

/// <summary>
/// Numeric features and a label read from a CSV as it is: quoted fields, timestamp columns that are
/// not used, and a header that may name one column fewer than the rows have (the Occupancy files
/// start every row with an unnamed, quoted row number).
/// </summary>
public sealed class CsvDataset
{
    private CsvDataset(string[] features, string label, double[][] values, double[] labels)
    {
        Features = features;
        Label = label;
        Values = values;
        Labels = labels;
    }

    /// <summary>Feature column names, in order.</summary>
    public string[] Features { get; }

    /// <summary>Label column name.</summary>
    public string Label { get; }

    /// <summary>Feature values per row.</summary>
    public double[][] Values { get; }

    /// <summary>Label per row.</summary>
    public double[] Labels { get; }

    /// <summary>Rows.</summary>
    public int Count => Labels.Length;

    /// <summary>Whether every label is 0 or 1.</summary>
    public bool BinaryLabels => Labels.All(l => l == 0 || l == 1);

    /// <summary>Reads <paramref name="path"/>; fails with one clear line on any problem.</summary>
    public static CsvDataset Load(string path, string[] features, string label)
    {
        if (!File.Exists(path))
        {
            throw new CliError($"data file not found: {path}");
        }

        using var text = File.OpenText(path);
        using var reader = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = false });
        if (!reader.Read())
        {
            throw new CliError($"{path}: the file is empty");
        }

        var header = new string[reader.RowFieldCount];
        for (int i = 0; i < header.Length; i++)
        {
            header[i] = reader.GetString(i).Trim();
        }

        int[] featureColumns = features.Select(f => Column(header, f, path)).ToArray();
        int labelColumn = Column(header, label, path);
        var values = new List<double[]>();
        var labels = new List<double>();
        int line = 1;
        while (reader.Read())
        {
            line++;
            int fields = reader.RowFieldCount;
            if (fields == 0 || (fields == 1 && reader.GetString(0).Length == 0))
            {
                continue;
            }

            // A row with one field more than the header has an unnamed leading column.
            int shift = fields - header.Length;
            if (shift != 0 && shift != 1)
            {
                throw new CliError($"{path}: row {line} has {fields} fields; the header names {header.Length}");
            }

            var row = new double[featureColumns.Length];
            for (int f = 0; f < featureColumns.Length; f++)
            {
                row[f] = Number(reader.GetString(featureColumns[f] + shift), path, line, features[f]);
            }

            values.Add(row);
            labels.Add(Number(reader.GetString(labelColumn + shift), path, line, label));
        }

        if (values.Count == 0)
        {
            throw new CliError($"{path}: no data rows");
        }

        return new CsvDataset(features, label, values.ToArray(), labels.ToArray());
    }

    /// <summary>Splits "a,b,c" into names, rejecting empty ones.</summary>
    public static string[] ParseNames(string list, string what)
    {
        string[] names = list.Split(',', StringSplitOptions.TrimEntries);
        if (names.Length == 0 || names.Any(n => n.Length == 0))
        {
            throw new CliError($"{what}: expected a comma-separated list of column names, got '{list}'");
        }

        return names;
    }

    private static int Column(string[] header, string name, string path)
    {
        int index = Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            throw new CliError($"{path}: unknown column '{name}' (columns: {string.Join(", ", header.Where(h => h.Length > 0))})");
        }

        return index;
    }

    private static double Number(string cell, string path, int line, string column)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new CliError($"{path}: row {line}, column '{column}': '{cell}' is not a number");
        }

        return value;
    }
}
