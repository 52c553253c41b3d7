using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// A corrupt model blob on the device: a flipped bit (CRC), a truncated or padded blob, a wrong
    /// magic, version or Q format, and a blob for another topology or options are each refused with
    /// <see cref="InvalidModelException"/>, whose message names the problem, and the live learner
    /// keeps every bit (its own blob's fingerprint before == after). The good blob still loads.
    /// </summary>
    /// <remarks>
    /// The learners are <see cref="ModelBlobRoundTripTests.CreateLearner"/>'s 3-6-1 classifier with
    /// momentum and the guard (an 801-byte blob). The source learned 100 samples of stream 1 (seed 5),
    /// the live one 50 of stream 2 (seed 6). Expected fingerprints: the desktop shim's run of these
    /// tests (`dotnet test tests/NanoBackprop.DeviceTests.Desktop --filter ModelBlobRejectionTests
    /// --logger "console;verbosity=detailed"`), copied here.
    /// </remarks>
    [TestClass]
    public class ModelBlobRejectionTests
    {
        /// <summary>Fingerprint of the source learner's blob (what the live learner holds after a good Read).</summary>
        public const uint ExpectedSourceFingerprint = 266660141u; // blob version 4 (1543907021 in version 3, 4171563730 in version 2, 3219637506 in version 1)

        /// <summary>Fingerprint of the live learner's blob, which every rejection must leave as it is.</summary>
        public const uint ExpectedLiveFingerprint = 1726239500u; // blob version 4 (3398264901 in version 3, 2817947753 in version 2, 768992393 in version 1)

        // Offsets in the blob of a 3-layer learner: "NBPM" 0-3, version 4-5, fractional bits 6,
        // layer count 7, layer sizes 8-13, hidden activation 14; the first weight at 45.
        private const int VersionOffset = 4;
        private const int FractionalBitsOffset = 6;
        private const int LayerCountOffset = 7;
        private const int HiddenLayerSizeOffset = 10;
        private const int HiddenActivationOffset = 14;
        private const int FirstWeightOffset = 45;

        private static OnlineLearner reader;
        private static byte[] pending;
        private static int pendingCount;

        [TestMethod]
        public void AFlippedBitFailsTheCrcAndChangesNothing()
        {
            byte[] blob = SourceBlob();
            OnlineLearner live = LiveLearner();
            AssertRejected(live, Flipped(blob, blob.Length / 2, 0x10), blob.Length, "CRC mismatch");
            AssertRejected(live, Flipped(blob, FirstWeightOffset, 0x01), blob.Length, "CRC mismatch");
            AssertRejected(live, Flipped(blob, blob.Length - 1, 0x80), blob.Length, "CRC mismatch");
            AssertLoads(live, blob);
        }

        [TestMethod]
        public void ATruncatedOrPaddedBlobIsRejectedAndChangesNothing()
        {
            byte[] blob = SourceBlob();
            OnlineLearner live = LiveLearner();
            AssertRejected(live, blob, blob.Length - 1, "truncated or padded");
            AssertRejected(live, blob, blob.Length / 2, "truncated or padded");
            AssertRejected(live, blob, 5, "too short");
            byte[] padded = new byte[blob.Length + 4];
            System.Array.Copy(blob, padded, blob.Length);
            AssertRejected(live, padded, padded.Length, "truncated or padded");
            AssertLoads(live, blob);
        }

        [TestMethod]
        public void AWrongMagicVersionOrFormatIsRejectedAndChangesNothing()
        {
            byte[] blob = SourceBlob();
            OnlineLearner live = LiveLearner();
            AssertRejected(live, Replaced(blob, 0, (byte)'X'), blob.Length, "wrong magic");
            AssertRejected(live, Replaced(blob, VersionOffset, 5), blob.Length, "format version 5");
            AssertRejected(live, Replaced(blob, FractionalBitsOffset, 8), blob.Length, "8 fractional bits");
            AssertLoads(live, blob);
        }

        [TestMethod]
        public void ABlobForAnotherTopologyOrOptionsIsRejectedAndChangesNothing()
        {
            byte[] blob = SourceBlob();
            OnlineLearner live = LiveLearner();
            AssertRejected(live, Replaced(blob, LayerCountOffset, 4), blob.Length, "4 layers; the network has 3");
            AssertRejected(live, Replaced(blob, HiddenLayerSizeOffset, 7), blob.Length, "layer 1 has 7 neurons");
            AssertRejected(live, Replaced(blob, HiddenActivationOffset, (byte)Activation.Tanh), blob.Length, "hidden activation");

            // Learners built another way: 7 hidden neurons, or no divergence guard (no snapshot).
            Network wider = new Network(new int[] { 3, 7, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 5, NetworkOptions.Momentum);
            LearnerOptions guarded = new LearnerOptions();
            guarded.DivergenceGuard = true;
            // The first field that differs is named, before the size (issue 12 item 6).
            AssertRejected(new OnlineLearner(wider, guarded), blob, blob.Length, "Model: layer 1 has 6 neurons; the network has 7.");
            Network unguardedNetwork = new Network(new int[] { 3, 6, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 5, NetworkOptions.Momentum);
            AssertRejected(new OnlineLearner(unguardedNetwork, new LearnerOptions()), blob, blob.Length, "Model: divergence guard is 1; the learner has 0.");
            AssertLoads(live, blob);
        }

        [TestMethod]
        public void AnOutOfRangeWeightBehindAValidCrcIsRejectedAndChangesNothing()
        {
            // A blob from a buggy writer: the CRC is right, a weight is 128.0 + 1 LSB.
            byte[] blob = SourceBlob();
            OnlineLearner live = LiveLearner();
            byte[] liar = Replaced(blob, 0, (byte)'N');
            DeviceTestSupport.WriteInt32(liar, FirstWeightOffset, Network.MaxWeight + 1);
            DeviceTestSupport.WriteInt32(liar, liar.Length - 4, (int)Crc32.Compute(liar, 0, liar.Length - 4));
            AssertRejected(live, liar, liar.Length, "weight is beyond");
            AssertLoads(live, blob);
        }

        [TestMethod]
        public void ARobustStartCountOfTheOtherLayoutBehindAValidCrcIsRejectedAndChangesNothing()
        {
            // The input scaler's robust-start count byte (before its 3 × 16 kept readings, the 3
            // outlier-run flags and the CRC) set to 255, which only a learner without the robust
            // start writes: refused before the readings are read.
            byte[] blob = SourceBlob();
            OnlineLearner live = LiveLearner();
            byte[] liar = Replaced(blob, blob.Length - 4 - (1 + 4 * 16 * 3 + 3), 255);
            DeviceTestSupport.WriteInt32(liar, liar.Length - 4, (int)Crc32.Compute(liar, 0, liar.Length - 4));
            AssertRejected(live, liar, liar.Length, "scaler robust-start count 255 is outside 0 to 16");
            AssertLoads(live, blob);
        }

        /// <summary>The source learner's blob.</summary>
        public static byte[] SourceBlob()
        {
            OnlineLearner source = ModelBlobRoundTripTests.CreateLearner(5);
            ModelBlobRoundTripTests.Feed(source, 1u, 100);
            byte[] blob = DeviceTestSupport.WriteBlob(source);
            Assert.AreEqual(ModelBlobRoundTripTests.ExpectedBlobBytes, blob.Length);
            OutputHelper.WriteLine("source blob fingerprint " + ModelBlobRoundTripTests.BlobFingerprint(blob));
            Assert.AreEqual(ExpectedSourceFingerprint, ModelBlobRoundTripTests.BlobFingerprint(blob), "the source blob");
            return blob;
        }

        /// <summary>The live learner that rejects the corrupt blobs.</summary>
        public static OnlineLearner LiveLearner()
        {
            OnlineLearner live = ModelBlobRoundTripTests.CreateLearner(6);
            ModelBlobRoundTripTests.Feed(live, 2u, 50);
            OutputHelper.WriteLine("live blob fingerprint " + DeviceTestSupport.LearnerFingerprint(live));
            Assert.AreEqual(ExpectedLiveFingerprint, DeviceTestSupport.LearnerFingerprint(live), "the live learner");
            return live;
        }

        /// <summary>
        /// Read and Validate both refuse <paramref name="count"/> bytes of <paramref name="blob"/>
        /// with InvalidModelException (exactly that type) naming <paramref name="reason"/>, and the
        /// learner keeps every bit.
        /// </summary>
        private static void AssertRejected(OnlineLearner learner, byte[] blob, int count, string reason)
        {
            uint before = DeviceTestSupport.LearnerFingerprint(learner);
            uint parametersBefore = DeviceTestSupport.ParameterFingerprint(learner.Network);
            long samplesBefore = learner.Samples;
            reader = learner;
            pending = blob;
            pendingCount = count;
            Assert.ThrowsException(typeof(InvalidModelException), ReadPending);
            Assert.ThrowsException(typeof(InvalidModelException), ValidatePending);
            string message = null;
            try
            {
                ModelBlob.Read(learner, blob, 0, count);
            }
            catch (InvalidModelException error)
            {
                message = error.Message;
            }

            Assert.IsTrue(DeviceTestSupport.Contains(message, reason), "the message names the problem: expected \"" + reason + "\", got \"" + message + "\"");
            Assert.AreEqual(before, DeviceTestSupport.LearnerFingerprint(learner), reason + ": every stored bit unchanged");
            Assert.AreEqual(parametersBefore, DeviceTestSupport.ParameterFingerprint(learner.Network), reason + ": weights unchanged");
            Assert.AreEqual(samplesBefore, learner.Samples, reason + ": counters unchanged");
        }

        /// <summary>After the rejections, the good blob loads: the live learner then holds the source's bits.</summary>
        private static void AssertLoads(OnlineLearner live, byte[] blob)
        {
            Assert.AreEqual(ExpectedLiveFingerprint, DeviceTestSupport.LearnerFingerprint(live), "the live learner as it was");
            ModelBlob.Read(live, blob, 0, blob.Length);
            Assert.AreEqual(ExpectedSourceFingerprint, DeviceTestSupport.LearnerFingerprint(live), "the good blob loads");
            Assert.AreEqual(100L, live.Samples);
        }

        private static byte[] Flipped(byte[] blob, int index, int mask)
        {
            return Replaced(blob, index, (byte)(blob[index] ^ mask));
        }

        private static byte[] Replaced(byte[] blob, int index, byte value)
        {
            byte[] copy = new byte[blob.Length];
            System.Array.Copy(blob, copy, blob.Length);
            copy[index] = value;
            return copy;
        }

        private static void ReadPending()
        {
            ModelBlob.Read(reader, pending, 0, pendingCount);
        }

        private static void ValidatePending()
        {
            ModelBlob.Validate(reader, pending, 0, pendingCount);
        }
    }
}
