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
    public void ASoftmaxModelWith16BitWeightsAndAFrozenLayerLearnsOnNanoClrAsOnTheDesktop()
    {
        NanoBackprop.Emulator.Tests.EmulatorRequirement.Home();

        // The rooms data: trained on 2,000 December rows, exported with its hidden layer frozen and
        // 16-bit weights, then 400 January rows replayed (predict, learn) on nanoCLR.
        string rooms = Path.Combine(ProjectFileTests.RepositoryRoot(), "src", "NanoBackprop.Cli", "Data", "room-occupancy-estimation", "Occupancy_Estimation.csv");
        string[] lines = File.ReadAllLines(rooms);
        string dir = Path.Combine(Path.GetTempPath(), "nanobackprop-replay-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string Of(string name) => Path.Combine(dir, name);
        File.WriteAllLines(Of("december.csv"), lines.Take(1).Concat(lines.Where(l => l.StartsWith("2017/12", StringComparison.Ordinal)).Take(2000)));
        File.WriteAllLines(Of("january.csv"), lines.Take(1).Concat(lines.Where(l => l.StartsWith("2018/01", StringComparison.Ordinal)).Take(400)));
        const string Features = "S1_Temp,S2_Temp,S3_Temp,S4_Temp,S1_Light,S2_Light,S3_Light,S4_Light,S1_Sound,S2_Sound,S3_Sound,S4_Sound,S5_CO2,S5_CO2_Slope,S6_PIR,S7_PIR";
        try
        {
            var train = Run("train", "--data", Of("december.csv"), "--features", Features, "--label", "Room_Occupancy_Count", "--loss", "cce", "--hidden", "12",
                "--epochs", "1", "--lr", "0.05", "--out", Of("pre.nbp"));
            Assert.AreEqual(0, train.Code, train.Error);
            var export = Run("export", "--model", Of("pre.nbp"), "--csharp", Of("m.cs"), "--blob", Of("m.nbp"), "--freeze", "1", "--weight-bits", "16");
            Assert.AreEqual(0, export.Code, export.Error);
            var (code, output, error) = Run("replay", "--data", Of("january.csv"), "--features", Features, "--label", "Room_Occupancy_Count", "--loss", "cce",
                "--hidden", "12", "--start-model", Of("m.nbp"), "--on-device-emulator", "--json");
            Assert.AreEqual(0, code, error);
            JsonElement device = JsonDocument.Parse(output).RootElement.GetProperty("onDeviceEmulator");
            Assert.AreEqual(400, device.GetProperty("rows").GetInt32());
            Assert.IsTrue(device.GetProperty("predictionsIdentical").GetBoolean(), output);
            Assert.IsTrue(device.GetProperty("modelIdentical").GetBoolean(), output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
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
