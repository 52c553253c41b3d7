using NanoBackprop.Reference;

namespace NanoBackprop.Tests;

/// <summary>
/// Checks the double-precision reference (micrograd-style scalar autodiff) on its own: worked
/// examples, finite differences, and two hand-computable training runs.
/// </summary>
[TestClass]
public sealed class ReferenceTests
{
    private const double H = 1e-6;

    // |a - b| / max(floor, |a| + |b|): a relative error that does not blow up when both are ~0.
    private static double RelativeError(double a, double b, double floor) =>
        Math.Abs(a - b) / Math.Max(floor, Math.Abs(a) + Math.Abs(b));

    // ---- Value -------------------------------------------------------------------------------

    [TestMethod]
    public void Seed000_MicrogradWorkedExamples()
    {
        // f = (a + b)(b + c): ∂f/∂a = b + c = 7, ∂f/∂c = a + b = 2, and b is used twice, so its
        // gradient is the sum over both uses: (b + c) + (a + b) = 9.
        var a = new Value(-1);
        var b = new Value(3);
        var c = new Value(4);
        Value f = (a + b) * (b + c);
        f.Backward();
        Assert.AreEqual(14, f.Data, 1e-12);
        Assert.AreEqual(7, a.Grad, 1e-12);
        Assert.AreEqual(9, b.Grad, 1e-12);
        Assert.AreEqual(2, c.Grad, 1e-12);

        var x = new Value(-2);
        var y = new Value(3);
        Value g = x * y;
        g.Backward();
        Assert.AreEqual(-6, g.Data, 1e-12);
        Assert.AreEqual(3, x.Grad, 1e-12);
        Assert.AreEqual(-2, y.Grad, 1e-12);
    }

    [TestMethod]
    public void EveryValueOperationMatchesCentralDifferences()
    {
        // Each case is f(x, y) at (x, y); unary cases ignore y (both gradients of y are then 0).
        var cases = new (string Name, Func<Value, Value, Value> F, double X, double Y)[]
        {
            ("x + y", (x, y) => x + y, 0.7, -1.3),
            ("x + 2.5", (x, _) => x + 2.5, 0.7, 0),
            ("2.5 + x", (x, _) => 2.5 + x, 0.7, 0),
            ("x - y", (x, y) => x - y, 0.7, -1.3),
            ("x - 2.5", (x, _) => x - 2.5, 0.7, 0),
            ("2.5 - x", (x, _) => 2.5 - x, 0.7, 0),
            ("-x", (x, _) => -x, 0.7, 0),
            ("x * y", (x, y) => x * y, 0.7, -1.3),
            ("x * 2.5", (x, _) => x * 2.5, 0.7, 0),
            ("2.5 * x", (x, _) => 2.5 * x, 0.7, 0),
            ("x / y", (x, y) => x / y, 0.7, -1.3),
            ("x / 2.5", (x, _) => x / 2.5, 0.7, 0),
            ("2.5 / x", (x, _) => 2.5 / x, 0.7, 0),
            ("exp x", (x, _) => x.Exp(), 0.7, 0),
            ("ln x", (x, _) => x.Log(), 0.7, 0),
            ("x^3", (x, _) => x.Pow(3), -0.7, 0),
            ("x^-1", (x, _) => x.Pow(-1), -0.7, 0),
            ("x^0.5", (x, _) => x.Pow(0.5), 0.7, 0),
            ("x^2.5", (x, _) => x.Pow(2.5), 0.7, 0),
            ("sigmoid x", (x, _) => x.Sigmoid(), -0.7, 0),
            ("tanh x", (x, _) => x.Tanh(), 0.7, 0),
            ("relu x, x > 0", (x, _) => x.Relu(), 0.7, 0),
            ("relu x, x < 0", (x, _) => x.Relu(), -0.7, 0),
            ("leaky x, x > 0", (x, _) => x.LeakyRelu(0.01), 0.7, 0),
            ("leaky x, x < 0", (x, _) => x.LeakyRelu(0.01), -0.7, 0),
            ("x * x (one node used twice)", (x, _) => x * x, 0.7, 0),
            ("exp(x y) / (x + tanh y)", (x, y) => (x * y).Exp() / (x + y.Tanh()), 0.7, -1.3),
            ("ln(sigmoid(x) + y^2) - relu(x) y", (x, y) => (x.Sigmoid() + y.Pow(2)).Log() - x.Relu() * y, 0.7, -1.3),
        };

        foreach (var (name, f, x0, y0) in cases)
        {
            var x = new Value(x0);
            var y = new Value(y0);
            f(x, y).Backward();
            double dx = (f(new Value(x0 + H), new Value(y0)).Data - f(new Value(x0 - H), new Value(y0)).Data) / (2 * H);
            double dy = (f(new Value(x0), new Value(y0 + H)).Data - f(new Value(x0), new Value(y0 - H)).Data) / (2 * H);
            // Criterion: |a - b| / max(1e-8, |a| + |b|) ≤ 1e-6.
            Assert.IsLessThanOrEqualTo(1e-6, RelativeError(x.Grad, dx, 1e-8), $"{name}: ∂/∂x = {x.Grad}, FD {dx}");
            Assert.IsLessThanOrEqualTo(1e-6, RelativeError(y.Grad, dy, 1e-8), $"{name}: ∂/∂y = {y.Grad}, FD {dy}");
        }
    }

    [TestMethod]
    public void LocalDerivativesHaveTheirClosedForms()
    {
        // At x = 0.5: σ' = σ(1 - σ), tanh' = 1 - tanh², (ln)' = 2, (x^3)' = 0.75, and the
        // (leaky) ReLU's derivative is 1 for x > 0, 0 (slope) for x ≤ 0, including x = 0.
        double s = 1 / (1 + Math.Exp(-0.5));
        Assert.AreEqual(s * (1 - s), GradientAt(0.5, x => x.Sigmoid()), 1e-15);
        Assert.AreEqual(1 - Math.Tanh(0.5) * Math.Tanh(0.5), GradientAt(0.5, x => x.Tanh()), 1e-15);
        Assert.AreEqual(2, GradientAt(0.5, x => x.Log()), 1e-15);
        Assert.AreEqual(0.75, GradientAt(0.5, x => x.Pow(3)), 1e-15);
        Assert.AreEqual(1, GradientAt(0.5, x => x.Relu()));
        Assert.AreEqual(0, GradientAt(0, x => x.Relu()));
        Assert.AreEqual(0, GradientAt(-0.5, x => x.Relu()));
        Assert.AreEqual(0.25, GradientAt(0, x => x.LeakyRelu(0.25)));
        Assert.AreEqual(-0.125, new Value(-0.5).LeakyRelu(0.25).Data);
        // The MLP's leaky ReLU uses the engine's slope exactly: 655/65536.
        var leaky = new ReferenceMlp([1, 1], Activation.Linear, Activation.LeakyRelu);
        leaky.SetWeight(0, 0, 0, 1);
        Assert.AreEqual(-655 / 65536.0, leaky.Forward([-1])[0]);
    }

    private static double GradientAt(double x0, Func<Value, Value> f)
    {
        var x = new Value(x0);
        f(x).Backward();
        return x.Grad;
    }

    [TestMethod]
    public void DeepGraphBackpropagatesWithoutRecursionAndZeroGradResets()
    {
        // s = x + x + ... (10,001 uses of x, a chain 10,000 nodes deep): ∂s/∂x = 10001.
        var x = new Value(0.5);
        Value s = x;
        for (int k = 0; k < 10_000; k++)
        {
            s += x;
        }

        s.Backward();
        Assert.AreEqual(10_001 * 0.5, s.Data, 1e-9);
        Assert.AreEqual(10_001, x.Grad);

        // Leaves accumulate across Backward calls (intermediates restart from 0): twice without a
        // reset doubles x's gradient; ZeroGrad clears every node.
        s.Backward();
        Assert.AreEqual(20_002, x.Grad);
        s.ZeroGrad();
        Assert.AreEqual(0, x.Grad);
        Assert.AreEqual(0, s.Grad);
        s.Backward();
        Assert.AreEqual(10_001, x.Grad);
    }

    // ---- ReferenceMlp ------------------------------------------------------------------------

    [TestMethod]
    public void MlpGradientsMatchCentralDifferences()
    {
        // Criterion for every weight, bias and input: |a - b| / max(1e-3·(1 + |L|), |a| + |b|) ≤ 1e-6,
        // i.e. relative 1e-6 for gradients above about 1e-3·(1 + |L|) and absolute 1e-9·(1 + |L|)
        // below. The absolute part covers the difference quotient's rounding noise: L(w ± h) each
        // carry a rounding error of a few ε·|L|, so (L+ - L-)/2h is off by about 1e-10·|L|
        // (observed up to 8.4e-10 here, with |L| ≤ 5.2).
        // ReLU kinks: inputs are redrawn until every |z| > 1e-3; a perturbation of h = 1e-6 moves
        // any z by far less than that (weights, inputs and activations are O(1)), so no
        // difference crosses a kink.
        Activation[] hiddenActivations = [Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.LeakyRelu, Activation.Linear];
        Activation[] outputActivations = [Activation.Sigmoid, Activation.Tanh, Activation.Linear];
        int seed = 0;
        int checkedCount = 0;
        double worst = 0;
        foreach (Activation hidden in hiddenActivations)
        {
            foreach (Activation output in outputActivations)
            {
                Loss[] losses = output == Activation.Sigmoid ? [Loss.MeanSquaredError, Loss.BinaryCrossEntropy] : [Loss.MeanSquaredError];
                foreach (Loss loss in losses)
                {
                    seed++;
                    var random = new Random(seed);
                    var sizes = new int[2 + 2 + random.Next(2)]; // 2 or 3 hidden layers
                    for (int l = 0; l < sizes.Length; l++)
                    {
                        sizes[l] = 1 + random.Next(8);
                    }

                    var mlp = new ReferenceMlp(sizes, hidden, output, withoutBiases: seed % 5 == 0);
                    Randomise(mlp, random);
                    double[] target = Enumerable.Range(0, sizes[^1])
                        .Select(_ => loss == Loss.BinaryCrossEntropy ? random.NextDouble() : 2 * random.NextDouble() - 1).ToArray();
                    double[] input;
                    ReferenceGradients g;
                    do
                    {
                        input = Enumerable.Range(0, sizes[0]).Select(_ => 2 * random.NextDouble() - 1).ToArray();
                        g = mlp.ComputeGradients(input, target, loss);
                    }
                    while (g.PreActivations.SelectMany(z => z).Any(z => Math.Abs(z) <= 1e-3));

                    string where = $"seed {seed}, sizes {{{string.Join(", ", sizes)}}}, {hidden}/{output}, {loss}";
                    Assert.AreEqual(LossOf(mlp.Forward(input), target, loss), g.Loss, 1e-12, where);

                    void Check(string what, double analytic, Action<double> set, double original)
                    {
                        set(original + H);
                        double plus = LossOf(mlp.Forward(input), target, loss);
                        set(original - H);
                        double minus = LossOf(mlp.Forward(input), target, loss);
                        set(original);
                        double fd = (plus - minus) / (2 * H);
                        double error = RelativeError(analytic, fd, 1e-3 * (1 + Math.Abs(g.Loss)));
                        worst = Math.Max(worst, error);
                        checkedCount++;
                        Assert.IsLessThanOrEqualTo(1e-6, error, $"{where}: {what} = {analytic}, FD {fd}");
                    }

                    for (int l = 0; l + 1 < sizes.Length; l++)
                    {
                        for (int j = 0; j < sizes[l + 1]; j++)
                        {
                            for (int i = 0; i < sizes[l]; i++)
                            {
                                // Check calls its setter at once, so capturing the loop variables is safe.
                                Check($"∂L/∂w({l},{j},{i})", g.WeightGradients[l][j * sizes[l] + i], v => mlp.SetWeight(l, j, i, v), mlp.GetWeight(l, j, i));
                            }

                            if (mlp.HasBiases)
                            {
                                Check($"∂L/∂b({l},{j})", g.BiasGradients[l][j], v => mlp.SetBias(l, j, v), mlp.GetBias(l, j));
                            }
                            else
                            {
                                Assert.AreEqual(0, g.BiasGradients[l][j], where);
                            }
                        }
                    }

                    for (int i = 0; i < sizes[0]; i++)
                    {
                        Check($"∂L/∂input[{i}]", g.ActivationGradients[0][i], v => input[i] = v, input[i]);
                    }
                }
            }
        }

        Console.WriteLine($"{seed} nets, {checkedCount} gradients, worst error {worst:E2}");
        Assert.AreEqual(20, seed);
    }

    [TestMethod]
    public void CrossEntropyGradientAtTheSigmoidPreActivationIsOutputMinusTarget()
    {
        // The reference never writes y - t: it differentiates -[t ln y + (1 - t) ln(1 - y)]
        // through Log, arithmetic and Sigmoid nodes. That the chain lands on y - t is
        // independent evidence for the shortcut the engine uses.
        var random = new Random(7);
        var mlp = new ReferenceMlp([3, 4, 2], Activation.Tanh, Activation.Sigmoid);
        Randomise(mlp, random);
        foreach (double[] target in new[] { new[] { 0.0, 1.0 }, new[] { 0.3, 0.8 } })
        {
            ReferenceGradients g = mlp.ComputeGradients([0.5, -0.2, 0.9], target, Loss.BinaryCrossEntropy);
            double[] y = g.Activations[^1];
            for (int j = 0; j < y.Length; j++)
            {
                Assert.AreEqual(y[j] - target[j], g.PreActivationGradients[^1][j], 1e-12);
            }
        }

        Assert.ThrowsExactly<ArgumentException>(() =>
            new ReferenceMlp([1, 1], Activation.Sigmoid, Activation.Tanh).ComputeGradients([1], [0], Loss.BinaryCrossEntropy));
    }

    [TestMethod]
    public void Seed003_TwoInputsThreeClassesSoftmaxByHand()
    {
        // A 2-input, 3-class softmax layer, no hidden layer, biases 0. Input x = (0.5, 1),
        // weights w0 = (2, 0), w1 = (1, -0.5), w2 = (0, -1): logits z = (1, 0, -1).
        // y = e^z / Σ e^z with Σ = e + 1 + e^-1 = 4.086161: y = (0.665241, 0.244728, 0.090031).
        // Class 0 (t = (1, 0, 0)): L = -ln y0 = ln Σ - 1 = 0.407606.
        // ∂L/∂z = y - t = (-0.334759, 0.244728, 0.090031) = ∂L/∂b, and ∂L/∂w_ji = (y_j - t_j)·x_i:
        // w0: (-0.167380, -0.334759), w1: (0.122364, 0.244728), w2: (0.045015, 0.090031).
        double[] x = [0.5, 1];
        double[] t = [1, 0, 0];
        var mlp = new ReferenceMlp([2, 3], Activation.Linear, Activation.Softmax);
        double[][] w = [[2, 0], [1, -0.5], [0, -1]];
        for (int j = 0; j < 3; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                mlp.SetWeight(0, j, i, w[j][i]);
            }
        }

        ReferenceGradients g = mlp.ComputeGradients(x, t, Loss.CategoricalCrossEntropy);
        AssertClose([1, 0, -1], g.PreActivations[0], "logits");
        AssertClose([0.665241, 0.244728, 0.090031], g.Activations[1], "y");
        Assert.AreEqual(0.407606, g.Loss, 1e-6, "L");
        AssertClose([-0.334759, 0.244728, 0.090031], g.PreActivationGradients[0], "∂L/∂z");
        AssertClose([-0.334759, 0.244728, 0.090031], g.BiasGradients[0], "∂L/∂b");
        AssertClose([-0.167380, -0.334759, 0.122364, 0.244728, 0.045015, 0.090031], g.WeightGradients[0], "∂L/∂w");

        // The engine on the same weights (all exact in Q16.16): y = (43597, 16039, 5900) LSB
        // (SoftmaxTests works the tables through), summing to 65536; the deltas y - t are
        // (-21939, 16039, 5900) LSB, and ∂L/∂w = δ·x rounded once: -10969.5 → -10970 (ties away
        // from zero), -21939, 8019.5 → 8020, 16039, 2950, 5900. The loss ln(S/2^30) - 0 from the
        // table: 0.407606·65536 = 26712.86 → 26713. Each within the format's bound of the
        // reference above (outputs 1.1 LSB, gradients 1.1·max|x| + ½ LSB).
        var network = new Network([2, 3], Activation.Linear, Activation.Softmax, Loss.CategoricalCrossEntropy, 1, NetworkOptions.GradientAccumulation);
        for (int j = 0; j < 3; j++)
        {
            for (int i = 0; i < 2; i++)
            {
                network.SetWeight(0, j, i, Q16.FromDouble(w[j][i]));
            }
        }

        int[] input = [Q16.Half, Q16.One];
        int[] target = [Q16.One, 0, 0];
        CollectionAssert.AreEqual(new[] { 43597, 16039, 5900 }, network.Forward(input));
        network.Backward(target, Loss.CategoricalCrossEntropy);
        CollectionAssert.AreEqual(new[] { -21939, 16039, 5900 }, Enumerable.Range(0, 3).Select(j => network.GetBiasGradient(0, j)).ToArray());
        CollectionAssert.AreEqual(new[] { -10970, -21939, 8020, 16039, 2950, 5900 },
            Enumerable.Range(0, 6).Select(k => network.GetWeightGradient(0, k / 2, k % 2)).ToArray());
        for (int k = 0; k < 6; k++)
        {
            Assert.AreEqual(g.WeightGradients[0][k], Q16.ToDouble(network.GetWeightGradient(0, k / 2, k % 2)), 1.6 / 65536, $"∂L/∂w[{k}]");
        }

        Assert.AreEqual(26713, Softmax.CrossEntropy([Q16.One, 0, -Q16.One], target));
        Assert.AreEqual(26713 / 65536.0, g.Loss, 0.71 / 65536);

        // One step at rate 0.5: w ← w - 0.5·∂L/∂w. Reference: w0 = (2.083690, 0.167380),
        // w1 = (0.938818, -0.622364), w2 = (-0.022508, -1.045015), b = (0.167380, -0.122364, -0.045015).
        mlp.TrainStep(x, t, Loss.CategoricalCrossEntropy, 0.5);
        AssertClose([2.083690, 0.167380], [mlp.GetWeight(0, 0, 0), mlp.GetWeight(0, 0, 1)], "w0 after a step");
        AssertClose([0.938818, -0.622364], [mlp.GetWeight(0, 1, 0), mlp.GetWeight(0, 1, 1)], "w1 after a step");
        AssertClose([-0.022508, -1.045015], [mlp.GetWeight(0, 2, 0), mlp.GetWeight(0, 2, 1)], "w2 after a step");
        AssertClose([0.167380, -0.122364, -0.045015], [mlp.GetBias(0, 0), mlp.GetBias(0, 1), mlp.GetBias(0, 2)], "b after a step");
    }

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.HasCount(expected.Length, actual, what);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.AreEqual(expected[k], actual[k], 1e-6, $"{what}[{k}]");
        }
    }

    [TestMethod]
    public void SoftmaxCrossEntropyGradientAtTheLogitsIsOutputMinusTarget()
    {
        // The reference builds the loss from Exp and Log nodes of the logits; that the chain lands
        // on y - t (with y from the separate softmax nodes) backs the engine's shortcut.
        var random = new Random(8);
        var mlp = new ReferenceMlp([3, 4, 4], Activation.Tanh, Activation.Softmax);
        Randomise(mlp, random);
        foreach (double[] target in new[] { new[] { 0.0, 0, 1, 0 }, new[] { 0.1, 0.2, 0.3, 0.4 } })
        {
            ReferenceGradients g = mlp.ComputeGradients([0.5, -0.2, 0.9], target, Loss.CategoricalCrossEntropy);
            double[] y = g.Activations[^1];
            Assert.AreEqual(1, y.Sum(), 1e-15);
            for (int j = 0; j < y.Length; j++)
            {
                Assert.AreEqual(y[j] - target[j], g.PreActivationGradients[^1][j], 1e-12);
            }
        }

        Assert.ThrowsExactly<ArgumentException>(() =>
            new ReferenceMlp([1, 2], Activation.Tanh, Activation.Softmax).ComputeGradients([1], [0, 1], Loss.MeanSquaredError));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            new ReferenceMlp([1, 2], Activation.Tanh, Activation.Softmax).ComputeGradients([1], [0.5, 0.6], Loss.CategoricalCrossEntropy));
    }

    [TestMethod]
    public void Seed002_OneLinearNeuronConvergesToOneThird()
    {
        // a = i·w, i = 1.5, t = 0.5, loss ½(a - t)², rate 0.2 (= cost (a - t)² at rate 0.1):
        // w ← w - 0.2·1.5·(1.5w - 0.5) = 0.55w + 0.15, whose fixed point is 1/3.
        var mlp = new ReferenceMlp([1, 1], Activation.Linear, Activation.Linear, withoutBiases: true);
        mlp.SetWeight(0, 0, 0, 0.8);
        double lossBefore = mlp.TrainStep([1.5], [0.5], Loss.MeanSquaredError, 0.2);
        Assert.AreEqual(0.245, lossBefore, 1e-12); // ½(1.2 - 0.5)²
        Assert.AreEqual(0.59, mlp.GetWeight(0, 0, 0), 1e-12);
        mlp.TrainStep([1.5], [0.5], Loss.MeanSquaredError, 0.2);
        Assert.AreEqual(0.4745, mlp.GetWeight(0, 0, 0), 1e-12);
        mlp.TrainStep([1.5], [0.5], Loss.MeanSquaredError, 0.2);
        Assert.AreEqual(0.410975, mlp.GetWeight(0, 0, 0), 1e-12);
        for (int k = 3; k < 200; k++)
        {
            mlp.TrainStep([1.5], [0.5], Loss.MeanSquaredError, 0.2);
        }

        Assert.AreEqual(1.0 / 3, mlp.GetWeight(0, 0, 0), 1e-9);
        Assert.AreEqual(0, mlp.GetBias(0, 0));
    }

    [TestMethod]
    public void Seed001_OneSigmoidNeuronFullBatchGradientDescent()
    {
        double[] xs = [0.1, 0.25, 0.5, 0.75, 1];
        var mlp = new ReferenceMlp([1, 1], Activation.Sigmoid, Activation.Sigmoid, withoutBiases: true);
        mlp.SetWeight(0, 0, 0, 5);

        // Cost J = (1/m) Σ (h - y)², targets y = 0. Per sample the reference's loss is ½(h - y)²,
        // so J = (2/m) Σ ½(h - y)² and ∂J/∂w = 2 × (mean of the per-sample gradients). A step
        // w -= α ∂J/∂w is therefore ApplyStep (which uses the mean) with rate 2α = 1.0 for α = 0.5.
        double Cost() => xs.Average(x => Math.Pow(mlp.Forward([x])[0], 2));
        ReferenceGradients[] Batch() => xs.Select(x => mlp.ComputeGradients([x], [0], Loss.MeanSquaredError)).ToArray();

        Assert.AreEqual(0.757384, Cost(), 1e-6);
        ReferenceGradients[] batch = Batch();
        Assert.AreEqual(Cost(), 2 * batch.Average(g => g.Loss), 1e-15);
        double trueGradient = 2.0 / xs.Length * xs.Sum(x =>
        {
            double h = 1 / (1 + Math.Exp(-5 * x));
            return h * h * (1 - h) * x;
        });
        Assert.AreEqual(trueGradient, 2 * batch.Average(g => g.WeightGradients[0][0]), 1e-15);

        for (int step = 0; step < 2000; step++)
        {
            mlp.ApplyStep(Batch(), 1.0);
        }

        Assert.AreEqual(-8.64319, mlp.GetWeight(0, 0, 0), 1e-4);
        Assert.AreEqual(0.0197452, Cost(), 1e-6);
    }

    [TestMethod]
    public void FromNetworkCopiesEveryParameterExactly()
    {
        var network = new Network([3, 5, 2], Activation.LeakyRelu, Activation.Sigmoid, Loss.MeanSquaredError, 42, NetworkOptions.None);
        network.SetBias(0, 1, -12345);
        network.SetBias(1, 0, 70000);
        ReferenceMlp mlp = ReferenceMlp.FromNetwork(network);
        Assert.AreEqual(3, mlp.LayerCount);
        Assert.AreEqual(5, mlp.GetLayerSize(1));
        Assert.AreEqual(Activation.LeakyRelu, mlp.HiddenActivation);
        Assert.AreEqual(Activation.Sigmoid, mlp.OutputActivation);
        Assert.IsTrue(mlp.HasBiases);
        Assert.AreEqual(-12345 / 65536.0, mlp.GetBias(0, 1));
        Assert.AreEqual(70000 / 65536.0, mlp.GetBias(1, 0));
        for (int l = 0; l < 2; l++)
        {
            for (int j = 0; j < network.GetLayerSize(l + 1); j++)
            {
                for (int i = 0; i < network.GetLayerSize(l); i++)
                {
                    Assert.AreEqual(network.GetWeight(l, j, i) / 65536.0, mlp.GetWeight(l, j, i));
                }

                Assert.AreEqual(network.GetBias(l, j) / 65536.0, mlp.GetBias(l, j));
            }
        }

        var withoutBiases = new Network([2, 1], Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, 1, NetworkOptions.WithoutBiases);
        ReferenceMlp copy = ReferenceMlp.FromNetwork(withoutBiases);
        Assert.IsFalse(copy.HasBiases);
        Assert.ThrowsExactly<InvalidOperationException>(() => copy.SetBias(0, 0, 1));
    }

    [TestMethod]
    public void ForwardAgreesWithTheEngineWithinFixedPointRounding()
    {
        // Same function, same index convention: outputs agree to a few Q16.16 LSB (2^-16 ≈ 1.5e-5);
        // a transposed or misread weight would be off by O(0.1).
        var network = new Network([4, 6, 5, 3], Activation.Tanh, Activation.Sigmoid, Loss.MeanSquaredError, 3, NetworkOptions.None);
        network.SetBias(0, 2, Q16.FromDouble(0.3));
        network.SetBias(2, 1, Q16.FromDouble(-0.4));
        ReferenceMlp mlp = ReferenceMlp.FromNetwork(network);
        double[] input = [0.5, -0.25, 0.75, -1];
        int[] engine = network.Forward(Array.ConvertAll(input, Q16.FromDouble));
        double[] reference = mlp.Forward(input);
        for (int j = 0; j < 3; j++)
        {
            Assert.AreEqual(reference[j], Q16.ToDouble(engine[j]), 1e-3, $"output {j}");
        }
    }

    private static void Randomise(ReferenceMlp mlp, Random random)
    {
        for (int l = 0; l + 1 < mlp.LayerCount; l++)
        {
            for (int j = 0; j < mlp.GetLayerSize(l + 1); j++)
            {
                for (int i = 0; i < mlp.GetLayerSize(l); i++)
                {
                    mlp.SetWeight(l, j, i, 2 * random.NextDouble() - 1);
                }

                if (mlp.HasBiases)
                {
                    mlp.SetBias(l, j, random.NextDouble() - 0.5);
                }
            }
        }
    }

    // The loss written directly on the outputs (not through Value), for the finite differences.
    private static double LossOf(double[] y, double[] t, Loss loss) => loss == Loss.MeanSquaredError
        ? y.Zip(t, (a, b) => 0.5 * (a - b) * (a - b)).Sum()
        : -y.Zip(t, (a, b) => b * Math.Log(a) + (1 - b) * Math.Log(1 - a)).Sum();
}
