using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NanoBackprop.Tests;

/// <summary>A violation of the nanoFramework rules: where it is and why.</summary>
internal sealed record Finding(string Path, int Line, string Reason)
{
    public override string ToString() => Path + ":" + Line + ": " + Reason;
}

/// <summary>
/// Keeps src/NanoBackprop inside what nanoFramework can run. The desktop build compiles the library
/// against .NET, which has far more than nanoFramework's mscorlib, so a desktop-green change can
/// still fail to build or run on the device. This checker binds the sources with Roslyn against the
/// real nanoFramework mscorlib (CoreLibrary 1.17.11) and reports:
/// <list type="number">
/// <item>every compile error against that mscorlib: an API nanoFramework lacks is one;</item>
/// <item>language features nanoFramework compiles but cannot run, or that allocate behind the
/// programmer's back (<see cref="LanguageFeatureFindings"/>);</item>
/// <item>floating point or System.Math in the bit-exact training path (<see cref="HotPathFindings"/>).</item>
/// </list>
/// The emulator tests (tests/NanoBackprop.Emulator.Tests) then run the same sources on nanoCLR. The
/// fourth rule, that the .nfproj lists every source, is
/// <see cref="ProjectFileTests.NfprojListsEverySourceFileAndNothingElse"/>.
/// </summary>
internal sealed partial class NanoFrameworkGuard
{
    /// <summary>Both project files pin C# 10 (ProjectFileTests checks), so the guard parses as C# 10.</summary>
    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp10, DocumentationMode.Parse);

    /// <summary>The start of the reason for a compile error against nanoFramework's mscorlib.</summary>
    internal const string DoesNotCompile = "does not compile against nanoFramework's mscorlib: ";

    /// <summary>Every finding of rules 1 to 3, sorted by file and line, each reported once.</summary>
    /// <param name="sources">Path (as it should appear in a finding) and text of each .cs file.</param>
    /// <param name="references">nanoFramework assemblies the sources use besides mscorlib (TestFramework for the device tests).</param>
    public IReadOnlyList<Finding> Check(IEnumerable<(string Path, string Text)> sources, params string[] references)
    {
        CSharpCompilation library = Compile(sources, references);
        var findings = new HashSet<Finding>();
        findings.UnionWith(CompilerErrors(library));
        findings.UnionWith(LanguageFeatureFindings(library));
        findings.UnionWith(HotPathFindings(library));
        return findings.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Reason, StringComparer.Ordinal).ToList();
    }

    /// <summary>The library as one compilation against nanoFramework's mscorlib, as the .nfproj builds it.</summary>
    internal static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources, params string[] references)
    {
        var trees = sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, ParseOptions, source.Path)).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Disable,
            // So that unsafe code binds and is reported by rule 2 rather than as a compiler error.
            allowUnsafe: true);
        var metadata = references.Prepend(NanoBackprop.Emulator.NanoFrameworkHome.MscorlibDll).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        return CSharpCompilation.Create("NanoBackprop", trees, metadata, options);
    }

    // A library that does not compile binds incompletely, and the other rules would then miss uses.
    private static IEnumerable<Finding> CompilerErrors(CSharpCompilation library)
    {
        return library.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)
            .Select(diagnostic => At(diagnostic.Location, DoesNotCompile + diagnostic.Id + " " + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static Finding At(Location location, string reason)
    {
        FileLinePositionSpan span = location.GetLineSpan();
        return new Finding(span.Path, span.StartLinePosition.Line + 1, reason);
    }

    private static Finding At(SyntaxNode node, string reason) => At(node.GetLocation(), reason);

    private static bool IsFromLibrary(ISymbol symbol, Compilation library)
    {
        return SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, library.Assembly);
    }
}
