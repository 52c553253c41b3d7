namespace NanoBackprop.Tests;

[TestClass]
public sealed class ReadmeExampleTests
{
    [TestMethod]
    public void TheReadmeUsageExampleRunsAndLearns()
    {
        // The README's ten lines, then the same step repeated: the loss must fall.
        var network = new Network(new[] { 5, 8, 1 }, Activation.Sigmoid, Activation.Sigmoid,
            Loss.BinaryCrossEntropy, seed: 42, NetworkOptions.None);
        network.LearningRate = Q16.FromDouble(0.1);
        int[] reading = { Q16.FromDouble(0.3), 0, Q16.One, -Q16.Half, 0 };
        int[] occupied = { Q16.One };
        int[] prediction = network.Forward(reading);
        int first = network.Learn(reading, occupied);
        Assert.IsTrue(prediction[0] > 0 && prediction[0] < Q16.One);
        int last = first;
        for (int step = 0; step < 200; step++)
        {
            last = network.Learn(reading, occupied);
        }

        Assert.IsLessThan(first / 4, last, $"½(y - t)² went from {first} to {last} LSB");
    }
}
