using NanoBackprop.Boards;
using NanoBackprop.Boards.Esp32;

namespace NanoBackprop.Esp32DevKitC
{
    /// <summary>
    /// ESP32-DevKitC (ESP32-WROOM-32, nanoFramework target ESP32_REV0): a BME280, a photoresistor
    /// and a PIR teach a 3-8-1 network to tell an occupied room from an empty one. Wiring: README.md.
    /// </summary>
    public static class Program
    {
        /// <summary>Entry point: wires the parts and runs the node forever.</summary>
        public static void Main()
        {
            BoardPins pins = new BoardPins();
            pins.I2cData = 21;            // BME280 SDA
            pins.I2cClock = 22;           // BME280 SCL
            pins.Bme280Address = 0x76;    // SDO to GND; 0x77 with SDO to 3V3
            pins.LightAdcChannel = 6;     // ADC1 channel 6 = GPIO34 (input only)
            pins.LabelPin = 27;           // PIR OUT (or a button to GND: set LabelActiveHigh = false)
            pins.LabelActiveHigh = true;
            pins.LedPin = 2;              // LED + 330 Ω to GND
            pins.SamplePeriodMilliseconds = 5000;

            SensorNodeSettings settings = new SensorNodeSettings();
            settings.HiddenNeurons = 8;
            settings.ReportInterval = 60;   // a status line every 5 minutes
            settings.SaveInterval = 720;    // a save every hour
            NodeRunner.Run(pins, settings);
        }
    }
}
