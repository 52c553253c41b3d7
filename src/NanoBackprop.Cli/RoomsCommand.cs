using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>
/// `nanobackprop rooms`: the second demo. A 4-class softmax network trained on the December rows of
/// the room-occupancy stream, exported as a board loads it, then run on the January rows: predict
/// every row, learn from every 20th. Fixed point beside its double twin, seeds 0-9.
/// </summary>
public static class RoomsCommand
{
    /// <summary>Medians over the seeds of one day's (or the whole run's) figures, in percent.</summary>
    public sealed record Figures(string Date, int Rows, double FrozenAccuracy, double FrozenBalanced, double LearningAccuracy, double LearningBalanced,
        double LastLabelAccuracy, double LastLabelBalanced, double FrozenDoubleAccuracy, double FrozenDoubleBalanced, double LearningDoubleAccuracy, double LearningDoubleBalanced,
        double FrozenAllDoubleAccuracy, double FrozenAllDoubleBalanced, double LearningAllDoubleAccuracy, double LearningAllDoubleBalanced);

    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, int Seeds, int Epochs, double TrainRate, double BoardRate, int LabelEvery, int ReplayRows, int BlobBytes, int BoardRamBytes,
        Figures[] Days, Figures Whole, Figures[] WholePerSeed, string Build);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        RoomsReplay.Settings d = RoomsReplay.Default;
        var epochs = new Option<int>("--epochs") { Description = "Passes over the December rows on the desktop", DefaultValueFactory = _ => d.Epochs };
        var rate = new Option<double>("--lr") { Description = "Learning rate on the desktop", DefaultValueFactory = _ => d.TrainRate };
        var boardRate = new Option<double>("--board-lr") { Description = "Learning rate of the board's learner in January", DefaultValueFactory = _ => d.BoardRate };
        var every = new Option<int>("--label-every") { Description = "The board learns from January rows 0, n, 2n, …", DefaultValueFactory = _ => d.LabelEvery };
        var replay = new Option<int>("--replay") { Description = "Labelled January readings kept and replayed with each new label (0 = none)", DefaultValueFactory = _ => d.ReplayRows };
        var seeds = new Option<int>("--seeds") { Description = "Seeds 0 to n-1", DefaultValueFactory = _ => 10 };
        var png = new Option<string?>("--png") { Description = "Write seed 0's January accuracy curves to this PNG" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("rooms", "Second demo: how many people (0-3) from 16 sensors; December-trained softmax model learning on the board in January")
        {
            epochs, rate, boardRate, every, replay, seeds, png, json,
        };
        command.SetAction(parse =>
        {
            var settings = new RoomsReplay.Settings(
                OptionChecks.Range(parse.GetValue(epochs), "--epochs", 1, 1000),
                Q16.ToDouble(OptionChecks.Rate(parse.GetValue(rate), "--lr")),
                Q16.ToDouble(OptionChecks.Rate(parse.GetValue(boardRate), "--board-lr")),
                OptionChecks.Range(parse.GetValue(every), "--label-every", 1, 100000),
                OptionChecks.Range(parse.GetValue(replay), "--replay", 0, 4096));
            int seedCount = OptionChecks.Range(parse.GetValue(seeds), "--seeds", 1, 100);
            string? plot = parse.GetValue(png) is string path ? OutputFile.Check(path, "--png") : null;
            var data = RoomsData.LoadEmbedded();
            var runs = new RoomsReplay.Result[seedCount];
            Parallel.For(0, seedCount, seed => runs[seed] = RoomsReplay.Run(data, seed, settings));
            Figures[] days = Enumerable.Range(0, runs[0].Days.Length).Select(i => Summarise(runs.Select(r => r.Days[i]).ToArray())).ToArray();
            Figures whole = Summarise(runs.Select(r => r.Whole).ToArray());
            if (plot != null)
            {
                RoomsReplay.Result seed0 = runs[0];
                OutputFile.WriteAll((plot, Plots.Curves("Room occupancy, January, seed 0: accuracy so far (board learns from every " + settings.LabelEvery + "th row)",
                    "January row", "accuracy so far", ("learning on the board (Q16.16)", seed0.LearningCurve), ("its double twin (same blob)", seed0.LearningDoubleCurve), ("all double (December too), learning", seed0.LearningAllDoubleCurve),
                    ("frozen December model (Q16.16)", seed0.FrozenCurve), ("repeat the last label", seed0.LastLabelCurve))));
            }

            if (parse.GetValue(json))
            {
                output.Json(new Result("rooms", seedCount, settings.Epochs, settings.TrainRate, settings.BoardRate, settings.LabelEvery, settings.ReplayRows,
                    runs[0].BlobBytes, runs[0].BoardRamBytes, days, whole, runs.Select(r => Summarise(new[] { r.Whole })).ToArray(), BuildInfo.Configuration));
                return 0;
            }

            TextWriter o = output.Out;
            o.WriteLine("Room occupancy (UCI Room Occupancy Estimation, CC BY 4.0): 16-12-4 tanh/softmax, categorical cross-entropy");
            o.WriteLine($"  desktop: {settings.Epochs} epochs over the {data.Dates.Count(x => x.StartsWith("2017", StringComparison.Ordinal))} December rows at rate {settings.TrainRate:0.####}, class balance on");
            o.WriteLine($"  board: the model blob ({runs[0].BlobBytes} bytes) read into a fresh learner; January in file order, predict every row, learn from every {settings.LabelEvery}th (rate {settings.BoardRate:0.####}"
                + (settings.ReplayRows > 0 ? $", replaying the last {settings.ReplayRows} labelled readings with each label" : "") + $"); board app RAM {runs[0].BoardRamBytes:N0} bytes"
                + (settings.ReplayRows > 0 ? $" ({RoomsReplay.ReplayBufferBytes(settings.ReplayRows):N0} of them the replay buffer)" : ""));
            o.WriteLine($"  medians over seeds 0-{seedCount - 1}, accuracy / balanced accuracy in %:");
            o.WriteLine("  | day | rows | frozen | learning | last label | learning (double, same blob) | frozen (all double) | learning (all double) |");
            o.WriteLine("  |---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (Figures f in days.Append(whole))
            {
                o.WriteLine($"  | {f.Date} | {f.Rows} | {f.FrozenAccuracy:F1} / {f.FrozenBalanced:F1} | {f.LearningAccuracy:F1} / {f.LearningBalanced:F1} | "
                    + $"{f.LastLabelAccuracy:F1} / {f.LastLabelBalanced:F1} | {f.LearningDoubleAccuracy:F1} / {f.LearningDoubleBalanced:F1} | "
                    + $"{f.FrozenAllDoubleAccuracy:F1} / {f.FrozenAllDoubleBalanced:F1} | {f.LearningAllDoubleAccuracy:F1} / {f.LearningAllDoubleBalanced:F1} |");
            }

            o.WriteLine($"  whole run, fixed - double from the same blob (the board's arithmetic): frozen {Gap(whole.FrozenAccuracy, whole.FrozenDoubleAccuracy)} / {Gap(whole.FrozenBalanced, whole.FrozenDoubleBalanced)} pp, "
                + $"learning {Gap(whole.LearningAccuracy, whole.LearningDoubleAccuracy)} / {Gap(whole.LearningBalanced, whole.LearningDoubleBalanced)} pp");
            o.WriteLine($"  whole run, fixed - all double (December trained in double too): frozen {Gap(whole.FrozenAccuracy, whole.FrozenAllDoubleAccuracy)} / {Gap(whole.FrozenBalanced, whole.FrozenAllDoubleBalanced)} pp, "
                + $"learning {Gap(whole.LearningAccuracy, whole.LearningAllDoubleAccuracy)} / {Gap(whole.LearningBalanced, whole.LearningAllDoubleBalanced)} pp");
            if (plot != null)
            {
                o.WriteLine($"  wrote {Path.GetFullPath(plot)} (seed 0's January curves)");
            }

            return 0;
        });
        return command;
    }

    private static Figures Summarise(RoomsReplay.Day[] days) => new(
        days[0].Date, days[0].Rows,
        Median(days, d => d.Frozen.Accuracy), Median(days, d => d.Frozen.BalancedAccuracy),
        Median(days, d => d.Learning.Accuracy), Median(days, d => d.Learning.BalancedAccuracy),
        Median(days, d => d.LastLabel.Accuracy), Median(days, d => d.LastLabel.BalancedAccuracy),
        Median(days, d => d.FrozenDouble.Accuracy), Median(days, d => d.FrozenDouble.BalancedAccuracy),
        Median(days, d => d.LearningDouble.Accuracy), Median(days, d => d.LearningDouble.BalancedAccuracy),
        Median(days, d => d.FrozenAllDouble.Accuracy), Median(days, d => d.FrozenAllDouble.BalancedAccuracy),
        Median(days, d => d.LearningAllDouble.Accuracy), Median(days, d => d.LearningAllDouble.BalancedAccuracy));

    private static string Gap(double fixedPoint, double twin) => (fixedPoint - twin).ToString("+0.00;-0.00;0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static double Median(RoomsReplay.Day[] days, Func<RoomsReplay.Day, double> pick)
    {
        double[] sorted = days.Select(pick).OrderBy(v => v).ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return Math.Round(100 * median, 2);
    }
}
