namespace NanoBackprop.Tests;

[TestClass]
public sealed class ActivationTests
{
    private const double Lsb = 1.0 / 65536;

    private static double ExactSigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    [TestMethod]
    public void TableEqualsTheRegeneratedExactFunction()
    {
        Assert.AreEqual(769, Sigmoid.Table.Length);
        Assert.AreEqual(Sigmoid.TableBytes, Sigmoid.Table.Length * sizeof(int));
        Assert.IsLessThanOrEqualTo(4096, Sigmoid.Table.Length * sizeof(int), "the table must fit 4 KiB");
        for (int k = 0; k < Sigmoid.Table.Length; k++)
        {
            int expected = (int)Math.Round(ExactSigmoid(k / 64.0) * (1 << 24), MidpointRounding.AwayFromZero);
            Assert.AreEqual(expected, Sigmoid.Table[k], $"entry {k}");
        }
    }

    [TestMethod]
    public void SigmoidIsWithinOneLsbOfTheExactFunctionOnEveryInput()
    {
        // Exhaustive over the table's range and one LSB beyond; outside it the output is the
        // constant 0 or 1 (checked below) and the exact σ only moves further towards it, so the
        // error there is largest at the boundary, which this sweep includes.
        double worst = 0;
        int worstInput = 0;
        for (int x = -Sigmoid.SaturationInput - 1; x <= Sigmoid.SaturationInput + 1; x++)
        {
            double error = Math.Abs(Q16.ToDouble(Sigmoid.Evaluate(x)) - ExactSigmoid(Q16.ToDouble(x)));
            if (error > worst)
            {
                worst = error;
                worstInput = x;
            }
        }

        Console.WriteLine($"sigmoid: max error {worst / Lsb:F4} LSB at x = {Q16.ToDouble(worstInput):R}");
        Assert.IsTrue(worst <= Lsb, $"max error {worst / Lsb} LSB");
        // The design budget is 0.7 LSB (0.5 rounding + 0.19 interpolation + entries).
        Assert.IsTrue(worst <= 0.7 * Lsb, $"max error {worst / Lsb} LSB exceeds the 0.7 LSB budget");
    }

    [TestMethod]
    public void SigmoidIsConstantBeyondTheTableAndHandlesTheExtremes()
    {
        Assert.AreEqual(Q16.One, Sigmoid.Evaluate(int.MaxValue));
        Assert.AreEqual(0, Sigmoid.Evaluate(int.MinValue));
        Assert.AreEqual(Q16.Half, Sigmoid.Evaluate(0));
        var random = new Random(3);
        for (int n = 0; n < 100_000; n++)
        {
            int beyond = random.Next(Sigmoid.SaturationInput, int.MaxValue);
            Assert.AreEqual(Q16.One, Sigmoid.Evaluate(beyond));
            Assert.AreEqual(0, Sigmoid.Evaluate(-beyond));
        }

        // At the extremes the exact function is even closer to the constants than at ±12.
        Assert.IsTrue(1 - ExactSigmoid(12) <= 0.41 * Lsb);
    }

    [TestMethod]
    public void SigmoidIsMonotoneAndSymmetric()
    {
        int previous = Sigmoid.Evaluate(-Sigmoid.SaturationInput - 1);
        for (int x = -Sigmoid.SaturationInput; x <= Sigmoid.SaturationInput + 1; x++)
        {
            int value = Sigmoid.Evaluate(x);
            Assert.IsTrue(value >= previous, $"not monotone at {x}");
            Assert.AreEqual(Q16.One, value + Sigmoid.Evaluate(-x), $"σ(x) + σ(-x) ≠ 1 at {x}");
            previous = value;
        }
    }

    [TestMethod]
    public void TanhIsWithinTwoLsbOfTheExactFunctionOnEveryInput()
    {
        double worst = 0;
        for (int x = -Tanh.SaturationInput - 1; x <= Tanh.SaturationInput + 1; x++)
        {
            double error = Math.Abs(Q16.ToDouble(Tanh.Evaluate(x)) - Math.Tanh(Q16.ToDouble(x)));
            worst = Math.Max(worst, error);
            Assert.AreEqual(-Tanh.Evaluate(x), Tanh.Evaluate(-x));
        }

        Console.WriteLine($"tanh: max error {worst / Lsb:F4} LSB");
        Assert.IsTrue(worst <= 2 * Lsb, $"max error {worst / Lsb} LSB");
        Assert.IsTrue(worst <= 0.95 * Lsb, $"max error {worst / Lsb} LSB exceeds the 0.9 LSB design budget");
        Assert.AreEqual(Q16.One, Tanh.Evaluate(int.MaxValue));
        Assert.AreEqual(-Q16.One, Tanh.Evaluate(int.MinValue));
        Assert.AreEqual(0, Tanh.Evaluate(0));
    }

    [TestMethod]
    public void EveryDerivativeIsAtMostTheSlopeBoundTheHiddenDeltasAssume()
    {
        // FinishPropagation chooses a hidden layer's exponent from its largest sum and the
        // activation's largest slope, 2^28 in Q2.30 for σ' ≤ ¼ and 2^30 for the others, and then
        // stores without a saturation test: that needs f'(z) ≤ the bound at every z. Swept at every
        // Q16.16 z in [-20, 20] (the tables, both tails and the zeros beyond 24 for σ') and at the
        // extremes; the bounds are reached at z = 0.
        int sigmoidLargest = 0, tanhLargest = 0;
        void Check(int z)
        {
            int sigmoid = Sigmoid.DerivativeQ30(z);
            int tanh = Activations.Derivative(Activation.Tanh, z);
            if (sigmoid < 0 || sigmoid > 1 << 28 || tanh < 0 || tanh > 1 << 30)
            {
                Assert.Fail($"z = {z}: σ' {sigmoid}, tanh' {tanh}");
            }

            sigmoidLargest = Math.Max(sigmoidLargest, sigmoid);
            tanhLargest = Math.Max(tanhLargest, tanh);
        }

        for (int z = -20 * Q16.One; z <= 20 * Q16.One; z++)
        {
            Check(z);
        }

        foreach (int z in new[] { int.MinValue, int.MinValue + 1, int.MaxValue, 24 * Q16.One, -24 * Q16.One })
        {
            Check(z);
        }

        Assert.AreEqual(1 << 28, sigmoidLargest);
        Assert.AreEqual(1 << 30, tanhLargest);
        foreach (Activation piecewiseLinear in new[] { Activation.Relu, Activation.LeakyRelu, Activation.Linear })
        {
            foreach (int z in new[] { int.MinValue, -1, 0, 1, int.MaxValue })
            {
                Assert.IsTrue(Activations.Derivative(piecewiseLinear, z) <= 1 << 30, $"{piecewiseLinear} at {z}");
            }
        }
    }

    [TestMethod]
    public void DerivativesAreQ230AndAccurateFromTheCentreToTheTails()
    {
        const double q30 = 1 << 30;
        double regenerated = Math.Round(Math.Exp(-12) * Math.Pow(2, 46));
        Assert.AreEqual((double)Sigmoid.ExpMinus12Q46, regenerated);
        // σ'(0) = 0.25 and tanh'(0) = 1 exactly; the (leaky) ReLU's left derivative at 0.
        Assert.AreEqual(1 << 28, Activations.Derivative(Activation.Sigmoid, 0));
        Assert.AreEqual(1 << 30, Activations.Derivative(Activation.Tanh, 0));
        Assert.AreEqual(1 << 30, Activations.Derivative(Activation.Relu, 1));
        Assert.AreEqual(0, Activations.Derivative(Activation.Relu, 0));
        Assert.AreEqual(655 << 14, Activations.Derivative(Activation.LeakyRelu, -5));
        Assert.AreEqual(1 << 30, Activations.Derivative(Activation.Linear, int.MinValue));
        Assert.AreEqual(0, Activations.Derivative(Activation.Sigmoid, int.MinValue));
        Assert.AreEqual(0, Activations.Derivative(Activation.Tanh, int.MaxValue));
        // Every input from -26 to 26 (step 3 LSB): the derivatives miss the exact ones by at most
        // the table's interpolation error (2.9e-6 for σ', 4·2.9e-6 for tanh') plus 2^-30 of
        // rounding, and by at most 1 % relative where they are small (the tails); tanh's tail is
        // 4 × a rounded Q2.30 value, so it may miss by 2^-29.
        double worstSigmoid = 0;
        double worstTanh = 0;
        for (int x = -26 * Q16.One; x <= 26 * Q16.One; x += 3)
        {
            double s = 1 / (1 + Math.Exp(-Math.Abs(Q16.ToDouble(x))));
            double exactSigmoid = s * (1 - s);
            double errorSigmoid = Math.Abs(Activations.Derivative(Activation.Sigmoid, x) / q30 - exactSigmoid);
            double t = Math.Tanh(Q16.ToDouble(x));
            double exactTanh = 4 * Math.Exp(-2 * Math.Abs(Q16.ToDouble(x))) / Math.Pow(1 + Math.Exp(-2 * Math.Abs(Q16.ToDouble(x))), 2);
            double errorTanh = Math.Abs(Activations.Derivative(Activation.Tanh, x) / q30 - exactTanh);
            worstSigmoid = Math.Max(worstSigmoid, errorSigmoid);
            worstTanh = Math.Max(worstTanh, errorTanh);
            Assert.IsLessThanOrEqualTo(0.01 * exactSigmoid + 3e-6 * Math.Min(1, 100 * exactSigmoid) + 1 / q30, errorSigmoid, $"σ' at {Q16.ToDouble(x)}");
            Assert.IsLessThanOrEqualTo(0.01 * exactTanh + 12e-6 * Math.Min(1, 100 * exactTanh) + 2 / q30, errorTanh, $"tanh' at {Q16.ToDouble(x)} (tanh {t})");
        }

        Console.WriteLine($"derivatives: max error σ' {worstSigmoid:E2}, tanh' {worstTanh:E2}");
        Assert.IsLessThanOrEqualTo(3e-6, worstSigmoid);
        Assert.IsLessThanOrEqualTo(12e-6, worstTanh);
    }

    [TestMethod]
    public void ReluFamilyAndLinearAreExactOrRoundedOnce()
    {
        Assert.AreEqual(0, Activations.Apply(Activation.Relu, -1));
        Assert.AreEqual(int.MaxValue, Activations.Apply(Activation.Relu, int.MaxValue));
        Assert.AreEqual(int.MinValue, Activations.Apply(Activation.Linear, int.MinValue));
        // 0.01·(-1.0) → -655 LSB; -32768 · 655/65536 = -327.5 → -328 (tie away from zero).
        Assert.AreEqual(-655, Activations.Apply(Activation.LeakyRelu, -Q16.One));
        Assert.AreEqual(-327 * Q16.One - Q16.Half, Activations.Apply(Activation.LeakyRelu, int.MinValue));
        Assert.AreEqual(Activations.LeakyReluSlope, Q16.FromDouble(0.01));
    }
}
