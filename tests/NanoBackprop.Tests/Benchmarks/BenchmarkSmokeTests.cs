using NanoBackprop.Benchmarks;

namespace NanoBackprop.Tests;

/// <summary>
/// CI-safe checks of tests/NanoBackprop.Benchmarks, outside BenchmarkDotNet and without timing:
/// every benchmarked operation allocates nothing, the double baseline computes the same function
/// as the engine (so the ratio compares like with like), and the `ram` and `il` reports work on
/// the current sources. The workload files are compiled into this project (linked), so these run
/// exactly the code the benchmarks time.
/// </summary>
[TestClass]
public sealed class BenchmarkSmokeTests
{
    // Forward: outputs of the same weights on the same inputs. The engine's error per layer is a
    // rounding (½ LSB) plus the σ table (0.7 LSB) plus the incoming error times Σ|w| (about 4 at
    // most for these fan-ins and ±1/√fanIn weights) times σ' ≤ ¼: a few LSB over three layers.
    // 1e-4 is 6.6 LSB.
    private const double ForwardTolerance = 1e-4;

    // Backward: accumulated gradients after a pass over the 16 samples, absolute. Each gradient
    // is a sum of 16 products rounded once (½ LSB each) from deltas whose relative error is
    // about 1e-5 (docs/ENGINE.md). 2e-4 is 13 LSB.
    private const double GradientTolerance = 2e-4;

    // Learn, plain SGD and stochastic rounding: outputs after 160 steps (ten passes over the
    // samples) from the same start, and the half squared error Learn returns at every step (a sum
    // over up to 10 outputs). Every step rounds every weight's update (½ LSB to nearest, < 1 LSB
    // stochastically) and those errors add up over steps and over a neuron's fan-in; measured at
    // most 9.4e-5. 2e-4 is 13 LSB.
    private const double LearnTolerance = 2e-4;

    private const int LearnSteps = 160;

    // Learn with momentum 0.9: the engine truncates μ·v toward zero (so that a velocity dies out;
    // see Network's remarks), up to 1 LSB less velocity per step, which the velocity carries on
    // at μ: each weight drifts by about 0.5/(1 - μ) = 5 LSB per step from exact momentum, linearly
    // (measured: 77 LSB after 32 steps, 549 after 160, 1,910 after 640 on 5-8-1). So the
    // comparison runs one pass (16 steps), where that drift is at most about 80 LSB per weight:
    // 3e-3 is 197 LSB on outputs and on a sum of up to 10 half squared errors.
    private const double MomentumTolerance = 3e-3;

    private const int MomentumSteps = TrainingWorkload.SampleCount;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void EveryBenchmarkedOperationAllocatesNothing()
    {
        foreach (string topology in TrainingWorkload.Topologies)
        {
            var workload = new TrainingWorkload(topology);
            (string Name, Func<double> Run)[] operations =
            {
                ("FixedForward", () => workload.FixedForward()),
                ("FixedBackward", () => { workload.FixedBackward(); return 0; }),
                ("FixedForwardBackward", () => workload.FixedForwardBackward()),
                ("FixedLearn", () => workload.FixedLearn()),
                ("FixedLearnMomentum", () => workload.FixedLearnMomentum()),
                ("FixedLearnStochastic", () => workload.FixedLearnStochastic()),
                ("DoubleForward", () => workload.DoubleForward()),
                ("DoubleBackward", () => { workload.DoubleBackward(); return 0; }),
                ("DoubleForwardBackward", () => workload.DoubleForwardBackward()),
                ("DoubleLearn", () => workload.DoubleLearn()),
                ("DoubleLearnMomentum", () => workload.DoubleLearnMomentum()),
            };
            foreach ((string name, Func<double> run) in operations)
            {
                double sink = 0;
                // Warm up: the JIT compiles every path first (its allocations are not the operation's).
                for (int n = 0; n < 2 * TrainingWorkload.SampleCount; n++)
                {
                    sink += run();
                }

                const int iterations = 200;
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int n = 0; n < iterations; n++)
                {
                    sink += run();
                }

                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                Assert.AreEqual(0L, allocated, $"{topology} {name}: {allocated} bytes over {iterations} operations");
                Assert.IsFalse(double.IsNaN(sink), $"{topology} {name} produced NaN");
            }
        }
    }

    [TestMethod]
    public void PlainDoubleMlpComputesTheSameFunctionAsTheEngine()
    {
        foreach (string topology in TrainingWorkload.Topologies)
        {
            var workload = new TrainingWorkload(topology);
            int outputs = workload.Sizes[^1];

            // Forward on every sample, the same weights.
            double forwardError = 0;
            for (int k = 0; k < TrainingWorkload.SampleCount; k++)
            {
                int[] fixedOutput = workload.Lean.Forward(workload.FixedInput(k));
                double[] doubleOutput = workload.DoubleLean.Forward(workload.DoubleInput(k));
                for (int j = 0; j < outputs; j++)
                {
                    forwardError = Math.Max(forwardError, Math.Abs(Q16.ToDouble(fixedOutput[j]) - doubleOutput[j]));
                }
            }

            // Backward: gradients accumulated over every sample, from cleared buffers.
            workload.Accumulating.ClearGradients();
            PlainDoubleMlp doubleAccumulating = TrainingWorkload.CopyToDouble(workload.Accumulating, workload.Loss == Loss.BinaryCrossEntropy, gradients: true, momentum: false);
            for (int k = 0; k < TrainingWorkload.SampleCount; k++)
            {
                workload.Accumulating.Forward(workload.FixedInput(k));
                workload.Accumulating.Backward(workload.FixedTarget(k), workload.Loss);
                doubleAccumulating.Forward(workload.DoubleInput(k));
                doubleAccumulating.Backward(workload.DoubleTarget(k));
            }

            double gradientError = 0;
            double largestGradient = 0;
            ForEachParameter(workload.Sizes, (l, j, i) =>
            {
                double fixedGradient = i < 0 ? Q16.ToDouble(workload.Accumulating.GetBiasGradient(l, j)) : Q16.ToDouble(workload.Accumulating.GetWeightGradient(l, j, i));
                double doubleGradient = i < 0 ? doubleAccumulating.GetBiasGradient(l, j) : doubleAccumulating.GetWeightGradient(l, j, i);
                gradientError = Math.Max(gradientError, Math.Abs(fixedGradient - doubleGradient));
                largestGradient = Math.Max(largestGradient, Math.Abs(doubleGradient));
            });

            // Learn: each configuration from the same start, then the outputs on every sample.
            (string Name, Network Fixed, PlainDoubleMlp Double, int Steps, double Tolerance)[] learners =
            {
                ("plain SGD", workload.Lean, workload.DoubleLean, LearnSteps, LearnTolerance),
                ("momentum", workload.WithMomentum, workload.DoubleWithMomentum, MomentumSteps, MomentumTolerance),
                ("stochastic rounding", workload.Stochastic, TrainingWorkload.CopyToDouble(workload.Stochastic, workload.Loss == Loss.BinaryCrossEntropy, gradients: false, momentum: false), LearnSteps, LearnTolerance),
            };
            foreach ((string name, Network fixedNetwork, PlainDoubleMlp doubleNetwork, int steps, double tolerance) in learners)
            {
                double lossError = 0;
                double firstLoss = 0;
                double lastLoss = 0;
                for (int step = 0; step < steps; step++)
                {
                    int k = step % TrainingWorkload.SampleCount;
                    double fixedLoss = Q16.ToDouble(fixedNetwork.Learn(workload.FixedInput(k), workload.FixedTarget(k)));
                    double doubleLoss = doubleNetwork.Learn(workload.DoubleInput(k), workload.DoubleTarget(k));
                    lossError = Math.Max(lossError, Math.Abs(fixedLoss - doubleLoss));
                    firstLoss += step < TrainingWorkload.SampleCount / 2 ? doubleLoss : 0;
                    lastLoss += step >= steps - TrainingWorkload.SampleCount / 2 ? doubleLoss : 0;
                }

                double learnError = 0;
                for (int k = 0; k < TrainingWorkload.SampleCount; k++)
                {
                    int[] fixedOutput = fixedNetwork.Forward(workload.FixedInput(k));
                    double[] doubleOutput = doubleNetwork.Forward(workload.DoubleInput(k));
                    for (int j = 0; j < outputs; j++)
                    {
                        learnError = Math.Max(learnError, Math.Abs(Q16.ToDouble(fixedOutput[j]) - doubleOutput[j]));
                    }
                }

                TestContext.WriteLine($"{topology} Learn {name}: max |Δoutput| {learnError:E2} after {steps} steps, max |Δ½(y-t)²| {lossError:E2}; double ½(y-t)² over the first and last 8 steps {firstLoss:F4} -> {lastLoss:F4}");
                Assert.IsLessThanOrEqualTo(tolerance, learnError, $"{topology} Learn {name}: outputs after {steps} steps");
                Assert.IsLessThanOrEqualTo(tolerance, lossError, $"{topology} Learn {name}: returned ½(y - t)²");
                Assert.AreNotEqual(firstLoss, lastLoss, $"{topology} Learn {name}: the double network did not learn");
            }

            TestContext.WriteLine($"{topology}: max |Δoutput| {forwardError:E2} (Forward), max |Δgradient| {gradientError:E2} of gradients up to {largestGradient:F3} (Backward)");
            Assert.IsLessThanOrEqualTo(ForwardTolerance, forwardError, $"{topology} Forward");
            Assert.IsLessThanOrEqualTo(GradientTolerance, gradientError, $"{topology} Backward");
            Assert.IsGreaterThan(1e-3, largestGradient, $"{topology}: the gradients compared are not all tiny");
        }
    }

    [TestMethod]
    public void IlReportFindsTheInnerLoopsOfTheBuiltLibrary()
    {
        using var inspector = new IlInspector(typeof(Network).Assembly.Location);
        foreach ((string method, int loopIndex, _) in Reports.InnerLoops)
        {
            List<IlInstruction> body = inspector.Decode(inspector.FindMethod("NanoBackprop.Network", method));
            List<IlLoop> innermost = IlInspector.InnermostLoops(body);
            int expectedLoops = Reports.InnerLoops.Count(entry => entry.Method == method);
            Assert.HasCount(expectedLoops, innermost, $"Network.{method} should have {expectedLoops} innermost loops");
            IlLoop loop = innermost[loopIndex];
            Assert.IsTrue(
                Enumerable.Range(loop.First, loop.InstructionCount).Any(k => body[k].OpCode == System.Reflection.Emit.OpCodes.Mul),
                $"Network.{method}'s inner loop {loopIndex} has no multiplication");
            Assert.IsNotNull(inspector.PathRange(body, loop.First, loop.Last, Reports.Configurations[0]), $"Network.{method}: path not countable");
        }

        // The fused loop is the one that adds into the 64-bit sums (ldelema Int64; += on a long
        // element); the first layer's is not.
        bool AddsToSums((string Method, int Loop) entry)
        {
            List<IlInstruction> body = inspector.Decode(inspector.FindMethod("NanoBackprop.Network", entry.Method));
            IlLoop loop = IlInspector.InnermostLoops(body)[entry.Loop];
            return Enumerable.Range(loop.First, loop.InstructionCount).Any(k => body[k].OpCode == System.Reflection.Emit.OpCodes.Ldelema);
        }

        Assert.IsTrue(AddsToSums(Reports.FusedLoop), "the fused loop should add into the sums");
        Assert.IsFalse(AddsToSums(Reports.FirstLayerLoop), "the first layer's loop should not add into the sums");

        string report = Reports.IlReport(typeof(Network).Assembly.Location);
        StringAssert.Contains(report, "| Network.ForwardUnchecked |");
        TestContext.WriteLine(report);
    }

    [TestMethod]
    public void ExecutedIlCounterAgreesWithTheStaticLoopCountsAndKeepsTheBits()
    {
        using var counter = new ExecutedIlCounter(typeof(Network).Assembly.Location);
        using var inspector = new IlInspector(typeof(Network).Assembly.Location);
        ExecutedIlReport.Counts counts = ExecutedIlReport.Measure(counter, "64-64-10");
        TestContext.WriteLine($"64-64-10: Forward {counts.Forward:F1} IL, Learn {counts.Learn:F1} IL, ratio {counts.Learn / counts.Forward:F3}");
        Assert.IsTrue(counts.SameBitsAsTheLibrary, "the instrumented copy computes other bits than the library");

        // Two independent counts of the same loops. The dynamic count of ForwardUnchecked is its
        // loop's static IL per four weights times the 4,736 weights / 4 (64-64-10's fan-ins are
        // multiples of four, so the loop for the last 0 to 3 weights never runs), plus its work per
        // neuron (74; σ is written out there) and per layer, which the bound allows 160 and 100 IL
        // for. UpdateLayerPlain's is the first layer's 4,096 weights times its loop's IL plus the
        // second layer's 640 times the fused loop's, plus set-up per row (74) and per layer,
        // allowed 150 and 100. (Measured in the Release build: 112 per neuron, σ included; the
        // Debug build's IL is wordier.)
        int forwardPerFourWeights = Reports.UsualPath(inspector, "ForwardUnchecked", 0);
        int firstLayerPerWeight = Reports.UsualPath(inspector, Reports.FirstLayerLoop.Method, Reports.FirstLayerLoop.Loop);
        int fusedPerWeight = Reports.UsualPath(inspector, Reports.FusedLoop.Method, Reports.FusedLoop.Loop);
        double forward = counts.LearnByMethod["Network.ForwardUnchecked"];
        double update = counts.LearnByMethod["Network.UpdateLayerPlain"];
        double forwardLoops = forwardPerFourWeights * (64.0 * 64 + 64 * 10) / 4;
        double updateLoops = firstLayerPerWeight * 64.0 * 64 + fusedPerWeight * 64.0 * 10;
        TestContext.WriteLine($"ForwardUnchecked {forward:F1} IL per Learn (loop alone {forwardLoops}); UpdateLayerPlain {update:F1} (loops alone {updateLoops}); static per four weights {forwardPerFourWeights}, per weight {firstLayerPerWeight}, {fusedPerWeight}");
        Assert.IsTrue(forward >= forwardLoops && forward <= forwardLoops + 74 * 160 + 2 * 100, $"ForwardUnchecked: {forward} IL");
        Assert.IsTrue(update >= updateLoops && update <= updateLoops + 74 * 150 + 2 * 100, $"UpdateLayerPlain: {update} IL");
        Assert.AreEqual(counts.Learn, counts.LearnByMethod.Values.Sum(), 1e-6, "the per-method counts add up to the whole call");

        // The learner's row takes five square roots (five features, one after each Welford step
        // in Observe; Scale and the 4σ clamp take the kept ones): 95 IL per root in Release
        // (il-count: 477 per row), somewhat more in the Debug build the tests run. Fifteen, the
        // roots without the kept ones, would exceed the bound below.
        var data = NanoBackprop.Cli.OccupancyData.LoadEmbedded();
        (double row, double scaler, double squareRoot, double network) = ExecutedIlReport.MeasureReplay(counter, data.Readings, data.Labels);
        TestContext.WriteLine($"Occupancy row: {row:F0} IL, scaler {scaler:F0}, square roots {squareRoot:F0}, network {network:F0}");
        Assert.IsTrue(squareRoot >= 5 * 50 && squareRoot <= 5 * 200, $"square roots: {squareRoot} IL per row");
        Assert.IsTrue(network > squareRoot && row > scaler + squareRoot + network, $"row {row}, scaler {scaler}, network {network}");
    }

    [TestMethod]
    public void TrainingBitsMatchTheFingerprintOfEveryEarlierOptimisation()
    {
        // docs/PERFORMANCE.md: the same line at commit 93bbc5d (before the second round of speed
        // work) and after it. A change that alters any weight, bias, loss or saturation count of
        // the 200 networks changes the hash; a deliberate change of the numerics updates it here.
        Assert.AreEqual("hash 84EA3ED70147BC6F over 200 networks, 3,065,252 weight saturations", BitIdentity.Run());
    }

    [TestMethod]
    public void RamReportMatchesRamBytesAndTheOptionsCostFourAndEightBytesPerParameter()
    {
        string table = Reports.RamTable();
        TestContext.WriteLine(table);
        // docs/ENGINE.md's figures for 5-8-1.
        StringAssert.Contains(table, "| 5-8-1 | 57 | 4,464 | 5,112 | 4,884 | 5,532 |");
        // By component, 5-8-1: weights are an outer array of 2 references (20 + 24 -> 48 bytes)
        // and int[40] (180) and int[8] (52 -> 60): 288; the snapshot is int[57] (248 -> 252) and
        // the scaler's statistics long[1 + 2·5] (108); the
        // gradient sums are long[40] (340 -> 348), long[8] (84), long[8] and long[1] (28 -> 36)
        // with two outer arrays (48 each): 648.
        StringAssert.Contains(table, "| 5-8-1 | 288 (6.00) | 132 (14.67) | 324 | 252 | 372 | 648 (11.37) | 420 (7.37) | 3,096 | 360 (6.32) | 924 | 456 |");
        foreach (string topology in TrainingWorkload.Topologies)
        {
            int[] sizes = TrainingWorkload.ParseTopology(topology);
            var lean = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, 1, NetworkOptions.None);
            var both = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, 1, NetworkOptions.GradientAccumulation | NetworkOptions.Momentum);
            // Momentum adds 4 bytes per parameter, gradient accumulation 8 (64-bit sums), plus
            // array headers and block rounding.
            int added = both.RamBytes - lean.RamBytes;
            Assert.IsGreaterThanOrEqualTo(12 * lean.ParameterCount, added, topology);
            Assert.IsLessThan(12 * lean.ParameterCount + 200 * sizes.Length, added, topology);
        }
    }

    private static void ForEachParameter(int[] sizes, Action<int, int, int> visit)
    {
        for (int l = 0; l < sizes.Length - 1; l++)
        {
            for (int j = 0; j < sizes[l + 1]; j++)
            {
                for (int i = -1; i < sizes[l]; i++)
                {
                    visit(l, j, i); // i = -1: the bias
                }
            }
        }
    }
}
