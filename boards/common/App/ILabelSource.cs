namespace NanoBackprop.Boards
{
    /// <summary>
    /// The teacher: whether the place is occupied right now (a PIR sensor, or a push button held
    /// while someone is there). Read after each prediction, so the node learns from its mistakes.
    /// </summary>
    public interface ILabelSource
    {
        /// <summary>True when occupied.</summary>
        bool ReadOccupied();
    }
}
