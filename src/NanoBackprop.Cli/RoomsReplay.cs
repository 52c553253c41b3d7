using NanoBackprop.Reference;

namespace NanoBackprop.Cli;

/// <summary>
/// The second demo's protocol on the room-occupancy stream: train a 4-class softmax network on
/// the desktop on every 2017 (December) row, export it as a board would load it (a model blob
/// read into a fresh learner), then run the January rows in file order: predict every row with
/// the frozen model, the learning model and "repeat the last available label", and learn from
/// every <see cref="Settings.LabelEvery"/>-th row (the first January row, the 21st, …). Two double
/// twins (the reference MLP with the learner's rates and class weights in double, its own integer
/// scaler fed the same readings) run beside the fixed-point learner: the board's twin starts
/// January from the same exported blob, so it isolates the board's fixed-point arithmetic; the
/// all-double twin also trains December in double from the same initial weights, so it adds the
/// desktop training's trajectory.
/// </summary>
public static class RoomsReplay
{
    /// <summary>16 sensors, 12 tanh hidden neurons, 4 softmax outputs (0–3 people).</summary>
    public static readonly int[] Topology = { 16, 12, RoomsData.Classes };

    /// <summary>The protocol's knobs.</summary>
    /// <param name="Epochs">Passes over the December rows on the desktop (shuffled per pass).</param>
    /// <param name="TrainRate">Learning rate on the desktop.</param>
    /// <param name="BoardRate">Learning rate of the board's learner in January.</param>
    /// <param name="LabelEvery">January rows per label: the board learns from rows 0, n, 2n, …</param>
    /// <param name="ReplayRows">Labelled January readings the board keeps in a ring buffer; each
    /// new label also replays every kept reading once (0: no buffer).</param>
    public sealed record Settings(int Epochs, double TrainRate, double BoardRate, int LabelEvery, int ReplayRows);

    /// <summary>The settings the docs report.</summary>
    public static readonly Settings Default = new(Epochs: 5, TrainRate: 0.05, BoardRate: 0.1, LabelEvery: 20, ReplayRows: 16);

    /// <summary>Accuracy and balanced accuracy (mean recall over the classes present) of some rows.</summary>
    public sealed record Scores(double Accuracy, double BalancedAccuracy);

    /// <summary>One January day's scores for each predictor.</summary>
    /// <param name="Date">The day, yyyy-MM-dd.</param>
    /// <param name="Rows">January rows of the day.</param>
    /// <param name="Frozen">The exported December model, never learning (Q16.16).</param>
    /// <param name="Learning">The board's learner (Q16.16).</param>
    /// <param name="LastLabel">"Repeat the last available label".</param>
    /// <param name="FrozenDouble">The exported blob's weights in double, never learning.</param>
    /// <param name="LearningDouble">The board's twin: the exported blob's weights learning in double.</param>
    /// <param name="FrozenAllDouble">December trained in double, never learning.</param>
    /// <param name="LearningAllDouble">December trained in double, learning in double.</param>
    public sealed record Day(string Date, int Rows, Scores Frozen, Scores Learning, Scores LastLabel, Scores FrozenDouble, Scores LearningDouble,
        Scores FrozenAllDouble, Scores LearningAllDouble);

    /// <summary>One seed: per day and over the whole January run.</summary>
    public sealed record Result(int Seed, Day[] Days, Day Whole, double[] LearningCurve, double[] FrozenCurve, double[] LastLabelCurve, double[] LearningDoubleCurve,
        double[] LearningAllDoubleCurve, int BlobBytes, int BoardRamBytes, int[] LearningPredictions, int[] LearningDoublePredictions);

    // The predictors, in the order of Day's scores.
    private const int Predictors = 7;

    /// <summary>The learner's options (constant rate, per-class balance).</summary>
    public static LearnerOptions Options(double rate) => new() { BaseLearningRate = Q16.FromDouble(rate), ClassBalance = true };

    /// <summary>Builds the learner for a seed.</summary>
    public static OnlineLearner CreateLearner(int seed, double rate) =>
        new(new Network(Topology, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, seed, NetworkOptions.None), Options(rate));

    /// <summary>Runs the protocol for one seed.</summary>
    public static Result Run(RoomsData data, int seed, Settings settings)
    {
        int[] december = Enumerable.Range(0, data.Count).Where(r => data.Dates[r].StartsWith("2017", StringComparison.Ordinal)).ToArray();
        int[] january = Enumerable.Range(0, data.Count).Where(r => !data.Dates[r].StartsWith("2017", StringComparison.Ordinal)).ToArray();

        // On the desktop: every December row, shuffled per epoch, fixed point and twin alike.
        OnlineLearner desk = CreateLearner(seed, settings.TrainRate);
        var allDouble = new Twin(desk, new InputScaler(desk.Network.InputCount, desk.Scaler.WindowShift), settings.TrainRate);
        var shuffle = new Random(seed);
        int[] order = (int[])december.Clone();
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            shuffle.Shuffle(order);
            foreach (int row in order)
            {
                desk.LearnClass(data.Readings[row], data.Labels[row]);
                allDouble.Learn(data.Readings[row], data.Labels[row]);
            }
        }

        // Export as a board loads it: the blob, read into fresh learners (rates are code, not blob).
        byte[] blob = new byte[ModelBlob.SizeOf(desk)];
        ModelBlob.Write(desk, blob, 0);
        OnlineLearner board = CreateLearner(seed + 1000, settings.BoardRate);
        ModelBlob.Read(board, blob, 0, blob.Length);
        OnlineLearner frozen = CreateLearner(seed + 2000, settings.BoardRate);
        ModelBlob.Read(frozen, blob, 0, blob.Length);
        frozen.Scaler.Frozen = true;
        // The board's twin: the same blob in double (weights, scaler statistics, class counts).
        OnlineLearner twinStart = CreateLearner(seed + 3000, settings.BoardRate);
        ModelBlob.Read(twinStart, blob, 0, blob.Length);
        var twin = new Twin(twinStart, twinStart.Scaler, settings.BoardRate);
        twin.SetCounts(board);
        Twin frozenTwin = twin.Copy(frozen.Scaler);

        // The all-double twin keeps the class counts the board's blob restored (the board counts on from them).
        allDouble.SetCounts(board);
        Twin frozenAllDouble = allDouble.Copy(frozen.Scaler); // the same statistics: the same integer scaler saw the same readings
        allDouble.Rate = settings.BoardRate;

        var replay = new int[settings.ReplayRows];
        int replayCount = 0;
        int lastLabel = data.Labels[december[^1]];
        var predictions = new int[Predictors][];
        for (int p = 0; p < Predictors; p++)
        {
            predictions[p] = new int[january.Length];
        }

        for (int k = 0; k < january.Length; k++)
        {
            int row = january[k];
            int[] raw = data.Readings[row];
            predictions[0][k] = frozen.PredictClass(raw);
            predictions[1][k] = board.PredictClass(raw);
            predictions[2][k] = lastLabel;
            predictions[3][k] = frozenTwin.PredictClass(raw);
            predictions[4][k] = twin.PredictClass(raw);
            predictions[5][k] = frozenAllDouble.PredictClass(raw);
            predictions[6][k] = allDouble.PredictClass(raw);
            if (k % settings.LabelEvery == 0)
            {
                int label = data.Labels[row];
                board.LearnClass(raw, label);
                twin.Learn(raw, label);
                allDouble.Learn(raw, label);
                for (int b = 0; b < replayCount; b++)
                {
                    board.LearnClass(data.Readings[replay[b]], data.Labels[replay[b]]);
                    twin.Learn(data.Readings[replay[b]], data.Labels[replay[b]]);
                    allDouble.Learn(data.Readings[replay[b]], data.Labels[replay[b]]);
                }

                if (replay.Length > 0)
                {
                    replay[(k / settings.LabelEvery) % replay.Length] = row;
                    replayCount = Math.Min(replayCount + 1, replay.Length);
                }

                lastLabel = label;
            }
        }

        int[] labels = january.Select(r => data.Labels[r]).ToArray();
        var days = january.Select(r => data.Dates[r]).Distinct().Select(date =>
        {
            int[] rows = Enumerable.Range(0, january.Length).Where(k => data.Dates[january[k]] == date).ToArray();
            return MakeDay(date, rows, labels, predictions);
        }).ToArray();
        Day whole = MakeDay("all January", Enumerable.Range(0, january.Length).ToArray(), labels, predictions);
        return new Result(seed, days, whole, Curve(labels, predictions[1]), Curve(labels, predictions[0]), Curve(labels, predictions[2]), Curve(labels, predictions[4]), Curve(labels, predictions[6]),
            blob.Length, RamBudget.BoardAppBytes(board, new PowerSafeModelStore(new NoStorage(), board), new NoStorage()) + ReplayBufferBytes(settings.ReplayRows),
            predictions[1], predictions[4]);
    }

    /// <summary>
    /// RAM a board needs for the replay buffer: the kept raw readings (16 ints each) and their
    /// labels, as two flat int arrays on the nanoCLR heap; 0 without a buffer.
    /// </summary>
    public static int ReplayBufferBytes(int rows) =>
        rows == 0 ? 0 : MemoryFootprint.ArrayBytes(rows * RoomsData.FeatureNames.Length, 4) + MemoryFootprint.ArrayBytes(rows, 4);

    /// <summary>Accuracy and balanced accuracy over the given rows (classes present in them).</summary>
    public static Scores Score(int[] rows, int[] labels, int[] predicted)
    {
        var metrics = ClassMetrics.Of(ClassMetrics.IndexNames(RoomsData.Classes), rows, labels, predicted);
        return new Scores(metrics.Accuracy, metrics.BalancedAccuracy);
    }

    private static Day MakeDay(string date, int[] rows, int[] labels, int[][] predictions) =>
        new(date.Replace('/', '-'), rows.Length, Score(rows, labels, predictions[0]), Score(rows, labels, predictions[1]), Score(rows, labels, predictions[2]),
            Score(rows, labels, predictions[3]), Score(rows, labels, predictions[4]), Score(rows, labels, predictions[5]), Score(rows, labels, predictions[6]));

    // Cumulative accuracy after each January row.
    private static double[] Curve(int[] labels, int[] predicted)
    {
        var curve = new double[labels.Length];
        int correct = 0;
        for (int k = 0; k < labels.Length; k++)
        {
            correct += predicted[k] == labels[k] ? 1 : 0;
            curve[k] = (double)correct / (k + 1);
        }

        return curve;
    }

    private sealed class NoStorage : IModelStorage
    {
        public int Read(int slot, byte[] buffer) => 0;

        public void Write(int slot, byte[] data, int count)
        {
        }
    }

    /// <summary>
    /// A double twin: the reference MLP (softmax and cross-entropy as its own scalar nodes) from
    /// a learner's current weights, its own integer scaler fed the same readings (so the same
    /// statistics as the learner's), a constant rate and the learner's per-class weights
    /// total/(K·count) within [1/8, 8], in double.
    /// </summary>
    public sealed class Twin
    {
        private readonly ReferenceMlp network;
        private readonly InputScaler scaler;
        private readonly long[] counts = new long[RoomsData.Classes];
        private readonly int[] scaled;

        /// <summary>Copies the learner's current weights; scales through <paramref name="scaler"/>, which it also updates.</summary>
        public Twin(OnlineLearner learner, InputScaler scaler, double rate)
            : this(ReferenceMlp.FromNetwork(learner.Network), scaler, rate)
        {
        }

        private Twin(ReferenceMlp network, InputScaler scaler, double rate)
        {
            this.network = network;
            this.scaler = scaler;
            scaled = new int[network.GetLayerSize(0)];
            Rate = rate;
        }

        /// <summary>The constant learning rate.</summary>
        public double Rate { get; set; }

        /// <summary>A copy of the weights and class counts, predicting through <paramref name="frozenScaler"/>.</summary>
        public Twin Copy(InputScaler frozenScaler)
        {
            var sizes = Enumerable.Range(0, network.LayerCount).Select(network.GetLayerSize).ToArray();
            var copy = new ReferenceMlp(sizes, network.HiddenActivation, network.OutputActivation);
            for (int l = 0; l + 1 < sizes.Length; l++)
            {
                for (int j = 0; j < sizes[l + 1]; j++)
                {
                    for (int i = 0; i < sizes[l]; i++)
                    {
                        copy.SetWeight(l, j, i, network.GetWeight(l, j, i));
                    }

                    copy.SetBias(l, j, network.GetBias(l, j));
                }
            }

            var twin = new Twin(copy, frozenScaler, Rate);
            Array.Copy(counts, twin.counts, counts.Length);
            return twin;
        }

        /// <summary>Takes the learner's per-class label counts.</summary>
        public void SetCounts(OnlineLearner learner)
        {
            for (int c = 0; c < counts.Length; c++)
            {
                counts[c] = learner.ClassCount(c);
            }
        }

        /// <summary>The predicted class (the first of equal probabilities).</summary>
        public int PredictClass(int[] raw)
        {
            scaler.Scale(raw, scaled);
            double[] y = network.Forward(scaled.Select(Q16.ToDouble).ToArray());
            int best = 0;
            for (int j = 1; j < y.Length; j++)
            {
                best = y[j] > y[best] ? j : best;
            }

            return best;
        }

        /// <summary>One SGD step on a labelled reading, as OnlineLearner.LearnClass takes it.</summary>
        public void Learn(int[] raw, int label)
        {
            if (!scaler.IsPlausible(raw))
            {
                return;
            }

            scaler.Observe(raw);
            scaler.Scale(raw, scaled);
            counts[label]++;
            double weight = Math.Clamp(counts.Sum() / (double)(counts.Length * counts[label]), 0.125, 8);
            var target = new double[counts.Length];
            target[label] = 1;
            network.TrainStep(scaled.Select(Q16.ToDouble).ToArray(), target, Loss.CategoricalCrossEntropy, Rate * weight);
        }
    }
}
