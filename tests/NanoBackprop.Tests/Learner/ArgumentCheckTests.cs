namespace NanoBackprop.Tests;

// Issue 12 items 4 and 6: configurations that cannot learn are refused, and every public member
// checks its arguments first, names the wrong one and the method called, and changes nothing.
[TestClass]
public sealed class ArgumentCheckTests
{
    private static Network Net(Activation output, Loss loss, NetworkOptions options = NetworkOptions.None, int outputs = 1)
    {
        return new Network(new[] { 2, 4, outputs }, Activation.Tanh, output, loss, 1, options);
    }

    // Item 4: each combination that cannot learn, with the message that says what to change.
    [TestMethod]
    public void ConfigurationsThatCannotLearnAreRefusedWithWhatToChange()
    {
        var cases = new (Network Network, LearnerOptions Options, string Message)[]
        {
            (Net(Activation.Sigmoid, Loss.MeanSquaredError), new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false },
                "OnlineLearner: regression targets are standardised (about half are negative), which a Sigmoid output cannot reach; build the network with a Linear output activation."),
            (Net(Activation.Relu, Loss.MeanSquaredError), new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false },
                "OnlineLearner: regression targets are standardised (about half are negative), which a Relu output cannot reach; build the network with a Linear output activation."),
            (Net(Activation.Linear, Loss.MeanSquaredError), new LearnerOptions { Task = LearnerTask.Regression },
                "OnlineLearner: ClassBalance weights classification labels; set ClassBalance = false for regression."),
            (Net(Activation.Sigmoid, Loss.BinaryCrossEntropy), new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false },
                "OnlineLearner: regression needs a network built with Loss.MeanSquaredError."),
            (Net(Activation.Tanh, Loss.MeanSquaredError), new LearnerOptions(),
                "OnlineLearner: classification needs a sigmoid output (yes/no per output) or a softmax output (one of K classes)."),
            (Net(Activation.Linear, Loss.MeanSquaredError), new LearnerOptions { ClassBalance = false },
                "OnlineLearner: classification needs a sigmoid output (yes/no per output) or a softmax output (one of K classes)."),
            (Net(Activation.Sigmoid, Loss.BinaryCrossEntropy), new LearnerOptions { BatchSize = 4, ClassBalance = false },
                "OnlineLearner: BatchSize above 1 needs a network built with NetworkOptions.GradientAccumulation."),
            (Net(Activation.Sigmoid, Loss.BinaryCrossEntropy, NetworkOptions.GradientAccumulation), new LearnerOptions { BatchSize = 4 },
                "OnlineLearner: ClassBalance weights single samples; use it with BatchSize 1."),
            (Net(Activation.Linear, Loss.MeanSquaredError), new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false, ConfidenceMargin = 100 },
                "OnlineLearner: ConfidenceMargin must be 0 to 0.5, and only for classification."),
        };
        foreach (var (network, options, message) in cases)
        {
            string before = NetworkState.Capture(network);
            var error = Assert.ThrowsExactly<ArgumentException>(() => new OnlineLearner(network, options));
            Assert.AreEqual(message + " (Parameter 'options')", error.Message);
            Assert.AreEqual("options", error.ParamName);
            Assert.AreEqual(before, NetworkState.Capture(network), "the network is unchanged");
        }

        // What still works: a linear or tanh output for regression, several sigmoid outputs with
        // the default options (class balance has no effect there).
        Assert.AreEqual(LearnerTask.Regression, new OnlineLearner(Net(Activation.Linear, Loss.MeanSquaredError), new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false }).Task);
        Assert.AreEqual(LearnerTask.Regression, new OnlineLearner(Net(Activation.Tanh, Loss.MeanSquaredError), new LearnerOptions { Task = LearnerTask.Regression, ClassBalance = false }).Task);
        Assert.AreEqual(LearnerTask.Classification, new OnlineLearner(Net(Activation.Sigmoid, Loss.BinaryCrossEntropy, NetworkOptions.None, 3), new LearnerOptions()).Task);
    }

    [TestMethod]
    public void GetWeightChecksItsIndicesBeforeReading()
    {
        var network = Net(Activation.Sigmoid, Loss.BinaryCrossEntropy);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.GetWeight(-1, 0, 0));
        Assert.AreEqual("layer", error.ParamName);
        StringAssert.StartsWith(error.Message, "GetWeight: layer must be 0 to 1 (layer 0 = the weights from the inputs).");
        Assert.AreEqual("layer", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.GetWeight(2, 0, 0)).ParamName);
        Assert.AreEqual("neuron", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.GetWeight(0, 4, 0)).ParamName);
        Assert.AreEqual("input", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => network.GetWeight(1, 0, 4)).ParamName);
    }

    [TestMethod]
    public void ModelDescriptionGetLayerSizeNamesTheLayer()
    {
        var description = Description(new LearnerOptions(), out _);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => description.GetLayerSize(7));
        Assert.AreEqual("layer", error.ParamName);
        StringAssert.StartsWith(error.Message, "ModelDescription.GetLayerSize: layer must be 0 to 2.");
        Assert.AreEqual("layer", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => description.GetLayerSize(-1)).ParamName);
        Assert.AreEqual(8, description.GetLayerSize(1));
    }

    [TestMethod]
    public void CreateLearnerDoesNotChangeTheCallersOptions()
    {
        // A blob with class balance on; the caller's options have it off, a batch of 1, no guard.
        var description = Description(new LearnerOptions { DivergenceGuard = true, ScalerWindowShift = 10 }, out _);
        var options = new LearnerOptions { ClassBalance = false, BaseLearningRate = 1000, ScalerWindowShift = 12 };
        var learner = description.CreateLearner(options);
        Assert.IsFalse(options.ClassBalance, "ClassBalance false -> true was the bug");
        Assert.IsFalse(options.DivergenceGuard);
        Assert.AreEqual(12, options.ScalerWindowShift);
        Assert.AreEqual(LearnerTask.Classification, options.Task);
        Assert.AreEqual(1000, options.BaseLearningRate);
        // The learner has the header's structure and the caller's rate.
        Assert.IsTrue(learner.HasDivergenceGuard);
        Assert.AreEqual(10, learner.Scaler.WindowShift);
        Assert.AreEqual(1000, learner.CurrentLearningRate);
        Assert.AreEqual("options", Assert.ThrowsExactly<ArgumentNullException>(() => description.CreateLearner(null!)).ParamName);
    }

    [TestMethod]
    public void ABlobForAnotherConfigurationNamesTheFirstFieldThatDiffers()
    {
        // The case: a 5-8-1 blob without the guard into a 5-8-1 learner with it.
        var source = Learner5x8x1(new LearnerOptions());
        byte[] blob = new byte[ModelBlob.SizeOf(source)];
        ModelBlob.Write(source, blob, 0);
        var guarded = Learner5x8x1(new LearnerOptions { DivergenceGuard = true });
        string before = NetworkState.Capture(guarded);
        var error = Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(guarded, blob, 0, blob.Length));
        Assert.AreEqual("Model: divergence guard is 0; the learner has 1.", error.Message);
        Assert.AreEqual(before, NetworkState.Capture(guarded));

        var wider = new OnlineLearner(new Network(new[] { 5, 9, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 3, NetworkOptions.None), new LearnerOptions());
        Assert.AreEqual("Model: layer 1 has 8 neurons; the network has 9.", Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(wider, blob, 0, blob.Length)).Message);
        var tanh = new OnlineLearner(new Network(new[] { 5, 8, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.MeanSquaredError, 3, NetworkOptions.None), new LearnerOptions());
        Assert.AreEqual("Model: loss is 1; the learner has 0.", Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(tanh, blob, 0, blob.Length)).Message);
        var batched = Learner5x8x1(new LearnerOptions { ClassBalance = false });
        Assert.AreEqual("Model: class balance is 1; the learner has 0.", Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(batched, blob, 0, blob.Length)).Message);
        // Same structure, wrong length: the size.
        Assert.AreEqual($"Model: {blob.Length - 1} bytes; a model for this learner has {blob.Length} (truncated or padded).",
            Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(Learner5x8x1(new LearnerOptions()), blob, 0, blob.Length - 1)).Message);
        Assert.AreEqual("Model: 20 bytes is too short for the header of a 3-layer model (24 bytes).",
            Assert.ThrowsExactly<InvalidModelException>(() => ModelBlob.Read(Learner5x8x1(new LearnerOptions()), blob, 0, 20)).Message);
    }

    [TestMethod]
    public void InputScalerScaleNamesTheOutputArray()
    {
        var scaler = new InputScaler(2, 4);
        scaler.Calibrate(0, 10, 256);
        var error = Assert.ThrowsExactly<ArgumentNullException>(() => scaler.Scale(new[] { 1, 2 }, null!));
        Assert.AreEqual("scaled", error.ParamName);
        StringAssert.StartsWith(error.Message, "Scale: scaled is null.");
        var length = Assert.ThrowsExactly<ArgumentException>(() => scaler.Scale(new[] { 1, 2 }, new int[3]));
        Assert.AreEqual("scaled", length.ParamName);
        StringAssert.StartsWith(length.Message, "Scale: scaled has 3 values; the scaler has 2 features.");
        Assert.AreEqual("raw", Assert.ThrowsExactly<ArgumentNullException>(() => scaler.Scale(null!, new int[2])).ParamName);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => scaler.Scale(new int[1], new int[2])).Message, "Scale: the reading has 1 values; the scaler has 2 features.");
        Assert.AreEqual(10, scaler.GetMean(0), "unchanged");
    }

    [TestMethod]
    public void OnlineLearnerPredictNamesItself()
    {
        var learner = Learner5x8x1(new LearnerOptions());
        string before = NetworkState.Capture(learner);
        var error = Assert.ThrowsExactly<ArgumentNullException>(() => learner.Predict(null!));
        Assert.AreEqual("raw", error.ParamName);
        StringAssert.StartsWith(error.Message, "Predict: the reading is null.");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => learner.Predict(new int[4])).Message, "Predict: the reading has 4 values; the network needs 5.");
        Assert.AreEqual(before, NetworkState.Capture(learner));
    }

    // Inner calls naming the inner method, and arguments not named: the other members found.
    [TestMethod]
    public void OtherPublicMembersNameTheirArgumentAndThemselves()
    {
        var network = Net(Activation.Sigmoid, Loss.BinaryCrossEntropy, NetworkOptions.GradientAccumulation);
        network.Forward(new[] { 1, 2 });
        var backward = Assert.ThrowsExactly<ArgumentException>(() => network.Backward(new[] { 0 }, (Loss)7));
        Assert.AreEqual("sampleLoss", backward.ParamName);
        StringAssert.StartsWith(backward.Message, "Backward: unknown loss 7.");
        var tanhOutput = new Network(new[] { 2, 1 }, Activation.Tanh, Activation.Tanh, Loss.MeanSquaredError, 1, NetworkOptions.GradientAccumulation);
        tanhOutput.Forward(new[] { 1, 2 });
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => tanhOutput.Backward(new[] { 0 }, Loss.BinaryCrossEntropy)).Message, "Backward: BinaryCrossEntropy needs a Sigmoid output activation.");

        var write = Assert.ThrowsExactly<ArgumentNullException>(() => ModelBlob.Write(null!, new byte[10], 0));
        Assert.AreEqual("learner", write.ParamName);
        StringAssert.StartsWith(write.Message, "ModelBlob.Write: learner is null.");

        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentNullException>(() => ModelBlob.Read(null!, new byte[10], 0, 10)).Message, "ModelBlob.Read: learner is null.");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentNullException>(() => ModelBlob.Validate(Learner5x8x1(new LearnerOptions()), null!, 0, 10)).Message, "ModelBlob.Validate: buffer is null.");
        Assert.AreEqual("value", Assert.ThrowsExactly<ArgumentException>(() => Q16.FromDouble(double.NaN)).ParamName);
        Assert.AreEqual("value", Assert.ThrowsExactly<ArgumentException>(() => Q16.FromDouble(double.PositiveInfinity)).ParamName);

        Assert.AreEqual("a", Assert.ThrowsExactly<ArgumentNullException>(() => Q16.Dot(null!, 0, new int[2], 0, 2)).ParamName);
        Assert.AreEqual("b", Assert.ThrowsExactly<ArgumentNullException>(() => Q16.Dot(new int[2], 0, null!, 0, 2)).ParamName);
        Assert.AreEqual("count", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Q16.Dot(new int[2], 0, new int[2], 0, -1)).ParamName);
        Assert.AreEqual("aOffset", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Q16.Dot(new int[2], 1, new int[2], 0, 2)).ParamName);
        Assert.AreEqual("bOffset", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Q16.Dot(new int[2], 0, new int[3], -1, 2)).ParamName);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Q16.Dot(new int[2], 1, new int[2], 0, 2)).Message, "Q16.Dot: 2 elements from aOffset 1 do not fit a (2 elements).");
        // 1·3 + 2·4 = 11 in Q16.16 units: (65536·196608 + 131072·262144) >> 16 = 11·65536.
        Assert.AreEqual(11 * Q16.One, Q16.Dot(new[] { 0, Q16.One, 2 * Q16.One }, 1, new[] { 3 * Q16.One, 4 * Q16.One }, 0, 2));

        foreach (var call in new Func<int>[] { () => MemoryFootprint.NetworkBytes(null!), () => MemoryFootprint.ParameterBytes(null!), () => MemoryFootprint.NeuronBufferBytes(null!), () => MemoryFootprint.GradientBytes(null!), () => MemoryFootprint.VelocityBytes(null!) })
        {
            var error = Assert.ThrowsExactly<ArgumentNullException>(() => call());
            Assert.AreEqual("network", error.ParamName);
            StringAssert.StartsWith(error.Message, "MemoryFootprint.");
        }

        Assert.AreEqual("length", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MemoryFootprint.ArrayBytes(-1, 4)).ParamName);
        Assert.AreEqual("elementBytes", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MemoryFootprint.ArrayBytes(4, 0)).ParamName);
        Assert.AreEqual("fieldCount", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MemoryFootprint.ObjectBytes(-1)).ParamName);
        // 20-byte header + 4·4 = 36 -> 3 blocks of 12.
        Assert.AreEqual(36, MemoryFootprint.ArrayBytes(4, 4));
    }

    // Where a blob lies in the caller's buffer is an argument: a range outside the buffer names
    // offset or count (ArgumentOutOfRangeException), never InvalidModelException, and changes nothing.
    [TestMethod]
    public void ABlobRangeOutsideTheBufferNamesOffsetOrCount()
    {
        var learner = Learner5x8x1(new LearnerOptions());
        byte[] blob = new byte[ModelBlob.SizeOf(learner)];
        Assert.AreEqual(763, ModelBlob.Write(learner, blob, 0));
        string before = NetworkState.Capture(learner);
        var reads = new (Action Call, string Parameter, string Message)[]
        {
            (() => ModelBlob.Read(learner, blob, -1, 763), "offset", "ModelBlob.Read: offset -1 is outside the buffer of 763 bytes."),
            (() => ModelBlob.Read(learner, blob, 764, 0), "offset", "ModelBlob.Read: offset 764 is outside the buffer of 763 bytes."),
            (() => ModelBlob.Read(learner, blob, 0, -1), "count", "ModelBlob.Read: count -1 from offset 0 does not fit the buffer of 763 bytes."),
            (() => ModelBlob.Read(learner, blob, 1, 763), "count", "ModelBlob.Read: count 763 from offset 1 does not fit the buffer of 763 bytes."),
            (() => ModelBlob.Validate(learner, blob, 0, 764), "count", "ModelBlob.Validate: count 764 from offset 0 does not fit the buffer of 763 bytes."),
            (() => _ = new ModelDescription(blob, -5, 10), "offset", "ModelDescription: offset -5 is outside the buffer of 763 bytes."),
            (() => _ = new ModelDescription(blob, 700, 100), "count", "ModelDescription: count 100 from offset 700 does not fit the buffer of 763 bytes."),
            (() => ModelBlob.Write(learner, blob, -1), "offset", "ModelBlob.Write: offset -1 is outside the buffer of 763 bytes."),
        };
        foreach (var (call, parameter, message) in reads)
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(call);
            Assert.AreEqual(parameter, error.ParamName, message);
            StringAssert.StartsWith(error.Message, message);
        }

        // Inside the buffer, too few bytes for a model is the model's fault.
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidModelException>(() => _ = new ModelDescription(blob, 0, 3)).Message, "Model: 3 bytes at offset 0 cannot hold a header.");
        Assert.AreEqual("buffer", Assert.ThrowsExactly<ArgumentException>(() => ModelBlob.Write(learner, blob, 1)).ParamName);
        Assert.AreEqual(before, NetworkState.Capture(learner));
    }

    private static OnlineLearner Learner5x8x1(LearnerOptions options)
    {
        return new OnlineLearner(new Network(new[] { 5, 8, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 3, NetworkOptions.None), options);
    }

    private static ModelDescription Description(LearnerOptions options, out byte[] blob)
    {
        var learner = new OnlineLearner(new Network(new[] { 2, 8, 1 }, Activation.Sigmoid, Activation.Sigmoid, Loss.BinaryCrossEntropy, 3, NetworkOptions.None), options);
        blob = new byte[ModelBlob.SizeOf(learner)];
        ModelBlob.Write(learner, blob, 0);
        return new ModelDescription(blob, 0, blob.Length);
    }
}
