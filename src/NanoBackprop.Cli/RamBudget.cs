using System.Reflection;

namespace NanoBackprop.Cli;

/// <summary>
/// Bytes of nanoCLR managed heap an object graph occupies on a 32-bit device, counted with the
/// rules <see cref="MemoryFootprint"/> documents (12-byte heap blocks; an object is one block plus
/// one per instance field; an array is a 20-byte header plus its elements, 12 per reference),
/// by walking the desktop objects with reflection. Static fields (the shared sigmoid table) are
/// not part of any instance and are not counted.
/// </summary>
public static class NanoClrHeap
{
    /// <summary>Heap bytes of everything reachable from <paramref name="root"/>, except the <paramref name="excluded"/> objects and what only they reach.</summary>
    public static int Bytes(object root, params object[] excluded)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (object skip in excluded)
        {
            visited.Add(skip);
        }

        return Walk(root, visited);
    }

    private static int Walk(object? value, HashSet<object> visited)
    {
        if (value == null || !visited.Add(value))
        {
            return 0;
        }

        Type type = value.GetType();
        if (value is string text)
        {
            return RoundUpToBlocks(MemoryFootprint.HeapBlockBytes + System.Text.Encoding.UTF8.GetByteCount(text) + 1);
        }

        if (value is Array array)
        {
            Type element = type.GetElementType()!;
            int bytes = MemoryFootprint.ArrayBytes(array.Length, ElementBytes(element));
            if (!element.IsValueType)
            {
                foreach (object? item in array)
                {
                    bytes += Walk(item, visited);
                }
            }

            return bytes;
        }

        if (type.IsValueType && !type.IsPrimitive && !type.IsEnum)
        {
            throw new NotSupportedException("NanoClrHeap: struct " + type.Name + " is not modelled (nanoCLR boxes struct fields).");
        }

        List<FieldInfo> fields = InstanceFields(type);
        int total = MemoryFootprint.ObjectBytes(fields.Count);
        foreach (FieldInfo field in fields.Where(f => !f.FieldType.IsValueType))
        {
            total += Walk(field.GetValue(value), visited);
        }

        return total;
    }

    /// <summary>Instance fields of a type and its bases: each one is a 12-byte block in nanoCLR.</summary>
    public static List<FieldInfo> InstanceFields(Type type)
    {
        var fields = new List<FieldInfo>();
        for (Type? current = type; current != null && current != typeof(object); current = current.BaseType)
        {
            fields.AddRange(current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly));
        }

        return fields;
    }

    // nf-interpreter c_CLR_RT_DataTypeLookup: 1, 2, 4 or 8 bytes per number; 12 for a reference.
    private static int ElementBytes(Type element)
    {
        if (element.IsEnum)
        {
            element = Enum.GetUnderlyingType(element);
        }

        if (element == typeof(bool) || element == typeof(byte) || element == typeof(sbyte))
        {
            return 1;
        }

        if (element == typeof(char) || element == typeof(short) || element == typeof(ushort))
        {
            return 2;
        }

        if (element == typeof(int) || element == typeof(uint) || element == typeof(float))
        {
            return 4;
        }

        if (element == typeof(long) || element == typeof(ulong) || element == typeof(double))
        {
            return 8;
        }

        return MemoryFootprint.ReferenceElementBytes;
    }

    private static int RoundUpToBlocks(int bytes) =>
        (bytes + MemoryFootprint.HeapBlockBytes - 1) / MemoryFootprint.HeapBlockBytes * MemoryFootprint.HeapBlockBytes;
}

/// <summary>
/// The RAM budget table for the boards (`nanobackprop ram-budget`): for several topologies and
/// option sets, the heap the network needs (<see cref="Network.RamBytes"/>, which includes the
/// 3,096-byte shared sigmoid table) plus the divergence guard's snapshot, and what the board app
/// needs in all (network, snapshot, learner and the A/B store's slot buffer), against the managed
/// heap an ESP32 image leaves.
/// </summary>
public static class RamBudget
{
    /// <summary>
    /// nf-interpreter targets/ESP32/_nanoCLR/Memory.cpp (commit 018de19): without PSRAM the managed
    /// heap is one block of internal RAM, INTERNAL_MEMORY_SIZE = 84 KB, shrunk 1 KB at a time
    /// until the allocation succeeds.
    /// </summary>
    public const int InternalRamHeapCapBytes = 84 * 1024;

    /// <summary>The project's design assumption for the free heap an app has left (low end), without PSRAM.</summary>
    public const int ConservativeFreeHeapBytes = 50 * 1024;

    /// <summary>The project's design assumption for the free heap an app has left (high end), without PSRAM.</summary>
    public const int OptimisticFreeHeapBytes = 80 * 1024;

    /// <summary>The topologies of the table; the last is the board app's own network (3 sensors).</summary>
    public static readonly int[][] Topologies = { new[] { 5, 8, 1 }, new[] { 16, 32, 16, 4 }, new[] { 64, 64, 10 }, new[] { 3, 8, 1 } };

    /// <summary>A column of the table.</summary>
    /// <param name="Name">Column heading.</param>
    /// <param name="Options">Network buffers.</param>
    /// <param name="Snapshot">Whether the divergence guard's snapshot is counted.</param>
    public sealed record OptionSet(string Name, NetworkOptions Options, bool Snapshot);

    /// <summary>Lean SGD, then each optional buffer alone, then all of them.</summary>
    public static readonly OptionSet[] OptionSets =
    {
        new("lean SGD", NetworkOptions.None, false),
        new("+ gradient accumulation", NetworkOptions.GradientAccumulation, false),
        new("+ momentum", NetworkOptions.Momentum, false),
        new("+ rollback snapshot", NetworkOptions.None, true),
        new("all three", NetworkOptions.GradientAccumulation | NetworkOptions.Momentum, true),
    };

    /// <summary>One row: bytes per option set, and the board app's total.</summary>
    public sealed record Row(int[] Topology, int Parameters, int[] Bytes, int BoardAppBytes, bool NarrowWeights = false)
    {
        /// <summary>"5-8-1", or "5-8-1, 16-bit" with 16-bit weights.</summary>
        public string Name => string.Join("-", Topology) + (NarrowWeights ? ", 16-bit" : "");
    }

    /// <summary>The table's rows: every topology with 32-bit weights, then with 16-bit weights
    /// (<see cref="NetworkOptions.NarrowWeights"/>).</summary>
    public static Row[] Compute() =>
        Topologies.Select(t => ComputeRow(t, NetworkOptions.None)).Concat(Topologies.Select(t => ComputeRow(t, NetworkOptions.NarrowWeights))).ToArray();

    /// <summary>The widest hidden layer H for which 64-H-10 fits <paramref name="budgetBytes"/>:
    /// as lean SGD (<see cref="Network.RamBytes"/>) or as the board app (with or without the input
    /// scaler's robust start, <see cref="LearnerOptions.RobustStart"/>).</summary>
    public static int LargestHidden(NetworkOptions weights, bool boardApp, int budgetBytes, bool robustStart = true)
    {
        int low = 0;
        int high = Network.MaxLayerSize;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            int[] topology = { 64, middle, 10 };
            int bytes = boardApp ? BoardApp(topology, weights, robustStart) : Create(topology, weights).RamBytes;
            if (bytes <= budgetBytes)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>The widest H for which 64-H-10 fits the conservative free heap: lean SGD, the board
    /// app, and the board app without the input scaler's robust start; 32- and 16-bit weights.</summary>
    public sealed record WidestHidden(int Lean32Bit, int Lean16Bit, int BoardApp32Bit, int BoardApp16Bit, int BoardAppWithoutRobustStart32Bit, int BoardAppWithoutRobustStart16Bit);

    /// <summary>The widest hidden layers printed below the table.</summary>
    public static WidestHidden Widest()
    {
        int budget = ConservativeFreeHeapBytes;
        return new WidestHidden(
            LargestHidden(NetworkOptions.None, false, budget), LargestHidden(NetworkOptions.NarrowWeights, false, budget),
            LargestHidden(NetworkOptions.None, true, budget), LargestHidden(NetworkOptions.NarrowWeights, true, budget),
            LargestHidden(NetworkOptions.None, true, budget, robustStart: false), LargestHidden(NetworkOptions.NarrowWeights, true, budget, robustStart: false));
    }

    /// <summary>The 64-64-10 network the text below the table measures.</summary>
    public static readonly int[] Wide = { 64, 64, 10 };

    /// <summary>The classes K of the softmax board apps 16-12-K printed below the table.</summary>
    public static readonly int[] SoftmaxClasses = { 2, 4, 8 };

    /// <summary>Bytes of the snapshot the divergence guard of a classifier keeps: int[SnapshotLength] (the trainable parameters; 16-bit weights packed two per int)
    /// for the parameters and long[1 + 2 × inputs] for the input scaler's count, means and variances.</summary>
    public static int SnapshotBytes(Network network) =>
        MemoryFootprint.ArrayBytes(network.SnapshotLength, 4) + MemoryFootprint.ArrayBytes(1 + 2 * network.InputCount, 8);

    /// <summary>
    /// The library's share of a board app: the network (with the shared table), the learner
    /// (scaler, buffers, snapshot) and the store with its slot buffer.
    /// </summary>
    public static int BoardAppBytes(OnlineLearner learner, PowerSafeModelStore store, IModelStorage storage) =>
        learner.Network.RamBytes + NanoClrHeap.Bytes(learner, learner.Network) + NanoClrHeap.Bytes(store, learner, storage);

    private static Row ComputeRow(int[] topology, NetworkOptions weights)
    {
        int[] bytes = new int[OptionSets.Length];
        int parameters = 0;
        for (int k = 0; k < OptionSets.Length; k++)
        {
            var network = Create(topology, OptionSets[k].Options | weights);
            parameters = network.ParameterCount;
            bytes[k] = network.RamBytes + (OptionSets[k].Snapshot ? SnapshotBytes(network) : 0);
        }

        return new Row(topology, parameters, bytes, BoardApp(topology, weights), weights != NetworkOptions.None);
    }

    /// <summary>The board app's bytes (lean SGD with the guard, as SensorNode builds it), with or
    /// without the input scaler's robust start (<see cref="LearnerOptions.RobustStart"/>).</summary>
    public static int BoardApp(int[] topology, NetworkOptions weights, bool robustStart = true)
    {
        var learner = new OnlineLearner(Create(topology, weights), new LearnerOptions { DivergenceGuard = true, RobustStart = robustStart });
        var storage = new NoStorage();
        return BoardAppBytes(learner, new PowerSafeModelStore(storage, learner), storage);
    }

    private static Network Create(int[] topology, NetworkOptions options) =>
        new(topology, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, options);

    /// <summary>Writes the table (Markdown) and what fits.</summary>
    public static void Write(TextWriter output)
    {
        Row[] rows = Compute();
        output.WriteLine("nanoCLR heap bytes (12-byte blocks, 20-byte array headers; Network.RamBytes includes the 3,096-byte shared sigmoid table)");
        output.WriteLine();
        output.WriteLine("| network | parameters | " + string.Join(" | ", OptionSets.Select(o => o.Name)) + " | board app (lean + guard + learner + A/B buffer) |");
        output.WriteLine("|---|---:|" + string.Concat(Enumerable.Repeat("---:|", OptionSets.Length + 1)));
        foreach (Row row in rows)
        {
            output.WriteLine("| " + row.Name + " | " + row.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " | "
                + string.Join(" | ", row.Bytes.Select(Cell)) + " | " + Cell(row.BoardAppBytes) + " |");
        }

        output.WriteLine();
        output.WriteLine("Marks: no mark = fits the conservative " + Kb(ConservativeFreeHeapBytes) + " free heap; "
            + "* = needs more than " + Kb(ConservativeFreeHeapBytes) + " but fits " + Kb(OptimisticFreeHeapBytes) + "; "
            + "** = more than " + Kb(OptimisticFreeHeapBytes) + " (no ESP32 without PSRAM: its whole managed heap is at most "
            + Kb(InternalRamHeapCapBytes) + ").");
        output.WriteLine("16-bit: NetworkOptions.NarrowWeights (2 bytes a weight; biases, velocities 4 and gradient sums 8 bytes as before; the snapshot packs two weights an int).");
        output.WriteLine();
        WidestHidden widest = Widest();
        output.WriteLine("Widest H for which 64-H-10 fits the conservative " + Kb(ConservativeFreeHeapBytes) + ": lean SGD "
            + widest.Lean32Bit + " (32-bit weights), " + widest.Lean16Bit + " (16-bit); board app "
            + widest.BoardApp32Bit + " (32-bit), " + widest.BoardApp16Bit + " (16-bit).");
        output.WriteLine();
        output.WriteLine("Without the input scaler's robust start (LearnerOptions.RobustStart = false: 64 bytes of RAM and of blob less per input; "
            + "only declared plausible ranges guard the first 16 readings): board app 64-64-10 "
            + Cell(BoardApp(Wide, NetworkOptions.None, false)) + " (32-bit), " + Cell(BoardApp(Wide, NetworkOptions.NarrowWeights, false)) + " (16-bit); widest board-app H "
            + widest.BoardAppWithoutRobustStart32Bit + " (32-bit), " + widest.BoardAppWithoutRobustStart16Bit + " (16-bit).");
        output.WriteLine();
        int[] classes = SoftmaxClasses;
        int[] perClass = classes.Select(k => SoftmaxBoardAppBytes(new[] { 16, 12, k })).ToArray();
        output.WriteLine("Softmax classifiers, board app (lean + guard + learner + A/B buffer), 16-12-K tanh/softmax: "
            + string.Join(", ", classes.Select((k, i) => "K = " + k + ": " + Cell(perClass[i]))) + " (shared softmax tables, "
            + MemoryFootprint.SoftmaxTableBytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " B, included); RAM per class: "
            + ((perClass[2] - perClass[1]) / 4.0).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " B.");
    }

    /// <summary>
    /// The board app's bytes for a softmax classifier of <paramref name="topology"/> (lean SGD with
    /// the guard, per-class balance), as <see cref="BoardAppBytes"/> counts them.
    /// </summary>
    public static int SoftmaxBoardAppBytes(int[] topology)
    {
        var network = new Network(topology, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, 1, NetworkOptions.None);
        var learner = new OnlineLearner(network, new LearnerOptions { DivergenceGuard = true });
        var storage = new NoStorage();
        return BoardAppBytes(learner, new PowerSafeModelStore(storage, learner), storage);
    }

    /// <summary>The table's mark for a size: "", "*" or "**".</summary>
    public static string Mark(int bytes) => bytes <= ConservativeFreeHeapBytes ? "" : bytes <= OptimisticFreeHeapBytes ? " *" : " **";

    private static string Cell(int bytes) => bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + Mark(bytes);

    private static string Kb(int bytes) => (bytes / 1024) + " KB (" + bytes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " B)";

    private sealed class NoStorage : IModelStorage
    {
        public int Read(int slot, byte[] buffer) => 0;

        public void Write(int slot, byte[] data, int count)
        {
        }
    }
}
