using NanoBackprop;

namespace NanoBackprop.DeviceTests
{
    /// <summary>
    /// Helpers for the device tests, written for nanoFramework: integers only, no generics, no
    /// System.Random (its seed is ignored on ESP32, so streams come from a fixed xorshift).
    /// </summary>
    public static class DeviceTestSupport
    {
        /// <summary>FNV-1a over the four bytes of each value: a fingerprint of a run's bits.</summary>
        public static uint Fingerprint(uint hash, int value)
        {
            for (int shift = 0; shift < 32; shift += 8)
            {
                hash ^= (uint)((value >> shift) & 0xFF);
                hash *= 16777619u;
            }

            return hash;
        }

        /// <summary>The FNV-1a offset basis, the fingerprint of nothing.</summary>
        public const uint EmptyFingerprint = 2166136261u;

        /// <summary>The next state of a xorshift32 stream (never 0 from a non-zero state).</summary>
        public static uint NextState(uint state)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return state;
        }

        /// <summary>A value in [low, high] from a stream state (top bits, so low bits' bias stays out).</summary>
        public static int Between(uint state, int low, int high)
        {
            return low + (int)(((ulong)state * (ulong)(high - low + 1)) >> 32);
        }

        /// <summary>Fingerprint of every weight and bias (CopyParametersTo order).</summary>
        public static uint ParameterFingerprint(Network network)
        {
            int[] parameters = new int[network.ParameterCount];
            network.CopyParametersTo(parameters);
            uint hash = EmptyFingerprint;
            for (int k = 0; k < parameters.Length; k++)
            {
                hash = Fingerprint(hash, parameters[k]);
            }

            return hash;
        }
    }

    /// <summary>Two slots of storage in RAM: what a board's flash files are to PowerSafeModelStore.</summary>
    public sealed class MemorySlots : IModelStorage
    {
        private readonly byte[][] slots = new byte[2][];
        private readonly int[] lengths = new int[2];

        /// <summary>Writes completed so far.</summary>
        public int Writes;

        /// <summary>Creates two empty slots of <paramref name="capacity"/> bytes each.</summary>
        public MemorySlots(int capacity)
        {
            slots[0] = new byte[capacity];
            slots[1] = new byte[capacity];
        }

        /// <inheritdoc />
        public int Read(int slot, byte[] buffer)
        {
            int count = lengths[slot] < buffer.Length ? lengths[slot] : buffer.Length;
            System.Array.Copy(slots[slot], 0, buffer, 0, count);
            return count;
        }

        /// <inheritdoc />
        public void Write(int slot, byte[] data, int count)
        {
            System.Array.Copy(data, 0, slots[slot], 0, count);
            lengths[slot] = count;
            Writes++;
        }
    }
}
