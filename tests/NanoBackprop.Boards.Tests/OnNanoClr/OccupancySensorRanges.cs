using System;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>
    /// What the Occupancy recording's five features can physically be, in the replay's units
    /// (centi-°C, centi-%RH, deci-lux, deci-ppm, parts per million of kg/kg): the ranges a board with
    /// these sensors would declare. Indoor air: −40 to 85 °C, 0 to 100 %RH, up to 100,000 lux
    /// (direct sunlight), up to 10,000 ppm CO2, a humidity ratio up to 0.1 kg/kg (saturated air
    /// at 50 °C holds about 0.086). Every recorded value lies well inside them.
    /// Compiled for .NET and for nanoFramework (BoardReplay.nfproj).
    /// </summary>
    public static class OccupancySensorRanges
    {
        private static readonly int[] Lowest = { -4000, 0, 0, 0, 0 };
        private static readonly int[] Highest = { 8500, 10000, 1000000, 100000, 100000 };

        /// <summary>The lowest plausible value of <paramref name="feature"/>.</summary>
        public static int Low(int feature)
        {
            return Lowest[feature];
        }

        /// <summary>The highest plausible value of <paramref name="feature"/>.</summary>
        public static int High(int feature)
        {
            return Highest[feature];
        }
    }
}
