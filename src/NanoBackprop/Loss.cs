namespace NanoBackprop
{
    /// <summary>A per-sample loss.</summary>
    public enum Loss
    {
        /// <summary>½ Σ (y - t)²; its gradient with respect to y is y - t.</summary>
        MeanSquaredError = 0,

        /// <summary>
        /// -Σ [t ln y + (1 - t) ln(1 - y)] for targets in [0, 1]. Only with a sigmoid output, where
        /// the gradient with respect to the pre-activation is exactly y - t (no logarithm is
        /// evaluated, so a saturated output cannot produce infinities).
        /// </summary>
        BinaryCrossEntropy = 1,

        /// <summary>
        /// -Σ t_j ln y_j for targets in [0, 1] that sum to exactly 1 (one-hot class labels or soft
        /// targets). Only with a <see cref="Activation.Softmax"/> output, where the gradient with
        /// respect to the logits is exactly y - t; training evaluates no logarithm, and the loss
        /// reported for monitoring comes from tables (<see cref="Softmax.CrossEntropy"/>).
        /// </summary>
        CategoricalCrossEntropy = 2,
    }
}
