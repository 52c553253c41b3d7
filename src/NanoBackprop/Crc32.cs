namespace NanoBackprop
{
    /// <summary>
    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320, as in zip and PNG), computed bit by
    /// bit: no 1 KiB lookup table on the device's heap, and a model of a few KiB is checked in
    /// well under a millisecond on a desktop, a few milliseconds on an ESP32.
    /// </summary>
    public static class Crc32
    {
        /// <summary>The CRC-32 of <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] data, int offset, int count)
        {
            uint crc = 0xFFFFFFFFu;
            for (int i = offset; i < offset + count; i++)
            {
                crc ^= data[i];
                for (int bit = 0; bit < 8; bit++)
                {
                    crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
                }
            }

            return ~crc;
        }
    }
}
