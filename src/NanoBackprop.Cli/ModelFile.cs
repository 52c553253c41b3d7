using System.Text.Json;

namespace NanoBackprop.Cli;

/// <summary>
/// A trained model on disk: the model blob itself (<c>model.nbp</c>, the exact format a board loads)
/// and beside it <c>model.nbp.json</c>, the desktop metadata a board does not need: which CSV
/// columns feed it, their integer units, and the hyper-parameters it was trained with.
/// </summary>
public sealed class ModelFile
{
    /// <summary>Metadata stored beside the blob.</summary>
    public sealed class Metadata
    {
        /// <summary>Feature columns, in input order.</summary>
        public string[] Features { get; set; } = [];

        /// <summary>Label column.</summary>
        public string Label { get; set; } = "";

        /// <summary>Raw units per CSV value for each feature (a power of ten).</summary>
        public double[] UnitsPerValue { get; set; } = [];

        /// <summary>Raw units per CSV value for a regression target.</summary>
        public double TargetUnitsPerValue { get; set; } = 1;

        /// <summary>Learning rate (the learner's base rate).</summary>
        public double LearningRate { get; set; } = 0.1;

        /// <summary>The engine that trained it (fixed or double).</summary>
        public string Engine { get; set; } = "fixed";

        /// <summary>
        /// K-class (softmax) models: the class names, index = class ("0".."K-1" when the labels
        /// were the indices; text labels sorted by ordinal order). Null (and not written) for any other model.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string[]? Classes { get; set; }
    }

    private ModelFile(OnlineLearner learner, Metadata? metadata, byte[] blob, string sidecar)
    {
        SidecarFullPath = Path.GetFullPath(sidecar);
        Learner = learner;
        HasMetadata = metadata != null;
        Meta = metadata ?? new Metadata();
        Blob = blob;
    }

    /// <summary>The learner the blob was loaded into.</summary>
    public OnlineLearner Learner { get; }

    /// <summary>Whether the sidecar (.nbp.json) was there: without it features, label and units are unknown.</summary>
    public bool HasMetadata { get; }

    /// <summary>The metadata (empty defaults when the sidecar is missing: see <see cref="HasMetadata"/>).</summary>
    public Metadata Meta { get; }

    /// <summary>Class names of a K-class (softmax) model: the sidecar's, or "0".."K-1" without one; null for any other model.</summary>
    public string[]? ClassNames => Learner.Network.OutputActivation == Activation.Softmax ? Meta.Classes ?? ClassMetrics.IndexNames(Learner.Network.OutputCount) : null;

    /// <summary>Where the sidecar is (or would be).</summary>
    public string SidecarFullPath { get; }

    /// <summary>The blob's bytes.</summary>
    public byte[] Blob { get; }

    /// <summary>The model blob of <paramref name="learner"/>.</summary>
    public static byte[] BlobOf(OnlineLearner learner)
    {
        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, blob, 0);
        return blob;
    }

    /// <summary>The sidecar's bytes.</summary>
    public static byte[] SidecarOf(Metadata metadata) => JsonSerializer.SerializeToUtf8Bytes(metadata, JsonOptions);

    /// <summary>The sidecar's path for a model path.</summary>
    public static string SidecarPath(string modelPath) => modelPath + ".json";

    /// <summary>
    /// Loads a model and its sidecar if there is one; a missing or corrupt model, or a malformed
    /// or inconsistent sidecar, is a <see cref="CliError"/> naming the file and the problem.
    /// </summary>
    public static ModelFile Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new CliError($"--model names a folder, not a model file: {path}");
        }

        if (!File.Exists(path))
        {
            throw new CliError($"model file not found: {path}");
        }

        byte[] blob = File.ReadAllBytes(path);
        OnlineLearner learner;
        try
        {
            var description = new ModelDescription(blob, 0, blob.Length);
            learner = description.CreateLearner(new LearnerOptions());
            ModelBlob.Read(learner, blob, 0, blob.Length);
        }
        catch (InvalidModelException error)
        {
            throw new CliError($"{path}: corrupt model: {error.Message}");
        }
        catch (ArgumentException error)
        {
            throw new CliError($"{path}: not a usable model: {error.Message}");
        }

        string sidecar = SidecarPath(path);
        Metadata? metadata = File.Exists(sidecar) ? ReadSidecar(sidecar, learner) : null;
        if (metadata != null)
        {
            // The learner's rate is not in the blob (hyper-parameters come from the code that
            // builds the learner): the sidecar gives the one it was trained with.
            int rate = OptionChecks.Rate(metadata.LearningRate, sidecar + ": learningRate");
            var retuned = new ModelDescription(blob, 0, blob.Length).CreateLearner(new LearnerOptions { BaseLearningRate = rate });
            ModelBlob.Read(retuned, blob, 0, blob.Length);
            learner = retuned;
        }

        return new ModelFile(learner, metadata, blob, sidecar);
    }

    // The sidecar is the desktop's own file, but it is edited by hand and copied about: every
    // field is checked against the blob it describes.
    private static Metadata ReadSidecar(string sidecar, OnlineLearner learner)
    {
        Metadata? metadata;
        try
        {
            // A misspelt field is an error, not a silently missing value.
            metadata = JsonSerializer.Deserialize<Metadata>(File.ReadAllText(sidecar), new JsonSerializerOptions(JsonOptions) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow });
        }
        catch (JsonException error)
        {
            throw new CliError($"{sidecar}: malformed model metadata ({error.Message})");
        }

        if (metadata == null)
        {
            throw new CliError($"{sidecar}: malformed model metadata (null)");
        }

        int inputs = learner.Network.InputCount;
        metadata.Features ??= [];
        metadata.UnitsPerValue ??= [];
        metadata.Label ??= "";
        if (metadata.Features.Length != inputs || metadata.Features.Any(string.IsNullOrWhiteSpace))
        {
            throw new CliError($"{sidecar}: 'features' names {metadata.Features.Length} column(s); the model takes {inputs}");
        }

        if (metadata.UnitsPerValue.Length != inputs)
        {
            throw new CliError($"{sidecar}: 'unitsPerValue' has {metadata.UnitsPerValue.Length} value(s); the model takes {inputs} features");
        }

        int bad = Array.FindIndex(metadata.UnitsPerValue, u => !(u > 0) || !double.IsFinite(u));
        if (bad >= 0)
        {
            throw new CliError($"{sidecar}: 'unitsPerValue' of '{metadata.Features[bad]}' must be a positive number, got {OptionChecks.Show(metadata.UnitsPerValue[bad])}");
        }

        if (!(metadata.TargetUnitsPerValue > 0) || !double.IsFinite(metadata.TargetUnitsPerValue))
        {
            throw new CliError($"{sidecar}: 'targetUnitsPerValue' must be a positive number, got {OptionChecks.Show(metadata.TargetUnitsPerValue)}");
        }

        if (string.IsNullOrWhiteSpace(metadata.Label))
        {
            throw new CliError($"{sidecar}: 'label' is empty");
        }

        int classes = learner.Network.OutputActivation == Activation.Softmax ? learner.Network.OutputCount : 0;
        if (classes == 0 && metadata.Classes != null)
        {
            throw new CliError($"{sidecar}: 'classes' names {metadata.Classes.Length} class(es); the model is not a softmax classifier");
        }

        if (classes > 0)
        {
            metadata.Classes ??= ClassMetrics.IndexNames(classes);
            if (metadata.Classes.Length != classes || metadata.Classes.Any(string.IsNullOrWhiteSpace) || metadata.Classes.Distinct(StringComparer.Ordinal).Count() != classes)
            {
                throw new CliError($"{sidecar}: 'classes' must name the model's {classes} classes, each once, got {metadata.Classes.Length} name(s)");
            }
        }

        if (metadata.Engine is not ("fixed" or "double"))
        {
            throw new CliError($"{sidecar}: 'engine' must be fixed or double, got '{metadata.Engine}'");
        }

        return metadata;
    }

    /// <summary>Indented camelCase JSON, as every --json output.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // Column names and table headings as written ("+ momentum", "°C"), not \u escapes: the output goes to a terminal or a script, never into HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // A figure that is not finite (a speed over a run too short for the clock) prints as "Infinity" rather than failing the command.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
