using System;
using nanoFramework.Hardware.Esp32;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>Microseconds since boot from the ESP32's high-resolution timer (esp_timer).</summary>
    public sealed class HighResClock : IMicrosecondClock
    {
        /// <inheritdoc />
        public long Microseconds
        {
            get { return (long)HighResTimer.GetCurrent(); }
        }
    }

    /// <summary>
    /// Status lines to the console: nanoFramework sends them over the board's USB serial link to
    /// the debugger (Visual Studio's Output window, or any nanoFramework device console).
    /// </summary>
    public sealed class ConsoleLines : ILineWriter
    {
        /// <inheritdoc />
        public void WriteLine(string line)
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>Free managed heap after a collection (nanoFramework.Runtime.Native.GC.Run).</summary>
    public sealed class NanoClrFreeMemory : IFreeMemory
    {
        /// <inheritdoc />
        public long FreeBytes()
        {
            return nanoFramework.Runtime.Native.GC.Run(false);
        }
    }
}
