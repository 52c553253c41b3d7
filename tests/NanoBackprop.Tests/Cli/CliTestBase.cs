using System.Text.Json;
using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

/// <summary>
/// What every end-to-end CLI test class needs: the command line run in process (exit code,
/// standard output, standard error), its JSON, the shipped data files, and a scratch folder per
/// test that is deleted afterwards.
/// </summary>
public abstract class CliTestBase
{
    internal static readonly string Occupancy = Path.Combine(ProjectFileTests.RepositoryRoot(), "src", "NanoBackprop.Cli", "Data", "occupancy", "datatraining.txt");

    internal static readonly string Rooms = Path.Combine(ProjectFileTests.RepositoryRoot(), "src", "NanoBackprop.Cli", "Data", "room-occupancy-estimation", "Occupancy_Estimation.csv");

    private string folder = "";

    [TestInitialize]
    public void CreateFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "nanobackprop-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(folder, true);

    /// <summary>A path in this test's scratch folder.</summary>
    protected string PathOf(string name) => Path.Combine(folder, name);

    internal static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The command's --json output; the command must succeed.</summary>
    internal static JsonElement Json(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.AreEqual(0, code, error);
        return JsonDocument.Parse(output).RootElement;
    }
}
