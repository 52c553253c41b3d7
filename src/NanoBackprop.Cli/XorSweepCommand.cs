using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop xor-sweep`: XOR success over 100 seeds for several learning rates, both rounding modes.</summary>
public static class XorSweepCommand
{
    /// <summary>One setting's outcome.</summary>
    public sealed record Row(int HiddenNeurons, double LearningRate, int Epochs, string Rounding, int Seeds, int FixedSuccesses, int DoubleSuccesses, double FixedMedianMse, double DoubleMedianMse);

    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, Row[] Rows);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var weightsOption = new Option<int>("--weight-bits") { Description = "Weight storage of the fixed-point engine: 32 (Q16.16) or 16 (16-bit block floating point)", DefaultValueFactory = _ => 32 };
        var command = new Command("xor-sweep", "XOR success over 100 seeds for several learning rates, both rounding modes") { weightsOption, json };
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json);
            int bits = parse.GetValue(weightsOption);
            if (bits != 32 && bits != 16)
            {
                throw new CliError("--weight-bits must be 32 or 16; it is " + bits);
            }

            NetworkOptions weights = bits == 16 ? NetworkOptions.NarrowWeights : NetworkOptions.None;
            if (!asJson)
            {
                output.Out.WriteLine("hidden  lr     epochs  rounding    fixed ok  double ok  fixed median MSE  double median MSE");
            }

            var rows = new List<Row>();
            foreach (int hidden in new[] { 2, 3 })
            {
                foreach (double rate in new[] { 0.5, 1.0, 2.0 })
                {
                    foreach (bool stochastic in new[] { false, true })
                    {
                        var outcome = XorExperiment.Run(new XorExperiment.Settings(hidden, rate, 5000, stochastic, weights), 100);
                        var row = new Row(hidden, rate, 5000, stochastic ? "stochastic" : "nearest", outcome.Seeds, outcome.FixedSuccesses, outcome.ReferenceSuccesses,
                            outcome.FixedMedianMse, outcome.ReferenceMedianMse);
                        rows.Add(row);
                        if (!asJson)
                        {
                            output.Out.WriteLine($"2-{hidden}-1   {rate,-5}  5000    {row.Rounding,-10}  {row.FixedSuccesses,8}  {row.DoubleSuccesses,9}  {row.FixedMedianMse,16:E2}  {row.DoubleMedianMse,17:E2}");
                        }
                    }
                }
            }

            if (asJson)
            {
                output.Json(new Result("xor-sweep", rows.ToArray()));
            }

            return 0;
        });
        return command;
    }
}
