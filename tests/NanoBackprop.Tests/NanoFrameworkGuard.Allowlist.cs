namespace NanoBackprop.Tests;

/// <summary>One line of the allowlist: a documentation comment ID and the comment beside it.</summary>
internal sealed record AllowlistEntry(int Line, string DocumentationId, string Comment);

/// <summary>
/// The allowlist file: nanoFramework APIs the library may use, one documentation comment ID per
/// line (as ISymbol.GetDocumentationCommentId() writes it), each followed by a '#' comment naming
/// the nanoFramework source file it was confirmed in. A '#' at the start of a line or after white
/// space starts a comment.
/// </summary>
internal sealed partial class NanoFrameworkGuard
{
    internal static string AllowlistPath => Path.Combine(ProjectFileTests.RepositoryRoot(), "tests", "NanoBackprop.Tests", "nanoframework-api-allowlist.txt");

    internal static IReadOnlyList<AllowlistEntry> ParseAllowlist(IEnumerable<string> lines)
    {
        var entries = new List<AllowlistEntry>();
        int number = 0;
        foreach (string line in lines)
        {
            number++;
            int hash = CommentStart(line);
            string id = (hash < 0 ? line : line[..hash]).Trim();
            if (id.Length > 0)
            {
                entries.Add(new AllowlistEntry(number, id, hash < 0 ? string.Empty : line[(hash + 1)..].Trim()));
            }
        }

        return entries;
    }

    // '#' starts a comment at the start of a line or after white space; inside an ID it is part of
    // the ID (M:System.Object.#ctor).
    private static int CommentStart(string line)
    {
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return i;
            }
        }

        return -1;
    }

    internal static IReadOnlySet<string> LoadAllowlist()
    {
        return ParseAllowlist(File.ReadLines(AllowlistPath)).Select(entry => entry.DocumentationId).ToHashSet(StringComparer.Ordinal);
    }
}
