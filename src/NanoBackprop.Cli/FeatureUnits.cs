namespace NanoBackprop.Cli;

/// <summary>
/// Integer units for CSV features, the way a board reads its sensors: each value is multiplied by
/// a power of ten chosen so that its spread covers at least 1,000 units (finer than any sensor's
/// noise) while the largest value stays below 2^30.
/// </summary>
public static class FeatureUnits
{
    /// <summary>Chooses a multiplier per column of <paramref name="values"/>.</summary>
    public static double[] Choose(double[][] values)
    {
        int columns = values[0].Length;
        var multipliers = new double[columns];
        for (int f = 0; f < columns; f++)
        {
            double mean = values.Average(r => r[f]);
            double deviation = Math.Sqrt(values.Average(r => (r[f] - mean) * (r[f] - mean)));
            double largest = values.Max(r => Math.Abs(r[f]));
            int exponent = deviation > 0 ? (int)Math.Ceiling(Math.Log10(1000 / deviation)) : 0;
            exponent = Math.Clamp(exponent, 0, 9);
            while (exponent > 0 && largest * Math.Pow(10, exponent) >= 1 << 30)
            {
                exponent--;
            }

            multipliers[f] = Math.Pow(10, exponent);
        }

        return multipliers;
    }

    /// <summary>A row in integer units (rounded, saturated to int).</summary>
    public static int[] ToRaw(double[] row, double[] multipliers)
    {
        var raw = new int[row.Length];
        for (int f = 0; f < row.Length; f++)
        {
            double value = Math.Round(row[f] * multipliers[f], MidpointRounding.AwayFromZero);
            raw[f] = value >= int.MaxValue ? int.MaxValue : value <= int.MinValue ? int.MinValue : (int)value;
        }

        return raw;
    }
}
