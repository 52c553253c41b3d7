namespace NanoBackprop.Tests;

/// <summary>
/// Version 3's new fields pinned: 16-bit weights (scale changes, exponents, i16 weights) and
/// frozen layers (the options byte's high 4 bits, no velocities, gradients or snapshot entries
/// for them). Three learners trained on a fixed stream; their version-3 blobs are stored (hex) so
/// that a later format version must keep reading them.
/// </summary>
[TestClass]
public sealed class BlobVersion3NarrowFixtures
{
    // 16-bit lean; 16-bit with momentum, layer 0 frozen and the guard; 32-bit with gradients and
    // momentum, layer 0 frozen and the guard. Printed by Written() at the commit that added them.
    internal static readonly string[] Hex =
    {
        "4E42504D0300100403000500040001000100010800010001000E201A000000000000010E6B7BB300000000000000000300000002D73EC51DC4EDF8B92FDFD2FD68CB6400830AEE54830FC0F702E901F59702013CF1523706F601CE96011CBFBB1D044AA3B32C0C3A543594E7C53B6608D6142F45C17EC9CF50E2080213DF70BBE072563E820200005AF2FFFF9000000058FFFFFFE2FDFFFFFE0100007F030000560A000048FEFFFF2CFDFFFFC800000000000000C800000000000000000000000F910000000000001C9E7000000000006200000000000000660000000000000000000000000000C800000000000000000000000000000000000000000957E6FFFFFFFFFFE5CFF35B010000002AFCFD070000000099EF0285130000004E9895000000000034BA72030000000035B13D94",
        "4E42504D0300100403000500040001000100011A00010001010EED170000008000000186DC9B4300000000000000000400000001C93EE809C3E5312ABFE763185A2B9DDDDB3C69BA8242024524EE46C5191402B9351B0294093FEBC6D1D43E35F8BD11CA01DAE33B4482243C1A750B04AD46660F35971091069C8C03C621DD1D8D352C51000000000000000000000000000000000000000063DDFFFF72DFFFFF5FBDFFFFC193FFFF62ECFFFFC1FFFFFF17FEFFFF90FDFFFF2D03000065FDFFFFC8FFFFFF48FEFFFFCEFDFFFFD0020000ADFDFFFF84FFFFFFFDFCFFFF28FCFFFFDB0400000EFCFFFF30FFFFFF8AFBFFFF54FAFFFF2807000045FAFFFFBEFFFFFF1D000000C60000002E01000067FEFFFF7BFEFFFFF3FCFFFF40FBFFFF5EFEFFFFC800000000000000C80000000000000000000000A1810000000000001EFD6E00000000005D000000000000006B0000000000000000000000000100020000001B365F05C20DC7E54AD62A3F1DFB7715F7FCDCE70645AE29DC201B03D4B3AA67D43C7F1A26FA979603000000F721BE1DD434125088E9FFFFDAEAFFFFE7D3FFFF80B6FFFF97F8FFFFC800000000000000000000000000000000000000007AD4E6FFFFFFFFFF7BFDFF7D01000000CD6C1B0800000000DC70977D160000007AD492000000000087CB080300000000C000000000000000FF67E8FFFFFFFFFFAB0E1E08000000005459920000000000075223830100000096740BF61500000045DE160300000000BD912CAB",
        "4E42504D0300100403000500040001000100011300010001010E9A1900000080000000F9F3321A1400000000000000BB8DFFFF35B2FFFF8FF9FFFFCF8A000097B1FFFF5C2D0000D47FFFFF6990FFFFC4450000D78E0000B8160000890A000053E2FFFFE3350000E574FFFF695DFFFF03320000E5E1FEFFAA780000B183FFFFE9F7FEFF4C800000D8A9FEFFD8540100D94FFFFF024BFFFF5F6A00003E87FFFFD0B7000092BBFFFF247A00006B6FFFFFC28F0000A8D3FFFF47F6FFFF715A0100BD7A0200972E0100543FFFFF00000000000000000000000000000000000000009A0D000040190000EB0C000026EDFFFF6E0B000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000E33A0000000000006473000000000000813500000000000002DAFFFFFFFFFFFF0D1F000000000000F12E000000000000301F00000000000025EDFFFFFFFFFFFFFF0E000000000000D8FFFFFFE2FFFFFFB4FFFFFF150000003E000000C6FFFFFFA7FFFFFF84FFFFFF0A0000007A000000DAFFFFFFE2FFFFFFB8FFFFFF120000003C0000001B0000000C00000030000000F0FFFFFFDDFFFFFF58000000570000003F000000B9FFFFFF93000000EB00000088000000A5FFFFFFA2000000C800000000000000C80000000000000000000000EA6D00000000000032C56E00000000006400000000000000640000000000000000000000000100B764FFFFC03B00005AEEFEFF547700003679FFFF5E05FFFF7B940000B5C1FEFF44530100B83AFFFFD051FFFFA37300002E93FFFF96B600003FB1FFFFDD750000E469FFFF6E8800008AD4FFFF63FCFFFFEE520100F0740200652C0100AA43FFFF61F9FFFFDAF0FFFF22F9FFFF03F9FFFF66FAFFFFC800000000000000000000000000000000000000006A66FBFFFFFFFFFF5295ED480100000009D7FC0700000000D6BA043B15000000CDAC910000000000498C960300000000C000000000000000AE1EF7FFFFFFFFFFAAF2F707000000005625920000000000825B424201000000BDCE9D2B15000000B2499F0300000000490A5936",
    };

    private static (NetworkOptions Options, int Frozen, bool Guard)[] Cases() => new[]
    {
        (NetworkOptions.NarrowWeights, 0, false),
        (NetworkOptions.NarrowWeights | NetworkOptions.Momentum, 1, true),
        (NetworkOptions.GradientAccumulation | NetworkOptions.Momentum, 1, true),
    };

    private static OnlineLearner Build(int seed, NetworkOptions options, int frozen, bool guard)
    {
        var network = new Network(new[] { 3, 5, 4, 1 }, Activation.Tanh, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed, options, frozen);
        var learner = new OnlineLearner(network, new LearnerOptions { DivergenceGuard = guard, SnapshotInterval = 16 });
        network.Momentum = (options & NetworkOptions.Momentum) != 0 ? Q16.FromDouble(0.5) : 0;
        network.StochasticRounding = (options & NetworkOptions.NarrowWeights) != 0;
        return learner;
    }

    private static byte[] Written(int n)
    {
        (NetworkOptions options, int frozen, bool guard) = Cases()[n];
        OnlineLearner learner = Build(3 + n, options, frozen, guard);
        var random = new Random(40 + n);
        for (int k = 0; k < 200; k++)
        {
            int[] reading = { random.Next(-500, 500), random.Next(0, 4000), random.Next(100, 200) };
            learner.Learn(reading, new[] { reading[0] + reading[1] / 8 > 250 ? Q16.One : 0 });
            if ((options & NetworkOptions.GradientAccumulation) != 0 && k % 10 == 9)
            {
                learner.Network.Forward(new[] { 0, 0, 0 });
                learner.Network.Backward(new[] { Q16.Half }, Loss.BinaryCrossEntropy);
            }
        }

        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, blob, 0);
        return blob;
    }

    [TestMethod]
    public void TheStoredBytesLoadAndTheCurrentBlobsLoadBack()
    {
        for (int n = 0; n < Cases().Length; n++)
        {
            (NetworkOptions options, int frozen, bool guard) = Cases()[n];

            // The stored version-3 bytes load; written as version 4 they are the same fields with
            // the version field 4 and the robust start appended (no kept readings: zeros).
            byte[] stored = Convert.FromHexString(Hex[n]);
            var description = new ModelDescription(stored, 0, stored.Length);
            Assert.AreEqual(3, description.FormatVersion);
            Assert.AreEqual(frozen, description.FrozenLayers);
            Assert.AreEqual(options, description.NetworkOptions);
            var loaded = Build(99, options, frozen, guard);
            ModelBlob.Read(loaded, stored, 0, stored.Length);
            byte[] version4 = new byte[ModelBlob.SizeOf(loaded)];
            ModelBlob.Write(loaded, version4, 0);
            int robustStart = RobustStartTests.RobustStartBytes(3);
            Assert.AreEqual(stored.Length + robustStart, version4.Length, $"learner {n}: size");
            Assert.AreEqual(4, version4[4]);
            CollectionAssert.AreEqual(stored[6..^4], version4[6..(stored.Length - 4)], $"learner {n}: the version-3 fields");
            Assert.IsTrue(version4[^(robustStart + 4)..^4].All(b => b == 0), $"learner {n}: no kept readings");

            // Today's blob of the same steps is version 4 and reads back to the same bytes.
            byte[] blob = Written(n);
            Assert.AreEqual(4, new ModelDescription(blob, 0, blob.Length).FormatVersion);
            Assert.AreEqual(version4.Length, blob.Length);
            var copy = Build(98, options, frozen, guard);
            ModelBlob.Read(copy, blob, 0, blob.Length);
            byte[] again = new byte[ModelBlob.SizeOf(copy)];
            ModelBlob.Write(copy, again, 0);
            CollectionAssert.AreEqual(blob, again, $"learner {n}: written again after Read");
        }
    }

    [TestMethod]
    public void ABlobOfOneWidthOrFrozenCountIsRefusedByAnotherAndChangesNothing()
    {
        byte[] narrow = Convert.FromHexString(Hex[1]);
        foreach ((NetworkOptions options, int frozen) in new[] { (NetworkOptions.Momentum, 1), (NetworkOptions.NarrowWeights | NetworkOptions.Momentum, 0), (NetworkOptions.NarrowWeights | NetworkOptions.Momentum, 2) })
        {
            var live = Build(5, options, frozen, true);
            string before = NetworkState.Capture(live);
            var error = Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(live, narrow, 0, narrow.Length));
            StringAssert.Contains(error.Message, "network options");
            Assert.AreEqual(before, NetworkState.Capture(live));
        }
    }
}
