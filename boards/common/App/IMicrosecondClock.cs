namespace NanoBackprop.Boards
{
    /// <summary>A monotonic microsecond counter (ESP32: HighResTimer.GetCurrent, time since boot).</summary>
    public interface IMicrosecondClock
    {
        /// <summary>Microseconds since an arbitrary start; never decreases.</summary>
        long Microseconds { get; }
    }
}
