using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NanoBackprop.Tests;

/// <summary>
/// The board libraries of the emulator folder (found by <see cref="NanoBackprop.Emulator.NanoFrameworkHome"/>:
/// NANOFRAMEWORK_HOME, else ../shared/nanoframework). The board-library checks are inconclusive
/// (EmulatorRequirement: skipped, failed under CI) without it, with instructions.
/// </summary>
internal static class BoardLibraryFolder
{
    /// <summary>The folder, or null with the reason and what to do in <paramref name="missing"/>.</summary>
    internal static string? Find(out string missing)
    {
        NanoBackprop.Emulator.NanoFrameworkHome? home = NanoBackprop.Emulator.NanoFrameworkHome.Find();
        missing = NanoBackprop.Emulator.NanoFrameworkHome.WhyUnavailable(home) ?? string.Empty;
        if (home != null && missing.Length == 0)
        {
            if (Directory.Exists(home.BoardLibraries) && Directory.EnumerateFiles(home.BoardLibraries, "*.dll").Any())
            {
                return home.BoardLibraries;
            }

            missing = "No nanoFramework board libraries at " + home.BoardLibraries + ": these checks compile the board apps against the "
                + "hardware libraries (System.Device.Gpio, Iot.Device.Bmxx80, ...) listed in board-libraries/README.md of the emulator folder.";
        }


        return null;
    }

    /// <summary>The NuGet global packages folder (NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    internal static string NuGetPackages()
    {
        string? configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return string.IsNullOrEmpty(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
            : configured;
    }
}

/// <summary>One &lt;Reference&gt; of a .nfproj: its Include and the package, version and file its HintPath names.</summary>
internal sealed record NfprojReference(string Include, string PackageId, string PackageVersion, string FileName);

/// <summary>A board app's project as the checks read it: packages.config pins, .nfproj references and sources.</summary>
internal sealed record BoardProject(
    string Folder,
    string Directory,
    string AssemblyName,
    bool IsExe,
    IReadOnlyDictionary<string, string> Pins,
    IReadOnlyList<NfprojReference> References,
    IReadOnlyList<string> CompileItems,
    IReadOnlyList<string> ProjectReferences)
{
    private static readonly Regex HintPattern = new(@"packages\\([A-Za-z][\w.]*?)\.(\d+\.\d+\.\d+(?:-[\w.]+)?)\\lib\\([^\\]+)$", RegexOptions.CultureInvariant);

    /// <summary>Every folder under boards/ with a .nfproj (boards/common has none): a new board is covered when it is added.</summary>
    internal static IReadOnlyList<string> BoardFolders()
    {
        string boards = Path.Combine(ProjectFileTests.RepositoryRoot(), "boards");
        return System.IO.Directory.EnumerateDirectories(boards)
            .Where(d => System.IO.Directory.EnumerateFiles(d, "*.nfproj").Any())
            .Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    internal static BoardProject Load(string folder)
    {
        return Load(Path.Combine(ProjectFileTests.RepositoryRoot(), "boards", folder), folder);
    }

    /// <summary>Reads the one .nfproj and the packages.config in <paramref name="directory"/>.</summary>
    internal static BoardProject Load(string directory, string name)
    {
        string nfproj = System.IO.Directory.EnumerateFiles(directory, "*.nfproj").Single();
        var document = XDocument.Load(nfproj);
        IEnumerable<XElement> All(string local) => document.Descendants().Where(e => e.Name.LocalName == local);
        var references = new List<NfprojReference>();
        foreach (XElement reference in All("Reference"))
        {
            string include = reference.Attribute("Include")!.Value;
            string hint = reference.Elements().SingleOrDefault(e => e.Name.LocalName == "HintPath")?.Value ?? string.Empty;
            Match match = HintPattern.Match(hint);
            references.Add(match.Success
                ? new NfprojReference(include, match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value)
                : new NfprojReference(include, string.Empty, string.Empty, hint));
        }

        return new BoardProject(
            name,
            directory,
            All("AssemblyName").Single().Value,
            All("OutputType").Single().Value == "Exe",
            DeviceProjectFileTests.PinnedPackages(Path.Combine(directory, "packages.config")),
            references,
            All("Compile").Select(e => e.Attribute("Include")!.Value.Replace('\\', '/')).ToList(),
            All("ProjectReference").Select(e => e.Attribute("Include")!.Value.Replace('\\', '/')).ToList());
    }
}

/// <summary>What the checks need from a compiled assembly's metadata.</summary>
internal sealed record AssemblyFacts(string Name, Version Version, string PublicKeyToken, string PackageVersion, IReadOnlyList<(string Name, Version Version)> References)
{
    /// <summary>The Include a packages.config project's Reference carries for this assembly (as NuGet writes it).</summary>
    internal string Identity => Name + ", Version=" + Version + ", Culture=neutral, PublicKeyToken=" + (PublicKeyToken.Length == 0 ? "null" : PublicKeyToken);

    internal static AssemblyFacts Read(byte[] image)
    {
        using var pe = new PEReader(ImmutableArray.Create(image));
        MetadataReader metadata = pe.GetMetadataReader();
        AssemblyDefinition definition = metadata.GetAssemblyDefinition();
        string? fileVersion = null;
        string? informationalVersion = null;
        foreach (CustomAttributeHandle handle in definition.GetCustomAttributes())
        {
            CustomAttribute attribute = metadata.GetCustomAttribute(handle);
            string type = AttributeTypeName(metadata, attribute);
            if (type is "AssemblyFileVersionAttribute" or "AssemblyInformationalVersionAttribute")
            {
                BlobReader value = metadata.GetBlobReader(attribute.Value);
                value.ReadUInt16(); // prolog 0x0001
                string? text = value.ReadSerializedString();
                if (type == "AssemblyFileVersionAttribute")
                {
                    fileVersion = text;
                }
                else
                {
                    informationalVersion = text;
                }
            }
        }

        string name = metadata.GetString(definition.Name);
        byte[] key = metadata.GetBlobBytes(definition.PublicKey);
        string token = key.Length == 0 ? string.Empty : Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(key).TakeLast(8).Reverse().ToArray());
        var references = metadata.AssemblyReferences
            .Select(h => metadata.GetAssemblyReference(h))
            .Select(r => (metadata.GetString(r.Name), r.Version))
            .ToList();
        return new AssemblyFacts(name, definition.Version, token, PackageVersionOf(definition.Version, fileVersion, informationalVersion), references);
    }

    /// <summary>
    /// The NuGet package version a nanoFramework assembly was built as. Not its AssemblyVersion: the
    /// IoT.Device bindings carry major.minor.0.0 there (Iot.Device.Bmxx80 1.2.846 is 1.2.0.0), the
    /// version nanoCLR and the compiler match references by. The package version is in
    /// AssemblyInformationalVersion before any '+commit' suffix (mscorlib 1.17.11:
    /// "1.17.11+e44d82ddb4"), else in the first three parts of AssemblyFileVersion (Nerdbank.GitVersioning
    /// writes major.minor.height.revision: "1.2.846.0"; mscorlib's is "1.17.11.58445"; UnitsNet writes
    /// "5.71.0"), else the first three parts of AssemblyVersion.
    /// </summary>
    internal static string PackageVersionOf(Version assemblyVersion, string? fileVersion, string? informationalVersion)
    {
        if (!string.IsNullOrEmpty(informationalVersion))
        {
            int plus = informationalVersion.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? informationalVersion : informationalVersion[..plus];
        }

        string version = string.IsNullOrEmpty(fileVersion) ? assemblyVersion.ToString() : fileVersion;
        return string.Join('.', version.Split('.').Take(3));
    }

    private static string AttributeTypeName(MetadataReader metadata, CustomAttribute attribute)
    {
        EntityHandle type = attribute.Constructor.Kind == HandleKind.MemberReference
            ? metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent
            : metadata.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
        return type.Kind switch
        {
            HandleKind.TypeReference => metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)type).Name),
            HandleKind.TypeDefinition => metadata.GetString(metadata.GetTypeDefinition((TypeDefinitionHandle)type).Name),
            _ => string.Empty,
        };
    }
}

/// <summary>
/// Checks that a board app's packages.config, .nfproj and compile agree with one another and with
/// the libraries in board-libraries/ (each built from a known package version):
/// <list type="bullet">
/// <item>every pin is the package version its library was built from
/// (<see cref="AssemblyFacts.PackageVersionOf"/>);</item>
/// <item>every HintPath names a pinned package at its pinned version, and every Reference's Include
/// is the library's identity (name, Version = its AssemblyVersion, PublicKeyToken);</item>
/// <item>the compiled app (C# 10, against exactly the .nfproj references, as nanoFramework builds it)
/// needs, through its assembly references and theirs, exactly the referenced libraries: none listed
/// but never loaded, none loaded but not listed; and every reference in that set finds its library
/// at the same major.minor (what nanoCLR matches) and no older.</item>
/// </list>
/// Returns the problems as sentences (empty when the board is consistent).
/// </summary>
internal sealed class BoardPackageSet
{
    private const string LibraryProjectAssembly = "NanoBackprop";
    private readonly string[] libraryFolders;
    private readonly string nugetPackages;
    private readonly Lazy<(byte[] Image, string Errors)> libraryBuild;

    internal BoardPackageSet(IEnumerable<string> libraryFolders, string nugetPackages)
    {
        this.libraryFolders = libraryFolders.ToArray();
        this.nugetPackages = nugetPackages;
        libraryBuild = new Lazy<(byte[], string)>(CompileLibrary);
    }

    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.CSharp10);

    /// <summary>The library file a reference resolves to: board-libraries/ first, else the restored NuGet package.</summary>
    internal string? Resolve(string packageId, string packageVersion, string fileName)
    {
        foreach (string folder in libraryFolders)
        {
            string candidate = Path.Combine(folder, fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        string restored = Path.Combine(nugetPackages, packageId.ToLowerInvariant(), packageVersion, "lib", fileName);
        return File.Exists(restored) ? restored : null;
    }

    /// <summary>src/NanoBackprop compiled as nanoFramework builds it (its .nfproj sources and references, C# 10).</summary>
    internal (byte[] Image, string Errors) Library => libraryBuild.Value;

    private (byte[], string) CompileLibrary()
    {
        string folder = ProjectFileTests.LibraryFolder;
        BoardProject library = BoardProject.Load(folder, "src/NanoBackprop");
        var references = new List<MetadataReference>();
        foreach (NfprojReference reference in library.References)
        {
            string? path = Resolve(reference.PackageId, reference.PackageVersion, reference.FileName);
            if (path == null)
            {
                return (Array.Empty<byte>(), "src/NanoBackprop: " + reference.FileName + " (" + reference.PackageId + " " + reference.PackageVersion + ") not found");
            }

            references.Add(MetadataReference.CreateFromFile(path));
        }

        return Emit(library, references);
    }

    /// <summary>Compiles <paramref name="project"/>'s sources against <paramref name="references"/>: the image, or every error and warning (a board app compiles clean).</summary>
    internal static (byte[] Image, string Errors) Emit(BoardProject project, IEnumerable<MetadataReference> references)
    {
        var trees = project.CompileItems.Select(item =>
        {
            string path = Path.GetFullPath(Path.Combine(project.Directory, item));
            return CSharpSyntaxTree.ParseText(File.ReadAllText(path), ParseOptions, path);
        });
        var options = new CSharpCompilationOptions(project.IsExe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release, deterministic: true, nullableContextOptions: NullableContextOptions.Disable);
        CSharpCompilation compilation = CSharpCompilation.Create(project.AssemblyName, trees, references, options);
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        string errors = string.Join(Environment.NewLine, result.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString()));
        return result.Success && errors.Length == 0 ? (image.ToArray(), string.Empty) : (Array.Empty<byte>(), project.Folder + ": " + errors);
    }

    /// <summary>Every disagreement between the board's pins, references, libraries and compile.</summary>
    internal List<string> Problems(BoardProject board)
    {
        var problems = new List<string>();
        var facts = new Dictionary<string, AssemblyFacts>(StringComparer.Ordinal);
        var resolved = new List<MetadataReference>();

        foreach (NfprojReference reference in board.References)
        {
            if (reference.PackageId.Length == 0)
            {
                problems.Add("Reference " + reference.Include + ": its HintPath (" + reference.FileName + ") is not packages\\<id>.<version>\\lib\\<file>");
                continue;
            }

            if (!board.Pins.TryGetValue(reference.PackageId, out string? pinned))
            {
                problems.Add(reference.PackageId + ": the .nfproj references it (" + reference.FileName + ") but packages.config does not pin it");
            }
            else if (pinned != reference.PackageVersion)
            {
                problems.Add(reference.PackageId + ": the HintPath names " + reference.PackageVersion + ", packages.config pins " + pinned);
            }

            string? path = Resolve(reference.PackageId, reference.PackageVersion, reference.FileName);
            if (path == null)
            {
                problems.Add(reference.PackageId + " " + reference.PackageVersion + ": " + reference.FileName + " is in neither board-libraries nor the restored packages");
                continue;
            }

            AssemblyFacts library = AssemblyFacts.Read(File.ReadAllBytes(path));
            facts[library.Name] = library;
            resolved.Add(MetadataReference.CreateFromFile(path));
            string version = pinned ?? reference.PackageVersion;
            if (library.PackageVersion != version)
            {
                problems.Add(reference.PackageId + ": packages.config pins " + version + ", but " + reference.FileName + " was built from " + library.PackageVersion);
            }

            string include = reference.Include.Replace(" ", string.Empty, StringComparison.Ordinal);
            if (include != library.Name && include != library.Identity.Replace(" ", string.Empty, StringComparison.Ordinal))
            {
                problems.Add("Reference Include=\"" + reference.Include + "\" is not the library's identity \"" + library.Identity + "\"");
            }
        }

        foreach (string id in board.Pins.Keys.Where(id => board.References.All(r => r.PackageId != id)))
        {
            problems.Add(id + ": packages.config pins it, but the .nfproj has no Reference to it");
        }

        // The app as its .nfproj builds it: the library project, then the app against exactly the listed references.
        var (libraryImage, libraryErrors) = Library;
        if (libraryErrors.Length > 0)
        {
            problems.Add(libraryErrors);
            return problems;
        }

        if (!board.ProjectReferences.Any(p => p.EndsWith("src/NanoBackprop/NanoBackprop.nfproj", StringComparison.Ordinal)))
        {
            problems.Add("the .nfproj has no ProjectReference to src/NanoBackprop/NanoBackprop.nfproj");
        }

        var (appImage, appErrors) = Emit(board, resolved.Append(MetadataReference.CreateFromImage(libraryImage)));
        if (appErrors.Length > 0)
        {
            problems.Add("compile: " + appErrors);
            return problems;
        }

        // What the device loads: the app's assembly references and, recursively, theirs.
        facts[LibraryProjectAssembly] = AssemblyFacts.Read(libraryImage);
        AssemblyFacts app = AssemblyFacts.Read(appImage);
        var loaded = new SortedSet<string>(StringComparer.Ordinal);
        var unlisted = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var pending = new Queue<AssemblyFacts>();
        pending.Enqueue(app);
        while (pending.Count > 0)
        {
            AssemblyFacts current = pending.Dequeue();
            foreach (var (name, version) in current.References)
            {
                if (!facts.TryGetValue(name, out AssemblyFacts? target))
                {
                    string key = name + " " + version;
                    if (!unlisted.TryGetValue(key, out SortedSet<string>? needers))
                    {
                        unlisted[key] = needers = new SortedSet<string>(StringComparer.Ordinal);
                    }

                    needers.Add(current.Name);
                    if (loaded.Add(name) && FindUnlisted(name) is AssemblyFacts found)
                    {
                        pending.Enqueue(found);
                    }

                    continue;
                }

                if (target.Version.Major != version.Major || target.Version.Minor != version.Minor || target.Version < version)
                {
                    problems.Add(current.Name + " was built against " + name + " " + version + "; the set has " + target.Version + " (nanoCLR needs the same major.minor, and NuGet no older)");
                }

                if (loaded.Add(name))
                {
                    pending.Enqueue(target);
                }
            }
        }

        foreach (var (assembly, needers) in unlisted)
        {
            problems.Add(assembly + ": needed by " + string.Join(", ", needers) + ", but neither packages.config nor the .nfproj lists it");
        }

        foreach (NfprojReference reference in board.References.Where(r => r.PackageId.Length > 0))
        {
            string name = Path.GetFileNameWithoutExtension(reference.FileName);
            if (!loaded.Contains(name))
            {
                problems.Add(reference.PackageId + " (" + reference.FileName + ") is listed, but neither the app nor any assembly it loads references it");
            }
        }

        return problems;
    }

    /// <summary>An assembly no Reference lists, from board-libraries/ if it is there, so that what it needs in turn is reported too.</summary>
    private AssemblyFacts? FindUnlisted(string name)
    {
        string? path = libraryFolders.Select(f => Path.Combine(f, name + ".dll")).FirstOrDefault(File.Exists);
        return path == null ? null : AssemblyFacts.Read(File.ReadAllBytes(path));
    }
}
