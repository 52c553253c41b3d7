using System.Device.Gpio;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// The label from a digital input: a PIR sensor's output (high while it sees motion) or a push
    /// button to GND held while someone is present (low when pressed, internal pull-up).
    /// </summary>
    public sealed class PinLabel : ILabelSource
    {
        private readonly GpioPin pin;
        private readonly PinValue occupiedLevel;

        /// <summary>Opens <paramref name="pinNumber"/> as an input.</summary>
        /// <param name="gpio">The board's GPIO controller.</param>
        /// <param name="pinNumber">GPIO number.</param>
        /// <param name="activeHigh">True for a PIR (high = occupied); false for a button to GND (pull-up; low = occupied).</param>
        public PinLabel(GpioController gpio, int pinNumber, bool activeHigh)
        {
            pin = gpio.OpenPin(pinNumber, activeHigh ? PinMode.InputPullDown : PinMode.InputPullUp);
            occupiedLevel = activeHigh ? PinValue.High : PinValue.Low;
        }

        /// <inheritdoc />
        public bool ReadOccupied()
        {
            return pin.Read() == occupiedLevel;
        }
    }

    /// <summary>An LED that shows the node's prediction (on = occupied).</summary>
    public sealed class PredictionLed
    {
        private readonly GpioPin pin;

        /// <summary>Opens <paramref name="pinNumber"/> as an output, LED off.</summary>
        public PredictionLed(GpioController gpio, int pinNumber)
        {
            pin = gpio.OpenPin(pinNumber, PinMode.Output);
            pin.Write(PinValue.Low);
        }

        /// <summary>Turns the LED on or off.</summary>
        public void Show(bool on)
        {
            pin.Write(on ? PinValue.High : PinValue.Low);
        }
    }
}
