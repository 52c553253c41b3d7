using NanoBackprop.Benchmarks;
using NanoBackprop.Emulator;

namespace NanoBackprop.Tests;

/// <summary>
/// The `nanoclr` benchmark program (tests/NanoBackprop.Benchmarks/NanoClr/EngineTiming.cs) builds
/// for nanoFramework with the library and the baseline, runs on nanoCLR and prints every row the
/// report needs. Short (one topology, three repetitions of 0.2 ms batches) and without timing
/// assertions: the figures are in docs/PERFORMANCE.md.
/// </summary>
[TestClass]
public sealed class NanoClrBenchmarkSmokeTests
{
    private static readonly string[] Expected581Rows =
    {
        "baseline Forward", "baseline Learn", "prototype Learn, fixed delta exponents", "prototype Learn, fixed delta exponents, no weight clamp", "prototype Learn, fixed delta exponents, no weight clamp, steps truncated", "prototype Learn, fixed delta exponents, clamp by bound, ties tested per row", "Forward", "Learn, plain SGD", "Learn, momentum 0.9", "Learn, stochastic rounding",
        "Learn, momentum + stochastic rounding", "Learn, 16-bit weights + stochastic rounding", "Forward, softmax output", "Learn, plain SGD, softmax + categorical cross-entropy",
        "Forward + Backward + ApplyGradients", "learner: Predict + Learn, Occupancy row",
        "learner, scaler frozen: Predict + Learn, Occupancy row", "model save (ModelBlob.Write)", "model load (ModelBlob.Read)",
    };

    [TestMethod]
    public void TheTimingProgramRunsOnNanoClrAndPrintsEveryRow()
    {
        (NanoFrameworkHome home, string baseline) = RequireEmulatorAndBaseline();
        string folder = Path.Combine(AppContext.BaseDirectory, "nanoframework-build", "nanoclr-benchmark");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        NanoClrTimings timings = NanoClrBenchmark.Measure(home, baseline, new[] { "5-8-1" }, repetitions: 3, batchTicks: 2_000, folder);

        CollectionAssert.AreEqual(Expected581Rows, timings.Rows.Select(r => r.Operation).ToArray(), string.Join(" | ", timings.Rows));
        CollectionAssert.AreEqual(Expected581Rows.Where(r => !r.StartsWith("baseline", StringComparison.Ordinal) && !r.StartsWith("prototype", StringComparison.Ordinal)).ToArray(),
            NanoClrBenchmark.EngineOperations, "the desktop's list of engine operations is the program's");
        foreach (NanoClrRow row in timings.Rows)
        {
            Assert.AreEqual("5-8-1", row.Topology);
            Assert.IsGreaterThanOrEqualTo(1, row.CallsPerBatch, row.ToString());
            Assert.IsTrue(row.MinimumNs > 0 && row.MinimumNs <= row.MedianNs && row.MedianNs <= row.MaximumNs, row.ToString());
        }

        // The program's model blob is the desktop's size for the same learner (5-8-1 with the divergence guard).
        var learner = new OnlineLearner(new Network(new[] { 5, 8, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, NetworkOptions.None),
            new LearnerOptions { DivergenceGuard = true, ClassBalance = false });
        Assert.AreEqual(ModelBlob.SizeOf(learner), timings.BlobBytes["5-8-1"]);
        Assert.IsGreaterThan(0, timings.ClockStepTicks, "DateTime.UtcNow advanced on nanoCLR");

        string report = NanoClrBenchmark.Render(timings, 3);
        StringAssert.Contains(report, "| 5-8-1 | Learn, plain SGD |");
        StringAssert.Contains(report, "5-8-1 learner row / plain-SGD Learn");

        var ilCounts = NanoClrIlCounts.Count(new[] { "5-8-1" }, baseline);
        CollectionAssert.AreEquivalent(Expected581Rows, ilCounts.Keys.Select(k => k.Operation).ToArray());
        StringAssert.Contains(NanoClrBenchmark.RenderIlPrediction(timings, ilCounts), "Spearman rank correlation of IL per call with nanoCLR time, all 19 rows");
    }

    /// <summary>
    /// The variants program (NanoClr/Variants.cs) runs (one repetition, no timing asserted) and the IL
    /// per element the rules in docs/PERFORMANCE.md quote is what the compiled loops hold: the empty
    /// loop's 7 (ldloc, ldloc, blt; ldloc, ldc.i4.1, add, stloc), 6 more for s += a[i], the flat and
    /// hoisted-jagged shapes equal, 2 more for w[j][i], 4 more for w[j * 8 + i], the call's 4 (call,
    /// and the callee's ldarg.0, ldarg.1, add, ret, less the inline add).
    /// </summary>
    [TestMethod]
    public void TheVariantsProgramRunsOnNanoClrWithTheIlTheRulesQuote()
    {
        (NanoFrameworkHome home, _) = RequireEmulatorAndBaseline();
        string folder = Path.Combine(AppContext.BaseDirectory, "nanoframework-build", "nanoclr-variants");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var variants = NanoClrVariants.Measure(home, repetitions: 1, batchTicks: 1_000, folder).ToDictionary(v => v.Type);

        Assert.HasCount(36, variants);
        Assert.IsTrue(variants.Values.All(v => v.MinimumNs > 0), string.Join(" | ", variants.Values));
        var expected = new Dictionary<string, double>
        {
            ["EmptyLoop"] = 7, ["LocalAdd"] = 11, ["ArrayRead"] = 13, ["ArrayReadLength"] = 15, ["ArrayReadField"] = 14,
            ["FlatRunningIndex"] = 13, ["JaggedRowHoisted"] = 13, ["Jagged"] = 15, ["FlatIndexMultiply"] = 17,
            ["IntMultiply"] = 17, ["LongMultiply"] = 19, ["StaticCall"] = 17, ["Branch"] = 18.5, ["BranchFree"] = 23,
            ["Unrolled"] = 7.75, ["ForEachLoop"] = 17, ["MultiplyAccumulateEngineStyle"] = 21,
        };
        foreach (var (type, il) in expected)
        {
            Assert.AreEqual(il, variants[type].IlPerElement, type);
        }
    }

    /// <summary>
    /// The prototype's "clamp by bound, ties tested per row" Learn (FixedExponentPrototype.cs,
    /// LearnProven) gives the clamped prototype's bits: every loss, every weight and bias, and the
    /// count of clamped weights, step by step. The cases reach each of its branches: small rates
    /// (the bound holds, no clamp), rates that drive weights into ±128 (the bound fails, the clamped
    /// rows run and the bound is taken afresh), whole-number and power-of-two inputs up to ±128
    /// (exact ties: v2(lr·δ) + v2(x) = 23), zero inputs at a rate of 1 (the first step's hidden
    /// outputs are all 1/2, 2^15, so an odd output error times 2^8 makes every output-layer step an
    /// exact tie), a rate just below 64 (the output layer's bound decides), a negative rate (the
    /// bounds do not apply), tiny inputs at a rate of 2^14 (lr·δ beyond 32 bits, whose saturation
    /// then decides the steps), and 5-8-1, 3-4-2 and 16-32-4. After every step the kept bounds must
    /// hold (max |w| ≤ bound, layer by layer).
    /// </summary>
    [TestMethod]
    [DataRow(5, 8, 1, 6554, 0)]
    [DataRow(5, 8, 1, 65536, 1)]
    [DataRow(5, 8, 1, 1 << 21, 2)]
    [DataRow(3, 4, 2, 6554, 1)]
    [DataRow(3, 4, 2, 1 << 23, 2)]
    [DataRow(16, 32, 4, 65536, 2)]
    [DataRow(3, 4, 2, 65536, 3)]
    [DataRow(5, 8, 1, (1 << 22) - 1, 1)]
    [DataRow(5, 8, 1, -65536, 1)]
    [DataRow(5, 8, 1, 1 << 30, 4)]
    public void TheProvenClampGivesTheClampedPrototypesBits(int inputs, int hidden, int outputs, int rate, int inputKind)
    {
        string baseline = NanoClrBenchmark.FindBaseline() ?? throw new AssertInconclusiveException("the baseline " + NanoClrBenchmark.BaselineRelativePath + " was not found");
        Type prototype = NanoClrIlCounts.LoadBaselineForDotNet(baseline).GetType("FixedExponentQ16Mlp")!;
        object clamped = Activator.CreateInstance(prototype, inputs, hidden, outputs, 7, true)!;
        object proven = Activator.CreateInstance(prototype, inputs, hidden, outputs, 7, true, true, true)!;
        var learn = prototype.GetMethod("Learn")!;
        var parameters = prototype.GetMethod("Parameters")!;
        var saturations = prototype.GetField("Saturations")!;
        var random = new Random(inputKind * 1000 + inputs);
        int clampedSteps = 0;
        for (int step = 0; step < 400; step++)
        {
            int[] x = new int[inputs];
            for (int i = 0; i < inputs; i++)
            {
                x[i] = inputKind switch
                {
                    0 => random.Next(-65536, 65537),                       // [-1, 1]
                    1 => random.Next(-128, 129) << 16,                     // whole numbers to ±128
                    2 => (random.Next(2) == 0 ? -1 : 1) << random.Next(0, 24), // powers of two to ±128
                    3 => 0,                                                // σ(0) = 1/2 in the hidden layer at first
                    _ => random.Next(-4, 5),                               // tiny inputs, huge lr·δ: its saturation decides
                };
            }

            int[] target = new int[outputs];
            for (int j = 0; j < outputs; j++)
            {
                target[j] = random.Next(2) * 65536;
            }

            int before = (int)saturations.GetValue(clamped)!;
            int expectedLoss = (int)learn.Invoke(clamped, new object[] { x, target, rate })!;
            int loss = (int)learn.Invoke(proven, new object[] { x, target, rate })!;
            Assert.AreEqual(expectedLoss, loss, "loss at step " + step);
            CollectionAssert.AreEqual((int[])parameters.Invoke(clamped, null)!, (int[])parameters.Invoke(proven, null)!, "parameters after step " + step);
            Assert.AreEqual((int)saturations.GetValue(clamped)!, (int)saturations.GetValue(proven)!, "clamped weights after step " + step);
            Assert.IsTrue((bool)prototype.GetMethod("WeightBoundsHold")!.Invoke(proven, null)!, "the kept bounds on |w| hold after step " + step);
            clampedSteps += (int)saturations.GetValue(clamped)! > before ? 1 : 0;
        }

        if ((rate >= 1 << 21 || rate < 0) && inputKind != 4)
        {
            Assert.IsGreaterThan(0, clampedSteps, "the large rate drives weights into the clamp, so the bound's fallback runs");
        }
    }

    [TestMethod]
    public void SpearmanRanksWithTiesAveraged()
    {
        Assert.AreEqual(1.0, NanoClrVariants.Spearman(new double[] { 1, 2, 3, 4 }, new double[] { 10, 20, 30, 400 }), 1e-12);
        Assert.AreEqual(-1.0, NanoClrVariants.Spearman(new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }), 1e-12);
        // ranks (1, 2, 3) against (1, 3, 2): 1 - 6·(0 + 1 + 1) / (3·(9 - 1)) = 0.5
        Assert.AreEqual(0.5, NanoClrVariants.Spearman(new double[] { 1, 2, 3 }, new double[] { 10, 30, 20 }), 1e-12);
        // a tie: y ranks (1.5, 1.5, 3); Pearson of (1, 2, 3) with (1.5, 1.5, 3) = 1.5 / √(2 · 1.5) = √3 / 2
        Assert.AreEqual(Math.Sqrt(3) / 2, NanoClrVariants.Spearman(new double[] { 1, 2, 3 }, new double[] { 5, 5, 9 }), 1e-12);
    }

    private static (NanoFrameworkHome Home, string Baseline) RequireEmulatorAndBaseline()
    {
        NanoFrameworkHome? home = NanoFrameworkHome.Find();
        string? why = NanoFrameworkHome.WhyUnavailable(home);
        string? baseline = NanoClrBenchmark.FindBaseline();
        if (why == null && baseline == null)
        {
            why = "the baseline " + NanoClrBenchmark.BaselineRelativePath + " was not found above the checkout (or set NANOBACKPROP_BASELINE)";
        }

        if (why != null)
        {
            NanoBackprop.Emulator.Tests.EmulatorRequirement.Unavailable(why);
        }

        return (home!, baseline!);
    }
}
