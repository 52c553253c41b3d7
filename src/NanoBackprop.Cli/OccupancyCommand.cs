using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop occupancy`: the Occupancy replay over seeds 0-9 with chosen learner settings (for tuning).</summary>
public static class OccupancyCommand
{
    /// <summary>One seed's figures.</summary>
    public sealed record Seed(int Number, double FixedAccuracy, double DoubleAccuracy, double SplitFixedAccuracy, double SplitDoubleAccuracy, int Rollbacks);

    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, string Schedule, double LearningRate, double LearningRateFloor, int DecaySamples, bool ClassBalance, double ConfidenceMargin,
        int Rows, int SplitRows, double FixedMedianAccuracy, double DoubleMedianAccuracy, double SplitFixedMedianAccuracy, double SplitDoubleMedianAccuracy,
        double SplitBaseRate, double FixedRowsPerSecond, string Build, Seed[] Seeds);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var defaults = new LearnerOptions();
        var schedule = new Option<LearningRateSchedule>("--schedule") { Description = "Learning-rate schedule: Constant, InverseTime or Step", DefaultValueFactory = _ => defaults.Schedule };
        var rate = new Option<double>("--lr") { Description = "Base learning rate, Q16.16", DefaultValueFactory = _ => Math.Round(Q16.ToDouble(defaults.BaseLearningRate), 4) };
        var floor = new Option<double?>("--lr-floor") { Description = $"Decaying schedules: the rate's floor [default: {Math.Round(Q16.ToDouble(defaults.LearningRateFloor), 4)}]" };
        var decay = new Option<int?>("--decay-samples") { Description = $"Decaying schedules: τ of inverse-time decay, or the interval of step decay, in updates [default: {defaults.DecaySamples}]" };
        var balance = new Option<string?>("--class-balance") { Description = "on or off [default: on]" };
        var margin = new Option<double>("--confidence-margin") { Description = "Skip updates whose prediction is within this of the label, [0, 0.5]", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var weightsOption = WeightFormat.CreateOption();
        var command = new Command("occupancy", "The Occupancy replay over seeds 0-9 with chosen learner settings (for tuning)") { schedule, rate, floor, decay, balance, margin, weightsOption, json };
        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(schedule);
            if (chosen == LearningRateSchedule.Constant && (parse.GetValue(floor) != null || parse.GetValue(decay) != null))
            {
                throw new CliError("--lr-floor and --decay-samples apply to a decaying schedule: give --schedule InverseTime or Step");
            }

            int baseRate = OptionChecks.Rate(parse.GetValue(rate), "--lr");
            int floorRate = parse.GetValue(floor) is double f ? OptionChecks.Rate(f, "--lr-floor") : defaults.LearningRateFloor;
            int decaySamples = OptionChecks.Range(parse.GetValue(decay) ?? defaults.DecaySamples, "--decay-samples", 1, int.MaxValue);
            bool classBalance = OptionChecks.OnOff(parse.GetValue(balance), "--class-balance", true);
            int confidence = OptionChecks.Fraction(parse.GetValue(margin), "--confidence-margin", 0.5, limitIncluded: true);
            LearnerOptions Make() => new()
            {
                Schedule = chosen,
                BaseLearningRate = baseRate,
                LearningRateFloor = chosen == LearningRateSchedule.Constant ? defaults.LearningRateFloor : floorRate,
                DecaySamples = decaySamples,
                ClassBalance = classBalance,
                ConfidenceMargin = confidence,
            };

            // The library's own checks (floor within [MinimumRateFloor, base rate], ...) before the replay starts.
            try
            {
                OccupancyReplay.CreateLearner(0, Make());
            }
            catch (ArgumentException error)
            {
                throw new CliError(error.Message.Replace("BaseLearningRate", "--lr").Replace("LearningRateFloor", "--lr-floor"));
            }

            var data = OccupancyData.LoadEmbedded();
            var summary = OccupancyReport.Run(data, Make, weights: WeightFormat.Parse(parse.GetValue(weightsOption)));
            if (parse.GetValue(json))
            {
                output.Json(new Result("occupancy", chosen.ToString(), Q16.ToDouble(baseRate), Q16.ToDouble(Make().LearningRateFloor), decaySamples, classBalance,
                    Q16.ToDouble(confidence), data.Count, OccupancyReport.SplitRows, summary.FixedMedian, summary.DoubleMedian, summary.SplitFixedMedian,
                    summary.SplitDoubleMedian, summary.Splits[0].BaseRate, summary.Runs.Average(r => r.SamplesPerSecond), BuildInfo.Configuration,
                    summary.Runs.Zip(summary.Splits, (r, s) => new Seed(r.Seed, r.FixedAccuracy, r.DoubleAccuracy, s.FixedAccuracy, s.DoubleAccuracy, r.Rollbacks)).ToArray()));
                return 0;
            }

            output.Out.WriteLine("Occupancy replay (UCI Occupancy Detection, CC BY 4.0): 5-8-1 sigmoid, cross-entropy");
            OccupancyReport.Write(output.Out, summary);
            return 0;
        });
        return command;
    }
}
