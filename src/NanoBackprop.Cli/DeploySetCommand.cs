using System.CommandLine;
using NanoBackprop.Emulator;
using Spectre.Console;

namespace NanoBackprop.Cli;

/// <summary>
/// `nanobackprop deploy-set`: a board app built as its .nfproj says, every .pe it loads in load order,
/// and the deployment image nanoff flashes, against the board's deployment flash.
/// </summary>
public static class DeploySetCommand
{
    /// <summary>Flash for managed code (the <c>deploy</c> partition) per board folder, from nf-interpreter's partition tables.</summary>
    private static readonly Dictionary<string, (long Bytes, string Source)> DeploymentFlash = new(StringComparer.Ordinal)
    {
        ["esp32-devkitc"] = (0x1D0000, "deploy partition of nf-interpreter targets/ESP32/_IDF/esp32/partitions_nanoclr_4mb.csv (4 MB flash)"),
        ["esp32-s3-devkitc"] = (0x300000, "deploy partition of nf-interpreter targets/ESP32/_IDF/esp32s3/partitions_nanoclr_8mb.csv (8 MB flash)"),
    };

    /// <summary>The result printed by `deploy-set --json`.</summary>
    public sealed record DeploySetResult(string Command, string Board, string Folder, IReadOnlyList<NfPackageCommand.FileEntry> LoadOrder, long TotalBytes, string Image, long ImageBytes, long? DeploymentFlashBytes, string? FlashSource);

    /// <summary>`deploy-set --board FOLDER`: a board app and every assembly it loads, as .pe files in load order.</summary>
    public static Command Create(CliOutput output)
    {
        var board = new Option<string>("--board") { Description = "The board: its name (esp32-devkitc), folder (boards/esp32-devkitc) or .nfproj", Required = true };
        var outFolder = new Option<string?>("--out") { Description = "Folder for the .pe files and the deployment image (default: artifacts/deploy/<board>)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        var command = new Command("deploy-set", "Build a board app as its .nfproj says; write the .pe files a board loads, in load order, with sizes, and the deployment image (.bin) nanoff flashes, against the board's deployment flash");
        command.Options.Add(board);
        command.Options.Add(outFolder);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string project = NanoFrameworkTools.BoardProject(parse.GetValue(board)!);
            string boardName = Path.GetFileName(Path.GetDirectoryName(project))!;
            string folder = NanoFrameworkTools.CheckOutputFolder(parse.GetValue(outFolder) ?? Path.Combine("artifacts", "deploy", boardName));
            NanoFrameworkHome home = NanoFrameworkTools.RequireHome();
            if (!Directory.Exists(home.BoardLibraries))
            {
                throw new CliError(home.BoardLibraries + " is missing: it holds the hardware libraries the board apps compile against");
            }

            NanoFrameworkTools.CreateOutputFolder(folder);
            string build = Path.Combine(folder, "build");
            BuiltProject app = NanoFrameworkTools.Build(() => new NanoProjectBuilder(home, build).Build(project));
            var loadOrder = new List<NfPackageCommand.FileEntry>();
            foreach (NanoAssembly assembly in app.LoadSet)
            {
                string source = assembly.Name == "mscorlib" ? NanoFrameworkHome.MscorlibPe : assembly.Pe;
                string target = Path.Combine(folder, assembly.Name + ".pe");
                File.WriteAllBytes(target, File.ReadAllBytes(source)); // a fresh, writable file (the emulator folder's are read-only)
                loadOrder.Add(new NfPackageCommand.FileEntry(Path.GetFileName(target), new FileInfo(target).Length));
            }

            Directory.Delete(build, recursive: true);
            long total = loadOrder.Sum(f => f.Bytes);

            // The deployment image nanoff writes with --image: every .pe in load order (the app
            // last), each padded with zeros to a multiple of 4 bytes, as Visual Studio's build joins them.
            string image = Path.Combine(folder, app.Assembly.Name + ".bin");
            using (var bin = File.Create(image))
            {
                foreach (NfPackageCommand.FileEntry pe in loadOrder)
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
            output.Out.WriteLine("deploy with: nanoff --nanodevice --deploy --serialport <port> --image " + image + " (the board's README has the other routes)");
            return 0;
        });
        return command;
    }
}
