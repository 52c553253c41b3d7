using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

[TestClass]
public sealed class SoakTests
{
    [TestMethod]
    public void AShortSoakRecoversFromEveryDriftAndNeverWraps()
    {
        // 200,000 steps, a drift every 40,000 (the full 10^7-step soak is `nanobackprop soak`).
        var result = Soak.Run(200_000, 40_000, 1);
        Soak.Write(Console.Out, result);
        Assert.AreEqual(0L, result.InvalidProbabilities);
        Assert.IsLessThanOrEqualTo(Network.MaxWeight, result.LargestWeight);
        // 2 % label noise is the floor; every segment ends within 2 points of it.
        Assert.IsTrue(result.SegmentErrors.All(e => e < 0.04), string.Join(", ", result.SegmentErrors));
        Assert.AreEqual(0, result.Rollbacks, "drift is not divergence");
    }
}
