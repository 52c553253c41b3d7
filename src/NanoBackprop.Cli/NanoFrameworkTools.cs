using NanoBackprop.Emulator;

namespace NanoBackprop.Cli;

/// <summary>What nf-package and deploy-set share: the emulator folder, build errors as one line, output folders, the checkout.</summary>
internal static class NanoFrameworkTools
{
    internal static NanoFrameworkHome RequireHome()
    {
        NanoFrameworkHome? home = NanoFrameworkHome.Find();
        string? why = NanoFrameworkHome.WhyUnavailable(home);
        return why == null ? home! : throw new CliError(why);
    }

    internal static T Build<T>(Func<T> step)
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

    /// <summary>Checks that --out can be a folder (before any work; nothing is created yet) and returns its full path.</summary>
    internal static string CheckOutputFolder(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliError("--out must name a folder");
        }

        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new CliError("--out " + path + " is a file, not a folder");
        }

        for (string? parent = Path.GetDirectoryName(full); parent != null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                throw new CliError("--out " + path + ": " + parent + " is a file, not a folder");
            }

            if (Directory.Exists(parent))
            {
                break;
            }
        }

        return full;
    }

    /// <summary>Creates the checked output folder.</summary>
    internal static void CreateOutputFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw new CliError("--out " + folder + " cannot be created: " + failure.Message);
        }
    }

    internal static string BoardProject(string board)
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
    internal static string RepositoryFile(params string[] parts)
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
