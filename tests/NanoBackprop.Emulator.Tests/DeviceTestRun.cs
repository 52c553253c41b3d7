using NanoBackprop.Emulator;

namespace NanoBackprop.Emulator.Tests;

/// <summary>
/// One build and one nanoCLR run of an NFUnitTest project, shared by every test that reports on it.
/// The build happens at test discovery (the expected result lines come from the compiled
/// NFUnitTest.dll); the run happens once, at the first test that needs it.
/// </summary>
internal sealed class DeviceTestRun
{
    private readonly Lazy<NanoClrRun> run;

    public DeviceTestRun(NanoFrameworkHome home, string nfproj, TimeSpan timeout)
    {
        var builder = new NanoProjectBuilder(home, Emulator.NewBuildFolder(Path.GetFileNameWithoutExtension(nfproj)));
        try
        {
            Build = builder.Build(nfproj);
            var launcher = NanoAssembly.FromFile(home.UnitTestLauncher);
            Expected = DeviceTestResults.Expected(Build.Assembly.Dll);
            run = new Lazy<NanoClrRun>(() => NanoClr.Run(home, Build.LoadSet.Where(a => a.Name != "mscorlib" && a.Name != launcher.Name).Append(launcher), timeout));
        }
        catch (NanoBuildException exception)
        {
            BuildError = exception.Message;
            Expected = Array.Empty<string>();
            run = new Lazy<NanoClrRun>(() => throw new InvalidOperationException(BuildError));
        }
    }

    /// <summary>The built test assembly and its load set (null when the build failed).</summary>
    public BuiltProject? Build { get; }

    /// <summary>The compiler's or metadata processor's message when the build failed.</summary>
    public string? BuildError { get; }

    /// <summary>The result names the run must print, from the compiled NFUnitTest.dll.</summary>
    public IReadOnlyList<string> Expected { get; }

    /// <summary>The run on nanoCLR (started on first use).</summary>
    public NanoClrRun Run => run.Value;

    /// <summary>The result lines of the run.</summary>
    public IReadOnlyList<DeviceTestResult> Results => DeviceTestResults.Parse(Run.Program);

    /// <summary>Fails the calling test unless the named device test printed exactly one passing result line.</summary>
    public void AssertPassed(string name)
    {
        if (BuildError != null)
        {
            Assert.Fail(BuildError);
        }

        var lines = Results.Where(r => r.Name == name).ToList();
        string output = lines.Count > 0 && lines[0].Output.Count > 0 ? " (device output: " + string.Join(" | ", lines[0].Output) + ")" : "";
        if (lines.Count == 0)
        {
            Assert.Fail("no result line for " + name + " on nanoCLR: " + (Run.Failure ?? "log tail: " + ToolRun.Tail(Run.Tool.Output, 10)));
        }

        Assert.AreEqual(1, lines.Count, name + " reported " + lines.Count + " times");
        DeviceTestResult result = lines[0];
        if (result.Outcome != DeviceTestOutcome.Passed)
        {
            Assert.Fail(name + " " + result.Outcome.ToString().ToLowerInvariant() + " on nanoCLR: " + result.Detail + output);
        }
    }

    /// <summary>
    /// Fails unless the run finished (<c>Done.</c>), printed a result line for exactly the expected
    /// names and no other, and nothing failed or was skipped.
    /// </summary>
    public void AssertCompleteAndGreen()
    {
        if (BuildError != null)
        {
            Assert.Fail(BuildError);
        }

        Assert.IsNull(Run.Failure, Run.Failure);
        Assert.IsTrue(Run.Program.Contains("Done."), "no Done. on nanoCLR; log tail: " + ToolRun.Tail(Run.Tool.Output, 10));
        var printed = Results.Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var expected = Expected.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var missing = expected.Except(printed).ToList();
        var extra = printed.Except(expected).ToList();
        Assert.IsTrue(missing.Count == 0 && extra.Count == 0 && printed.Count == expected.Count,
            "result lines differ from the tests in NFUnitTest.dll: missing [" + string.Join(", ", missing) + "], unexpected [" + string.Join(", ", extra)
            + "], " + printed.Count + " printed for " + expected.Count + " expected");
        var notPassed = Results.Where(r => r.Outcome != DeviceTestOutcome.Passed).Select(r => r.Outcome + " " + r.Name + ": " + r.Detail).ToList();
        Assert.AreEqual(0, notPassed.Count, string.Join("; ", notPassed));
    }
}
