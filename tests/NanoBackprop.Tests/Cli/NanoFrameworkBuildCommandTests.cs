using System.Text.Json;
using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

/// <summary>`deploy-set` and `nf-package`: what they write, and one line for bad input.</summary>
[TestClass]
public sealed class NanoFrameworkBuildCommandTests
{
    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static void RequireEmulator() => NanoBackprop.Emulator.Tests.EmulatorRequirement.Home(boardLibraries: true);

    [TestMethod]
    public void DeploySetWritesEveryPeInLoadOrderAndTheImageNanoffFlashes()
    {
        RequireEmulator();
        string folder = Path.Combine(Path.GetTempPath(), "nanobackprop-deploy-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, output, error) = Run("deploy-set", "--board", Path.Combine(ProjectFileTests.RepositoryRoot(), "boards", "esp32-devkitc"), "--out", folder, "--json");
            Assert.AreEqual(0, code, error);
            JsonElement result = JsonDocument.Parse(output).RootElement;
            var order = result.GetProperty("loadOrder").EnumerateArray().Select(f => (Name: f.GetProperty("name").GetString()!, Bytes: f.GetProperty("bytes").GetInt64())).ToList();
            Assert.AreEqual("mscorlib.pe", order[0].Name, "dependencies first");
            Assert.AreEqual("NanoBackprop.Esp32DevKitC.pe", order[^1].Name, "the app last");
            CollectionAssert.IsSubsetOf(new[] { "NanoBackprop.pe", "Iot.Device.Bmxx80.pe", "System.Device.Gpio.pe", "System.IO.FileSystem.pe" }, order.Select(o => o.Name).ToArray());
            var files = Directory.GetFiles(folder, "*.pe").Select(Path.GetFileName).Order().ToArray();
            CollectionAssert.AreEqual(order.Select(o => o.Name).Order().ToArray(), files, "exactly the listed .pe files are written");
            Assert.AreEqual(order.Sum(o => o.Bytes), result.GetProperty("totalBytes").GetInt64());

            // The image: each .pe in order, padded with zeros to 4 bytes.
            byte[] image = File.ReadAllBytes(Path.Combine(folder, "NanoBackprop.Esp32DevKitC.bin"));
            Assert.AreEqual(order.Sum(o => (o.Bytes + 3) / 4 * 4), image.LongLength);
            Assert.AreEqual(image.LongLength, result.GetProperty("imageBytes").GetInt64());
            byte[] app = File.ReadAllBytes(Path.Combine(folder, "NanoBackprop.Esp32DevKitC.pe"));
            CollectionAssert.AreEqual(app, image.Skip(image.Length - (app.Length + 3) / 4 * 4).Take(app.Length).ToArray(), "the app's .pe ends the image");
            Assert.AreEqual(0x1D0000L, result.GetProperty("deploymentFlashBytes").GetInt64());
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [TestMethod]
    [DataRow("deploy-set --board nonexistent-board", "--board nonexistent-board is not a board folder or an .nfproj")]
    [DataRow("deploy-set", "Option '--board' is required")]
    [DataRow("deploy-set --board esp32-devkitc --out", "")]
    [DataRow("nf-package --out ", "--out must name a folder")]
    public void BadInputIsOneLineAndExitCodeOne(string arguments, string message)
    {
        string[] args = arguments.Split(' ');
        var (code, _, error) = Run(args);
        Assert.AreEqual(1, code, error);
        Assert.IsFalse(error.Contains("   at ", StringComparison.Ordinal), "no stack trace: " + error);
        StringAssert.Contains(error, message);
    }
}
