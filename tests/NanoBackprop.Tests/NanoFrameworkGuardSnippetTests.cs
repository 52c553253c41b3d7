namespace NanoBackprop.Tests;

/// <summary>
/// Feeds <see cref="NanoFrameworkGuard"/> small programs that break one rule each, with the real
/// allowlist, and checks that the rule is reported at exactly the lines marked <c>// ⟵</c>; and a
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
                static int[] Nothing()
                {
                    return System.Array.Empty<int>(); // ⟵
                }
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
        ["Span"] = (NanoFrameworkGuard.SpanType, """
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
        ["System.Console.WriteLine"] = ("API outside the nanoFramework allowlist: M:System.Console.WriteLine(System.String)", """
            class Logger
            {
                static void Log(string message)
                {
                    System.Console.WriteLine(message); // ⟵
                }
            }
            """),
        ["System.Math.Sqrt"] = ("API outside the nanoFramework allowlist: M:System.Math.Sqrt(System.Double)", """
            class Geometry
            {
                static double Length(double x)
                {
                    return System.Math.Sqrt(x); // ⟵
                }
            }
            """),
        ["code that does not compile"] = ("does not compile: CS0103", """
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
    [DataRow("System.Console.WriteLine")]
    [DataRow("System.Math.Sqrt")]
    [DataRow("code that does not compile")]
    public void OffenceIsReportedWithItsReasonAtTheMarkedLines(string offence)
    {
        (string reason, string code) = Offences[offence];
        IReadOnlyList<Finding> findings = Check(code);

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
            NanoFrameworkGuard.Linq, NanoFrameworkGuard.SpanType, NanoFrameworkGuard.Stackalloc, NanoFrameworkGuard.UnsafeCode,
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

    /// <summary>
    /// Uses the compiler inserts count like named ones: with an empty allowlist, string + and a
    /// class without a constructor report the Concat overload, Int32.ToString and object's
    /// constructor, none of which the source names.
    /// </summary>
    [TestMethod]
    public void ImplicitUsesAreCheckedAgainstTheAllowlist()
    {
        const string code = """
            class Counter
            {
                static string Describe(string name, int count)
                {
                    return name + " has " + count; // ⟵
                }
            }
            """;
        IReadOnlyList<Finding> findings = new NanoFrameworkGuard().Check(new[] { ("Snippet.cs", code) }, new HashSet<string>());

        string[] expected =
        {
            "Snippet.cs:1: API outside the nanoFramework allowlist: M:System.Object.#ctor (used implicitly: default constructor of Counter)",
            "Snippet.cs:5: API outside the nanoFramework allowlist: M:System.String.Concat(System.String,System.String,System.String) (used implicitly: string concatenation with +)",
            "Snippet.cs:5: API outside the nanoFramework allowlist: M:System.Int32.ToString (used implicitly: string concatenation turns Int32 into a string)",
        };
        var reported = findings.Select(f => f.ToString()).ToHashSet();
        var missing = expected.Where(e => !reported.Contains(e)).ToList();
        Assert.IsEmpty(missing, "not reported:\n" + string.Join("\n", missing) + "\nreported:\n" + string.Join("\n", reported));
    }

    private static IReadOnlyList<Finding> Check(string code)
    {
        return new NanoFrameworkGuard().Check(new[] { ("Snippet.cs", code) }, NanoFrameworkGuard.LoadAllowlist());
    }
}
