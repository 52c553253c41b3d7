namespace NanoBackprop.Tests;

/// <summary>
/// The softmax output and its categorical cross-entropy (Softmax.cs): the tables regenerated, the
/// exp's error bound checked at every input below the cut-off, the exact normalisation, the loss
/// table's bound, and the output deltas y - t inside the network.
/// </summary>
[TestClass]
public sealed class SoftmaxTests
{
    private const double Unit = 1L << 30;

    [TestMethod]
    public void TheTablesAreTheRoundedValuesTheyClaim()
    {
        for (int n = 0; n < Softmax.ExpInteger.Length; n++)
        {
            Assert.AreEqual((long)Math.Round(Unit * Math.Exp(-n), MidpointRounding.AwayFromZero), Softmax.ExpInteger[n], $"e^-{n}");
        }

        for (int h = 0; h < 256; h++)
        {
            Assert.AreEqual((long)Math.Round(Unit * Math.Exp(-h / 256.0), MidpointRounding.AwayFromZero), Softmax.ExpHigh[h], $"e^-{h}/256");
            Assert.AreEqual((long)Math.Round(Unit * Math.Exp(-h / 65536.0), MidpointRounding.AwayFromZero), Softmax.ExpLow[h], $"e^-{h}/65536");
        }

        for (int i = 0; i <= 256; i++)
        {
            Assert.AreEqual((long)Math.Round(Unit * Math.Log(1 + i / 256.0), MidpointRounding.AwayFromZero), Softmax.LnMantissa[i], $"ln(1 + {i}/256)");
        }

        Assert.AreEqual(22, Softmax.ExpInteger.Length, "e^-n up to the cut-off at 22");
        Assert.AreEqual(257, Softmax.LnMantissa.Length);
        Assert.AreEqual(Softmax.TableBytes, (Softmax.ExpInteger.Length + 256 + 256 + 257) * 4);
        // ln 2·2^52 = 3121657384082679.6… (from ln 2 = 0.693147180559945309417232…).
        Assert.AreEqual(3121657384082680L, Softmax.Ln2Q52);
    }

    [TestMethod]
    public void ExpStaysWithinItsDerivedBoundAtEveryInputBelowTheCutoff()
    {
        // Every Q16.16 x in [0, 22): 1,441,792 inputs. The bound derived in Softmax's remarks is
        // 2.5 units of 2^-30; the result must also never increase with x.
        double bound = Softmax.ExpErrorBoundTenths / 10.0;
        double worst = 0;
        long worstAt = 0;
        int previous = int.MaxValue;
        for (long x = 0; x < Softmax.CutoffInput; x++)
        {
            int value = Softmax.ExpNegativeQ30(x);
            double error = Math.Abs(value - Unit * Math.Exp(-x / 65536.0));
            if (error > worst)
            {
                worst = error;
                worstAt = x;
            }

            Assert.IsLessThanOrEqualTo(previous, value, $"not monotone at x = {x}");
            previous = value;
        }

        TestContext.WriteLine($"largest exp error {worst:F3} units of 2^-30 at x = {worstAt}/65536");
        Assert.IsLessThanOrEqualTo(bound, worst, $"at x = {worstAt}/65536");
        Assert.IsGreaterThan(1.0, worst, "the bound is not vacuous: rounding three tables costs more than a unit somewhere");
        Assert.AreEqual(1 << 30, Softmax.ExpNegativeQ30(0), "e^0 is exact");
        foreach (long x in new[] { Softmax.CutoffInput, Softmax.CutoffInput + 1, (long)uint.MaxValue })
        {
            Assert.AreEqual(0, Softmax.ExpNegativeQ30(x), $"x = {x}: 2^30·e^-22 < 0.3 units rounds to 0");
        }
    }

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void OutputsSumToExactlyOneAndStayWithinTheirBound()
    {
        var random = new Random(14);
        int[] extremes = { int.MinValue, int.MaxValue, 0, 1, -1, 22 * Q16.One, -22 * Q16.One };
        double worst = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            int count = trial % 50 == 0 ? Network.MaxLayerSize : 1 + random.Next(12);
            int spread = random.Next(4) switch { 0 => Q16.One, 1 => 8 * Q16.One, 2 => 40 * Q16.One, _ => int.MaxValue / 2 };
            var logits = new int[count];
            for (int j = 0; j < count; j++)
            {
                logits[j] = random.Next(10) == 0 ? extremes[random.Next(extremes.Length)] : random.Next(-spread, spread);
            }

            var outputs = new int[count];
            Softmax.Evaluate(logits, outputs);
            double[] exact = ExactSoftmax(logits);
            long sum = 0;
            for (int j = 0; j < count; j++)
            {
                Assert.IsGreaterThanOrEqualTo(0, outputs[j]);
                double error = Math.Abs(outputs[j] - 65536 * exact[j]);
                worst = Math.Max(worst, error);
                Assert.IsLessThanOrEqualTo(1.1, error, $"trial {trial}, class {j} of {count}: {outputs[j]} against {65536 * exact[j]}");
                sum += outputs[j];
            }

            Assert.AreEqual(Q16.One, sum, $"trial {trial}: the outputs sum to exactly one");
        }

        TestContext.WriteLine($"largest output error {worst:F3} LSB");
        Assert.IsGreaterThan(0.5, worst, "some output must carry the normalisation's rounding");
    }

    [TestMethod]
    public void AWorkedSoftmaxOfThreeLogits()
    {
        // Logits 1, 0, -1: e^0, e^-1, e^-2 from the tables are 2^30, 395007542, 145315154 (the
        // second and third rows of ExpInteger); S = 1614064520. Prefix sums ·2^16/S rounded:
        // 43597.23 → 43597, 59635.76 → 59636, 65536. Outputs 43597, 16039, 5900 (0.665237,
        // 0.244736, 0.090027; exactly 0.665241, 0.244728, 0.090031).
        var outputs = new int[3];
        Softmax.Evaluate(new[] { Q16.One, 0, -Q16.One }, outputs);
        CollectionAssert.AreEqual(new[] { 43597, 16039, 5900 }, outputs);
        // Cross-entropy for class 1: ln(S/2^30) - (0 - 1) = 0.407606 + 1 = 1.407606 = 92248.86 LSB → 92249.
        Assert.AreEqual(92249, Softmax.CrossEntropy(new[] { Q16.One, 0, -Q16.One }, new[] { 0, Q16.One, 0 }));
    }

    [TestMethod]
    public void TheMonitoringLossStaysWithinItsBoundAndSaturates()
    {
        var random = new Random(15);
        double worst = 0;
        for (int trial = 0; trial < 20_000; trial++)
        {
            int count = 1 + random.Next(10);
            int spread = random.Next(3) switch { 0 => Q16.One, 1 => 8 * Q16.One, _ => 200 * Q16.One };
            var logits = new int[count];
            for (int j = 0; j < count; j++)
            {
                logits[j] = random.Next(-spread, spread);
            }

            int[] target = DifferentialTests.CategoricalTarget(random, count);
            double max = logits.Max() / 65536.0;
            double sumExp = logits.Sum(z => Math.Exp(z / 65536.0 - max));
            double exact = Math.Log(sumExp) - Enumerable.Range(0, count).Sum(j => target[j] / 65536.0 * (logits[j] / 65536.0 - max));
            int loss = Softmax.CrossEntropy(logits, target);
            double error = Math.Abs(loss - 65536 * exact);
            worst = Math.Max(worst, error);
            Assert.IsLessThanOrEqualTo(0.71, error, $"trial {trial}: {loss} against {65536 * exact}");
        }

        TestContext.WriteLine($"largest loss error {worst:F3} LSB");
        Assert.AreEqual(int.MaxValue, Softmax.CrossEntropy(new[] { int.MaxValue, int.MinValue }, new[] { 0, Q16.One }), "a loss of 65536 saturates");
        Assert.AreEqual(0, Softmax.CrossEntropy(new[] { 5 * Q16.One }, new[] { Q16.One }), "one class: ln 1 = 0");
    }

    [TestMethod]
    public void TheOutputDeltasAreExactlyOutputMinusTarget()
    {
        // Read through Backward: the output layer's bias gradients are its deltas, in Q16.16.
        var random = new Random(16);
        for (int trial = 0; trial < 200; trial++)
        {
            var network = new Network(new[] { 3, 5, 4 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, trial, NetworkOptions.GradientAccumulation);
            int[] input = { random.Next(-3 * Q16.One, 3 * Q16.One), random.Next(-3 * Q16.One, 3 * Q16.One), random.Next(-3 * Q16.One, 3 * Q16.One) };
            int[] target = DifferentialTests.CategoricalTarget(random, 4);
            int[] outputs = (int[])network.Forward(input).Clone();
            network.Backward(target, Loss.CategoricalCrossEntropy);
            long deltaSum = 0;
            for (int j = 0; j < 4; j++)
            {
                Assert.AreEqual(outputs[j] - target[j], network.GetBiasGradient(1, j), $"trial {trial}, class {j}");
                deltaSum += network.GetBiasGradient(1, j);
            }

            Assert.AreEqual(0L, deltaSum, "y and t both sum to one, so the deltas sum to exactly 0");
        }
    }

    [TestMethod]
    public void SoftmaxAndCategoricalCrossEntropyAreRefusedElsewhereByName()
    {
        var argument = Assert.ThrowsExactly<ArgumentException>(() => new Network(new[] { 2, 3, 3 }, Activation.Softmax, Activation.Softmax, Loss.CategoricalCrossEntropy, 1, NetworkOptions.None));
        Assert.AreEqual("hiddenActivation", argument.ParamName);
        argument = Assert.ThrowsExactly<ArgumentException>(() => new Network(new[] { 2, 3 }, Activation.Tanh, Activation.Softmax, Loss.MeanSquaredError, 1, NetworkOptions.None));
        Assert.AreEqual("loss", argument.ParamName);
        StringAssert.Contains(argument.Message, "go together");
        argument = Assert.ThrowsExactly<ArgumentException>(() => new Network(new[] { 2, 3 }, Activation.Tanh, Activation.Sigmoid, Loss.CategoricalCrossEntropy, 1, NetworkOptions.None));
        Assert.AreEqual("loss", argument.ParamName);

        var network = new Network(new[] { 2, 3 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, 1, NetworkOptions.GradientAccumulation);
        int[] weightsBefore = { network.GetWeight(0, 0, 0), network.GetWeight(0, 2, 1) };
        var range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.Learn(new[] { 0, 0 }, new[] { Q16.One, 1, 0 }));
        Assert.AreEqual("target", range.ParamName);
        StringAssert.Contains(range.Message, "sum to 65537");
        range = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.Learn(new[] { 0, 0 }, new[] { 2 * Q16.One, -Q16.One, 0 }));
        StringAssert.Contains(range.Message, "target 0 is outside [0, 1]");
        network.Forward(new[] { 0, 0 });
        Assert.ThrowsExactly<ArgumentException>(() => network.Backward(new[] { Q16.One, 0, 0 }, Loss.MeanSquaredError));
        CollectionAssert.AreEqual(weightsBefore, new[] { network.GetWeight(0, 0, 0), network.GetWeight(0, 2, 1) }, "refused calls leave the weights alone");
        Assert.ThrowsExactly<ArgumentException>(() => Softmax.Evaluate(new int[3], new int[2]));
        int[] same = new int[3];
        Assert.ThrowsExactly<ArgumentException>(() => Softmax.Evaluate(same, same));
    }

    [TestMethod]
    public void LearningStepsLowerTheLossOfAClassTheNetworkGotWrong()
    {
        // Class 2 with the initial weights' output; 20 steps at lr 0.5 must raise its probability.
        var network = new Network(new[] { 2, 4, 3 }, Activation.Tanh, Activation.Softmax, Loss.CategoricalCrossEntropy, 3, NetworkOptions.None);
        network.LearningRate = Q16.Half;
        int[] input = { Q16.One, -Q16.Half };
        int[] target = { 0, 0, Q16.One };
        int first = network.Learn(input, target);
        int last = first;
        for (int step = 0; step < 20; step++)
        {
            last = network.Learn(input, target);
        }

        Assert.IsLessThan(first / 4, last, $"cross-entropy {first} → {last}");
        Assert.IsGreaterThan(60000, network.Forward(input)[2]);
    }

    // softmax in double of the Q16.16 logits, the largest subtracted first.
    internal static double[] ExactSoftmax(int[] logits)
    {
        double max = logits.Max();
        double[] e = logits.Select(z => Math.Exp((z - max) / 65536.0)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
