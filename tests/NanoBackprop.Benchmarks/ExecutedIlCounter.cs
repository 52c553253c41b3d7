using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// Counts the IL instructions a whole call executes, which is what the nanoCLR interpreter
    /// pays for: an instrumented copy of NanoBackprop.dll (Mono.Cecil) adds each basic block's
    /// instruction count to its method's entry in a static array on entry to the block, and is
    /// loaded into its own
    /// collectible load context beside the real library. A call counts as one instruction in the
    /// caller, and the callee's own instructions count where it runs; a call into the runtime
    /// (Array.Copy, Array.Clear: native code on nanoCLR too) counts as the call alone.
    /// </summary>
    public sealed class ExecutedIlCounter : IDisposable
    {
        private const string CounterNamespace = "NanoBackprop";
        private const string CounterTypeName = "ExecutedIlCounter";
        private readonly AssemblyLoadContext context;
        private readonly long[] byMethod;

        /// <summary>Instruments the library at <paramref name="assemblyPath"/> and loads the copy.</summary>
        public ExecutedIlCounter(string assemblyPath)
        {
            context = new AssemblyLoadContext("executed-il-counter", isCollectible: true);
            using (var image = new MemoryStream(Instrument(assemblyPath)))
            {
                Assembly = context.LoadFromStream(image);
            }

            Type counterType = Assembly.GetType(CounterNamespace + "." + CounterTypeName)!;
            MethodNames = (string[])counterType.GetField("MethodNames")!.GetValue(null)!;
            byMethod = new long[MethodNames.Length];
            counterType.GetField("ExecutedByMethod")!.SetValue(null, byMethod);
        }

        /// <summary>"Type.Method" of each instrumented method, by its index in <see cref="ExecutedByMethod"/>.</summary>
        public string[] MethodNames { get; }

        /// <summary>IL executed in each method since the last <see cref="Reset"/> (callees not included).</summary>
        public long[] ExecutedByMethod => byMethod;

        /// <summary>The instrumented copy of the library.</summary>
        public Assembly Assembly { get; }

        /// <summary>IL instructions executed by the copy since the last <see cref="Reset"/>.</summary>
        public long Executed => byMethod.Sum();

        /// <summary>Sets the counts to 0.</summary>
        public void Reset() => Array.Clear(byMethod);

        /// <summary>A type of the instrumented copy, by its full name.</summary>
        public Type GetType(string fullName) => Assembly.GetType(fullName) ?? throw new InvalidOperationException(fullName + " is not in the instrumented copy");

        /// <inheritdoc/>
        public void Dispose() => context.Unload();

        /// <summary>The instrumented assembly's bytes.</summary>
        public static byte[] Instrument(string assemblyPath)
        {
            using ModuleDefinition module = ModuleDefinition.ReadModule(assemblyPath);
            var counterType = new TypeDefinition(CounterNamespace, CounterTypeName,
                Mono.Cecil.TypeAttributes.Public | Mono.Cecil.TypeAttributes.Abstract | Mono.Cecil.TypeAttributes.Sealed | Mono.Cecil.TypeAttributes.Class,
                module.TypeSystem.Object);
            // The host sets ExecutedByMethod to an array as long as MethodNames before any call.
            var counter = new FieldDefinition("ExecutedByMethod", Mono.Cecil.FieldAttributes.Public | Mono.Cecil.FieldAttributes.Static, new ArrayType(module.TypeSystem.Int64));
            counterType.Fields.Add(counter);
            var names = new List<string>();
            foreach (TypeDefinition type in module.GetTypes().ToList())
            {
                foreach (MethodDefinition method in type.Methods)
                {
                    if (method.HasBody)
                    {
                        InstrumentBody(method.Body, counter, names.Count);
                        names.Add(type.Name + "." + method.Name);
                    }
                }
            }

            // MethodNames = new[] { ... }, set by a static constructor.
            var namesField = new FieldDefinition("MethodNames", Mono.Cecil.FieldAttributes.Public | Mono.Cecil.FieldAttributes.Static | Mono.Cecil.FieldAttributes.InitOnly, new ArrayType(module.TypeSystem.String));
            counterType.Fields.Add(namesField);
            var staticConstructor = new MethodDefinition(".cctor",
                Mono.Cecil.MethodAttributes.Private | Mono.Cecil.MethodAttributes.Static | Mono.Cecil.MethodAttributes.HideBySig | Mono.Cecil.MethodAttributes.SpecialName | Mono.Cecil.MethodAttributes.RTSpecialName,
                module.TypeSystem.Void);
            ILProcessor init = staticConstructor.Body.GetILProcessor();
            init.Emit(OpCodes.Ldc_I4, names.Count);
            init.Emit(OpCodes.Newarr, module.TypeSystem.String);
            for (int k = 0; k < names.Count; k++)
            {
                init.Emit(OpCodes.Dup);
                init.Emit(OpCodes.Ldc_I4, k);
                init.Emit(OpCodes.Ldstr, names[k]);
                init.Emit(OpCodes.Stelem_Ref);
            }

            init.Emit(OpCodes.Stsfld, namesField);
            init.Emit(OpCodes.Ret);
            counterType.Methods.Add(staticConstructor);
            module.Types.Add(counterType);
            using var output = new MemoryStream();
            module.Write(output);
            return output.ToArray();
        }

        private static void InstrumentBody(Mono.Cecil.Cil.MethodBody body, FieldDefinition counter, int methodIndex)
        {
            body.SimplifyMacros();
            List<Instruction> original = body.Instructions.ToList();
            var leaders = new HashSet<Instruction> { original[0] };
            foreach (Instruction instruction in original)
            {
                if (instruction.Operand is Instruction target)
                {
                    leaders.Add(target);
                }
                else if (instruction.Operand is Instruction[] targets)
                {
                    leaders.UnionWith(targets);
                }

                FlowControl flow = instruction.OpCode.FlowControl;
                if ((flow == FlowControl.Branch || flow == FlowControl.Cond_Branch || flow == FlowControl.Return || flow == FlowControl.Throw)
                    && instruction.Next != null)
                {
                    leaders.Add(instruction.Next);
                }
            }

            foreach (ExceptionHandler handler in body.ExceptionHandlers)
            {
                foreach (Instruction? boundary in new[] { handler.TryStart, handler.TryEnd, handler.HandlerStart, handler.HandlerEnd, handler.FilterStart })
                {
                    if (boundary != null)
                    {
                        leaders.Add(boundary);
                    }
                }
            }

            // Each block's count goes in front of its leader; whatever jumped to the leader now
            // jumps to the count.
            var entry = new Dictionary<Instruction, Instruction>();
            ILProcessor il = body.GetILProcessor();
            for (int k = 0; k < original.Count; k++)
            {
                if (!leaders.Contains(original[k]))
                {
                    continue;
                }

                int end = k + 1;
                while (end < original.Count && !leaders.Contains(original[end]))
                {
                    end++;
                }

                // ExecutedByMethod[methodIndex] += instructions in the block.
                Instruction load = il.Create(OpCodes.Ldsfld, counter);
                il.InsertBefore(original[k], load);
                il.InsertBefore(original[k], il.Create(OpCodes.Ldc_I4, methodIndex));
                il.InsertBefore(original[k], il.Create(OpCodes.Ldelema, body.Method.Module.TypeSystem.Int64));
                il.InsertBefore(original[k], il.Create(OpCodes.Dup));
                il.InsertBefore(original[k], il.Create(OpCodes.Ldind_I8));
                il.InsertBefore(original[k], il.Create(OpCodes.Ldc_I8, (long)(end - k)));
                il.InsertBefore(original[k], il.Create(OpCodes.Add));
                il.InsertBefore(original[k], il.Create(OpCodes.Stind_I8));
                entry[original[k]] = load;
            }

            foreach (Instruction instruction in original)
            {
                if (instruction.Operand is Instruction target && entry.TryGetValue(target, out Instruction? counted))
                {
                    instruction.Operand = counted;
                }
                else if (instruction.Operand is Instruction[] targets)
                {
                    instruction.Operand = targets.Select(t => entry.TryGetValue(t, out Instruction? c) ? c : t).ToArray();
                }
            }

            foreach (ExceptionHandler handler in body.ExceptionHandlers)
            {
                handler.TryStart = Redirect(entry, handler.TryStart);
                handler.TryEnd = Redirect(entry, handler.TryEnd);
                handler.HandlerStart = Redirect(entry, handler.HandlerStart);
                handler.HandlerEnd = Redirect(entry, handler.HandlerEnd);
                handler.FilterStart = Redirect(entry, handler.FilterStart);
            }

            body.OptimizeMacros();
        }

        private static Instruction Redirect(Dictionary<Instruction, Instruction> entry, Instruction instruction)
        {
            return instruction != null && entry.TryGetValue(instruction, out Instruction? counted) ? counted : instruction!;
        }
    }

    /// <summary>
    /// The `il-count` report: IL instructions executed per whole call of Forward, Forward +
    /// Backward and fused Learn, on the benchmarks' networks and samples.
    /// </summary>
    public static class ExecutedIlReport
    {
        /// <summary>Learn steps taken before counting, so that the state is the benchmarks' regime.</summary>
        public const int WarmUpSteps = 10 * TrainingWorkload.SampleCount;

        /// <summary>Calls averaged: every sample, four times.</summary>
        public const int CountedCalls = 4 * TrainingWorkload.SampleCount;

        /// <summary>IL executed per call, averaged over <see cref="CountedCalls"/> calls.</summary>
        public sealed class Counts
        {
            /// <summary>The topology, e.g. "5-8-1".</summary>
            public string Topology { get; init; } = "";

            /// <summary>Per Forward.</summary>
            public double Forward { get; init; }

            /// <summary>Per Forward and Backward.</summary>
            public double ForwardBackward { get; init; }

            /// <summary>Per fused Learn, plain SGD.</summary>
            public double Learn { get; init; }

            /// <summary>Per fused Learn with momentum 0.9.</summary>
            public double LearnMomentum { get; init; }

            /// <summary>Per fused Learn with stochastic rounding.</summary>
            public double LearnStochastic { get; init; }

            /// <summary>Per plain-SGD Learn, by method ("Type.Method", own instructions only).</summary>
            public Dictionary<string, double> LearnByMethod { get; init; } = new Dictionary<string, double>();

            /// <summary>Whether the instrumented copy's outputs, losses and weights equal the real library's, bit for bit.</summary>
            public bool SameBitsAsTheLibrary { get; init; }
        }

        /// <summary>Counts one topology's operations with the instrumented copy.</summary>
        public static Counts Measure(ExecutedIlCounter counter, string topology)
        {
            var workload = new TrainingWorkload(topology);
            Type network = counter.GetType("NanoBackprop.Network");
            object lean = NewNetwork(counter, workload, NetworkOptions.None);
            object accumulating = NewNetwork(counter, workload, NetworkOptions.GradientAccumulation);
            object withMomentum = NewNetwork(counter, workload, NetworkOptions.Momentum);
            network.GetProperty("Momentum")!.SetValue(withMomentum, Q16.FromDouble(TrainingWorkload.MomentumCoefficient));
            object stochastic = NewNetwork(counter, workload, NetworkOptions.None);
            network.GetProperty("StochasticRounding")!.SetValue(stochastic, true);
            MethodInfo forward = network.GetMethod("Forward")!;
            MethodInfo backward = network.GetMethod("Backward")!;
            MethodInfo learn = network.GetMethod("Learn")!;
            object loss = Enum.ToObject(counter.GetType("NanoBackprop.Loss"), (int)workload.Loss);

            // The same networks in the real library, stepped alongside: the copy must give the same bits.
            var realLean = new Network(workload.Sizes, Activation.Sigmoid, Activation.Sigmoid, workload.Loss, TrainingWorkload.Seed, NetworkOptions.None);
            realLean.LearningRate = Q16.FromDouble(TrainingWorkload.LearningRate);
            bool same = true;

            double Count(Action<int> call, int calls)
            {
                counter.Reset();
                for (int n = 0; n < calls; n++)
                {
                    call(n % TrainingWorkload.SampleCount);
                }

                return (double)counter.Executed / calls;
            }

            double forwardIl = Count(k => forward.Invoke(lean, new object[] { workload.FixedInput(k) }), CountedCalls);
            double forwardBackwardIl = Count(
                k =>
                {
                    forward.Invoke(accumulating, new object[] { workload.FixedInput(k) });
                    backward.Invoke(accumulating, new object[] { workload.FixedTarget(k), loss });
                },
                CountedCalls);
            foreach (object learner in new[] { lean, withMomentum, stochastic })
            {
                for (int n = 0; n < WarmUpSteps; n++)
                {
                    int k = n % TrainingWorkload.SampleCount;
                    int result = (int)learn.Invoke(learner, new object[] { workload.FixedInput(k), workload.FixedTarget(k) })!;
                    if (learner == lean)
                    {
                        same &= result == realLean.Learn(workload.FixedInput(k), workload.FixedTarget(k));
                    }
                }
            }

            double Learn(object learner) => Count(k => learn.Invoke(learner, new object[] { workload.FixedInput(k), workload.FixedTarget(k) }), CountedCalls);
            double learnIl = Learn(lean);
            var byMethod = new Dictionary<string, double>();
            for (int m = 0; m < counter.MethodNames.Length; m++)
            {
                if (counter.ExecutedByMethod[m] > 0)
                {
                    byMethod[counter.MethodNames[m]] = byMethod.GetValueOrDefault(counter.MethodNames[m]) + (double)counter.ExecutedByMethod[m] / CountedCalls;
                }
            }
            for (int n = 0; n < CountedCalls; n++)
            {
                int k = n % TrainingWorkload.SampleCount;
                realLean.Learn(workload.FixedInput(k), workload.FixedTarget(k));
            }

            int[] copyParameters = new int[realLean.ParameterCount];
            int[] realParameters = new int[realLean.ParameterCount];
            network.GetMethod("CopyParametersTo")!.Invoke(lean, new object[] { copyParameters });
            realLean.CopyParametersTo(realParameters);
            same &= copyParameters.SequenceEqual(realParameters);

            return new Counts
            {
                Topology = topology,
                Forward = forwardIl,
                ForwardBackward = forwardBackwardIl,
                Learn = learnIl,
                LearnByMethod = byMethod,
                LearnMomentum = Learn(withMomentum),
                LearnStochastic = Learn(stochastic),
                SameBitsAsTheLibrary = same,
            };
        }

        /// <summary>Occupancy rows the replay count averages over (after as many rows of warm-up).</summary>
        public const int ReplayRows = 1000;

        /// <summary>
        /// IL per Occupancy row of the learner's replay (5-8-1 with the learner's defaults, as the
        /// `stream` report and the board app run it): OnlineLearner.Predict then OnlineLearner.Learn,
        /// averaged over rows 1,000 to 1,999 of the embedded data, and what the learner's input
        /// scaler takes of it. Returns (IL per row, of which InputScaler's own, of which
        /// IntegerMath.Sqrt's, of which Network's).
        /// </summary>
        public static (double Row, double Scaler, double SquareRoot, double Network) MeasureReplay(ExecutedIlCounter counter, int[][] readings, int[] labels)
        {
            Type network = counter.GetType("NanoBackprop.Network");
            Type learnerType = counter.GetType("NanoBackprop.OnlineLearner");
            object sigmoid = Enum.ToObject(counter.GetType("NanoBackprop.Activation"), (int)Activation.Sigmoid);
            object created = Activator.CreateInstance(network, new[] { 5, 8, 1 }, sigmoid, sigmoid, Enum.ToObject(counter.GetType("NanoBackprop.Loss"), (int)Loss.BinaryCrossEntropy), 0, Enum.ToObject(counter.GetType("NanoBackprop.NetworkOptions"), 0))!;
            object options = Activator.CreateInstance(counter.GetType("NanoBackprop.LearnerOptions"))!;
            object learner = Activator.CreateInstance(learnerType, created, options)!;
            MethodInfo predict = learnerType.GetMethod("Predict")!;
            MethodInfo learn = learnerType.GetMethod("Learn")!;
            int[] target = new int[1];
            void Row(int row)
            {
                predict.Invoke(learner, new object[] { readings[row] });
                target[0] = labels[row] == 1 ? Q16.One : 0;
                learn.Invoke(learner, new object[] { readings[row], target });
            }

            for (int row = 0; row < ReplayRows; row++)
            {
                Row(row);
            }

            counter.Reset();
            for (int row = ReplayRows; row < 2 * ReplayRows; row++)
            {
                Row(row);
            }

            double scaler = 0;
            double squareRoot = 0;
            double networkIl = 0;
            for (int m = 0; m < counter.MethodNames.Length; m++)
            {
                string name = counter.MethodNames[m];
                double perRow = (double)counter.ExecutedByMethod[m] / ReplayRows;
                scaler += name.StartsWith("InputScaler.", StringComparison.Ordinal) ? perRow : 0;
                squareRoot += name == "IntegerMath.Sqrt" ? perRow : 0;
                networkIl += name.StartsWith("Network.", StringComparison.Ordinal) ? perRow : 0;
            }

            return ((double)counter.Executed / ReplayRows, scaler, squareRoot, networkIl);
        }

        /// <summary>IL per replay row by method (own instructions), after <see cref="MeasureReplay"/>.</summary>
        public static IEnumerable<KeyValuePair<string, double>> ReplayByMethod(ExecutedIlCounter counter)
        {
            for (int m = 0; m < counter.MethodNames.Length; m++)
            {
                if (counter.ExecutedByMethod[m] != 0)
                {
                    yield return new KeyValuePair<string, double>(counter.MethodNames[m], (double)counter.ExecutedByMethod[m] / ReplayRows);
                }
            }
        }

        /// <summary>The report, as Markdown.</summary>
        public static string Run(string assemblyPath)
        {
            using var counter = new ExecutedIlCounter(assemblyPath);
            var text = new StringBuilder();
            text.AppendLine($"IL instructions executed per call (whole call, callees included; {F(CountedCalls)} calls averaged after {F(WarmUpSteps)} Learn steps), from an instrumented copy of {Path.GetFileName(assemblyPath)}.");
            text.AppendLine();
            text.AppendLine("| topology | Forward | Forward + Backward | Learn, plain SGD | Learn/Forward (goal ≤ 3.5) | Learn, momentum | /Forward | Learn, stochastic rounding | /Forward | same bits as the library |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            var breakdowns = new StringBuilder();
            foreach (string topology in TrainingWorkload.Topologies)
            {
                Counts counts = Measure(counter, topology);
                breakdowns.AppendLine();
                breakdowns.AppendLine($"{topology}, one plain-SGD Learn: IL executed in each method (its own instructions, callees not included; averaged as above):");
                breakdowns.AppendLine();
                breakdowns.AppendLine("| method | IL per Learn | share |");
                breakdowns.AppendLine("|---|---:|---:|");
                double total = counts.LearnByMethod.Sum(entry => entry.Value);
                foreach (KeyValuePair<string, double> entry in counts.LearnByMethod.OrderByDescending(entry => entry.Value))
                {
                    breakdowns.AppendLine($"| {entry.Key} | {F(entry.Value)} | {(entry.Value / total).ToString("0.0 %", CultureInfo.InvariantCulture)} |");
                }

                text.AppendLine($"| {topology} | {F(counts.Forward)} | {F(counts.ForwardBackward)} | {F(counts.Learn)} | {R(counts.Learn / counts.Forward)} | {F(counts.LearnMomentum)} | {R(counts.LearnMomentum / counts.Forward)} | {F(counts.LearnStochastic)} | {R(counts.LearnStochastic / counts.Forward)} | {(counts.SameBitsAsTheLibrary ? "yes" : "NO")} |");
            }

            var data = NanoBackprop.Cli.OccupancyData.LoadEmbedded();
            (double row, double scaler, double squareRoot, double networkIl) = MeasureReplay(counter, data.Readings, data.Labels);
            text.AppendLine();
            text.AppendLine($"Occupancy replay (OnlineLearner.Predict then Learn, 5-8-1, the learner's defaults), rows {F(ReplayRows)}–{F(2 * ReplayRows - 1)}: {F(row)} IL per row, of which InputScaler's own methods {F(scaler)}, IntegerMath.Sqrt {F(squareRoot)} (the scaler's square roots), Network's methods {F(networkIl)} (own instructions, callees such as σ not included).");
            text.AppendLine();
            text.AppendLine("The Occupancy replay row by method (own instructions, callees not included):");
            text.AppendLine();
            text.AppendLine("| method | IL per row | share |");
            text.AppendLine("|---|---:|---:|");
            foreach (KeyValuePair<string, double> entry in ReplayByMethod(counter).OrderByDescending(entry => entry.Value))
            {
                text.AppendLine($"| {entry.Key} | {F(entry.Value)} | {(entry.Value / row).ToString("0.0 %", CultureInfo.InvariantCulture)} |");
            }

            text.Append(breakdowns);
            return text.ToString();
        }

        private static object NewNetwork(ExecutedIlCounter counter, TrainingWorkload workload, NetworkOptions options)
        {
            Type network = counter.GetType("NanoBackprop.Network");
            Type activation = counter.GetType("NanoBackprop.Activation");
            Type lossType = counter.GetType("NanoBackprop.Loss");
            Type optionsType = counter.GetType("NanoBackprop.NetworkOptions");
            object sigmoid = Enum.ToObject(activation, (int)Activation.Sigmoid);
            object created = Activator.CreateInstance(network, workload.Sizes, sigmoid, sigmoid, Enum.ToObject(lossType, (int)workload.Loss), TrainingWorkload.Seed, Enum.ToObject(optionsType, (int)options))!;
            network.GetProperty("LearningRate")!.SetValue(created, Q16.FromDouble(TrainingWorkload.LearningRate));
            return created;
        }

        private static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

        private static string R(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
    }
}
