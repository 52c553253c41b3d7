namespace NanoBackprop
{
    /// <summary>
    /// Two fixed slots of persistent storage (flash files, EEPROM pages) that a board implements
    /// for <see cref="PowerSafeModelStore"/>. A write may be cut short by a power loss at any
    /// byte: the store never relies on a write having completed.
    /// </summary>
    public interface IModelStorage
    {
        /// <summary>
        /// Reads slot 0 or 1 into <paramref name="buffer"/> from its start; returns the bytes read
        /// (0 for an empty or missing slot, at most the buffer's length).
        /// </summary>
        int Read(int slot, byte[] buffer);

        /// <summary>Replaces slot 0 or 1 with the first <paramref name="count"/> bytes of <paramref name="data"/>.</summary>
        void Write(int slot, byte[] data, int count);
    }
}
