using System.Diagnostics;

namespace NanoBackprop.Emulator;

/// <summary>
/// nanoFramework's metadata processor: turns a compiled assembly into the <c>.pe</c> file nanoCLR
/// (and a board) loads, and the <c>.pdbx</c> the debugger reads.
/// </summary>
public static class MetadataProcessor
{
    /// <summary>
    /// Makes <paramref name="assembly"/>'s .pe (and .pdbx) beside its .dll. Every assembly it
    /// references must be among <paramref name="references"/> (the processor needs a load hint for
    /// each, and aborts without one).
    /// </summary>
    /// <exception cref="NanoBuildException">The processor failed; the message has its output's tail.</exception>
    public static void MakePe(NanoFrameworkHome home, NanoAssembly assembly, IEnumerable<NanoAssembly> references)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(home.MetadataProcessor);
        foreach (NanoAssembly reference in references.DistinctBy(r => r.Name))
        {
            start.ArgumentList.Add("-loadHints");
            start.ArgumentList.Add(reference.Name);
            start.ArgumentList.Add(Path.GetFullPath(reference.Dll));
        }

        start.ArgumentList.Add("-parse");
        start.ArgumentList.Add(Path.GetFullPath(assembly.Dll));
        start.ArgumentList.Add("-compile");
        start.ArgumentList.Add(Path.GetFullPath(assembly.Pe));
        start.ArgumentList.Add("false");
        File.Delete(assembly.Pe);
        ToolRun run = ToolRun.Start(start, TimeSpan.FromMinutes(2));
        if (run.TimedOut || run.ExitCode != 0 || !File.Exists(assembly.Pe))
        {
            throw new NanoBuildException("the metadata processor failed on " + assembly.Name
                + (run.TimedOut ? " (timed out)" : " (exit " + run.ExitCode + ")") + ": " + ToolRun.Tail(run.Output, 12));
        }
    }
}
