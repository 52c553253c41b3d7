using System.IO;

namespace NanoBackprop.Boards.Esp32
{
    /// <summary>
    /// Files on the ESP32's internal flash file system (drive I:, nanoFramework.System.IO.FileSystem),
    /// for <see cref="ModelFileSlots"/>. Device-only: the desktop tests keep the files in RAM.
    /// </summary>
    public sealed class FlashFiles : IModelFiles
    {
        /// <inheritdoc />
        public bool Exists(string path)
        {
            return File.Exists(path);
        }

        /// <inheritdoc />
        public Stream OpenRead(string path)
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read);
        }

        /// <inheritdoc />
        public Stream Create(string path)
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write);
        }
    }
}
