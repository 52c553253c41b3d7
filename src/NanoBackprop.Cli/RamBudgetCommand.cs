using System.CommandLine;

namespace NanoBackprop.Cli;

/// <summary>`nanobackprop ram-budget`: nanoCLR heap per network and option set against the heap an ESP32 leaves.</summary>
public static class RamBudgetCommand
{
    /// <summary>One network's row.</summary>
    public sealed record Row(string Network, int Parameters, Dictionary<string, int> Bytes, int BoardAppBytes);

    /// <summary>The result printed by --json.</summary>
    public sealed record Result(string Command, int ConservativeFreeHeapBytes, int OptimisticFreeHeapBytes, int InternalRamHeapCapBytes, Row[] Rows);

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
            output.Json(new Result("ram-budget", RamBudget.ConservativeFreeHeapBytes, RamBudget.OptimisticFreeHeapBytes, RamBudget.InternalRamHeapCapBytes, rows));
            return 0;
        });
        return command;
    }
}
