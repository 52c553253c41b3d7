using System.Globalization;

namespace NanoBackprop.Cli;

/// <summary>
/// Checks of option values shared by the commands, each failing with a <see cref="CliError"/> that
/// names the option, the limit and the value given. Rates and fractions end up as Q16.16 ints, so
/// their limits are the format's: a value that would round to 0 or beyond ±32,768 is refused.
/// </summary>
public static class OptionChecks
{
    /// <summary>The smallest positive Q16.16 value, 2^-16.</summary>
    public const double SmallestQ16 = 1.0 / 65536;

    /// <summary>The largest Q16.16 value, (2^31 - 1) / 2^16.</summary>
    public const double LargestQ16 = int.MaxValue / 65536.0;

    /// <summary>A positive rate as Q16.16: from 2^-16 to the largest Q16.16 value.</summary>
    public static int Rate(double value, string option)
    {
        if (!(value >= SmallestQ16) || !(value <= LargestQ16))
        {
            throw new CliError($"{option} must be from {SmallestQ16:G5} (2^-16, one Q16.16 step) to {LargestQ16:F5} (the largest Q16.16 value), got {Show(value)}");
        }

        return Q16.FromDouble(value);
    }

    /// <summary>A fraction as Q16.16 in [0, <paramref name="limit"/>), after rounding to Q16.16.</summary>
    public static int Fraction(double value, string option, double limit, bool limitIncluded = false)
    {
        int q = double.IsFinite(value) && Math.Abs(value) < LargestQ16 ? Q16.FromDouble(value) : int.MinValue;
        int qLimit = Q16.FromDouble(limit);
        if (!(value >= 0) || q < 0 || (limitIncluded ? q > qLimit : q >= qLimit))
        {
            throw new CliError($"{option} must be in [0, {Show(limit)}{(limitIncluded ? "]" : ")")} after rounding to Q16.16, got {Show(value)}");
        }

        return q;
    }

    /// <summary>An integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static T Range<T>(T value, string option, T min, T max)
        where T : IComparable<T>, IFormattable
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            throw new CliError($"{option} must be from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}, got {value.ToString(null, CultureInfo.InvariantCulture)}");
        }

        return value;
    }

    /// <summary>on or off (any case); <paramref name="fallback"/> when not given.</summary>
    public static bool OnOff(string? value, string option, bool fallback) => value?.ToLowerInvariant() switch
    {
        null => fallback,
        "on" => true,
        "off" => false,
        _ => throw new CliError($"{option} must be on or off, got '{value}'"),
    };

    /// <summary>A value as typed: invariant culture, full precision.</summary>
    public static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
