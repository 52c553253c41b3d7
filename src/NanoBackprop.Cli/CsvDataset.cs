using System.Globalization;
using Sylvan.Data.Csv;

namespace NanoBackprop.Cli;

/// <summary>
/// Numeric features and a label read from a CSV as it is: quoted fields, timestamp columns that are
/// not used, and a header that may name one column fewer than the rows have. That extra field is
/// taken as an unnamed leading column only when it holds the row numbers (the Occupancy files
/// start every row with a quoted row number, as R's write.csv writes); an empty last field on
/// every row (a trailing comma) is dropped; any other extra field is refused, since guessing its
/// side would shift every column.
/// </summary>
public sealed class CsvDataset
{
    private CsvDataset(string[] features, string label, double[][] values, double[] labels, string[] labelTexts, int[] lines)
    {
        LabelTexts = labelTexts;
        Lines = lines;
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

    /// <summary>Label per row (NaN for a label that is not a number, read with textLabels).</summary>
    public double[] Labels { get; }

    /// <summary>Label per row as written in the file (trimmed), for class names.</summary>
    public string[] LabelTexts { get; }

    /// <summary>The file's line number of each row (1 is the header), for messages.</summary>
    public int[] Lines { get; }

    /// <summary>Rows.</summary>
    public int Count => Labels.Length;

    /// <summary>Whether every label is 0 or 1.</summary>
    public bool BinaryLabels => Labels.All(l => l == 0 || l == 1);

    /// <summary>The index of the first row whose label is not 0 or 1, or -1.</summary>
    public int FirstNonBinaryRow => Array.FindIndex(Labels, l => l != 0 && l != 1);

    /// <summary>
    /// Reads <paramref name="path"/>; fails with one clear line on any problem.
    /// <paramref name="textLabels"/>: a label that is not a number is kept as text (a class name) instead of refused.
    /// </summary>
    public static CsvDataset Load(string path, string[] features, string label, bool textLabels = false)
    {
        if (Directory.Exists(path))
        {
            throw new CliError($"--data names a folder, not a CSV file: {path}");
        }

        if (!File.Exists(path))
        {
            throw new CliError($"data file not found: {path}");
        }

        if (features.Contains(label, StringComparer.OrdinalIgnoreCase))
        {
            throw new CliError($"the label '{label}' is also named as a feature");
        }

        string? twice = features.GroupBy(f => f, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (twice != null)
        {
            throw new CliError($"--features names '{twice}' twice");
        }

        var rows = new List<(int Line, string[] Fields)>();
        string[] header;
        using (var text = File.OpenText(path))
        using (var reader = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = false }))
        {
            if (!reader.Read())
            {
                throw new CliError($"{path}: the file is empty");
            }

            header = Fields(reader);
            int line = 1;
            while (reader.Read())
            {
                line++;
                string[] fields = Fields(reader);
                if (fields.Length == 0 || (fields.Length == 1 && fields[0].Length == 0))
                {
                    continue;
                }

                rows.Add((line, fields));
            }
        }

        // A header with a trailing comma names an empty last column: drop it (rows may have it too).
        int named = header.Length;
        while (named > 1 && header[named - 1].Length == 0)
        {
            named--;
        }

        header = header[..named];
        if (rows.Count == 0)
        {
            throw new CliError($"{path}: no data rows (only a header)");
        }

        int shift = Layout(path, header, rows);
        int[] featureColumns = features.Select(f => Column(header, f, path)).ToArray();
        int labelColumn = Column(header, label, path);
        var values = new double[rows.Count][];
        var labels = new double[rows.Count];
        var labelTexts = new string[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var (line, fields) = rows[r];
            values[r] = new double[featureColumns.Length];
            for (int f = 0; f < featureColumns.Length; f++)
            {
                values[r][f] = Number(fields[featureColumns[f] + shift], path, line, features[f]);
            }

            labelTexts[r] = fields[labelColumn + shift];
            labels[r] = textLabels && !IsNumber(labelTexts[r]) ? double.NaN : Number(labelTexts[r], path, line, label);
        }

        return new CsvDataset(features, label, values, labels, labelTexts, rows.Select(r => r.Line).ToArray());
    }

    // Where the named columns start in the rows: 0, or 1 after an unnamed leading row-number column.
    private static int Layout(string path, string[] header, List<(int Line, string[] Fields)> rows)
    {
        int columns = header.Length;
        bool trailingEmpty = rows.All(r => r.Fields.Length == columns + 1 && r.Fields[^1].Trim().Length == 0);
        bool rowNumbers = RowNumbers(rows, columns);
        int shift = 0;
        int expected = columns;
        if (rows[0].Fields.Length == columns + 1 || rows[0].Fields.Length == columns + 2)
        {
            if (trailingEmpty)
            {
                expected = columns + 1;
            }
            else if (rowNumbers && rows.All(r => r.Fields.Length == columns + 1))
            {
                shift = 1;
                expected = columns + 1;
            }
            else if (rowNumbers && rows.All(r => r.Fields.Length == columns + 2 && r.Fields[^1].Trim().Length == 0))
            {
                shift = 1;
                expected = columns + 2;
            }
            else
            {
                throw new CliError($"{path}: row {rows[0].Line} has {rows[0].Fields.Length} fields; the header names {columns}: "
                    + "name every column in the header (only an empty last field or a leading row number is understood)");
            }
        }

        foreach (var (line, fields) in rows)
        {
            if (fields.Length != expected)
            {
                throw new CliError($"{path}: row {line} has {fields.Length} fields; the rows before it have {expected} (the header names {columns})");
            }
        }

        return shift;
    }

    // Whether every row starts with an extra field holding consecutive integers (row names).
    private static bool RowNumbers(List<(int Line, string[] Fields)> rows, int columns)
    {
        long previous = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            string[] fields = rows[r].Fields;
            if (fields.Length < columns + 1 || !long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long number)
                || (r > 0 && number != previous + 1))
            {
                return false;
            }

            previous = number;
        }

        return true;
    }

    private static string[] Fields(CsvDataReader reader)
    {
        var fields = new string[reader.RowFieldCount];
        for (int i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetString(i).Trim();
        }

        return fields;
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

        if (Array.FindLastIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)) != index)
        {
            throw new CliError($"{path}: the header names column '{name}' twice");
        }

        return index;
    }

    private static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value);

    private static double Number(string cell, string path, int line, string column)
    {
        if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new CliError($"{path}: row {line}, column '{column}': '{cell}' is not a number");
        }

        return value;
    }
}
