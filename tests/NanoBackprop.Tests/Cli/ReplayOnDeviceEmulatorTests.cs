using System.Text.Json;
using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

/// <summary>`replay --on-device-emulator`: the user's CSV replayed on nanoCLR and compared with the desktop, bit for bit.</summary>
[TestClass]
[DoNotParallelize] // sets NANOFRAMEWORK_HOME for the process
public sealed class ReplayOnDeviceEmulatorTests
{
    private static readonly string Occupancy = Path.Combine(ProjectFileTests.RepositoryRoot(), "src", "NanoBackprop.Cli", "Data", "occupancy", "datatraining.txt");

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [TestMethod]
    public void EveryPredictionAndTheFinalModelOnNanoClrAreTheDesktops()
    {
        NanoBackprop.Emulator.Tests.EmulatorRequirement.Home();

        // 1,200 rows: two programs on nanoCLR (1,000 rows each at most), the second starting from the model the first left.
        string csv = Path.Combine(Path.GetTempPath(), "nanobackprop-replay-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllLines(csv, File.ReadLines(Occupancy).Take(1201));
        try
        {
            var (code, output, error) = Run("replay", "--data", csv, "--on-device-emulator", "--momentum", "0.5", "--stochastic-rounding", "on", "--json");
            Assert.AreEqual(0, code, error);
            JsonElement device = JsonDocument.Parse(output).RootElement.GetProperty("onDeviceEmulator");
            Assert.AreEqual(1200, device.GetProperty("rows").GetInt32());
            Assert.IsTrue(device.GetProperty("predictionsIdentical").GetBoolean(), output);
            Assert.AreEqual(JsonValueKind.Null, device.GetProperty("firstDifferentRow").ValueKind);
            Assert.IsTrue(device.GetProperty("modelIdentical").GetBoolean(), output);
            Assert.IsGreaterThan(0.0, device.GetProperty("microsecondsPerRow").GetDouble());
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [TestMethod]
    public void WithoutAnEmulatorItStopsWithOneLineNamingWhatIsMissing()
    {
        string? before = Environment.GetEnvironmentVariable("NANOFRAMEWORK_HOME");
        Environment.SetEnvironmentVariable("NANOFRAMEWORK_HOME", "/nonexistent/nanoframework");
        try
        {
            var (code, output, error) = Run("replay", "--data", Occupancy, "--on-device-emulator");
            Assert.AreEqual(1, code);
            Assert.AreEqual("", output, "nothing replayed");
            string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(1, lines, error);
            StringAssert.Contains(lines[0], "--on-device-emulator: NANOFRAMEWORK_HOME=/nonexistent/nanoframework has no nanoclr/bin/nanoFramework.nanoCLR.test");
        }
        finally
        {
            Environment.SetEnvironmentVariable("NANOFRAMEWORK_HOME", before);
        }
    }
}
