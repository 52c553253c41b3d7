using NanoBackprop.Emulator;

namespace NanoBackprop.Emulator.Tests;

/// <summary>The emulator for these tests, found once; and the rule for when it is missing.</summary>
internal static class Emulator
{
    /// <summary>The emulator; a missing one ends the calling test as skipped (inconclusive) or, under CI, failed.</summary>
    public static NanoFrameworkHome Home => EmulatorRequirement.Home();

    /// <summary>The checkout's root (the folder with nanoBackprop.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>A fresh folder for one build under the test run's output.</summary>
    public static string NewBuildFolder(string name)
    {
        string parent = Path.Combine(AppContext.BaseDirectory, "nanoframework-build");
        string folder = Path.Combine(parent, name + "-" + Environment.ProcessId);
        if (Directory.Exists(parent))
        {
            // Builds of test processes that have ended (discovery and execution are separate processes).
            foreach (string old in Directory.GetDirectories(parent, name + "-*"))
            {
                if (old == folder || !int.TryParse(old.Substring(old.LastIndexOf('-') + 1), out int pid) || !IsRunning(pid))
                {
                    Directory.Delete(old, recursive: true);
                }
            }
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder != null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "nanoBackprop.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("nanoBackprop.sln not found above " + AppContext.BaseDirectory);
    }
}
