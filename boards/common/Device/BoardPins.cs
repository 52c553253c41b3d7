using System;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// Where a board's parts are wired (each board's Program.cs fills one in). Driver-free:
    /// <see cref="Validate"/> runs before any pin is opened, and the desktop tests run it too.
    /// </summary>
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

        /// <summary>
        /// Checks what can be checked without the hardware: GPIO numbers and the ADC channel are not
        /// negative, the four GPIOs (I2C data, I2C clock, label, LED) are four different pins, the
        /// BME280 address is one the chip can have (0x76 or 0x77, set by its SDO pin), and the
        /// sampling period is at least 1 ms. Whether a GPIO exists or can do its job depends on the
        /// chip; the board's README lists its pins.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">A field is out of range; the message names it.</exception>
        /// <exception cref="ArgumentException">Two parts share a GPIO; the message names both.</exception>
        public void Validate()
        {
            RequireNotNegative(I2cData, "I2cData");
            RequireNotNegative(I2cClock, "I2cClock");
            RequireNotNegative(LabelPin, "LabelPin");
            RequireNotNegative(LedPin, "LedPin");
            RequireNotNegative(LightAdcChannel, "LightAdcChannel");
            if (Bme280Address != 0x76 && Bme280Address != 0x77)
            {
                throw new ArgumentOutOfRangeException("Bme280Address", "BoardPins: Bme280Address is 0x" + Bme280Address.ToString("X2") + "; a BME280 answers at 0x76 (SDO to GND) or 0x77 (SDO to 3V3).");
            }

            if (SamplePeriodMilliseconds < 1)
            {
                throw new ArgumentOutOfRangeException("SamplePeriodMilliseconds", "BoardPins: SamplePeriodMilliseconds is " + SamplePeriodMilliseconds + "; it must be at least 1.");
            }

            RequireDifferent(I2cData, "I2cData", I2cClock, "I2cClock");
            RequireDifferent(I2cData, "I2cData", LabelPin, "LabelPin");
            RequireDifferent(I2cData, "I2cData", LedPin, "LedPin");
            RequireDifferent(I2cClock, "I2cClock", LabelPin, "LabelPin");
            RequireDifferent(I2cClock, "I2cClock", LedPin, "LedPin");
            RequireDifferent(LabelPin, "LabelPin", LedPin, "LedPin");
        }

        private static void RequireNotNegative(int value, string name)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(name, "BoardPins: " + name + " is " + value + "; it must not be negative.");
            }
        }

        private static void RequireDifferent(int first, string firstName, int second, string secondName)
        {
            if (first == second)
            {
                throw new ArgumentException("BoardPins: " + firstName + " and " + secondName + " are both GPIO" + first + "; each part needs its own pin.", secondName);
            }
        }
    }
}
