using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>The options that describe a network and its learner, shared by train and replay.</summary>
public sealed class LearnerSettings
{
    /// <summary>--data.</summary>
    public readonly Option<string> Data = new("--data") { Description = "CSV file (header row; an unnamed leading row-number column is fine)", Required = true };

    /// <summary>--features.</summary>
    public readonly Option<string> Features = new("--features") { Description = "Comma-separated feature columns", DefaultValueFactory = _ => "Temperature,Humidity,Light,CO2,HumidityRatio" };

    /// <summary>--label.</summary>
    public readonly Option<string> Label = new("--label") { Description = "Label column (0/1 for binary classification; with --loss cce class indices 0..K-1 or text class names)", DefaultValueFactory = _ => "Occupancy" };

    /// <summary>--hidden.</summary>
    public readonly Option<string> Hidden = new("--hidden") { Description = "Hidden layer sizes, e.g. 8 or 16,8", DefaultValueFactory = _ => "8" };

    /// <summary>--activation.</summary>
    public readonly Option<Activation> HiddenActivation = new("--activation") { Description = "Hidden activation: Sigmoid, Tanh, Relu, LeakyRelu, Linear", DefaultValueFactory = _ => Activation.Sigmoid };

    /// <summary>--output-activation.</summary>
    public readonly Option<Activation?> OutputActivation = new("--output-activation") { Description = "Output activation [default: Sigmoid for bce, Softmax for cce, Linear for mse]" };

    /// <summary>--loss.</summary>
    public readonly Option<string> Loss = new("--loss") { Description = "bce (binary cross-entropy; sigmoid output, labels 0/1), cce (categorical cross-entropy; softmax output, K classes) or mse", DefaultValueFactory = _ => "bce" };

    /// <summary>--lr.</summary>
    public readonly Option<double> LearningRate = new("--lr") { Description = "Learning rate, Q16.16: 2^-16 to 32767.99998", DefaultValueFactory = _ => 0.1 };

    /// <summary>--momentum.</summary>
    public readonly Option<double> Momentum = new("--momentum") { Description = "Momentum in [0, 1) (fixed engine)", DefaultValueFactory = _ => 0.0 };

    /// <summary>--seed.</summary>
    public readonly Option<int> Seed = new("--seed") { Description = "Seed of the initial weights", DefaultValueFactory = _ => 0 };

    /// <summary>--stochastic-rounding.</summary>
    public readonly Option<string?> StochasticRounding = new("--stochastic-rounding") { Description = "on or off (fixed engine) [default: off]" };

    /// <summary>--class-balance.</summary>
    public readonly Option<string?> ClassBalance = new("--class-balance") { Description = "on or off (classification, fixed engine) [default: on]" };

    /// <summary>--robust-start on|off: LearnerOptions.RobustStart (the scalers keep their first 16 readings; off saves 64 bytes of RAM and of blob per feature).</summary>
    public readonly Option<string?> RobustStart = new("--robust-start") { Description = "on or off: the input scaler keeps its first 16 readings to tell failed reads from the signal (off: 64 bytes less RAM and blob per feature; for boards that declare every sensor's range) [default: on]" };

    /// <summary>--json.</summary>
    public readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON" };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Data, Features, Label, Hidden, HiddenActivation, OutputActivation, Loss, LearningRate, Momentum, Seed, StochasticRounding, ClassBalance, RobustStart, Json })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Everything needed to train on a dataset.</summary>
    /// <param name="Data">The CSV as read.</param>
    /// <param name="Learner">The learner the options describe.</param>
    /// <param name="Options">The options the learner was built with (its hyper-parameters, which the model blob does not store).</param>
    /// <param name="Metadata">The sidecar to save beside the model.</param>
    /// <param name="Raw">Each row's features in integer units.</param>
    /// <param name="Targets">Q16.16 0/1 for classification, Q16.16 one-hot for K classes, integer units for regression.</param>
    /// <param name="ClassLabels">K classes (softmax): each row's class index; null otherwise.</param>
    public sealed record Built(CsvDataset Data, OnlineLearner Learner, LearnerOptions Options, ModelFile.Metadata Metadata, int[][] Raw, int[][] Targets, int[]? ClassLabels = null)
    {
        /// <summary>Whether the learner classifies (else it regresses).</summary>
        public bool Classification => Learner.Task == LearnerTask.Classification;
    }

    /// <summary>
    /// Checks every option, then reads the data and builds the network and learner they describe.
    /// <paramref name="doubleEngine"/>: the options the double engine does not implement are refused.
    /// </summary>
    public Built Build(ParseResult result, bool doubleEngine = false, bool divergenceGuard = false)
    {
        string lossName = result.GetValue(Loss)!.ToLowerInvariant();
        Loss loss = lossName switch
        {
            "bce" => NanoBackprop.Loss.BinaryCrossEntropy,
            "mse" => NanoBackprop.Loss.MeanSquaredError,
            "cce" => NanoBackprop.Loss.CategoricalCrossEntropy,
            _ => throw new CliError($"--loss must be bce, cce or mse, got '{lossName}'"),
        };
        bool softmax = loss == NanoBackprop.Loss.CategoricalCrossEntropy;
        Activation output = result.GetValue(OutputActivation) ?? (loss == NanoBackprop.Loss.BinaryCrossEntropy ? Activation.Sigmoid : softmax ? Activation.Softmax : Activation.Linear);
        if (loss == NanoBackprop.Loss.BinaryCrossEntropy && output != Activation.Sigmoid)
        {
            throw new CliError("--loss bce needs --output-activation Sigmoid");
        }

        if (softmax != (output == Activation.Softmax))
        {
            throw new CliError(softmax ? "--loss cce needs --output-activation Softmax" : "--output-activation Softmax needs --loss cce (K classes)");
        }

        int rate = OptionChecks.Rate(result.GetValue(LearningRate), "--lr");
        int momentum = OptionChecks.Fraction(result.GetValue(Momentum), "--momentum", 1);
        bool stochastic = OptionChecks.OnOff(result.GetValue(StochasticRounding), "--stochastic-rounding", false);
        string? balance = result.GetValue(ClassBalance);
        bool balanceOn = OptionChecks.OnOff(balance, "--class-balance", !doubleEngine);
        if (doubleEngine && (momentum != 0 || stochastic || (balance != null && balanceOn)))
        {
            throw new CliError("--engine double is plain SGD: --momentum, --stochastic-rounding on and --class-balance on need --engine fixed");
        }

        string hiddenList = result.GetValue(Hidden)!;
        int[] hidden = hiddenList.Split(',', StringSplitOptions.TrimEntries)
            .Select(h => int.TryParse(h, out int n) && n > 0 ? n : throw new CliError($"--hidden: '{h}' is not a layer size (a positive integer) in '{hiddenList}'")).ToArray();
        string[] features = CsvDataset.ParseNames(result.GetValue(Features)!, "--features");
        string label = result.GetValue(Label)!.Trim();
        if (label.Length == 0)
        {
            throw new CliError("--label is empty: give the label column's name");
        }

        var data = CsvDataset.Load(result.GetValue(Data)!, features, label, textLabels: softmax);
        int nonBinary = data.FirstNonBinaryRow;
        bool classification = softmax || (output == Activation.Sigmoid && nonBinary < 0);
        if (loss == NanoBackprop.Loss.BinaryCrossEntropy && nonBinary >= 0)
        {
            throw new CliError($"label '{label}' is {data.Labels[nonBinary]} in row {data.Lines[nonBinary]}; binary cross-entropy needs labels 0 or 1 (K classes: --loss cce)");
        }

        string[]? classNames = softmax ? ClassLabels.FromTraining(data) : null;
        int[]? classLabels = classNames != null ? ClassLabels.Map(classNames, data) : null;

        if (!classification && output is Activation.Sigmoid or Activation.Relu)
        {
            // The target scaler standardises the labels: about half are negative, which these outputs cannot reach.
            string why = nonBinary >= 0 ? $"label '{label}' is {data.Labels[nonBinary]} in row {data.Lines[nonBinary]}" : $"label '{label}' with a {output} output";
            throw new CliError($"regression ({why}) cannot learn through a {output} output, which cannot reach the standardised targets below 0: use --output-activation Linear (the default for --loss mse)");
        }

        if (!classification && balance != null && balanceOn)
        {
            throw new CliError("--class-balance on applies to classification (labels 0/1, sigmoid output); this is regression");
        }

        int[] sizes = [features.Length, .. hidden, classNames?.Length ?? 1];
        Network network;
        OnlineLearner learner;
        var options = new LearnerOptions
        {
            Task = classification ? LearnerTask.Classification : LearnerTask.Regression,
            BaseLearningRate = rate,
            ClassBalance = classification && balanceOn,
            DivergenceGuard = divergenceGuard,
            RobustStart = OptionChecks.OnOff(result.GetValue(RobustStart), "--robust-start", true),
        };
        try
        {
            network = new Network(sizes, result.GetValue(HiddenActivation), output, loss, result.GetValue(Seed),
                momentum > 0 ? NetworkOptions.Momentum : NetworkOptions.None);
            learner = new OnlineLearner(network, options);
        }
        catch (ArgumentException error)
        {
            throw new CliError(error.Message);
        }

        network.Momentum = momentum;
        network.StochasticRounding = stochastic;
        double[] units = FeatureUnits.Choose(data.Values, features);
        double targetUnits = classification ? 1 : FeatureUnits.Choose(data.Labels.Select(l => new[] { l }).ToArray(), [label])[0];
        var metadata = new ModelFile.Metadata { Features = features, Label = label, UnitsPerValue = units, TargetUnitsPerValue = targetUnits, LearningRate = Q16.ToDouble(rate), Classes = classNames };
        int[][] raw = data.Values.Select((v, r) => FeatureUnits.ToRaw(v, units, features, data.Lines[r])).ToArray();
        int[][] targets = classLabels != null
            ? classLabels.Select(c => Enumerable.Range(0, classNames!.Length).Select(j => j == c ? Q16.One : 0).ToArray()).ToArray()
            : data.Labels.Select((l, r) => classification ? [l == 1 ? Q16.One : 0] : FeatureUnits.ToRaw([l], [targetUnits], [label], data.Lines[r])).ToArray();
        return new Built(data, learner, options, metadata, raw, targets, classLabels);
    }
}
