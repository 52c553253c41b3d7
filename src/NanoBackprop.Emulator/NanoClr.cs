using System.Diagnostics;
using System.Globalization;

namespace NanoBackprop.Emulator;

/// <summary>
/// Runs .pe files on nanoCLR, the real nanoFramework interpreter (posix build). nanoCLR exits with
/// status 0 whatever happens, so the caller reads the log: <see cref="NanoClrRun.Program"/> is what
/// the program printed after <c>Ready.</c>, and <see cref="NanoClrRun.Failure"/> says why a run did
/// not finish.
/// </summary>
public static class NanoClr
{
    /// <summary>
    /// Runs the assemblies on nanoCLR: mscorlib first, then <paramref name="assemblies"/> (their .pe files;
    /// the one with the entry point last, as nanoCLR needs), killed after <paramref name="timeout"/>.
    /// </summary>
    public static NanoClrRun Run(NanoFrameworkHome home, IEnumerable<NanoAssembly> assemblies, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(home.NanoClr);
        start.ArgumentList.Add(NanoFrameworkHome.MscorlibPe);
        foreach (NanoAssembly assembly in assemblies)
        {
            start.ArgumentList.Add(Path.GetFullPath(assembly.Pe));
        }

        return new NanoClrRun(ToolRun.Start(start, timeout));
    }
}

/// <summary>One finished nanoCLR run, read from its log.</summary>
public sealed class NanoClrRun
{
    internal NanoClrRun(ToolRun run)
    {
        Tool = run;
        string[] lines = run.Output.Split('\n');
        int ready = Array.IndexOf(lines, "Ready.");
        ReachedReady = ready >= 0;
        Program = ReachedReady ? lines.Skip(ready + 1).Where(line => line.Length > 0).ToList() : new List<string>();
        Finished = Program.Contains("Done.") || Program.Contains("Exiting.");
    }

    /// <summary>The process run: the whole log, exit code, timeout, elapsed time.</summary>
    public ToolRun Tool { get; }

    /// <summary>True when nanoCLR loaded and linked every assembly and started the program.</summary>
    public bool ReachedReady { get; }

    /// <summary>The program's lines after <c>Ready.</c> (empty lines dropped).</summary>
    public IReadOnlyList<string> Program { get; }

    /// <summary>True when the program's run ended normally (<c>Done.</c> or <c>Exiting.</c> printed).</summary>
    public bool Finished { get; }

    /// <summary>Why the run did not finish (timeout, link failure, crash), with the log's tail; null when it finished.</summary>
    public string? Failure
    {
        get
        {
            if (Tool.TimedOut)
            {
                return "nanoCLR hung: killed at its " + Tool.Timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s timeout (after " + Tool.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s); log tail: " + ToolRun.Tail(Tool.Output, 10);
            }

            if (!ReachedReady)
            {
                return "nanoCLR did not start the program (link failure or bad .pe; exit " + Tool.ExitCode + "): " + ToolRun.Tail(Tool.Output, 10);
            }

            if (!Finished || Tool.ExitCode != 0)
            {
                return "nanoCLR crashed (exit " + Tool.ExitCode + ", no Done.): " + ToolRun.Tail(Tool.Output, 10);
            }

            return null;
        }
    }
}
