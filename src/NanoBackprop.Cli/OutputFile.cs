namespace NanoBackprop.Cli;

/// <summary>
/// Files a command writes: checked before any long work (a name, not a folder, not one of the
/// command's inputs, in a place that can be written), then written all together through temporary
/// files and renames, so that a failure leaves no partial output behind.
/// </summary>
public static class OutputFile
{
    /// <summary>
    /// Checks that <paramref name="path"/>, given as <paramref name="option"/>, can be written,
    /// and is none of <paramref name="inputs"/>; returns its full path.
    /// </summary>
    public static string Check(string? path, string option, params string?[] inputs)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CliError($"{option} is empty: give a file name");
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new CliError($"{option}: '{path}' is not a valid path ({error.Message})");
        }

        if (Directory.Exists(full) || path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar))
        {
            throw new CliError($"{option} names a folder, not a file: {path}");
        }

        foreach (string? input in inputs)
        {
            if (!string.IsNullOrEmpty(input) && SamePath(full, input))
            {
                throw new CliError($"{option} would overwrite an input of the command: {path}");
            }
        }

        string? folder = Path.GetDirectoryName(full);
        while (folder != null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                throw new CliError($"{option}: cannot write {path}: {folder} is a file, not a folder");
            }

            folder = Path.GetDirectoryName(folder);
        }

        if (folder == null)
        {
            throw new CliError($"{option}: cannot write {path}: no such folder");
        }

        // Probe: open the file itself for writing without changing it, or create and drop it (or
        // a file in the nearest existing folder, when folders are still to be made).
        string probe = Path.GetDirectoryName(full) == folder ? full : Path.Combine(folder, ".nanobackprop-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            if (File.Exists(probe))
            {
                using var stream = new FileStream(probe, FileMode.Open, FileAccess.Write);
            }
            else
            {
                using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"{option}: cannot write {path} ({error.Message})");
        }

        return full;
    }

    /// <summary>Whether two paths name the same file.</summary>
    public static bool SamePath(string a, string b)
    {
        try
        {
            return string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
        }
        catch (Exception error) when (error is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes every file or none: each goes to a temporary file beside its target first, and only
    /// when all are written are they renamed into place.
    /// </summary>
    public static void WriteAll(params (string Path, byte[] Bytes)[] files)
    {
        var temporary = new List<string>();
        var placed = new List<string>();
        try
        {
            foreach (var (path, bytes) in files)
            {
                string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
                Directory.CreateDirectory(folder);
                string part = Path.Combine(folder, "." + Path.GetFileName(path) + ".partial-" + Guid.NewGuid().ToString("N"));
                temporary.Add(part);
                File.WriteAllBytes(part, bytes);
            }

            for (int k = 0; k < files.Length; k++)
            {
                bool existed = File.Exists(files[k].Path);
                File.Move(temporary[k], files[k].Path, overwrite: true);
                if (!existed)
                {
                    placed.Add(files[k].Path);
                }
            }
        }
        catch
        {
            foreach (string path in temporary.Concat(placed))
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    // Best effort: the original failure is the one to report.
                }
            }

            throw;
        }
    }
}
