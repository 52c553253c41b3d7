namespace NanoBackprop
{
    /// <summary>
    /// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320, as in zip and PNG), computed four
    /// bits at a time with Sarwate's table method on a 16-entry table that is a switch (code, not a
    /// 1 KiB array on the device's heap). Every model save and load runs it over the whole blob.
    /// </summary>
    public static class Crc32
    {
        /// <summary>The CRC-32 of <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
        public static uint Compute(byte[] data, int offset, int count)
        {
            uint crc = 0xFFFFFFFFu;
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                crc ^= data[i];

                // Two nibble steps per byte: the low four bits leave and entry n, the bit step
                // applied four times to n, comes in (PersistenceTests compares the whole with the
                // bit-by-bit definition). The interpreter takes a switch as one jump: a 1,079-byte
                // model blob's save runs 86 IL instructions per byte fewer than with eight bit
                // steps (docs/PERFORMANCE.md, fifth round).
                for (int step = 0; step < 2; step++)
                {
                    crc = (crc >> 4) ^ ((crc & 0xFu) switch
                    {
                        0 => 0x00000000u,
                        1 => 0x1DB71064u,
                        2 => 0x3B6E20C8u,
                        3 => 0x26D930ACu,
                        4 => 0x76DC4190u,
                        5 => 0x6B6B51F4u,
                        6 => 0x4DB26158u,
                        7 => 0x5005713Cu,
                        8 => 0xEDB88320u,
                        9 => 0xF00F9344u,
                        10 => 0xD6D6A3E8u,
                        11 => 0xCB61B38Cu,
                        12 => 0x9B64C2B0u,
                        13 => 0x86D3D2D4u,
                        14 => 0xA00AE278u,
                        _ => 0xBDBDF21Cu,
                    });
                }
            }

            return ~crc;
        }
    }
}
