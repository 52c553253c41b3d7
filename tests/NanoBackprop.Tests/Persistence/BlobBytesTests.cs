using System.Security.Cryptography;

namespace NanoBackprop.Tests;

/// <summary>
/// The model blob's bytes, pinned: 28 learners (every network option set, classification and
/// regression, with and without the divergence guard, per-sample and mini-batch) trained on a
/// fixed stream, written, and their size and SHA-256 compared with the bytes the library wrote
/// before the format code was restructured (commit b3f0e50, where these figures were printed by
/// the same steps). A saved model must keep loading after any refactoring, so the bytes may not
/// change without a new format version.
/// </summary>
[TestClass]
public sealed class BlobBytesTests
{
    // Format version 1: size in bytes and the first 8 bytes of the SHA-256 of each blob, in the
    // order of Learners(), as b3f0e50 and 24301e1 wrote them; BlobVersion1Fixtures holds the bytes.
    private static readonly (int Size, string Sha256Prefix)[] ExpectedVersion1 =
    {
        (297, "7230586D67C9E27D"),
        (425, "DC5BD184DB574F70"),
        (342, "FF7F0F0E25F64F3F"),
        (470, "6CA9D55F0F90E19D"),
        (425, "604F1A8295539B27"),
        (553, "4BCEDC1EA8D8DFA4"),
        (470, "7761ED5DDD187C33"),
        (598, "C8FAA5D7E9098387"),
        (425, "C2A2C2AADEB7FBDD"),
        (425, "7B01D572F50F1EC6"),
        (553, "62FD72972E118655"),
        (553, "8B30824167526A52"),
        (470, "88FE2B7CADB9252D"),
        (470, "58DAD18B04AD2831"),
        (598, "44EE8CA79202900F"),
        (598, "F0A392865FC6BE44"),
        (469, "D0E984704B75CEF4"),
        (469, "334DA120307AE639"),
        (569, "B456EDAD21E0C6B2"),
        (569, "110C5C01EEAA634F"),
        (514, "9323953B980F0C5B"),
        (514, "91E712F53BF92D1A"),
        (614, "2715F036AA6D67ED"),
        (614, "973A0CBD6C6058A9"),
        (269, "F723B3E231D4CA2E"),
        (369, "7B39A3C6C28BA6AE"),
        (314, "E25FFCB4D97712FA"),
        (414, "4CE65CBE347CDC0A"),
    };

    // Format version 2 (64-bit gradient sums, the scalers' outlier counters), pinned when it was
    // introduced: printed by this test's steps at the commit that bumped the version.
    private static readonly (int Size, string Sha256Prefix)[] Expected =
    {
        (301, "72658878FC601D03"),
        (429, "C385EBF16D0B2C18"),
        (350, "0F66F3B5D20B77BE"),
        (478, "46B5454919104393"),
        (429, "C236BD5A4D5A62D4"),
        (557, "BCC58164DC5F1F13"),
        (478, "83F008AFAF83012E"),
        (606, "F7E66295F2309895"),
        (557, "629EE889FB1C40DE"),
        (557, "101DD743DD032A9C"),
        (685, "E1AA3B26E62C7674"),
        (685, "2AA98E9679189B45"),
        (606, "8778F370F6015722"),
        (606, "1B7B5E8F604F606F"),
        (734, "D76463B3054DD29D"),
        (734, "12197283F8261B32"),
        (573, "9AEB94D4DD743D81"),
        (573, "5E3FF1C840C4430A"),
        (673, "129C9112496C3764"),
        (673, "F59E778FE327BCD3"),
        (622, "31C9BF9DB362ACD9"),
        (622, "FBB485531338507E"),
        (722, "3FC1C3BF8147AABB"),
        (722, "FF053730AAD90353"),
        (273, "5C86C8C07F13C93F"),
        (373, "5D6B0450DA4DC4E0"),
        (322, "4A7977374F39F9A2"),
        (422, "7096147CC926ACC7"),
    };

    [TestMethod]
    public void VersionOneFixturesAreThePinnedVersionOneBytes()
    {
        Assert.AreEqual(ExpectedVersion1.Length, BlobVersion1Fixtures.Hex.Length);
        for (int n = 0; n < ExpectedVersion1.Length; n++)
        {
            byte[] blob = Convert.FromHexString(BlobVersion1Fixtures.Hex[n]);
            Assert.AreEqual(ExpectedVersion1[n].Size, blob.Length, $"fixture {n}: size");
            Assert.AreEqual(ExpectedVersion1[n].Sha256Prefix, Convert.ToHexString(SHA256.HashData(blob))[..16], $"fixture {n}: bytes");
            Assert.AreEqual(1, blob[4] | (blob[5] << 8), $"fixture {n}: version field");
        }
    }

    [TestMethod]
    public void VersionOneBlobsLoadIntoTheCurrentLearnerWithTheSamePredictions()
    {
        // Each version-1 blob, read into a learner built with another seed, gives the state of the
        // same learner trained by the current code: its version-2 blob is byte-identical and it
        // predicts the same on 50 fresh readings.
        int n = 0;
        foreach ((NetworkOptions options, bool regression, bool guard, int batch) in Learners())
        {
            string what = $"learner {n}: {options}, regression {regression}, guard {guard}, batch {batch}";
            OnlineLearner trained = Trained(n, options, regression, guard, batch, out LearnerOptions learnerOptions);
            byte[] version1 = Convert.FromHexString(BlobVersion1Fixtures.Hex[n]);
            Assert.AreEqual(1, new ModelDescription(version1, 0, version1.Length).FormatVersion, what);
            var loaded = new OnlineLearner(Build(1, options, regression), learnerOptions);
            ModelBlob.Read(loaded, version1, 0, version1.Length);

            byte[] expected = new byte[ModelBlob.SizeOf(trained)];
            ModelBlob.Write(trained, expected, 0);
            byte[] written = new byte[ModelBlob.SizeOf(loaded)];
            ModelBlob.Write(loaded, written, 0);
            CollectionAssert.AreEqual(expected, written, what + ": version-2 blob of the loaded learner");

            var random = new Random(1000 + n);
            for (int s = 0; s < 50; s++)
            {
                int[] raw = { random.Next(-1000, 1000), random.Next(0, 50000), random.Next(-5, 5) };
                CollectionAssert.AreEqual(trained.Predict(raw), loaded.Predict(raw), what + $": prediction {s}");
            }

            n++;
        }

        Assert.AreEqual(BlobVersion1Fixtures.Hex.Length, n);
    }

    [TestMethod]
    public void BlobsAreByteIdenticalToTheirPinnedVersionTwoBytes()
    {
        int n = 0;
        foreach ((NetworkOptions options, bool regression, bool guard, int batch) in Learners())
        {
            string what = $"learner {n}: {options}, regression {regression}, guard {guard}, batch {batch}";
            OnlineLearner learner = Trained(n, options, regression, guard, batch, out LearnerOptions learnerOptions);
            byte[] blob = new byte[ModelBlob.SizeOf(learner)];
            Assert.AreEqual(blob.Length, ModelBlob.Write(learner, blob, 0), what);
            Console.WriteLine($"        ({blob.Length}, \"{Convert.ToHexString(SHA256.HashData(blob))[..16]}\"),");
            Assert.AreEqual(Expected[n].Size, blob.Length, what + ": size");
            Assert.AreEqual(Expected[n].Sha256Prefix, Convert.ToHexString(SHA256.HashData(blob))[..16], what + ": bytes");

            // Read back into a learner built with another seed, the blob written again is the same.
            var copy = new OnlineLearner(Build(1, options, regression), learnerOptions);
            ModelBlob.Read(copy, blob, 0, blob.Length);
            byte[] again = new byte[ModelBlob.SizeOf(copy)];
            ModelBlob.Write(copy, again, 0);
            CollectionAssert.AreEqual(blob, again, what + ": written again after Read");
            n++;
        }

        Assert.AreEqual(Expected.Length, n);
    }

    private static IEnumerable<(NetworkOptions Options, bool Regression, bool Guard, int Batch)> Learners()
    {
        foreach (NetworkOptions options in new[] { NetworkOptions.None, NetworkOptions.Momentum, NetworkOptions.GradientAccumulation, NetworkOptions.GradientAccumulation | NetworkOptions.Momentum | NetworkOptions.WithoutBiases, NetworkOptions.WithoutBiases })
        {
            foreach (bool regression in new[] { false, true })
            {
                foreach (bool guard in new[] { false, true })
                {
                    foreach (int batch in new[] { 1, 4 })
                    {
                        if (batch == 1 || (options & NetworkOptions.GradientAccumulation) != 0)
                        {
                            yield return (options, regression, guard, batch);
                        }
                    }
                }
            }
        }
    }

    private static Network Build(int seed, NetworkOptions options, bool regression)
    {
        return new Network(new[] { 3, 5, 2 }, Activation.Tanh, regression ? Activation.Linear : Activation.Sigmoid,
            regression ? Loss.MeanSquaredError : Loss.BinaryCrossEntropy, seed, options);
    }

    private static OnlineLearner Trained(int n, NetworkOptions options, bool regression, bool guard, int batch, out LearnerOptions learnerOptions)
    {
        Network network = Build(7 + n, options, regression);
        if ((options & NetworkOptions.Momentum) != 0)
        {
            network.Momentum = 50000;
        }

        network.StochasticRounding = n % 3 == 0;
        learnerOptions = new LearnerOptions
        {
            Task = regression ? LearnerTask.Regression : LearnerTask.Classification,
            DivergenceGuard = guard,
            BatchSize = batch,
            ClassBalance = !regression && n % 2 == 0,
        };
        var learner = new OnlineLearner(network, learnerOptions);
        var random = new Random(n);
        for (int s = 0; s < 300; s++)
        {
            int[] raw = { random.Next(-1000, 1000), random.Next(0, 50000), random.Next(-5, 5) };
            int[] target = regression
                ? new[] { random.Next(-3000, 3000), random.Next(100) }
                : new[] { random.Next(2) * 65536, random.Next(2) * 65536 };
            learner.Learn(raw, target);
        }

        return learner;
    }
}
