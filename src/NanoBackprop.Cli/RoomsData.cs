namespace NanoBackprop.Cli;

/// <summary>
/// The UCI Room Occupancy Estimation stream (16 sensors, 0–3 people, one row about every 30 s, in
/// time order; CC BY 4.0), as integer sensor readings in the units a board would use.
/// </summary>
public sealed class RoomsData
{
    /// <summary>Feature names, in the order of <see cref="Readings"/>.</summary>
    public static readonly string[] FeatureNames =
    {
        "S1_Temp", "S2_Temp", "S3_Temp", "S4_Temp", "S1_Light", "S2_Light", "S3_Light", "S4_Light",
        "S1_Sound", "S2_Sound", "S3_Sound", "S4_Sound", "S5_CO2", "S5_CO2_Slope", "S6_PIR", "S7_PIR",
    };

    /// <summary>
    /// Raw units per value: centi-°C, lux, centi-volts, ppm, thousandths of the CO2 slope, and the
    /// PIR bits as they are.
    /// </summary>
    public static readonly double[] UnitsPerValue = { 100, 100, 100, 100, 1, 1, 1, 1, 100, 100, 100, 100, 1, 1000, 1, 1 };

    /// <summary>Classes: 0 to 3 people.</summary>
    public const int Classes = 4;

    private RoomsData(int[][] readings, int[] labels, string[] dates)
    {
        Readings = readings;
        Labels = labels;
        Dates = dates;
    }

    /// <summary>One reading per row: the 16 features in raw integer units.</summary>
    public int[][] Readings { get; }

    /// <summary>People in the room per row, 0 to 3.</summary>
    public int[] Labels { get; }

    /// <summary>The rows' dates as written in the file (YYYY/MM/DD).</summary>
    public string[] Dates { get; }

    /// <summary>Rows.</summary>
    public int Count => Labels.Length;

    /// <summary>The copy embedded in the tool.</summary>
    public static RoomsData LoadEmbedded()
    {
        using StreamReader reader = RecordingCsv.OpenEmbedded("room-occupancy-estimation/Occupancy_Estimation.csv");
        return Parse(reader);
    }

    /// <summary>Parses the file: a header, then date, time, the 16 readings and the label.</summary>
    public static RoomsData Parse(TextReader reader)
    {
        RecordingCsv.Rows rows = RecordingCsv.Parse(reader, UnitsPerValue, firstFeatureColumn: 2, labelColumn: 18, timeColumn: 0);
        return new RoomsData(rows.Readings, rows.Labels, rows.Times);
    }
}
