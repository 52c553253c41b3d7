using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace NanoBackprop.Tests;

/// <summary>
/// The nanoFramework projects around the library cannot be built on these machines, so their
/// project files are checked here: the device tests compile the same sources as the desktop
/// project that runs them, every .nfproj pins C# 10 and lists its sources explicitly, every
/// HintPath names a package version that packages.config pins, and the solution lists each .nfproj
/// without a build step (which would break `dotnet test`).
/// </summary>
[TestClass]
public sealed class DeviceProjectFileTests
{
    private static string DeviceTestsFolder => Path.Combine(ProjectFileTests.RepositoryRoot(), "tests", "NanoBackprop.DeviceTests");

    internal static IReadOnlyList<string> NfprojFiles()
    {
        string root = ProjectFileTests.RepositoryRoot();
        return Directory.EnumerateFiles(root, "*.nfproj", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            // Restored packages and build output (the emulator tests write throwaway projects there) are not the repository's projects.
            .Where(f => !f.StartsWith("packages/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Compile items of a project file, relative to its folder, with '/' separators.</summary>
    internal static HashSet<string> CompileItems(string projectPath)
    {
        return XDocument.Load(projectPath).Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => e.Attribute("Include")!.Value.Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
    }

    [TestMethod]
    public void DeviceTestProjectCompilesExactlyTheSharedSourcesTheDesktopRuns()
    {
        var shared = Directory.EnumerateFiles(Path.Combine(DeviceTestsFolder, "Shared"), "*.cs")
            .Select(f => "Shared/" + Path.GetFileName(f)).ToHashSet(StringComparer.Ordinal);
        Assert.IsGreaterThanOrEqualTo(5, shared.Count);
        HashSet<string> listed = CompileItems(Path.Combine(DeviceTestsFolder, "NanoBackprop.DeviceTests.nfproj"));
        var expected = new HashSet<string>(shared, StringComparer.Ordinal) { "Properties/AssemblyInfo.cs" };
        CollectionAssert.AreEquivalent(expected.Order().ToArray(), listed.Order().ToArray(), "the .nfproj lists Shared/*.cs and AssemblyInfo, nothing else");

        string desktopFolder = Path.Combine(ProjectFileTests.RepositoryRoot(), "tests", "NanoBackprop.DeviceTests.Desktop");
        HashSet<string> desktop = CompileItems(Path.Combine(desktopFolder, "NanoBackprop.DeviceTests.Desktop.csproj"));
        CollectionAssert.Contains(desktop.ToArray(), "../NanoBackprop.DeviceTests/Shared/*.cs");
    }

    [TestMethod]
    public void DeviceTestProjectIsANanoFrameworkTestContainerForTheVirtualDevice()
    {
        string nfproj = Path.Combine(DeviceTestsFolder, "NanoBackprop.DeviceTests.nfproj");
        var document = XDocument.Load(nfproj);
        string Property(string name) => document.Descendants().Single(e => e.Name.LocalName == name).Value;
        Assert.AreEqual("NFUnitTest", Property("AssemblyName"), "nanoFramework's UnitTestLauncher loads NFUnitTest");
        Assert.AreEqual("true", Property("IsTestProject"));
        Assert.IsTrue(document.Descendants().Any(e => e.Name.LocalName == "ProjectCapability" && e.Attribute("Include")?.Value == "TestContainer"));
        StringAssert.EndsWith(Property("RunSettingsFilePath"), "nano.runsettings");
        CollectionAssert.Contains(document.Descendants().Where(e => e.Name.LocalName == "ProjectReference").Select(e => e.Attribute("Include")!.Value).ToArray(),
            @"..\..\src\NanoBackprop\NanoBackprop.nfproj");

        Dictionary<string, string> packages = PinnedPackages(Path.Combine(DeviceTestsFolder, "packages.config"));
        Assert.AreEqual("3.0.77", packages["nanoFramework.TestFramework"]);
        Assert.AreEqual(PinnedPackages(Path.Combine(ProjectFileTests.LibraryFolder, "packages.config"))["nanoFramework.CoreLibrary"], packages["nanoFramework.CoreLibrary"],
            "the tests and the library use one CoreLibrary");
        string text = File.ReadAllText(nfproj);
        StringAssert.Contains(text, @"nanoFramework.TestFramework.3.0.77\lib\nanoFramework.TestFramework.dll");
        StringAssert.Contains(text, @"nanoFramework.TestFramework.3.0.77\lib\nanoFramework.UnitTestLauncher.exe");

        var settings = XDocument.Load(Path.Combine(DeviceTestsFolder, "nano.runsettings"));
        Assert.AreEqual("False", settings.Descendants("IsRealHardware").Single().Value, "as committed, the virtual device");
        StringAssert.Contains(File.ReadAllText(Path.Combine(DeviceTestsFolder, "nano.runsettings")), "<IsRealHardware>True</IsRealHardware>",
            "the real-hardware variant is documented in a comment");
    }

    [TestMethod]
    public void EveryNfprojPinsCSharp10AndListsOnlyFilesThatExist()
    {
        IReadOnlyList<string> projects = NfprojFiles();
        Assert.IsGreaterThanOrEqualTo(2, projects.Count);
        foreach (string project in projects)
        {
            string path = Path.Combine(ProjectFileTests.RepositoryRoot(), project);
            var document = XDocument.Load(path);
            CollectionAssert.AreEqual(new[] { "10" }, document.Descendants().Where(e => e.Name.LocalName == "LangVersion").Select(e => e.Value).ToArray(), project);
            foreach (string item in CompileItems(path))
            {
                Assert.IsFalse(item.Contains('*'), project + ": no globbing in a .nfproj (" + item + ")");
                Assert.IsTrue(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, item)), project + " lists a missing file: " + item);
            }
        }
    }

    [TestMethod]
    public void EveryHintPathNamesAPackageVersionThatPackagesConfigPins()
    {
        var hintPattern = new Regex(@"packages\\([A-Za-z][\w.]*?)\.(\d+\.\d+\.\d+(?:-[\w.]+)?)\\lib\\", RegexOptions.CultureInvariant);
        foreach (string project in NfprojFiles())
        {
            string path = Path.Combine(ProjectFileTests.RepositoryRoot(), project);
            Dictionary<string, string> pinned = PinnedPackages(Path.Combine(Path.GetDirectoryName(path)!, "packages.config"));
            var hints = XDocument.Load(path).Descendants().Where(e => e.Name.LocalName == "HintPath").Select(e => e.Value).ToList();
            Assert.IsNotEmpty(hints, project);
            foreach (string hint in hints)
            {
                Match match = hintPattern.Match(hint);
                Assert.IsTrue(match.Success, project + ": unexpected HintPath " + hint);
                string id = match.Groups[1].Value;
                Assert.IsTrue(pinned.ContainsKey(id), project + ": " + id + " is referenced but not in packages.config");
                Assert.AreEqual(pinned[id], match.Groups[2].Value, project + ": " + id + " version");
                StringAssert.StartsWith(hint, RelativePathToRoot(project) + @"packages\", project + ": packages restore to the repository's packages/ (nuget.config)");
            }
        }
    }

    [TestMethod]
    public void TheSolutionListsEveryNfprojWithoutABuildStep()
    {
        string solution = File.ReadAllText(Path.Combine(ProjectFileTests.RepositoryRoot(), "nanoBackprop.sln"));
        foreach (string project in NfprojFiles())
        {
            Match entry = Regex.Match(solution, @"Project\(""\{11A8DD76-328B-46DF-9F39-F559912D0360\}""\) = ""[^""]+"", """ + Regex.Escape(project.Replace('/', '\\')) + @""", ""(\{[0-9A-F-]+\})""");
            Assert.IsTrue(entry.Success, project + " is not in nanoBackprop.sln as a nanoFramework project");
            string guid = entry.Groups[1].Value;
            StringAssert.Contains(solution, guid + ".Debug|Any CPU.ActiveCfg", project);
            Assert.IsFalse(solution.Contains(guid + ".Debug|Any CPU.Build.0", StringComparison.Ordinal) || solution.Contains(guid + ".Release|Any CPU.Build.0", StringComparison.Ordinal),
                project + " has a Build.0 entry: `dotnet test` cannot build a .nfproj (MSB4057)");
        }
    }

    /// <summary>(folder, project name, nanoff target) of each board.</summary>
    private static readonly (string Folder, string Project, string Target)[] Boards =
    {
        ("esp32-devkitc", "NanoBackprop.Esp32DevKitC", "ESP32_REV0"),
        ("esp32-s3-devkitc", "NanoBackprop.Esp32S3DevKitC", "ESP32_S3_QUAD"),
    };

    [TestMethod]
    public void EachBoardAppCompilesTheSharedAppAndHardwareLayerAndItsOwnProgram()
    {
        string root = ProjectFileTests.RepositoryRoot();
        string[] shared = new[] { "App", "Device" }
            .SelectMany(part => Directory.EnumerateFiles(Path.Combine(root, "boards", "common", part), "*.cs").Select(f => "../common/" + part + "/" + Path.GetFileName(f)))
            .ToArray();
        Assert.IsGreaterThanOrEqualTo(12, shared.Length);
        foreach (var (folder, project, _) in Boards)
        {
            string path = Path.Combine(root, "boards", folder, project + ".nfproj");
            var expected = shared.Append("Program.cs").Append("Properties/AssemblyInfo.cs").Order(StringComparer.Ordinal).ToArray();
            CollectionAssert.AreEqual(expected, CompileItems(path).Order(StringComparer.Ordinal).ToArray(), folder + ": every shared source, Program.cs and AssemblyInfo, nothing else");

            var document = XDocument.Load(path);
            string Property(string name) => document.Descendants().Single(e => e.Name.LocalName == name).Value;
            Assert.AreEqual("Exe", Property("OutputType"), folder);
            Assert.AreEqual(project, Property("AssemblyName"), folder);
            CollectionAssert.Contains(document.Descendants().Where(e => e.Name.LocalName == "ProjectReference").Select(e => e.Attribute("Include")!.Value).ToArray(),
                @"..\..\src\NanoBackprop\NanoBackprop.nfproj", folder);
        }
    }

    [TestMethod]
    public void EachBoardPinsThePackagesItsHardwareLayerUses()
    {
        string root = ProjectFileTests.RepositoryRoot();
        string library = PinnedPackages(Path.Combine(ProjectFileTests.LibraryFolder, "packages.config"))["nanoFramework.CoreLibrary"];
        foreach (var (folder, _, _) in Boards)
        {
            Dictionary<string, string> pinned = PinnedPackages(Path.Combine(root, "boards", folder, "packages.config"));
            foreach (string id in new[]
            {
                "nanoFramework.CoreLibrary", "nanoFramework.System.Math", "nanoFramework.System.Device.Adc", "nanoFramework.System.Device.I2c",
                "nanoFramework.System.Device.Gpio", "nanoFramework.Hardware.Esp32", "nanoFramework.Runtime.Events", "nanoFramework.Runtime.Native",
                "nanoFramework.Iot.Device.Bmxx80", "nanoFramework.System.IO.FileSystem", "nanoFramework.System.IO.Streams",
            })
            {
                Assert.IsTrue(pinned.ContainsKey(id), folder + " pins " + id);
            }

            Assert.AreEqual(library, pinned["nanoFramework.CoreLibrary"], folder + ": one CoreLibrary with the library");
            Assert.AreEqual("1.2.846", pinned["nanoFramework.Iot.Device.Bmxx80"], folder + ": the build whose dependencies are the pinned WeatherHelper, BinaryPrimitives/Model and UnitsNet");
        }
    }

    /// <summary>
    /// The README's pin map names every pin Program.cs sets, with the same numbers, and the firmware
    /// command flashes the board's target.
    /// </summary>
    [TestMethod]
    public void EachBoardReadmeMatchesItsProgramAndTarget()
    {
        string root = ProjectFileTests.RepositoryRoot();
        foreach (var (folder, _, target) in Boards)
        {
            string program = File.ReadAllText(Path.Combine(root, "boards", folder, "Program.cs"));
            string readme = File.ReadAllText(Path.Combine(root, "boards", folder, "README.md"));
            StringAssert.Contains(readme, "nanoff --update --target " + target + " --serialport");
            StringAssert.Contains(readme, "nanoff --nanodevice --deploy --serialport");
            foreach (string pin in new[] { "I2cData", "I2cClock", "LabelPin", "LedPin" })
            {
                string number = Regex.Match(program, @"pins\." + pin + @" = (\d+);").Groups[1].Value;
                Assert.AreNotEqual(string.Empty, number, folder + ": Program.cs sets " + pin);
                StringAssert.Contains(readme, "| GPIO" + number + " |", folder + ": the pin map shows " + pin + " on GPIO" + number);
            }

            string channel = Regex.Match(program, @"pins\.LightAdcChannel = (\d+);").Groups[1].Value;
            StringAssert.Contains(readme, "ADC1 channel " + channel, folder);
        }
    }

    /// <summary>The RAM budget tables in docs/BOARDS.md and the board READMEs are the command's output.</summary>
    [TestMethod]
    public void RamBudgetTablesInTheDocsAreTheCommandsOutput()
    {
        using var text = new StringWriter();
        NanoBackprop.Cli.RamBudget.Write(text);
        string[] rows = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith('|')).ToArray();
        Assert.HasCount(2 + 2 * NanoBackprop.Cli.RamBudget.Topologies.Length, rows);
        string root = ProjectFileTests.RepositoryRoot();
        foreach (string doc in new[] { "docs/BOARDS.md", "boards/esp32-devkitc/README.md", "boards/esp32-s3-devkitc/README.md" })
        {
            string content = File.ReadAllText(Path.Combine(root, doc));
            StringAssert.Contains(content, string.Join("\n", rows), doc + " has the table `nanobackprop ram-budget` prints");
        }
    }

    internal static Dictionary<string, string> PinnedPackages(string packagesConfig)
    {
        return XDocument.Load(packagesConfig).Descendants("package").ToDictionary(p => p.Attribute("id")!.Value, p => p.Attribute("version")!.Value);
    }

    private static string RelativePathToRoot(string project)
    {
        int depth = project.Count(c => c == '/');
        return string.Concat(Enumerable.Repeat(@"..\", depth));
    }
}
