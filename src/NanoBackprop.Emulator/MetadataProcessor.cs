using System.Diagnostics;
using System.Security.Cryptography;

namespace NanoBackprop.Emulator;

/// <summary>
/// nanoFramework's metadata processor: turns a compiled assembly into the <c>.pe</c> file nanoCLR
/// (and a board) loads, and the <c>.pdbx</c> the debugger reads.
/// </summary>
public static class MetadataProcessor
{
    /// <summary>Set to <c>off</c> (as .ci/run does) to run the processor every time instead of reusing a .pe made from the same inputs.</summary>
    public const string CacheVariable = "NANOBACKPROP_PE_CACHE";

    /// <summary>
    /// Makes <paramref name="assembly"/>'s .pe (and .pdbx) beside its .dll. Every assembly it
    /// references must be among <paramref name="references"/> (the processor needs a load hint for
    /// each, and aborts without one).
    /// </summary>
    /// <exception cref="NanoBuildException">The processor failed; the message has its output's tail.</exception>
    public static void MakePe(NanoFrameworkHome home, NanoAssembly assembly, IEnumerable<NanoAssembly> references)
    {
        // The processor is deterministic: the same .dll and load hints give the same .pe. Starting it
        // costs a second or more, so its outputs are kept in the temp folder by the hash of its inputs.
        references = references.ToList();
        if (Environment.GetEnvironmentVariable(CacheVariable) == "off")
        {
            RunProcessor(home, assembly, references);
            return;
        }

        string cache = Path.Combine(Path.GetTempPath(), "nanobackprop-pe-cache", InputHash(home, assembly, references));
        string cachedPe = Path.Combine(cache, assembly.Name + ".pe");
        if (File.Exists(cachedPe))
        {
            File.Copy(cachedPe, assembly.Pe, overwrite: true);
            string cachedPdbx = Path.ChangeExtension(cachedPe, ".pdbx");
            if (File.Exists(cachedPdbx))
            {
                File.Copy(cachedPdbx, Path.ChangeExtension(assembly.Pe, ".pdbx"), overwrite: true);
            }

            return;
        }

        RunProcessor(home, assembly, references);
        try
        {
            string staging = cache + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N");
            Directory.CreateDirectory(staging);
            File.Copy(assembly.Pe, Path.Combine(staging, assembly.Name + ".pe"));
            string pdbx = Path.ChangeExtension(assembly.Pe, ".pdbx");
            if (File.Exists(pdbx))
            {
                File.Copy(pdbx, Path.Combine(staging, assembly.Name + ".pdbx"));
            }

            Directory.Move(staging, cache);
        }
        catch (IOException)
        {
            // Another process cached the same inputs first, or the temp folder is not writable: the .pe is made either way.
        }
    }

    private static string InputHash(NanoFrameworkHome home, NanoAssembly assembly, IEnumerable<NanoAssembly> references)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string file in references.Select(r => r.Dll).Prepend(assembly.Dll).Append(home.MetadataProcessor))
        {
            hash.AppendData(File.ReadAllBytes(file));
        }

        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(assembly.Name + "|" + string.Join("|", references.Select(r => r.Name))));
        return Convert.ToHexString(hash.GetHashAndReset()).Substring(0, 32);
    }

    private static void RunProcessor(NanoFrameworkHome home, NanoAssembly assembly, IEnumerable<NanoAssembly> references)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(home.MetadataProcessor);
        foreach (NanoAssembly reference in references.DistinctBy(r => r.Name))
        {
            start.ArgumentList.Add("-loadHints");
            start.ArgumentList.Add(reference.Name);
            start.ArgumentList.Add(Path.GetFullPath(reference.Dll));
        }

        start.ArgumentList.Add("-parse");
        start.ArgumentList.Add(Path.GetFullPath(assembly.Dll));
        start.ArgumentList.Add("-compile");
        start.ArgumentList.Add(Path.GetFullPath(assembly.Pe));
        start.ArgumentList.Add("false");
        File.Delete(assembly.Pe);
        ToolRun run = ToolRun.Start(start, TimeSpan.FromMinutes(2));
        if (run.TimedOut || run.ExitCode != 0 || !File.Exists(assembly.Pe))
        {
            throw new NanoBuildException("the metadata processor failed on " + assembly.Name
                + (run.TimedOut ? " (timed out)" : " (exit " + run.ExitCode + ")") + ": " + ToolRun.Tail(run.Output, 12));
        }
    }
}
