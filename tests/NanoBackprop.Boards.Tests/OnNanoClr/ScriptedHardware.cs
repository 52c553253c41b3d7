using System;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>
    /// The hardware a <see cref="SensorNode"/> sees, scripted identically for nanoCLR and .NET: the
    /// readings and labels of <see cref="OccupancySlice"/>, flash slots in RAM, a clock that advances
    /// a fixed step per read and a fixed free-memory figure (nanoFramework's mscorlib has no heap API
    /// and the desktop has no nanoCLR heap). The same source compiles for both, so both runs see the
    /// same inputs and must print the same lines and save the same bytes.
    /// </summary>
    public sealed class ScriptedHardware : ISensorSource, ILabelSource, IModelStorage, IMicrosecondClock, IFreeMemory
    {
        /// <summary>Microseconds the clock advances per read: any fixed value gives both runs the same "learn N us".</summary>
        public const int ClockStepMicroseconds = 125;

        /// <summary>What the fake heap reports as free.</summary>
        public const long FreeHeapBytes = 61440;

        private readonly int[] readings;
        private readonly int[] labels;
        private readonly int features;
        private readonly int end;
        private readonly byte[][] slots = { new byte[0], new byte[0] };
        private long microseconds;

        /// <summary>Replays rows [start, end) of the flat row-major <paramref name="readings"/>.</summary>
        public ScriptedHardware(int[] readings, int[] labels, int features, int start, int end)
        {
            this.readings = readings;
            this.labels = labels;
            this.features = features;
            this.end = end;
            Row = start - 1;
        }

        /// <summary>The row of the last reading.</summary>
        public int Row { get; private set; }

        /// <summary>The number of slot writes.</summary>
        public int Writes { get; private set; }

        /// <inheritdoc/>
        public int FeatureCount
        {
            get { return features; }
        }

        /// <inheritdoc/>
        public long Microseconds
        {
            get
            {
                microseconds += ClockStepMicroseconds;
                return microseconds;
            }
        }

        /// <summary>Continues the replay at row <paramref name="start"/> (after a simulated reset).</summary>
        public void Rewind(int start)
        {
            Row = start - 1;
        }

        /// <inheritdoc/>
        public int GetPlausibleLow(int feature)
        {
            return OccupancySensorRanges.Low(feature);
        }

        /// <inheritdoc/>
        public int GetPlausibleHigh(int feature)
        {
            return OccupancySensorRanges.High(feature);
        }

        /// <inheritdoc/>
        public bool TryRead(int[] reading)
        {
            if (Row + 1 >= end)
            {
                return false;
            }

            Row++;
            Array.Copy(readings, Row * features, reading, 0, features);
            return true;
        }

        /// <inheritdoc/>
        public bool ReadOccupied()
        {
            return labels[Row] == 1;
        }

        /// <inheritdoc/>
        public int Read(int slot, byte[] buffer)
        {
            int count = slots[slot].Length < buffer.Length ? slots[slot].Length : buffer.Length;
            Array.Copy(slots[slot], buffer, count);
            return count;
        }

        /// <inheritdoc/>
        public void Write(int slot, byte[] data, int count)
        {
            byte[] copy = new byte[count];
            Array.Copy(data, copy, count);
            slots[slot] = copy;
            Writes++;
        }

        /// <summary>The bytes last written to a slot.</summary>
        public byte[] Slot(int slot)
        {
            return slots[slot];
        }

        /// <inheritdoc/>
        public long FreeBytes()
        {
            return FreeHeapBytes;
        }
    }
}
