using System;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// A fixed sampling rate from a microsecond clock: reading k is due at start + k × period, so
    /// the rate does not drift with the time each step takes. A step that overruns its period
    /// restarts the schedule from its end (no burst of back-to-back readings to catch up) and
    /// counts as an overrun. Driver-free: the board passes its HighResTimer microseconds, the
    /// desktop tests pass made-up times.
    /// </summary>
    public sealed class SampleSchedule
    {
        private readonly long periodMicroseconds;
        private long due;
        private int overruns;

        /// <summary>A schedule whose first reading is due at <paramref name="startMicroseconds"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="periodMilliseconds"/> is less than 1.</exception>
        public SampleSchedule(int periodMilliseconds, long startMicroseconds)
        {
            if (periodMilliseconds < 1)
            {
                throw new ArgumentOutOfRangeException("periodMilliseconds", "SampleSchedule: periodMilliseconds is " + periodMilliseconds + "; it must be at least 1.");
            }

            periodMicroseconds = (long)periodMilliseconds * 1000;
            due = startMicroseconds;
        }

        /// <summary>Steps that ended after the next reading was already due.</summary>
        public int Overruns
        {
            get { return overruns; }
        }

        /// <summary>
        /// After a step that ended at <paramref name="nowMicroseconds"/>: the whole milliseconds to
        /// sleep until the next reading is due (rounded down, so the sleep never overshoots), or 0
        /// when it is already due, in which case the schedule restarts from now.
        /// </summary>
        public int MillisecondsToNext(long nowMicroseconds)
        {
            due += periodMicroseconds;
            long wait = due - nowMicroseconds;
            if (wait > 0)
            {
                return (int)(wait / 1000);
            }

            overruns++;
            due = nowMicroseconds;
            return 0;
        }
    }
}
