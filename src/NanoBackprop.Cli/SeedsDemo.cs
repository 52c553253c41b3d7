using NanoBackprop.Reference;

namespace NanoBackprop.Cli;

/// <summary>
/// The worked examples, fixed point beside the double reference: what `nanobackprop demo` prints.
/// </summary>
public static class SeedsDemo
{
    /// <summary>Runs every example and writes the comparison.</summary>
    public static void Run(TextWriter output)
    {
        output.WriteLine("nanoBackprop: Q16.16 fixed point (integer only, as on the ESP32) beside the double-precision reference");
        output.WriteLine();
        Seed000(output);
        Seed002(output);
        Seed001(output);
        Not(output);
        Xor(output);
    }

    private static void Seed000(TextWriter output)
    {
        output.WriteLine("seed 000 - reverse mode on a scalar graph (reference only; the engine has no graph)");
        var a = new Value(-1);
        var b = new Value(3);
        var c = new Value(4);
        var f = (a + b) * (b + c);
        f.Backward();
        output.WriteLine($"  f = (a + b)(b + c) at a = -1, b = 3, c = 4: f = {f.Data}, df/da = {a.Grad}, df/db = {b.Grad} (b is used twice: its gradients add), df/dc = {c.Grad}");
        var x = new Value(-2);
        var y = new Value(3);
        var g = x * y;
        g.Backward();
        output.WriteLine($"  f = x*y at x = -2, y = 3: df/dx = {x.Grad}, df/dy = {y.Grad}");
        output.WriteLine();
    }

    private static void Seed002(TextWriter output)
    {
        output.WriteLine("seed 002 - one linear neuron a = i*w, no bias, i = 1.5, target 0.5, w = 0.8, loss 1/2(a - t)^2, rate 0.2");
        var network = new Network(new[] { 1, 1 }, Activation.Linear, Activation.Linear, Loss.MeanSquaredError, 1, NetworkOptions.WithoutBiases | NetworkOptions.GradientAccumulation);
        network.SetWeight(0, 0, 0, Q16.FromDouble(0.8));
        network.LearningRate = Q16.FromDouble(0.2);
        var reference = ReferenceMlp.FromNetwork(network);
        int[] input = { Q16.FromDouble(1.5) };
        int[] target = { Q16.Half };
        output.WriteLine("  step   w fixed      w double     loss fixed   loss double  dL/dw fixed  dL/dw double");
        for (int step = 1; step <= 6; step++)
        {
            network.Forward(input);
            network.Backward(target, Loss.MeanSquaredError);
            double fixedGradient = Q16.ToDouble(network.GetWeightGradient(0, 0, 0));
            network.ClearGradients();
            var gradients = reference.ComputeGradients(new[] { 1.5 }, new[] { 0.5 }, Loss.MeanSquaredError);
            double fixedLoss = Q16.ToDouble(network.Learn(input, target));
            double referenceLoss = reference.TrainStep(new[] { 1.5 }, new[] { 0.5 }, Loss.MeanSquaredError, Q16.ToDouble(network.LearningRate));
            output.WriteLine($"  {step,4}   {Q16.ToDouble(network.GetWeight(0, 0, 0)),-11:F7}  {reference.GetWeight(0, 0, 0),-11:F7}  {fixedLoss,-11:F7}  {referenceLoss,-11:F7}  {fixedGradient,-11:F7}  {gradients.WeightGradients[0][0],-11:F7}");
        }

        output.WriteLine("  (published: 0.59, 0.4745, 0.410975, ... -> 1/3; the double run uses the Q16.16-rounded rate and weight)");
        output.WriteLine();
    }

    private static void Seed001(TextWriter output)
    {
        output.WriteLine("seed 001 - one sigmoid weight, no bias, inputs {0.1, 0.25, 0.5, 0.75, 1}, targets 0, w = 5, 2000 full-batch steps");
        output.WriteLine("  cost (1/m) sum (h - y)^2 with alpha = 0.5 is the engine's mean 1/2 (h - y)^2 at rate 1.0");
        double[] inputs = { 0.1, 0.25, 0.5, 0.75, 1 };
        var network = new Network(new[] { 1, 1 }, Activation.Linear, Activation.Sigmoid, Loss.MeanSquaredError, 1, NetworkOptions.WithoutBiases | NetworkOptions.GradientAccumulation);
        network.SetWeight(0, 0, 0, 5 * Q16.One);
        network.LearningRate = Q16.One;
        var reference = ReferenceMlp.FromNetwork(network);
        output.WriteLine("  step   w fixed      w double     cost fixed   cost double");
        for (int step = 0; step <= 2000; step++)
        {
            if (step is 0 or 1 or 10 or 100 or 1000 or 2000)
            {
                output.WriteLine($"  {step,4}   {Q16.ToDouble(network.GetWeight(0, 0, 0)),-11:F6}  {reference.GetWeight(0, 0, 0),-11:F6}  {FixedCost(network, inputs),-11:F7}  {ReferenceCost(reference, inputs),-11:F7}");
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

        output.WriteLine("  (published with the true gradient: w = -8.64319, cost = 0.0197452)");
        output.WriteLine();
    }

    private static double FixedCost(Network network, double[] inputs) =>
        inputs.Average(x => Math.Pow(Q16.ToDouble(network.Forward(new[] { Q16.FromDouble(x) })[0]), 2));

    private static double ReferenceCost(ReferenceMlp reference, double[] inputs) =>
        inputs.Average(x => Math.Pow(reference.Forward(new[] { Q16.ToDouble(Q16.FromDouble(x)) })[0], 2));

    private static void Not(TextWriter output)
    {
        output.WriteLine("NOT - one sigmoid neuron with a learned bias, cross-entropy, rate 1.0, 500 epochs");
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

        output.WriteLine($"  f(0): fixed {Q16.ToDouble(network.Forward(new[] { 0 })[0]):F4}, double {reference.Forward(new[] { 0.0 })[0]:F4} (target 1)");
        output.WriteLine($"  f(1): fixed {Q16.ToDouble(network.Forward(new[] { Q16.One })[0]):F4}, double {reference.Forward(new[] { 1.0 })[0]:F4} (target 0)");
        output.WriteLine($"  w = {Q16.ToDouble(network.GetWeight(0, 0, 0)):F4} / {reference.GetWeight(0, 0, 0):F4}, b = {Q16.ToDouble(network.GetBias(0, 0)):F4} / {reference.GetBias(0, 0):F4} (fixed / double)");
        output.WriteLine();
    }

    private static void Xor(TextWriter output)
    {
        output.WriteLine($"XOR - sigmoid 2-H-1, squared error, per-sample SGD in a fixed pattern order, success = MSE < {XorExperiment.SuccessMse}");
        output.WriteLine("  net     rate  epochs  rounding    seeds  fixed ok  double ok  median MSE fixed / double");
        foreach (var settings in XorSettings)
        {
            var outcome = XorExperiment.Run(settings, 100);
            output.WriteLine($"  2-{settings.HiddenNeurons}-1   {settings.LearningRate,-4}  {settings.Epochs,6}  {(settings.StochasticRounding ? "stochastic" : "nearest"),-10}  {outcome.Seeds,5}  {outcome.FixedSuccesses,8}  {outcome.ReferenceSuccesses,9}  {outcome.FixedMedianMse:E2} / {outcome.ReferenceMedianMse:E2}");
        }

        output.WriteLine();
    }

    /// <summary>The XOR runs the demo reports (and the tests check).</summary>
    public static readonly XorExperiment.Settings[] XorSettings =
    {
        new(2, 1.0, 5000, false),
        new(2, 1.0, 5000, true),
        new(3, 1.0, 5000, false),
        new(3, 1.0, 5000, true),
    };
}
