using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>Entry point of the `nanobackprop` tool.</summary>
public static class Program
{
    /// <summary>Runs a command; `demo` when none is given.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>
    /// The commands, one file each (XxxCommand.cs), every setting a named option parsed by
    /// System.CommandLine.
    /// </summary>
    public static Command[] Commands(CliOutput output) =>
    [
        DemoCommand.Create(output), SeedsCommand.Create(output), TrainCommand.Create(output), EvalCommand.Create(output),
        ReplayCommand.Create(output), ExportCommand.Create(output), InspectCommand.Create(output), GradcheckCommand.Create(output),
        OccupancyCommand.Create(output), RoomsCommand.Create(output), SoakCommand.Create(output), XorSweepCommand.Create(output), RamBudgetCommand.Create(output),
        NfPackageCommand.Create(output), DeploySetCommand.Create(output),
    ];

    /// <summary>
    /// Runs a command line against the given writers: what tests call. Any failure, a usage
    /// mistake included, prints exactly one line "nanobackprop: ..." on <paramref name="error"/>
    /// and returns 1, never a stack trace.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive = false)
    {
        var cli = new CliOutput(output, error, interactive);
        var root = new RootCommand("nanobackprop: train, check and export fixed-point networks that learn on the microcontroller");
        foreach (var command in Commands(cli))
        {
            root.Subcommands.Add(command);
        }

        try
        {
            var parsed = root.Parse(args.Length == 0 ? ["demo"] : args);
            if (parsed.Errors.Count > 0)
            {
                // The parser would print every error and the help; one line is the contract.
                // A stray token explains the others ("required command was not provided"): it goes first.
                string command = parsed.CommandResult.Command == root ? "" : " " + parsed.CommandResult.Command.Name;
                var messages = parsed.Errors.Select(e => e.Message).OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).Distinct();
                return Fail(error, $"{string.Join(" ", messages)} (see 'nanobackprop{command} --help')");
            }

            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception failure)
        {
            return Fail(error, Describe(failure));
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        // One line whatever the message holds (a path or a library message with a line break).
        error.WriteLine("nanobackprop: " + string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        return 1;
    }

    // The line for an exception: user-facing errors as they are; anything else still one line,
    // marked as a fault of the tool so that it is reported rather than mistaken for bad input.
    private static string Describe(Exception failure)
    {
        while (failure is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            failure = aggregate.InnerExceptions[0];
        }

        return failure switch
        {
            CliError => failure.Message,
            IOException or UnauthorizedAccessException => failure.Message,
            OutOfMemoryException => "out of memory: " + failure.Message,
            _ => $"internal error ({failure.GetType().Name}: {failure.Message}); please report it",
        };
    }
}
