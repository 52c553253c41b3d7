using System.CommandLine;
using System.Text;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop export`: a C# file of constants a board compiles in, and the raw blob.</summary>
public static class ExportCommand
{
    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, string CSharp, string Blob, int BlobBytes, string Namespace, string Class);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model") { Description = "Model file (.nbp)", Required = true };
        var csharp = new Option<string>("--csharp") { Description = "C# file to write", Required = true };
        var ns = new Option<string>("--namespace") { Description = "Namespace of the generated class", DefaultValueFactory = _ => "NanoBackprop.Pretrained" };
        var className = new Option<string>("--class") { Description = "Name of the generated class", DefaultValueFactory = _ => "PretrainedModel" };
        var blob = new Option<string?>("--blob") { Description = "Raw blob to write for flash (default: beside the C# file, .nbp)" };
        var features = new Option<string?>("--features") { Description = "Feature names for the generated class (default: the model's, from its .nbp.json)" };
        var units = new Option<string?>("--units") { Description = "Whole raw units per value of each feature (default: the model's, from its .nbp.json)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var freeze = new Option<int?>("--freeze") { Description = "Freeze the first N weight layers (transfer learning: only the layers above train on the board; they keep no gradient, velocity or snapshot buffers)" };
        var weightBits = new Option<int?>("--weight-bits") { Description = "Store the weights in 32 (Q16.16) or 16 bits (block floating point, stochastic rounding) [default: as the model]" };
        var command = new Command("export", "Write a model as C# constants for a board app (nanoFramework C#) and as a raw blob") { model, csharp, ns, className, blob, features, units, freeze, weightBits, json };
        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            string namespaceName = parse.GetValue(ns)!;
            string name = parse.GetValue(className)!;
            CheckIdentifier(namespaceName, "--namespace", allowDots: true);
            CheckIdentifier(name, "--class", allowDots: false);
            string sidecar = ModelFile.SidecarPath(modelPath);
            string csharpPath = OutputFile.Check(parse.GetValue(csharp), "--csharp", modelPath, sidecar);
            string blobPath = OutputFile.Check(parse.GetValue(blob) ?? Path.ChangeExtension(csharpPath, ".nbp"), "--blob", sidecar, csharpPath);
            var file = ModelFile.Load(modelPath);
            OnlineLearner learner = file.Learner;
            byte[] blobBytes = file.Blob;
            if (parse.GetValue(freeze) != null || parse.GetValue(weightBits) != null)
            {
                int bits = parse.GetValue(weightBits) ?? (file.Learner.Network.HasNarrowWeights ? 16 : 32);
                if (bits != 32 && bits != 16)
                {
                    throw new CliError("--weight-bits must be 32 or 16; it is " + bits);
                }

                learner = FrozenTransfer.Freeze(file.Learner, parse.GetValue(freeze) ?? file.Learner.Network.FrozenLayers, bits == 16 ? NetworkOptions.NarrowWeights : NetworkOptions.None);
                blobBytes = ModelFile.BlobOf(learner);
            }

            var columns = Columns.Resolve(file, modelPath, parse.GetValue(features), null, parse.GetValue(units), null, needLabel: false);
            if (columns.UnitsPerValue.Any(u => u != Math.Floor(u)))
            {
                throw new CliError($"units per value must be whole numbers for the generated int[] UnitsPerValue, got {string.Join(",", columns.UnitsPerValue.Select(OptionChecks.Show))}");
            }

            // The blob written is the model's own bytes: when it would land on the model file, that file already holds them.
            if (OutputFile.SamePath(blobPath, modelPath) && blobBytes == file.Blob)
            {
                OutputFile.WriteAll((csharpPath, System.Text.Encoding.UTF8.GetBytes(Generate(learner, blobBytes, columns, namespaceName, name))));
            }
            else
            {
                OutputFile.WriteAll((csharpPath, System.Text.Encoding.UTF8.GetBytes(Generate(learner, blobBytes, columns, namespaceName, name))), (blobPath, blobBytes));
            }

            var result = new Result("export", csharpPath, blobPath, blobBytes.Length, namespaceName, name);
            if (parse.GetValue(json))
            {
                output.Json(result);
            }
            else
            {
                output.Out.WriteLine($"wrote {csharpPath} (class {namespaceName}.{name}) and {blobPath} ({blobBytes.Length} bytes; network RAM {learner.Network.RamBytes:N0} B, {learner.Network.FrozenLayers} frozen layers, {(learner.Network.HasNarrowWeights ? 16 : 32)}-bit weights)");
            }

            return 0;
        });
        return command;
    }

    /// <summary>The C# source: nanoFramework-compatible (C# 10, no generics, a byte[] initializer).</summary>
    public static string Generate(ModelFile file, Columns columns, string namespaceName, string className) =>
        Generate(file.Learner, file.Blob, columns, namespaceName, className);

    /// <summary>The C# source for a learner and its blob (e.g. one rebuilt with frozen layers).</summary>
    public static string Generate(OnlineLearner learner, byte[] blob, Columns columns, string namespaceName, string className)
    {
        var network = learner.Network;
        var text = new StringBuilder();
        text.AppendLine("// Generated by `nanobackprop export`. A pretrained nanoBackprop model for a board app:");
        text.AppendLine("// build a learner with the same structure, then ModelBlob.Read(learner, Blob, 0, Blob.Length).");
        text.AppendLine($"namespace {namespaceName}");
        text.AppendLine("{");
        text.AppendLine("    /// <summary>A pretrained model: the blob and what its inputs are.</summary>");
        text.AppendLine($"    public static class {className}");
        text.AppendLine("    {");
        text.AppendLine("        /// <summary>Layer sizes, input first.</summary>");
        text.AppendLine($"        public static readonly int[] LayerSizes = new int[] {{ {string.Join(", ", Enumerable.Range(0, network.LayerCount).Select(network.GetLayerSize))} }};");
        text.AppendLine("        /// <summary>Feature names, in input order.</summary>");
        text.AppendLine($"        public static readonly string[] Features = new string[] {{ {string.Join(", ", columns.Features.Select(Literal))} }};");
        text.AppendLine("        /// <summary>Raw integer units per sensor value (multiply a reading by this and round).</summary>");
        text.AppendLine($"        public static readonly int[] UnitsPerValue = new int[] {{ {string.Join(", ", columns.UnitsPerValue.Select(u => ((int)u).ToString(System.Globalization.CultureInfo.InvariantCulture)))} }};");
        if (columns.ClassNames != null)
        {
            text.AppendLine("        /// <summary>Class names of the softmax output, index = class (PredictClass's result).</summary>");
            text.AppendLine($"        public static readonly string[] Classes = new string[] {{ {string.Join(", ", columns.ClassNames.Select(Literal))} }};");
        }

        text.AppendLine($"        /// <summary>The model blob (ModelBlob format, version {ModelBlob.Version}).</summary>");
        text.AppendLine("        public static readonly byte[] Blob = new byte[]");
        text.AppendLine("        {");
        for (int i = 0; i < blob.Length; i += 16)
        {
            text.Append("            ");
            text.AppendLine(string.Join(", ", blob.Skip(i).Take(16).Select(b => "0x" + b.ToString("X2"))) + ",");
        }

        text.AppendLine("        };");
        text.AppendLine("    }");
        text.AppendLine("}");
        return text.ToString();
    }

    // A C# string literal for any name a CSV header or a sidecar holds: quotes, backslashes and
    // control characters escaped, so that the generated file always compiles.
    private static string Literal(string text)
    {
        var literal = new StringBuilder("\"");
        foreach (char c in text)
        {
            literal.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when char.IsControl(c) || c is '\u2028' or '\u2029' => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return literal.Append('"').ToString();
    }

    // C#'s reserved keywords: not usable as a name (contextual keywords such as 'var' are).
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue", "decimal", "default",
        "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto",
        "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out",
        "override", "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc",
        "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    // The generated members, which the class name may not repeat (a member cannot share its class's name).
    private static readonly string[] Members = ["LayerSizes", "Features", "UnitsPerValue", "Classes", "Blob"];

    private static void CheckIdentifier(string name, string option, bool allowDots)
    {
        foreach (string part in allowDots ? name.Split('.') : [name])
        {
            if (part.Length == 0 || !(char.IsLetter(part[0]) || part[0] == '_') || !part.All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                throw new CliError($"{option} must be a C# {(allowDots ? "namespace (identifiers joined by dots)" : "identifier")}, got '{name}'");
            }

            if (Keywords.Contains(part))
            {
                throw new CliError($"{option}: '{part}' is a C# keyword and cannot be a name (got '{name}')");
            }

            if (!allowDots && Members.Contains(part))
            {
                throw new CliError($"{option}: '{part}' is the name of a generated member ({string.Join(", ", Members)}); choose another class name");
            }
        }
    }
}
