namespace NanoBackprop.Boards
{
    /// <summary>
    /// The sensors a node learns from: one reading of every feature at a time, in fixed integer
    /// units of the board's choice (centi-°C, centi-%RH, ADC counts …); the learner's scaler
    /// divides the units out. A board reads its hardware; the desktop replays a recording.
    /// </summary>
    public interface ISensorSource
    {
        /// <summary>Features in every reading (the network's inputs).</summary>
        int FeatureCount { get; }

        /// <summary>
        /// Fills <paramref name="reading"/> (<see cref="FeatureCount"/> values) with the next
        /// reading; false when there is none (a sensor error, or the end of a recording), leaving
        /// the node's state unchanged.
        /// </summary>
        bool TryRead(int[] reading);

        /// <summary>
        /// The lowest value <paramref name="feature"/> can take, in the reading's units (what the
        /// sensor can measure at all, from its datasheet). A reading outside
        /// [<see cref="GetPlausibleLow"/>, <see cref="GetPlausibleHigh"/>] is a failed read: the
        /// node predicts from it (clamped into the range) but does not learn from it, and counts it
        /// ("rejected" in the status line).
        /// </summary>
        int GetPlausibleLow(int feature);

        /// <summary>The highest value <paramref name="feature"/> can take (see <see cref="GetPlausibleLow"/>).</summary>
        int GetPlausibleHigh(int feature);
    }
}
