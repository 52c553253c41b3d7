using System.CommandLine;
using System.Diagnostics;
using NanoBackprop.Reference;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop train`: trains per sample and writes the model blob a board loads.</summary>
public static class TrainCommand
{
    /// <summary>
    /// The result printed by --json. LastEpochAccuracy (classification only, else null): the share
    /// of the last epoch's rows predicted right before learning them. LastEpochRmse (regression
    /// only, else null): the root mean squared error of those predictions, in the label's units.
    /// </summary>
    public sealed record Result(string Command, string Engine, string Task, int Rows, int Epochs, long Samples, double? LastEpochAccuracy, double? LastEpochRmse,
        double FinalRunningLoss, double Seconds, double SamplesPerSecond, string Model, int ModelBytes, int RamBytes, string? Plot)
    {
        /// <summary>K-class (softmax) models: the last epoch's predictions (before learning each row) scored by class; else null and not printed.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public ClassMetrics? Classes { get; init; }
    }

    /// <summary>The most epochs a run takes.</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var settings = new LearnerSettings();
        var epochs = new Option<int>("--epochs") { Description = $"Passes over the file (1 to {MaxEpochs:N0})", DefaultValueFactory = _ => 1 };
        var engine = new Option<string>("--engine") { Description = "fixed (Q16.16, as on the board) or double (the reference, quantised at the end)", DefaultValueFactory = _ => "fixed" };
        var shuffle = new Option<bool>("--shuffle") { Description = "Shuffle the rows each epoch (default: file order, as a stream)" };
        var modelPath = new Option<string>("--out") { Description = "Model file to write (.nbp; metadata goes to .nbp.json)", Required = true };
        var plot = new Option<string?>("--plot") { Description = "Write the learning curve as a PNG" };
        var command = new Command("train", "Train a network per sample on a CSV and write the model blob the board loads");
        settings.AddTo(command);
        foreach (Option option in new Option[] { epochs, engine, shuffle, modelPath, plot })
        {
            command.Options.Add(option);
        }

        command.SetAction(parse =>
        {
            // Every option and output path is checked before the data is read and trained on.
            int epochCount = OptionChecks.Range(parse.GetValue(epochs), "--epochs", 1, MaxEpochs);
            string engineName = parse.GetValue(engine)!.ToLowerInvariant();
            if (engineName != "fixed" && engineName != "double")
            {
                throw new CliError($"--engine must be fixed or double, got '{engineName}'");
            }

            string dataPath = parse.GetValue(settings.Data)!;
            string model = OutputFile.Check(parse.GetValue(modelPath), "--out", dataPath);
            OutputFile.Check(ModelFile.SidecarPath(model), "--out (its .json metadata)", dataPath);
            string? plotPath = parse.GetValue(plot) is { } p ? OutputFile.Check(p, "--plot", dataPath, model, ModelFile.SidecarPath(model)) : null;
            var built = settings.Build(parse, doubleEngine: engineName == "double");
            var result = Run(built, epochCount, engineName, parse.GetValue(shuffle), parse.GetValue(settings.Seed), model, plotPath, output, !parse.GetValue(settings.Json));
            if (parse.GetValue(settings.Json))
            {
                output.Json(result);
            }
            else
            {
                var table = new Table().AddColumns("", "");
                table.AddRow("engine", result.Engine);
                table.AddRow("samples", $"{result.Samples:N0} ({result.Epochs} epoch(s) of {result.Rows:N0} rows)");
                if (result.LastEpochAccuracy is double accuracy)
                {
                    table.AddRow("last epoch accuracy (predict, then learn)", $"{accuracy:P2}");
                }
                else
                {
                    table.AddRow($"last epoch RMSE (predict, then learn; {built.Metadata.Label}'s units)", $"{result.LastEpochRmse:G5}");
                }

                table.AddRow("final running loss", $"{result.FinalRunningLoss:F5}");
                table.AddRow("speed", $"{result.SamplesPerSecond:N0} samples/s ({BuildInfo.Configuration} build)");
                table.AddRow("model", $"{result.Model} ({result.ModelBytes} bytes; network RAM on the board {result.RamBytes} bytes)");
                if (result.Plot != null)
                {
                    table.AddRow("learning curve", result.Plot);
                }

                output.Console.Write(table);
                result.Classes?.Write(output.Console, "last epoch");
            }

            return 0;
        });
        return command;
    }

    /// <summary>Trains and writes the model.</summary>
    public static Result Run(LearnerSettings.Built built, int epochs, string engine, bool shuffle, int seed, string modelPath, string? plotPath, CliOutput output, bool showProgress)
    {
        var learner = built.Learner;
        int rows = built.Raw.Length;
        var order = Enumerable.Range(0, rows).ToArray();
        var random = new Random(seed);
        long total = (long)rows * epochs;
        // The curve keeps at most about 20,000 points (the plot draws 2,000).
        long stride = Math.Max(1, total / 20_000);
        var curve = new List<double>();
        bool classification = built.Classification;
        double targetUnits = built.Metadata.TargetUnitsPerValue;
        double squares = 0;
        var reference = engine == "double" ? ReferenceMlp.FromNetwork(learner.Network) : null;
        var scaled = new int[learner.Network.InputCount];
        double runningLoss = 0;
        int correct = 0;
        int[]? classLabels = built.ClassLabels;
        var predictedClasses = new int[rows];
        var clock = Stopwatch.StartNew();
        void Train(Action<long> advance)
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                if (shuffle)
                {
                    random.Shuffle(order);
                }

                correct = 0;
                squares = 0;
                for (int k = 0; k < rows; k++)
                {
                    int row = order[k];
                    int[] raw = built.Raw[row];
                    int[] target = built.Targets[row];
                    double loss;
                    if (reference == null)
                    {
                        if (classLabels != null)
                        {
                            predictedClasses[row] = Softmax.ArgMax(learner.Predict(raw));
                            correct += predictedClasses[row] == classLabels[row] ? 1 : 0;
                        }
                        else if (classification)
                        {
                            correct += (learner.Predict(raw)[0] >= Q16.Half ? Q16.One : 0) == target[0] ? 1 : 0;
                        }
                        else
                        {
                            double error = (learner.Predict(raw)[0] - (double)target[0]) / targetUnits;
                            squares += error * error;
                        }

                        loss = Q16.ToDouble(learner.Learn(raw, target));
                    }
                    else
                    {
                        loss = DoubleStep(learner, reference, raw, target, scaled, targetUnits, classLabels?[row] ?? -1, out predictedClasses[row], ref correct, ref squares);
                    }

                    runningLoss += (loss - runningLoss) / Math.Min(epoch * rows + k + 1, 32);
                    long done = (long)epoch * rows + k;
                    if (done % stride == 0)
                    {
                        curve.Add(runningLoss);
                    }

                    advance(done + 1);
                }
            }
        }

        if (showProgress && output.Interactive)
        {
            output.Console.Progress().Start(context =>
            {
                var task = context.AddTask("training", maxValue: total);
                Train(done =>
                {
                    if (done % 256 == 0 || done == total)
                    {
                        task.Value = done;
                        task.Description = $"training: {done / clock.Elapsed.TotalSeconds:N0} samples/s, running loss {runningLoss:F4}";
                    }
                });
            });
        }
        else
        {
            Train(_ => { });
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (reference != null)
        {
            CopyWeights(reference, learner.Network);
            built.Metadata.Engine = "double";
        }

        byte[] blob = ModelFile.BlobOf(learner);
        var files = new List<(string, byte[])> { (modelPath, blob), (ModelFile.SidecarPath(modelPath), ModelFile.SidecarOf(built.Metadata)) };
        if (plotPath != null)
        {
            string xLabel = stride == 1 ? "sample" : $"sample / {stride}";
            files.Add((plotPath, Plots.Curves("Learning curve", xLabel, "running ½(y - t)²", (engine == "fixed" ? "fixed point" : "double", curve.ToArray()))));
        }

        OutputFile.WriteAll(files.ToArray());
        return new Result("train", engine, classification ? "classification" : "regression", rows, epochs, total,
            classification ? (double)correct / rows : null, classification ? null : Math.Sqrt(squares / rows),
            runningLoss, seconds, total / seconds, modelPath, blob.Length, learner.Network.RamBytes, plotPath)
        {
            Classes = classLabels != null ? ClassMetrics.Of(built.Metadata.Classes!, classLabels, predictedClasses) : null,
        };
    }

    // The double engine: the same integer scaler, the reference network, plain SGD at the same rate.
    // Predict with the statistics so far (as the fixed engine's Predict does), then observe and learn.
    // classLabel: the row's class for a K-class model (predictedClass is then the largest output's index, the first of equal ones), else -1.
    private static double DoubleStep(OnlineLearner learner, ReferenceMlp reference, int[] raw, int[] target, int[] scaled, double targetUnits, int classLabel, out int predictedClass, ref int correct, ref double squares)
    {
        learner.Scaler.Scale(raw, scaled);
        double[] outputs = reference.Forward(scaled.Select(Q16.ToDouble).ToArray());
        double output = outputs[0];
        predictedClass = Array.IndexOf(outputs, outputs.Max());
        if (classLabel >= 0)
        {
            correct += predictedClass == classLabel ? 1 : 0;
        }
        else if (learner.Task == LearnerTask.Regression)
        {
            double error = (learner.TargetScaler!.Unscale(0, Q16.FromDouble(Math.Clamp(output, -32767, 32767))) - (double)target[0]) / targetUnits;
            squares += error * error;
        }
        else
        {
            correct += (output >= 0.5 ? 1 : 0) == (target[0] == Q16.One ? 1 : 0) ? 1 : 0;
        }

        learner.Scaler.Observe(raw);
        learner.Scaler.Scale(raw, scaled);
        double[] goal;
        if (learner.Task == LearnerTask.Regression)
        {
            learner.TargetScaler!.Observe(target);
            goal = [Q16.ToDouble(learner.TargetScaler.ScaleValue(0, target[0]))];
        }
        else
        {
            goal = target.Select(Q16.ToDouble).ToArray();
        }

        return reference.TrainStep(scaled.Select(Q16.ToDouble).ToArray(), goal, learner.Network.Loss, Q16.ToDouble(learner.Network.LearningRate));
    }

    private static void CopyWeights(ReferenceMlp reference, Network network)
    {
        for (int l = 0; l < network.LayerCount - 1; l++)
        {
            for (int j = 0; j < network.GetLayerSize(l + 1); j++)
            {
                for (int i = 0; i < network.GetLayerSize(l); i++)
                {
                    network.SetWeight(l, j, i, Math.Clamp(Q16.FromDouble(reference.GetWeight(l, j, i)), -Network.MaxWeight, Network.MaxWeight));
                }

                if (network.HasBiases)
                {
                    network.SetBias(l, j, Q16.FromDouble(reference.GetBias(l, j)));
                }
            }
        }
    }
}
