namespace NanoBackprop.Tests;

/// <summary>
/// Issue 15's transfer learning through the CLI, as docs/ENGINE.md ("Frozen layers") runs it:
/// pretrain a 5-32-16-1 on the desktop, export it with the first two weight layers frozen (and
/// 16-bit weights), and fine-tune on the stream from that model with `replay --start-model`.
/// The figures are the table's.
/// </summary>
[TestClass]
public sealed class FrozenTransferCliTests : CliTestBase
{
    [TestMethod]
    [DataRow("0", "32", 6433, "11,220 B (0 frozen layers, 32-bit weights)", "98.35 %")]
    [DataRow("2", "32", 3553, "8,244 B (2 frozen layers, 32-bit weights)", "98.74 %")]
    [DataRow("2", "16", 2184, "6,912 B (2 frozen layers, 16-bit weights)", "98.74 %")]
    public void PretrainExportFrozenAndFineTuneFromTheModel(string freeze, string weightBits, int blobBytes, string networkRam, string accuracy)
    {
        var train = Run("train", "--data", Occupancy, "--hidden", "32,16", "--momentum", "0.5", "--out", PathOf("pre.nbp"));
        Assert.AreEqual(0, train.Code, train.Error);
        var export = Run("export", "--model", PathOf("pre.nbp"), "--csharp", PathOf("m.cs"), "--blob", PathOf("m.nbp"), "--freeze", freeze, "--weight-bits", weightBits);
        Assert.AreEqual(0, export.Code, export.Error);
        byte[] blob = File.ReadAllBytes(PathOf("m.nbp"));
        Assert.AreEqual(blobBytes, blob.Length);
        var description = new ModelDescription(blob, 0, blob.Length);
        Assert.AreEqual(int.Parse(freeze), description.FrozenLayers);
        Assert.AreEqual(weightBits == "16", (description.NetworkOptions & NetworkOptions.NarrowWeights) != 0);

        var replay = Run("replay", "--data", Occupancy, "--hidden", "32,16", "--momentum", "0.5", "--start-model", PathOf("m.nbp"));
        Assert.AreEqual(0, replay.Code, replay.Error);
        Console.WriteLine(replay.Out);
        StringAssert.Contains(replay.Out, networkRam);
        StringAssert.Contains(replay.Out, accuracy);

        // --momentum is the fine-tuning's own (the model keeps its velocity buffers): 0.9 instead
        // of 0.5 changes the run.
        double MeanLoss(string momentum)
        {
            var json = Run("replay", "--data", Occupancy, "--hidden", "32,16", "--momentum", momentum, "--start-model", PathOf("m.nbp"), "--json");
            Assert.AreEqual(0, json.Code, json.Error);
            return System.Text.Json.JsonDocument.Parse(json.Out).RootElement.GetProperty("meanLoss").GetDouble();
        }

        Assert.AreNotEqual(MeanLoss("0.5"), MeanLoss("0.9"), "--momentum takes effect");
    }

    [TestMethod]
    public void BadFreezeWeightBitsAndStartModelAreOneLineErrors()
    {
        var train = Run("train", "--data", Occupancy, "--hidden", "8", "--epochs", "1", "--out", PathOf("pre.nbp"));
        Assert.AreEqual(0, train.Code, train.Error);
        Run("export", "--model", PathOf("pre.nbp"), "--csharp", PathOf("ok.cs"), "--blob", PathOf("ok.nbp"));
        var cases = new (string[] Args, string Message)[]
        {
            (new[] { "export", "--model", PathOf("pre.nbp"), "--csharp", PathOf("m.cs"), "--blob", PathOf("m.nbp"), "--freeze", "2" }, "nanobackprop: --freeze must be 0 to 1 for this 3-layer model (the output layer stays trainable); it is 2"),
            (new[] { "export", "--model", PathOf("pre.nbp"), "--csharp", PathOf("m.cs"), "--blob", PathOf("m.nbp"), "--weight-bits", "8" }, "nanobackprop: --weight-bits must be 32 or 16; it is 8"),
            (new[] { "replay", "--data", Occupancy, "--start-model", PathOf("missing.nbp") }, $"nanobackprop: --start-model: {PathOf("missing.nbp")} does not exist"),
            (new[] { "replay", "--data", Occupancy, "--features", "Temperature,Humidity", "--start-model", PathOf("ok.nbp") }, "nanobackprop: --start-model: the model has 5 inputs; --features gives 2"),
            (new[] { "replay", "--data", Occupancy, "--hidden", "4", "--start-model", PathOf("ok.nbp") }, "nanobackprop: --start-model: the model is 5-8-1; the options give 5-4-1 (leave --hidden out or give the model's)"),
            (new[] { "replay", "--data", Occupancy, "--hidden", "8", "--momentum", "0.5", "--start-model", PathOf("ok.nbp") }, "nanobackprop: --start-model: the model was saved without momentum buffers; --momentum must be 0 with it"),
        };
        foreach (var (args, message) in cases)
        {
            var (code, output, error) = Run(args);
            Assert.AreEqual(1, code, string.Join(" ", args));
            Assert.AreEqual(message, error.Trim(), string.Join(" ", args));
            Assert.AreEqual(1, error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, "one line");
            Assert.IsFalse(File.Exists(PathOf("m.nbp")), "no output file left behind");
        }
    }
}
