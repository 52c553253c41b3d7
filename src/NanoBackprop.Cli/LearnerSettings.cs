using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>The options that describe a network and its learner, shared by train and replay.</summary>
public sealed class LearnerSettings
{
    /// <summary>--data.</summary>
    public readonly Option<string> Data = new("--data") { Description = "CSV file (header row; an unnamed leading column is fine)", Required = true };

    /// <summary>--features.</summary>
    public readonly Option<string> Features = new("--features") { Description = "Comma-separated feature columns", DefaultValueFactory = _ => "Temperature,Humidity,Light,CO2,HumidityRatio" };

    /// <summary>--label.</summary>
    public readonly Option<string> Label = new("--label") { Description = "Label column (0/1 for classification)", DefaultValueFactory = _ => "Occupancy" };

    /// <summary>--hidden.</summary>
    public readonly Option<string> Hidden = new("--hidden") { Description = "Hidden layer sizes, e.g. 8 or 16,8", DefaultValueFactory = _ => "8" };

    /// <summary>--activation.</summary>
    public readonly Option<Activation> HiddenActivation = new("--activation") { Description = "Hidden activation: Sigmoid, Tanh, Relu, LeakyRelu, Linear", DefaultValueFactory = _ => Activation.Sigmoid };

    /// <summary>--output-activation.</summary>
    public readonly Option<Activation> OutputActivation = new("--output-activation") { Description = "Output activation", DefaultValueFactory = _ => Activation.Sigmoid };

    /// <summary>--loss.</summary>
    public readonly Option<string> Loss = new("--loss") { Description = "bce (binary cross-entropy; sigmoid output, labels 0/1) or mse", DefaultValueFactory = _ => "bce" };

    /// <summary>--lr.</summary>
    public readonly Option<double> LearningRate = new("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 0.1 };

    /// <summary>--momentum.</summary>
    public readonly Option<double> Momentum = new("--momentum") { Description = "Momentum in [0, 1)", DefaultValueFactory = _ => 0.0 };

    /// <summary>--seed.</summary>
    public readonly Option<int> Seed = new("--seed") { Description = "Seed of the initial weights", DefaultValueFactory = _ => 0 };

    /// <summary>--stochastic-rounding.</summary>
    public readonly Option<string> StochasticRounding = new("--stochastic-rounding") { Description = "on or off", DefaultValueFactory = _ => "off" };

    /// <summary>--class-balance.</summary>
    public readonly Option<string> ClassBalance = new("--class-balance") { Description = "on or off (classification only)", DefaultValueFactory = _ => "on" };

    /// <summary>--json.</summary>
    public readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Data, Features, Label, Hidden, HiddenActivation, OutputActivation, Loss, LearningRate, Momentum, Seed, StochasticRounding, ClassBalance, Json })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Everything needed to build a learner for a dataset.</summary>
    public sealed record Built(CsvDataset Data, OnlineLearner Learner, LearnerOptions Options, ModelFile.Metadata Metadata, int[][] Raw, int[][] Targets);

    /// <summary>Reads the data and builds the network and learner the options describe.</summary>
    public Built Build(ParseResult result)
    {
        string[] features = CsvDataset.ParseNames(result.GetValue(Features)!, "--features");
        string label = result.GetValue(Label)!;
        var data = CsvDataset.Load(result.GetValue(Data)!, features, label);
        string lossName = result.GetValue(Loss)!.ToLowerInvariant();
        Loss loss = lossName switch
        {
            "bce" => NanoBackprop.Loss.BinaryCrossEntropy,
            "mse" => NanoBackprop.Loss.MeanSquaredError,
            _ => throw new CliError($"--loss must be bce or mse, not '{lossName}'"),
        };
        Activation output = result.GetValue(OutputActivation);
        if (loss == NanoBackprop.Loss.BinaryCrossEntropy && output != Activation.Sigmoid)
        {
            throw new CliError("--loss bce needs --output-activation Sigmoid");
        }

        bool classification = output == Activation.Sigmoid && data.BinaryLabels;
        if (loss == NanoBackprop.Loss.BinaryCrossEntropy && !data.BinaryLabels)
        {
            int row = Array.FindIndex(data.Labels, l => l != 0 && l != 1);
            throw new CliError($"label '{label}' is {data.Labels[row]} in data row {row + 1}; binary cross-entropy needs labels 0 or 1");
        }

        double rate = result.GetValue(LearningRate);
        double momentum = result.GetValue(Momentum);
        if (!(rate > 0) || rate > 32767)
        {
            throw new CliError($"--lr must be positive (got {rate})");
        }

        if (momentum < 0 || momentum >= 1)
        {
            throw new CliError($"--momentum must be in [0, 1) (got {momentum})");
        }

        int[] hidden = result.GetValue(Hidden)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(h => int.TryParse(h, out int n) && n > 0 ? n : throw new CliError($"--hidden: '{h}' is not a layer size")).ToArray();
        int[] sizes = [features.Length, .. hidden, 1];
        Network network;
        try
        {
            network = new Network(sizes, result.GetValue(HiddenActivation), output, loss, result.GetValue(Seed),
                momentum > 0 ? NetworkOptions.Momentum : NetworkOptions.None);
        }
        catch (ArgumentException error)
        {
            throw new CliError(error.Message);
        }

        var options = new LearnerOptions
        {
            Task = classification ? LearnerTask.Classification : LearnerTask.Regression,
            BaseLearningRate = Q16.FromDouble(rate),
            ClassBalance = classification && OnOff(result.GetValue(ClassBalance)!, "--class-balance"),
        };
        var learner = new OnlineLearner(network, options);
        network.Momentum = Q16.FromDouble(momentum);
        network.StochasticRounding = OnOff(result.GetValue(StochasticRounding)!, "--stochastic-rounding");

        double[] units = FeatureUnits.Choose(data.Values);
        double targetUnits = classification ? 1 : FeatureUnits.Choose(data.Labels.Select(l => new[] { l }).ToArray())[0];
        var metadata = new ModelFile.Metadata { Features = features, Label = label, UnitsPerValue = units, TargetUnitsPerValue = targetUnits, LearningRate = rate };
        int[][] raw = data.Values.Select(v => FeatureUnits.ToRaw(v, units)).ToArray();
        int[][] targets = data.Labels.Select(l => classification ? new[] { l == 1 ? Q16.One : 0 } : FeatureUnits.ToRaw([l], [targetUnits])).ToArray();
        return new Built(data, learner, options, metadata, raw, targets);
    }

    private static bool OnOff(string value, string option) => value.ToLowerInvariant() switch
    {
        "on" => true,
        "off" => false,
        _ => throw new CliError($"{option} must be on or off, not '{value}'"),
    };
}
