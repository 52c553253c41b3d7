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
    // introduced: printed by this test's steps at the commit that bumped the version;
    // BlobVersion2Fixtures holds the bytes.
    private static readonly (int Size, string Sha256Prefix)[] ExpectedVersion2 =
    {
        (305, "2AC938A6BBD453C2"),
        (433, "1BABA0A666C0284B"),
        (358, "D7CF26E055FC27AC"),
        (486, "E3D66FABBAEF1506"),
        (433, "9F415DC1E224B518"),
        (561, "0D15B799B42746F2"),
        (486, "3D352C0058B84ABB"),
        (614, "99722D1A3E1CEFB2"),
        (561, "F427E90E55E3D681"),
        (561, "F750D804DB27B438"),
        (689, "0C3024B22089EF24"),
        (689, "2B4200A6AD91957B"),
        (614, "1FA074A93DA2B48D"),
        (614, "A3BB95F4CC31DACD"),
        (742, "C719ECEF2718C9BB"),
        (742, "20AF68DA5157308B"),
        (577, "FC6F6666367DFA30"),
        (577, "CBA17E4784F72479"),
        (677, "47E247D708B2549F"),
        (677, "42EACE92D0FD07C2"),
        (630, "1F76743DE8BDCFB8"),
        (630, "F4F32318B6FBEDD7"),
        (730, "CEDC52446A91810D"),
        (730, "1E76F1D28F96B845"),
        (277, "CE9D3C117DEBA481"),
        (377, "CE39DDDFCBB32986"),
        (330, "2D2A8E02CE3C8ACA"),
        (430, "30FAB63B6FE857FB"),
    };

    private static string[] Fixtures(int version) => version == 1 ? BlobVersion1Fixtures.Hex : version == 2 ? BlobVersion2Fixtures.Hex : BlobVersion3Fixtures.Hex;

    private static (int Size, string Sha256Prefix)[] Pins(int version) => version == 1 ? ExpectedVersion1 : version == 2 ? ExpectedVersion2 : ExpectedVersion3;

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void OlderVersionFixturesAreTheirPinnedBytes(int version)
    {
        string[] fixtures = Fixtures(version);
        Assert.AreEqual(Pins(version).Length, fixtures.Length);
        for (int n = 0; n < fixtures.Length; n++)
        {
            byte[] blob = Convert.FromHexString(fixtures[n]);
            Assert.AreEqual(Pins(version)[n].Size, blob.Length, $"version {version} fixture {n}: size");
            Assert.AreEqual(Pins(version)[n].Sha256Prefix, Convert.ToHexString(SHA256.HashData(blob))[..16], $"version {version} fixture {n}: bytes");
            Assert.AreEqual(version, blob[4] | (blob[5] << 8), $"version {version} fixture {n}: version field");
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void OlderVersionBlobsLoadIntoTheCurrentLearnerWithTheSamePredictions(int version)
    {
        // Versions 1 to 3 learned alike (the robust start of version 4 changed the statistics of
        // the first readings, so today's Trained() is not theirs): each older blob, read into a
        // learner built with another seed, gives the state of the same learner as its version-3
        // blob does. Written as version 4, it is byte-identical to the version-3 fixture loaded
        // except for the snapshot's scaler statistics (versions 1 and 2 did not store them: a
        // loaded learner takes the loaded statistics), and it predicts the same on 50 fresh
        // readings. The version-3 fixture loaded and written as version 4 is its own bytes with
        // the version field 4, the robust start appended (no kept readings: 0 and zeros) and the CRC.
        int n = 0;
        foreach ((NetworkOptions options, bool regression, bool guard, int batch) in Learners())
        {
            string what = $"version {version}, learner {n}: {options}, regression {regression}, guard {guard}, batch {batch}";
            Trained(n, options, regression, guard, batch, out LearnerOptions learnerOptions);
            byte[] old = Convert.FromHexString(Fixtures(version)[n]);
            Assert.AreEqual(version, new ModelDescription(old, 0, old.Length).FormatVersion, what);
            var loaded = new OnlineLearner(Build(1, options, regression), learnerOptions);
            ModelBlob.Read(loaded, old, 0, old.Length);
            byte[] version3 = Convert.FromHexString(BlobVersion3Fixtures.Hex[n]);
            var reference = new OnlineLearner(Build(2, options, regression), learnerOptions);
            ModelBlob.Read(reference, version3, 0, version3.Length);
            Assert.AreEqual(0, loaded.Scaler.RobustStartCount, what);

            byte[] expected = new byte[ModelBlob.SizeOf(reference)];
            ModelBlob.Write(reference, expected, 0);
            byte[] written = new byte[ModelBlob.SizeOf(loaded)];
            ModelBlob.Write(loaded, written, 0);
            Assert.AreEqual(expected.Length, written.Length, what + ": size");
            int robustStart = RobustStartTests.RobustStartBytes(3) + (regression ? RobustStartTests.RobustStartBytes(2) : 0);
            Assert.AreEqual(version3.Length + robustStart, expected.Length, what + ": version 4 appends the robust start");
            int scalerSnapshotBytes = guard ? 8 * (1 + 2 * 3) + (regression ? 8 * (1 + 2 * 2) : 0) : 0;
            int compared = expected.Length - 4 - robustStart - scalerSnapshotBytes;
            CollectionAssert.AreEqual(expected[..compared], written[..compared], what + ": version-4 blob of the loaded learner");
            CollectionAssert.AreEqual(expected[^(robustStart + 4)..^4], written[^(robustStart + 4)..^4], what + ": robust start");
            Assert.IsTrue(expected[^(robustStart + 4)..^4].All(b => b == 0), what + ": no kept readings");
            CollectionAssert.AreEqual(version3[6..^4], expected[6..(version3.Length - 4)], what + ": version-3 fields unchanged");
            Assert.AreEqual(4, expected[4] | (expected[5] << 8), what + ": version field");

            var random = new Random(1000 + n);
            for (int s = 0; s < 50; s++)
            {
                int[] raw = { random.Next(-1000, 1000), random.Next(0, 50000), random.Next(-5, 5) };
                CollectionAssert.AreEqual(reference.Predict(raw), loaded.Predict(raw), what + $": prediction {s}");
            }

            n++;
        }

        Assert.AreEqual(Fixtures(version).Length, n);
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void FuzzedOlderVersionBlobsOnlyEverRaiseTheDocumentedException(int version)
    {
        // Bit flips and byte rewrites in each fixture, CRC recomputed so that parsing reaches the
        // values: Read either loads it or throws InvalidModelException and leaves the learner's
        // blob exactly as it was.
        int n = 0, rejected = 0, accepted = 0;
        var random = new Random(12);
        foreach ((NetworkOptions options, bool regression, bool guard, int batch) in Learners())
        {
            Trained(n, options, regression, guard, batch, out LearnerOptions learnerOptions);
            byte[] valid = Convert.FromHexString(Fixtures(version)[n]);
            var live = new OnlineLearner(Build(1, options, regression), learnerOptions);
            for (int trial = 0; trial < 300; trial++)
            {
                byte[] blob = (byte[])valid.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    blob[random.Next(blob.Length - 4)] ^= (byte)(1 << random.Next(8));
                }

                if (trial % 2 == 0)
                {
                    ModelBlob.PutUInt32(blob, blob.Length - 4, Crc32.Compute(blob, 0, blob.Length - 4));
                }

                byte[] before = new byte[ModelBlob.SizeOf(live)];
                ModelBlob.Write(live, before, 0);
                try
                {
                    ModelBlob.Read(live, blob, 0, blob.Length);
                    accepted++;
                }
                catch (InvalidModelException)
                {
                    byte[] after = new byte[before.Length];
                    ModelBlob.Write(live, after, 0);
                    CollectionAssert.AreEqual(before, after, $"version {version} fixture {n}, trial {trial}: a rejected blob changed the learner");
                    rejected++;
                }
            }

            n++;
        }

        Console.WriteLine($"version-{version} fuzz: {accepted} accepted, {rejected} rejected");
        Assert.AreEqual(28 * 300, accepted + rejected);
        Assert.IsGreaterThan(28 * 150, rejected, "at least every flip without a fixed CRC is rejected");
        Assert.IsGreaterThan(0, accepted, "some flips land in values any blob may hold");
    }

    // Format version 3 (the guard's snapshot keeps the scalers' statistics), pinned when it was
    // introduced: printed by the next test's steps at the commit that bumped the version;
    // BlobVersion3Fixtures holds the bytes (written at 0a73c74, the last version-3 commit).
    private static readonly (int Size, string Sha256Prefix)[] ExpectedVersion3 =
    {
         (305, "8605EE7E4D8B6B53"),
         (489, "782F179B51E34619"),
         (358, "4F8E3CD51D2E5952"),
         (582, "AB4A8E494831B602"),
         (433, "3CBDEC56ABBC122C"),
         (617, "1580466719C9203E"),
         (486, "8020D7707AB4876F"),
         (710, "E4EC9F6208BE12A0"),
         (561, "13F4C9C96913397F"),
         (561, "E7C0074C6E04CF19"),
         (745, "B1F658C2F9910447"),
         (745, "F27D08FD6144AB98"),
         (614, "0172E0B629D51C93"),
         (614, "605CD07D0E26ED40"),
         (838, "09173CEA41B16878"),
         (838, "4D4BC626DE928592"),
         (577, "6CE7E566D1919AF9"),
         (577, "9B572175907AA53E"),
         (733, "E9A72BEB218306A7"),
         (733, "584AA56BD67DD85F"),
         (630, "232159358DBB598C"),
         (630, "60C0878C29146126"),
         (826, "9FC367F2636D0A47"),
         (826, "0692E03558E21C58"),
         (277, "5F3166513B33D0E7"),
         (433, "16E06FE6D950DC74"),
         (330, "CF1D5A63DE3C7849"),
         (526, "931A869FEFFF104A"),
    };

    // Format version 4 (the scalers' robust start: kept readings and outlier runs), pinned when it
    // was introduced: printed by the next test's steps at the commit that bumped the version.
    private static readonly (int Size, string Sha256Prefix)[] Expected =
    {
        (501, "C90BC691B28583D6"),
        (685, "3A57BF298F515FFF"),
        (685, "FFF032E78F1760FE"),
        (909, "AF0F6305B2E2A7F8"),
        (629, "82F1B9F1E69C2BF1"),
        (813, "2B98A3F112F4D416"),
        (813, "6FD3D6030DF9EBFB"),
        (1037, "511CFBF2293A77E0"),
        (757, "931913171B944AE1"),
        (757, "BAF5436C98CA6A22"),
        (941, "DDD3D0337A2BC7DB"),
        (941, "448CD4BFC7D2839F"),
        (941, "E85A6DBA46DD155A"),
        (941, "B9E43597B62D5DD3"),
        (1165, "9143EF3C993BC008"),
        (1165, "72D0659F42946BEB"),
        (773, "DA65C432F4062A27"),
        (773, "B0A7052450948E89"),
        (929, "20E9E16C013F9BC4"),
        (929, "3C780A66F9F5C9AF"),
        (957, "8473AFA152C6768E"),
        (957, "9D2110ABA8C8481D"),
        (1153, "B5C3814E4AB5F4B5"),
        (1153, "BB5483C6A01EEEDB"),
        (473, "1B71E77CA5FCF5AF"),
        (629, "003C2984A5FE8AE0"),
        (657, "0C56421301500E9F"),
        (853, "CD97D75DA9E21CD3"),
    };

    [TestMethod]
    public void BlobsAreByteIdenticalToTheirPinnedVersionFourBytes()
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
