using System.Globalization;

namespace NanoBackprop.Cli;

/// <summary>
/// Integer units for CSV features, the way a board reads its sensors: each value is multiplied by
/// a power of ten chosen so that its spread covers at least 1,000 units (finer than any sensor's
/// noise) while the largest value stays below 2^30. A column that no power of ten from 10^0 to
/// 10^9 can hold (values of 2^30 or more, or a spread below one unit) is refused with its name,
/// never saturated into a constant.
/// </summary>
public static class FeatureUnits
{
    /// <summary>Largest |value| × units a column may reach: 2^30, headroom below int's 2^31.</summary>
    public const double Limit = 1 << 30;

    /// <summary>Chooses a multiplier per column of <paramref name="values"/>, named <paramref name="names"/> in errors.</summary>
    public static double[] Choose(double[][] values, string[] names)
    {
        int columns = values[0].Length;
        var multipliers = new double[columns];
        for (int f = 0; f < columns; f++)
        {
            double mean = values.Average(r => r[f]);
            double deviation = Math.Sqrt(values.Average(r => (r[f] - mean) * (r[f] - mean)));
            double largest = values.Max(r => Math.Abs(r[f]));
            if (largest >= Limit)
            {
                throw new CliError($"column '{names[f]}': values up to {Show(largest)} do not fit a board's integer units (below 2^30 = 1,073,741,824 at 1 unit per value); rescale the column");
            }

            int exponent = deviation > 0 ? (int)Math.Ceiling(Math.Log10(1000 / deviation)) : 0;
            exponent = Math.Clamp(exponent, 0, 9);
            while (exponent > 0 && largest * Math.Pow(10, exponent) >= Limit)
            {
                exponent--;
            }

            if (deviation > 0 && deviation * Math.Pow(10, exponent) < 1)
            {
                throw new CliError($"column '{names[f]}': its spread (standard deviation {Show(deviation)}) is below one integer unit at {Show(Math.Pow(10, exponent))} units per value, the finest its largest value {Show(largest)} allows; subtract an offset or rescale the column");
            }

            multipliers[f] = Math.Pow(10, exponent);
        }

        return multipliers;
    }

    /// <summary>
    /// A row in integer units (rounded half away from zero); a value the units cannot hold in an
    /// int is a <see cref="CliError"/> naming the column and the CSV line.
    /// </summary>
    public static int[] ToRaw(double[] row, double[] multipliers, string[] names, int line)
    {
        var raw = new int[row.Length];
        for (int f = 0; f < row.Length; f++)
        {
            double value = Math.Round(row[f] * multipliers[f], MidpointRounding.AwayFromZero);
            if (!(value >= int.MinValue && value <= int.MaxValue))
            {
                throw new CliError($"row {line}, column '{names[f]}': {Show(row[f])} at {Show(multipliers[f])} units per value is beyond the int range of the model's integer units");
            }

            raw[f] = (int)value;
        }

        return raw;
    }

    private static string Show(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
