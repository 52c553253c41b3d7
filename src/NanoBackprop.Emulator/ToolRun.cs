using System.Diagnostics;
using System.Text;

namespace NanoBackprop.Emulator;

/// <summary>A finished run of an external tool: its merged output, exit code, and whether it was stopped at the timeout.</summary>
public sealed class ToolRun
{
    private ToolRun(string output, int exitCode, bool timedOut, TimeSpan timeout, TimeSpan elapsed)
    {
        Output = output;
        ExitCode = exitCode;
        TimedOut = timedOut;
        Timeout = timeout;
        Elapsed = elapsed;
    }

    /// <summary>Standard output and standard error, in arrival order, CR removed.</summary>
    public string Output { get; }

    /// <summary>The exit code (-1 when the run was killed).</summary>
    public int ExitCode { get; }

    /// <summary>True when the tool ran past its timeout and was killed.</summary>
    public bool TimedOut { get; }

    /// <summary>The timeout the run was given.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Wall-clock time from start to exit (past <see cref="Timeout"/> for a killed run: killing takes time, more on a loaded host).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Runs the tool to its end or the timeout, whichever comes first.</summary>
    public static ToolRun Start(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.Append(e.Data.TrimEnd('\r')).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.Append(e.Data.TrimEnd('\r')).Append('\n'); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit((int)timeout.TotalMilliseconds);
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        else
        {
            process.WaitForExit(); // drains the asynchronous readers
        }

        lock (output)
        {
            return new ToolRun(output.ToString(), exited ? process.ExitCode : -1, !exited, timeout, clock.Elapsed);
        }
    }

    /// <summary>The last <paramref name="lines"/> non-empty lines of <paramref name="output"/>, joined with " | ".</summary>
    public static string Tail(string output, int lines)
    {
        var all = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return all.Length == 0 ? "(no output)" : string.Join(" | ", all.Skip(Math.Max(0, all.Length - lines)));
    }
}
