using System;
using System.Device.Gpio;
using System.Threading;
using nanoFramework.Hardware.Esp32;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>Where a board's parts are wired (each board's Program.cs fills one in).</summary>
    public sealed class BoardPins
    {
        /// <summary>GPIO of the I2C1 data line (BME280 SDA).</summary>
        public int I2cData;

        /// <summary>GPIO of the I2C1 clock line (BME280 SCL).</summary>
        public int I2cClock;

        /// <summary>BME280 address: 0x76 with SDO to GND (most breakouts), 0x77 with SDO to 3V3.</summary>
        public int Bme280Address = 0x76;

        /// <summary>nanoFramework ADC channel of the photoresistor divider (ADC1 only: ADC2 is unusable while Wi-Fi runs).</summary>
        public int LightAdcChannel;

        /// <summary>GPIO of the label input (PIR output, or a button to GND).</summary>
        public int LabelPin;

        /// <summary>True for a PIR (high = occupied); false for a button to GND (pressed = occupied).</summary>
        public bool LabelActiveHigh = true;

        /// <summary>GPIO of the prediction LED (through a 330 Ω resistor to GND).</summary>
        public int LedPin;

        /// <summary>Milliseconds between readings.</summary>
        public int SamplePeriodMilliseconds = 5000;
    }

    /// <summary>
    /// Wires the hardware to a <see cref="SensorNode"/> and runs it at a fixed rate forever:
    /// one reading per <see cref="BoardPins.SamplePeriodMilliseconds"/>, the LED showing the
    /// prediction. Device-only (GPIO, ADC, I2C, flash).
    /// </summary>
    public static class NodeRunner
    {
        /// <summary>Sets up the pins and parts, loads the saved model and never returns.</summary>
        public static void Run(BoardPins pins, SensorNodeSettings settings)
        {
            Configuration.SetPinFunction(pins.I2cData, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(pins.I2cClock, DeviceFunction.I2C1_CLOCK);
            GpioController gpio = new GpioController();
            EnvironmentSensors sensors = new EnvironmentSensors(1, pins.Bme280Address, pins.LightAdcChannel);
            PinLabel label = new PinLabel(gpio, pins.LabelPin, pins.LabelActiveHigh);
            PredictionLed led = new PredictionLed(gpio, pins.LedPin);
            HighResClock clock = new HighResClock();
            SensorNode node = new SensorNode(sensors, label, new FlashFileSlots(), clock, new ConsoleLines(), new NanoClrFreeMemory(), settings);
            node.Boot();

            long periodMicroseconds = (long)pins.SamplePeriodMilliseconds * 1000;
            long next = clock.Microseconds;
            while (true)
            {
                if (!node.Step())
                {
                    Console.WriteLine("sensor: no valid BME280 reading (" + node.MissedReadings + " since boot)");
                }

                led.Show(node.PredictsOccupied);
                next += periodMicroseconds;
                long wait = next - clock.Microseconds;
                if (wait > 0)
                {
                    Thread.Sleep((int)(wait / 1000));
                }
                else
                {
                    next = clock.Microseconds;
                }
            }
        }
    }
}
