using System.Globalization;

namespace NanoBackprop.Cli;

/// <summary>
/// The shipped sensor recordings' one CSV shape: a header line, then one row per reading with a
/// time column, the features from a fixed column on, and an integer label. Each value is converted
/// to the raw integer units a board would use (value × units per value, rounded half away from
/// zero; a value that does not fit an int is an error).
/// </summary>
public static class RecordingCsv
{
    /// <summary>The rows of a recording.</summary>
    /// <param name="Readings">One reading per row, raw integer units.</param>
    /// <param name="Labels">The label per row.</param>
    /// <param name="Times">The time column per row as written (quotes removed).</param>
    public sealed record Rows(int[][] Readings, int[] Labels, string[] Times);

    /// <summary>Opens a recording embedded in the tool.</summary>
    /// <exception cref="InvalidOperationException">The resource is missing.</exception>
    public static StreamReader OpenEmbedded(string resourceName)
    {
        Stream stream = typeof(RecordingCsv).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"the embedded recording {resourceName} is missing");
        return new StreamReader(stream);
    }

    /// <summary>Parses the rows after the header (empty lines skipped).</summary>
    public static Rows Parse(TextReader reader, double[] unitsPerValue, int firstFeatureColumn, int labelColumn, int timeColumn)
    {
        var readings = new List<int[]>();
        var labels = new List<int>();
        var times = new List<string>();
        reader.ReadLine();
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',');
            var reading = new int[unitsPerValue.Length];
            for (int f = 0; f < reading.Length; f++)
            {
                double value = double.Parse(cells[firstFeatureColumn + f], CultureInfo.InvariantCulture);
                reading[f] = checked((int)Math.Round(value * unitsPerValue[f], MidpointRounding.AwayFromZero));
            }

            readings.Add(reading);
            labels.Add(int.Parse(cells[labelColumn], CultureInfo.InvariantCulture));
            times.Add(cells[timeColumn].Trim('"'));
        }

        return new Rows(readings.ToArray(), labels.ToArray(), times.ToArray());
    }
}
