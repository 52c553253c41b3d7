using System.CommandLine;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>Entry point of the `nanobackprop` tool.</summary>
public static class Program
{
    /// <summary>Runs a command; `demo` when none is given.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>
    /// Runs a command line against the given writers: what tests call. Errors print one line on
    /// <paramref name="error"/> and return a non-zero code, never a stack trace.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive = false)
    {
        var cli = new CliOutput(output, error, interactive);
        var root = new RootCommand("nanobackprop: train, check and export fixed-point networks that learn on the microcontroller");
        foreach (var command in new[]
                 {
                     DemoCommand.Create(cli), SeedsCommand(cli), TrainCommand.Create(cli), EvalCommand.Create(cli), ReplayCommand.Create(cli),
                     ExportCommand.Create(cli), InspectCommand.Create(cli), GradcheckCommand(cli), OccupancyCommand(cli), SoakCommand(cli), XorSweepCommand(cli),
                     RamBudgetCommand(cli), NanoFrameworkBuildCommands.Package(cli), NanoFrameworkBuildCommands.DeploySet(cli),
                 })
        {
            root.Subcommands.Add(command);
        }

        try
        {
            var parsed = root.Parse(args.Length == 0 ? ["demo"] : args);
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CliError failure)
        {
            error.WriteLine("nanobackprop: " + failure.Message);
            return 1;
        }
        catch (IOException failure)
        {
            error.WriteLine("nanobackprop: " + failure.Message);
            return 1;
        }
        catch (UnauthorizedAccessException failure)
        {
            error.WriteLine("nanobackprop: " + failure.Message);
            return 1;
        }
    }

    private static Command SeedsCommand(CliOutput output)
    {
        var command = new Command("seeds", "The worked examples (seeds 000-002, NOT, XOR), fixed point beside the double reference");
        command.SetAction(_ => SeedsDemo.Run(output.Out));
        return command;
    }

    private static Command GradcheckCommand(CliOutput output)
    {
        var count = new Option<int>("--count") { Description = "Random nets to check", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random nets", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("gradcheck", "Fixed-point gradients of random nets against the double reference") { count, seed, json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(count) < 1)
            {
                throw new CliError("--count must be at least 1");
            }

            var summary = GradientCheck.Run(parse.GetValue(count), parse.GetValue(seed));
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
            table.AddRow("mean signed error where |g| < 1", $"{summary.MeanSignedErrorLsb:+0.0000;-0.0000} LSB");
            output.Console.Write(table);
            return 0;
        });
        return command;
    }

    // occupancy [Schedule base floor τ on|off [margin]]: the replay with other learner settings.
    private static Command OccupancyCommand(CliOutput output)
    {
        var settings = new Argument<string[]>("settings") { Description = "Schedule, base rate, floor, decay samples, class balance on|off [, confidence margin]", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("occupancy", "The Occupancy replay over seeds 0-9 with chosen learner settings (for tuning)") { settings };
        command.SetAction(parse =>
        {
            string[] values = parse.GetValue(settings) ?? [];
            output.Out.WriteLine("Occupancy replay (UCI Occupancy Detection, CC BY 4.0): 5-8-1 sigmoid, cross-entropy");
            OccupancyReport.Write(output.Out, OccupancyReport.Run(OccupancyData.LoadEmbedded(), () => ParseOptions(values)));
            return 0;
        });
        return command;
    }

    private static LearnerOptions ParseOptions(string[] values)
    {
        var options = new LearnerOptions();
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (values.Length >= 5)
        {
            options.Schedule = Enum.Parse<LearningRateSchedule>(values[0]);
            options.BaseLearningRate = Q16.FromDouble(double.Parse(values[1], culture));
            options.LearningRateFloor = Q16.FromDouble(double.Parse(values[2], culture));
            options.DecaySamples = int.Parse(values[3], culture);
            options.ClassBalance = values[4] == "on";
        }

        if (values.Length >= 6)
        {
            options.ConfidenceMargin = Q16.FromDouble(double.Parse(values[5], culture));
        }

        return options;
    }

    private static Command RamBudgetCommand(CliOutput output)
    {
        var command = new Command("ram-budget", "nanoCLR heap per network and option set against the heap an ESP32 leaves (docs/BOARDS.md)");
        command.SetAction(_ => RamBudget.Write(output.Out));
        return command;
    }

    private static Command SoakCommand(CliOutput output)
    {
        var steps = new Option<long>("--steps") { Description = "Learning steps", DefaultValueFactory = _ => 10_000_000 };
        var command = new Command("soak", "A long drifting stream through the learner (10 drifts)") { steps };
        command.SetAction(parse =>
        {
            long count = parse.GetValue(steps);
            if (count < 10)
            {
                throw new CliError("--steps must be at least 10");
            }

            Soak.Write(output.Out, Soak.Run(count, count / 10, 1));
            return 0;
        });
        return command;
    }

    private static Command XorSweepCommand(CliOutput output)
    {
        var command = new Command("xor-sweep", "XOR success over 100 seeds for several learning rates, both rounding modes");
        command.SetAction(_ =>
        {
            output.Out.WriteLine("hidden  lr     epochs  rounding    fixed ok  double ok  fixed median MSE  double median MSE");
            foreach (int hidden in new[] { 2, 3 })
            {
                foreach (double rate in new[] { 0.5, 1.0, 2.0 })
                {
                    foreach (bool stochastic in new[] { false, true })
                    {
                        var outcome = XorExperiment.Run(new XorExperiment.Settings(hidden, rate, 5000, stochastic), 100);
                        output.Out.WriteLine($"2-{hidden}-1   {rate,-5}  5000    {(stochastic ? "stochastic" : "nearest"),-10}  {outcome.FixedSuccesses,8}  {outcome.ReferenceSuccesses,9}  {outcome.FixedMedianMse,16:E2}  {outcome.ReferenceMedianMse,17:E2}");
                    }
                }
            }
        });
        return command;
    }
}
