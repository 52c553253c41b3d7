using System.Globalization;
using System.Reflection.Metadata;
using System.Text;

namespace NanoBackprop.Benchmarks
{
    /// <summary>The `ram` and `il` reports (plain text, Markdown tables), outside BenchmarkDotNet.</summary>
    public static class Reports
    {
        /// <summary>
        /// The loops whose IL per iteration the `il` report counts: (Network method, which of its
        /// innermost loops in IL order, what one iteration does).
        /// </summary>
        public static readonly (string Method, int Loop, string Role)[] InnerLoops =
        {
            ("ForwardUnchecked", 0, "Forward: four multiply-accumulates of a weighted sum (per 4 weights)"),
            ("ForwardUnchecked", 1, "Forward: one multiply-accumulate (the fan-in's last 0 to 3 weights)"),
            ("UpdateLayerPlain", 0, "Learn, plain SGD, layers after the first: one weight's update fused with its term of the delta sum (per weight)"),
            ("UpdateLayerPlain", 1, "Learn, plain SGD, first layer: one weight's update (per weight)"),
            ("UpdateRowMomentum", 0, "Learn with momentum: one weight's update (per weight)"),
            ("UpdateRowStochastic", 0, "Learn with stochastic rounding: one weight's update (per weight)"),
            ("UpdateRowMomentumStochastic", 0, "Learn with momentum and stochastic rounding: one weight's update (per weight)"),
            ("PropagateDeltas", 0, "Learn/Backward: one term of a delta's sum over the fan-out (per weight)"),
            ("AccumulateGradients", 0, "Backward: one weight's gradient (per weight)"),
        };

        /// <summary>The later layers' fused loop of a plain-SGD Learn, as (method, loop).</summary>
        public static readonly (string Method, int Loop) FusedLoop = ("UpdateLayerPlain", 0);

        /// <summary>The first layer's loop of a plain-SGD Learn, as (method, loop).</summary>
        public static readonly (string Method, int Loop) FirstLayerLoop = ("UpdateLayerPlain", 1);

        /// <summary>Network.RamBytes for each topology and option set, as Markdown.</summary>
        public static string RamTable()
        {
            NetworkOptions[] optionSets =
            {
                NetworkOptions.None,
                NetworkOptions.GradientAccumulation,
                NetworkOptions.Momentum,
                NetworkOptions.GradientAccumulation | NetworkOptions.Momentum,
            };
            int table = MemoryFootprint.SharedTableBytes;
            var text = new StringBuilder();
            text.AppendLine("RAM on the device: Network.RamBytes (nanoCLR heap bytes; includes the shared "
                + F(table) + "-byte sigmoid table, which a second network shares).");
            text.AppendLine();
            text.AppendLine("| topology | parameters | lean (None) | + GradientAccumulation | + Momentum | both |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|");
            var rows = new List<(string Topology, int Parameters, int[] Bytes)>();
            foreach (string topology in TrainingWorkload.Topologies)
            {
                int[] sizes = TrainingWorkload.ParseTopology(topology);
                int[] bytes = new int[optionSets.Length];
                int parameters = 0;
                for (int k = 0; k < optionSets.Length; k++)
                {
                    var network = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, 1, optionSets[k]);
                    bytes[k] = network.RamBytes;
                    parameters = network.ParameterCount;
                }

                rows.Add((topology, parameters, bytes));
                text.AppendLine($"| {topology} | {F(parameters)} | {F(bytes[0])} | {F(bytes[1])} | {F(bytes[2])} | {F(bytes[3])} |");
            }

            text.AppendLine();
            text.AppendLine("Bytes per parameter: RamBytes / parameters, and in brackets without the shared table.");
            text.AppendLine();
            text.AppendLine("| topology | lean (None) | + GradientAccumulation | + Momentum | both |");
            text.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var row in rows)
            {
                text.Append($"| {row.Topology} |");
                foreach (int bytes in row.Bytes)
                {
                    text.Append($" {PerParameter(bytes, row.Parameters)} ({PerParameter(bytes - table, row.Parameters)}) |");
                }

                text.AppendLine();
            }

            text.AppendLine();
            text.Append(ComponentTable());
            text.AppendLine();
            text.AppendLine("What each option adds (bytes, and bytes per parameter):");
            text.AppendLine();
            text.AppendLine("| topology | GradientAccumulation adds | Momentum adds |");
            text.AppendLine("|---|---:|---:|");
            foreach (var row in rows)
            {
                int gradients = row.Bytes[1] - row.Bytes[0];
                int momentum = row.Bytes[2] - row.Bytes[0];
                text.AppendLine($"| {row.Topology} | {F(gradients)} ({PerParameter(gradients, row.Parameters)}) | {F(momentum)} ({PerParameter(momentum, row.Parameters)}) |");
            }

            return text.ToString();
        }

        /// <summary>
        /// Each component's bytes, one column each, for a network with both options inside an
        /// OnlineLearner with the divergence guard (the board app's learner): each private array
        /// of Network and OnlineLearner measured with the CLI's nanoCLR heap walker
        /// (<see cref="NanoBackprop.Cli.NanoClrHeap"/>), checked to add up to RamBytes and to the
        /// walker's total for the learner.
        /// </summary>
        public static string ComponentTable()
        {
            var text = new StringBuilder();
            text.AppendLine("Each component (both options, in an OnlineLearner with the divergence guard; nanoCLR heap bytes, from the CLI's heap walker; in brackets bytes per weight, per bias or per parameter):");
            text.AppendLine();
            text.AppendLine("| topology | weights | biases | activations + pre-activations | deltas (+ exponents, exact scratch) | layer sizes + Network object | gradients | velocities | shared table | learner: snapshot (guard: parameters, scaler statistics) | learner: input scaler | learner: object and buffers |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (string topology in TrainingWorkload.Topologies)
            {
                int[] sizes = TrainingWorkload.ParseTopology(topology);
                var network = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, NetworkOptions.GradientAccumulation | NetworkOptions.Momentum);
                var learner = new OnlineLearner(network, new LearnerOptions { DivergenceGuard = true });
                int parameters = network.ParameterCount;
                int Field(object owner, params string[] names) => names.Sum(name =>
                {
                    object? value = owner.GetType().GetField(name, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(owner);
                    return value == null ? 0 : NanoBackprop.Cli.NanoClrHeap.Bytes(value);
                });

                int weights = Field(network, "weights");
                int biases = Field(network, "biases");
                int activations = Field(network, "activations", "preActivations");
                int deltas = Field(network, "deltas", "deltaShifts", "exactDeltas");
                int objectAndSizes = MemoryFootprint.ObjectBytes(MemoryFootprint.NetworkFieldCount) + Field(network, "layerSizes");
                int gradients = Field(network, "weightGradients", "biasGradients");
                int velocities = Field(network, "weightVelocities", "biasVelocities");
                int table = MemoryFootprint.SharedTableBytes;
                int snapshot = Field(learner, "snapshot", "scalerSnapshot");
                int scaler = Field(learner, "scaler", "targetScaler");
                int learnerTotal = NanoBackprop.Cli.NanoClrHeap.Bytes(learner, network);
                int learnerRest = learnerTotal - snapshot - scaler;
                int networkTotal = weights + biases + activations + deltas + objectAndSizes + gradients + velocities + table;
                if (networkTotal != network.RamBytes)
                {
                    throw new InvalidOperationException($"{topology}: the components add up to {networkTotal}, RamBytes is {network.RamBytes}");
                }

                int weightCount = 0;
                for (int l = 0; l < sizes.Length - 1; l++)
                {
                    weightCount += sizes[l] * sizes[l + 1];
                }

                string P(int bytes) => $"{F(bytes)} ({PerParameter(bytes, parameters)})";
                text.AppendLine($"| {topology} | {F(weights)} ({PerParameter(weights, weightCount)}) | {F(biases)} ({PerParameter(biases, parameters - weightCount)}) | {F(activations)} | {F(deltas)} | {F(objectAndSizes)} | {P(gradients)} | {P(velocities)} | {F(table)} | {P(snapshot)} | {F(scaler)} | {F(learnerRest)} |");
            }

            return text.ToString();
        }

        /// <summary>The inner loops' IL, from the compiled NanoBackprop.dll.</summary>
        public static string IlReport(string assemblyPath)
        {
            using var inspector = new IlInspector(assemblyPath);
            var text = new StringBuilder();
            text.AppendLine($"Assembly: {assemblyPath} ({(inspector.IsOptimized ? "optimised: Release" : "NOT optimised: Debug; run with -c Release")})");
            text.AppendLine();
            var summary = new StringBuilder();
            summary.AppendLine("| method | inner loop | IL in the loop (body start to back-branch) | calls in the loop | IL executed per iteration with the calls' own IL: plain SGD | momentum | stochastic rounding |");
            summary.AppendLine("|---|---|---:|---|---:|---:|---:|");
            foreach ((string method, int loopIndex, string role) in InnerLoops)
            {
                MethodDefinitionHandle handle = inspector.FindMethod("NanoBackprop.Network", method);
                List<IlInstruction> body = inspector.Decode(handle);
                List<IlLoop> innermost = IlInspector.InnermostLoops(body);
                foreach (IlLoop loop in new[] { innermost[loopIndex] })
                {
                    var callees = new List<string>();
                    for (int k = loop.First; k <= loop.Last; k++)
                    {
                        if (body[k].OpCode.FlowControl == System.Reflection.Emit.FlowControl.Call)
                        {
                            callees.Add(body[k].OperandText);
                        }
                    }

                    text.AppendLine($"Network.{method}: {role}");
                    text.AppendLine($"  innermost loop IL_{body[loop.First].Offset:x4}..IL_{body[loop.Last].Offset:x4}: {loop.InstructionCount} instructions, {callees.Count} calls");
                    var executed = new List<string>();
                    foreach (BranchAssumptions configuration in Configurations)
                    {
                        string range = Range(inspector.PathRange(body, loop.First, loop.Last, configuration));
                        executed.Add(range);
                        text.AppendLine($"  IL executed per iteration, calls included, {configuration.Name}: {range}");
                    }

                    text.Append(IlInspector.Listing(body, loop.First, loop.Last, "    "));
                    text.AppendLine();
                    summary.AppendLine($"| Network.{method} | {role} | {loop.InstructionCount} | {(callees.Count == 0 ? "none" : string.Join(", ", callees))} | {string.Join(" | ", executed)} |");
                }
            }

            // The methods those loops call, with their own IL.
            var listed = new HashSet<string>();
            var calleeText = new StringBuilder();
            foreach (string method in InnerLoops.Select(entry => entry.Method).Distinct())
            {
                List<IlInstruction> body = inspector.Decode(inspector.FindMethod("NanoBackprop.Network", method));
                foreach (IlLoop loop in IlInspector.InnermostLoops(body))
                {
                    for (int k = loop.First; k <= loop.Last; k++)
                    {
                        ListCallee(inspector, body[k], listed, calleeText);
                    }
                }
            }

            if (calleeText.Length > 0)
            {
                text.AppendLine("Methods called from those loops (nanoCLR inlines nothing: each call is a frame):");
                text.AppendLine();
                text.Append(calleeText);
            }

            text.AppendLine("Summary:");
            text.AppendLine();
            text.Append(summary);
            text.AppendLine();
            text.Append(LearnForwardIlTable(inspector));
            text.AppendLine();
            text.Append(PerNeuronIlTable(inspector));
            return text.ToString();
        }

        /// <summary>
        /// The helpers that run once per neuron rather than once per weight: what matters for a
        /// small network such as 5-8-1, whose neurons have only 5 or 8 inputs.
        /// </summary>
        public static readonly (string Type, string Method, string Role)[] PerNeuronHelpers =
        {
            ("NanoBackprop.Sigmoid", "Evaluate", "σ(z) (Forward)"),
            ("NanoBackprop.Sigmoid", "DerivativeQ30", "σ'(z) (Learn, Backward)"),
            ("NanoBackprop.Activations", "Apply", "the activation's switch, σ included (Forward)"),
            ("NanoBackprop.Activations", "Derivative", "the derivative's switch, σ' included (Learn, Backward)"),
            ("NanoBackprop.IntegerMath", "BitLength", "a propagated sum beyond 32 bits is cut to 32 (Learn, Backward)"),
            ("NanoBackprop.Q16", "RoundShift", "one rounding"),
            ("NanoBackprop.Q16", "Saturate", "one saturation"),
        };

        /// <summary>
        /// IL per weight of a plain-SGD Learn against a Forward, counting the inner loops only:
        /// Forward's multiply-accumulate, the first layer's update and the later layers' fused
        /// update and propagation, each along its usual (unsaturated) path.
        /// </summary>
        public static string LearnForwardIlTable(IlInspector inspector)
        {
            int forwardBlock = UsualPath(inspector, "ForwardUnchecked", 0);
            int forwardRest = UsualPath(inspector, "ForwardUnchecked", 1);
            int firstLayer = UsualPath(inspector, FirstLayerLoop.Method, FirstLayerLoop.Loop);
            int laterLayers = UsualPath(inspector, FusedLoop.Method, FusedLoop.Loop);
            var text = new StringBuilder();
            text.AppendLine($"Plain-SGD Learn against Forward, inner loops only: Forward {forwardBlock} IL per four weights of a fan-in (the last 0 to 3 {forwardRest} each); Learn adds {firstLayer} (first layer) or {laterLayers} (later layers, update and propagation fused) per weight.");
            text.AppendLine();
            text.AppendLine("| topology | weights (of layers ≥ 1) | Forward IL | Learn IL | Learn/Forward in IL |");
            text.AppendLine("|---|---:|---:|---:|---:|");
            foreach (string topology in TrainingWorkload.Topologies)
            {
                int[] sizes = TrainingWorkload.ParseTopology(topology);
                int weights = 0;
                int later = 0;
                int forwardIl = 0;
                for (int l = 0; l < sizes.Length - 1; l++)
                {
                    weights += sizes[l] * sizes[l + 1];
                    forwardIl += sizes[l + 1] * (sizes[l] / 4 * forwardBlock + sizes[l] % 4 * forwardRest);
                    later += l > 0 ? sizes[l] * sizes[l + 1] : 0;
                }

                int learnIl = forwardIl + firstLayer * (weights - later) + laterLayers * later;
                text.AppendLine($"| {topology} | {F(weights)} ({F(later)}) | {F(forwardIl)} | {F(learnIl)} | {((double)learnIl / forwardIl).ToString("0.00", CultureInfo.InvariantCulture)} |");
            }

            return text.ToString();
        }

        /// <summary>The per-neuron helpers' IL per call (fewest–most paths), as Markdown.</summary>
        public static string PerNeuronIlTable(IlInspector inspector)
        {
            var text = new StringBuilder();
            text.AppendLine("Per-neuron helpers, IL executed per call with their callees (fewest–most: an early return to the longest path):");
            text.AppendLine();
            text.AppendLine("| method | what | IL per call |");
            text.AppendLine("|---|---|---:|");
            foreach ((string type, string method, string role) in PerNeuronHelpers)
            {
                string range = Range(inspector.MethodPathRange(inspector.FindMethod(type, method)));
                text.AppendLine($"| {type.Substring("NanoBackprop.".Length)}.{method} | {role} | {range} |");
            }

            return text.ToString();
        }

        /// <summary>
        /// The IL one iteration of one of a Network method's innermost loops (in IL order) executes
        /// on its usual path (no weight saturating, which is the shortest), plain-SGD configuration.
        /// </summary>
        public static int UsualPath(IlInspector inspector, string method, int loopIndex)
        {
            List<IlInstruction> body = inspector.Decode(inspector.FindMethod("NanoBackprop.Network", method));
            IlLoop loop = IlInspector.InnermostLoops(body)[loopIndex];
            (int Min, int Max)? range = inspector.PathRange(body, loop.First, loop.Last, Configurations[0]);
            if (range == null)
            {
                throw new InvalidOperationException($"Network.{method}: its loop calls a method that loops");
            }

            return range.Value.Min;
        }

        private static void ListCallee(IlInspector inspector, IlInstruction call, HashSet<string> listed, StringBuilder text)
        {
            if (call.Callee.IsNil || !listed.Add(call.OperandText))
            {
                return;
            }

            List<IlInstruction> body = inspector.Decode(call.Callee);
            var executed = new List<string>();
            foreach (BranchAssumptions configuration in Configurations)
            {
                executed.Add(configuration.Name + " " + Range(inspector.MethodPathRange(call.Callee, configuration)));
            }

            text.AppendLine($"  {call.OperandText}: {body.Count} instructions; executed per call, callees included: {string.Join("; ", executed)}");
            text.Append(IlInspector.Listing(body, 0, body.Count - 1, "    "));
            text.AppendLine();
            foreach (IlInstruction instruction in body)
            {
                ListCallee(inspector, instruction, listed, text);
            }
        }

        /// <summary>
        /// The training configurations whose paths the `il` report counts: the flags that decide
        /// the update's branches (stochasticRounding; velocities null or not).
        /// </summary>
        public static readonly BranchAssumptions[] Configurations =
        {
            new BranchAssumptions("plain SGD", new Dictionary<string, bool> { ["stochasticRounding"] = false, ["velocities"] = false }),
            new BranchAssumptions("momentum", new Dictionary<string, bool> { ["stochasticRounding"] = false, ["velocities"] = true }),
            new BranchAssumptions("stochastic rounding", new Dictionary<string, bool> { ["stochasticRounding"] = true, ["velocities"] = false }),
        };

        // "fewest–most"; the most is the usual path (no saturation), the fewest an early return.
        private static string Range((int Min, int Max)? range)
        {
            if (range == null)
            {
                return "(a call loops)";
            }

            return range.Value.Min == range.Value.Max ? F(range.Value.Min) : $"{F(range.Value.Min)}–{F(range.Value.Max)}";
        }

        private static string PerParameter(int bytes, int parameters)
        {
            return ((double)bytes / parameters).ToString("0.00", CultureInfo.InvariantCulture);
        }

        private static string F(int value)
        {
            return value.ToString("N0", CultureInfo.InvariantCulture);
        }
    }
}
