namespace NanoBackprop.Emulator;

/// <summary>
/// The files a nanoFramework NuGet package of a library ships in <c>lib\</c>, laid out as
/// nanoFramework.CoreLibrary's own package: the assembly compiled against mscorlib only (C# 10),
/// its <c>.pe</c> and <c>.pdbx</c> from the metadata processor, and its XML documentation (no <c>.pdb</c>).
/// </summary>
public static class NanoPackage
{
    /// <summary>The extensions of the files, in the order the package lists them.</summary>
    public static readonly string[] Extensions = { ".dll", ".pe", ".pdbx", ".xml" };

    /// <summary>Builds the library <paramref name="nfproj"/> lists into <paramref name="outputFolder"/>; returns the files' paths.</summary>
    /// <exception cref="NanoBuildException">The library does not compile against mscorlib alone, or the metadata processor fails.</exception>
    public static IReadOnlyList<string> Build(NanoFrameworkHome home, string nfproj, string outputFolder)
    {
        NfProject library = NfProject.Load(nfproj);
        var references = new[] { NanoAssembly.Mscorlib };
        var (assembly, _) = NanoCompiler.Compile(library.AssemblyName, library.Sources.Select(SourceFile.Read), references, outputFolder, xmlDocumentation: true);
        MetadataProcessor.MakePe(home, assembly, references);
        return Extensions.Select(extension => Path.ChangeExtension(assembly.Dll, extension)).ToList();
    }
}
