using System.Diagnostics;
using System.Text;
using NanoBackprop.Cli;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// The `stream` report: Occupancy replay throughput (predict, then learn, every row) in fixed
    /// point and with the plain double MLP, and the time to save and load a model blob.
    /// </summary>
    public static class StreamReport
    {
        /// <summary>Runs both measurements and returns them as Markdown.</summary>
        public static string Run()
        {
            var text = new StringBuilder();
            var data = OccupancyData.LoadEmbedded();
            (double fixedRate, int fixedPasses) = Best(() => FixedReplay(data));
            (double doubleRate, int doublePasses) = Best(() => DoubleReplay(data));
            text.AppendLine($"Occupancy replay, 5-8-1, predict then learn on each of {data.Count:N0} rows; the best of {fixedPasses} passes (fixed) and {doublePasses} (double), each after {WarmUp.TotalSeconds:0} s of passes that do not count, so that the JIT's tiered compilation has finished:");
            text.AppendLine();
            text.AppendLine("| engine | rows/s | ns per row |");
            text.AppendLine("|---|---:|---:|");
            text.AppendLine($"| fixed point (OnlineLearner: scaler, class balance, Network.Learn) | {fixedRate:N0} | {1e9 / fixedRate:N0} |");
            text.AppendLine($"| plain double MLP (same integer scaler, plain SGD) | {doubleRate:N0} | {1e9 / doubleRate:N0} |");
            text.AppendLine();
            text.AppendLine("Model blob: ModelBlob.Write and ModelBlob.Read (checks, CRC-32, then copies) on an OnlineLearner with the divergence guard; median of 200 batches.");
            text.AppendLine();
            text.AppendLine("| topology | blob bytes | save µs | load µs |");
            text.AppendLine("|---|---:|---:|---:|");
            foreach (string topology in TrainingWorkload.Topologies)
            {
                int[] sizes = TrainingWorkload.ParseTopology(topology);
                var network = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, 1, NetworkOptions.None);
                var learner = new OnlineLearner(network, new LearnerOptions { DivergenceGuard = true, ClassBalance = false });
                byte[] blob = new byte[ModelBlob.SizeOf(learner)];
                double save = Median(() => ModelBlob.Write(learner, blob, 0));
                double load = Median(() => ModelBlob.Read(learner, blob, 0, blob.Length));
                text.AppendLine($"| {topology} | {blob.Length:N0} | {save / 1000:N1} | {load / 1000:N1} |");
            }

            return text.ToString();
        }

        // A pass takes a few milliseconds: the first ones run unoptimised (tier-0) code, which
        // the runtime replaces only after a delay, so only the passes after WarmUp count.
        private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

        private const int CountedPasses = 20;

        private static (double Best, int Passes) Best(Func<double> measure)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < WarmUp)
            {
                measure();
            }

            double best = 0;
            for (int k = 0; k < CountedPasses; k++)
            {
                best = Math.Max(best, measure());
            }

            return (best, CountedPasses);
        }

        private static double FixedReplay(OccupancyData data)
        {
            var learner = OccupancyReplay.CreateLearner(0, new LearnerOptions());
            int[] target = new int[1];
            var clock = Stopwatch.StartNew();
            for (int row = 0; row < data.Count; row++)
            {
                learner.Predict(data.Readings[row]);
                target[0] = data.Labels[row] == 1 ? Q16.One : 0;
                learner.Learn(data.Readings[row], target);
            }

            return data.Count / clock.Elapsed.TotalSeconds;
        }

        private static double DoubleReplay(OccupancyData data)
        {
            var network = new PlainDoubleMlp(OccupancyReplay.Topology, true, false, false, 0) { LearningRate = 0.1 };
            var scaler = new InputScaler(5, InputScaler.DefaultWindowShift);
            int[] scaled = new int[5];
            double[] input = new double[5];
            double[] target = new double[1];
            var clock = Stopwatch.StartNew();
            for (int row = 0; row < data.Count; row++)
            {
                scaler.Scale(data.Readings[row], scaled);
                for (int f = 0; f < 5; f++)
                {
                    input[f] = scaled[f] / 65536.0;
                }

                network.Forward(input);
                scaler.Observe(data.Readings[row]);
                scaler.Scale(data.Readings[row], scaled);
                for (int f = 0; f < 5; f++)
                {
                    input[f] = scaled[f] / 65536.0;
                }

                target[0] = data.Labels[row];
                network.Learn(input, target);
            }

            return data.Count / clock.Elapsed.TotalSeconds;
        }

        private static double Median(Action operation)
        {
            for (int k = 0; k < 20; k++)
            {
                operation();
            }

            var samples = new double[200];
            for (int b = 0; b < samples.Length; b++)
            {
                var clock = Stopwatch.StartNew();
                for (int k = 0; k < 10; k++)
                {
                    operation();
                }

                samples[b] = clock.Elapsed.TotalMilliseconds * 1e6 / 10;
            }

            Array.Sort(samples);
            return samples[samples.Length / 2];
        }
    }
}
