namespace NanoBackprop.Tests;

/// <summary>
/// Feeds <see cref="NanoFrameworkGuard"/> small programs that break one rule each (compiled against
/// nanoFramework's real mscorlib), and checks that the rule is reported at exactly the lines marked <c>// ⟵</c>; and a
/// clean program that uses everything the rules allow, which must pass. This is what shows that
/// <see cref="NanoFrameworkGuardTests"/> can fail.
/// </summary>
[TestClass]
public sealed class NanoFrameworkGuardSnippetTests
{
    private const string Marker = "// ⟵";

    private static readonly Dictionary<string, (string Reason, string Code)> Offences = new()
    {
        ["generic class"] = (NanoFrameworkGuard.GenericDeclaration, """
            class Box<T> // ⟵
            {
            }
            """),
        ["generic method"] = (NanoFrameworkGuard.GenericDeclaration, """
            class Box
            {
                static T Identity<T>(T value) { return value; } // ⟵
            }
            """),
        ["generic method call"] = (NanoFrameworkGuard.GenericMethodCall, """
            class Caller
            {
                static int Same(int x)
                {
                    return Identity<int>(x); // ⟵
                }

                static T Identity<T>(T value) { return value; }
            }
            """),
        ["List<int>"] = (NanoFrameworkGuard.GenericType, """
            using System.Collections.Generic;

            class Holder
            {
                private readonly List<int> values = new List<int>(); // ⟵
            }
            """),
        ["LINQ query"] = (NanoFrameworkGuard.Linq, """
            using System.Linq;

            class Query
            {
                static void Evens(int[] values)
                {
                    var evens = from v in values where v % 2 == 0 select v; // ⟵
                }
            }
            """),
        ["Span"] = (NanoFrameworkGuard.DoesNotCompile + "CS0234", """
            class Spans
            {
                static int First(System.ReadOnlySpan<int> values) { return 0; } // ⟵
            }
            """),
        ["stackalloc"] = (NanoFrameworkGuard.Stackalloc, """
            class Buffer
            {
                static int Sum()
                {
                    System.Span<int> numbers = stackalloc int[4]; // ⟵
                    return numbers[0];
                }
            }
            """),
        ["unsafe"] = (NanoFrameworkGuard.UnsafeCode, """
            class Raw
            {
                static int Read(int[] values)
                {
                    unsafe // ⟵
                    {
                        return values[0];
                    }
                }
            }
            """),
        ["pointer"] = (NanoFrameworkGuard.Pointer, """
            class Raw
            {
                static unsafe int Read(int* pointer) { return 0; } // ⟵
            }
            """),
        ["int[,]"] = (NanoFrameworkGuard.MultiDimensionalArray, """
            class Grid
            {
                private readonly int[,] cells = new int[2, 2]; // ⟵
            }
            """),
        ["tuple"] = (NanoFrameworkGuard.Tuple, """
            class Pair
            {
                static (int, int) Swap(int a, int b) // ⟵
                {
                    return (b, a); // ⟵
                }
            }
            """),
        ["record"] = (NanoFrameworkGuard.Record, """
            record Point(int X, int Y); // ⟵
            """),
        ["async"] = (NanoFrameworkGuard.Async, """
            using System.Threading.Tasks;

            class Waiter
            {
                static async Task Wait() // ⟵
                {
                    await Task.Delay(1); // ⟵
                }
            }
            """),
        ["dynamic"] = (NanoFrameworkGuard.Dynamic, """
            class Late
            {
                static void Call(dynamic target) { } // ⟵
            }
            """),
        ["iterator"] = (NanoFrameworkGuard.Iterator, """
            class Numbers
            {
                static System.Collections.IEnumerable Count()
                {
                    yield return 1; // ⟵
                }
            }
            """),
        ["Nullable<int>"] = (NanoFrameworkGuard.NullableValueType, """
            class Maybe
            {
                static int? Find() { return null; } // ⟵
            }
            """),
        ["decimal"] = (NanoFrameworkGuard.Decimal, """
            class Money
            {
                static decimal Price() { return 1m; } // ⟵
            }
            """),
        ["string interpolation"] = (NanoFrameworkGuard.StringInterpolation, """
            class Text
            {
                static string Describe(int y)
                {
                    return $"x{y}"; // ⟵
                }
            }
            """),
        ["float"] = (NanoFrameworkGuard.Float, """
            class Scaler
            {
                static int Scale(int value)
                {
                    var factor = 0.5f; // ⟵
                    return value;
                }
            }
            """),
        ["default interface method"] = (NanoFrameworkGuard.DefaultInterfaceMember, """
            interface IShape
            {
                int Sides() { return 0; } // ⟵
            }
            """),
        ["lambda"] = (NanoFrameworkGuard.Lambda, """
            class Callbacks
            {
                static System.Action Make(int count)
                {
                    return () => count++; // ⟵
                }
            }
            """),
        ["double in Network.Forward"] = (NanoFrameworkGuard.HotPathFloatingPoint, """
            class Network
            {
                public int[] Forward(int[] input)
                {
                    double scale = 0.5; // ⟵
                    return input;
                }
            }
            """),
        ["double in a method Network.Learn calls"] = (NanoFrameworkGuard.HotPathFloatingPoint, """
            class Network
            {
                public int Learn(int[] input, int[] target)
                {
                    return Scale(input[0]);
                }

                private static int Scale(int value)
                {
                    return (int)(value * 0.5); // ⟵
                }
            }
            """),
        ["System.Math.Sqrt in Sigmoid"] = (NanoFrameworkGuard.HotPathMath, """
            class Sigmoid
            {
                public static int Evaluate(int x)
                {
                    return (int)System.Math.Sqrt(x); // ⟵
                }
            }
            """),
        ["System.IO.MemoryStream"] = (NanoFrameworkGuard.DoesNotCompile + "CS0234", """
            class Blob
            {
                static int Length(byte[] bytes)
                {
                    var stream = new System.IO.MemoryStream(bytes); // ⟵
                    return (int)stream.Length;
                }
            }
            """),
        ["string.Join"] = (NanoFrameworkGuard.DoesNotCompile + "CS0117", """
            class Csv
            {
                static string Row(string[] cells)
                {
                    return string.Join(",", cells); // ⟵
                }
            }
            """),
        ["System.Math.Sqrt"] = (NanoFrameworkGuard.DoesNotCompile + "CS0234", """
            class Geometry
            {
                static double Length(double x)
                {
                    return System.Math.Sqrt(x); // ⟵
                }
            }
            """),
        ["code that does not compile"] = (NanoFrameworkGuard.DoesNotCompile + "CS0103", """
            class Broken
            {
                static int Value()
                {
                    return missing; // ⟵
                }
            }
            """),
    };

    // Everything the rules allow: integer code, jagged arrays, local functions, simple patterns,
    // string + with ints, exceptions, [Flags], and double outside the hot path.
    private const string CleanProgram = """
        using System;

        namespace Clean
        {
            [Flags]
            public enum Options
            {
                None = 0,
                Fast = 1,
            }

            public sealed class Network
            {
                private static readonly int[] Table = new int[] { 1, 2, 3, 4 };
                private readonly int[][] layers = new int[2][];
                private int count;

                public int[] Forward(int[] input)
                {
                    if (input is null)
                    {
                        throw new ArgumentNullException("input", "Forward: input is null.");
                    }

                    if (input.Length > Table.Length)
                    {
                        throw new ArgumentException("Forward: " + input.Length + " inputs; at most " + Table.Length + ".", "input");
                    }

                    int Twice(int x) => 2 * x;
                    count = Twice(input.Length);
                    layers[0] = new int[input.Length];
                    Array.Copy(input, layers[0], input.Length);
                    return layers[0];
                }

                public static int FromDouble(double value)
                {
                    return double.IsNaN(value) ? 0 : (int)(value * 65536);
                }
            }
        }
        """;

    [TestMethod]
    [DataRow("generic class")]
    [DataRow("generic method")]
    [DataRow("generic method call")]
    [DataRow("List<int>")]
    [DataRow("LINQ query")]
    [DataRow("Span")]
    [DataRow("stackalloc")]
    [DataRow("unsafe")]
    [DataRow("pointer")]
    [DataRow("int[,]")]
    [DataRow("tuple")]
    [DataRow("record")]
    [DataRow("async")]
    [DataRow("dynamic")]
    [DataRow("iterator")]
    [DataRow("Nullable<int>")]
    [DataRow("decimal")]
    [DataRow("string interpolation")]
    [DataRow("float")]
    [DataRow("default interface method")]
    [DataRow("lambda")]
    [DataRow("double in Network.Forward")]
    [DataRow("double in a method Network.Learn calls")]
    [DataRow("System.Math.Sqrt in Sigmoid")]
    [DataRow("System.IO.MemoryStream")]
    [DataRow("string.Join")]
    [DataRow("System.Math.Sqrt")]
    [DataRow("code that does not compile")]
    public void OffenceIsReportedWithItsReasonAtTheMarkedLines(string offence)
    {
        (string reason, string code) = Offences[offence];
        // System.Math is not in mscorlib: the hot-path rule for it matters once a project references nanoFramework's System.Math.
        IReadOnlyList<Finding> findings = offence == "System.Math.Sqrt in Sigmoid" ? Check(code, SystemMath()) : Check(code);

        var marked = code.Split('\n').Select((text, index) => (text, line: index + 1))
            .Where(l => l.text.Contains(Marker, StringComparison.Ordinal)).Select(l => l.line).ToList();
        var reported = findings.Where(f => f.Reason.StartsWith(reason, StringComparison.Ordinal)).Select(f => f.Line).Distinct().Order().ToList();
        Assert.IsNotEmpty(marked, "the snippet marks no line");
        CollectionAssert.AreEqual(marked, reported, offence + ": expected '" + reason + "' at lines " + string.Join(", ", marked)
            + "; the guard reported:\n" + string.Join("\n", findings));
        Assert.IsTrue(findings.All(f => f.Path == "Snippet.cs"), "findings name the file they are in");
    }

    [TestMethod]
    public void EveryRuleHasAnOffendingSnippet()
    {
        string[] rules =
        {
            NanoFrameworkGuard.GenericDeclaration, NanoFrameworkGuard.GenericType, NanoFrameworkGuard.GenericMethodCall,
            NanoFrameworkGuard.Linq, NanoFrameworkGuard.Stackalloc, NanoFrameworkGuard.UnsafeCode,
            NanoFrameworkGuard.Pointer, NanoFrameworkGuard.MultiDimensionalArray, NanoFrameworkGuard.Tuple, NanoFrameworkGuard.Record,
            NanoFrameworkGuard.Async, NanoFrameworkGuard.Dynamic, NanoFrameworkGuard.Iterator, NanoFrameworkGuard.NullableValueType,
            NanoFrameworkGuard.Decimal, NanoFrameworkGuard.Float, NanoFrameworkGuard.StringInterpolation,
            NanoFrameworkGuard.DefaultInterfaceMember, NanoFrameworkGuard.Lambda,
            NanoFrameworkGuard.HotPathFloatingPoint, NanoFrameworkGuard.HotPathMath,
        };
        var covered = Offences.Values.Select(o => o.Reason).ToHashSet();
        var missing = rules.Where(rule => !covered.Contains(rule)).ToList();
        Assert.IsEmpty(missing, "rules without a snippet: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void CleanProgramPasses()
    {
        IReadOnlyList<Finding> findings = Check(CleanProgram);
        Assert.IsEmpty(findings, string.Join("\n", findings));
    }

    private static IReadOnlyList<Finding> Check(string code, params string[] references)
    {
        return new NanoFrameworkGuard().Check(new[] { ("Snippet.cs", code) }, references);
    }

    private static string SystemMath() => Path.Combine(NanoBackprop.Emulator.Tests.EmulatorRequirement.Home().Folder, "system-math", "System.Math.dll");
}
