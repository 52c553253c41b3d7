namespace NanoBackprop.Tests;

[TestClass]
public sealed class PersistenceTests
{
    /// <summary>A learner with every optional part that the blob must carry; with
    /// <paramref name="narrow"/>, 16-bit weights and the first layer frozen (version 3's fields).</summary>
    private static OnlineLearner FullLearner(int seed, bool regression = false, bool narrow = false)
    {
        NetworkOptions extra = narrow ? NetworkOptions.NarrowWeights : NetworkOptions.None;
        int frozen = narrow ? 1 : 0;
        var network = regression
            ? new Network(new[] { 3, 6, 2 }, Activation.Tanh, Activation.Linear, Loss.MeanSquaredError, seed, NetworkOptions.Momentum | NetworkOptions.GradientAccumulation | extra, frozen)
            : new Network(new[] { 3, 6, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed, NetworkOptions.Momentum | extra, frozen);
        var learner = new OnlineLearner(network, new LearnerOptions
        {
            Task = regression ? LearnerTask.Regression : LearnerTask.Classification,
            ClassBalance = !regression,
            BatchSize = regression ? 3 : 1,
            DivergenceGuard = true,
            SnapshotInterval = 16,
        });
        network.Momentum = Q16.FromDouble(0.5);
        network.StochasticRounding = true;
        return learner;
    }

    private static void Feed(OnlineLearner learner, Random random, int count)
    {
        for (int k = 0; k < count; k++)
        {
            int[] reading = { random.Next(-500, 500), random.Next(0, 4000), random.Next(100, 200) };
            int[] target = learner.Task == LearnerTask.Regression
                ? new[] { reading[0] + reading[2], reading[1] - reading[0] }
                : new[] { reading[0] > 0 ? Q16.One : 0 };
            learner.Learn(reading, target);
        }
    }

    [TestMethod]
    public void Crc32MatchesTheStandardCheckValue()
    {
        byte[] check = System.Text.Encoding.ASCII.GetBytes("123456789");
        Assert.AreEqual(0xCBF43926u, Crc32.Compute(check, 0, check.Length));
    }

    // Crc32 looks up four bits at a time in a 16-entry table; the definition takes one bit at a
    // time. Every single byte (each nibble entry in both positions) and random runs of every
    // length to 300 at random offsets, including the empty run.
    [TestMethod]
    public void Crc32EqualsTheBitByBitDefinition()
    {
        static uint BitByBit(byte[] data, int offset, int count)
        {
            uint crc = 0xFFFFFFFFu;
            for (int i = offset; i < offset + count; i++)
            {
                crc ^= data[i];
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                }
            }

            return ~crc;
        }

        for (int value = 0; value < 256; value++)
        {
            byte[] one = { (byte)value };
            Assert.AreEqual(BitByBit(one, 0, 1), Crc32.Compute(one, 0, 1), $"byte {value}");
        }

        var random = new Random(32);
        byte[] data = new byte[320];
        for (int length = 0; length <= 300; length++)
        {
            random.NextBytes(data);
            int offset = random.Next(0, 20);
            Assert.AreEqual(BitByBit(data, offset, length), Crc32.Compute(data, offset, length), $"{length} bytes from {offset}");
        }
    }

    [TestMethod]
    [DataRow(false, false)]
    [DataRow(true, false)]
    [DataRow(false, true)]
    [DataRow(true, true)]
    public void ARestoredLearnerResumesBitExactly(bool regression, bool narrow)
    {
        // Train, save, "reset the board" (a fresh learner built by the same code), load, and run
        // both on the same stream: every bit of state must stay equal, PRNG and all.
        var original = FullLearner(1, regression, narrow);
        Feed(original, new Random(1), 500);
        byte[] blob = new byte[ModelBlob.SizeOf(original) + 7];
        long before = GC.GetAllocatedBytesForCurrentThread();
        int written = ModelBlob.Write(original, blob, 7);
        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before, "Write allocates nothing");
        Assert.AreEqual(ModelBlob.SizeOf(original), written);
        string savedNetwork = NetworkState.CaptureDurable(original.Network);

        var restored = FullLearner(99, regression, narrow);
        before = GC.GetAllocatedBytesForCurrentThread();
        ModelBlob.Read(restored, blob, 7, written);
        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before, "Read allocates nothing");
        Assert.AreEqual(NetworkState.CaptureDurable(original), NetworkState.CaptureDurable(restored));

        Feed(original, new Random(2), 300);
        Feed(restored, new Random(2), 300);
        Assert.AreEqual(NetworkState.Capture(original), NetworkState.Capture(restored));
        Assert.IsGreaterThan(0L, restored.Samples - 500);
        var description = new ModelDescription(blob, 7, written);
        Assert.AreEqual(4, description.FormatVersion);
        Assert.AreEqual(narrow ? 1 : 0, description.FrozenLayers);
        Assert.AreEqual(narrow, (description.NetworkOptions & NetworkOptions.NarrowWeights) != 0);
        var rebuilt = description.CreateLearner(new LearnerOptions());
        ModelBlob.Read(rebuilt, blob, 7, written);
        Assert.AreEqual(savedNetwork, NetworkState.CaptureDurable(rebuilt.Network), "CreateLearner rebuilds the structure, frozen layers and 16-bit weights included");
    }

    [TestMethod]
    public void RejectedBlobsLeaveTheLearnerUnchangedAndSayWhy()
    {
        var source = FullLearner(3);
        Feed(source, new Random(3), 200);
        byte[] blob = new byte[ModelBlob.SizeOf(source)];
        ModelBlob.Write(source, blob, 0);

        var live = FullLearner(4);
        Feed(live, new Random(4), 100);
        string before = NetworkState.Capture(live);

        void Rejects(byte[] bytes, int count, string fragment)
        {
            var error = Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(live, bytes, 0, count));
            StringAssert.Contains(error.Message, fragment);
            Assert.AreEqual(before, NetworkState.Capture(live), fragment);
        }

        byte[] Mutated(int index, byte value)
        {
            byte[] copy = (byte[])blob.Clone();
            copy[index] = value;
            return copy;
        }

        Rejects(Mutated(0, (byte)'X'), blob.Length, "wrong magic");
        Rejects(Mutated(4, 5), blob.Length, "format version 5; this library reads versions 1 to 4");
        Rejects(Mutated(4, 0), blob.Length, "format version 0; this library reads versions 1 to 4");
        Rejects(Mutated(6, 8), blob.Length, "8 fractional bits");
        Rejects(Mutated(7, 4), blob.Length, "4 layers; the network has 3");
        Rejects(Mutated(10, 7), blob.Length, "layer 1 has 7 neurons");
        Rejects(Mutated(blob.Length / 2, (byte)(blob[blob.Length / 2] ^ 0x10)), blob.Length, "CRC mismatch");
        Rejects(blob, blob.Length - 1, "truncated or padded");
        Rejects(blob, 5, "too short");
        var grown = new byte[blob.Length + 4];
        blob.CopyTo(grown, 0);
        Rejects(grown, grown.Length, "truncated or padded");

        // A blob for another topology or options never loads.
        var other = new OnlineLearner(new Network(new[] { 3, 7, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, NetworkOptions.Momentum), new LearnerOptions { DivergenceGuard = true });
        string otherBefore = NetworkState.Capture(other);
        Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(other, blob, 0, blob.Length));
        Assert.AreEqual(otherBefore, NetworkState.Capture(other));

        // A value out of range behind a valid CRC (a blob from a buggy writer) is caught too.
        var liar = (byte[])blob.Clone();
        int weightOffset = 8 + 2 * 3 + 10 + 21;
        ModelBlob.PutInt32(liar, weightOffset, Network.MaxWeight + 1);
        ModelBlob.PutUInt32(liar, liar.Length - 4, Crc32.Compute(liar, 0, liar.Length - 4));
        Rejects(liar, liar.Length, "weight is beyond ±128.0");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void FuzzedBlobsOnlyEverRaiseTheDocumentedException(bool narrow)
    {
        var source = FullLearner(5, narrow: narrow);
        Feed(source, new Random(5), 100);
        byte[] valid = new byte[ModelBlob.SizeOf(source)];
        ModelBlob.Write(source, valid, 0);
        var live = FullLearner(6, narrow: narrow);
        string before = NetworkState.Capture(live);
        var random = new Random(5);
        byte[] buffer = new byte[valid.Length + 64];
        int rejected = 0;
        int accepted = 0;
        long worstAllocation = 0;
        for (int trial = 0; trial < 100_000; trial++)
        {
            int count;
            switch (trial % 4)
            {
                case 0:
                    // Random bytes of a random length.
                    count = random.Next(buffer.Length + 1);
                    random.NextBytes(buffer.AsSpan(0, count));
                    break;
                case 1:
                    // A few bit flips in a valid blob.
                    count = valid.Length;
                    valid.CopyTo(buffer, 0);
                    for (int flips = random.Next(1, 4); flips > 0; flips--)
                    {
                        buffer[random.Next(count)] ^= (byte)(1 << random.Next(8));
                    }

                    break;
                case 2:
                    // Truncated.
                    count = random.Next(valid.Length);
                    valid.CopyTo(buffer, 0);
                    break;
                default:
                    // Grown, or its header's sizes rewritten, CRC recomputed so parsing goes deep.
                    count = valid.Length + random.Next(-8, 9);
                    count = Math.Clamp(count, 0, buffer.Length);
                    valid.AsSpan(0, Math.Min(count, valid.Length)).CopyTo(buffer);
                    buffer[8 + 2 * random.Next(3)] = (byte)random.Next(256);
                    buffer[random.Next(Math.Max(1, count))] = (byte)random.Next(256);
                    if (count >= 4)
                    {
                        ModelBlob.PutUInt32(buffer, count - 4, Crc32.Compute(buffer, 0, count - 4));
                    }

                    break;
            }

            long allocated = AllocationOfRead(live, buffer, count, out bool loaded);
            if (allocated >= 4096)
            {
                // Once in a while the runtime allocates on this thread while an exception is
                // thrown (measured once: above 4 KiB, in a full suite run, not reproducible). The
                // same input again shows whether the loader itself allocates that much: a rejected
                // blob leaves the learner as it was, and an accepted one loads the same model.
                allocated = Math.Min(allocated, AllocationOfRead(live, buffer, count, out _));
            }

            worstAllocation = Math.Max(worstAllocation, allocated);
            if (!loaded)
            {
                rejected++;
            }

            if (loaded)
            {
                // Only a mutation that left a valid model for this learner loads (e.g. a rewritten
                // byte equal to the old one); the live state is then that model's.
                accepted++;
                before = NetworkState.Capture(live);
            }
            else if (trial % 1000 == 0)
            {
                Assert.AreEqual(before, NetworkState.Capture(live), $"trial {trial}");
            }
        }

        Console.WriteLine($"loader fuzz: {rejected} rejected, {accepted} accepted (mutations that left a valid model), largest allocation {worstAllocation} bytes (the exception and its message)");
        Assert.AreEqual(100_000, rejected + accepted);
        Assert.IsGreaterThan(95_000, rejected);
        Assert.IsLessThan(4096L, worstAllocation);
        Assert.AreEqual(before, NetworkState.Capture(live));
    }

    // Bytes allocated on this thread by one ModelBlob.Read of the blob (its exception included).
    private static long AllocationOfRead(OnlineLearner live, byte[] buffer, int count, out bool loaded)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        loaded = false;
        try
        {
            ModelBlob.Read(live, buffer, 0, count);
            loaded = true;
        }
        catch (InvalidModelException)
        {
        }

        return GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    }
}

[TestClass]
public sealed class PersistenceArgumentTests
{
    private static OnlineLearner Learner() =>
        new(new Network(new[] { 2, 3, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 1, NetworkOptions.None), new LearnerOptions());

    [TestMethod]
    public void WriteRejectsASmallBufferWithoutWritingAByte()
    {
        var learner = Learner();
        int size = ModelBlob.SizeOf(learner);
        byte[] buffer = Enumerable.Repeat((byte)0xAB, size + 3).ToArray();
        var error = Assert.ThrowsExactly<ArgumentException>(() => ModelBlob.Write(learner, buffer, 4));
        StringAssert.Contains(error.Message, $"needs {size} bytes from offset 4");
        Assert.IsTrue(buffer.All(b => b == 0xAB), "nothing written");
        Assert.ThrowsExactly<ArgumentNullException>(() => ModelBlob.Write(learner, null!, 0));
        Assert.ThrowsExactly<ArgumentNullException>(() => ModelBlob.SizeOf(null!));
        Assert.ThrowsExactly<ArgumentNullException>(() => ModelBlob.Read(learner, null!, 0, 0));
        Assert.AreEqual("count", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ModelBlob.Read(learner, new byte[10], 8, 10)).ParamName);
    }

    [TestMethod]
    public void DescriptionsAndStoresRejectBadArguments()
    {
        var learner = Learner();
        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, blob, 0);
        var description = new ModelDescription(blob, 0, blob.Length);
        Assert.AreEqual(3, description.LayerCount);
        Assert.AreEqual(3, description.GetLayerSize(1));
        Assert.IsTrue(description.CrcValid);
        Assert.AreEqual(LearnerTask.Classification, description.Task);
        blob[20] ^= 1;
        Assert.IsFalse(new ModelDescription(blob, 0, blob.Length).CrcValid);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidModelException>(() => new ModelDescription(new byte[12], 0, 12)).Message, "wrong magic");
        Assert.ThrowsExactly<InvalidModelException>(() => new ModelDescription(blob, 0, 4));
        Assert.ThrowsExactly<ArgumentNullException>(() => new ModelDescription(null!, 0, 0));
        Assert.ThrowsExactly<ArgumentNullException>(() => new PowerSafeModelStore(null!, learner));
        Assert.ThrowsExactly<ArgumentNullException>(() => new PowerSafeModelStore(new NullStorage(), null!));
    }

    private sealed class NullStorage : IModelStorage
    {
        public int Read(int slot, byte[] buffer) => 0;

        public void Write(int slot, byte[] data, int count)
        {
        }
    }
}
