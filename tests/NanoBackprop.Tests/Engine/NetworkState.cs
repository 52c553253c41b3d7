using System.Reflection;
using System.Text;

namespace NanoBackprop.Tests;

/// <summary>
/// A complete fingerprint of an engine object's state (every buffer and every private scalar,
/// following references into the library's own objects, e.g. a learner's network and scalers) so
/// that tests can show a rejected call changed nothing, bit for bit.
/// </summary>
internal static class NetworkState
{
    // Per-sample working buffers: overwritten by the next Forward, so not part of a saved model.
    private static readonly HashSet<string> Transient = new(StringComparer.Ordinal)
    {
        "activations", "preActivations", "deltas", "deltaShifts", "exactDeltas", "forwardValid",
        "scaledInput", "scaledTarget", "rawPrediction",
    };

    // Scratch space whose contents mean nothing between calls (the scaler's sort buffer, used only
    // during its robust start): never part of a fingerprint.
    private static readonly HashSet<string> Scratch = new(StringComparer.Ordinal) { "sortScratch" };

    public static string Capture(object subject)
    {
        var text = new StringBuilder();
        Append(text, subject, subject.GetType().Name, false);
        return text.ToString();
    }

    /// <summary>Everything but the per-sample working buffers: what a saved model must restore.</summary>
    public static string CaptureDurable(object subject)
    {
        var text = new StringBuilder();
        Append(text, subject, subject.GetType().Name, true);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value, string path, bool durableOnly)
    {
        switch (value)
        {
            case null:
                text.Append(path).Append("=null\n");
                break;
            case int[] array:
                text.Append(path).Append("=[").AppendJoin(',', array).Append("]\n");
                break;
            case long[] array:
                text.Append(path).Append("=[").AppendJoin(',', array).Append("]\n");
                break;
            case short[] array:
                text.Append(path).Append("=[").AppendJoin(',', array).Append("]\n");
                break;
            case Array jagged when jagged.GetType().GetElementType()!.IsArray:
                // int[][], short[][], long[][]: each layer's array (null for a frozen layer's buffers).
                for (int i = 0; i < jagged.Length; i++)
                {
                    Append(text, jagged.GetValue(i), path + "[" + i + "]", durableOnly);
                }

                break;
            case object library when library.GetType().Assembly == typeof(Network).Assembly && !library.GetType().IsEnum:
                foreach (FieldInfo field in library.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
                             .Where(f => (!durableOnly || !Transient.Contains(f.Name)) && !Scratch.Contains(f.Name))
                             .OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    Append(text, field.GetValue(library), path + "." + field.Name, durableOnly);
                }

                break;
            default:
                text.Append(path).Append('=').Append(value).Append('\n');
                break;
        }
    }
}
