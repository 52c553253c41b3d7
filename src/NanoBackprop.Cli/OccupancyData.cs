namespace NanoBackprop.Cli;

/// <summary>
/// The UCI Occupancy Detection training split (real office sensors, one row a minute, in time
/// order; CC BY 4.0), as integer sensor readings in the units a board would use.
/// </summary>
public sealed class OccupancyData
{
    /// <summary>Feature names, in the order of <see cref="Readings"/>.</summary>
    public static readonly string[] FeatureNames = { "Temperature", "Humidity", "Light", "CO2", "HumidityRatio" };

    /// <summary>
    /// Raw units per feature: centi-°C, centi-%RH, deci-lux, deci-ppm and parts per million of
    /// kg/kg (the scaler divides units out; they only need to resolve the sensor's noise).
    /// </summary>
    public static readonly double[] UnitsPerValue = { 100, 100, 10, 10, 1e6 };

    private OccupancyData(int[][] readings, int[] labels, string[] timestamps)
    {
        Readings = readings;
        Labels = labels;
        Timestamps = timestamps;
    }

    /// <summary>One reading per row: the five features in raw integer units.</summary>
    public int[][] Readings { get; }

    /// <summary>Occupancy per row, 0 or 1.</summary>
    public int[] Labels { get; }

    /// <summary>The rows' timestamps as written in the file.</summary>
    public string[] Timestamps { get; }

    /// <summary>Rows.</summary>
    public int Count => Labels.Length;

    /// <summary>The copy embedded in the tool.</summary>
    public static OccupancyData LoadEmbedded()
    {
        using StreamReader reader = RecordingCsv.OpenEmbedded("occupancy/datatraining.txt");
        return Parse(reader);
    }

    /// <summary>
    /// Parses the file as it is: a header naming one column fewer than the rows have (the rows
    /// start with a quoted row number), quoted timestamps, then the five readings and the label.
    /// </summary>
    public static OccupancyData Parse(TextReader reader)
    {
        RecordingCsv.Rows rows = RecordingCsv.Parse(reader, UnitsPerValue, firstFeatureColumn: 2, labelColumn: 7, timeColumn: 1);
        return new OccupancyData(rows.Readings, rows.Labels, rows.Times);
    }
}
