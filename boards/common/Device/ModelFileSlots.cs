using System;
using System.IO;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// The three file operations the model slots use. <see cref="FlashFiles"/> is the ESP32's
    /// internal flash drive; the desktop tests use files in RAM. Driver-free: this file compiles
    /// for nanoFramework against mscorlib and System.IO.Streams alone, and on the desktop.
    /// </summary>
    public interface IModelFiles
    {
        /// <summary>Whether <paramref name="path"/> exists.</summary>
        bool Exists(string path);

        /// <summary>Opens the existing file <paramref name="path"/> for reading from its start.</summary>
        Stream OpenRead(string path);

        /// <summary>Creates <paramref name="path"/> empty for writing, replacing any file of that name.</summary>
        Stream Create(string path);
    }

    /// <summary>
    /// The model's two A/B slots as two files, <see cref="SlotAPath"/> and <see cref="SlotBPath"/>.
    /// A write replaces its file; if power fails during it, PowerSafeModelStore still has the other
    /// file, and its CRC rejects the torn one. Driver-free (see <see cref="IModelFiles"/>).
    /// </summary>
    public sealed class ModelFileSlots : IModelStorage
    {
        /// <summary>Slot 0 (A) on the internal flash drive I:.</summary>
        public const string SlotAPath = "I:\\model-a.bin";

        /// <summary>Slot 1 (B) on the internal flash drive I:.</summary>
        public const string SlotBPath = "I:\\model-b.bin";

        private readonly IModelFiles files;

        /// <summary>Slots over <paramref name="files"/>.</summary>
        /// <exception cref="ArgumentNullException"><paramref name="files"/> is null.</exception>
        public ModelFileSlots(IModelFiles files)
        {
            if (files == null)
            {
                throw new ArgumentNullException("files", "ModelFileSlots: files is null.");
            }

            this.files = files;
        }

        /// <summary>The file of slot 0 (<see cref="SlotAPath"/>) or 1 (<see cref="SlotBPath"/>).</summary>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not 0 or 1.</exception>
        public static string PathOf(int slot)
        {
            if (slot != 0 && slot != 1)
            {
                throw new ArgumentOutOfRangeException("slot", "ModelFileSlots: slot is " + slot + "; it must be 0 or 1.");
            }

            return slot == 0 ? SlotAPath : SlotBPath;
        }

        /// <inheritdoc />
        /// <remarks>
        /// Reads until the buffer is full or the file ends, however few bytes each read returns; a
        /// file longer than the buffer gives its first buffer-length bytes (the store's CRC then
        /// rejects it). A missing file, or an IOException while reading, reads as an empty slot (0).
        /// </remarks>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not 0 or 1.</exception>
        /// <exception cref="ArgumentNullException"><paramref name="buffer"/> is null.</exception>
        public int Read(int slot, byte[] buffer)
        {
            string path = PathOf(slot);
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer", "ModelFileSlots: buffer is null.");
            }

            try
            {
                if (!files.Exists(path))
                {
                    return 0;
                }

                using (Stream file = files.OpenRead(path))
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
        /// <remarks>Arguments are checked before the file is touched, so a bad call leaves the slot as it was.</remarks>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="slot"/> is not 0 or 1, or
        /// <paramref name="count"/> is negative or more than <paramref name="data"/> holds.</exception>
        /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
        public void Write(int slot, byte[] data, int count)
        {
            string path = PathOf(slot);
            if (data == null)
            {
                throw new ArgumentNullException("data", "ModelFileSlots: data is null.");
            }

            if (count < 0 || count > data.Length)
            {
                throw new ArgumentOutOfRangeException("count", "ModelFileSlots: count is " + count + "; it must be 0 to " + data.Length + " (the data's length).");
            }

            using (Stream file = files.Create(path))
            {
                file.Write(data, 0, count);
                file.Flush();
            }
        }
    }
}
