using System.CommandLine;
using NanoBackprop.Reference;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop eval`: a model on a CSV, fixed point beside the same weights in double.</summary>
public static class EvalCommand
{
    /// <summary>Confusion counts of a binary classifier (positive = label 1).</summary>
    public sealed record Confusion(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives);

    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, string Task, int Rows, double? FixedAccuracy, double? DoubleAccuracy, double? FixedRmse, double? DoubleRmse,
        double FixedLoss, double DoubleLoss, double MaxOutputDifference, double PredictionAgreement, Confusion? FixedConfusion)
    {
        /// <summary>K-class (softmax) models: the fixed-point predictions scored by class (confusion matrix, recall, F1); else null and not printed.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public ClassMetrics? Classes { get; init; }
    }

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var model = new Option<string>("--model") { Description = "Model file (.nbp)", Required = true };
        var data = new Option<string>("--data") { Description = "CSV file", Required = true };
        var features = new Option<string?>("--features") { Description = "Feature columns (default: those the model was trained on, from its .nbp.json)" };
        var label = new Option<string?>("--label") { Description = "Label column (default: the model's)" };
        var units = new Option<string?>("--units") { Description = "Raw integer units per CSV value of each feature, e.g. 100,100,10,10,1e6 (default: the model's, from its .nbp.json)" };
        var targetUnits = new Option<double?>("--target-units") { Description = "Regression: raw units per value of the label (default: the model's)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("eval", "Evaluate a model on a CSV: accuracy or RMSE, loss, confusion matrix; fixed point beside double") { model, data, features, label, units, targetUnits, json };
        command.SetAction(parse =>
        {
            string modelPath = parse.GetValue(model)!;
            var file = ModelFile.Load(modelPath);
            var columns = Columns.Resolve(file, modelPath, parse.GetValue(features), parse.GetValue(label), parse.GetValue(units), parse.GetValue(targetUnits));
            var dataset = CsvDataset.Load(parse.GetValue(data)!, columns.Features, columns.Label, textLabels: file.ClassNames != null);
            int nonBinary = dataset.FirstNonBinaryRow;
            if (file.Learner.Task == LearnerTask.Classification && file.ClassNames == null && nonBinary >= 0)
            {
                throw new CliError($"label '{columns.Label}' is {dataset.Labels[nonBinary]} in row {dataset.Lines[nonBinary]}; the model is a binary classifier and needs labels 0 or 1");
            }

            var result = Run(file, dataset, columns);
            if (parse.GetValue(json))
            {
                output.Json(result);
                return 0;
            }

            var table = new Table().AddColumns("", "fixed point (the board)", "double (same weights)", "difference");
            if (result.FixedAccuracy is double fixedAccuracy && result.DoubleAccuracy is double doubleAccuracy)
            {
                table.AddRow("accuracy", $"{fixedAccuracy:P2}", $"{doubleAccuracy:P2}", $"{(fixedAccuracy - doubleAccuracy) * 100:+0.00;-0.00} pp");
            }
            else
            {
                table.AddRow("RMSE", $"{result.FixedRmse:G5}", $"{result.DoubleRmse:G5}", $"{result.FixedRmse - result.DoubleRmse:G3}");
            }

            table.AddRow("loss", $"{result.FixedLoss:F5}", $"{result.DoubleLoss:F5}", $"{result.FixedLoss - result.DoubleLoss:E2}");
            table.AddRow("largest output difference", "", "", $"{result.MaxOutputDifference:E2}");
            table.AddRow("same prediction", "", "", $"{result.PredictionAgreement:P2}");
            output.Console.Write(table);
            if (result.FixedConfusion is { } c)
            {
                var confusion = new Table().AddColumns("fixed point", "predicted 1", "predicted 0");
                confusion.AddRow("actual 1", c.TruePositives.ToString(), c.FalseNegatives.ToString());
                confusion.AddRow("actual 0", c.FalsePositives.ToString(), c.TrueNegatives.ToString());
                output.Console.Write(confusion);
            }

            result.Classes?.Write(output.Console, "fixed point");

            return 0;
        });
        return command;
    }

    /// <summary>Evaluates with frozen statistics: the scaler as trained, no learning.</summary>
    public static Result Run(ModelFile file, CsvDataset data, Columns columns)
    {
        var learner = file.Learner;
        string[]? classNames = file.ClassNames;
        if (classNames != null)
        {
            return RunClasses(file, data, columns, classNames);
        }

        learner.Scaler.Frozen = true;
        var reference = ReferenceMlp.FromNetwork(learner.Network);
        bool classification = learner.Task == LearnerTask.Classification;
        double[] units = columns.UnitsPerValue;
        var scaled = new int[learner.Network.InputCount];
        int fixedCorrect = 0, doubleCorrect = 0, agree = 0, tp = 0, fp = 0, fn = 0, tn = 0;
        double fixedLoss = 0, doubleLoss = 0, fixedSquares = 0, doubleSquares = 0, maxDifference = 0;
        for (int row = 0; row < data.Count; row++)
        {
            int[] raw = FeatureUnits.ToRaw(data.Values[row], units, data.Features, data.Lines[row]);
            double fixedOutput = Q16.ToDouble(learner.Network.Forward(Scale(learner, raw, scaled))[0]);
            double doubleOutput = reference.Forward(scaled.Select(Q16.ToDouble).ToArray())[0];
            maxDifference = Math.Max(maxDifference, Math.Abs(fixedOutput - doubleOutput));
            double label = data.Labels[row];
            if (classification)
            {
                int fixedPrediction = fixedOutput >= 0.5 ? 1 : 0;
                int doublePrediction = doubleOutput >= 0.5 ? 1 : 0;
                fixedCorrect += fixedPrediction == (int)label ? 1 : 0;
                doubleCorrect += doublePrediction == (int)label ? 1 : 0;
                agree += fixedPrediction == doublePrediction ? 1 : 0;
                tp += fixedPrediction == 1 && label == 1 ? 1 : 0;
                fp += fixedPrediction == 1 && label == 0 ? 1 : 0;
                fn += fixedPrediction == 0 && label == 1 ? 1 : 0;
                tn += fixedPrediction == 0 && label == 0 ? 1 : 0;
                fixedLoss += CrossEntropy(fixedOutput, label);
                doubleLoss += CrossEntropy(doubleOutput, label);
            }
            else
            {
                double fixedValue = Unscale(learner, fixedOutput, columns.TargetUnitsPerValue);
                double doubleValue = Unscale(learner, doubleOutput, columns.TargetUnitsPerValue);
                fixedSquares += (fixedValue - label) * (fixedValue - label);
                doubleSquares += (doubleValue - label) * (doubleValue - label);
                double target = Q16.ToDouble(learner.TargetScaler!.ScaleValue(0, FeatureUnits.ToRaw([label], [columns.TargetUnitsPerValue], [data.Label], data.Lines[row])[0]));
                fixedLoss += 0.5 * (fixedOutput - target) * (fixedOutput - target);
                doubleLoss += 0.5 * (doubleOutput - target) * (doubleOutput - target);
                agree++;
            }
        }

        int n = data.Count;
        return new Result("eval", classification ? "classification" : "regression", n,
            classification ? (double)fixedCorrect / n : null, classification ? (double)doubleCorrect / n : null,
            classification ? null : Math.Sqrt(fixedSquares / n), classification ? null : Math.Sqrt(doubleSquares / n),
            fixedLoss / n, doubleLoss / n, maxDifference, (double)agree / n, classification ? new Confusion(tp, fp, fn, tn) : null);
    }

    // A K-class (softmax) model: the class is the largest output's index (the first of equal ones);
    // the loss is the categorical cross-entropy -ln y_label; the largest output difference is over every output.
    private static Result RunClasses(ModelFile file, CsvDataset data, Columns columns, string[] classNames)
    {
        var learner = file.Learner;
        int[] labels = ClassLabels.Map(classNames, data);
        learner.Scaler.Frozen = true;
        var reference = ReferenceMlp.FromNetwork(learner.Network);
        var scaled = new int[learner.Network.InputCount];
        var fixedPredicted = new int[data.Count];
        var doublePredicted = new int[data.Count];
        double fixedLoss = 0, doubleLoss = 0, maxDifference = 0;
        for (int row = 0; row < data.Count; row++)
        {
            int[] raw = FeatureUnits.ToRaw(data.Values[row], columns.UnitsPerValue, data.Features, data.Lines[row]);
            int[] fixedOutputs = learner.Network.Forward(Scale(learner, raw, scaled));
            double[] doubleOutputs = reference.Forward(scaled.Select(Q16.ToDouble).ToArray());
            for (int j = 0; j < doubleOutputs.Length; j++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(Q16.ToDouble(fixedOutputs[j]) - doubleOutputs[j]));
            }

            fixedPredicted[row] = Softmax.ArgMax(fixedOutputs);
            doublePredicted[row] = Array.IndexOf(doubleOutputs, doubleOutputs.Max());
            fixedLoss += -Math.Log(Math.Max(Q16.ToDouble(fixedOutputs[labels[row]]), 1e-12));
            doubleLoss += -Math.Log(Math.Max(doubleOutputs[labels[row]], 1e-12));
        }

        int n = data.Count;
        var metrics = ClassMetrics.Of(classNames, labels, fixedPredicted);
        int doubleCorrect = Enumerable.Range(0, n).Count(r => doublePredicted[r] == labels[r]);
        int agree = Enumerable.Range(0, n).Count(r => doublePredicted[r] == fixedPredicted[r]);
        return new Result("eval", "classification", n, metrics.Accuracy, (double)doubleCorrect / n, null, null,
            fixedLoss / n, doubleLoss / n, maxDifference, (double)agree / n, null)
        {
            Classes = metrics,
        };
    }

    private static int[] Scale(OnlineLearner learner, int[] raw, int[] scaled)
    {
        learner.Scaler.Scale(raw, scaled);
        return scaled;
    }

    private static double Unscale(OnlineLearner learner, double standardised, double unitsPerValue) =>
        learner.TargetScaler!.Unscale(0, Q16.FromDouble(standardised)) / unitsPerValue;

    private static double CrossEntropy(double y, double t)
    {
        const double Floor = 1e-12;
        return -(t * Math.Log(Math.Max(y, Floor)) + (1 - t) * Math.Log(Math.Max(1 - y, Floor)));
    }
}
