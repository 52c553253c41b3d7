using System.Globalization;
using System.Reflection;
using System.Text;
using NanoBackprop.Emulator;

namespace NanoBackprop.Cli;

/// <summary>
/// `replay --on-device-emulator`: the same predict-then-learn replay run on nanoCLR, the real
/// nanoFramework interpreter, and compared bit for bit with the desktop. The learner's state goes
/// to the device as a model blob and its hyper-parameters as code; the rows are compiled into a
/// generated nanoFramework program with the library built from src/NanoBackprop's .nfproj.
/// </summary>
public static class OnDeviceEmulatorReplay
{
    /// <summary>Rows compiled into one nanoCLR program.</summary>
    public const int RowsPerRun = 1000;

    /// <summary>What the emulated board did, beside the desktop.</summary>
    /// <param name="Rows">Rows replayed.</param>
    /// <param name="PredictionsIdentical">Every output of every prediction has the desktop's bits.</param>
    /// <param name="FirstDifferentRow">The first row whose prediction differs (0-based), or null.</param>
    /// <param name="ModelIdentical">The final model blob has the desktop's bytes.</param>
    /// <param name="MicrosecondsPerRow">nanoCLR's time per row (predict + learn), from DateTime ticks on the device.</param>
    /// <param name="ModelBytes">The model blob's size.</param>
    public sealed record Outcome(int Rows, bool PredictionsIdentical, int? FirstDifferentRow, bool ModelIdentical, double MicrosecondsPerRow, int ModelBytes);

    /// <summary>
    /// Replays <paramref name="raw"/> (with <paramref name="targets"/>) from <paramref name="learner"/>'s
    /// current state on nanoCLR and on a desktop copy made the same way; <paramref name="learner"/> itself is not changed.
    /// </summary>
    /// <param name="learner">The learner, in the state the replay starts from.</param>
    /// <param name="options">The options <paramref name="learner"/> was built with (hyper-parameters are not in the blob).</param>
    /// <param name="raw">The readings, in the learner's integer units, one row per sample.</param>
    /// <param name="targets">The targets (Q16.16), one row per sample.</param>
    /// <param name="timeout">How long nanoCLR may run before it is killed.</param>
    /// <exception cref="CliError">No emulator, no checkout to build the library from, a build failure, or a run that did not finish.</exception>
    public static Outcome Run(OnlineLearner learner, LearnerOptions options, int[][] raw, int[][] targets, TimeSpan timeout)
    {
        NanoFrameworkHome home = RequireEmulator();

        byte[] start = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, start, 0);
        var (desktopPredictions, desktopModel) = Desktop(start, options, raw, targets);

        string folder = Path.Combine(Path.GetTempPath(), "nanobackprop-replay-" + Environment.ProcessId);
        try
        {
            Directory.CreateDirectory(folder);
            var builder = new NanoProjectBuilder(home, folder);
            BuiltProject library = builder.Build(LibraryProject());
            var devicePredictions = new List<string>();
            long ticks = 0;
            byte[] state = start;
            for (int first = 0; first < raw.Length || first == 0; first += RowsPerRun)
            {
                // One program per chunk, each starting from the model the device itself left: the
                // metadata processor's tables do not take much more than 1,500 rows of constants.
                int count = Math.Min(RowsPerRun, raw.Length - first);
                string source = ProgramSource(state, options, raw.Skip(first).Take(count).ToArray(), targets.Skip(first).Take(count).ToArray());
                var (program, _) = NanoCompiler.Compile("ReplayOnDevice" + first, new[] { new SourceFile("ReplayOnDevice.cs", source) }, library.LoadSet, folder, executable: true);
                MetadataProcessor.MakePe(home, program, library.LoadSet);
                NanoClrRun run = NanoClr.Run(home, library.LoadSet.Where(a => a.Name != "mscorlib").Append(program), timeout);
                if (run.Failure != null)
                {
                    throw new CliError("--on-device-emulator: " + run.Failure);
                }

                devicePredictions.AddRange(run.Program.Where(l => l.StartsWith("p ", StringComparison.Ordinal)).Select(l => l.Substring(2)));
                ticks += long.Parse(Field(run.Program, "ticks"), CultureInfo.InvariantCulture);
                state = Convert.FromHexString(Field(run.Program, "model"));
            }

            return Compare(devicePredictions, ticks, state, desktopPredictions, desktopModel, raw.Length);
        }
        catch (NanoBuildException failure)
        {
            throw new CliError("--on-device-emulator: " + failure.Message);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>The emulator and the library's project, checked before any long work starts.</summary>
    /// <exception cref="CliError">No emulator, or no checkout to build the library from.</exception>
    public static NanoFrameworkHome RequireEmulator()
    {
        NanoFrameworkHome? home = NanoFrameworkHome.Find();
        string? why = NanoFrameworkHome.WhyUnavailable(home);
        if (why != null)
        {
            throw new CliError("--on-device-emulator: " + why);
        }

        LibraryProject();
        return home!;
    }

    private static (int[][] Predictions, byte[] Model) Desktop(byte[] start, LearnerOptions options, int[][] raw, int[][] targets)
    {
        OnlineLearner copy = new ModelDescription(start, 0, start.Length).CreateLearner(Copy(options));
        ModelBlob.Read(copy, start, 0, start.Length);
        var predictions = new int[raw.Length][];
        for (int row = 0; row < raw.Length; row++)
        {
            predictions[row] = (int[])copy.Predict(raw[row]).Clone();
            copy.Learn(raw[row], targets[row]);
        }

        byte[] model = new byte[ModelBlob.SizeOf(copy)];
        ModelBlob.Write(copy, model, 0);
        return (predictions, model);
    }

    private static string Field(IReadOnlyList<string> device, string name)
    {
        return device.FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal))?.Substring(name.Length + 1)
            ?? throw new CliError("--on-device-emulator: the device printed no '" + name + "' line (the program ended early: " + string.Join(" | ", device.TakeLast(3)) + ")");
    }

    private static Outcome Compare(IReadOnlyList<string> lines, long ticks, byte[] deviceModel, int[][] predictions, byte[] model, int rows)
    {
        int? firstDifferent = null;
        for (int row = 0; row < rows; row++)
        {
            if (row >= lines.Count || lines[row] != string.Join(" ", predictions[row]))
            {
                firstDifferent = row;
                break;
            }
        }

        return new Outcome(rows, firstDifferent == null && lines.Count == rows, firstDifferent, deviceModel.AsSpan().SequenceEqual(model),
            ticks / 10.0 / Math.Max(1, rows), model.Length);
    }

    private static LearnerOptions Copy(LearnerOptions options)
    {
        var copy = new LearnerOptions();
        foreach (PropertyInfo property in Settable())
        {
            property.SetValue(copy, property.GetValue(options));
        }

        return copy;
    }

    private static IEnumerable<PropertyInfo> Settable() => typeof(LearnerOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.CanWrite).OrderBy(p => p.MetadataToken);

    /// <summary>The nanoFramework program: the learner from the blob, the rows as constants, one line per prediction, the time and the final blob.</summary>
    internal static string ProgramSource(byte[] start, LearnerOptions options, int[][] raw, int[][] targets)
    {
        var text = new StringBuilder();
        text.Append("using System;\nusing NanoBackprop;\n\npublic static class ReplayOnDevice\n{\n");
        Array("Start", "byte", start.Select(b => b.ToString(CultureInfo.InvariantCulture)));
        Array("Raw", "int", raw.SelectMany(r => r).Select(v => v.ToString(CultureInfo.InvariantCulture)));
        Array("Targets", "int", targets.SelectMany(t => t).Select(v => v.ToString(CultureInfo.InvariantCulture)));
        text.Append("    public static void Main()\n    {\n        LearnerOptions options = new LearnerOptions();\n");
        foreach (PropertyInfo property in Settable())
        {
            object value = property.GetValue(options)!;
            string literal = value switch
            {
                bool b => b ? "true" : "false",
                Enum e => "(" + e.GetType().FullName + ")" + Convert.ToInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            };
            text.Append("        options.").Append(property.Name).Append(" = ").Append(literal).Append(";\n");
        }

        int features = raw.Length == 0 ? 0 : raw[0].Length;
        int outputs = targets.Length == 0 ? 0 : targets[0].Length;
        text.Append($$"""
                    OnlineLearner learner = new ModelDescription(Start, 0, Start.Length).CreateLearner(options);
                    ModelBlob.Read(learner, Start, 0, Start.Length);
                    const int features = {{features}};
                    const int outputs = {{outputs}};
                    int rows = features == 0 ? 0 : Raw.Length / features;
                    int[] reading = new int[features];
                    int[] target = new int[outputs];
                    int[] predictions = new int[rows * learner.Network.OutputCount];
                    long begin = DateTime.UtcNow.Ticks;
                    for (int row = 0; row < rows; row++)
                    {
                        Array.Copy(Raw, row * features, reading, 0, features);
                        Array.Copy(Targets, row * outputs, target, 0, outputs);
                        int[] prediction = learner.Predict(reading);
                        Array.Copy(prediction, 0, predictions, row * prediction.Length, prediction.Length);
                        learner.Learn(reading, target);
                    }

                    long ticks = DateTime.UtcNow.Ticks - begin;
                    int width = learner.Network.OutputCount;
                    for (int row = 0; row < rows; row++)
                    {
                        string line = "p " + predictions[row * width];
                        for (int k = 1; k < width; k++)
                        {
                            line += " " + predictions[row * width + k];
                        }

                        Console.WriteLine(line);
                    }

                    Console.WriteLine("ticks " + ticks);
                    byte[] model = new byte[ModelBlob.SizeOf(learner)];
                    ModelBlob.Write(learner, model, 0);
                    const string digits = "0123456789abcdef";
                    char[] hex = new char[model.Length * 2];
                    for (int i = 0; i < model.Length; i++)
                    {
                        hex[2 * i] = digits[model[i] >> 4];
                        hex[2 * i + 1] = digits[model[i] & 15];
                    }

                    Console.WriteLine("model " + new string(hex));
                }
            }

            """);
        return text.ToString();

        void Array(string name, string type, IEnumerable<string> values)
        {
            text.Append("    private static readonly ").Append(type).Append("[] ").Append(name).Append(" =\n    {\n");
            int column = 0;
            foreach (string value in values)
            {
                text.Append(column == 0 ? "        " : " ").Append(value).Append(',');
                if (++column == 20)
                {
                    text.Append('\n');
                    column = 0;
                }
            }

            text.Append(column == 0 ? "" : "\n").Append("    };\n\n");
        }
    }

    /// <summary>src/NanoBackprop/NanoBackprop.nfproj of the checkout above the current folder or this tool.</summary>
    private static string LibraryProject()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder != null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "src", "NanoBackprop", "NanoBackprop.nfproj");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new CliError("--on-device-emulator: src/NanoBackprop/NanoBackprop.nfproj not found above " + Directory.GetCurrentDirectory() + " (run inside a nanoBackprop checkout)");
    }
}
