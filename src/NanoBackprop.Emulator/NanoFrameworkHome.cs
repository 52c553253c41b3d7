namespace NanoBackprop.Emulator;

/// <summary>
/// Where the nanoFramework tools are: the emulator folder (nanoCLR, the metadata processor,
/// TestFramework, System.Math, the boards' hardware libraries, laid out as
/// <c>../shared/nanoframework</c> beside a checkout) and the real <c>mscorlib</c> of the
/// nanoFramework.CoreLibrary 1.17.11 package, which restore copies beside this assembly.
/// </summary>
public sealed class NanoFrameworkHome
{
    /// <summary>The environment variable that points at a user's own emulator folder.</summary>
    public const string EnvironmentVariable = "NANOFRAMEWORK_HOME";

    /// <summary>How to get the emulator, for the skip message and the CLI's error line.</summary>
    public const string HowToGetIt =
        "nanoCLR was not found: set " + EnvironmentVariable + " to a folder laid out like ../shared/nanoframework " +
        "(nanoclr/bin, nanoclr/lib, metadata-processor/, testframework/, system-math/, board-libraries/; see README 'Device tests on the emulator': build the posix " +
        "nanoCLR from nf-interpreter on Linux, or use the nanoclr tool and nano.runsettings on Windows)";

    private NanoFrameworkHome(string folder) => Folder = folder;

    /// <summary>The emulator folder.</summary>
    public string Folder { get; }

    /// <summary>nanoCLR's runner (posix build).</summary>
    public string NanoClr => Path.Combine(Folder, "nanoclr", "bin", "nanoFramework.nanoCLR.test");

    /// <summary>The metadata processor's .dll, run with <c>dotnet</c>.</summary>
    public string MetadataProcessor => Path.Combine(Folder, "metadata-processor", "nanoFramework.Tools.MetadataProcessor.dll");

    /// <summary>nanoFramework.TestFramework (.dll and .pe beside it).</summary>
    public string TestFramework => Path.Combine(Folder, "testframework", "nanoFramework.TestFramework.dll");

    /// <summary>nanoFramework's unit-test launcher (.exe and .pe beside it).</summary>
    public string UnitTestLauncher => Path.Combine(Folder, "testframework", "nanoFramework.UnitTestLauncher.exe");

    /// <summary>The folder of hardware libraries a board app references (may be absent).</summary>
    public string BoardLibraries => Path.Combine(Folder, "board-libraries");

    /// <summary>The real nanoFramework <c>mscorlib.dll</c> (CoreLibrary 1.17.11), copied beside this assembly by restore.</summary>
    public static string MscorlibDll => Path.Combine(AppContext.BaseDirectory, "nanoFramework", "mscorlib.dll");

    /// <summary>The <c>mscorlib.pe</c> nanoCLR loads, from the same package.</summary>
    public static string MscorlibPe => Path.ChangeExtension(MscorlibDll, ".pe");

    /// <summary>
    /// The emulator folder named by <see cref="EnvironmentVariable"/>, else <c>shared/nanoframework</c>
    /// in the first folder above the current directory or this program that has one; null when
    /// there is none.
    /// </summary>
    public static NanoFrameworkHome? Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return IsComplete(fromEnvironment) ? new NanoFrameworkHome(Path.GetFullPath(fromEnvironment)) : null;
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder != null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "shared", "nanoframework");
                if (IsComplete(candidate))
                {
                    return new NanoFrameworkHome(candidate);
                }
            }
        }

        return null;
    }

    /// <summary>A one-line reason the emulator cannot be used, or null when it can.</summary>
    public static string? WhyUnavailable(NanoFrameworkHome? home)
    {
        if (home == null)
        {
            string? variable = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(variable)
                ? HowToGetIt
                : EnvironmentVariable + "=" + variable + " has no nanoclr/bin/nanoFramework.nanoCLR.test, metadata-processor/ or testframework/ "
                  + "(point it at a folder laid out like ../shared/nanoframework; README 'Device tests on the emulator' says how to get one)";
        }

        return File.Exists(MscorlibDll) ? null : "mscorlib.dll of nanoFramework.CoreLibrary 1.17.11 is missing beside " + AppContext.BaseDirectory + " (restore the project)";
    }

    private static bool IsComplete(string folder)
    {
        return File.Exists(Path.Combine(folder, "nanoclr", "bin", "nanoFramework.nanoCLR.test"))
            && File.Exists(Path.Combine(folder, "metadata-processor", "nanoFramework.Tools.MetadataProcessor.dll"))
            && File.Exists(Path.Combine(folder, "testframework", "nanoFramework.TestFramework.dll"));
    }
}
