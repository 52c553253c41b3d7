using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NanoBackprop.Tests;

/// <summary>
/// Runs <see cref="NanoFrameworkGuard"/> on src/NanoBackprop, the device tests and the board app:
/// they must build against nanoFramework's real mscorlib and stay inside what nanoFramework runs,
/// which the desktop build cannot tell. That the .nfproj lists every source is
/// <see cref="ProjectFileTests.NfprojListsEverySourceFileAndNothingElse"/>; that the guard can fail
/// is <see cref="NanoFrameworkGuardSnippetTests"/>.
/// </summary>
[TestClass]
public sealed class NanoFrameworkGuardTests
{
    [TestMethod]
    public void LibraryCompilesAgainstNanoFrameworksMscorlibAndUsesOnlyFeaturesItRuns()
    {
        IReadOnlyList<Finding> findings = new NanoFrameworkGuard().Check(LibrarySources());
        Assert.IsEmpty(findings, "src/NanoBackprop leaves nanoFramework (see NanoFrameworkGuard for the rules):\n" + string.Join("\n", findings));
    }

    /// <summary>
    /// The device tests' shared sources (tests/NanoBackprop.DeviceTests/Shared) must build and run
    /// on nanoFramework too. They are checked with the library against the real mscorlib and the
    /// real nanoFramework.TestFramework (from the emulator folder), so a call to an assertion
    /// nanoFramework lacks is a compile error here. Findings in the library itself are the test above's.
    /// </summary>
    [TestMethod]
    public void DeviceTestSourcesUseOnlyNanoFrameworkApisAndFeatures()
    {
        IReadOnlyList<(string Path, string Text)> shared = SourcesUnder("tests/NanoBackprop.DeviceTests/Shared");
        Assert.IsGreaterThanOrEqualTo(5, shared.Count);
        IReadOnlyList<Finding> findings = CheckWithLibrary(shared, TestFramework());
        Assert.IsEmpty(findings, "the device tests leave nanoFramework (see NanoFrameworkGuard for the rules):\n" + string.Join("\n", findings));
    }

    /// <summary>
    /// The board app's logic (boards/common/App: SensorNode and its interfaces) runs on the ESP32s
    /// and in the desktop emulator, so it must stay inside nanoFramework like the library: checked
    /// with the library, every rule. The hardware layer (boards/common/Device
    /// and each board's Program.cs) is not checked here: BoardPackageSetTests compiles it against
    /// nanoFramework's own mscorlib and hardware libraries.
    /// </summary>
    [TestMethod]
    public void BoardAppSourcesUseOnlyNanoFrameworkApisAndFeatures()
    {
        IReadOnlyList<(string Path, string Text)> app = SourcesUnder("boards/common/App");
        Assert.IsGreaterThanOrEqualTo(6, app.Count);
        IReadOnlyList<Finding> findings = CheckWithLibrary(app);
        Assert.IsEmpty(findings, "the board app leaves nanoFramework (see NanoFrameworkGuard for the rules):\n" + string.Join("\n", findings));
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
        IReadOnlyList<Finding> findings = CheckWithLibrary(new[] { (path, code) }, TestFramework());
        CollectionAssert.AreEquivalent(new[] { 11, 12, 13 }, findings.Select(f => f.Line).Distinct().ToArray(), string.Join("\n", findings));
        Assert.IsTrue(findings.Any(f => f.Line == 11 && f.Reason.StartsWith("does not compile", StringComparison.Ordinal)), "no delta overload");
        Assert.IsTrue(findings.Any(f => f.Line == 12 && f.Reason.StartsWith("does not compile", StringComparison.Ordinal)), "IsGreaterThan is MSTest's, not nanoFramework's");
        Assert.IsTrue(findings.Any(f => f.Line == 13 && f.Reason == NanoFrameworkGuard.Lambda), "lambda");
    }

    /// <summary>Findings in <paramref name="extraSources"/> when compiled together with the library.</summary>
    internal static IReadOnlyList<Finding> CheckWithLibrary(IEnumerable<(string Path, string Text)> extraSources, params string[] references)
    {
        var extra = extraSources.ToList();
        var paths = extra.Select(source => source.Path).ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<Finding> findings = new NanoFrameworkGuard().Check(LibrarySources().Concat(extra), references);
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

    /// <summary>The real nanoFramework.TestFramework.dll from the emulator folder; skips the test (fails under CI) without it.</summary>
    private static string TestFramework() => NanoBackprop.Emulator.Tests.EmulatorRequirement.Home().TestFramework;

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

        IReadOnlyList<Finding> findings = new NanoFrameworkGuard().Check(sources);

        Finding finding = findings.Single();
        Assert.AreEqual("src/NanoBackprop/Q16.cs", finding.Path);
        StringAssert.StartsWith(finding.Reason, NanoFrameworkGuard.HotPathFloatingPoint);
        StringAssert.EndsWith(finding.Reason, "→ Q16.Saturate)");
    }

    internal static IEnumerable<(string Path, string Text)> LibrarySources()
    {
        return ProjectFileTests.LibrarySourceFiles()
            .Select(file => ("src/NanoBackprop/" + file, File.ReadAllText(Path.Combine(ProjectFileTests.LibraryFolder, file))))
            .ToList();
    }
}
