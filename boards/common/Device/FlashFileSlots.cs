using System;
using System.IO;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// The model's two A/B slots as two files on the ESP32's internal flash file system (drive I:,
    /// nanoFramework.System.IO.FileSystem). A write replaces its file; if power fails during it,
    /// PowerSafeModelStore still has the other file, and its CRC rejects the torn one.
    /// Device-only: not compiled on the desktop (the desktop emulator keeps the slots in RAM).
    /// </summary>
    public sealed class FlashFileSlots : IModelStorage
    {
        /// <summary>Slot A on the internal flash drive.</summary>
        public const string SlotAPath = "I:\\model-a.bin";

        /// <summary>Slot B on the internal flash drive.</summary>
        public const string SlotBPath = "I:\\model-b.bin";

        /// <inheritdoc />
        /// <remarks>A missing file or a file-system error reads as an empty slot.</remarks>
        public int Read(int slot, byte[] buffer)
        {
            string path = PathOf(slot);
            try
            {
                if (!File.Exists(path))
                {
                    return 0;
                }

                using (FileStream file = new FileStream(path, FileMode.Open, FileAccess.Read))
                {
                    long length = file.Length;
                    int count = length < buffer.Length ? (int)length : buffer.Length;
                    int total = 0;
                    while (total < count)
                    {
                        int read = file.Read(buffer, total, count - total);
                        if (read <= 0)
                        {
                            break;
                        }

                        total += read;
                    }

                    return total;
                }
            }
            catch (IOException)
            {
                return 0;
            }
        }

        /// <inheritdoc />
        public void Write(int slot, byte[] data, int count)
        {
            using (FileStream file = new FileStream(PathOf(slot), FileMode.Create, FileAccess.Write))
            {
                file.Write(data, 0, count);
                file.Flush();
            }
        }

        private static string PathOf(int slot)
        {
            if (slot != 0 && slot != 1)
            {
                throw new ArgumentOutOfRangeException("slot", "FlashFileSlots: slot must be 0 or 1.");
            }

            return slot == 0 ? SlotAPath : SlotBPath;
        }
    }
}
