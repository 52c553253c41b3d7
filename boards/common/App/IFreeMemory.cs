namespace NanoBackprop.Boards
{
    /// <summary>Free managed heap (nanoFramework: nanoFramework.Runtime.Native.GC.Run).</summary>
    public interface IFreeMemory
    {
        /// <summary>Bytes of managed heap free now.</summary>
        long FreeBytes();
    }
}
