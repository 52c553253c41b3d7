namespace NanoBackprop.Cli;

/// <summary>
/// Transfer learning on the desktop: a pretrained learner rebuilt with its first layers frozen
/// (and, if asked, 16-bit weights), ready to be exported and fine-tuned on a board or by
/// `replay --start-model`.
/// </summary>
public static class FrozenTransfer
{
    /// <summary>
    /// A learner with <paramref name="source"/>'s structure and learner settings, its first
    /// <paramref name="frozenLayers"/> weight layers frozen, weights and biases copied (rounded to
    /// the 16-bit format with <paramref name="weights"/> = NarrowWeights), the input (and target)
    /// scaler calibrated to the source's means and deviations. Optional buffers (momentum,
    /// gradients) are kept as the source has them.
    /// </summary>
    /// <exception cref="CliError">frozenLayers is out of range.</exception>
    public static OnlineLearner Freeze(OnlineLearner source, int frozenLayers, NetworkOptions weights)
    {
        Network from = source.Network;
        if (frozenLayers < 0 || frozenLayers > from.LayerCount - 2)
        {
            throw new CliError($"--freeze must be 0 to {from.LayerCount - 2} for this {from.LayerCount}-layer model (the output layer stays trainable); it is {frozenLayers}");
        }

        int[] sizes = Enumerable.Range(0, from.LayerCount).Select(from.GetLayerSize).ToArray();
        NetworkOptions options = (from.Options & ~NetworkOptions.NarrowWeights) | weights;
        var network = new Network(sizes, from.HiddenActivation, from.OutputActivation, from.Loss, 1, options, frozenLayers);
        var parameters = new int[from.ParameterCount];
        from.CopyParametersTo(parameters);
        network.CopyParametersFrom(parameters);
        network.LearningRate = from.LearningRate;
        network.Momentum = from.Momentum;
        network.StochasticRounding = from.StochasticRounding || weights == NetworkOptions.NarrowWeights;
        var learner = new OnlineLearner(network, new LearnerOptions
        {
            Task = source.Task,
            BaseLearningRate = from.LearningRate,
            ClassBalance = source.Task == LearnerTask.Classification,
            DivergenceGuard = source.HasDivergenceGuard,
        });
        Calibrate(learner.Scaler, source.Scaler);
        if (source.TargetScaler != null)
        {
            Calibrate(learner.TargetScaler, source.TargetScaler);
        }

        return learner;
    }

    private static void Calibrate(InputScaler target, InputScaler source)
    {
        for (int i = 0; i < source.FeatureCount; i++)
        {
            target.Calibrate(i, source.GetMean(i), source.GetStandardDeviation(i));
        }
    }
}
