using System.Collections.Immutable;
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
/// still fail to build or run on the device. This checker binds the sources with Roslyn and reports:
/// <list type="number">
/// <item>every type or member from outside the library, including those the compiler calls
/// implicitly, that is not in a reviewed allowlist of nanoFramework APIs
/// (<see cref="ExternalApiUses"/>);</item>
/// <item>language features nanoFramework lacks or that allocate behind the programmer's back
/// (<see cref="LanguageFeatureFindings"/>);</item>
/// <item>floating point or System.Math in the bit-exact training path (<see cref="HotPathFindings"/>).</item>
/// </list>
/// The fourth rule, that the .nfproj lists every source, is
/// <see cref="ProjectFileTests.NfprojListsEverySourceFileAndNothingElse"/>.
/// </summary>
internal sealed partial class NanoFrameworkGuard
{
    /// <summary>Both project files pin C# 10 (ProjectFileTests checks), so the guard parses as C# 10.</summary>
    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp10, DocumentationMode.Parse);

    // The shared framework's own assemblies (System.Private.CoreLib and its neighbours), so that
    // symbols bind as they do in the desktop build. The test host's other assemblies (the compiled
    // NanoBackprop.dll among them) are left out: they would clash with the sources being checked.
    private static readonly Lazy<ImmutableArray<MetadataReference>> DesktopRuntime = new(() =>
    {
        string runtimeFolder = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator)
            .Where(path => string.Equals(Path.GetDirectoryName(path), runtimeFolder, StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    });

    /// <summary>Every finding of rules 1 to 3, sorted by file and line, each reported once.</summary>
    /// <param name="sources">Path (as it should appear in a finding) and text of each .cs file.</param>
    /// <param name="allowlist">Documentation comment IDs of the nanoFramework APIs the library may use.</param>
    public IReadOnlyList<Finding> Check(IEnumerable<(string Path, string Text)> sources, IReadOnlySet<string> allowlist)
    {
        CSharpCompilation library = Compile(sources);
        var findings = new HashSet<Finding>();
        findings.UnionWith(CompilerErrors(library));
        foreach (ApiUse use in ExternalApiUses(library))
        {
            if (!allowlist.Contains(use.DocumentationId))
            {
                findings.Add(new Finding(use.Path, use.Line, "API outside the nanoFramework allowlist: " + use.DocumentationId + use.HowDescription));
            }
        }

        findings.UnionWith(LanguageFeatureFindings(library));
        findings.UnionWith(HotPathFindings(library));
        return findings.OrderBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.Line).ThenBy(f => f.Reason, StringComparer.Ordinal).ToList();
    }

    /// <summary>The library as one compilation against the desktop runtime, as the .csproj builds it.</summary>
    internal static CSharpCompilation Compile(IEnumerable<(string Path, string Text)> sources)
    {
        var trees = sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, ParseOptions, source.Path)).ToList();
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            nullableContextOptions: NullableContextOptions.Disable,
            // So that unsafe code binds and is reported by rule 2 rather than as a compiler error.
            allowUnsafe: true);
        return CSharpCompilation.Create("NanoBackprop", trees, DesktopRuntime.Value, options);
    }

    // A library that does not compile binds incompletely, and the other rules would then miss uses.
    private static IEnumerable<Finding> CompilerErrors(CSharpCompilation library)
    {
        return library.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error)
            .Select(diagnostic => At(diagnostic.Location, "does not compile: " + diagnostic.Id + " " + diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)));
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
