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
    }
}
