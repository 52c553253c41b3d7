using NanoBackprop.Emulator;

namespace NanoBackprop.Emulator.Tests;

/// <summary>
/// The runner's own checks, on deliberately broken device tests run on nanoCLR: a failing assert,
/// an exception, a skip, data rows, a hang, a link failure and a compile error each end as a
/// failure that names the test and carries the device's message or the log's tail.
/// </summary>
[TestClass]
public sealed class RunnerFailureTests
{
    private const string DeliberateTests = """
        using System;
        using nanoFramework.TestFramework;

        namespace Deliberate
        {
            [TestClass]
            public class Cases
            {
                [Setup]
                public void SetupOnce() { OutputHelper.WriteLine("setup ran"); }

                [TestMethod]
                public void Passes() { Assert.AreEqual(4, 2 + 2); }

                [TestMethod]
                public void FailsAnAssert() { OutputHelper.WriteLine("before the assert"); Assert.AreEqual(4, 5, "five, not four"); }

                [TestMethod]
                public void Throws() { throw new InvalidOperationException("boom, from the device"); }

                [TestMethod]
                public void ThrowsTheWrongType() { Assert.ThrowsException(typeof(ArgumentException), () => { throw new InvalidOperationException("other"); }); }

                [TestMethod]
                public void Skips() { Assert.SkipTest("not on this device"); }

                [DataRow(1, 2, 3)]
                [DataRow(2, 2, 5)]
                public void Adds(int a, int b, int sum) { Assert.AreEqual(sum, a + b); }

                [Cleanup]
                public void CleanupOnce() { }
            }
        }
        """;

    private static readonly Lazy<DeviceTestRun> Deliberate = new(() => Build("deliberate", DeliberateTests, TimeSpan.FromMinutes(1)));

    [TestMethod]
    public void ExpectedNamesFromTheDllMatchTheLinesTheLauncherPrints()
    {
        _ = Emulator.Home;
        var expected = Deliberate.Value.Expected.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(
            new[]
            {
                "Deliberate.Cases.Adds.0", "Deliberate.Cases.Adds.1", "Deliberate.Cases.CleanupOnce.0", "Deliberate.Cases.FailsAnAssert.0",
                "Deliberate.Cases.Passes.0", "Deliberate.Cases.SetupOnce.0", "Deliberate.Cases.Skips.0", "Deliberate.Cases.Throws.0",
                "Deliberate.Cases.ThrowsTheWrongType.0",
            },
            expected);
        var printed = Deliberate.Value.Results.Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEqual(expected, printed, "the launcher printed: " + string.Join(", ", printed));
    }

    [TestMethod]
    [DataRow("Deliberate.Cases.FailsAnAssert.0", "Assert.AreEqual failed. Expected:<4>. Actual:<5>. five, not four")]
    [DataRow("Deliberate.Cases.Throws.0", "boom, from the device")]
    [DataRow("Deliberate.Cases.ThrowsTheWrongType.0", "Exception Message:")]
    [DataRow("Deliberate.Cases.Skips.0", "skipped on nanoCLR: not on this device")]
    [DataRow("Deliberate.Cases.Adds.1", "Expected:<5>. Actual:<4>")]
    public void AFailingDeviceTestFailsWithItsNameAndTheDevicesMessage(string name, string message)
    {
        _ = Emulator.Home;
        var failure = Assert.ThrowsExactly<AssertFailedException>(() => Deliberate.Value.AssertPassed(name));
        StringAssert.Contains(failure.Message, name);
        StringAssert.Contains(failure.Message, message);
    }

    [TestMethod]
    public void ATestsOwnOutputIsInItsFailureMessage()
    {
        _ = Emulator.Home;
        var failure = Assert.ThrowsExactly<AssertFailedException>(() => Deliberate.Value.AssertPassed("Deliberate.Cases.FailsAnAssert.0"));
        StringAssert.Contains(failure.Message, "device output: before the assert");
    }

    [TestMethod]
    public void PassingLinesPassAndTheWholeRunIsNotGreen()
    {
        _ = Emulator.Home;
        Deliberate.Value.AssertPassed("Deliberate.Cases.Passes.0");
        Deliberate.Value.AssertPassed("Deliberate.Cases.Adds.0");
        Deliberate.Value.AssertPassed("Deliberate.Cases.SetupOnce.0");
        var failure = Assert.ThrowsExactly<AssertFailedException>(() => Deliberate.Value.AssertCompleteAndGreen());
        StringAssert.Contains(failure.Message, "Failed Deliberate.Cases.Throws.0: boom, from the device");
        StringAssert.Contains(failure.Message, "Skipped Deliberate.Cases.Skips.0: not on this device");
    }

    [TestMethod]
    public void AHangIsKilledAtTheTimeoutAndReportedWithTheLogTail()
    {
        _ = Emulator.Home;
        const string hangs = """
            using nanoFramework.TestFramework;
            namespace Deliberate
            {
                [TestClass]
                public class Hangs
                {
                    [TestMethod]
                    public void Forever() { OutputHelper.WriteLine("spinning"); int i = 0; while (i >= 0) { i = (i + 1) & 0xFFFF; } }
                }
            }
            """;
        DeviceTestRun run = Build("hangs", hangs, TimeSpan.FromSeconds(3));
        var failure = Assert.ThrowsExactly<AssertFailedException>(() => run.AssertPassed("Deliberate.Hangs.Forever.0"));
        StringAssert.Contains(failure.Message, "nanoCLR hung: killed at its 3 s timeout (after ");
        StringAssert.Contains(failure.Message, "spinning");
    }

    [TestMethod]
    public void AMissingAssemblyIsALinkFailureNotAPass()
    {
        NanoFrameworkHome home = Emulator.Home;
        DeviceTestRun run = Deliberate.Value;
        var launcher = NanoAssembly.FromFile(home.UnitTestLauncher);
        // NFUnitTest without nanoFramework.TestFramework.pe: nanoCLR cannot link it.
        NanoClrRun linkFailure = NanoClr.Run(home, new[] { run.Build!.Assembly, launcher }, TimeSpan.FromMinutes(1));
        Assert.IsFalse(linkFailure.ReachedReady);
        StringAssert.Contains(linkFailure.Failure, "did not start the program");
        StringAssert.Contains(linkFailure.Failure, "needs assembly 'nanoFramework.TestFramework'");
    }

    [TestMethod]
    public void ACompileErrorFailsEveryTestWithTheCompilersMessage()
    {
        _ = Emulator.Home;
        DeviceTestRun run = Build("broken", "namespace Deliberate { public class Broken { public void M() { int x = \"text\"; } } }", TimeSpan.FromMinutes(1));
        Assert.IsNotNull(run.BuildError);
        StringAssert.Contains(run.BuildError, "NFUnitTest does not compile for nanoFramework");
        StringAssert.Contains(run.BuildError, "Tests.cs(1,");
        StringAssert.Contains(run.BuildError, "CS0029");
        var failure = Assert.ThrowsExactly<AssertFailedException>(() => run.AssertPassed("Deliberate.Broken.M.0"));
        StringAssert.Contains(failure.Message, "CS0029");
    }

    /// <summary>An NFUnitTest .nfproj with one source file, written to a fresh folder, built and ready to run.</summary>
    private static DeviceTestRun Build(string name, string source, TimeSpan timeout)
    {
        string folder = Emulator.NewBuildFolder("deliberate-source-" + name);
        File.WriteAllText(Path.Combine(folder, "Tests.cs"), source);
        File.WriteAllText(Path.Combine(folder, "NFUnitTest.nfproj"), """
            <Project xmlns="http://schemas.microsoft.com/developer/msbuild/2003">
              <PropertyGroup><AssemblyName>NFUnitTest</AssemblyName><OutputType>Library</OutputType><LangVersion>10</LangVersion></PropertyGroup>
              <ItemGroup><Compile Include="Tests.cs" /></ItemGroup>
              <ItemGroup>
                <Reference Include="mscorlib, Version=1.17.11.0"><HintPath>..\packages\mscorlib.dll</HintPath></Reference>
                <Reference Include="nanoFramework.TestFramework, Version=3.0.77.0"><HintPath>..\packages\nanoFramework.TestFramework.dll</HintPath></Reference>
              </ItemGroup>
            </Project>
            """);
        return new DeviceTestRun(Emulator.Home, Path.Combine(folder, "NFUnitTest.nfproj"), timeout);
    }
}
