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
    }

    private ModelFile(OnlineLearner learner, Metadata metadata, byte[] blob)
    {
        Learner = learner;
        Meta = metadata;
        Blob = blob;
    }

    /// <summary>The learner the blob was loaded into.</summary>
    public OnlineLearner Learner { get; }

    /// <summary>The metadata (defaults when the sidecar is missing).</summary>
    public Metadata Meta { get; }

    /// <summary>The blob's bytes.</summary>
    public byte[] Blob { get; }

    /// <summary>Writes the blob and its metadata; returns the blob's size.</summary>
    public static int Save(string path, OnlineLearner learner, Metadata metadata)
    {
        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, blob, 0);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllBytes(path, blob);
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(metadata, JsonOptions));
        return blob.Length;
    }

    /// <summary>Loads a model; a missing or corrupt file is a <see cref="CliError"/>.</summary>
    public static ModelFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliError($"model file not found: {path}");
        }

        byte[] blob = File.ReadAllBytes(path);
        var metadata = File.Exists(path + ".json")
            ? JsonSerializer.Deserialize<Metadata>(File.ReadAllText(path + ".json"), JsonOptions) ?? new Metadata()
            : new Metadata();
        try
        {
            var description = new ModelDescription(blob, 0, blob.Length);
            var learner = description.CreateLearner(new LearnerOptions { BaseLearningRate = Q16.FromDouble(metadata.LearningRate) });
            ModelBlob.Read(learner, blob, 0, blob.Length);
            return new ModelFile(learner, metadata, blob);
        }
        catch (InvalidModelException error)
        {
            throw new CliError($"{path}: corrupt model: {error.Message}");
        }
    }

    /// <summary>Indented camelCase JSON, as every --json output.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
