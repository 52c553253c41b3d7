using System;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// The node's three features in integer units: temperature in centi-°C and relative humidity in
    /// centi-%RH (the BME280 driver's doubles × 100, rounded half away from zero), and light as raw
    /// ADC counts. Driver-free: compiled by the board apps and by the desktop tests.
    /// </summary>
    public static class SensorUnits
    {
        /// <summary>Features in a reading.</summary>
        public const int FeatureCount = 3;

        /// <summary>Index of the temperature, centi-°C (21.25 °C is 2125).</summary>
        public const int TemperatureFeature = 0;

        /// <summary>Index of the relative humidity, centi-%RH (45.5 %RH is 4550).</summary>
        public const int HumidityFeature = 1;

        /// <summary>Index of the light, ADC counts as read (0 to 4095 on the ESP32's 12-bit ADC).</summary>
        public const int LightFeature = 2;

        /// <summary>The BME280's temperature range, −40 to +85 °C (Bosch BME280 datasheet, operating
        /// range), in centi-°C: a reading outside it is a failed read.</summary>
        public const int LowestTemperature = -4000;

        /// <summary>See <see cref="LowestTemperature"/>.</summary>
        public const int HighestTemperature = 8500;

        /// <summary>The BME280's humidity range, 0 to 100 %RH, in centi-%RH.</summary>
        public const int LowestHumidity = 0;

        /// <summary>See <see cref="LowestHumidity"/>.</summary>
        public const int HighestHumidity = 10000;

        /// <summary>The 12-bit ADC's counts, 0 to 4095.</summary>
        public const int LowestLight = 0;

        /// <summary>See <see cref="LowestLight"/>.</summary>
        public const int HighestLight = 4095;

        /// <summary>The plausible range's low end of <paramref name="feature"/> (see ISensorSource.GetPlausibleLow).</summary>
        /// <exception cref="ArgumentOutOfRangeException">No such feature.</exception>
        public static int PlausibleLow(int feature)
        {
            CheckFeature(feature);
            return feature == TemperatureFeature ? LowestTemperature : feature == HumidityFeature ? LowestHumidity : LowestLight;
        }

        /// <summary>The plausible range's high end of <paramref name="feature"/>.</summary>
        /// <exception cref="ArgumentOutOfRangeException">No such feature.</exception>
        public static int PlausibleHigh(int feature)
        {
            CheckFeature(feature);
            return feature == TemperatureFeature ? HighestTemperature : feature == HumidityFeature ? HighestHumidity : HighestLight;
        }

        private static void CheckFeature(int feature)
        {
            if (feature < 0 || feature >= FeatureCount)
            {
                throw new ArgumentOutOfRangeException("feature", "SensorUnits: feature " + feature + " does not exist (0 to " + (FeatureCount - 1) + ").");
            }
        }

        /// <summary>
        /// <paramref name="value"/> × 100, rounded half away from zero (12.5 hundredths → 13,
        /// −12.5 → −13) and saturated to the int range. The rounding is of the double product, so
        /// 1.005, whose product is 100.49999999999999, gives 100. False (and 0) for NaN.
        /// </summary>
        public static bool TryHundredths(double value, out int hundredths)
        {
            if (double.IsNaN(value))
            {
                hundredths = 0;
                return false;
            }

            double scaled = value * 100;
            if (scaled >= int.MaxValue)
            {
                hundredths = int.MaxValue;
            }
            else if (scaled <= int.MinValue)
            {
                hundredths = int.MinValue;
            }
            else
            {
                // Within (int.MinValue, int.MaxValue) the rounded value truncates into int's range.
                hundredths = (int)(scaled >= 0 ? scaled + 0.5 : scaled - 0.5);
            }

            return true;
        }

        /// <summary>
        /// Fills <paramref name="reading"/> with one reading in the node's units. Returns false, with
        /// <paramref name="reading"/> unchanged, when the temperature or humidity is NaN.
        /// </summary>
        /// <param name="reading">The node's reading, <see cref="FeatureCount"/> values.</param>
        /// <param name="degreesCelsius">BME280 temperature, °C.</param>
        /// <param name="percentRelativeHumidity">BME280 relative humidity, %RH.</param>
        /// <param name="lightCounts">The photoresistor divider's ADC counts.</param>
        /// <exception cref="ArgumentNullException"><paramref name="reading"/> is null.</exception>
        /// <exception cref="ArgumentException"><paramref name="reading"/> does not hold <see cref="FeatureCount"/> values.</exception>
        public static bool TryFillReading(int[] reading, double degreesCelsius, double percentRelativeHumidity, int lightCounts)
        {
            if (reading == null)
            {
                throw new ArgumentNullException("reading", "SensorUnits: reading is null.");
            }

            if (reading.Length != FeatureCount)
            {
                throw new ArgumentException("SensorUnits: reading holds " + reading.Length + " values; it must hold " + FeatureCount + ".", "reading");
            }

            int temperature;
            int humidity;
            if (!TryHundredths(degreesCelsius, out temperature) || !TryHundredths(percentRelativeHumidity, out humidity))
            {
                return false;
            }

            reading[TemperatureFeature] = temperature;
            reading[HumidityFeature] = humidity;
            reading[LightFeature] = lightCounts;
            return true;
        }
    }
}
