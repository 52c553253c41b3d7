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
    // Size in bytes and the first 8 bytes of the SHA-256 of each blob, in the order of Learners().
    private static readonly (int Size, string Sha256Prefix)[] Expected =
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

    [TestMethod]
    public void BlobsAreByteIdenticalToTheFormatBeforeTheRestructuring()
    {
        int n = 0;
        foreach ((NetworkOptions options, bool regression, bool guard, int batch) in Learners())
        {
            string what = $"learner {n}: {options}, regression {regression}, guard {guard}, batch {batch}";
            OnlineLearner learner = Trained(n, options, regression, guard, batch, out LearnerOptions learnerOptions);
            byte[] blob = new byte[ModelBlob.SizeOf(learner)];
            Assert.AreEqual(blob.Length, ModelBlob.Write(learner, blob, 0), what);
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
