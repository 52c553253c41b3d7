using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop ram-budget`: nanoCLR heap per network and option set against the heap an ESP32 leaves.</summary>
public static class RamBudgetCommand
{
    /// <summary>One network's row.</summary>
    public sealed record Row(string Network, int Parameters, Dictionary<string, int> Bytes, int BoardAppBytes);

    /// <summary>The result printed by --json: the table and every line printed below it.</summary>
    public sealed record Result(string Command, int ConservativeFreeHeapBytes, int OptimisticFreeHeapBytes, int InternalRamHeapCapBytes, Row[] Rows,
        RamBudget.WidestHidden WidestHiddenInConservativeHeap, int BoardApp64_64_10WithoutRobustStart32Bit, int BoardApp64_64_10WithoutRobustStart16Bit,
        Dictionary<string, int> SoftmaxBoardAppBytes);

    /// <summary>Builds the command.</summary>
    public static Command Create(CliOutput output)
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("ram-budget", "nanoCLR heap per network and option set against the heap an ESP32 leaves (docs/BOARDS.md)") { json };
        command.SetAction(parse =>
        {
            if (!parse.GetValue(json))
            {
                RamBudget.Write(output.Out);
                return 0;
            }

            var rows = RamBudget.Compute().Select(r => new Row(r.Name, r.Parameters,
                RamBudget.OptionSets.Select((o, k) => (o.Name, r.Bytes[k])).ToDictionary(p => p.Name, p => p.Item2), r.BoardAppBytes)).ToArray();
            var softmax = RamBudget.SoftmaxClasses.ToDictionary(k => "16-12-" + k, k => RamBudget.SoftmaxBoardAppBytes(new[] { 16, 12, k }));
            output.Json(new Result("ram-budget", RamBudget.ConservativeFreeHeapBytes, RamBudget.OptimisticFreeHeapBytes, RamBudget.InternalRamHeapCapBytes, rows,
                RamBudget.Widest(), RamBudget.BoardApp(RamBudget.Wide, NetworkOptions.None, robustStart: false),
                RamBudget.BoardApp(RamBudget.Wide, NetworkOptions.NarrowWeights, robustStart: false), softmax));
            return 0;
        });
        return command;
    }
}
