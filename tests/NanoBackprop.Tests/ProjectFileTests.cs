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
}
