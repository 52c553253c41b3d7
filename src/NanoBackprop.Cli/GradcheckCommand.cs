using System.CommandLine;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop gradcheck`: fixed-point gradients of random nets against the double reference.</summary>
public static class GradcheckCommand
{
    /// <summary>The most nets a run checks.</summary>
    public const int MaxCount = 100_000;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var count = new Option<int>("--count") { Description = $"Random nets to check (1 to {MaxCount:N0})", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random nets", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("gradcheck", "Fixed-point gradients of random nets against the double reference") { count, seed, json };
        command.SetAction(parse =>
        {
            var summary = GradientCheck.Run(OptionChecks.Range(parse.GetValue(count), "--count", 1, MaxCount), parse.GetValue(seed));
            if (parse.GetValue(json))
            {
                output.Json(summary);
                return 0;
            }

            var table = new Table().AddColumns("relative error ‖g_fix - g_ref‖ / ‖g_ref‖", "");
            table.AddRow("nets (skipped: out of Q16.16 range or at a ReLU kink)", $"{summary.Nets} ({summary.Skipped})");
            table.AddRow("layers with ‖g_ref‖ ≥ 1e-2", summary.Layers.ToString());
            table.AddRow("median", $"{summary.MedianRelativeError:E2}");
            table.AddRow("p99", $"{summary.P99RelativeError:E2}");
            table.AddRow("max", $"{summary.MaxRelativeError:E2}");
            table.AddRow("worst ‖g_fix - g_ref‖ / bound (every layer; bound in docs/ENGINE.md)", $"{summary.WorstBoundRatio:F3}");
            table.AddRow("mean signed error where |g| < 1", $"{summary.MeanSignedErrorLsb:+0.0000;-0.0000} LSB");
            output.Console.Write(table);
            return 0;
        });
        return command;
    }
}
