namespace NanoBackprop.Emulator;

/// <summary>A project built for nanoFramework: its assembly and every assembly it needs at run time, dependencies first.</summary>
/// <param name="Assembly">The project's own assembly (.dll and .pe).</param>
/// <param name="LoadSet">Every assembly nanoCLR or a board must load for it, mscorlib first and the project last.</param>
/// <param name="Warnings">The compiler's warnings for this project and the projects it references.</param>
public sealed record BuiltProject(NanoAssembly Assembly, IReadOnlyList<NanoAssembly> LoadSet, IReadOnlyList<string> Warnings);

/// <summary>
/// Builds .nfproj projects on a desktop as nanoFramework's tools would: the sources the project
/// lists, compiled with C# 10 against the real mscorlib and the assemblies its references name
/// (TestFramework and the hardware libraries from the emulator folder), then the metadata processor.
/// </summary>
public sealed class NanoProjectBuilder
{
    private readonly NanoFrameworkHome home;
    private readonly string outputFolder;
    private readonly Dictionary<string, BuiltProject> built = new(StringComparer.Ordinal);

    /// <summary>A builder that writes every assembly into <paramref name="outputFolder"/>.</summary>
    public NanoProjectBuilder(NanoFrameworkHome home, string outputFolder)
    {
        this.home = home;
        this.outputFolder = outputFolder;
    }

    /// <summary>Builds the project and, first, the projects it references (each once per builder).</summary>
    /// <exception cref="NanoBuildException">A source does not compile, a reference is not found, or the metadata processor fails.</exception>
    public BuiltProject Build(string nfprojPath)
    {
        NfProject project = NfProject.Load(nfprojPath);
        if (built.TryGetValue(project.Path, out BuiltProject? done))
        {
            return done;
        }

        if (project.LangVersion != "10")
        {
            throw new NanoBuildException(project.Path + " must pin <LangVersion>10</LangVersion> (it has '" + project.LangVersion + "')");
        }

        var loadSet = new List<NanoAssembly> { NanoAssembly.Mscorlib };
        var warnings = new List<string>();
        foreach (string referenced in project.ProjectReferences)
        {
            BuiltProject dependency = Build(referenced);
            loadSet.AddRange(dependency.LoadSet);
            warnings.AddRange(dependency.Warnings);
        }

        foreach (NfReference reference in project.References.Where(r => r.Name != "mscorlib"))
        {
            loadSet.Add(ResolveReference(project, reference));
        }

        loadSet = loadSet.DistinctBy(a => a.Name).ToList();
        var sources = project.Sources.Select(SourceFile.Read).ToList();
        var (assembly, ownWarnings) = NanoCompiler.Compile(project.AssemblyName, sources, loadSet, outputFolder, project.IsExecutable);
        warnings.AddRange(ownWarnings);
        MetadataProcessor.MakePe(home, assembly, loadSet);
        var result = new BuiltProject(assembly, loadSet.Append(assembly).ToList(), warnings);
        built[project.Path] = result;
        return result;
    }

    /// <summary>
    /// The assembly a reference names, found by its name in the emulator folder (TestFramework,
    /// System.Math, the boards' hardware libraries); its .pe is made once into the output folder
    /// when the folder has none.
    /// </summary>
    public NanoAssembly ResolveReference(NfProject project, NfReference reference)
    {
        string[] folders = { Path.GetDirectoryName(home.TestFramework)!, Path.Combine(home.Folder, "system-math"), home.BoardLibraries };
        string? dll = folders.SelectMany(folder => new[] { Path.Combine(folder, reference.Name + ".dll"), Path.Combine(folder, reference.Name + ".exe") })
            .FirstOrDefault(File.Exists);
        if (dll == null)
        {
            throw new NanoBuildException(project.Path + " references " + reference.Name + " " + reference.Version
                + ", which is not in " + home.Folder + " (testframework/, system-math/, board-libraries/)");
        }

        var assembly = NanoAssembly.FromFile(dll);
        if (File.Exists(assembly.Pe))
        {
            return assembly;
        }

        // The hardware libraries come as .dll only: make their .pe once, beside a copy.
        if (built.TryGetValue(dll, out BuiltProject? library))
        {
            return library.Assembly;
        }

        Directory.CreateDirectory(outputFolder);
        string copy = Path.Combine(outputFolder, Path.GetFileName(dll));
        File.Copy(dll, copy, overwrite: true);
        var local = new NanoAssembly(assembly.Name, copy);
        var dependencies = project.References.Where(r => r.Name != reference.Name && r.Name != "mscorlib")
            .Select(r => Path.Combine(home.BoardLibraries, r.Name + ".dll")).Where(File.Exists).Select(NanoAssembly.FromFile)
            .Prepend(NanoAssembly.Mscorlib).ToList();
        MetadataProcessor.MakePe(home, local, dependencies);
        built[dll] = new BuiltProject(local, new[] { local }, Array.Empty<string>());
        return local;
    }
}
