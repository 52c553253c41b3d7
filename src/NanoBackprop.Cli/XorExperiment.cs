using NanoBackprop.Reference;

namespace NanoBackprop.Cli;

/// <summary>
/// XOR learned per sample by a sigmoid network in fixed point and, from the same initial weights,
/// by the double-precision reference: how many seeds reach MSE &lt; 0.01 in each.
/// </summary>
public static class XorExperiment
{
    /// <summary>The four XOR patterns (Q16.16 inputs) and their targets.</summary>
    public static readonly int[][] Inputs = { new[] { 0, 0 }, new[] { 0, Q16.One }, new[] { Q16.One, 0 }, new[] { Q16.One, Q16.One } };

    /// <summary>XOR's targets, Q16.16.</summary>
    public static readonly int[] Targets = { 0, Q16.One, Q16.One, 0 };

    /// <summary>Success means a mean squared error over the four patterns below this.</summary>
    public const double SuccessMse = 0.01;

    /// <summary>Hyper-parameters of the runs.</summary>
    /// <param name="HiddenNeurons">Width of the one hidden layer (2-H-1).</param>
    /// <param name="LearningRate">Per-sample SGD rate (quantised to Q16.16 for both engines).</param>
    /// <param name="Epochs">Passes over the four patterns, always in the same order.</param>
    /// <param name="StochasticRounding">Fixed point only: round updates stochastically.</param>
    /// <param name="Weights">Fixed point only: the weights' storage (16-bit with NetworkOptions.NarrowWeights).</param>
    public sealed record Settings(int HiddenNeurons, double LearningRate, int Epochs, bool StochasticRounding, NetworkOptions Weights = NetworkOptions.None);

    /// <summary>Outcome over a range of seeds.</summary>
    public sealed record Outcome(int Seeds, int FixedSuccesses, int ReferenceSuccesses, double FixedMedianMse, double ReferenceMedianMse);

    /// <summary>Trains one seed in both engines; returns the final MSEs (fixed, reference).</summary>
    public static (double Fixed, double Reference) TrainOne(Settings settings, int seed)
    {
        var network = new Network(new[] { 2, settings.HiddenNeurons, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, seed, settings.Weights);
        network.LearningRate = Q16.FromDouble(settings.LearningRate);
        network.StochasticRounding = settings.StochasticRounding;
        var reference = ReferenceMlp.FromNetwork(network);
        double rate = Q16.ToDouble(network.LearningRate);
        double[][] inputs = Inputs.Select(x => x.Select(Q16.ToDouble).ToArray()).ToArray();
        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            for (int p = 0; p < 4; p++)
            {
                network.Learn(Inputs[p], new[] { Targets[p] });
                reference.TrainStep(inputs[p], new[] { Q16.ToDouble(Targets[p]) }, Loss.MeanSquaredError, rate);
            }
        }

        double fixedMse = 0;
        double referenceMse = 0;
        for (int p = 0; p < 4; p++)
        {
            double target = Q16.ToDouble(Targets[p]);
            fixedMse += Math.Pow(Q16.ToDouble(network.Forward(Inputs[p])[0]) - target, 2) / 4;
            referenceMse += Math.Pow(reference.Forward(inputs[p])[0] - target, 2) / 4;
        }

        return (fixedMse, referenceMse);
    }

    /// <summary>Runs seeds 0 to <paramref name="seeds"/> - 1.</summary>
    public static Outcome Run(Settings settings, int seeds)
    {
        var results = new (double Fixed, double Reference)[seeds];
        Parallel.For(0, seeds, seed => results[seed] = TrainOne(settings, seed));
        return new Outcome(
            seeds,
            results.Count(r => r.Fixed < SuccessMse),
            results.Count(r => r.Reference < SuccessMse),
            Median(results.Select(r => r.Fixed)),
            Median(results.Select(r => r.Reference)));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
