using System.Globalization;

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
        using var stream = typeof(RoomsData).Assembly.GetManifestResourceStream("room-occupancy-estimation/Occupancy_Estimation.csv")
            ?? throw new InvalidOperationException("the embedded room-occupancy data is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    /// <summary>Parses the file: a header, then date, time, the 16 readings and the label.</summary>
    public static RoomsData Parse(TextReader reader)
    {
        var readings = new List<int[]>();
        var labels = new List<int>();
        var dates = new List<string>();
        reader.ReadLine();
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',');
            var reading = new int[FeatureNames.Length];
            for (int f = 0; f < reading.Length; f++)
            {
                double value = double.Parse(cells[2 + f], CultureInfo.InvariantCulture);
                reading[f] = checked((int)Math.Round(value * UnitsPerValue[f], MidpointRounding.AwayFromZero));
            }

            readings.Add(reading);
            labels.Add(int.Parse(cells[18], CultureInfo.InvariantCulture));
            dates.Add(cells[0]);
        }

        return new RoomsData(readings.ToArray(), labels.ToArray(), dates.ToArray());
    }
}
