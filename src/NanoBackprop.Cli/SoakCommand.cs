using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop soak`: a long drifting stream through the learner.</summary>
public static class SoakCommand
{
    /// <summary>The most steps a soak takes (about an hour and a half at the Release speed).</summary>
    public const long MaxSteps = 1_000_000_000;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var steps = new Option<long>("--steps") { Description = $"Learning steps (10 to {MaxSteps:N0})", DefaultValueFactory = _ => 10_000_000 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var weightsOption = WeightFormat.CreateOption();
        var command = new Command("soak", "A long drifting stream through the learner (10 drifts)") { steps, weightsOption, json };
        command.SetAction(parse =>
        {
            long count = OptionChecks.Range(parse.GetValue(steps), "--steps", 10L, MaxSteps);
            var result = Soak.Run(count, count / 10, 1, WeightFormat.Parse(parse.GetValue(weightsOption)));
            if (parse.GetValue(json))
            {
                output.Json(result);
            }
            else
            {
                Soak.Write(output.Out, result);
            }

            return 0;
        });
        return command;
    }
}
