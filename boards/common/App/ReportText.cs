namespace NanoBackprop.Boards
{
    /// <summary>
    /// Decimal text for the status line from integers only (no floating point, no format strings:
    /// the same text on the desktop and the device).
    /// </summary>
    public static class ReportText
    {
        /// <summary>
        /// A Q16.16 value with <paramref name="decimals"/> (0 to 9) digits after the point, rounded
        /// to nearest (ties away from zero): 6554 → "0.1000" with 4 decimals.
        /// </summary>
        public static string FromQ16(int value, int decimals)
        {
            long scale = PowerOfTen(decimals);
            long scaled = (long)value * scale;
            long rounded = scaled >= 0 ? (scaled + 32768) >> 16 : -((32768 - scaled) >> 16);
            return Decimal(rounded, scale);
        }

        /// <summary>
        /// <paramref name="part"/>/<paramref name="whole"/> as a percentage with two decimals,
        /// rounded to nearest: (63, 64) → "98.44"; "-" when <paramref name="whole"/> is 0.
        /// </summary>
        public static string Percent(long part, long whole)
        {
            if (whole <= 0)
            {
                return "-";
            }

            long basisPoints = (part * 10000 * 2 + whole) / (2 * whole);
            return Decimal(basisPoints, 100);
        }

        // value / scale as text with as many decimals as scale has zeros.
        private static string Decimal(long value, long scale)
        {
            string sign = value < 0 ? "-" : "";
            long magnitude = value < 0 ? -value : value;
            string text = sign + (magnitude / scale);
            if (scale == 1)
            {
                return text;
            }

            long fraction = magnitude % scale;
            text += ".";
            for (long digit = scale / 10; digit > 1 && fraction < digit; digit /= 10)
            {
                text += "0";
            }

            return text + fraction;
        }

        private static long PowerOfTen(int decimals)
        {
            long scale = 1;
            for (int k = 0; k < decimals; k++)
            {
                scale *= 10;
            }

            return scale;
        }
    }
}
