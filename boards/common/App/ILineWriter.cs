namespace NanoBackprop.Boards
{
    /// <summary>Where the node prints its status lines (a board: the serial/debug console).</summary>
    public interface ILineWriter
    {
        /// <summary>Writes one line.</summary>
        void WriteLine(string line);
    }
}
