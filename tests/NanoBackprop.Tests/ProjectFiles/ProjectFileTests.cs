using System.Xml.Linq;

namespace NanoBackprop.Tests;

/// <summary>
/// The library builds from two project files: the .nfproj (nanoFramework, explicit Compile items,
/// no globbing) must list exactly the sources the desktop .csproj compiles.
/// </summary>
[TestClass]
public sealed class ProjectFileTests
{
    internal static string LibraryFolder => Path.Combine(RepositoryRoot(), "src", "NanoBackprop");

    internal static string RepositoryRoot()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder != null && !File.Exists(Path.Combine(folder, "nanoBackprop.sln")))
        {
            folder = Path.GetDirectoryName(folder);
        }

        return folder ?? throw new InvalidOperationException("nanoBackprop.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The library's .cs files, relative to its folder with '/' separators, build output excluded:
    /// what both project files must compile and what NanoFrameworkGuardTests checks.
    /// </summary>
    internal static IReadOnlyList<string> LibrarySourceFiles()
    {
        return Directory.EnumerateFiles(LibraryFolder, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(LibraryFolder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("obj/", StringComparison.Ordinal) && !f.StartsWith("bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [TestMethod]
    public void NfprojListsEverySourceFileAndNothingElse()
    {
        var document = XDocument.Load(Path.Combine(LibraryFolder, "NanoBackprop.nfproj"));
        var listed = document.Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => e.Attribute("Include")!.Value.Replace('\\', '/'))
            .ToHashSet(StringComparer.Ordinal);
        var onDisk = LibrarySourceFiles().ToHashSet(StringComparer.Ordinal);
        Assert.IsGreaterThan(5, onDisk.Count);
        var missing = onDisk.Except(listed).ToArray();
        var stale = listed.Except(onDisk).ToArray();
        Assert.IsEmpty(missing, "sources the .nfproj does not list: " + string.Join(", ", missing));
        Assert.IsEmpty(stale, "the .nfproj lists files that do not exist: " + string.Join(", ", stale));
        Assert.IsFalse(listed.Any(f => f.Contains('*')), "no globbing in the .nfproj");
    }

    [TestMethod]
    public void BothProjectFilesPinCSharp10()
    {
        foreach (string file in new[] { "NanoBackprop.csproj", "NanoBackprop.nfproj" })
        {
            var document = XDocument.Load(Path.Combine(LibraryFolder, file));
            var versions = document.Descendants().Where(e => e.Name.LocalName == "LangVersion").Select(e => e.Value).ToArray();
            CollectionAssert.AreEqual(new[] { "10" }, versions, file);
        }
    }

    [TestMethod]
    public void PackagesConfigNamesTheNanoFrameworkPackages()
    {
        var document = XDocument.Load(Path.Combine(LibraryFolder, "packages.config"));
        var packages = document.Descendants("package").ToDictionary(p => p.Attribute("id")!.Value, p => p.Attribute("version")!.Value);
        StringAssert.StartsWith(packages["nanoFramework.CoreLibrary"], "1.17.");
        StringAssert.StartsWith(packages["nanoFramework.System.Math"], "1.5.");
        var nfproj = File.ReadAllText(Path.Combine(LibraryFolder, "NanoBackprop.nfproj"));
        StringAssert.Contains(nfproj, $"nanoFramework.CoreLibrary.{packages["nanoFramework.CoreLibrary"]}\\lib\\mscorlib.dll");
        StringAssert.Contains(nfproj, $"nanoFramework.System.Math.{packages["nanoFramework.System.Math"]}\\lib\\System.Math.dll");
    }
    /// <summary>
    /// The .nuspec ships what `nanobackprop nf-package` makes, the way nanoFramework.CoreLibrary's
    /// package does (dll, pe, pdbx and XML docs straight into lib\, no pdb; NanoPackageTests builds
    /// them and checks the list against the files), depends on the CoreLibrary version packages.config
    /// pins, carries the assembly's version, and declares the MIT licence of docs/LICENSE (the top level holds only what the project layout names).
    /// </summary>
    [TestMethod]
    public void NuspecShipsTheReleaseBuildIntoLibWithThePinnedCoreLibrary()
    {
        var nuspec = XDocument.Load(Path.Combine(LibraryFolder, "NanoBackprop.nuspec"));
        XElement metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        Assert.AreEqual("nanoFramework.Backprop", Field("id"));
        XElement license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        Assert.AreEqual("expression", license.Attribute("type")!.Value);
        Assert.AreEqual("MIT", license.Value, "the licence of the repository's LICENSE file");
        StringAssert.StartsWith(File.ReadAllText(Path.Combine(LibraryFolder, "..", "..", "docs", "LICENSE")), "MIT License\n\nCopyright (c) ");

        string assemblyInfo = File.ReadAllText(Path.Combine(LibraryFolder, "Properties", "AssemblyInfo.cs"));
        string assemblyVersion = System.Text.RegularExpressions.Regex.Match(assemblyInfo, @"AssemblyVersion\(""([0-9.]+)""\)").Groups[1].Value;
        Assert.AreEqual(assemblyVersion, Field("version") + ".0", "the package version is the assembly version");

        var pinned = XDocument.Load(Path.Combine(LibraryFolder, "packages.config")).Descendants("package")
            .ToDictionary(p => p.Attribute("id")!.Value, p => p.Attribute("version")!.Value);
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
        CollectionAssert.AreEquivalent(new[] { "nanoFramework.CoreLibrary" }, dependencies.Keys.ToArray());
        Assert.AreEqual(pinned["nanoFramework.CoreLibrary"], dependencies["nanoFramework.CoreLibrary"]);

        var files = nuspec.Descendants().Where(e => e.Name.LocalName == "file")
            .ToDictionary(f => f.Attribute("src")!.Value, f => f.Attribute("target")!.Value);
        foreach (string extension in new[] { "dll", "pe", "pdbx", "xml" })
        {
            string built = "..\\..\\artifacts\\nanoframework\\NanoBackprop." + extension;
            Assert.IsTrue(files.ContainsKey(built), "the package ships " + built);
            Assert.AreEqual("lib\\NanoBackprop." + extension, files[built]);
        }

        string nfproj = File.ReadAllText(Path.Combine(LibraryFolder, "NanoBackprop.nfproj"));
        StringAssert.Contains(nfproj, "<AssemblyName>NanoBackprop</AssemblyName>");
        StringAssert.Contains(nfproj, "<DocumentationFile>bin\\$(Configuration)\\NanoBackprop.xml</DocumentationFile>");
    }

    /// <summary>nuget.config names no package source: only where packages.config projects restore.</summary>
    [TestMethod]
    public void NugetConfigSetsOnlyTheRepositoryPath()
    {
        string path = Path.Combine(RepositoryRoot(), "nuget.config");
        var settings = XDocument.Load(path).Descendants("add").Select(a => a.Attribute("key")!.Value + "=" + a.Attribute("value")!.Value).ToArray();
        CollectionAssert.AreEqual(new[] { "repositoryPath=packages" }, settings);
        Assert.IsFalse(XDocument.Load(path).Descendants().Any(e => e.Name.LocalName is "packageSources" or "packageSourceMapping"), "no package source in nuget.config");
        Assert.IsFalse(File.ReadAllText(path).Contains("://", StringComparison.Ordinal), "no host or URL in nuget.config");
    }
}
