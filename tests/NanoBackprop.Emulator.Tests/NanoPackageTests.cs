using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using NanoBackprop.Emulator;

namespace NanoBackprop.Emulator.Tests;

/// <summary>
/// The nanoFramework package's files, made as `nanobackprop nf-package` makes them: the .nuspec lists
/// exactly those files, and the assembly references mscorlib 1.17 and nothing else.
/// </summary>
[TestClass]
public sealed class NanoPackageTests
{
    private static readonly Lazy<IReadOnlyList<string>> Files = new(() =>
        NanoPackage.Build(Emulator.Home, Path.Combine(Emulator.RepositoryRoot, "src", "NanoBackprop", "NanoBackprop.nfproj"), Emulator.NewBuildFolder("package")));

    [TestMethod]
    public void TheNuspecShipsExactlyTheFilesTheMetadataProcessorBuildMakes()
    {
        _ = Emulator.Home;
        var nuspec = XDocument.Load(Path.Combine(Emulator.RepositoryRoot, "src", "NanoBackprop", "NanoBackprop.nuspec"));
        var shipped = nuspec.Descendants().Where(e => e.Name.LocalName == "file")
            .Select(f => (Source: f.Attribute("src")!.Value, Target: f.Attribute("target")!.Value))
            .Where(f => f.Target.StartsWith("lib\\", StringComparison.Ordinal))
            .ToList();
        CollectionAssert.AreEquivalent(Files.Value.Select(Path.GetFileName).ToArray(), shipped.Select(f => f.Target.Substring(4)).ToArray(), "lib\\ holds the dll, pe, pdbx and xml");
        foreach (var (source, target) in shipped)
        {
            Assert.AreEqual("..\\..\\artifacts\\nanoframework\\" + target.Substring(4), source, "taken from nf-package's default --out");
        }

        foreach (string file in Files.Value)
        {
            Assert.IsGreaterThan(1000L, new FileInfo(file).Length, file);
        }

        StringAssert.Contains(File.ReadAllText(Files.Value[3]), "<member name=\"T:NanoBackprop.Network\">");
    }

    [TestMethod]
    public void TheAssemblyReferencesMscorlib117AndNothingElse()
    {
        _ = Emulator.Home;
        using var stream = File.OpenRead(Files.Value[0]);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var references = reader.AssemblyReferences.Select(h => reader.GetAssemblyReference(h))
            .Select(r => reader.GetString(r.Name) + " " + r.Version.Major + "." + r.Version.Minor).ToArray();
        CollectionAssert.AreEqual(new[] { "mscorlib 1.17" }, references);
        Assert.AreEqual("NanoBackprop", reader.GetString(reader.GetAssemblyDefinition().Name));
    }
}
