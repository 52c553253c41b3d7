using System;
using System.Collections.Generic;
using System.Diagnostics;
using NanoBackprop.Boards;
using NanoBackprop.Cli;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>
    /// The hardware a <see cref="SensorNode"/> sees, replayed from the Occupancy recording: each
    /// reading is the next row's five features (centi-°C, centi-%RH, deci-lux, deci-ppm, ppm) and
    /// the label is that row's occupancy, as a PIR would report it while the node runs.
    /// </summary>
    internal sealed class OccupancyReplay : ISensorSource, ILabelSource
    {
        private readonly OccupancyData data;
        private readonly int end;

        public OccupancyReplay(OccupancyData data, int start, int end)
        {
            this.data = data;
            Row = start - 1;
            this.end = end;
        }

        /// <summary>The row of the last reading.</summary>
        public int Row { get; private set; }

        public int FeatureCount => OccupancyData.FeatureNames.Length;

        public int GetPlausibleLow(int feature) => OccupancySensorRanges.Low(feature);

        public int GetPlausibleHigh(int feature) => OccupancySensorRanges.High(feature);

        public bool TryRead(int[] reading)
        {
            if (Row + 1 >= end)
            {
                return false;
            }

            Row++;
            Array.Copy(data.Readings[Row], reading, reading.Length);
            return true;
        }

        public bool ReadOccupied() => data.Labels[Row] == 1;
    }

    /// <summary>Two flash files in RAM: they survive a simulated reset because the test keeps them.</summary>
    internal sealed class RamSlots : IModelStorage
    {
        private readonly byte[][] slots = { Array.Empty<byte>(), Array.Empty<byte>() };

        public int Writes { get; private set; }

        public int Read(int slot, byte[] buffer)
        {
            int count = Math.Min(slots[slot].Length, buffer.Length);
            Array.Copy(slots[slot], buffer, count);
            return count;
        }

        public void Write(int slot, byte[] data, int count)
        {
            slots[slot] = data.AsSpan(0, count).ToArray();
            Writes++;
        }
    }

    /// <summary>Stopwatch microseconds, like HighResTimer.GetCurrent on the board.</summary>
    internal sealed class StopwatchClock : IMicrosecondClock
    {
        public long Microseconds => Stopwatch.GetTimestamp() * 1_000_000 / Stopwatch.Frequency;
    }

    /// <summary>Collects the status lines (and echoes them to the test log).</summary>
    internal sealed class CollectedLines : ILineWriter
    {
        public List<string> Lines { get; } = new();

        public void WriteLine(string line)
        {
            Lines.Add(line);
            Console.WriteLine(line);
        }
    }

    /// <summary>
    /// The desktop has no nanoCLR heap to measure; report what the board's GC.Run would after the
    /// node is built: the 84 KB internal-RAM heap of an ESP32 without PSRAM less the node's own
    /// bytes as counted for nanoCLR (a stand-in, so the line has the board's shape).
    /// </summary>
    internal sealed class ModelledFreeMemory : IFreeMemory
    {
        public long Used { get; set; }

        public long FreeBytes() => 84 * 1024 - Used;
    }
}
