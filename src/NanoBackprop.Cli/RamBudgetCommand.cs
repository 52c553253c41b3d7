using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop ram-budget`: nanoCLR heap per network and option set against the heap an ESP32 leaves.</summary>
public static class RamBudgetCommand
{
    /// <summary>One network's row.</summary>
    public sealed record Row(string Network, int Parameters, Dictionary<string, int> Bytes, int BoardAppBytes);

    /// <summary>The widest H for which 64-H-10 fits the conservative free heap, as the table's text line says.</summary>
    public sealed record WidestHidden(int Lean32Bit, int Lean16Bit, int BoardApp32Bit, int BoardApp16Bit, int BoardAppWithoutRobustStart32Bit, int BoardAppWithoutRobustStart16Bit);

    /// <summary>The result printed by --json: the table and every line printed below it.</summary>
    public sealed record Result(string Command, int ConservativeFreeHeapBytes, int OptimisticFreeHeapBytes, int InternalRamHeapCapBytes, Row[] Rows,
        WidestHidden WidestHiddenInConservativeHeap, int BoardApp64_64_10WithoutRobustStart32Bit, int BoardApp64_64_10WithoutRobustStart16Bit,
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
            int budget = RamBudget.ConservativeFreeHeapBytes;
            var widest = new WidestHidden(
                RamBudget.LargestHidden(NetworkOptions.None, false, budget), RamBudget.LargestHidden(NetworkOptions.NarrowWeights, false, budget),
                RamBudget.LargestHidden(NetworkOptions.None, true, budget), RamBudget.LargestHidden(NetworkOptions.NarrowWeights, true, budget),
                RamBudget.LargestHidden(NetworkOptions.None, true, budget, robustStart: false), RamBudget.LargestHidden(NetworkOptions.NarrowWeights, true, budget, robustStart: false));
            int[] wide = { 64, 64, 10 };
            var softmax = new[] { 2, 4, 8 }.ToDictionary(k => "16-12-" + k, k => RamBudget.SoftmaxBoardAppBytes(new[] { 16, 12, k }));
            output.Json(new Result("ram-budget", budget, RamBudget.OptimisticFreeHeapBytes, RamBudget.InternalRamHeapCapBytes, rows, widest,
                RamBudget.BoardApp(wide, NetworkOptions.None, robustStart: false), RamBudget.BoardApp(wide, NetworkOptions.NarrowWeights, robustStart: false), softmax));
            return 0;
        });
        return command;
    }
}
