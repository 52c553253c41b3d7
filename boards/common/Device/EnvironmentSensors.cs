using System.Device.Adc;
using System.Device.I2c;
using Iot.Device.Bmxx80;
using Iot.Device.Bmxx80.ReadResult;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// Three features per reading: temperature (centi-°C) and relative humidity (centi-%RH) from a
    /// BME280 on I2C, and light as raw 12-bit ADC counts from a photoresistor divider (more light,
    /// more counts). The learner's scaler standardises each, so the units need no calibration.
    /// Device-only: the desktop emulator replays recorded readings instead.
    /// </summary>
    public sealed class EnvironmentSensors : ISensorSource
    {
        private readonly Bme280 climate;
        private readonly AdcChannel light;

        /// <summary>Opens the BME280 on <paramref name="i2cBus"/> (pins already assigned) and the ADC channel.</summary>
        /// <param name="i2cBus">I2C bus id (1 on the ESP32: I2C1).</param>
        /// <param name="bme280Address">0x76 (SDO to GND, most breakout boards) or 0x77.</param>
        /// <param name="lightAdcChannel">ADC1 channel of the photoresistor divider.</param>
        public EnvironmentSensors(int i2cBus, int bme280Address, int lightAdcChannel)
        {
            I2cDevice device = I2cDevice.Create(new I2cConnectionSettings(i2cBus, bme280Address));
            climate = new Bme280(device);
            climate.TemperatureSampling = Sampling.Standard;
            climate.HumiditySampling = Sampling.Standard;
            climate.PressureSampling = Sampling.UltraLowPower;
            AdcController adc = new AdcController();
            light = adc.OpenChannel(lightAdcChannel);
        }

        /// <inheritdoc />
        public int FeatureCount
        {
            get { return SensorUnits.FeatureCount; }
        }

        /// <inheritdoc />
        public int GetPlausibleLow(int feature)
        {
            return SensorUnits.PlausibleLow(feature);
        }

        /// <inheritdoc />
        public int GetPlausibleHigh(int feature)
        {
            return SensorUnits.PlausibleHigh(feature);
        }

        /// <inheritdoc />
        public bool TryRead(int[] reading)
        {
            Bme280ReadResult result = climate.Read();
            if (!result.TemperatureIsValid || !result.HumidityIsValid)
            {
                return false;
            }

            return SensorUnits.TryFillReading(reading, result.Temperature.DegreesCelsius, result.Humidity.Percent, light.ReadValue());
        }
    }
}
