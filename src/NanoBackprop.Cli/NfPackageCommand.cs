using System.CommandLine;
using NanoBackprop.Emulator;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>
/// `nanobackprop nf-package`: the files a nanoFramework NuGet package of the library ships, made with
/// the metadata processor from the emulator folder (../shared/nanoframework or NANOFRAMEWORK_HOME).
/// </summary>
public static class NfPackageCommand
{
    /// <summary>The result printed by `nf-package --json`.</summary>
    public sealed record PackageResult(string Command, string Folder, IReadOnlyList<FileEntry> Files);

    /// <summary>A file written (also used by deploy-set) and its size in bytes.</summary>
    public sealed record FileEntry(string Name, long Bytes);

    /// <summary>`nf-package --out DIR`: the files a nanoFramework NuGet package of the library ships.</summary>
    public static Command Create(CliOutput output)
    {
        var outFolder = new Option<string>("--out") { Description = "Folder for NanoBackprop.dll, .pe, .pdbx and .xml", DefaultValueFactory = _ => "artifacts/nanoframework" }; // where NanoBackprop.nuspec takes them from
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("nf-package", "Build the library for nanoFramework (mscorlib 1.17.11, C# 10): NanoBackprop.dll, .pe, .pdbx and .xml, the files the nanoFramework NuGet package ships");
        command.Options.Add(outFolder);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string folder = NanoFrameworkTools.CheckOutputFolder(parse.GetValue(outFolder)!);
            NanoFrameworkHome home = NanoFrameworkTools.RequireHome();
            NanoFrameworkTools.CreateOutputFolder(folder);
            string nfproj = NanoFrameworkTools.RepositoryFile("src", "NanoBackprop", "NanoBackprop.nfproj");
            var files = NanoFrameworkTools.Build(() => NanoPackage.Build(home, nfproj, folder))
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
}
