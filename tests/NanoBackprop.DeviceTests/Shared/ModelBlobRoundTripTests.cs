using System;
using nanoFramework.TestFramework;
using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// The model blob and the power-safe store on the device: a learner trained on a fixed stream
    /// is written, read into a fresh learner built with another seed, and both then continue on
    /// the same stream in lockstep. Counters, weights and predictions must match, and the blob's
    /// size and CRC-checked bytes are the desktop's.
    /// </summary>
    [TestClass]
    public class ModelBlobRoundTripTests
    {
        /// <summary>Bytes of the blob for <see cref="CreateLearner"/>'s learner (desktop: ModelBlob.SizeOf).</summary>
        public const int ExpectedBlobBytes = 801; // blob version 4: 605 in version 3 + the robust start, 1 + 65 × 3 inputs (549 in version 2: no snapshot of the scaler's statistics; 541 in version 1: no scaler clamped and rejected counters either)

        /// <summary>Fingerprint of the blob's bytes after 400 samples, from the desktop.</summary>
        public const uint ExpectedBlobFingerprint = 1791097462u; // blob version 4 (2367932277 in version 3, 2220695167 in version 2, 3494597279 in version 1)

        /// <summary>Prediction for the reading (100, 2000, 150) after 400 + 200 samples, Q16.16, from the desktop.</summary>
        public const int ExpectedFinalPrediction = 37796;

        [TestMethod]
        public void ABlobReadIntoAFreshLearnerResumesInLockstep()
        {
            OnlineLearner original = CreateLearner(5);
            Feed(original, 1u, 400);
            byte[] blob = new byte[ModelBlob.SizeOf(original)];
            Assert.AreEqual(ExpectedBlobBytes, blob.Length);
            Assert.AreEqual(ExpectedBlobBytes, ModelBlob.Write(original, blob, 0));
            Assert.AreEqual(ExpectedBlobFingerprint, BlobFingerprint(blob));

            OnlineLearner restored = CreateLearner(99);
            Assert.IsFalse(DeviceTestSupport.ParameterFingerprint(restored.Network) == DeviceTestSupport.ParameterFingerprint(original.Network), "another seed starts elsewhere");
            ModelBlob.Read(restored, blob, 0, blob.Length);
            AssertResumesInLockstep(original, restored, ExpectedFinalPrediction);
        }

        /// <summary>Prediction for (100, 2000, 150) after 400 + 200 samples without the robust start, Q16.16, from the desktop.</summary>
        public const int ExpectedFinalPredictionWithoutRobustStart = 37790; // the version-3 learner's figure: this stream has no outlier after its first 16 readings

        [TestMethod]
        public void ABlobWithoutTheRobustStartIsSmallerAndADescribedLearnerFollowsIt()
        {
            // LearnerOptions.RobustStart = false: the blob keeps no readings (801 - 64 × 3 = 609
            // bytes); ModelDescription.CreateLearner, given the default options, builds a learner
            // without it from the blob's size, which then resumes in lockstep.
            OnlineLearner original = CreateLearner(5, false);
            Feed(original, 1u, 400);
            byte[] blob = new byte[ModelBlob.SizeOf(original)];
            Assert.AreEqual(ExpectedBlobBytes - 64 * 3, ModelBlob.Write(original, blob, 0));
            LearnerOptions defaults = new LearnerOptions();
            defaults.SnapshotInterval = 64;
            OnlineLearner restored = new ModelDescription(blob, 0, blob.Length).CreateLearner(defaults);
            Assert.IsFalse(restored.Scaler.KeepsReadings);
            ModelBlob.Read(restored, blob, 0, blob.Length);
            restored.Network.Momentum = Q16.Half;
            AssertResumesInLockstep(original, restored, ExpectedFinalPredictionWithoutRobustStart);
        }

        // A loaded learner holds the original's state, and both, fed the same 200 samples of
        // stream 2, stay equal and predict (100, 2000, 150) as `expectedPrediction`.
        private static void AssertResumesInLockstep(OnlineLearner original, OnlineLearner restored, int expectedPrediction)
        {
            AssertSameState(original, restored);
            Feed(original, 2u, 200);
            Feed(restored, 2u, 200);
            AssertSameState(original, restored);
            int[] probe = { 100, 2000, 150 };
            int prediction = original.Predict(probe)[0];
            Assert.AreEqual(prediction, restored.Predict(probe)[0]);
            OutputHelper.WriteLine("after 600 samples: prediction " + prediction + ", running loss " + original.RunningLoss + ", samples " + original.Samples);
            Assert.AreEqual(expectedPrediction, prediction);
        }

        [TestMethod]
        public void PowerSafeStoreKeepsTheNewestOfTwoSlots()
        {
            OnlineLearner learner = CreateLearner(5);
            int slotBytes = new PowerSafeModelStore(new MemorySlots(0), learner).SlotBytes;
            MemorySlots slots = new MemorySlots(slotBytes);
            PowerSafeModelStore store = new PowerSafeModelStore(slots, learner);
            Feed(learner, 1u, 100);
            store.Save();
            Feed(learner, 3u, 100);
            store.Save();
            Assert.AreEqual(2u, store.Sequence);
            Assert.AreEqual(2, slots.Writes);

            OnlineLearner rebooted = CreateLearner(42);
            PowerSafeModelStore reloaded = new PowerSafeModelStore(slots, rebooted);
            Assert.IsTrue(reloaded.Load());
            Assert.AreEqual(2u, reloaded.Sequence);
            AssertSameState(learner, rebooted);

            OnlineLearner empty = CreateLearner(42);
            Assert.IsFalse(new PowerSafeModelStore(new MemorySlots(slotBytes), empty).Load(), "nothing saved yet");
        }

        /// <summary>A 3-6-1 classifier with momentum and the divergence guard, as a board would build it.</summary>
        public static OnlineLearner CreateLearner(int seed)
        {
            return CreateLearner(seed, true);
        }

        /// <summary>The same learner, with or without the input scaler's robust start.</summary>
        public static OnlineLearner CreateLearner(int seed, bool robustStart)
        {
            Network network = new Network(new int[] { 3, 6, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, seed, NetworkOptions.Momentum);
            LearnerOptions options = new LearnerOptions();
            options.RobustStart = robustStart;
            options.DivergenceGuard = true;
            options.SnapshotInterval = 64;
            OnlineLearner learner = new OnlineLearner(network, options);
            network.Momentum = Q16.Half;
            return learner;
        }

        /// <summary>
        /// Learns <paramref name="count"/> readings of a fixed stream: three raw features, labelled
        /// occupied when the first exceeds the third.
        /// </summary>
        public static void Feed(OnlineLearner learner, uint stream, int count)
        {
            uint state = DeviceTestSupport.NextState(stream * 2654435761u + 1u);
            int[] reading = new int[3];
            int[] target = new int[1];
            for (int k = 0; k < count; k++)
            {
                state = DeviceTestSupport.NextState(state);
                reading[0] = DeviceTestSupport.Between(state, -500, 500);
                state = DeviceTestSupport.NextState(state);
                reading[1] = DeviceTestSupport.Between(state, 0, 4000);
                state = DeviceTestSupport.NextState(state);
                reading[2] = DeviceTestSupport.Between(state, 100, 200) - 150;
                target[0] = reading[0] > reading[2] ? Q16.One : 0;
                learner.Learn(reading, target);
            }
        }

        /// <summary>Fingerprint of a blob's bytes.</summary>
        public static uint BlobFingerprint(byte[] blob)
        {
            uint hash = DeviceTestSupport.EmptyFingerprint;
            for (int k = 0; k < blob.Length; k++)
            {
                hash ^= blob[k];
                hash *= 16777619u;
            }

            return hash;
        }

        private static void AssertSameState(OnlineLearner expected, OnlineLearner actual)
        {
            Assert.AreEqual(expected.Samples, actual.Samples);
            Assert.AreEqual(expected.Updates, actual.Updates);
            Assert.AreEqual(expected.Rollbacks, actual.Rollbacks);
            Assert.AreEqual(expected.RunningLoss, actual.RunningLoss);
            Assert.AreEqual(expected.LongRunLoss, actual.LongRunLoss);
            Assert.AreEqual(expected.CurrentLearningRate, actual.CurrentLearningRate);
            Assert.AreEqual(expected.Network.Momentum, actual.Network.Momentum);
            ForwardBackwardBitsTests.AssertBits(XorLearningTests.Parameters(expected.Network), XorLearningTests.Parameters(actual.Network), "parameters");
            byte[] expectedBlob = new byte[ModelBlob.SizeOf(expected)];
            byte[] actualBlob = new byte[ModelBlob.SizeOf(actual)];
            ModelBlob.Write(expected, expectedBlob, 0);
            ModelBlob.Write(actual, actualBlob, 0);
            Assert.AreEqual(BlobFingerprint(expectedBlob), BlobFingerprint(actualBlob), "every stored bit, scaler and PRNG included");
        }
    }
}
