using NanoBackprop.Emulator;

namespace NanoBackprop.Emulator.Tests;

/// <summary>
/// tests/NanoBackprop.DeviceTests (the Shared sources the desktop shim also runs) built as
/// nanoFramework assemblies and run on nanoCLR: one result here per result line the device must
/// print, each failing with the device's own message.
/// </summary>
[TestClass]
public sealed class DeviceTestsOnNanoClr
{
    private const string NoEmulator = "(nanoCLR not found)";
    private const string BuildFailed = "(build of NFUnitTest failed)";

    private static readonly Lazy<DeviceTestRun?> Shared = new(() =>
    {
        NanoFrameworkHome? home = NanoFrameworkHome.Find();
        if (NanoFrameworkHome.WhyUnavailable(home) != null)
        {
            return null;
        }

        string nfproj = Path.Combine(Emulator.RepositoryRoot, "tests", "NanoBackprop.DeviceTests", "NanoBackprop.DeviceTests.nfproj");
        return new DeviceTestRun(home!, nfproj, TimeSpan.FromMinutes(2));
    });

    /// <summary>The device tests' result names, from the compiled NFUnitTest.dll.</summary>
    public static IEnumerable<object[]> DeviceTests
    {
        get
        {
            DeviceTestRun? run = Shared.Value;
            if (run == null)
            {
                return new[] { new object[] { NoEmulator } };
            }

            return run.BuildError != null ? new[] { new object[] { BuildFailed } } : run.Expected.Select(name => new object[] { name });
        }
    }

    [TestMethod]
    [DynamicData(nameof(DeviceTests))]
    public void PassesOnNanoClr(string deviceTest)
    {
        _ = Emulator.Home; // skips (or fails under CI) with instructions when there is no emulator
        Shared.Value!.AssertPassed(deviceTest);
    }

    [TestMethod]
    public void RunPrintsDoneAndExactlyOneResultPerDeviceTest()
    {
        _ = Emulator.Home;
        Assert.IsTrue(Shared.Value!.Expected.Count >= 14, "NFUnitTest.dll should hold the 14 original device tests at least, has " + Shared.Value.Expected.Count);
        Shared.Value.AssertCompleteAndGreen();
    }
}
