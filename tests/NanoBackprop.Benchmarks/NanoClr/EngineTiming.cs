// The nanoCLR timing program of `dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- nanoclr`
// (NanoClrBenchmark.cs builds and runs it). nanoFramework C# 10: no generics. Compiled together with
// ../shared/baselines/HandWrittenQ16Mlp.cs, NanoClr/FixedExponentPrototype.cs, tests/NanoBackprop.Boards.Tests/OnNanoClr/OccupancySlice.cs
// and a generated BenchSettings class (topologies, repetitions, batch length), against NanoBackprop.
using System;
using NanoBackprop;
using NanoBackprop.Boards.Tests;

namespace NanoBackprop.Benchmarks.OnNanoClr
{
    /// <summary>One timed operation: <see cref="Run"/> makes <c>calls</c> calls of it.</summary>
    public abstract class TimedOperation
    {
        /// <summary>The row's name, e.g. "Learn, plain SGD".</summary>
        public string Name;

        /// <summary>Calls per batch, sized once so that a batch lasts about BenchSettings.BatchTicks.</summary>
        public int Calls = 1;

        /// <summary>ns per call of each repetition.</summary>
        public long[] Samples;

        /// <summary>Makes <paramref name="calls"/> calls.</summary>
        public abstract void Run(int calls);
    }

    /// <summary>The samples every operation of a topology cycles through (16: 8 inputs, each twice with opposite targets).</summary>
    public sealed class Samples
    {
        public const int Count = 16;
        public readonly int[][] Inputs = new int[Count][];
        public readonly int[][] Targets = new int[Count][];
        private int next;

        public Samples(int inputs, int outputs, uint seed)
        {
            uint r = seed | 1u;
            for (int k = 0; k < Count; k += 2)
            {
                int[] input = new int[inputs];
                for (int i = 0; i < inputs; i++)
                {
                    r ^= r << 13; r ^= r >> 17; r ^= r << 5;
                    input[i] = (int)(r % 131073u) - 65536; // uniform in [-1, 1], Q16.16
                }

                int[] target = new int[outputs];
                int[] opposite = new int[outputs];
                for (int j = 0; j < outputs; j++)
                {
                    r ^= r << 13; r ^= r >> 17; r ^= r << 5;
                    target[j] = (int)(r & 1u) * 65536;
                    opposite[j] = 65536 - target[j];
                }

                Inputs[k] = input; Inputs[k + 1] = input;
                Targets[k] = target; Targets[k + 1] = opposite;
            }
        }

        /// <summary>One-hot targets over <paramref name="classes"/> for the same 16 samples: the two
        /// samples of each input get neighbouring classes (a softmax network's targets).</summary>
        public static int[][] OneHot(int classes)
        {
            int[][] targets = new int[Count][];
            for (int k = 0; k < Count; k++)
            {
                targets[k] = new int[classes];
                targets[k][(k / 2 + (k & 1)) % classes] = 65536;
            }

            return targets;
        }

        public int Next()
        {
            int k = next;
            next = (k + 1) & (Count - 1);
            return k;
        }
    }

    public sealed class EngineForward : TimedOperation
    {
        private readonly Network network; private readonly Samples samples;
        public EngineForward(string name, Network network, Samples samples) { Name = name; this.network = network; this.samples = samples; }
        public override void Run(int calls) { for (int c = 0; c < calls; c++) network.Forward(samples.Inputs[samples.Next()]); }
    }

    public sealed class EngineLearn : TimedOperation
    {
        private readonly Network network; private readonly Samples samples; private readonly int[][] targets;
        public EngineLearn(string name, Network network, Samples samples) : this(name, network, samples, samples.Targets) { }
        public EngineLearn(string name, Network network, Samples samples, int[][] targets) { Name = name; this.network = network; this.samples = samples; this.targets = targets; }
        public override void Run(int calls) { for (int c = 0; c < calls; c++) { int k = samples.Next(); network.Learn(samples.Inputs[k], targets[k]); } }
    }

    /// <summary>A mini-batch of one through the gradient API: Forward, Backward, ApplyGradients.</summary>
    public sealed class EngineBackwardApply : TimedOperation
    {
        private readonly Network network; private readonly Samples samples;
        public EngineBackwardApply(Network network, Samples samples) { Name = "Forward + Backward + ApplyGradients"; this.network = network; this.samples = samples; }
        public override void Run(int calls)
        {
            for (int c = 0; c < calls; c++)
            {
                int k = samples.Next();
                network.Forward(samples.Inputs[k]);
                network.Backward(samples.Targets[k], Loss.BinaryCrossEntropy);
                network.ApplyGradients();
            }
        }
    }

    /// <summary>
    /// The learner on the recorded Occupancy rows: Predict, then Learn, per row (the board app's loop).
    /// With <c>frozenScaler</c> the learner first learns the 300 rows once, then its scaler is frozen
    /// (a calibrated board): Learn's scaled input is then Predict's, and Learn takes Predict's Forward.
    /// </summary>
    public sealed class LearnerRow : TimedOperation
    {
        private readonly OnlineLearner learner; private readonly int[][] rows; private readonly int[] target = new int[1]; private int next;
        public LearnerRow(OnlineLearner learner, bool frozenScaler)
        {
            Name = frozenScaler ? "learner, scaler frozen: Predict + Learn, Occupancy row" : "learner: Predict + Learn, Occupancy row"; this.learner = learner;
            int count = OccupancySlice.Labels.Length;
            rows = new int[count][];
            for (int r = 0; r < count; r++)
            {
                rows[r] = new int[OccupancySlice.Features];
                Array.Copy(OccupancySlice.Readings, r * OccupancySlice.Features, rows[r], 0, OccupancySlice.Features);
            }

            if (frozenScaler)
            {
                for (int r = 0; r < count; r++)
                {
                    target[0] = OccupancySlice.Labels[r] == 1 ? 65536 : 0;
                    learner.Learn(rows[r], target);
                }

                learner.Scaler.Frozen = true;
            }
        }

        public override void Run(int calls)
        {
            for (int c = 0; c < calls; c++)
            {
                int r = next; next = r + 1 == rows.Length ? 0 : r + 1;
                learner.Predict(rows[r]);
                target[0] = OccupancySlice.Labels[r] == 1 ? 65536 : 0;
                learner.Learn(rows[r], target);
            }
        }
    }

    public sealed class BlobSave : TimedOperation
    {
        private readonly OnlineLearner learner; private readonly byte[] blob;
        public BlobSave(OnlineLearner learner, byte[] blob) { Name = "model save (ModelBlob.Write)"; this.learner = learner; this.blob = blob; }
        public override void Run(int calls) { for (int c = 0; c < calls; c++) ModelBlob.Write(learner, blob, 0); }
    }

    public sealed class BlobLoad : TimedOperation
    {
        private readonly OnlineLearner learner; private readonly byte[] blob;
        public BlobLoad(OnlineLearner learner, byte[] blob) { Name = "model load (ModelBlob.Read)"; this.learner = learner; this.blob = blob; }
        public override void Run(int calls) { for (int c = 0; c < calls; c++) ModelBlob.Read(learner, blob, 0, blob.Length); }
    }

    public sealed class BaselineForward : TimedOperation
    {
        private readonly HandWrittenQ16Mlp mlp; private readonly Samples samples;
        public BaselineForward(HandWrittenQ16Mlp mlp, Samples samples) { Name = "baseline Forward"; this.mlp = mlp; this.samples = samples; }
        public override void Run(int calls) { for (int c = 0; c < calls; c++) mlp.Forward(samples.Inputs[samples.Next()]); }
    }

    public sealed class BaselineLearn : TimedOperation
    {
        private readonly HandWrittenQ16Mlp mlp; private readonly Samples samples;
        public BaselineLearn(HandWrittenQ16Mlp mlp, Samples samples) { Name = "baseline Learn"; this.mlp = mlp; this.samples = samples; }
        public override void Run(int calls) { for (int c = 0; c < calls; c++) { int k = samples.Next(); mlp.Learn(samples.Inputs[k], samples.Targets[k], BenchSettings.LearningRate); } }
    }

    /// <summary>The fixed-exponent prototype's Learn (NanoClr/FixedExponentPrototype.cs; benchmark only).</summary>
    public sealed class PrototypeLearn : TimedOperation
    {
        private readonly FixedExponentQ16Mlp mlp; private readonly Samples samples;
        public PrototypeLearn(string name, FixedExponentQ16Mlp mlp, Samples samples) { Name = name; this.mlp = mlp; this.samples = samples; }
        public override void Run(int calls) { for (int c = 0; c < calls; c++) { int k = samples.Next(); mlp.Learn(samples.Inputs[k], samples.Targets[k], BenchSettings.LearningRate); } }
    }

    public static class Program
    {
        public static void Main()
        {
            Console.WriteLine("clock " + ClockStepTicks() + " ticks");
            for (int t = 0; t < BenchSettings.Topologies.Length; t++)
            {
                TimeTopology(BenchSettings.Topologies[t]);
            }

            Console.WriteLine("benchmark finished");
        }

        /// <summary>The smallest step DateTime.UtcNow takes (its resolution), in 100 ns ticks.</summary>
        private static long ClockStepTicks()
        {
            long smallest = long.MaxValue;
            for (int k = 0; k < 20; k++)
            {
                long start = DateTime.UtcNow.Ticks;
                long now = start;
                while (now == start)
                {
                    now = DateTime.UtcNow.Ticks;
                }

                if (now - start < smallest)
                {
                    smallest = now - start;
                }
            }

            return smallest;
        }

        private static Network NewNetwork(int[] sizes, NetworkOptions options)
        {
            var network = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, options);
            network.LearningRate = BenchSettings.LearningRate;
            return network;
        }

        private static void TimeTopology(string topology)
        {
            string[] parts = topology.Split('-');
            int[] sizes = new int[parts.Length];
            for (int l = 0; l < parts.Length; l++)
            {
                sizes[l] = int.Parse(parts[l]);
            }

            int inputs = sizes[0];
            int outputs = sizes[sizes.Length - 1];
            var samples = new Samples(inputs, outputs, 12345u);

            Network lean = NewNetwork(sizes, NetworkOptions.None);
            Network momentum = NewNetwork(sizes, NetworkOptions.Momentum);
            momentum.Momentum = BenchSettings.MomentumCoefficient;
            Network stochastic = NewNetwork(sizes, NetworkOptions.None);
            stochastic.StochasticRounding = true;
            Network both = NewNetwork(sizes, NetworkOptions.Momentum);
            both.Momentum = BenchSettings.MomentumCoefficient;
            both.StochasticRounding = true;
            Network accumulating = NewNetwork(sizes, NetworkOptions.GradientAccumulation);
            Network narrow = NewNetwork(sizes, NetworkOptions.NarrowWeights);
            narrow.StochasticRounding = true;

            // The softmax path: the same hidden layers, a softmax output over the topology's outputs
            // (2 classes where it has one output: 5-8-1 becomes 5-8-2), categorical cross-entropy.
            int[] softmaxSizes = new int[sizes.Length];
            Array.Copy(sizes, softmaxSizes, sizes.Length);
            softmaxSizes[sizes.Length - 1] = outputs < 2 ? 2 : outputs;
            var softmax = new Network(softmaxSizes, Activation.Sigmoid, Activation.Softmax, Loss.CategoricalCrossEntropy, 1, NetworkOptions.None);
            softmax.LearningRate = BenchSettings.LearningRate;
            int[][] oneHot = Samples.OneHot(softmaxSizes[sizes.Length - 1]);

            var blobLearner = new OnlineLearner(NewNetwork(sizes, NetworkOptions.None), NewBlobOptions());
            byte[] blob = new byte[ModelBlob.SizeOf(blobLearner)];
            ModelBlob.Write(blobLearner, blob, 0);

            // The baseline has one hidden layer: it runs beside the topologies that have one.
            bool withBaseline = sizes.Length == 3;
            bool withLearner = topology == "5-8-1";
            int count = 11 + (withBaseline ? 6 : 0) + (withLearner ? 2 : 0);
            var operations = new TimedOperation[count];
            int n = 0;
            if (withBaseline)
            {
                var mlp = new HandWrittenQ16Mlp(sizes[0], sizes[1], sizes[2], 1);
                operations[n++] = new BaselineForward(mlp, samples);
                operations[n++] = new BaselineLearn(mlp, samples);
                operations[n++] = new PrototypeLearn("prototype Learn, fixed delta exponents", new FixedExponentQ16Mlp(sizes[0], sizes[1], sizes[2], 1, true), samples);
                operations[n++] = new PrototypeLearn("prototype Learn, fixed delta exponents, no weight clamp", new FixedExponentQ16Mlp(sizes[0], sizes[1], sizes[2], 1, false), samples);
                operations[n++] = new PrototypeLearn("prototype Learn, fixed delta exponents, no weight clamp, steps truncated", new FixedExponentQ16Mlp(sizes[0], sizes[1], sizes[2], 1, false, false), samples);
                operations[n++] = new PrototypeLearn("prototype Learn, fixed delta exponents, clamp by bound, ties tested per row", new FixedExponentQ16Mlp(sizes[0], sizes[1], sizes[2], 1, true, true, true), samples);
            }

            operations[n++] = new EngineForward("Forward", lean, samples);
            operations[n++] = new EngineLearn("Learn, plain SGD", lean, samples);
            operations[n++] = new EngineLearn("Learn, momentum 0.9", momentum, samples);
            operations[n++] = new EngineLearn("Learn, stochastic rounding", stochastic, samples);
            operations[n++] = new EngineLearn("Learn, momentum + stochastic rounding", both, samples);
            operations[n++] = new EngineLearn("Learn, 16-bit weights + stochastic rounding", narrow, samples);
            operations[n++] = new EngineForward("Forward, softmax output", softmax, samples);
            operations[n++] = new EngineLearn("Learn, plain SGD, softmax + categorical cross-entropy", softmax, samples, oneHot);
            operations[n++] = new EngineBackwardApply(accumulating, samples);
            if (withLearner)
            {
                operations[n++] = new LearnerRow(new OnlineLearner(NewNetwork(sizes, NetworkOptions.None), new LearnerOptions()), false);
                operations[n++] = new LearnerRow(new OnlineLearner(NewNetwork(sizes, NetworkOptions.None), new LearnerOptions()), true);
            }

            operations[n++] = new BlobSave(blobLearner, blob);
            operations[n++] = new BlobLoad(blobLearner, blob);

            // Size each batch to about BatchTicks (this also warms up: nanoCLR has no JIT, but the first calls touch fresh memory).
            for (int k = 0; k < count; k++)
            {
                TimedOperation op = operations[k];
                while (true)
                {
                    long start = DateTime.UtcNow.Ticks;
                    op.Run(op.Calls);
                    long elapsed = DateTime.UtcNow.Ticks - start;
                    if (elapsed >= BenchSettings.BatchTicks / 2 || op.Calls >= 1 << 20)
                    {
                        if (elapsed > 0 && elapsed < BenchSettings.BatchTicks)
                        {
                            op.Calls = (int)(op.Calls * BenchSettings.BatchTicks / elapsed);
                        }

                        break;
                    }

                    op.Calls *= 2;
                }

                op.Samples = new long[BenchSettings.Repetitions];
            }

            // Interleaved: each repetition times every operation once, in turn, so that whatever else
            // the host does slows them alike.
            for (int rep = 0; rep < BenchSettings.Repetitions; rep++)
            {
                for (int k = 0; k < count; k++)
                {
                    TimedOperation op = operations[k];
                    long start = DateTime.UtcNow.Ticks;
                    op.Run(op.Calls);
                    long elapsed = DateTime.UtcNow.Ticks - start;
                    op.Samples[rep] = elapsed * 100 / op.Calls;
                }
            }

            for (int k = 0; k < count; k++)
            {
                TimedOperation op = operations[k];
                Sort(op.Samples);
                Console.WriteLine("row|" + topology + "|" + op.Name + "|" + op.Calls + "|" + op.Samples[op.Samples.Length / 2] + "|" + op.Samples[0] + "|" + op.Samples[op.Samples.Length - 1]);
            }

            Console.WriteLine("blob|" + topology + "|" + blob.Length);
        }

        private static LearnerOptions NewBlobOptions()
        {
            var options = new LearnerOptions();
            options.DivergenceGuard = true;
            options.ClassBalance = false;
            return options;
        }

        private static void Sort(long[] values)
        {
            for (int i = 1; i < values.Length; i++)
            {
                long v = values[i];
                int j = i - 1;
                while (j >= 0 && values[j] > v)
                {
                    values[j + 1] = values[j];
                    j--;
                }

                values[j + 1] = v;
            }
        }
    }
}
