namespace NanoBackprop
{
    // The loss reported for monitoring, chosen once here: categorical cross-entropy from the
    // tables for a softmax network, ½Σ(y - t)² otherwise.
    public sealed partial class Network
    {
        /// <summary>
        /// The loss Learn reports for the last Forward and a target already checked: the
        /// categorical cross-entropy of the logits (Softmax.CrossEntropy's tables) for a softmax
        /// network, otherwise ½ Σ (y - t)². Q16.16, saturating; allocates nothing.
        /// </summary>
        internal int MonitoredLoss(int[] target)
        {
            if (outputActivation == Activation.Softmax)
            {
                return Softmax.CrossEntropyUnchecked(preActivations[preActivations.Length - 1], target);
            }

            return HalfSquaredError(activations[activations.Length - 1], target);
        }
    }
}
