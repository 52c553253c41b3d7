using System.CommandLine;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop replay`: a CSV streamed through the online learner as a board would.</summary>
public static class ReplayCommand
{
    /// <summary>
    /// The result printed by --json. PrequentialAccuracy (classification only, else null): the
    /// share of rows predicted right before learning them. PrequentialRmse (regression only, else
    /// null): the root mean squared error of those predictions, in the label's units.
    /// </summary>
    public sealed record Result(string Command, string Task, int Rows, double? PrequentialAccuracy, double? PrequentialRmse, double MeanLoss, double FinalRunningLoss,
        int Rollbacks, int SaturatedReadings, double SamplesPerSecond, string Build, string? Plot)
    {
        /// <summary>K-class (softmax) models: the prequential predictions (each before its row is learned) scored by class; else null and not printed.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public ClassMetrics? Classes { get; init; }

        /// <summary>The same replay on nanoCLR (with --on-device-emulator), else null.</summary>
        public OnDeviceEmulatorReplay.Outcome? OnDeviceEmulator { get; init; }
    }

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var settings = new LearnerSettings();
        var guard = new Option<string?>("--guard") { Description = "Divergence guard on or off [default: on]" };
        var plot = new Option<string?>("--plot") { Description = "Write the prequential accuracy and running loss as a PNG" };
        var onDevice = new Option<bool>("--on-device-emulator")
        {
            Description = "Also run the replay on nanoCLR, the real nanoFramework interpreter (../shared/nanoframework or NANOFRAMEWORK_HOME), and report whether every prediction and the final model are bit-identical, with nanoCLR's time per row",
        };
        var startModel = new Option<string?>("--start-model")
        {
            Description = "Start from this model blob (.nbp, e.g. from `export --freeze`) instead of fresh weights: its structure, frozen layers, weights and scaler; the learning rate and momentum from the options",
        };
        var command = new Command("replay", "Stream a CSV through the online learner, one row at a time: predict, then learn");
        settings.AddTo(command);
        command.Options.Add(startModel);
        command.Options.Add(guard);
        command.Options.Add(plot);
        command.Options.Add(onDevice);
        command.SetAction(parse =>
        {
            bool guardOn = OptionChecks.OnOff(parse.GetValue(guard), "--guard", true);
            string? plotPath = parse.GetValue(plot) is { } p ? OutputFile.Check(p, "--plot", parse.GetValue(settings.Data)) : null;
            if (parse.GetValue(onDevice))
            {
                OnDeviceEmulatorReplay.RequireEmulator();
            }

            var built = settings.Build(parse, divergenceGuard: guardOn);
            if (parse.GetValue(startModel) is { } startPath)
            {
                built = built with { Learner = StartFrom(startPath, built) };
            }

            OnDeviceEmulatorReplay.Outcome? device = parse.GetValue(onDevice)
                ? OnDeviceEmulatorReplay.Run(built.Learner, built.Options, built.Raw, built.Targets, TimeSpan.FromMinutes(30))
                : null;
            var result = Run(built.Learner, built.Raw, built.Targets, built.Metadata.TargetUnitsPerValue, plotPath, built.ClassLabels, built.Metadata.Classes) with { OnDeviceEmulator = device };
            if (parse.GetValue(settings.Json))
            {
                output.Json(result);
                return 0;
            }

            var table = new Table().AddColumns("", "");
            table.AddRow("rows", $"{result.Rows:N0}");
            if (result.PrequentialAccuracy is double accuracy)
            {
                table.AddRow("prequential accuracy", $"{accuracy:P2}");
            }
            else
            {
                table.AddRow($"prequential RMSE ({built.Metadata.Label}'s units)", $"{result.PrequentialRmse:G5}");
            }

            table.AddRow("mean loss (before each update)", $"{result.MeanLoss:F5}");
            table.AddRow("rollbacks", result.Rollbacks.ToString());
            table.AddRow("network RAM", $"{built.Learner.Network.RamBytes:N0} B ({built.Learner.Network.FrozenLayers} frozen layers, {(built.Learner.Network.HasNarrowWeights ? 16 : 32)}-bit weights)");
            table.AddRow("saturated readings", result.SaturatedReadings.ToString());
            table.AddRow("speed", $"{result.SamplesPerSecond:N0} rows/s ({result.Build} build, one pass on this machine)");
            if (result.Plot != null)
            {
                table.AddRow("curves", result.Plot);
            }

            if (device != null)
            {
                table.AddRow("on nanoCLR: predictions", device.PredictionsIdentical ? $"all {device.Rows:N0} bit-identical to the desktop" : $"DIFFER from the desktop from row {device.FirstDifferentRow}");
                table.AddRow("on nanoCLR: final model", device.ModelIdentical ? $"bit-identical ({device.ModelBytes:N0} bytes)" : "DIFFERS from the desktop's");
                table.AddRow("on nanoCLR: time per row", $"{device.MicrosecondsPerRow:N1} µs (predict + learn, this host)");
            }

            output.Console.Write(table);
            result.Classes?.Write(output.Console, "prequential");
            return 0;
        });
        return command;
    }

    // The learner of a stored blob, built with the replay's hyper-parameters.
    private static OnlineLearner StartFrom(string path, LearnerSettings.Built built)
    {
        byte[] blob = File.Exists(path) ? File.ReadAllBytes(path) : throw new CliError($"--start-model: {path} does not exist");
        try
        {
            var description = new ModelDescription(blob, 0, blob.Length);
            var learner = description.CreateLearner(built.Options);
            ModelBlob.Read(learner, blob, 0, blob.Length);
            if (learner.Network.InputCount != built.Learner.Network.InputCount)
            {
                throw new CliError($"--start-model: the model has {learner.Network.InputCount} inputs; --features gives {built.Learner.Network.InputCount}");
            }

            int modelClasses = learner.Network.OutputActivation == Activation.Softmax ? learner.Network.OutputCount : 0;
            int dataClasses = built.Metadata.Classes?.Length ?? 0;
            if (modelClasses != dataClasses)
            {
                throw new CliError($"--start-model: the model has {(modelClasses > 0 ? $"{modelClasses} softmax classes" : "no softmax output")}; the data and options give {(dataClasses > 0 ? $"{dataClasses} classes" : "no softmax output")}");
            }

            // The model fixes the structure; --hidden may only repeat it (the docs' own command
            // does), anything else would be an option that silently does nothing.
            string modelLayers = string.Join("-", Enumerable.Range(0, learner.Network.LayerCount).Select(learner.Network.GetLayerSize));
            string optionLayers = string.Join("-", Enumerable.Range(0, built.Learner.Network.LayerCount).Select(built.Learner.Network.GetLayerSize));
            if (modelLayers != optionLayers)
            {
                throw new CliError($"--start-model: the model is {modelLayers}; the options give {optionLayers} (leave --hidden out or give the model's)");
            }

            learner.Network.LearningRate = built.Learner.Network.LearningRate;
            if ((learner.Network.Options & NetworkOptions.Momentum) != 0)
            {
                learner.Network.Momentum = built.Learner.Network.Momentum;
            }
            else if (built.Learner.Network.Momentum != 0)
            {
                throw new CliError("--start-model: the model was saved without momentum buffers; --momentum must be 0 with it");
            }

            return learner;
        }
        catch (InvalidModelException error)
        {
            throw new CliError($"--start-model: {path}: {error.Message}");
        }
    }

    /// <summary>
    /// Predict, then learn, every row in order. K-class (softmax) models: <paramref name="classLabels"/>
    /// (each row's class) and <paramref name="classNames"/>; the prediction is the largest output's index.
    /// </summary>
    public static Result Run(OnlineLearner learner, int[][] raw, int[][] targets, double targetUnits, string? plotPath, int[]? classLabels = null, string[]? classNames = null)
    {
        var predictedClasses = new int[raw.Length];
        int rows = raw.Length;
        var accuracy = new double[rows];
        var loss = new double[rows];
        int correct = 0;
        double lossSum = 0;
        double squares = 0;
        bool classification = learner.Task == LearnerTask.Classification;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int row = 0; row < rows; row++)
        {
            if (classLabels != null)
            {
                predictedClasses[row] = Softmax.ArgMax(learner.Predict(raw[row]));
                correct += predictedClasses[row] == classLabels[row] ? 1 : 0;
                accuracy[row] = (double)correct / (row + 1);
            }
            else if (classification)
            {
                correct += (learner.Predict(raw[row])[0] >= Q16.Half ? Q16.One : 0) == targets[row][0] ? 1 : 0;
                accuracy[row] = (double)correct / (row + 1);
            }
            else
            {
                double error = (learner.Predict(raw[row])[0] - (double)targets[row][0]) / targetUnits;
                squares += error * error;
            }

            lossSum += Q16.ToDouble(learner.Learn(raw[row], targets[row]));
            loss[row] = Q16.ToDouble(learner.RunningLoss);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (plotPath != null)
        {
            OutputFile.WriteAll((plotPath, classification
                ? Plots.Curves("Prequential replay", "row", "accuracy so far / running loss", ("prequential accuracy", accuracy), ("running ½(y - t)²", loss))
                : Plots.Curves("Prequential replay", "row", "running ½(y - t)²", ("running ½(y - t)²", loss))));
        }

        return new Result("replay", classification ? "classification" : "regression", rows, classification ? (double)correct / rows : null,
            classification ? null : Math.Sqrt(squares / rows), lossSum / rows, Q16.ToDouble(learner.RunningLoss), learner.Rollbacks,
            learner.Scaler.SaturatedReadings, rows / seconds, BuildInfo.Configuration, plotPath)
        {
            Classes = classLabels != null ? ClassMetrics.Of(classNames!, classLabels, predictedClasses) : null,
        };
    }
}
