using System.Reflection;
using System.Text;

namespace NanoBackprop.Tests;

/// <summary>
/// A complete fingerprint of a network's state (every buffer and every private scalar) so that
/// tests can show a rejected call changed nothing, bit for bit.
/// </summary>
internal static class NetworkState
{
    public static string Capture(Network network)
    {
        var text = new StringBuilder();
        foreach (FieldInfo field in typeof(Network).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
                     .OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append(field.Name).Append('=');
            Append(text, field.GetValue(network));
            text.Append('\n');
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case int[] array:
                text.Append('[').AppendJoin(',', array).Append(']');
                break;
            case int[][] jagged:
                foreach (int[] array in jagged)
                {
                    Append(text, array);
                }

                break;
            default:
                text.Append(value);
                break;
        }
    }
}
