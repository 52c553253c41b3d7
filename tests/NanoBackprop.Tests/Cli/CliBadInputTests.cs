using System.Text.Json.Nodes;
using NanoBackprop.Cli;

namespace NanoBackprop.Tests;

/// <summary>
/// Every command with a corpus of bad arguments and bad files: each must exit with 1 and print
/// exactly one line on stderr that names the problem (a key phrase is asserted), with no stack
/// trace, nothing on stdout, and no file left behind in the folder it was given.
/// </summary>
[TestClass]
public sealed class CliBadInputTests
{
    private static string folder = "";

    private static string F(string name) => Path.Combine(folder, name);

    [ClassInitialize]
    public static void MakeFiles(TestContext context)
    {
        folder = Path.Combine(Path.GetTempPath(), "nanobackprop-bad-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(F("sub"));
        var rows = new List<string> { "a,b,c,label" };
        var regression = new List<string> { "a,b,c,y" };
        for (int k = 0; k < 24; k++)
        {
            double a = k % 7 - 3, b = k % 5 * 0.5, c = k % 3;
            rows.Add($"{a},{b},{c},{(a + b > 0 ? 1 : 0)}");
            regression.Add($"{a},{b},{c},{2 * a - b + 10}");
        }

        File.WriteAllLines(F("small.csv"), rows);
        File.WriteAllLines(F("reg.csv"), regression);
        File.WriteAllText(F("empty.csv"), "");
        File.WriteAllText(F("header.csv"), "a,b,c,label\n");
        File.WriteAllText(F("types.csv"), "a,b,c,label\n1,2,3,0\n1,two,3,1\n");
        File.WriteAllText(F("labels012.csv"), "a,b,c,label\n1,2,3,0\n1,2,3,1\n1,2,3,2\n");
        File.WriteAllText(F("huge.csv"), "a,b,c,label\n1e30,2,3,0\n-2e30,1,3,1\n5e29,2,1,0\n");
        File.WriteAllText(F("tenbillion.csv"), "a,b,c,label\n1e10,2,3,0\n2e10,1,3,1\n3e10,2,1,0\n");
        File.WriteAllText(F("tiny.csv"), "a,b,c,label\n1e-12,2,3,0\n3e-12,1,3,1\n2e-12,2,1,0\n");
        File.WriteAllText(F("extra.csv"), "a,b,c,label\n5,2,3,0,9\n2,1,3,1,8\n");
        File.WriteAllText(F("ragged.csv"), "a,b,c,label\n1,2,3,0\n2,1,1\n");
        File.WriteAllText(F("duplicate.csv"), "a,a,c,label\n1,2,3,0\n2,1,1,1\n");
        File.WriteAllText(F("kinds.csv"), "a,b,kind\n0,0,alpha\n10,10,beta\n20,5,gamma\n1,0,alpha\n11,10,beta\n21,5,gamma\n");
        File.WriteAllText(F("kinds-unknown.csv"), "a,b,kind\n0,0,alpha\n5,5,delta\n");
        File.WriteAllText(F("kinds-fraction.csv"), "a,b,kind\n0,0,0\n5,5,2.5\n");
        File.WriteAllText(F("kinds-one.csv"), "a,b,kind\n0,0,alpha\n5,5,alpha\n");
        File.WriteAllText(F("a-file"), "not a folder");
        Directory.CreateDirectory(F("taken.nbp.json"));
        Directory.CreateDirectory(F("out-dir/occupancy-learning-curves.png"));
        Assert.AreEqual(0, Run("train", "--data", F("small.csv"), "--features", "a,b,c", "--label", "label", "--hidden", "3", "--out", F("m.nbp"), "--json").Code);
        Assert.AreEqual(0, Run("train", "--data", F("reg.csv"), "--features", "a,b,c", "--label", "y", "--loss", "mse", "--hidden", "3", "--out", F("reg.nbp"), "--json").Code);
        Assert.AreEqual(0, Run("train", "--data", F("kinds.csv"), "--features", "a,b", "--label", "kind", "--loss", "cce", "--hidden", "3", "--out", F("k.nbp"), "--json").Code);
        File.Copy(F("k.nbp"), F("k-names.nbp"));
        var kinds = JsonNode.Parse(File.ReadAllText(F("k.nbp.json")))!.AsObject();
        kinds["classes"]!.AsArray().RemoveAt(2);
        File.WriteAllText(F("k-names.nbp.json"), kinds.ToJsonString());
        byte[] blob = File.ReadAllBytes(F("m.nbp"));
        File.WriteAllBytes(F("raw.nbp"), blob);
        byte[] flipped = (byte[])blob.Clone();
        flipped[blob.Length / 2] ^= 0x10;
        File.WriteAllBytes(F("corrupt.nbp"), flipped);
        File.WriteAllBytes(F("empty.nbp"), []);
        File.Copy(F("small.csv"), F("text.nbp"));
        string sidecar = File.ReadAllText(F("m.nbp.json"));
        string Edit(Action<JsonObject> change)
        {
            var node = JsonNode.Parse(sidecar)!.AsObject();
            change(node);
            return node.ToJsonString();
        }

        foreach (var (name, json) in new[]
                 {
                     ("malformed", "{ \"features\": [\"a\", "),
                     ("null", "null"),
                     ("count", Edit(o => o["features"]!.AsArray().Add("d"))),
                     ("units", Edit(o => o["unitsPerValue"]![0] = -1)),
                     ("rate", Edit(o => o["learningRate"] = 1e9)),
                     ("typo", Edit(o => o["unitsPerVal"] = o["unitsPerValue"]!.DeepClone())),
                     ("classes", Edit(o => o["classes"] = new JsonArray("x", "y"))),
                 })
        {
            File.WriteAllBytes(F(name + ".nbp"), blob);
            File.WriteAllText(F(name + ".nbp.json"), json);
        }
    }

    [ClassCleanup]
    public static void DeleteFiles() => Directory.Delete(folder, true);

    private static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The corpus: arguments ({0} is the fixture folder) and the phrase the one line must hold.</summary>
    public static readonly (string Args, string Phrase)[] Corpus =
    {
        // Any command: usage mistakes are one line from the parser.
        ("frobnicate", "Unrecognized command or argument 'frobnicate'"),
        ("train --data", "Required argument missing for option: '--data'"),

        // demo
        ("demo --out-dir \"\"", "--out-dir is empty"),
        ("demo --out-dir {0}/a-file", "--out-dir names a file, not a folder"),
        ("demo --out-dir {0}/a-file/deeper", "is a file, not a folder"),
        ("demo extra", "Unrecognized command or argument 'extra'"),
        ("demo --out-dir {0}/out-dir", "--out-dir names a folder, not a file"),

        // seeds, xor-sweep, ram-budget: no settings, so stray tokens and unknown options.
        ("seeds 3", "Unrecognized command or argument '3'"),
        ("seeds --count 3", "Unrecognized command or argument '--count'"),
        ("xor-sweep --seeds 5", "Unrecognized command or argument '--seeds'"),
        ("ram-budget 64-64-10", "Unrecognized command or argument '64-64-10'"),

        // nanoFramework builds: the output folder and the board are checked before anything is built.
        ("nf-package --out {0}/small.csv", "is a file, not a folder"),
        ("nf-package --out {0}/a-file/sub", "is a file, not a folder"),
        ("nf-package --out \"\"", "--out must name a folder"),
        ("deploy-set", "Option '--board' is required"),
        ("deploy-set --board {0}/missing-board", "is not a board folder or an .nfproj"),
        ("deploy-set --board {0}/small.csv", "is not a board folder or an .nfproj"),
        ("deploy-set --board esp32-devkitc --out {0}/small.csv", "is a file, not a folder"),
        ("replay --data {0}/missing.csv --on-device-emulator", "missing.csv"),

        // train: data files
        ("train --data {0}/missing.csv --out {0}/o.nbp", "data file not found"),
        ("train --data {0}/sub --out {0}/o.nbp", "--data names a folder"),
        ("train --data {0}/empty.csv --features a,b,c --out {0}/o.nbp", "the file is empty"),
        ("train --data {0}/header.csv --features a,b,c --label label --out {0}/o.nbp", "no data rows (only a header)"),
        ("train --data {0}/types.csv --features a,b,c --label label --out {0}/o.nbp", "row 3, column 'b': 'two' is not a number"),
        ("train --data {0}/labels012.csv --features a,b,c --label label --out {0}/o.nbp", "binary cross-entropy needs labels 0 or 1 (K classes: --loss cce)"),
        ("train --data {0}/kinds.csv --features a,b --label kind --out {0}/o.nbp", "row 2, column 'kind': 'alpha' is not a number"),
        ("train --data {0}/kinds-fraction.csv --features a,b --label kind --loss cce --out {0}/o.nbp", "label 'kind' is 2.5 in row 3; numeric class labels must be the indices 0 to 255"),
        ("train --data {0}/kinds.csv --features a,b --label kind --loss cce --output-activation Sigmoid --out {0}/o.nbp", "--loss cce needs --output-activation Softmax"),
        ("train --data {0}/kinds.csv --features a,b --label kind --loss mse --output-activation Softmax --out {0}/o.nbp", "--output-activation Softmax needs --loss cce (K classes)"),
        ("train --data {0}/huge.csv --features a,b,c --label label --out {0}/o.nbp", "column 'a': values up to 2E+30 do not fit"),
        ("train --data {0}/tenbillion.csv --features a,b,c --label label --out {0}/o.nbp", "column 'a': values up to 3E+10 do not fit"),
        ("train --data {0}/tiny.csv --features a,b,c --label label --out {0}/o.nbp", "column 'a': its spread"),
        ("train --data {0}/extra.csv --features a,b,c --label label --out {0}/o.nbp", "row 2 has 5 fields; the header names 4"),
        ("train --data {0}/ragged.csv --features a,b,c --label label --out {0}/o.nbp", "row 3 has 3 fields"),
        ("train --data {0}/duplicate.csv --features a,c --label label --out {0}/o.nbp", "names column 'a' twice"),
        ("train --data {0}/small.csv --features a,b,d --label label --out {0}/o.nbp", "unknown column 'd'"),
        ("train --data {0}/small.csv --features a,a --label label --out {0}/o.nbp", "--features names 'a' twice"),
        ("train --data {0}/small.csv --features a,label --label label --out {0}/o.nbp", "the label 'label' is also named as a feature"),
        ("train --data {0}/small.csv --features a,,b --label label --out {0}/o.nbp", "expected a comma-separated list"),
        ("train --data {0}/small.csv --features a,b --label \"\" --out {0}/o.nbp", "--label is empty"),
        // train: outputs, checked before any training
        ("train --data {0}/small.csv --features a,b,c --label label --out \"\"", "--out is empty"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/sub", "--out names a folder"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/a-file/o.nbp", "is a file, not a folder"),
        ("train --data {0}/small.csv --features a,b,c --label label --out /proc/nanobackprop-cannot.nbp", "--out: cannot write"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/small.csv", "--out would overwrite an input"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/taken.nbp", "--out (its .json metadata) names a folder"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --plot {0}/o.nbp", "--plot would overwrite an input"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --plot {0}/sub", "--plot names a folder"),
        ("train --data {0}/small.csv --features a,b,c --label label", "Option '--out' is required"),
        // Outputs are checked before the data is even read.
        ("train --data {0}/missing.csv --out {0}/sub", "--out names a folder"),
        ("replay --data {0}/missing.csv --plot {0}/sub", "--plot names a folder"),
        // train: numbers out of range, wrong types, settings that cannot work
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --lr 40000", "to 32767.99998 (the largest Q16.16 value), got 40000"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --lr 0", "--lr must be from 1.5259E-05"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --lr 1e-9", "--lr must be from 1.5259E-05"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --lr NaN", "got NaN"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --lr fast", "Cannot parse argument 'fast' for option '--lr'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --momentum 1", "--momentum must be in [0, 1)"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --momentum 0.9999999", "--momentum must be in [0, 1) after rounding to Q16.16"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --momentum -0.5", "--momentum must be in [0, 1)"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --epochs 0", "--epochs must be from 1 to 10,000, got 0"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --epochs 10001", "--epochs must be from 1 to 10,000"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --epochs 99999999999", "Cannot parse argument '99999999999' for option '--epochs'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --hidden 0", "--hidden: '0' is not a layer size"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --hidden 8,,4", "--hidden: '' is not a layer size"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --hidden x", "--hidden: 'x' is not a layer size"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --hidden 600", "600"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --seed 1.5", "Cannot parse argument '1.5' for option '--seed'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --engine gpu", "--engine must be fixed or double, got 'gpu'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --loss hinge", "--loss must be bce, cce or mse, got 'hinge'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --activation Bogus", "Cannot parse argument 'Bogus' for option '--activation'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --output-activation Linear", "--loss bce needs --output-activation Sigmoid"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --class-balance maybe", "--class-balance must be on or off, got 'maybe'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --stochastic-rounding yes", "--stochastic-rounding must be on or off, got 'yes'"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --engine double --momentum 0.5", "--engine double is plain SGD"),
        ("train --data {0}/small.csv --features a,b,c --label label --out {0}/o.nbp --engine double --class-balance on", "--engine double is plain SGD"),
        ("train --data {0}/reg.csv --features a,b,c --label y --loss mse --output-activation Sigmoid --out {0}/o.nbp", "cannot learn through a Sigmoid output"),
        ("train --data {0}/reg.csv --features a,b,c --label y --loss mse --output-activation Relu --out {0}/o.nbp", "cannot learn through a Relu output"),
        ("train --data {0}/reg.csv --features a,b,c --label y --loss mse --class-balance on --out {0}/o.nbp", "--class-balance on applies to classification"),

        // eval: model files and their sidecars
        ("eval --model {0}/missing.nbp --data {0}/small.csv", "model file not found"),
        ("eval --model {0}/sub --data {0}/small.csv", "--model names a folder"),
        ("eval --model {0}/empty.nbp --data {0}/small.csv", "empty.nbp: corrupt model"),
        ("eval --model {0}/text.nbp --data {0}/small.csv", "text.nbp: corrupt model"),
        ("eval --model {0}/corrupt.nbp --data {0}/small.csv", "corrupt.nbp: corrupt model"),
        ("eval --model {0}/malformed.nbp --data {0}/small.csv", "malformed.nbp.json: malformed model metadata"),
        ("eval --model {0}/null.nbp --data {0}/small.csv", "null.nbp.json: malformed model metadata (null)"),
        ("eval --model {0}/count.nbp --data {0}/small.csv", "count.nbp.json: 'features' names 4 column(s); the model takes 3"),
        ("eval --model {0}/units.nbp --data {0}/small.csv", "units.nbp.json: 'unitsPerValue' of 'a' must be a positive number, got -1"),
        ("eval --model {0}/rate.nbp --data {0}/small.csv", "rate.nbp.json: learningRate must be from"),
        ("eval --model {0}/typo.nbp --data {0}/small.csv", "typo.nbp.json: malformed model metadata"),
        // eval: a model without its sidecar, and wrong columns, labels and units
        ("eval --model {0}/raw.nbp --data {0}/small.csv", "has no metadata"),
        ("eval --model {0}/raw.nbp --data {0}/small.csv --features a,b,c --label label", "give --units"),
        ("eval --model {0}/raw.nbp --data {0}/small.csv --features a,b,c --label label --units 1,1", "--units gives 2 value(s); the model takes 3 features"),
        ("eval --model {0}/raw.nbp --data {0}/small.csv --features a,b,c --label label --units 1,x,1", "--units: 'x' is not a number"),
        ("eval --model {0}/raw.nbp --data {0}/small.csv --features a,b,c --label label --units 1,-10,1", "--units must be positive"),
        ("eval --model {0}/m.nbp --data {0}/small.csv --features a,b", "the model takes 3 features; --features names 2"),
        ("eval --model {0}/m.nbp --data {0}/labels012.csv", "the model is a binary classifier and needs labels 0 or 1"),
        ("eval --model {0}/m.nbp --data {0}/small.csv --target-units 10", "--target-units applies to a regression model"),
        ("eval --model {0}/k.nbp --data {0}/kinds-unknown.csv", "label 'kind' is 'delta' in row 3, not a class of the model (classes: alpha, beta, gamma)"),
        ("eval --model {0}/k-names.nbp --data {0}/kinds.csv", "'classes' must name the model's 3 classes, each once, got 2 name(s)"),
        ("eval --model {0}/classes.nbp --data {0}/small.csv", "'classes' names 2 class(es); the model is not a softmax classifier"),
        ("eval --model {0}/m.nbp --data {0}/huge.csv", "row 2, column 'a'"),
        ("eval --model {0}/m.nbp --data {0}/header.csv", "no data rows"),
        ("eval --model {0}/m.nbp --data {0}/missing.csv", "data file not found"),
        ("eval --model {0}/reg.nbp --data {0}/reg.csv --target-units 0", "--target-units must be positive"),

        // replay
        ("replay --data {0}/small.csv --features a,b --label label --start-model {0}/k.nbp", "--start-model: the model has 3 softmax classes; the data and options give no softmax output"),
        ("replay --data {0}/kinds-one.csv --features a,b --label kind --loss cce", "label 'kind' has 1 class(es) in 2 rows; --loss cce needs 2 to 256"),
        ("replay --data {0}/small.csv --features a,b,c --label label --guard maybe", "--guard must be on or off, got 'maybe'"),
        ("replay --data {0}/small.csv --features a,b,c --label label --plot {0}/sub", "--plot names a folder"),
        ("replay --data {0}/small.csv --features a,b,c --label label --plot {0}/a-file/p.png", "is a file, not a folder"),
        ("replay --data {0}/small.csv --features a,b,c --label label --plot {0}/small.csv", "--plot would overwrite an input"),
        ("replay --data {0}/header.csv --features a,b,c --label label", "no data rows"),
        ("replay --data {0}/small.csv --features a,b,c --label label --lr 40000", "the largest Q16.16 value"),

        // export: names, outputs, sidecars
        ("export --model {0}/m.nbp --csharp {0}/o.cs --class class", "--class: 'class' is a C# keyword"),
        ("export --model {0}/m.nbp --csharp {0}/o.cs --namespace Board.int", "--namespace: 'int' is a C# keyword"),
        ("export --model {0}/m.nbp --csharp {0}/o.cs --class Blob", "'Blob' is the name of a generated member"),
        ("export --model {0}/m.nbp --csharp {0}/o.cs --class 9lives", "--class must be a C# identifier"),
        ("export --model {0}/m.nbp --csharp {0}/o.cs --namespace Board..Models", "--namespace must be a C# namespace"),
        ("export --model {0}/m.nbp --csharp {0}/o.cs --class A.B", "--class must be a C# identifier"),
        ("export --model {0}/m.nbp --csharp \"\"", "--csharp is empty"),
        ("export --model {0}/m.nbp --csharp {0}/sub", "--csharp names a folder"),
        ("export --model {0}/m.nbp --csharp {0}/m.nbp", "--csharp would overwrite an input"),
        ("export --model {0}/m.nbp --csharp {0}/m.nbp.json", "--csharp would overwrite an input"),
        ("export --model {0}/m.nbp --csharp {0}/a-file/o.cs", "is a file, not a folder"),
        ("export --model {0}/m.nbp --csharp {0}/o.cs --blob {0}/o.cs", "--blob would overwrite an input"),
        ("export --model {0}/raw.nbp --csharp {0}/o.cs", "has no metadata"),
        ("export --model {0}/raw.nbp --csharp {0}/o.cs --features a,b,c --units 1,0.5,1", "must be whole numbers"),
        ("export --model {0}/malformed.nbp --csharp {0}/o.cs", "malformed model metadata"),
        ("export --model {0}/missing.nbp --csharp {0}/o.cs", "model file not found"),

        // inspect
        ("inspect --model {0}/missing.nbp", "model file not found"),
        ("inspect --model {0}/empty.nbp", "corrupt model"),
        ("inspect --model {0}/corrupt.nbp", "corrupt model"),
        ("inspect --model {0}/malformed.nbp", "malformed model metadata"),
        ("inspect --model {0}/count.nbp", "the model takes 3"),
        ("inspect", "Option '--model' is required"),

        // gradcheck
        ("gradcheck --count 0", "--count must be from 1 to 100,000, got 0"),
        ("gradcheck --count 100001", "--count must be from 1 to 100,000"),
        ("gradcheck --count many", "Cannot parse argument 'many' for option '--count'"),
        ("gradcheck --seed 1.5", "Cannot parse argument '1.5' for option '--seed'"),

        // occupancy: every setting is a named option now
        ("occupancy Bogus 0.1 0.01 8192 on", "Unrecognized command or argument 'Bogus'"),
        ("occupancy --schedule Bogus", "Cannot parse argument 'Bogus' for option '--schedule'"),
        ("occupancy --lr abc", "Cannot parse argument 'abc' for option '--lr'"),
        ("occupancy --lr -1", "--lr must be from"),
        ("occupancy --lr 40000", "the largest Q16.16 value"),
        ("occupancy --schedule InverseTime --decay-samples 0", "--decay-samples must be from 1"),
        ("occupancy --schedule InverseTime --decay-samples -1", "--decay-samples must be from 1"),
        ("occupancy --lr-floor 0.05", "--lr-floor and --decay-samples apply to a decaying schedule"),
        ("occupancy --weight-bits 8", "--weight-bits must be 32, 16 or 16-nearest; it is 8"),
        ("soak --weight-bits 64", "--weight-bits must be 32, 16 or 16-nearest; it is 64"),
        ("occupancy --weights 16", "Unrecognized command or argument"),
        ("occupancy --decay-samples 100", "--lr-floor and --decay-samples apply to a decaying schedule"),
        ("occupancy --schedule InverseTime --lr-floor 0.5", "--lr-floor must be from"),
        ("occupancy --class-balance yes", "--class-balance must be on or off, got 'yes'"),
        ("occupancy --confidence-margin 0.6", "--confidence-margin must be in [0, 0.5]"),
        ("occupancy --confidence-margin -0.1", "--confidence-margin must be in [0, 0.5]"),

        // rooms
        ("rooms --epochs 0", "--epochs must be from 1"),
        ("rooms --lr -1", "--lr must be from"),
        ("rooms --board-lr abc", "Cannot parse argument 'abc' for option '--board-lr'"),
        ("rooms --label-every 0", "--label-every must be from 1"),
        ("rooms --replay -1", "--replay must be from 0"),
        ("rooms --seeds 0", "--seeds must be from 1"),
        ("rooms --png {0}/out-dir/occupancy-learning-curves.png", "--png names a folder"),
        ("rooms 3", "Unrecognized command or argument '3'"),

        // soak
        ("soak --steps 9", "--steps must be from 10 to 1,000,000,000, got 9"),
        ("soak --steps 2000000000", "--steps must be from 10"),
        ("soak --steps lots", "Cannot parse argument 'lots' for option '--steps'"),
        ("soak 100", "Unrecognized command or argument '100'"),
    };

    [TestMethod]
    public void EveryBadInputGivesExitOneAndOneLineNamingTheProblem()
    {
        var failures = new List<string>();
        var commands = new HashSet<string>();
        foreach (var (template, phrase) in Corpus)
        {
            string[] args = Split(template.Replace("{0}", folder));
            commands.Add(args[0]);
            var before = Listing();
            var (code, output, error) = Run(args);
            string line = error.TrimEnd('\n', '\r');
            string problem = code != 1 ? $"exit code {code}"
                : line.Contains('\n') ? "more than one line"
                : !line.StartsWith("nanobackprop: ", StringComparison.Ordinal) ? "no 'nanobackprop: ' prefix"
                : !line.Contains(phrase, StringComparison.Ordinal) ? $"phrase '{phrase}' missing"
                : line.Contains("   at ", StringComparison.Ordinal) || line.Contains("internal error", StringComparison.Ordinal) ? "a stack trace or internal error"
                : output.Length != 0 ? "output on stdout"
                : !before.SetEquals(Listing()) ? "files changed: " + string.Join(", ", Listing().Except(before).Concat(before.Except(Listing())))
                : "";
            if (problem.Length > 0)
            {
                failures.Add($"{template}: {problem}; stderr: {error.Trim()}");
            }
        }

        // Every command is in the corpus.
        var all = Program.Commands(new CliOutput(TextWriter.Null, TextWriter.Null, false)).Select(c => c.Name).ToHashSet();
        all.Add("frobnicate");
        CollectionAssert.AreEquivalent(all.ToArray(), commands.ToArray());
        Assert.IsEmpty(failures, string.Join("\n", failures));
    }

    private static HashSet<string> Listing() =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .Select(p => p + ":" + (File.Exists(p) ? new FileInfo(p).Length + "@" + File.GetLastWriteTimeUtc(p).Ticks : "folder")).ToHashSet();

    // Splits on spaces, keeping "" as an empty argument.
    private static string[] Split(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "\"\"" ? "" : a).ToArray();
}
