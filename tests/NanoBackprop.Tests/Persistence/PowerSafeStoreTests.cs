namespace NanoBackprop.Tests;

[TestClass]
public sealed class PowerSafeStoreTests
{
    /// <summary>Two in-memory slots; a write can be made to throw or to stop after N bytes.</summary>
    private sealed class FlakyStorage : IModelStorage
    {
        public readonly byte[][] Slots = { Array.Empty<byte>(), Array.Empty<byte>() };
        public int CutAfter = -1;
        public bool ThrowOnCut;
        public int Writes;

        public int Read(int slot, byte[] buffer)
        {
            int count = Math.Min(Slots[slot].Length, buffer.Length);
            Array.Copy(Slots[slot], buffer, count);
            return count;
        }

        public void Write(int slot, byte[] data, int count)
        {
            Writes++;
            if (CutAfter >= 0 && CutAfter < count)
            {
                // The slot's old content is partly overwritten, as flash would be mid-write.
                var torn = Slots[slot].Length >= count ? (byte[])Slots[slot].Clone() : new byte[count];
                Array.Copy(data, torn, CutAfter);
                Slots[slot] = ThrowOnCut ? torn : torn.AsSpan(0, CutAfter).ToArray();
                if (ThrowOnCut)
                {
                    throw new IOException("power lost after " + CutAfter + " bytes");
                }

                return;
            }

            Slots[slot] = data.AsSpan(0, count).ToArray();
        }
    }

    // With `narrow`: 16-bit weights and the first layer frozen (model blob version 3's fields).
    private static OnlineLearner Learner(int seed, bool narrow = false) =>
        new(new Network(new[] { 2, 4, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed,
            narrow ? NetworkOptions.NarrowWeights : NetworkOptions.None, narrow ? 1 : 0), new LearnerOptions());

    private static void Feed(OnlineLearner learner, int seed, int count)
    {
        var random = new Random(seed);
        for (int k = 0; k < count; k++)
        {
            int[] reading = { random.Next(-100, 100), random.Next(-100, 100) };
            learner.Learn(reading, new[] { reading[0] > reading[1] ? Q16.One : 0 });
        }
    }

    [TestMethod]
    public void SavesAlternateSlotsAndTheNewestLoads()
    {
        var storage = new FlakyStorage();
        var learner = Learner(1);
        var store = new PowerSafeModelStore(storage, learner);
        Assert.IsFalse(new PowerSafeModelStore(storage, Learner(2)).Load(), "empty storage holds no model");
        Feed(learner, 1, 50);
        store.Save();
        Assert.AreEqual(1u, store.Sequence);
        Assert.AreEqual(store.SlotBytes, storage.Slots[0].Length);
        Assert.IsEmpty(storage.Slots[1]);
        Feed(learner, 2, 50);
        store.Save();
        string second = NetworkState.CaptureDurable(learner);
        Assert.AreEqual(2u, store.Sequence);
        Assert.AreEqual(store.SlotBytes, storage.Slots[1].Length);

        var rebooted = Learner(3);
        var rebootedStore = new PowerSafeModelStore(storage, rebooted);
        Assert.IsTrue(rebootedStore.Load());
        Assert.AreEqual(2u, rebootedStore.Sequence);
        Assert.AreEqual(second, NetworkState.CaptureDurable(rebooted));
        // The next save goes to the older slot (0) with sequence 3.
        rebootedStore.Save();
        Assert.AreEqual(3u, ModelBlob.GetUInt32(storage.Slots[0], 4));
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void ACutAtEveryByteStillLoadsThePreviousModel(bool narrow)
    {
        foreach (bool throwOnCut in new[] { true, false })
        {
            var storage = new FlakyStorage();
            var learner = Learner(4, narrow);
            var store = new PowerSafeModelStore(storage, learner);
            Feed(learner, 4, 30);
            store.Save();
            Feed(learner, 5, 30);
            store.Save();
            string saved = NetworkState.CaptureDurable(learner);
            Feed(learner, 6, 30);
            int slotBytes = store.SlotBytes;
            for (int cut = 0; cut < slotBytes; cut++)
            {
                var slotsBefore = new[] { (byte[])storage.Slots[0].Clone(), (byte[])storage.Slots[1].Clone() };
                storage.CutAfter = cut;
                storage.ThrowOnCut = throwOnCut;
                try
                {
                    store.Save();
                }
                catch (IOException)
                {
                    Assert.IsTrue(throwOnCut);
                }
                catch (InvalidOperationException error)
                {
                    // A write that stopped silently is caught by the read-back.
                    Assert.IsFalse(throwOnCut);
                    StringAssert.Contains(error.Message, "did not read back intact");
                }

                storage.CutAfter = -1;
                var rebooted = Learner(7, narrow);
                Assert.IsTrue(new PowerSafeModelStore(storage, rebooted).Load(), $"cut at {cut}");
                Assert.AreEqual(saved, NetworkState.CaptureDurable(rebooted), $"cut at byte {cut} ({(throwOnCut ? "throws" : "stops")})");
                storage.Slots[0] = slotsBefore[0];
                storage.Slots[1] = slotsBefore[1];
            }

            // After all that, a complete save is the newest model.
            store.Save();
            var final = Learner(8, narrow);
            Assert.IsTrue(new PowerSafeModelStore(storage, final).Load());
            Assert.AreEqual(NetworkState.CaptureDurable(learner), NetworkState.CaptureDurable(final));
        }
    }

    [TestMethod]
    public void SequenceNumbersCompareAcrossWrapAround()
    {
        var storage = new FlakyStorage();
        var learner = Learner(9);
        var store = new PowerSafeModelStore(storage, learner);
        store.Save();
        store.Save();
        // Pretend the counter is about to wrap: slot 1 holds 0xFFFFFFFF, slot 0 the wrapped 0.
        RewriteSequence(storage.Slots[1], 0xFFFFFFFFu);
        RewriteSequence(storage.Slots[0], 0u);
        var rebooted = Learner(10);
        var rebootedStore = new PowerSafeModelStore(storage, rebooted);
        Assert.IsTrue(rebootedStore.Load());
        Assert.AreEqual(0u, rebootedStore.Sequence, "0 follows 0xFFFFFFFF");
    }

    private static void RewriteSequence(byte[] slot, uint sequence)
    {
        ModelBlob.PutUInt32(slot, 4, sequence);
        ModelBlob.PutUInt32(slot, slot.Length - 4, Crc32.Compute(slot, 0, slot.Length - 4));
    }
}
