using NanoBackprop.Reference;

namespace NanoBackprop.Cli;

/// <summary>
/// The worked examples, fixed point beside the double reference: what `nanobackprop seeds` prints
/// (as a table, or as JSON with --json).
/// </summary>
public static class SeedsDemo
{
    /// <summary>Seed 000: reverse mode on a scalar graph (reference only).</summary>
    public sealed record Seed000Result(double F, double DfDa, double DfDb, double DfDc, double DgDx, double DgDy);

    /// <summary>One step of seed 002 (w after the step; loss and gradient before it).</summary>
    public sealed record Seed002Step(int Step, double WeightFixed, double WeightDouble, double LossFixed, double LossDouble, double GradientFixed, double GradientDouble);

    /// <summary>One row of seed 001 (before the step).</summary>
    public sealed record Seed001Row(int Step, double WeightFixed, double WeightDouble, double CostFixed, double CostDouble);

    /// <summary>NOT after 500 epochs.</summary>
    public sealed record NotResult(double F0Fixed, double F0Double, double F1Fixed, double F1Double, double WeightFixed, double WeightDouble, double BiasFixed, double BiasDouble);

    /// <summary>One XOR setting over 100 seeds.</summary>
    public sealed record XorRow(int HiddenNeurons, double LearningRate, int Epochs, string Rounding, int Seeds, int FixedSuccesses, int DoubleSuccesses, double FixedMedianMse, double DoubleMedianMse);

    /// <summary>Every example.</summary>
    public sealed record Everything(string Command, Seed000Result Seed000, Seed002Step[] Seed002, Seed001Row[] Seed001, NotResult Not, XorRow[] Xor);

    /// <summary>The XOR runs the command reports (and the tests check).</summary>
    public static readonly XorExperiment.Settings[] XorSettings =
    {
        new(2, 1.0, 5000, false),
        new(2, 1.0, 5000, true),
        new(3, 1.0, 5000, false),
        new(3, 1.0, 5000, true),
    };

    /// <summary>Runs every example.</summary>
    public static Everything Results() => new("seeds", Seed000(), Seed002(), Seed001(), Not(), Xor());

    /// <summary>Runs every example and writes the comparison.</summary>
    public static void Run(TextWriter output)
    {
        var all = Results();
        output.WriteLine("nanoBackprop: Q16.16 fixed point (integer only, as on the ESP32) beside the double-precision reference");
        output.WriteLine();
        var s0 = all.Seed000;
        output.WriteLine("seed 000 - reverse mode on a scalar graph (reference only; the engine has no graph)");
        output.WriteLine($"  f = (a + b)(b + c) at a = -1, b = 3, c = 4: f = {s0.F}, df/da = {s0.DfDa}, df/db = {s0.DfDb} (b is used twice: its gradients add), df/dc = {s0.DfDc}");
        output.WriteLine($"  f = x*y at x = -2, y = 3: df/dx = {s0.DgDx}, df/dy = {s0.DgDy}");
        output.WriteLine();

        output.WriteLine("seed 002 - one linear neuron a = i*w, no bias, i = 1.5, target 0.5, w = 0.8, loss 1/2(a - t)^2, rate 0.2");
        output.WriteLine("  step   w fixed      w double     loss fixed   loss double  dL/dw fixed  dL/dw double");
        foreach (var s in all.Seed002)
        {
            output.WriteLine($"  {s.Step,4}   {s.WeightFixed,-11:F7}  {s.WeightDouble,-11:F7}  {s.LossFixed,-11:F7}  {s.LossDouble,-11:F7}  {s.GradientFixed,-11:F7}  {s.GradientDouble,-11:F7}");
        }

        output.WriteLine("  (published: 0.59, 0.4745, 0.410975, ... -> 1/3; the double run uses the Q16.16-rounded rate and weight)");
        output.WriteLine();

        output.WriteLine("seed 001 - one sigmoid weight, no bias, inputs {0.1, 0.25, 0.5, 0.75, 1}, targets 0, w = 5, 2000 full-batch steps");
        output.WriteLine("  cost (1/m) sum (h - y)^2 with alpha = 0.5 is the engine's mean 1/2 (h - y)^2 at rate 1.0");
        output.WriteLine("  step   w fixed      w double     cost fixed   cost double");
        foreach (var r in all.Seed001)
        {
            output.WriteLine($"  {r.Step,4}   {r.WeightFixed,-11:F6}  {r.WeightDouble,-11:F6}  {r.CostFixed,-11:F7}  {r.CostDouble,-11:F7}");
        }

        output.WriteLine("  (published with the true gradient: w = -8.64319, cost = 0.0197452)");
        output.WriteLine();

        var n = all.Not;
        output.WriteLine("NOT - one sigmoid neuron with a learned bias, cross-entropy, rate 1.0, 500 epochs");
        output.WriteLine($"  f(0): fixed {n.F0Fixed:F4}, double {n.F0Double:F4} (target 1)");
        output.WriteLine($"  f(1): fixed {n.F1Fixed:F4}, double {n.F1Double:F4} (target 0)");
        output.WriteLine($"  w = {n.WeightFixed:F4} / {n.WeightDouble:F4}, b = {n.BiasFixed:F4} / {n.BiasDouble:F4} (fixed / double)");
        output.WriteLine();

        output.WriteLine($"XOR - sigmoid 2-H-1, squared error, per-sample SGD in a fixed pattern order, success = MSE < {XorExperiment.SuccessMse}");
        output.WriteLine("  net     rate  epochs  rounding    seeds  fixed ok  double ok  median MSE fixed / double");
        foreach (var x in all.Xor)
        {
            output.WriteLine($"  2-{x.HiddenNeurons}-1   {x.LearningRate,-4}  {x.Epochs,6}  {x.Rounding,-10}  {x.Seeds,5}  {x.FixedSuccesses,8}  {x.DoubleSuccesses,9}  {x.FixedMedianMse:E2} / {x.DoubleMedianMse:E2}");
        }

        output.WriteLine();
    }

    private static Seed000Result Seed000()
    {
        var a = new Value(-1);
        var b = new Value(3);
        var c = new Value(4);
        var f = (a + b) * (b + c);
        f.Backward();
        var x = new Value(-2);
        var y = new Value(3);
        var g = x * y;
        g.Backward();
        return new Seed000Result(f.Data, a.Grad, b.Grad, c.Grad, x.Grad, y.Grad);
    }

    private static Seed002Step[] Seed002()
    {
        var network = new Network(new[] { 1, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 1, NetworkOptions.WithoutBiases | NetworkOptions.GradientAccumulation);
        network.SetWeight(0, 0, 0, Q16.FromDouble(0.8));
        network.LearningRate = Q16.FromDouble(0.2);
        var reference = ReferenceMlp.FromNetwork(network);
        int[] input = { Q16.FromDouble(1.5) };
        int[] target = { Q16.Half };
        var steps = new List<Seed002Step>();
        for (int step = 1; step <= 6; step++)
        {
            network.Forward(input);
            network.Backward(target, Loss.MeanSquaredError);
            double fixedGradient = Q16.ToDouble(network.GetWeightGradient(0, 0, 0));
            network.ClearGradients();
            var gradients = reference.ComputeGradients(new[] { 1.5 }, new[] { 0.5 }, Loss.MeanSquaredError);
            double fixedLoss = Q16.ToDouble(network.Learn(input, target));
            double referenceLoss = reference.TrainStep(new[] { 1.5 }, new[] { 0.5 }, Loss.MeanSquaredError, Q16.ToDouble(network.LearningRate));
            steps.Add(new Seed002Step(step, Q16.ToDouble(network.GetWeight(0, 0, 0)), reference.GetWeight(0, 0, 0), fixedLoss, referenceLoss, fixedGradient, gradients.WeightGradients[0][0]));
        }

        return steps.ToArray();
    }

    private static Seed001Row[] Seed001()
    {
        double[] inputs = { 0.1, 0.25, 0.5, 0.75, 1 };
        var network = new Network(new[] { 1, 1 }, Activation.Linear, Activation.Sigmoid, Loss.MeanSquaredError, 1, NetworkOptions.WithoutBiases | NetworkOptions.GradientAccumulation);
        network.SetWeight(0, 0, 0, 5 * Q16.One);
        network.LearningRate = Q16.One;
        var reference = ReferenceMlp.FromNetwork(network);
        var rows = new List<Seed001Row>();
        for (int step = 0; step <= 2000; step++)
        {
            if (step is 0 or 1 or 10 or 100 or 1000 or 2000)
            {
                rows.Add(new Seed001Row(step, Q16.ToDouble(network.GetWeight(0, 0, 0)), reference.GetWeight(0, 0, 0), FixedCost(network, inputs), ReferenceCost(reference, inputs)));
            }

            var batch = new ReferenceGradients[inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                network.Forward(new[] { Q16.FromDouble(inputs[k]) });
                network.Backward(new[] { 0 }, Loss.MeanSquaredError);
                batch[k] = reference.ComputeGradients(new[] { Q16.ToDouble(Q16.FromDouble(inputs[k])) }, new[] { 0.0 }, Loss.MeanSquaredError);
            }

            network.ApplyGradients();
            reference.ApplyStep(batch, 1.0);
        }

        return rows.ToArray();
    }

    private static double FixedCost(Network network, double[] inputs) =>
        inputs.Average(x => Math.Pow(Q16.ToDouble(network.Forward(new[] { Q16.FromDouble(x) })[0]), 2));

    private static double ReferenceCost(ReferenceMlp reference, double[] inputs) =>
        inputs.Average(x => Math.Pow(reference.Forward(new[] { Q16.ToDouble(Q16.FromDouble(x)) })[0], 2));

    private static NotResult Not()
    {
        var network = new Network(new[] { 1, 1 }, Activation.Linear, Activation.Sigmoid, Loss.BinaryCrossEntropy, 5, NetworkOptions.None);
        network.LearningRate = Q16.One;
        var reference = ReferenceMlp.FromNetwork(network);
        for (int epoch = 0; epoch < 500; epoch++)
        {
            network.Learn(new[] { 0 }, new[] { Q16.One });
            network.Learn(new[] { Q16.One }, new[] { 0 });
            reference.TrainStep(new[] { 0.0 }, new[] { 1.0 }, Loss.BinaryCrossEntropy, 1.0);
            reference.TrainStep(new[] { 1.0 }, new[] { 0.0 }, Loss.BinaryCrossEntropy, 1.0);
        }

        return new NotResult(
            Q16.ToDouble(network.Forward(new[] { 0 })[0]), reference.Forward(new[] { 0.0 })[0],
            Q16.ToDouble(network.Forward(new[] { Q16.One })[0]), reference.Forward(new[] { 1.0 })[0],
            Q16.ToDouble(network.GetWeight(0, 0, 0)), reference.GetWeight(0, 0, 0), Q16.ToDouble(network.GetBias(0, 0)), reference.GetBias(0, 0));
    }

    private static XorRow[] Xor() => XorSettings.Select(settings =>
    {
        var outcome = XorExperiment.Run(settings, 100);
        return new XorRow(settings.HiddenNeurons, settings.LearningRate, settings.Epochs, settings.StochasticRounding ? "stochastic" : "nearest", outcome.Seeds,
            outcome.FixedSuccesses, outcome.ReferenceSuccesses, outcome.FixedMedianMse, outcome.ReferenceMedianMse);
    }).ToArray();
}
