using System.CommandLine;
using NanoBackprop.Emulator;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>
/// `nanobackprop nf-package` and `nanobackprop deploy-set`: nanoFramework builds made with the
/// metadata processor from the emulator folder (../shared/nanoframework or NANOFRAMEWORK_HOME).
/// </summary>
public static class NanoFrameworkBuildCommands
{
    /// <summary>Flash for managed code (the <c>deploy</c> partition) per board folder, from nf-interpreter's partition tables.</summary>
    private static readonly Dictionary<string, (long Bytes, string Source)> DeploymentFlash = new(StringComparer.Ordinal)
    {
        ["esp32-devkitc"] = (0x1D0000, "deploy partition of nf-interpreter targets/ESP32/_IDF/esp32/partitions_nanoclr_4mb.csv (4 MB flash)"),
        ["esp32-s3-devkitc"] = (0x300000, "deploy partition of nf-interpreter targets/ESP32/_IDF/esp32s3/partitions_nanoclr_8mb.csv (8 MB flash)"),
    };

    /// <summary>The result printed by `nf-package --json`.</summary>
    public sealed record PackageResult(string Command, string Folder, IReadOnlyList<FileEntry> Files);

    /// <summary>The result printed by `deploy-set --json`.</summary>
    public sealed record DeploySetResult(string Command, string Board, string Folder, IReadOnlyList<FileEntry> LoadOrder, long TotalBytes, string Image, long ImageBytes, long? DeploymentFlashBytes, string? FlashSource);

    /// <summary>A file written and its size in bytes.</summary>
    public sealed record FileEntry(string Name, long Bytes);

    /// <summary>`nf-package --out DIR`: the files a nanoFramework NuGet package of the library ships.</summary>
    public static Command Package(CliOutput output)
    {
        var outFolder = new Option<string>("--out") { Description = "Folder for NanoBackprop.dll, .pe, .pdbx and .xml", DefaultValueFactory = _ => "artifacts/nanoframework" }; // where NanoBackprop.nuspec takes them from
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("nf-package", "Build the library for nanoFramework (mscorlib 1.17.11, C# 10): NanoBackprop.dll, .pe, .pdbx and .xml, the files the nanoFramework NuGet package ships");
        command.Options.Add(outFolder);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            NanoFrameworkHome home = RequireHome();
            string folder = OutputFolder(parse.GetValue(outFolder)!);
            string nfproj = RepositoryFile("src", "NanoBackprop", "NanoBackprop.nfproj");
            var files = Build(() => NanoPackage.Build(home, nfproj, folder))
                .Select(path => new FileEntry(Path.GetFileName(path), new FileInfo(path).Length)).ToList();
            var result = new PackageResult("nf-package", folder, files);
            if (parse.GetValue(json))
            {
                output.Json(result);
                return 0;
            }

            var table = new Table().AddColumns("file", "bytes");
            foreach (FileEntry file in files)
            {
                table.AddRow(file.Name, file.Bytes.ToString("N0"));
            }

            output.Console.Write(table);
            output.Out.WriteLine("written to " + folder + " (nuspec: src/NanoBackprop/NanoBackprop.nuspec)");
            return 0;
        });
        return command;
    }

    /// <summary>`deploy-set --board FOLDER`: a board app and every assembly it loads, as .pe files in load order.</summary>
    public static Command DeploySet(CliOutput output)
    {
        var board = new Option<string>("--board") { Description = "The board: its name (esp32-devkitc), folder (boards/esp32-devkitc) or .nfproj", Required = true };
        var outFolder = new Option<string?>("--out") { Description = "Folder for the .pe files (default: artifacts/deploy/<board>)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("deploy-set", "Build a board app as its .nfproj says and write the .pe files a board loads, in load order, with sizes and the total against the board's deployment flash");
        command.Options.Add(board);
        command.Options.Add(outFolder);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string project = BoardProject(parse.GetValue(board)!);
            string boardName = Path.GetFileName(Path.GetDirectoryName(project))!;
            NanoFrameworkHome home = RequireHome();
            if (!Directory.Exists(home.BoardLibraries))
            {
                throw new CliError(home.BoardLibraries + " is missing: it holds the hardware libraries the board apps compile against");
            }

            string folder = OutputFolder(parse.GetValue(outFolder) ?? Path.Combine("artifacts", "deploy", boardName));
            string build = Path.Combine(folder, "build");
            BuiltProject app = Build(() => new NanoProjectBuilder(home, build).Build(project));
            var loadOrder = new List<FileEntry>();
            foreach (NanoAssembly assembly in app.LoadSet)
            {
                string source = assembly.Name == "mscorlib" ? NanoFrameworkHome.MscorlibPe : assembly.Pe;
                string target = Path.Combine(folder, assembly.Name + ".pe");
                File.Copy(source, target, overwrite: true);
                loadOrder.Add(new FileEntry(Path.GetFileName(target), new FileInfo(target).Length));
            }

            Directory.Delete(build, recursive: true);
            long total = loadOrder.Sum(f => f.Bytes);

            // The deployment image nanoff writes with --image: every .pe in load order (the app
            // last), each padded with zeros to a multiple of 4 bytes, as Visual Studio's build joins them.
            string image = Path.Combine(folder, app.Assembly.Name + ".bin");
            using (var bin = File.Create(image))
            {
                foreach (FileEntry pe in loadOrder)
                {
                    byte[] bytes = File.ReadAllBytes(Path.Combine(folder, pe.Name));
                    bin.Write(bytes);
                    bin.Write(new byte[(4 - bytes.Length % 4) % 4]);
                }
            }

            long imageBytes = new FileInfo(image).Length;
            (long Bytes, string Source)? flash = DeploymentFlash.TryGetValue(boardName, out var known) ? known : null;
            var result = new DeploySetResult("deploy-set", boardName, folder, loadOrder, total, Path.GetFileName(image), imageBytes, flash?.Bytes, flash?.Source);
            if (parse.GetValue(json))
            {
                output.Json(result);
                return 0;
            }

            var table = new Table().AddColumns("#", "assembly", "bytes");
            for (int i = 0; i < loadOrder.Count; i++)
            {
                table.AddRow((i + 1).ToString(), loadOrder[i].Name, loadOrder[i].Bytes.ToString("N0"));
            }

            table.AddRow("", "total", total.ToString("N0"));
            output.Console.Write(table);
            output.Out.WriteLine($"deployment image {Path.GetFileName(image)}: {imageBytes:N0} B (the .pe files above, each padded to 4 bytes)");
            output.Out.WriteLine(flash is { } f
                ? $"{imageBytes:N0} B of {f.Bytes:N0} B deployment flash ({100.0 * imageBytes / f.Bytes:F1} %; {f.Source})"
                : "no deployment-flash figure for board " + boardName);
            output.Out.WriteLine("written to " + folder);
            return 0;
        });
        return command;
    }

    private static NanoFrameworkHome RequireHome()
    {
        NanoFrameworkHome? home = NanoFrameworkHome.Find();
        string? why = NanoFrameworkHome.WhyUnavailable(home);
        return why == null ? home! : throw new CliError(why);
    }

    private static T Build<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (NanoBuildException failure)
        {
            throw new CliError(failure.Message);
        }
    }

    private static string OutputFolder(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliError("--out must name a folder");
        }

        if (File.Exists(path))
        {
            throw new CliError("--out " + path + " is a file, not a folder");
        }

        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw new CliError("--out " + path + " cannot be created: " + failure.Message);
        }

        return Path.GetFullPath(path);
    }

    private static string BoardProject(string board)
    {
        string path = Path.GetFullPath(board);
        if (!Directory.Exists(path) && !File.Exists(path) && !board.Contains('/') && !board.Contains('\\'))
        {
            path = RepositoryFile("boards", board); // a board's name: boards/<name> of this checkout
        }

        if (Directory.Exists(path))
        {
            string[] projects = Directory.GetFiles(path, "*.nfproj");
            return projects.Length == 1 ? projects[0] : throw new CliError("--board " + board + " has " + projects.Length + " .nfproj files; name one");
        }

        return File.Exists(path) && path.EndsWith(".nfproj", StringComparison.OrdinalIgnoreCase) ? path : throw new CliError("--board " + board + " is not a board folder or an .nfproj");
    }

    /// <summary>A file of this checkout (found above the current folder or this tool).</summary>
    private static string RepositoryFile(params string[] parts)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder != null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "nanoBackprop.sln")))
                {
                    return Path.Combine(parts.Prepend(folder.FullName).ToArray());
                }
            }
        }

        throw new CliError("run this command inside a nanoBackprop checkout (nanoBackprop.sln not found above " + Directory.GetCurrentDirectory() + ")");
    }
}
