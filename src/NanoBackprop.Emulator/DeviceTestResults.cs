using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace NanoBackprop.Emulator;

/// <summary>How a device test ended, as nanoFramework's UnitTestLauncher reports it.</summary>
public enum DeviceTestOutcome
{
    /// <summary><c>Test passed,…</c></summary>
    Passed,

    /// <summary><c>Test failed,…</c></summary>
    Failed,

    /// <summary><c>Test skipped,…</c></summary>
    Skipped,
}

/// <summary>One result line of the launcher, with the test's own output that came before it.</summary>
/// <param name="Outcome">Passed, failed or skipped.</param>
/// <param name="Name">Namespace.Class.Method.index (index: 0, or the k-th <c>[DataRow]</c>).</param>
/// <param name="Detail">Ticks (100 ns) for a passed test; the failure or skip message otherwise.</param>
/// <param name="Output">The lines the test printed before its result line.</param>
public sealed record DeviceTestResult(DeviceTestOutcome Outcome, string Name, string Detail, IReadOnlyList<string> Output);

/// <summary>
/// Reads nanoFramework.TestFramework runs: the result lines of a nanoCLR log, and the result lines a
/// compiled test assembly must produce (one per <c>[Setup]</c>, <c>[TestMethod]</c>, <c>[DataRow]</c> and
/// <c>[Cleanup]</c>).
/// </summary>
public static class DeviceTestResults
{
    private static readonly (string Prefix, DeviceTestOutcome Outcome)[] Prefixes =
    {
        ("Test passed,", DeviceTestOutcome.Passed),
        ("Test failed,", DeviceTestOutcome.Failed),
        ("Test skipped,", DeviceTestOutcome.Skipped),
    };

    /// <summary>
    /// The result lines of a run's program output. A message may hold commas (the line is split on
    /// its first two only) and a second line (<c>Exception Message: …</c> from ThrowsException),
    /// which is joined to it.
    /// </summary>
    public static IReadOnlyList<DeviceTestResult> Parse(IReadOnlyList<string> programLines)
    {
        var results = new List<DeviceTestResult>();
        var output = new List<string>();
        foreach (string line in programLines)
        {
            var prefix = Prefixes.FirstOrDefault(p => line.StartsWith(p.Prefix, StringComparison.Ordinal));
            if (prefix.Prefix == null)
            {
                if (line.StartsWith("Exception Message:", StringComparison.Ordinal) && results.Count > 0 && results[^1].Outcome == DeviceTestOutcome.Failed)
                {
                    results[^1] = results[^1] with { Detail = results[^1].Detail + " " + line };
                }
                else if (line != "Done." && line != "Exiting.")
                {
                    output.Add(line);
                }

                continue;
            }

            string rest = line.Substring(prefix.Prefix.Length);
            int comma = rest.IndexOf(',');
            string name = comma < 0 ? rest : rest.Substring(0, comma);
            string detail = comma < 0 ? "" : rest.Substring(comma + 1);
            results.Add(new DeviceTestResult(prefix.Outcome, name, detail, output.ToList()));
            output.Clear();
        }

        return results;
    }

    /// <summary>
    /// The result names a run of the compiled test assembly must print, in type-definition order:
    /// for each <c>[TestClass]</c>, <c>Namespace.Class.Method.0</c> per <c>[Setup]</c>, <c>[TestMethod]</c> and
    /// <c>[Cleanup]</c>, and <c>…Method.k</c> for the k-th <c>[DataRow]</c> (a method with data rows reports its rows only).
    /// </summary>
    public static IReadOnlyList<string> Expected(string testAssemblyDll)
    {
        using var stream = File.OpenRead(testAssemblyDll);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (TypeDefinitionHandle typeHandle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(typeHandle);
            if (!AttributeNames(reader, type.GetCustomAttributes()).Contains("TestClassAttribute"))
            {
                continue;
            }

            string typeName = reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = reader.GetMethodDefinition(methodHandle);
                var attributes = AttributeNames(reader, method.GetCustomAttributes());
                string methodName = typeName + "." + reader.GetString(method.Name);
                int dataRows = attributes.Count(a => a == "DataRowAttribute");
                int plain = attributes.Count(a => a is "SetupAttribute" or "TestMethodAttribute" or "CleanupAttribute");
                if (dataRows > 0)
                {
                    names.AddRange(Enumerable.Range(0, dataRows).Select(k => methodName + "." + k));
                }
                else if (plain > 0)
                {
                    names.Add(methodName + ".0");
                }
            }
        }

        return names;
    }

    private static List<string> AttributeNames(MetadataReader reader, CustomAttributeHandleCollection attributes)
    {
        var names = new List<string>();
        foreach (CustomAttributeHandle handle in attributes)
        {
            CustomAttribute attribute = reader.GetCustomAttribute(handle);
            EntityHandle type = attribute.Constructor.Kind == HandleKind.MemberReference
                ? reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent
                : reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
            names.Add(type.Kind == HandleKind.TypeReference
                ? reader.GetString(reader.GetTypeReference((TypeReferenceHandle)type).Name)
                : reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)type).Name));
        }

        return names;
    }
}
