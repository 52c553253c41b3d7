using System.Reflection;
using System.Text.Json;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NanoBackprop.Cli;
using SkiaSharp;

namespace NanoBackprop.Tests;

/// <summary>Every `nanobackprop` command end to end, in process, on small and real files.</summary>
[TestClass]
public sealed class CliTests : CliTestBase
{
    [TestMethod]
    public void EveryCommandHasHelp()
    {
        foreach (string command in new[] { "demo", "seeds", "train", "eval", "replay", "export", "inspect", "gradcheck", "occupancy", "rooms", "soak", "xor-sweep", "ram-budget" })
        {
            var (code, output, _) = Run(command, "--help");
            Assert.AreEqual(0, code, command);
            StringAssert.Contains(output, "Usage:", command);
            StringAssert.Contains(output, command, command);
        }

        StringAssert.Contains(Run("train", "--help").Out, "--stochastic-rounding");
        StringAssert.Contains(Run("--help").Out, "gradcheck");
    }

    [TestMethod]
    public void ATrainedModelWithoutTheRobustStartIsSmallerAndEveryCommandReadsIt()
    {
        // --robust-start off: the blob keeps no readings (763 - 64 × 5 inputs = 443 bytes);
        // inspect, eval, replay --start-model and export build their learners from the blob, so
        // they follow it without being told.
        string model = PathOf("lean.nbp");
        var train = Json("train", "--data", Occupancy, "--out", model, "--epochs", "1", "--robust-start", "off", "--json");
        Assert.AreEqual(443, train.GetProperty("modelBytes").GetInt32());
        var inspect = Json("inspect", "--model", model, "--json");
        Assert.IsFalse(inspect.GetProperty("robustStart").GetBoolean());
        Assert.AreEqual(443, inspect.GetProperty("blobBytes").GetInt32());
        var eval = Json("eval", "--model", model, "--data", Occupancy, "--json");
        Assert.AreEqual(7854.0 / 8143, eval.GetProperty("fixedAccuracy").GetDouble(), 1e-12, "7,854 of 8,143 rows after one pass (measured)");
        var replay = Json("replay", "--data", Occupancy, "--start-model", model, "--json");
        Assert.AreEqual(8143, replay.GetProperty("rows").GetInt32());
        var (code, _, error) = Run("export", "--model", model, "--csharp", PathOf("lean.cs"), "--blob", PathOf("lean-export.nbp"));
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(443L, new FileInfo(PathOf("lean-export.nbp")).Length);
        var bad = Run("train", "--data", Occupancy, "--out", PathOf("x.nbp"), "--robust-start", "maybe");
        Assert.AreEqual(1, bad.Code);
        StringAssert.Contains(bad.Error, "--robust-start");
    }

    [TestMethod]
    public void TrainThenEvalOnOccupancyReachesTheLearnerFigures()
    {
        string model = PathOf("occupancy.nbp");
        string plot = PathOf("curve.png");
        // One pass, predict-then-learn, is the learner issue's prequential figure (≥ 98.5 %); the
        // frozen model after a second pass classifies the whole file at 98.66 % (measured).
        var train = Json("train", "--data", Occupancy, "--out", model, "--plot", plot, "--epochs", "2", "--json");
        Assert.AreEqual(8143, train.GetProperty("rows").GetInt32());
        Assert.AreEqual(763, train.GetProperty("modelBytes").GetInt32()); // blob version 4: 437 in version 3 + the robust start (1 + 65 × 5 inputs)
        Assert.AreEqual(4464, train.GetProperty("ramBytes").GetInt32());
        Assert.IsGreaterThanOrEqualTo(0.985, train.GetProperty("lastEpochAccuracy").GetDouble());
        AssertPng(plot, Plots.Width, Plots.Height);

        var eval = Json("eval", "--model", model, "--data", Occupancy, "--json");
        Assert.AreEqual("classification", eval.GetProperty("task").GetString());
        Assert.IsGreaterThanOrEqualTo(0.985, eval.GetProperty("fixedAccuracy").GetDouble());
        // The same weights in double: the outputs differ by the format's rounding only.
        Assert.IsLessThan(1e-3, eval.GetProperty("maxOutputDifference").GetDouble());
        Assert.IsGreaterThanOrEqualTo(0.999, eval.GetProperty("predictionAgreement").GetDouble());
        var confusion = eval.GetProperty("fixedConfusion");
        int total = confusion.GetProperty("truePositives").GetInt32() + confusion.GetProperty("falsePositives").GetInt32()
            + confusion.GetProperty("falseNegatives").GetInt32() + confusion.GetProperty("trueNegatives").GetInt32();
        Assert.AreEqual(8143, total);
        Assert.AreEqual(1729, confusion.GetProperty("truePositives").GetInt32() + confusion.GetProperty("falseNegatives").GetInt32(), "occupied rows in the file");

        var inspect = Json("inspect", "--model", model, "--json");
        CollectionAssert.AreEqual(new[] { 5, 8, 1 }, inspect.GetProperty("layerSizes").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.AreEqual(57, inspect.GetProperty("parameters").GetInt32());
        Assert.AreEqual("valid", inspect.GetProperty("crc").GetString());
        Assert.AreEqual(16286L, inspect.GetProperty("samples").GetInt64());
        Assert.AreEqual("Q16.16, blob version 4", inspect.GetProperty("format").GetString());
        Assert.AreEqual(16, inspect.GetProperty("robustStartReadings").GetInt32());
        Assert.IsFalse(inspect.GetProperty("inRobustStart").GetBoolean());
        // The scaler's outlier counters (blob version 2): no range was declared, so nothing was
        // rejected; the Occupancy lights and CO2 jump beyond 4σ as people arrive.
        Assert.AreEqual(0, inspect.GetProperty("rejectedReadings").GetInt32());
        int clamped = inspect.GetProperty("clampedReadings").GetInt32();
        Console.WriteLine($"inspect: {clamped} feature values beyond 4σ over two passes");
        Assert.IsGreaterThan(0, clamped);
        var light = inspect.GetProperty("scaler").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "Light");
        Assert.AreEqual(119.5, light.GetProperty("mean").GetDouble(), 20, "the file's mean light level, lux");
    }

    [TestMethod]
    public void TheDoubleEngineTrainsTheReferenceAndWritesTheSameFormat()
    {
        string model = PathOf("double.nbp");
        var train = Json("train", "--data", Occupancy, "--out", model, "--engine", "double", "--hidden", "4", "--epochs", "2", "--json");
        Assert.AreEqual("double", train.GetProperty("engine").GetString());
        var eval = Json("eval", "--model", model, "--data", Occupancy, "--json");
        Assert.IsGreaterThanOrEqualTo(0.98, eval.GetProperty("fixedAccuracy").GetDouble());
    }

    [TestMethod]
    public void ExportCompilesAndReproducesTheModelBitForBit()
    {
        string model = PathOf("m.nbp");
        Json("train", "--data", Occupancy, "--out", model, "--hidden", "6,3", "--activation", "Tanh", "--json");
        string csharp = PathOf("Model.cs");
        var export = Json("export", "--model", model, "--csharp", csharp, "--namespace", "Board.Models", "--class", "Occupancy", "--json");
        CollectionAssert.AreEqual(File.ReadAllBytes(model), File.ReadAllBytes(export.GetProperty("blob").GetString()!));

        // Compile the generated file (C# 10, as a board would) against the library and load it.
        var syntax = CSharpSyntaxTree.ParseText(File.ReadAllText(csharp), new CSharpParseOptions(LanguageVersion.CSharp10));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p)).Append(MetadataReference.CreateFromFile(typeof(Network).Assembly.Location));
        var compilation = CSharpCompilation.Create("ExportedModel", [syntax], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.IsTrue(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var type = Assembly.Load(image.ToArray()).GetType("Board.Models.Occupancy")!;
        byte[] blob = (byte[])type.GetField("Blob")!.GetValue(null)!;
        CollectionAssert.AreEqual(new[] { 5, 6, 3, 1 }, (int[])type.GetField("LayerSizes")!.GetValue(null)!);

        var fromExport = new ModelDescription(blob, 0, blob.Length).CreateLearner(new LearnerOptions());
        ModelBlob.Read(fromExport, blob, 0, blob.Length);
        var fromFile = ModelFile.Load(model).Learner;
        var data = OccupancyData.LoadEmbedded();
        int[] units = (int[])type.GetField("UnitsPerValue")!.GetValue(null)!;
        Assert.AreEqual(5, units.Length);
        for (int row = 0; row < data.Count; row += 97)
        {
            int[] raw = data.Readings[row];
            Assert.AreEqual(fromFile.Predict(raw)[0], fromExport.Predict(raw)[0], $"row {row}");
        }
    }

    [TestMethod]
    public void ReplayGradcheckAndDemoReportTheirFigures()
    {
        string plot = PathOf("replay.png");
        var replay = Json("replay", "--data", Occupancy, "--plot", plot, "--json");
        Assert.IsGreaterThanOrEqualTo(0.985, replay.GetProperty("prequentialAccuracy").GetDouble());
        Assert.AreEqual(0, replay.GetProperty("rollbacks").GetInt32());
        AssertPng(plot, Plots.Width, Plots.Height);

        var gradcheck = Json("gradcheck", "--count", "200", "--seed", "3", "--json");
        Assert.AreEqual(200, gradcheck.GetProperty("nets").GetInt32());
        Assert.IsLessThanOrEqualTo(5e-5, gradcheck.GetProperty("medianRelativeError").GetDouble());
        Assert.IsLessThan(0.1 * 200, gradcheck.GetProperty("skipped").GetInt32());

        var demo = Json("demo", "--out-dir", PathOf("demo"), "--json");
        Assert.IsGreaterThanOrEqualTo(0.985, demo.GetProperty("fixedMedianAccuracy").GetDouble());
        Assert.IsLessThanOrEqualTo(0.3, Math.Abs(demo.GetProperty("gapPercentagePoints").GetDouble()));
        AssertPng(demo.GetProperty("plot").GetString()!, Plots.Width, Plots.Height);
        // The speed says which build measured it (a Debug build is several times slower).
        Assert.AreEqual(BuildInfo.Configuration, demo.GetProperty("build").GetString());
    }

    [TestMethod]
    public void MessyCsvsAreReadAsTheyAre()
    {
        // Quoted fields, a timestamp, a header one name short (unnamed leading column), blank lines.
        string csv = PathOf("messy.csv");
        File.WriteAllText(csv, "\"when\",\"a\",\"b\",\"label\"\n\"1\",\"2015-02-04 17:51:00\",\"1.5\",2,1\n\n\"2\",\"2015-02-04 17:52:00\",-0.5,\"3e-1\",0\n\"3\",\"2015-02-04 17:53:00\",0.25,1,1\n");
        var replay = Json("replay", "--data", csv, "--features", "a,b", "--label", "label", "--hidden", "2", "--json");
        Assert.AreEqual(3, replay.GetProperty("rows").GetInt32());
    }

    [TestMethod]
    public void RegressionReportsItsErrorInTheLabelsUnits()
    {
        // y = 2a - b + 10 on a grid: a linear output (the default for mse) can fit it exactly.
        string csv = PathOf("linear.csv");
        var lines = new List<string> { "a,b,y" };
        for (int k = 0; k < 400; k++)
        {
            double a = k % 20 * 0.5, b = k / 20 * 0.25;
            lines.Add($"{a},{b},{2 * a - b + 10}");
        }

        File.WriteAllLines(csv, lines);
        string model = PathOf("linear.nbp");
        string[] common = ["--data", csv, "--features", "a,b", "--label", "y", "--loss", "mse", "--hidden", "4", "--activation", "Linear"];
        var train = Json(["train", .. common, "--out", model, "--epochs", "20", "--json"]);
        Assert.AreEqual("regression", train.GetProperty("task").GetString());
        Assert.AreEqual(JsonValueKind.Null, train.GetProperty("lastEpochAccuracy").ValueKind);
        // The labels spread over 9.1 (standard deviation 3.0); after 20 epochs the prequential error is a small part of it.
        double rmse = train.GetProperty("lastEpochRmse").GetDouble();
        Assert.IsLessThan(0.3, rmse, $"RMSE {rmse}");
        Assert.AreEqual("Linear", Json("inspect", "--model", model, "--json").GetProperty("outputActivation").GetString());
        var table = Run(["train", .. common, "--out", model, "--epochs", "20"]);
        Assert.AreEqual(0, table.Code, table.Error);
        StringAssert.Contains(table.Out, "last epoch RMSE");
        Assert.IsFalse(table.Out.Contains("NaN"), table.Out);

        var eval = Json("eval", "--model", model, "--data", csv, "--json");
        Assert.AreEqual("regression", eval.GetProperty("task").GetString());
        Assert.IsLessThan(0.3, eval.GetProperty("fixedRmse").GetDouble());
        var replay = Json(["replay", .. common, "--json"]);
        Assert.AreEqual(JsonValueKind.Null, replay.GetProperty("prequentialAccuracy").ValueKind);
        Assert.IsGreaterThan(0.0, replay.GetProperty("prequentialRmse").GetDouble());
    }

    [TestMethod]
    public void ClassBalanceOffTakesEffectWithTheGuardOn()
    {
        // Predict-then-learn over the 8,143 rows: class balance on (the default) gets 8,058 right,
        // off 8,055 (8,052 before the scaler clamped deviations beyond 4σ), the guard on (the
        // default) or off alike (no rollbacks either way).
        int Correct(params string[] extra)
        {
            var replay = Json(["replay", "--data", Occupancy, .. extra, "--json"]);
            Assert.AreEqual(0, replay.GetProperty("rollbacks").GetInt32());
            return (int)Math.Round(replay.GetProperty("prequentialAccuracy").GetDouble() * 8143);
        }

        Assert.AreEqual(8061, Correct());
        Assert.AreEqual(8052, Correct("--class-balance", "off"));
        Assert.AreEqual(8052, Correct("--class-balance", "off", "--guard", "off"));
    }

    [TestMethod]
    public void AModelWithoutItsSidecarIsEvaluatedInTheUnitsGiven()
    {
        string model = PathOf("m.nbp");
        Json("train", "--data", Occupancy, "--out", model, "--json");
        var withSidecar = Json("eval", "--model", model, "--data", Occupancy, "--json");
        string exported = PathOf("raw.nbp");
        Json("export", "--model", model, "--csharp", PathOf("M.cs"), "--blob", exported, "--json");
        Assert.IsFalse(File.Exists(exported + ".json"), "export writes the bare blob");
        var refused = Run("eval", "--model", exported, "--data", Occupancy);
        Assert.AreEqual(1, refused.Code);
        StringAssert.Contains(refused.Error, "--units");

        // The units the sidecar holds, given as an option, give the same figures to the bit.
        using var sidecar = JsonDocument.Parse(File.ReadAllText(model + ".json"));
        string units = string.Join(",", sidecar.RootElement.GetProperty("unitsPerValue").EnumerateArray().Select(u => u.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var withOptions = Json("eval", "--model", exported, "--data", Occupancy, "--features", "Temperature,Humidity,Light,CO2,HumidityRatio",
            "--label", "Occupancy", "--units", units, "--json");
        Assert.AreEqual(withSidecar.GetProperty("fixedAccuracy").GetDouble(), withOptions.GetProperty("fixedAccuracy").GetDouble());
        Assert.AreEqual(withSidecar.GetProperty("fixedLoss").GetDouble(), withOptions.GetProperty("fixedLoss").GetDouble());
    }

    [TestMethod]
    public void ATrailingCommaOrAMissingRowNumberDoesNotShiftTheColumns()
    {
        // The Occupancy file without its leading row numbers, each row ending in a comma: the
        // same columns, so the same replay to the bit.
        string[] lines = File.ReadAllLines(Occupancy);
        string trailing = PathOf("trailing.csv");
        File.WriteAllLines(trailing, lines.Take(1).Concat(lines.Skip(1).Select(l => l[(l.IndexOf(',') + 1)..] + ",")));
        double original = Json("replay", "--data", Occupancy, "--json").GetProperty("prequentialAccuracy").GetDouble();
        Assert.AreEqual(original, Json("replay", "--data", trailing, "--json").GetProperty("prequentialAccuracy").GetDouble());
    }

    [TestMethod]
    public void EveryCommandTakesJson()
    {
        foreach (var command in Program.Commands(new CliOutput(TextWriter.Null, TextWriter.Null, false)))
        {
            StringAssert.Contains(Run(command.Name, "--help").Out, "--json", command.Name);
        }

        // The quick ones run here; seeds, xor-sweep, occupancy and demo take minutes in a Debug
        // build on a busy machine (demo's JSON is checked above).
        var budget = Json("ram-budget", "--json");
        Assert.AreEqual(4464, budget.GetProperty("rows")[0].GetProperty("bytes").GetProperty("lean SGD").GetInt32());
        // The lines below the table too (docs/BOARDS.md): widest H in 50 KB, the board app without
        // the robust start, the softmax board apps.
        JsonElement widest = budget.GetProperty("widestHiddenInConservativeHeap");
        CollectionAssert.AreEqual(new[] { 146, 271, 26, 50, 32, 64 }, new[] { "lean32Bit", "lean16Bit", "boardApp32Bit", "boardApp16Bit",
            "boardAppWithoutRobustStart32Bit", "boardAppWithoutRobustStart16Bit" }.Select(n => widest.GetProperty(n).GetInt32()).ToArray());
        Assert.AreEqual(51192, budget.GetProperty("boardApp64_64_10WithoutRobustStart16Bit").GetInt32());
        Assert.AreEqual(16368, budget.GetProperty("softmaxBoardAppBytes").GetProperty("16-12-4").GetInt32());
        var soak = Json("soak", "--steps", "2000", "--json");
        Assert.AreEqual(2000L, soak.GetProperty("steps").GetInt64());
        Assert.AreEqual(10, soak.GetProperty("segmentErrors").GetArrayLength());
        var gradcheck = Json("gradcheck", "--count", "50", "--json");
        double ratio = gradcheck.GetProperty("worstBoundRatio").GetDouble();
        Assert.IsTrue(ratio > 0 && ratio <= 1, $"worst error / bound {ratio}: within the bound ParityTests asserts, and not vacuous");
    }

    [TestMethod]
    public void OutputsAreWrittenAllOrNone()
    {
        // The second file cannot be written (its folder is a file): the first is not left behind,
        // an existing file keeps its bytes, and no temporary file remains.
        string first = PathOf("model.nbp");
        string kept = PathOf("kept.json");
        File.WriteAllText(kept, "before");
        string blocked = PathOf("a-file");
        File.WriteAllText(blocked, "x");
        Assert.Throws<IOException>(() => OutputFile.WriteAll((first, [1, 2, 3]), (kept, [4]), (Path.Combine(blocked, "p.png"), [5])));
        Assert.IsFalse(File.Exists(first));
        Assert.AreEqual("before", File.ReadAllText(kept));
        CollectionAssert.AreEquivalent(new[] { "kept.json", "a-file" }, Directory.GetFiles(PathOf("")).Select(Path.GetFileName).ToArray());
    }

    private static void AssertPng(string path, int width, int height)
    {
        Assert.IsTrue(File.Exists(path), path);
        using var bitmap = SKBitmap.Decode(path);
        Assert.IsNotNull(bitmap, "decodes as an image");
        Assert.AreEqual(width, bitmap.Width);
        Assert.AreEqual(height, bitmap.Height);
    }
}
