namespace NanoBackprop.Tests;

/// <summary>
/// Every board (each folder under boards/ with a .nfproj) pins one consistent, existing package
/// set: the versions board-libraries/ was built from, the same in packages.config and the .nfproj,
/// and exactly the libraries its compiled app loads (<see cref="BoardPackageSet"/>). Inconclusive
/// without the shared nanoframework folder (<see cref="NanoFrameworkHome"/>).
/// </summary>
[TestClass]
public sealed class BoardPackageSetTests
{
    private static BoardPackageSet Checker(params string[] extraFolders)
    {
        string? libraries = BoardLibraryFolder.Find(out string missing);
        if (libraries == null)
        {
            NanoBackprop.Emulator.Tests.EmulatorRequirement.Unavailable(missing);
        }

        string nuget = BoardLibraryFolder.NuGetPackages();
        if (!File.Exists(Path.Combine(nuget, "nanoframework.corelibrary", "1.17.11", "lib", "mscorlib.dll")))
        {
            Assert.Inconclusive("mscorlib of nanoFramework.CoreLibrary 1.17.11 is not restored in " + nuget
                + "; restore it as step 0 of the shared nanoframework folder's README.md shows (a PackageDownload of nanoFramework.CoreLibrary [1.17.11]).");
        }

        return new BoardPackageSet(new[] { libraries! }.Concat(extraFolders), nuget);
    }

    private static BoardPackageSet? shared;

    private static BoardPackageSet Shared() => shared ??= Checker();

    [TestMethod]
    public void TheBoardsAreDiscoveredFromTheirFolders()
    {
        CollectionAssert.AreEqual(new[] { "esp32-devkitc", "esp32-s3-devkitc" }, BoardProject.BoardFolders().ToArray(),
            "every folder under boards/ with a .nfproj is a board; add a board's folder and the checks below cover it");
    }

    [TestMethod]
    public void EveryBoardPinsTheBoardLibrariesVersionsAndLoadsExactlyWhatItLists()
    {
        BoardPackageSet checker = Shared();
        foreach (string folder in BoardProject.BoardFolders())
        {
            List<string> problems = checker.Problems(BoardProject.Load(folder));
            Assert.IsEmpty(problems, folder + ":\n" + string.Join("\n", problems));
        }
    }

    /// <summary>The two pins issue 16 found wrong, and the set that replaced them.</summary>
    [TestMethod]
    public void TheBoardsPinGpio1162AndTheBmxx80BuildItsDependenciesMatch()
    {
        foreach (string folder in BoardProject.BoardFolders())
        {
            BoardProject board = BoardProject.Load(folder);
            Assert.AreEqual("1.1.62", board.Pins["nanoFramework.System.Device.Gpio"], folder + ": 1.1.64 was never tagged upstream");
            Assert.AreEqual("1.2.846", board.Pins["nanoFramework.Iot.Device.Bmxx80"], folder);
            Assert.AreEqual("1.2.845", board.Pins["nanoFramework.Iot.Device.Common.WeatherHelper"], folder);
            Assert.AreEqual("1.2.807", board.Pins["nanoFramework.System.Buffers.Binary.BinaryPrimitives"], folder);
            Assert.AreEqual("1.2.807", board.Pins["nanoFramework.System.Device.Model"], folder);
            foreach (string quantity in new[] { "Duration", "ElectricResistance", "Length", "Pressure", "RelativeHumidity", "Temperature" })
            {
                Assert.AreEqual("5.71.0", board.Pins["UnitsNet.nanoFramework." + quantity], folder);
            }
        }
    }

    /// <summary>The package version comes from the informational version, else the file version, never the AssemblyVersion alone.</summary>
    [TestMethod]
    [DataRow("1.2.0.0", "1.2.846.0", null, "1.2.846", DisplayName = "Nerdbank.GitVersioning, IoT.Device binding: AssemblyVersion is major.minor only")]
    [DataRow("1.17.11.0", "1.17.11.58445", "1.17.11+e44d82ddb4", "1.17.11", DisplayName = "mscorlib: informational version before '+'")]
    [DataRow("5.71.0.0", "5.71.0", null, "5.71.0", DisplayName = "UnitsNet: three-part file version")]
    [DataRow("1.1.62.0", null, null, "1.1.62", DisplayName = "no version attributes: the AssemblyVersion")]
    public void PackageVersionOfAnAssembly(string assemblyVersion, string? fileVersion, string? informationalVersion, string expected)
    {
        Assert.AreEqual(expected, AssemblyFacts.PackageVersionOf(Version.Parse(assemblyVersion), fileVersion, informationalVersion));
    }

    [TestMethod]
    public void TheBoardLibrariesMapToTheirReadmesVersions()
    {
        string? folder = BoardLibraryFolder.Find(out string missing);
        if (folder == null)
        {
            NanoBackprop.Emulator.Tests.EmulatorRequirement.Unavailable(missing);
        }

        AssemblyFacts Facts(string file) => AssemblyFacts.Read(File.ReadAllBytes(Path.Combine(folder!, file)));
        Assert.AreEqual("1.2.846", Facts("Iot.Device.Bmxx80.dll").PackageVersion);
        Assert.AreEqual(new Version(1, 2, 0, 0), Facts("Iot.Device.Bmxx80.dll").Version, "what assembly references name");
        Assert.AreEqual("1.1.62", Facts("System.Device.Gpio.dll").PackageVersion);
        Assert.AreEqual("5.71.0", Facts("UnitsNet.Temperature.dll").PackageVersion);
        Assert.AreEqual("c07d481e9758c731", Facts("System.Device.Gpio.dll").PublicKeyToken);
    }

    /// <summary>
    /// The check fails, naming the package, for each kind of disagreement: a pin that no library was
    /// built from, a HintPath version that differs from its pin, a library listed but never loaded,
    /// and one loaded but not listed.
    /// </summary>
    [TestMethod]
    public void TheCheckNamesEachKindOfDisagreement()
    {
        string? libraries = BoardLibraryFolder.Find(out string missing);
        if (libraries == null)
        {
            NanoBackprop.Emulator.Tests.EmulatorRequirement.Unavailable(missing);
        }

        string testFramework = Path.Combine(Path.GetDirectoryName(libraries)!, "testframework");
        BoardPackageSet checker = Checker(testFramework);
        BoardProject board = BoardProject.Load(BoardProject.BoardFolders()[0]);
        var pins = new Dictionary<string, string>(board.Pins)
        {
            ["nanoFramework.System.Device.Gpio"] = "1.1.64",
            ["nanoFramework.TestFramework"] = "3.0.78",
        };
        pins.Remove("nanoFramework.System.Text");
        var references = board.References
            .Where(r => r.PackageId != "nanoFramework.System.Text")
            .Select(r => r.PackageId switch
            {
                "nanoFramework.System.Device.Gpio" => r with { PackageVersion = "1.1.64" },
                "nanoFramework.System.Device.Adc" => r with { PackageVersion = "1.1.23" },
                _ => r,
            })
            .Append(new NfprojReference("nanoFramework.TestFramework", "nanoFramework.TestFramework", "3.0.78", "nanoFramework.TestFramework.dll"))
            .ToList();

        List<string> problems = checker.Problems(board with { Pins = pins, References = references });
        CollectionAssert.AreEquivalent(new[]
        {
            "nanoFramework.System.Device.Gpio: packages.config pins 1.1.64, but System.Device.Gpio.dll was built from 1.1.62",
            "nanoFramework.System.Device.Adc: the HintPath names 1.1.23, packages.config pins 1.1.24",
            "nanoFramework.TestFramework (nanoFramework.TestFramework.dll) is listed, but neither the app nor any assembly it loads references it",
            "nanoFramework.System.Text 1.3.42.0: needed by System.IO.FileSystem, System.IO.Streams, but neither packages.config nor the .nfproj lists it",
        }, problems.ToArray(), string.Join("\n", problems));
    }

    /// <summary>
    /// The hardware layer's files that the desktop tests compile (NanoBackprop.Boards.Tests.csproj
    /// lists them) need no driver: with the shared app, they compile for nanoFramework (C# 10) against
    /// mscorlib, System.IO.Streams and the library alone, without any hardware library.
    /// </summary>
    [TestMethod]
    public void TheDriverFreeHardwareFilesCompileWithoutTheHardwareLibraries()
    {
        BoardPackageSet checker = Shared();
        string root = ProjectFileTests.RepositoryRoot();
        var testProject = System.Xml.Linq.XDocument.Load(Path.Combine(root, "tests", "NanoBackprop.Boards.Tests", "NanoBackprop.Boards.Tests.csproj"));
        string[] driverFree = testProject.Descendants().Where(e => e.Name.LocalName == "Compile" && e.Attribute("Include") != null)
            .Select(e => e.Attribute("Include")!.Value.Replace('\\', '/'))
            .Where(item => item.StartsWith("../../boards/common/Device/", StringComparison.Ordinal))
            .Select(item => item["../../".Length..])
            .Order(StringComparer.Ordinal)
            .ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "boards/common/Device/BoardPins.cs", "boards/common/Device/ModelFileSlots.cs",
            "boards/common/Device/SampleSchedule.cs", "boards/common/Device/SensorUnits.cs",
        }, driverFree);

        string[] app = Directory.EnumerateFiles(Path.Combine(root, "boards", "common", "App"), "*.cs")
            .Select(f => "boards/common/App/" + Path.GetFileName(f)).ToArray();
        var project = new BoardProject("driver-free hardware layer", root, "DriverFree", false, new Dictionary<string, string>(),
            Array.Empty<NfprojReference>(), app.Concat(driverFree).ToList(), Array.Empty<string>());
        var (library, libraryErrors) = checker.Library;
        Assert.AreEqual(string.Empty, libraryErrors);
        var references = new[]
        {
            checker.Resolve("nanoFramework.CoreLibrary", "1.17.11", "mscorlib.dll")!,
            checker.Resolve("nanoFramework.System.IO.Streams", "1.1.96", "System.IO.Streams.dll")!,
        }.Select(path => (Microsoft.CodeAnalysis.MetadataReference)Microsoft.CodeAnalysis.MetadataReference.CreateFromFile(path))
            .Append(Microsoft.CodeAnalysis.MetadataReference.CreateFromImage(library));
        var (image, errors) = BoardPackageSet.Emit(project, references);
        Assert.AreEqual(string.Empty, errors);
        CollectionAssert.AreEquivalent(new[] { "mscorlib", "System.IO.Streams", "NanoBackprop" },
            AssemblyFacts.Read(image).References.Select(r => r.Name).ToArray());
    }

    /// <summary>Each board README's package table is its packages.config, row for row.</summary>
    [TestMethod]
    public void EachBoardReadmeListsItsPinnedPackages()
    {
        var row = new System.Text.RegularExpressions.Regex(@"^\| `([\w.]+)` \| (\d+\.\d+\.\d+) \|$");
        foreach (string folder in BoardProject.BoardFolders())
        {
            BoardProject board = BoardProject.Load(folder);
            string[] listed = File.ReadAllLines(Path.Combine(board.Directory, "README.md"))
                .Select(line => row.Match(line))
                .Where(match => match.Success)
                .Select(match => match.Groups[1].Value + " " + match.Groups[2].Value)
                .ToArray();
            CollectionAssert.AreEqual(board.Pins.Select(pin => pin.Key + " " + pin.Value).ToArray(), listed, folder + ": the README's package table is packages.config");
        }
    }
}
