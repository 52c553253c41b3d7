using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace NanoBackprop.Tests;

/// <summary>
/// Runs <see cref="NanoFrameworkGuard"/> on src/NanoBackprop: the library must build and run on
/// nanoFramework, which the desktop build cannot tell. That the .nfproj lists every source is
/// <see cref="ProjectFileTests.NfprojListsEverySourceFileAndNothingElse"/>; that the guard can fail
/// is <see cref="NanoFrameworkGuardSnippetTests"/>.
/// </summary>
[TestClass]
public sealed class NanoFrameworkGuardTests
{
    // Real problems the guard finds in src/NanoBackprop that are not fixed yet, as (file, reason),
    // without line numbers so that unrelated edits do not break the match. Each one must come with
    // an issue for src's owner; the test fails once a listed problem is gone, so that its entry is
    // removed in the same change that fixes it.
    private static readonly (string Path, string Reason)[] KnownIssues = Array.Empty<(string, string)>();

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void LibraryUsesOnlyAllowlistedNanoFrameworkApisAndFeatures()
    {
        IReadOnlyList<Finding> findings = new NanoFrameworkGuard().Check(LibrarySources(), NanoFrameworkGuard.LoadAllowlist());

        var unexpected = findings.Where(f => !KnownIssues.Contains((f.Path, f.Reason))).ToList();
        var resolved = KnownIssues.Where(k => !findings.Any(f => (f.Path, f.Reason) == k)).ToList();
        Assert.IsEmpty(unexpected, "src/NanoBackprop leaves nanoFramework (see NanoFrameworkGuard for the rules; "
            + "add an API to nanoframework-api-allowlist.txt only after finding it in nanoFramework's sources):\n"
            + string.Join("\n", unexpected));
        Assert.IsEmpty(resolved, "known issues no longer found; remove them from KnownIssues:\n" + string.Join("\n", resolved));
    }

    [TestMethod]
    public void AllowlistEntriesAreDocumentationIdsEachWithItsNanoFrameworkSource()
    {
        IReadOnlyList<AllowlistEntry> entries = NanoFrameworkGuard.ParseAllowlist(File.ReadLines(NanoFrameworkGuard.AllowlistPath));
        Assert.IsGreaterThan(20, entries.Count);
        var idPattern = new Regex(@"^[TMPFE]:[A-Za-z_][\w.`#(),\[\]@*{}]*$");
        var sourcePattern = new Regex(@"\b[\w/]+\.cs\b");
        foreach (AllowlistEntry entry in entries)
        {
            string where = "nanoframework-api-allowlist.txt:" + entry.Line + ": ";
            Assert.IsTrue(idPattern.IsMatch(entry.DocumentationId), where + "not a documentation comment ID: " + entry.DocumentationId);
            Assert.IsTrue(sourcePattern.IsMatch(entry.Comment), where + "name the nanoFramework source file that declares " + entry.DocumentationId);
        }

        var duplicates = entries.GroupBy(e => e.DocumentationId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.IsEmpty(duplicates, "listed twice: " + string.Join(", ", duplicates));

        // Entries the library no longer uses are harmless but worth pruning; list them in the log.
        var used = NanoFrameworkGuard.ExternalApiUses(NanoFrameworkGuard.Compile(LibrarySources())).Select(u => u.DocumentationId).ToHashSet();
        foreach (AllowlistEntry unused in entries.Where(e => !used.Contains(e.DocumentationId)))
        {
            TestContext.WriteLine("allowlisted but unused: " + unused.DocumentationId);
        }
    }

    /// <summary>
    /// The device tests' shared sources (tests/NanoBackprop.DeviceTests/Shared) must build and run
    /// on nanoFramework too. They are checked with the library and the nanoFramework.TestFramework
    /// surface they call (nanoframework-testframework-surface.cs.txt, copied from its sources), so a
    /// call to an assertion nanoFramework lacks is a compile error here, and every other API must
    /// be in the allowlist. Findings in the library itself are the test above's.
    /// </summary>
    [TestMethod]
    public void DeviceTestSourcesUseOnlyNanoFrameworkApisAndFeatures()
    {
        IReadOnlyList<(string Path, string Text)> shared = SourcesUnder("tests/NanoBackprop.DeviceTests/Shared");
        Assert.IsGreaterThanOrEqualTo(5, shared.Count);
        IReadOnlyList<Finding> findings = CheckWithLibrary(shared.Append(TestFrameworkSurface()));
        Assert.IsEmpty(findings, "the device tests leave nanoFramework (see NanoFrameworkGuard for the rules; "
            + "add an API to nanoframework-api-allowlist.txt only after finding it in nanoFramework's sources):\n" + string.Join("\n", findings));
    }

    /// <summary>
    /// The board app's logic (boards/common/App: SensorNode and its interfaces) runs on the ESP32s
    /// and in the desktop emulator, so it must stay inside nanoFramework like the library: checked
    /// with the library, every rule, the same allowlist. The hardware layer (boards/common/Device
    /// and each board's Program.cs) is not checked here: BoardPackageSetTests compiles it against
    /// nanoFramework's own mscorlib and hardware libraries.
    /// </summary>
    [TestMethod]
    public void BoardAppSourcesUseOnlyNanoFrameworkApisAndFeatures()
    {
        IReadOnlyList<(string Path, string Text)> app = SourcesUnder("boards/common/App");
        Assert.IsGreaterThanOrEqualTo(6, app.Count);
        IReadOnlyList<Finding> findings = CheckWithLibrary(app);
        Assert.IsEmpty(findings, "the board app leaves nanoFramework (see NanoFrameworkGuard for the rules; "
            + "add an API to nanoframework-api-allowlist.txt only after finding it in nanoFramework's sources):\n" + string.Join("\n", findings));
    }

    /// <summary>
    /// That check can fail: a delta overload and an assertion nanoFramework.TestFramework lacks do
    /// not compile against its surface, and a lambda breaks the language rules.
    /// </summary>
    [TestMethod]
    public void DeviceTestsCallingWhatNanoFrameworkLacksAreReported()
    {
        const string path = "tests/NanoBackprop.DeviceTests/Shared/Offending.cs";
        const string code = """
            using nanoFramework.TestFramework;

            namespace NanoBackprop.DeviceTests
            {
                [TestClass]
                public class Offending
                {
                    [TestMethod]
                    public void UsesMSTestOnlyAssertions()
                    {
                        Assert.AreEqual(1.0, 1.01, 0.1);
                        Assert.IsGreaterThan(1, 2);
                        Assert.ThrowsException(typeof(System.Exception), () => { throw new System.Exception(); });
                    }
                }
            }
            """;
        IReadOnlyList<Finding> findings = CheckWithLibrary(new[] { (path, code), TestFrameworkSurface() });
        CollectionAssert.AreEquivalent(new[] { 11, 12, 13 }, findings.Select(f => f.Line).Distinct().ToArray(), string.Join("\n", findings));
        Assert.IsTrue(findings.Any(f => f.Line == 11 && f.Reason.StartsWith("does not compile", StringComparison.Ordinal)), "no delta overload");
        Assert.IsTrue(findings.Any(f => f.Line == 12 && f.Reason.StartsWith("does not compile", StringComparison.Ordinal)), "IsGreaterThan is MSTest's, not nanoFramework's");
        Assert.IsTrue(findings.Any(f => f.Line == 13 && f.Reason == NanoFrameworkGuard.Lambda), "lambda");
    }

    /// <summary>Findings in <paramref name="extraSources"/> when compiled together with the library.</summary>
    internal static IReadOnlyList<Finding> CheckWithLibrary(IEnumerable<(string Path, string Text)> extraSources)
    {
        var extra = extraSources.ToList();
        var paths = extra.Select(source => source.Path).ToHashSet(StringComparer.Ordinal);
        paths.Remove(TestFrameworkSurfacePath);
        IReadOnlyList<Finding> findings = new NanoFrameworkGuard().Check(LibrarySources().Concat(extra), NanoFrameworkGuard.LoadAllowlist());
        return findings.Where(f => paths.Contains(f.Path)).ToList();
    }

    /// <summary>The .cs files under a folder of the repository (relative, '/' separators), build output excluded.</summary>
    internal static IReadOnlyList<(string Path, string Text)> SourcesUnder(string folder)
    {
        string root = ProjectFileTests.RepositoryRoot();
        return Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Where(path => !path.Contains("/obj/", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllText(Path.Combine(root, path))))
            .ToList();
    }

    private const string TestFrameworkSurfacePath = "tests/NanoBackprop.Tests/nanoframework-testframework-surface.cs.txt";

    private static (string Path, string Text) TestFrameworkSurface()
    {
        return (TestFrameworkSurfacePath, File.ReadAllText(Path.Combine(ProjectFileTests.RepositoryRoot(), TestFrameworkSurfacePath)));
    }

    /// <summary>
    /// The hot-path rule follows the real call graph: a double slipped into Q16.Saturate, which
    /// the training loop reaches through other helpers, is reported with the route that makes it hot.
    /// </summary>
    [TestMethod]
    public void DoubleInAHelperTheTrainingPathReachesIsReported()
    {
        var saturate = new Regex(@"(public static int Saturate\(long value\)\s*\{)");
        var sources = LibrarySources().Select(source => source.Path.EndsWith("/Q16.cs", StringComparison.Ordinal)
            ? (source.Path, Text: saturate.Replace(source.Text, "$1 double half = value / 2.0;"))
            : source).ToList();
        Assert.AreNotEqual(LibrarySources().Single(s => s.Path.EndsWith("/Q16.cs", StringComparison.Ordinal)).Text,
            sources.Single(s => s.Path.EndsWith("/Q16.cs", StringComparison.Ordinal)).Text, "Q16.Saturate(long value) not found; update this test");

        IReadOnlyList<Finding> findings = new NanoFrameworkGuard().Check(sources, NanoFrameworkGuard.LoadAllowlist());

        Finding finding = findings.Single();
        Assert.AreEqual("src/NanoBackprop/Q16.cs", finding.Path);
        StringAssert.StartsWith(finding.Reason, NanoFrameworkGuard.HotPathFloatingPoint);
        StringAssert.EndsWith(finding.Reason, "→ Q16.Saturate)");
    }

    /// <summary>
    /// The guard finds implicit calls by modelling how Roslyn lowers constructs (string +, array
    /// initializers, default constructors). This compares that model with the metadata Roslyn
    /// actually emits for the library: every type and member the IL refers to must be one the
    /// guard checked, or a missing lowering would let an unchecked API through.
    /// </summary>
    [TestMethod]
    public void GuardSeesEveryTypeAndMemberTheCompiledLibraryRefersTo()
    {
        // As the .csproj builds it: without unsafe code, which would add security attributes.
        CSharpCompilation library = NanoFrameworkGuard.Compile(LibrarySources());
        library = library.WithOptions(library.Options.WithAllowUnsafe(false));
        IReadOnlyList<ApiUse> uses = NanoFrameworkGuard.ExternalApiUses(library);
        var checkedMembers = new HashSet<string>(StringComparer.Ordinal);
        var checkedTypes = new HashSet<string>(StringComparer.Ordinal);
        foreach (ISymbol symbol in uses.Select(u => u.Symbol))
        {
            AddChecked(symbol, checkedMembers, checkedTypes);
        }

        using var image = new MemoryStream();
        EmitResult result = library.Emit(image);
        Assert.IsTrue(result.Success, string.Join("\n", result.Diagnostics));
        image.Position = 0;
        using var reader = new PEReader(image);
        MetadataReader metadata = reader.GetMetadataReader();

        var notChecked = new List<string>();
        foreach (TypeReferenceHandle handle in metadata.TypeReferences)
        {
            string name = FullName(metadata, handle);
            if (!checkedTypes.Contains(name) && !WrittenOnlyWhereTheCorlibDefinesThem.Contains(name))
            {
                notChecked.Add("type " + name);
            }
        }

        foreach (MemberReferenceHandle handle in metadata.MemberReferences)
        {
            MemberReference member = metadata.GetMemberReference(handle);
            string parent = member.Parent.Kind == HandleKind.TypeReference ? FullName(metadata, (TypeReferenceHandle)member.Parent) : member.Parent.Kind.ToString();
            string name = parent + "::" + metadata.GetString(member.Name);
            if (!checkedMembers.Contains(name) && !WrittenOnlyWhereTheCorlibDefinesThem.Contains(parent))
            {
                notChecked.Add("member " + name);
            }
        }

        Assert.IsEmpty(notChecked, "the compiled library refers to APIs the guard did not check (teach NanoFrameworkGuard.ApiUses the construct that needs them):\n" + string.Join("\n", notChecked));
    }

    // Attributes Roslyn puts on the assembly and on compiler-generated types. It writes each only
    // when the referenced corlib defines it (RefSafetyRules is embedded in the assembly instead), so
    // they cannot fail on the device, and the device never calls them.
    private static readonly HashSet<string> WrittenOnlyWhereTheCorlibDefinesThem = new(StringComparer.Ordinal)
    {
        "System.Runtime.CompilerServices.CompilationRelaxationsAttribute",
        "System.Runtime.CompilerServices.RuntimeCompatibilityAttribute",
        "System.Runtime.CompilerServices.RefSafetyRulesAttribute",
        "System.Runtime.CompilerServices.CompilerGeneratedAttribute",
        "System.Diagnostics.DebuggableAttribute",
        "System.Diagnostics.DebuggableAttribute.DebuggingModes",
    };

    internal static IEnumerable<(string Path, string Text)> LibrarySources()
    {
        return ProjectFileTests.LibrarySourceFiles()
            .Select(file => ("src/NanoBackprop/" + file, File.ReadAllText(Path.Combine(ProjectFileTests.LibraryFolder, file))))
            .ToList();
    }

    // A checked member vouches for its containing type and the types in its signature, which is
    // what the metadata refers to when the IL calls it.
    private static void AddChecked(ISymbol symbol, HashSet<string> members, HashSet<string> types)
    {
        switch (symbol)
        {
            case INamedTypeSymbol type:
                types.Add(FullName(type));
                return;
            case IMethodSymbol method:
                members.Add(FullName(method.ContainingType) + "::" + method.MetadataName);
                AddSignatureTypes(method.ReturnType, types);
                foreach (IParameterSymbol parameter in method.Parameters)
                {
                    AddSignatureTypes(parameter.Type, types);
                }

                break;
            case IPropertySymbol property:
                foreach (IMethodSymbol? accessor in new[] { property.GetMethod, property.SetMethod })
                {
                    if (accessor != null)
                    {
                        AddChecked(accessor, members, types);
                    }
                }

                break;
            case IFieldSymbol field:
                members.Add(FullName(field.ContainingType) + "::" + field.MetadataName);
                AddSignatureTypes(field.Type, types);
                break;
        }

        types.Add(FullName(symbol.ContainingType));
    }

    private static void AddSignatureTypes(ITypeSymbol type, HashSet<string> types)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                AddSignatureTypes(array.ElementType, types);
                break;
            case INamedTypeSymbol named:
                types.Add(FullName(named));
                break;
        }
    }

    private static string FullName(INamedTypeSymbol type)
    {
        string prefix = type.ContainingType != null ? FullName(type.ContainingType)
            : type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        return prefix.Length == 0 ? type.MetadataName : prefix + "." + type.MetadataName;
    }

    private static string FullName(MetadataReader metadata, TypeReferenceHandle handle)
    {
        TypeReference type = metadata.GetTypeReference(handle);
        string prefix = type.ResolutionScope.Kind == HandleKind.TypeReference
            ? FullName(metadata, (TypeReferenceHandle)type.ResolutionScope)
            : metadata.GetString(type.Namespace);
        string name = metadata.GetString(type.Name);
        return prefix.Length == 0 ? name : prefix + "." + name;
    }
}
