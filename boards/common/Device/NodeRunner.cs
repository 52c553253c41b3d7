using System;
using System.Device.Gpio;
using System.Threading;
using nanoFramework.Hardware.Esp32;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// Wires the hardware to a <see cref="SensorNode"/> and runs it at a fixed rate forever:
    /// one reading per <see cref="BoardPins.SamplePeriodMilliseconds"/>, the LED showing the
    /// prediction. Device-only (GPIO, ADC, I2C, flash).
    /// </summary>
    public static class NodeRunner
    {
        /// <summary>Sets up the pins and parts, loads the saved model and never returns.</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">A pin setting is invalid (<see cref="BoardPins.Validate"/>); nothing was opened.</exception>
        public static void Run(BoardPins pins, SensorNodeSettings settings)
        {
            if (pins == null)
            {
                throw new ArgumentNullException("pins", "NodeRunner: pins is null.");
            }

            if (settings == null)
            {
                throw new ArgumentNullException("settings", "NodeRunner: settings is null.");
            }

            pins.Validate();
            Configuration.SetPinFunction(pins.I2cData, DeviceFunction.I2C1_DATA);
            Configuration.SetPinFunction(pins.I2cClock, DeviceFunction.I2C1_CLOCK);
            GpioController gpio = new GpioController();
            EnvironmentSensors sensors = new EnvironmentSensors(1, pins.Bme280Address, pins.LightAdcChannel);
            PinLabel label = new PinLabel(gpio, pins.LabelPin, pins.LabelActiveHigh);
            PredictionLed led = new PredictionLed(gpio, pins.LedPin);
            HighResClock clock = new HighResClock();
            SensorNode node = new SensorNode(sensors, label, new ModelFileSlots(new FlashFiles()), clock, new ConsoleLines(), new NanoClrFreeMemory(), settings);
            node.Boot();

            SampleSchedule schedule = new SampleSchedule(pins.SamplePeriodMilliseconds, clock.Microseconds);
            while (true)
            {
                if (!node.Step())
                {
                    Console.WriteLine("sensor: no valid BME280 reading (" + node.MissedReadings + " since boot)");
                }

                led.Show(node.PredictsOccupied);
                int sleep = schedule.MillisecondsToNext(clock.Microseconds);
                if (sleep > 0)
                {
                    Thread.Sleep(sleep);
                }
            }
        }
    }
}
