using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NanoBackprop.Emulator;

/// <summary>A C# source: the path its diagnostics name, and its text.</summary>
/// <param name="Path">The path as it should appear in diagnostics.</param>
/// <param name="Text">The C# text.</param>
public sealed record SourceFile(string Path, string Text)
{
    /// <summary>Reads a file from disk.</summary>
    public static SourceFile Read(string path) => new(path, File.ReadAllText(path));
}

/// <summary>A compiled nanoFramework assembly: its name and files.</summary>
/// <param name="Name">The assembly name (what references and <c>-loadHints</c> use).</param>
/// <param name="Dll">The compiled .dll (or .exe).</param>
public sealed record NanoAssembly(string Name, string Dll)
{
    /// <summary>The .pe beside the .dll (made by <see cref="MetadataProcessor"/>; shipped beside library .dlls).</summary>
    public string Pe => System.IO.Path.ChangeExtension(Dll, ".pe");

    /// <summary>An assembly that exists on disk, named by its own metadata.</summary>
    public static NanoAssembly FromFile(string dll) => new(AssemblyName.GetAssemblyName(dll).Name!, dll);

    /// <summary>The real nanoFramework mscorlib.</summary>
    public static NanoAssembly Mscorlib => new("mscorlib", NanoFrameworkHome.MscorlibDll);
}

/// <summary>
/// Compiles C# for nanoFramework exactly as nanoFramework's project system does with csc:
/// C# 10, no standard library (<c>-nostdlib -noconfig</c>: only the references given, mscorlib
/// among them), optimised, deterministic.
/// </summary>
public static class NanoCompiler
{
    /// <summary>nanoFramework projects pin C# 10: later compilers emit attribute types the metadata processor mishandles.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp10, DocumentationMode.Diagnose);

    /// <summary>The compilation of <paramref name="sources"/> against <paramref name="references"/>, not yet emitted.</summary>
    public static CSharpCompilation Create(string assemblyName, IEnumerable<SourceFile> sources, IEnumerable<NanoAssembly> references, bool executable = false)
    {
        var trees = sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, ParseOptions, source.Path)).ToList();
        var options = new CSharpCompilationOptions(
            executable ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release,
            deterministic: true,
            nullableContextOptions: NullableContextOptions.Disable,
            // CS1591 (a public member without XML docs) is the library's own build's concern.
            specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress });
        var metadata = references.Select(reference => (MetadataReference)MetadataReference.CreateFromFile(reference.Dll));
        return CSharpCompilation.Create(assemblyName, trees, metadata, options);
    }

    /// <summary>
    /// Compiles <paramref name="sources"/> into <paramref name="outputFolder"/>/<paramref name="assemblyName"/>.dll
    /// (.exe with <paramref name="executable"/>), with its XML documentation when <paramref name="xmlDocumentation"/>.
    /// </summary>
    /// <returns>The assembly and the compiler's warnings (formatted as csc prints them).</returns>
    /// <exception cref="NanoBuildException">The sources do not compile; the message lists the errors.</exception>
    public static (NanoAssembly Assembly, IReadOnlyList<string> Warnings) Compile(
        string assemblyName, IEnumerable<SourceFile> sources, IEnumerable<NanoAssembly> references, string outputFolder,
        bool executable = false, bool xmlDocumentation = false)
    {
        CSharpCompilation compilation = Create(assemblyName, sources, references, executable);
        Directory.CreateDirectory(outputFolder);
        string dll = Path.Combine(outputFolder, assemblyName + (executable ? ".exe" : ".dll"));
        string xml = Path.ChangeExtension(dll, ".xml");
        Microsoft.CodeAnalysis.Emit.EmitResult result;
        using (var dllStream = new MemoryStream())
        using (var xmlStream = new MemoryStream())
        {
            result = compilation.Emit(dllStream, xmlDocumentationStream: xmlDocumentation ? xmlStream : null);
            if (result.Success)
            {
                File.WriteAllBytes(dll, dllStream.ToArray());
                if (xmlDocumentation)
                {
                    File.WriteAllBytes(xml, xmlStream.ToArray());
                }
            }
        }

        ImmutableArray<Diagnostic> diagnostics = result.Diagnostics;
        if (!result.Success)
        {
            var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Format).ToList();
            throw new NanoBuildException(assemblyName + " does not compile for nanoFramework (" + errors.Count + " errors): "
                + string.Join(" | ", errors.Take(8)) + (errors.Count > 8 ? " | …" : ""));
        }

        var warnings = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(Format).ToList();
        return (new NanoAssembly(assemblyName, dll), warnings);
    }

    /// <summary>A diagnostic as csc prints it: <c>path(line,column): error CS0000: message</c>.</summary>
    public static string Format(Diagnostic diagnostic) => CSharpDiagnosticFormatter.Instance.Format(diagnostic, CultureInfo.InvariantCulture);
}
