using NanoBackprop.Reference;

namespace NanoBackprop.Cli;

/// <summary>
/// Replays the Occupancy stream through an <see cref="OnlineLearner"/> exactly as a board would
/// (one row at a time, in time order: predict, then learn), and through a double-precision twin
/// that starts from the same weights and uses the same scaler statistics and hyper-parameters.
/// </summary>
public static class OccupancyReplay
{
    /// <summary>The network: 5 inputs, 8 sigmoid hidden neurons, 1 sigmoid output, cross-entropy.</summary>
    public static readonly int[] Topology = { 5, 8, 1 };

    /// <summary>Outcome of one seed.</summary>
    /// <param name="Seed">The network's seed.</param>
    /// <param name="FixedAccuracy">Prequential accuracy of the fixed-point learner over the whole file.</param>
    /// <param name="DoubleAccuracy">The same for the double twin.</param>
    /// <param name="FixedCurve">Fixed-point prequential accuracy after each row (cumulative).</param>
    /// <param name="DoubleCurve">The same for the double twin.</param>
    /// <param name="Rollbacks">Divergence-guard rollbacks of the fixed learner.</param>
    /// <param name="SamplesPerSecond">Fixed-point rows per second (predict + learn).</param>
    public sealed record Result(int Seed, double FixedAccuracy, double DoubleAccuracy, double[] FixedCurve, double[] DoubleCurve, int Rollbacks, double SamplesPerSecond);

    /// <summary>Accuracy on the last rows after learning only on the first ones.</summary>
    /// <param name="Seed">The network's seed.</param>
    /// <param name="FixedAccuracy">Fixed point, learner and scaler frozen after the split.</param>
    /// <param name="DoubleAccuracy">The double twin, likewise.</param>
    /// <param name="BaseRate">Share of empty rows after the split.</param>
    public sealed record SplitResult(int Seed, double FixedAccuracy, double DoubleAccuracy, double BaseRate);

    /// <summary>The learner's options for the replay (the library's defaults unless changed).</summary>
    public static LearnerOptions DefaultOptions() => new LearnerOptions();

    /// <summary>Builds the learner for a seed.</summary>
    public static OnlineLearner CreateLearner(int seed, LearnerOptions options, bool guard = false, WeightFormat? weights = null)
    {
        weights ??= WeightFormat.Wide;
        var network = weights.Apply(new Network(Topology, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed, weights.Options));
        options.DivergenceGuard = guard;
        return new OnlineLearner(network, options);
    }

    /// <summary>Prequential replay of the whole file for one seed.</summary>
    public static Result Run(OccupancyData data, int seed, LearnerOptions options, WeightFormat? weights = null)
    {
        var learner = CreateLearner(seed, options, weights: weights);
        var twin = new DoubleTwin(learner, options);
        var fixedCurve = new double[data.Count];
        var doubleCurve = new double[data.Count];
        int fixedCorrect = 0;
        int doubleCorrect = 0;
        int[] target = new int[1];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double twinTicks = 0;
        for (int row = 0; row < data.Count; row++)
        {
            int label = data.Labels[row];
            int predicted = learner.Predict(data.Readings[row])[0] >= Q16.Half ? 1 : 0;
            fixedCorrect += predicted == label ? 1 : 0;
            target[0] = label == 1 ? Q16.One : 0;
            learner.Learn(data.Readings[row], target);

            long before = clock.ElapsedTicks;
            doubleCorrect += (twin.Predict(data.Readings[row]) >= 0.5 ? 1 : 0) == label ? 1 : 0;
            twin.Learn(data.Readings[row], label);
            twinTicks += clock.ElapsedTicks - before;

            fixedCurve[row] = (double)fixedCorrect / (row + 1);
            doubleCurve[row] = (double)doubleCorrect / (row + 1);
        }

        double fixedSeconds = (clock.ElapsedTicks - twinTicks) / System.Diagnostics.Stopwatch.Frequency;
        return new Result(seed, (double)fixedCorrect / data.Count, (double)doubleCorrect / data.Count, fixedCurve, doubleCurve,
            learner.Rollbacks, data.Count / fixedSeconds);
    }

    /// <summary>
    /// Learns (prequentially) on the first <paramref name="learnRows"/> rows, then freezes the
    /// network and the scaler and predicts the rest.
    /// </summary>
    public static SplitResult RunSplit(OccupancyData data, int seed, LearnerOptions options, int learnRows, WeightFormat? weights = null)
    {
        var learner = CreateLearner(seed, options, weights: weights);
        var twin = new DoubleTwin(learner, options);
        int[] target = new int[1];
        for (int row = 0; row < learnRows; row++)
        {
            target[0] = data.Labels[row] == 1 ? Q16.One : 0;
            learner.Learn(data.Readings[row], target);
            twin.Learn(data.Readings[row], data.Labels[row]);
        }

        learner.Scaler.Frozen = true;
        twin.Scaler.Frozen = true;
        int fixedCorrect = 0;
        int doubleCorrect = 0;
        int empty = 0;
        for (int row = learnRows; row < data.Count; row++)
        {
            int label = data.Labels[row];
            fixedCorrect += (learner.Predict(data.Readings[row])[0] >= Q16.Half ? 1 : 0) == label ? 1 : 0;
            doubleCorrect += (twin.Predict(data.Readings[row]) >= 0.5 ? 1 : 0) == label ? 1 : 0;
            empty += label == 0 ? 1 : 0;
        }

        int rows = data.Count - learnRows;
        return new SplitResult(seed, (double)fixedCorrect / rows, (double)doubleCorrect / rows, (double)empty / rows);
    }

    /// <summary>
    /// The double-precision twin: the reference MLP from the learner's initial weights, its own
    /// copy of the integer scaler (fed the same readings, so the same statistics), and the
    /// learner's schedule and class weights recomputed in double.
    /// </summary>
    public sealed class DoubleTwin
    {
        private readonly ReferenceMlp network;
        private readonly LearnerOptions options;
        private readonly int[] scaled;
        private long updates;
        private long positives;
        private long negatives;

        /// <summary>Copies the learner's current weights and options.</summary>
        public DoubleTwin(OnlineLearner learner, LearnerOptions options)
        {
            network = ReferenceMlp.FromNetwork(learner.Network);
            this.options = options;
            Scaler = new InputScaler(learner.Network.InputCount, options.ScalerWindowShift, options.RobustStart);
            scaled = new int[learner.Network.InputCount];
        }

        /// <summary>The twin's scaler.</summary>
        public InputScaler Scaler { get; }

        /// <summary>P(occupied) for a raw reading, with the current statistics.</summary>
        public double Predict(int[] raw)
        {
            Scaler.Scale(raw, scaled);
            return network.Forward(scaled.Select(Q16.ToDouble).ToArray())[0];
        }

        /// <summary>One SGD step on a labelled reading.</summary>
        public void Learn(int[] raw, int label)
        {
            Scaler.Observe(raw);
            Scaler.Scale(raw, scaled);
            if (label == 1)
            {
                positives++;
            }
            else
            {
                negatives++;
            }

            if (options.ConfidenceMargin != 0 && Math.Abs(network.Forward(scaled.Select(Q16.ToDouble).ToArray())[0] - label) < Q16.ToDouble(options.ConfidenceMargin))
            {
                return;
            }

            double rate = Rate();
            if (options.ClassBalance)
            {
                double weight = (positives + negatives) / (2.0 * (label == 1 ? positives : negatives));
                rate *= Math.Clamp(weight, 0.125, 8);
            }

            network.TrainStep(scaled.Select(Q16.ToDouble).ToArray(), new[] { (double)label }, Loss.BinaryCrossEntropy, rate);
            updates++;
        }

        private double Rate()
        {
            double baseRate = Q16.ToDouble(options.BaseLearningRate);
            double floor = Q16.ToDouble(options.LearningRateFloor);
            return options.Schedule switch
            {
                LearningRateSchedule.Constant => baseRate,
                LearningRateSchedule.InverseTime => Math.Max(floor, baseRate * options.DecaySamples / (options.DecaySamples + updates)),
                _ => Math.Max(floor, baseRate * Math.Pow(Q16.ToDouble(options.StepFactor), updates / options.DecaySamples)),
            };
        }
    }
}
