using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// The IL the `nanoclr` command's operations execute per call, counted on .NET with the
    /// `il-count` tool's instrumentation (<see cref="ExecutedIlCounter"/>): the library's desktop build
    /// and the baseline (compiled here for .NET) instrumented, the same networks, seeds and samples as
    /// NanoClr/EngineTiming.cs. Used to test how well an IL count predicts nanoCLR's times.
    /// </summary>
    public static class NanoClrIlCounts
    {
        private const int Calls = 64;

        /// <summary>IL per call by (topology, operation name as the nanoCLR program prints it).</summary>
        public static Dictionary<(string Topology, string Operation), double> Count(IReadOnlyList<string> topologies, string baselinePath)
        {
            var result = new Dictionary<(string, string), double>();
            using var library = new ExecutedIlCounter(typeof(Network).Assembly.Location);
            string baselineDll = CompileBaselineForDotNet(baselinePath, NanoClrBenchmark.PrototypePath(NanoClrBenchmark.RepositoryRoot()));
            using var baseline = new ExecutedIlCounter(baselineDll);
            File.Delete(baselineDll); // loaded from its bytes
            foreach (string topology in topologies)
            {
                int[] sizes = TrainingWorkload.ParseTopology(topology);
                var (inputs, targets) = Samples(sizes[0], sizes[^1]);
                Type network = library.GetType("NanoBackprop.Network");
                object bce = Enum.ToObject(library.GetType("NanoBackprop.Loss"), (int)Loss.BinaryCrossEntropy);
                object NewNetwork(NetworkOptions options)
                {
                    object sigmoid = Enum.ToObject(library.GetType("NanoBackprop.Activation"), (int)Activation.Sigmoid);
                    object created = Activator.CreateInstance(network, sizes, sigmoid, sigmoid, bce, 1, Enum.ToObject(library.GetType("NanoBackprop.NetworkOptions"), (int)options))!;
                    network.GetProperty("LearningRate")!.SetValue(created, 6554);
                    return created;
                }

                MethodInfo forward = network.GetMethod("Forward")!;
                MethodInfo learn = network.GetMethod("Learn")!;
                MethodInfo backward = network.GetMethod("Backward")!;
                MethodInfo apply = network.GetMethod("ApplyGradients")!;
                object lean = NewNetwork(NetworkOptions.None);
                object momentum = NewNetwork(NetworkOptions.Momentum);
                network.GetProperty("Momentum")!.SetValue(momentum, 58982);
                object stochastic = NewNetwork(NetworkOptions.None);
                network.GetProperty("StochasticRounding")!.SetValue(stochastic, true);
                object both = NewNetwork(NetworkOptions.Momentum);
                network.GetProperty("Momentum")!.SetValue(both, 58982);
                network.GetProperty("StochasticRounding")!.SetValue(both, true);
                object accumulating = NewNetwork(NetworkOptions.GradientAccumulation);
                object narrow = NewNetwork(NetworkOptions.NarrowWeights);
                network.GetProperty("StochasticRounding")!.SetValue(narrow, true);

                double Per(ExecutedIlCounter counter, Action<int> call)
                {
                    for (int n = 0; n < Calls; n++)
                    {
                        call(n % inputs.Length); // warm-up: the same regime as the timed batches
                    }

                    counter.Reset();
                    for (int n = 0; n < Calls; n++)
                    {
                        call(n % inputs.Length);
                    }

                    return (double)counter.Executed / Calls;
                }

                result[(topology, "Forward")] = Per(library, k => forward.Invoke(lean, new object[] { inputs[k] }));
                result[(topology, "Learn, plain SGD")] = Per(library, k => learn.Invoke(lean, new object[] { inputs[k], targets[k] }));
                result[(topology, "Learn, momentum 0.9")] = Per(library, k => learn.Invoke(momentum, new object[] { inputs[k], targets[k] }));
                result[(topology, "Learn, stochastic rounding")] = Per(library, k => learn.Invoke(stochastic, new object[] { inputs[k], targets[k] }));
                result[(topology, "Learn, momentum + stochastic rounding")] = Per(library, k => learn.Invoke(both, new object[] { inputs[k], targets[k] }));
                result[(topology, "Learn, 16-bit weights + stochastic rounding")] = Per(library, k => learn.Invoke(narrow, new object[] { inputs[k], targets[k] }));
                // The softmax rows: the same hidden layers, a softmax over the outputs (2 where the
                // topology has one), categorical cross-entropy, the program's one-hot targets.
                int[] softmaxSizes = (int[])sizes.Clone();
                softmaxSizes[^1] = Math.Max(2, sizes[^1]);
                object softmax = Activator.CreateInstance(network, softmaxSizes, Enum.ToObject(library.GetType("NanoBackprop.Activation"), (int)Activation.Sigmoid),
                    Enum.ToObject(library.GetType("NanoBackprop.Activation"), (int)Activation.Softmax), Enum.ToObject(library.GetType("NanoBackprop.Loss"), (int)Loss.CategoricalCrossEntropy), 1,
                    Enum.ToObject(library.GetType("NanoBackprop.NetworkOptions"), 0))!;
                network.GetProperty("LearningRate")!.SetValue(softmax, 6554);
                int[][] oneHot = OneHot(softmaxSizes[^1]);
                result[(topology, "Forward, softmax output")] = Per(library, k => forward.Invoke(softmax, new object[] { inputs[k] }));
                result[(topology, "Learn, plain SGD, softmax + categorical cross-entropy")] = Per(library, k => learn.Invoke(softmax, new object[] { inputs[k], oneHot[k] }));
                result[(topology, "Forward + Backward + ApplyGradients")] = Per(library, k =>
                {
                    forward.Invoke(accumulating, new object[] { inputs[k] });
                    backward.Invoke(accumulating, new object[] { targets[k], bce });
                    apply.Invoke(accumulating, null);
                });

                Type optionsType = library.GetType("NanoBackprop.LearnerOptions");
                Type learnerType = library.GetType("NanoBackprop.OnlineLearner");
                Type blobType = library.GetType("NanoBackprop.ModelBlob");
                object blobOptions = Activator.CreateInstance(optionsType)!;
                optionsType.GetProperty("DivergenceGuard")!.SetValue(blobOptions, true);
                optionsType.GetProperty("ClassBalance")!.SetValue(blobOptions, false);
                object blobLearner = Activator.CreateInstance(learnerType, NewNetwork(NetworkOptions.None), blobOptions)!;
                byte[] blob = new byte[(int)blobType.GetMethod("SizeOf")!.Invoke(null, new[] { blobLearner })!];
                MethodInfo write = blobType.GetMethod("Write")!;
                MethodInfo read = blobType.GetMethod("Read")!;
                write.Invoke(null, new object[] { blobLearner, blob, 0 });
                if (topology == "5-8-1")
                {
                    var data = NanoBackprop.Cli.OccupancyData.LoadEmbedded();
                    object learner = Activator.CreateInstance(learnerType, NewNetwork(NetworkOptions.None), Activator.CreateInstance(optionsType)!)!;
                    MethodInfo predict = learnerType.GetMethod("Predict")!;
                    MethodInfo learnRow = learnerType.GetMethod("Learn")!;
                    int[] target = new int[1];
                    int row = 1000; // the rows OccupancySlice.cs holds: 1,000 to 1,299
                    result[(topology, "learner: Predict + Learn, Occupancy row")] = Per(library, _ =>
                    {
                        predict.Invoke(learner, new object[] { data.Readings[row] });
                        target[0] = data.Labels[row] == 1 ? Q16.One : 0;
                        learnRow.Invoke(learner, new object[] { data.Readings[row], target });
                        row = row == 1299 ? 1000 : row + 1;
                    });

                    // As the program's frozen-scaler row: the 300 rows learned once, then the scaler frozen.
                    object frozen = Activator.CreateInstance(learnerType, NewNetwork(NetworkOptions.None), Activator.CreateInstance(optionsType)!)!;
                    for (int r = 1000; r < 1300; r++)
                    {
                        target[0] = data.Labels[r] == 1 ? Q16.One : 0;
                        learnRow.Invoke(frozen, new object[] { data.Readings[r], target });
                    }

                    object frozenScaler = learnerType.GetProperty("Scaler")!.GetValue(frozen)!;
                    frozenScaler.GetType().GetProperty("Frozen")!.SetValue(frozenScaler, true);
                    int frozenRow = 1000;
                    result[(topology, "learner, scaler frozen: Predict + Learn, Occupancy row")] = Per(library, _ =>
                    {
                        predict.Invoke(frozen, new object[] { data.Readings[frozenRow] });
                        target[0] = data.Labels[frozenRow] == 1 ? Q16.One : 0;
                        learnRow.Invoke(frozen, new object[] { data.Readings[frozenRow], target });
                        frozenRow = frozenRow == 1299 ? 1000 : frozenRow + 1;
                    });
                }

                result[(topology, "model save (ModelBlob.Write)")] = Per(library, _ => write.Invoke(null, new object[] { blobLearner, blob, 0 }));
                result[(topology, "model load (ModelBlob.Read)")] = Per(library, _ => read.Invoke(null, new object[] { blobLearner, blob, 0, blob.Length }));

                if (sizes.Length == 3)
                {
                    Type mlpType = baseline.GetType("HandWrittenQ16Mlp");
                    object mlp = Activator.CreateInstance(mlpType, sizes[0], sizes[1], sizes[2], 1)!;
                    MethodInfo baseForward = mlpType.GetMethod("Forward")!;
                    MethodInfo baseLearn = mlpType.GetMethod("Learn")!;
                    result[(topology, "baseline Forward")] = Per(baseline, k => baseForward.Invoke(mlp, new object[] { inputs[k] }));
                    result[(topology, "baseline Learn")] = Per(baseline, k => baseLearn.Invoke(mlp, new object[] { inputs[k], targets[k], 6554 }));
                    Type prototypeType = baseline.GetType("FixedExponentQ16Mlp");
                    MethodInfo prototypeLearn = prototypeType.GetMethod("Learn")!;
                    object clamped = Activator.CreateInstance(prototypeType, sizes[0], sizes[1], sizes[2], 1, true)!;
                    object unclamped = Activator.CreateInstance(prototypeType, sizes[0], sizes[1], sizes[2], 1, false)!;
                    result[(topology, "prototype Learn, fixed delta exponents")] = Per(baseline, k => prototypeLearn.Invoke(clamped, new object[] { inputs[k], targets[k], 6554 }));
                    result[(topology, "prototype Learn, fixed delta exponents, no weight clamp")] = Per(baseline, k => prototypeLearn.Invoke(unclamped, new object[] { inputs[k], targets[k], 6554 }));
                    object truncating = Activator.CreateInstance(prototypeType, sizes[0], sizes[1], sizes[2], 1, false, false)!;
                    result[(topology, "prototype Learn, fixed delta exponents, no weight clamp, steps truncated")] = Per(baseline, k => prototypeLearn.Invoke(truncating, new object[] { inputs[k], targets[k], 6554 }));
                    object proven = Activator.CreateInstance(prototypeType, sizes[0], sizes[1], sizes[2], 1, true, true, true)!;
                    result[(topology, "prototype Learn, fixed delta exponents, clamp by bound, ties tested per row")] = Per(baseline, k => prototypeLearn.Invoke(proven, new object[] { inputs[k], targets[k], 6554 }));
                }
            }

            return result;
        }

        /// <summary>NanoClr/EngineTiming.cs's Samples.OneHot: sample k's class is (k / 2 + k mod 2) mod classes.</summary>
        public static int[][] OneHot(int classes)
        {
            var targets = new int[16][];
            for (int k = 0; k < 16; k++)
            {
                targets[k] = new int[classes];
                targets[k][(k / 2 + (k & 1)) % classes] = Q16.One;
            }

            return targets;
        }

        /// <summary>The samples of NanoClr/EngineTiming.cs's Samples class, bit for bit (same xorshift, same seed).</summary>
        public static (int[][] Inputs, int[][] Targets) Samples(int inputs, int outputs)
        {
            const int Count = 16;
            var inputRows = new int[Count][];
            var targetRows = new int[Count][];
            uint r = 12345u | 1u;
            for (int k = 0; k < Count; k += 2)
            {
                int[] input = new int[inputs];
                for (int i = 0; i < inputs; i++)
                {
                    r ^= r << 13; r ^= r >> 17; r ^= r << 5;
                    input[i] = (int)(r % 131073u) - 65536;
                }

                int[] target = new int[outputs];
                int[] opposite = new int[outputs];
                for (int j = 0; j < outputs; j++)
                {
                    r ^= r << 13; r ^= r >> 17; r ^= r << 5;
                    target[j] = (int)(r & 1u) * 65536;
                    opposite[j] = 65536 - target[j];
                }

                inputRows[k] = input; inputRows[k + 1] = input;
                targetRows[k] = target; targetRows[k + 1] = opposite;
            }

            return (inputRows, targetRows);
        }

        /// <summary>The baseline and the fixed-exponent prototype compiled for .NET and loaded, so that tests can run them on the desktop.</summary>
        public static Assembly LoadBaselineForDotNet(string baselinePath)
        {
            string dll = CompileBaselineForDotNet(baselinePath, NanoClrBenchmark.PrototypePath(NanoClrBenchmark.RepositoryRoot()));
            byte[] image = File.ReadAllBytes(dll);
            File.Delete(dll);
            return Assembly.Load(image);
        }

        /// <summary>The baseline (and the fixed-exponent prototype) compiled for .NET (Release, C# 10), so that their IL can be counted like the library's.</summary>
        private static string CompileBaselineForDotNet(string baselinePath, string prototypePath)
        {
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll")
                .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
            var compilation = CSharpCompilation.Create("HandWrittenQ16Mlp",
                new[] { baselinePath, prototypePath }.Select(path => CSharpSyntaxTree.ParseText(File.ReadAllText(path), new CSharpParseOptions(LanguageVersion.CSharp10), path)),
                references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));
            string dll = Path.Combine(Path.GetTempPath(), "nanobackprop-baseline-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N") + ".dll");
            var emitted = compilation.Emit(dll);
            if (!emitted.Success)
            {
                throw new InvalidOperationException("the baseline does not compile for .NET: " + string.Join(" | ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            }

            return dll;
        }
    }
}
