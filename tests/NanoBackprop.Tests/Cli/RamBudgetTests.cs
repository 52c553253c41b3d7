using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

/// <summary>
/// The RAM budget table (`nanobackprop ram-budget`, docs/BOARDS.md): the reflection walker that
/// counts the learner and the store agrees with the library's own count for networks, the snapshot
/// is int[ParameterCount], and the table's figures are the ones the docs print.
/// </summary>
[TestClass]
public sealed class RamBudgetTests
{
    [TestMethod]
    [DataRow(new[] { 5, 8, 1 }, NetworkOptions.None)]
    [DataRow(new[] { 16, 32, 16, 4 }, NetworkOptions.GradientAccumulation)]
    [DataRow(new[] { 64, 64, 10 }, NetworkOptions.Momentum | NetworkOptions.GradientAccumulation)]
    [DataRow(new[] { 3, 7, 2 }, NetworkOptions.WithoutBiases | NetworkOptions.Momentum)]
    public void TheHeapWalkerAgreesWithNetworkRamBytes(int[] topology, NetworkOptions options)
    {
        var network = new Network(topology, Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, 3, options);
        Assert.AreEqual(network.RamBytes, NanoClrHeap.Bytes(network) + MemoryFootprint.SharedTableBytes);
    }

    [TestMethod]
    public void TheSnapshotIsAnIntPerParameterAndTheScalersStatisticsInWholeHeapBlocks()
    {
        var network = new Network(new[] { 64, 64, 10 }, Activation.Sigmoid, Activation.Sigmoid, 1);
        Assert.AreEqual(4810, network.ParameterCount);
        // int[4810] and long[1 + 2·64], each a 20-byte header plus its data in 12-byte blocks.
        Assert.AreEqual(12 * ((20 + 4 * 4810 + 11) / 12) + 12 * ((20 + 8 * 129 + 11) / 12), RamBudget.SnapshotBytes(network));
        Assert.AreEqual(19260 + 1056, RamBudget.SnapshotBytes(network));

        // The learner's snapshot array is exactly that size, as the walker sees it.
        var guarded = new OnlineLearner(network, new LearnerOptions { DivergenceGuard = true });
        var unguarded = new OnlineLearner(new Network(new[] { 64, 64, 10 }, Activation.Sigmoid, Activation.Sigmoid, 1), new LearnerOptions());
        Assert.AreEqual(19260 + 1056, NanoClrHeap.Bytes(guarded, guarded.Network) - NanoClrHeap.Bytes(unguarded, unguarded.Network));
    }

    [TestMethod]
    public void TheTableHasTheFiguresTheDocsPrint()
    {
        RamBudget.Row[] rows = RamBudget.Compute();
        var byName = rows.ToDictionary(r => r.Name);
        CollectionAssert.AreEqual(new[] { 4464, 5112, 4884, 4824, 5892 }, byName["5-8-1"].Bytes);
        Assert.AreEqual(7404, byName["5-8-1"].BoardAppBytes);
        CollectionAssert.AreEqual(new[] { 9708, 19092, 14532, 14580, 28788 }, byName["16-32-16-4"].Bytes);
        Assert.AreEqual(27936, byName["16-32-16-4"].BoardAppBytes);
        CollectionAssert.AreEqual(new[] { 24900, 63588, 44316, 45216, 103320 }, byName["64-64-10"].Bytes);
        Assert.AreEqual(97272, byName["64-64-10"].BoardAppBytes);
        Assert.AreEqual(6720, byName["3-8-1"].BoardAppBytes);

        // 64-64-10: lean SGD takes under half of the conservative 50 KB; momentum or the snapshot
        // adds another 4-byte copy of the parameters and leaves under 7 KB of it; gradient
        // accumulation adds an 8-byte copy (exact 64-bit sums) and needs more than 50 KB but fits
        // 80 KB; all three need more than the optimistic 80 KB, and the board app with it needs
        // more than the whole 84 KB heap.
        int[] large = byName["64-64-10"].Bytes;
        Assert.IsLessThan(RamBudget.ConservativeFreeHeapBytes / 2, large[0]);
        Assert.IsTrue(large.Skip(2).Take(2).All(b => b > RamBudget.ConservativeFreeHeapBytes - 7 * 1024 && b <= RamBudget.ConservativeFreeHeapBytes));
        Assert.IsTrue(large[1] > RamBudget.ConservativeFreeHeapBytes && large[1] <= RamBudget.OptimisticFreeHeapBytes);
        Assert.IsGreaterThan(RamBudget.OptimisticFreeHeapBytes, large[4]);
        Assert.IsGreaterThan(RamBudget.InternalRamHeapCapBytes, byName["64-64-10"].BoardAppBytes);
    }

    [TestMethod]
    public void SixteenBitWeightsHalveTheWeightsAndThe64_64_10BoardAppFits50KBWithoutTheRobustStart()
    {
        var byName = RamBudget.Compute().ToDictionary(r => r.Name);
        // Lean 64-64-10: int[4096] 16,404 B and int[640] 2,580 B become short[4096] 8,220 B and
        // short[640] 1,308 B, plus the exponents' int[2] 36 B: 9,420 B less.
        Assert.AreEqual(9420, byName["64-64-10"].Bytes[0] - byName["64-64-10, 16-bit"].Bytes[0]);
        CollectionAssert.AreEqual(new[] { 15480, 54168, 34896, 26340, 84444 }, byName["64-64-10, 16-bit"].Bytes);
        // The board app: the input scaler's robust start keeps 16 readings of each of the 64
        // inputs (int[1024], 4,116 B) and a 16-int sort scratch, and adds 1 + 65 × 64 bytes to
        // the model blob and so to the A/B slot buffer; the scaler keeps each input's root
        // (uint[64], 276 B): 59,460 B, beyond the conservative 50 KB, within 80 KB.
        Assert.AreEqual(59460, byName["64-64-10, 16-bit"].BoardAppBytes);
        Assert.IsGreaterThan(RamBudget.ConservativeFreeHeapBytes, byName["64-64-10, 16-bit"].BoardAppBytes);
        Assert.IsLessThanOrEqualTo(RamBudget.OptimisticFreeHeapBytes, byName["64-64-10, 16-bit"].BoardAppBytes);
        // Widest 64-H-10 within 50 KB, found by the command's search (monotone in H).
        Assert.AreEqual(146, RamBudget.LargestHidden(NetworkOptions.None, false, RamBudget.ConservativeFreeHeapBytes));
        Assert.AreEqual(271, RamBudget.LargestHidden(NetworkOptions.NarrowWeights, false, RamBudget.ConservativeFreeHeapBytes));
        Assert.AreEqual(26, RamBudget.LargestHidden(NetworkOptions.None, true, RamBudget.ConservativeFreeHeapBytes));
        Assert.AreEqual(50, RamBudget.LargestHidden(NetworkOptions.NarrowWeights, true, RamBudget.ConservativeFreeHeapBytes));
        // Without the robust start (LearnerOptions.RobustStart = false, for a board that declares
        // every sensor's plausible range): 51,192 B, within the conservative 50 KB (51,200 B) by
        // 8 bytes; the widest board apps are H = 32 (32-bit) and 64 (16-bit).
        int[] wide = { 64, 64, 10 };
        Assert.AreEqual(51192, RamBudget.BoardApp(wide, NetworkOptions.NarrowWeights, robustStart: false));
        Assert.IsLessThanOrEqualTo(RamBudget.ConservativeFreeHeapBytes, RamBudget.BoardApp(wide, NetworkOptions.NarrowWeights, robustStart: false));
        Assert.AreEqual(32, RamBudget.LargestHidden(NetworkOptions.None, true, RamBudget.ConservativeFreeHeapBytes, robustStart: false));
        Assert.AreEqual(64, RamBudget.LargestHidden(NetworkOptions.NarrowWeights, true, RamBudget.ConservativeFreeHeapBytes, robustStart: false));
    }

    [TestMethod]
    public void TheCommandPrintsEveryRowAndTheMarks()
    {
        using var text = new StringWriter();
        RamBudget.Write(text);
        string table = text.ToString();
        Console.WriteLine(table);
        StringAssert.Contains(table, "| 5-8-1 | 57 | 4,464 | 5,112 | 4,884 | 4,824 | 5,892 | 7,404 |");
        StringAssert.Contains(table, "| 64-64-10 | 4,810 | 24,900 | 63,588 * | 44,316 | 45,216 | 103,320 ** | 97,272 ** |");
    }
}
