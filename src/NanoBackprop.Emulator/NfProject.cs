using System.Xml.Linq;

namespace NanoBackprop.Emulator;

/// <summary>A <c>&lt;Reference&gt;</c> of an .nfproj: the assembly's name and version, and its HintPath.</summary>
/// <param name="Name">The assembly name (the Include's first part).</param>
/// <param name="Version">The Include's <c>Version=</c> (empty when not given).</param>
/// <param name="HintPath">The HintPath as written (backslashes), empty when there is none.</param>
public sealed record NfReference(string Name, string Version, string HintPath);

/// <summary>
/// What a nanoFramework project file (.nfproj) says about its build: assembly name, output type,
/// C# version, the sources it lists (nanoFramework projects list every file; no globbing), its
/// project references and its assembly references.
/// </summary>
public sealed class NfProject
{
    private NfProject(string path, XDocument document)
    {
        Path = System.IO.Path.GetFullPath(path);
        string folder = Folder;
        XNamespace ns = document.Root!.Name.Namespace;
        string Property(string name) => document.Descendants(ns + name).Select(e => e.Value.Trim()).LastOrDefault() ?? "";
        string Resolve(string include) => System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, include.Replace('\\', '/')));

        AssemblyName = Property("AssemblyName");
        IsExecutable = string.Equals(Property("OutputType"), "Exe", StringComparison.OrdinalIgnoreCase);
        LangVersion = Property("LangVersion");
        Sources = document.Descendants(ns + "Compile").Select(e => Resolve((string)e.Attribute("Include")!)).ToList();
        ProjectReferences = document.Descendants(ns + "ProjectReference").Select(e => Resolve((string)e.Attribute("Include")!)).ToList();
        References = document.Descendants(ns + "Reference").Select(e =>
        {
            string[] parts = ((string)e.Attribute("Include")!).Split(',', StringSplitOptions.TrimEntries);
            string version = parts.Skip(1).Where(p => p.StartsWith("Version=", StringComparison.Ordinal)).Select(p => p.Substring(8)).FirstOrDefault() ?? "";
            return new NfReference(parts[0], version, e.Element(ns + "HintPath")?.Value.Trim() ?? "");
        }).ToList();
    }

    /// <summary>The project file's full path.</summary>
    public string Path { get; }

    /// <summary>The folder the project's relative paths start from.</summary>
    public string Folder => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary><c>AssemblyName</c>.</summary>
    public string AssemblyName { get; }

    /// <summary>True for <c>&lt;OutputType&gt;Exe&lt;/OutputType&gt;</c>.</summary>
    public bool IsExecutable { get; }

    /// <summary><c>LangVersion</c> as written.</summary>
    public string LangVersion { get; }

    /// <summary>Full paths of the <c>&lt;Compile Include&gt;</c> items, in project order.</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Full paths of the referenced .nfproj files.</summary>
    public IReadOnlyList<string> ProjectReferences { get; }

    /// <summary>The assembly references.</summary>
    public IReadOnlyList<NfReference> References { get; }

    /// <summary>Reads an .nfproj.</summary>
    public static NfProject Load(string path) => new(path, XDocument.Load(path));
}
