using NanoBackprop.Boards;
using NanoBackprop.Boards.Esp32;

namespace NanoBackprop.Esp32S3DevKitC
{
    /// <summary>
    /// ESP32-S3-DevKitC-1 (nanoFramework target ESP32_S3_QUAD): a BME280, a photoresistor
    /// and a PIR teach a 3-8-1 network to tell an occupied room from an empty one. Wiring: README.md.
    /// </summary>
    public static class Program
    {
        /// <summary>Entry point: wires the parts and runs the node forever.</summary>
        public static void Main()
        {
            BoardPins pins = new BoardPins();
            pins.I2cData = 8;             // BME280 SDA
            pins.I2cClock = 9;            // BME280 SCL
            pins.Bme280Address = 0x76;    // SDO to GND; 0x77 with SDO to 3V3
            pins.LightAdcChannel = 3;     // ADC1 channel 3 = GPIO4
            pins.LabelPin = 5;            // PIR OUT (or a button to GND: set LabelActiveHigh = false)
            pins.LabelActiveHigh = true;
            pins.LedPin = 6;              // LED + 330 Ω to GND (the on-board RGB LED is a WS2812, not used)
            pins.SamplePeriodMilliseconds = 5000;

            SensorNodeSettings settings = new SensorNodeSettings();
            settings.HiddenNeurons = 8;
            settings.ReportInterval = 60;   // a status line every 5 minutes
            settings.SaveInterval = 720;    // a save every hour
            NodeRunner.Run(pins, settings);
        }
    }
}
