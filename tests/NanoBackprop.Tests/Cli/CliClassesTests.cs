using System.Text.Json;
using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

/// <summary>
/// K-class (softmax) models through the CLI: text labels mapped to sorted class indices, the
/// confusion matrix and the scores a reader can check by hand, and labels outside the model refused.
/// </summary>
[TestClass]
public sealed class CliClassesTests : CliTestBase
{
    // Three clusters, 8 rows each, written gamma first: the classes are sorted (alpha, beta, gamma), not in order of appearance.
    private string WriteTraining()
    {
        var rows = new List<string> { "a,b,kind" };
        var centres = new (string Name, double A, double B)[] { ("gamma", 20, 5), ("alpha", 0, 0), ("beta", 10, 10) };
        for (int k = 0; k < 8; k++)
        {
            foreach (var (name, a, b) in centres)
            {
                rows.Add(FormattableString.Invariant($"{a + k % 3 - 1},{b + k % 4 * 0.5 - 0.75},{name}"));
            }
        }

        string path = PathOf("train.csv");
        File.WriteAllLines(path, rows);
        return path;
    }

    // Ten rows at the cluster centres: rows 5 and 9 carry the label of the next class (a point of
    // alpha labelled beta, one of beta labelled gamma), so a model that learned the clusters
    // gives the matrix (true \ predicted) [3 0 0; 1 3 0; 0 1 2].
    private string WriteEvaluation(string extraRow = "")
    {
        string path = PathOf("eval.csv");
        File.WriteAllText(path, "a,b,kind\n0,0,alpha\n1,0.5,alpha\n-1,-0.5,alpha\n0.5,0,beta\n10,10,beta\n11,9.5,beta\n9,10.5,beta\n10,10,gamma\n20,5,gamma\n21,4.5,gamma\n" + extraRow);
        return path;
    }

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [TestMethod]
    public void MetricsOfAHandMadeMatrix()
    {
        // Classes a, b, c; rows true a,a,b,b predicted a,c,c,c: c is absent from the rows (no
        // recall to average) and b is never predicted (precision 0, F1 0).
        var metrics = ClassMetrics.Of(["a", "b", "c"], [0, 0, 1, 1], [0, 2, 2, 2]);
        CollectionAssert.AreEqual(new[] { 1, 0, 1 }, metrics.Matrix[0]);
        CollectionAssert.AreEqual(new[] { 0, 0, 2 }, metrics.Matrix[1]);
        CollectionAssert.AreEqual(new[] { 0, 0, 0 }, metrics.Matrix[2]);
        Assert.AreEqual(0.25, metrics.Accuracy);
        CollectionAssert.AreEqual(new double?[] { 0.5, 0, null }, metrics.Recall);
        // a: P = 1, R = 1/2, F1 = 2·1·½ / 1½ = 2/3; b: P = 0 (never predicted), F1 = 0.
        Assert.AreEqual(2.0 / 3, metrics.F1[0]!.Value, 1e-15);
        Assert.AreEqual(0.0, metrics.F1[1]);
        Assert.IsNull(metrics.F1[2]);
        Assert.AreEqual(0.25, metrics.BalancedAccuracy);
        Assert.AreEqual(1.0 / 3, metrics.MacroF1, 1e-15);
    }

    [TestMethod]
    public void TextLabelsTrainEvaluateAndReplayWithTheConfusionMatrix()
    {
        string train = WriteTraining();
        string model = PathOf("m.nbp");
        var trained = Json("train", "--data", train, "--features", "a,b", "--label", "kind", "--loss", "cce", "--hidden", "4", "--epochs", "50", "--out", model, "--json");
        Assert.AreEqual(1.0, trained.GetProperty("lastEpochAccuracy").GetDouble());
        CollectionAssert.AreEqual(new[] { "alpha", "beta", "gamma" }, trained.GetProperty("classes").GetProperty("classes").EnumerateArray().Select(e => e.GetString()).ToArray());
        using (var sidecar = JsonDocument.Parse(File.ReadAllText(model + ".json")))
        {
            CollectionAssert.AreEqual(new[] { "alpha", "beta", "gamma" }, sidecar.RootElement.GetProperty("classes").EnumerateArray().Select(e => e.GetString()).ToArray());
        }

        var evaluated = Json("eval", "--model", model, "--data", WriteEvaluation(), "--json");
        var classes = evaluated.GetProperty("classes");
        int[][] matrix = classes.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        CollectionAssert.AreEqual(new[] { 3, 0, 0 }, matrix[0]);
        CollectionAssert.AreEqual(new[] { 1, 3, 0 }, matrix[1]);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, matrix[2]);
        // 8 of 10 right. Recall 3/3, 3/4, 2/3; precision 3/4, 3/4, 2/2; F1 6/7, 3/4, 4/5.
        Assert.AreEqual(0.8, evaluated.GetProperty("fixedAccuracy").GetDouble());
        Assert.AreEqual(0.8, classes.GetProperty("accuracy").GetDouble());
        double[] recall = Doubles(classes.GetProperty("recall"));
        double[] f1 = Doubles(classes.GetProperty("f1"));
        double[][] expected = [[1, 0.75, 2.0 / 3], [6.0 / 7, 0.75, 0.8]];
        for (int c = 0; c < 3; c++)
        {
            Assert.AreEqual(expected[0][c], recall[c], 1e-15);
            Assert.AreEqual(expected[1][c], f1[c], 1e-15);
        }

        Assert.AreEqual((1 + 0.75 + 2.0 / 3) / 3, classes.GetProperty("balancedAccuracy").GetDouble(), 1e-15);
        Assert.AreEqual((6.0 / 7 + 0.75 + 0.8) / 3, classes.GetProperty("macroF1").GetDouble(), 1e-15);
        Assert.AreEqual(1.0, evaluated.GetProperty("predictionAgreement").GetDouble());

        // The table names the classes and prints the same figures.
        var (code, text, _) = Run("eval", "--model", model, "--data", PathOf("eval.csv"));
        Assert.AreEqual(0, code);
        StringAssert.Contains(text, "balanced accuracy 80.56 %, macro-F1 80.24 %");
        StringAssert.Contains(text, "gamma");

        // Replay: predict, then learn, one pass in file order (prequential; the first rows are guesses).
        var replayed = Json("replay", "--data", train, "--features", "a,b", "--label", "kind", "--loss", "cce", "--hidden", "4", "--json");
        var prequential = replayed.GetProperty("classes");
        int[][] replayMatrix = prequential.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        Assert.AreEqual(24, replayMatrix.Sum(r => r.Sum()));
        Assert.AreEqual((double)(replayMatrix[0][0] + replayMatrix[1][1] + replayMatrix[2][2]) / 24, replayed.GetProperty("prequentialAccuracy").GetDouble());
    }

    [TestMethod]
    public void TheDoubleEngineTrainsKClassesToTheSameMatrix()
    {
        // --engine double: the reference network with softmax + cross-entropy as its own nodes, quantised at the end.
        string model = PathOf("d.nbp");
        var trained = Json("train", "--data", WriteTraining(), "--features", "a,b", "--label", "kind", "--loss", "cce", "--hidden", "4", "--epochs", "50", "--engine", "double", "--out", model, "--json");
        Assert.AreEqual(1.0, trained.GetProperty("lastEpochAccuracy").GetDouble());
        var classes = Json("eval", "--model", model, "--data", WriteEvaluation(), "--json").GetProperty("classes");
        Assert.AreEqual(0.8, classes.GetProperty("accuracy").GetDouble());
        Assert.AreEqual((6.0 / 7 + 0.75 + 0.8) / 3, classes.GetProperty("macroF1").GetDouble(), 1e-15);
    }

    [TestMethod]
    public void AnUnknownLabelIsRefusedInOneLine()
    {
        string model = PathOf("m.nbp");
        Json("train", "--data", WriteTraining(), "--features", "a,b", "--label", "kind", "--loss", "cce", "--hidden", "4", "--out", model, "--json");
        var (code, output, error) = Run("eval", "--model", model, "--data", WriteEvaluation("5,5,delta\n"));
        Assert.AreEqual(1, code);
        Assert.AreEqual("", output);
        Assert.AreEqual("nanobackprop: label 'kind' is 'delta' in row 12, not a class of the model (classes: alpha, beta, gamma)", error.TrimEnd());
    }

    [TestMethod]
    public void IntegerLabelsAreTheClassIndicesAndExportCarriesTheClasses()
    {
        // The same training rows with labels 0, 1, 2 for alpha, beta, gamma: the same classes in the same order, so the same model bytes.
        string text = WriteTraining();
        string numeric = PathOf("numeric.csv");
        File.WriteAllText(numeric, File.ReadAllText(text).Replace("alpha", "0").Replace("beta", "1").Replace("gamma", "2"));
        Json("train", "--data", text, "--features", "a,b", "--label", "kind", "--loss", "cce", "--hidden", "4", "--out", PathOf("t.nbp"), "--json");
        Json("train", "--data", numeric, "--features", "a,b", "--label", "kind", "--loss", "cce", "--hidden", "4", "--out", PathOf("n.nbp"), "--json");
        CollectionAssert.AreEqual(File.ReadAllBytes(PathOf("t.nbp")), File.ReadAllBytes(PathOf("n.nbp")));
        StringAssert.Contains(File.ReadAllText(PathOf("n.nbp.json")), "\"classes\": [\n    \"0\",\n    \"1\",\n    \"2\"\n  ]".Replace("\n", Environment.NewLine));

        var export = Json("export", "--model", PathOf("t.nbp"), "--csharp", PathOf("M.cs"), "--json");
        CollectionAssert.AreEqual(File.ReadAllBytes(PathOf("t.nbp")), File.ReadAllBytes(export.GetProperty("blob").GetString()!));
        string source = File.ReadAllText(PathOf("M.cs"));
        StringAssert.Contains(source, "public static readonly int[] LayerSizes = new int[] { 2, 4, 3 };");
        StringAssert.Contains(source, "public static readonly string[] Classes = new string[] { \"alpha\", \"beta\", \"gamma\" };");
        var description = new ModelDescription(File.ReadAllBytes(export.GetProperty("blob").GetString()!), 0, (int)new FileInfo(export.GetProperty("blob").GetString()!).Length);
        Assert.AreEqual(3, description.Classes);
    }

    [TestMethod]
    public void RoomOccupancyTrainedOnDecemberAndEvaluatedOnJanuary()
    {
        // The real 4-class case: 0-3 people, 16 sensors. December rows (8,084) train 5 epochs;
        // the January rows (2,045) are evaluated with the frozen model. January has no row with
        // 1 person, so the means are over the 3 classes present.
        string[] lines = File.ReadAllLines(Rooms);
        string december = PathOf("december.csv"), january = PathOf("january.csv");
        File.WriteAllLines(december, lines.Take(1).Concat(lines.Skip(1).Where(l => l.StartsWith("2017/12", StringComparison.Ordinal))));
        File.WriteAllLines(january, lines.Take(1).Concat(lines.Skip(1).Where(l => l.StartsWith("2018/01", StringComparison.Ordinal))));
        string features = string.Join(",", lines[0].Split(',')[2..^1]);
        string model = PathOf("rooms.nbp");
        var trained = Json("train", "--data", december, "--features", features, "--label", "Room_Occupancy_Count", "--loss", "cce", "--hidden", "12",
            "--epochs", "5", "--lr", "0.05", "--out", model, "--json");
        Assert.AreEqual(8084, trained.GetProperty("rows").GetInt32());
        Assert.AreEqual(8032.0 / 8084, trained.GetProperty("lastEpochAccuracy").GetDouble());
        var evaluated = Json("eval", "--model", model, "--data", january, "--json").GetProperty("classes");
        int[][] matrix = evaluated.GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToArray();
        Console.WriteLine("matrix " + string.Join(" | ", matrix.Select(r => string.Join(",", r))) + $"; accuracy {evaluated.GetProperty("accuracy").GetDouble():R}, balanced {evaluated.GetProperty("balancedAccuracy").GetDouble():R}");
        int[][] expected = [[1750, 0, 1, 0], [0, 0, 0, 0], [0, 0, 86, 7], [84, 0, 117, 0]];
        for (int c = 0; c < 4; c++)
        {
            CollectionAssert.AreEqual(expected[c], matrix[c], $"true class {c}");
        }

        Assert.AreEqual(1836.0 / 2045, evaluated.GetProperty("accuracy").GetDouble());
        Assert.AreEqual((1750.0 / 1751 + 86.0 / 93 + 0.0 / 201) / 3, evaluated.GetProperty("balancedAccuracy").GetDouble(), 1e-15);
        Assert.AreEqual(JsonValueKind.Null, evaluated.GetProperty("recall")[1].ValueKind);
    }
}
