using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop seeds`: the worked examples, fixed point beside the double reference.</summary>
public static class SeedsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
        var command = new Command("seeds", "The worked examples (seeds 000-002, NOT, XOR), fixed point beside the double reference") { json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(json))
            {
                output.Json(SeedsDemo.Results());
            }
            else
            {
                SeedsDemo.Run(output.Out);
            }

            return 0;
        });
        return command;
    }
}
