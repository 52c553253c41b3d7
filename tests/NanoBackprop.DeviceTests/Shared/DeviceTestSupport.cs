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

        /// <summary>Fingerprint of the values in <paramref name="values"/>.</summary>
        public static uint ArrayFingerprint(int[] values)
        {
            uint hash = EmptyFingerprint;
            for (int k = 0; k < values.Length; k++)
            {
                hash = Fingerprint(hash, values[k]);
            }

            return hash;
        }

        /// <summary>
        /// Fingerprint of every momentum velocity (weights layer by layer, then biases), read from
        /// the learner's model blob, whose layout ModelBlob documents: the network section starts
        /// after 8 + 2·layers + 10 header bytes with 21 bytes of scalars, then the weights and biases,
        /// the accumulated gradients (with GradientAccumulation) and the velocities (with Momentum),
        /// 4 bytes each. The network has no public view of its velocities. The fingerprint of no
        /// velocities (a network without Momentum) is <see cref="EmptyFingerprint"/>.
        /// </summary>
        public static uint VelocityFingerprint(OnlineLearner learner)
        {
            Network network = learner.Network;
            if ((network.Options & NetworkOptions.Momentum) == 0)
            {
                return EmptyFingerprint;
            }

            byte[] blob = WriteBlob(learner);
            int parameters = network.ParameterCount;
            int offset = NetworkSectionOffset(network) + 21 + 4 * parameters;
            if ((network.Options & NetworkOptions.GradientAccumulation) != 0)
            {
                offset += 8 * parameters; // the gradient sums: 64-bit since blob version 2
            }

            uint hash = EmptyFingerprint;
            for (int k = 0; k < parameters; k++)
            {
                hash = Fingerprint(hash, ReadInt32(blob, offset + 4 * k));
            }

            return hash;
        }

        /// <summary>The state of the network's xorshift PRNG (stochastic rounding draws from it), from the model blob.</summary>
        public static uint RandomState(OnlineLearner learner)
        {
            return (uint)ReadInt32(WriteBlob(learner), NetworkSectionOffset(learner.Network) + 9);
        }

        /// <summary>Fingerprint of the learner's whole model blob: every stored bit, scalers and PRNG included.</summary>
        public static uint LearnerFingerprint(OnlineLearner learner)
        {
            return ModelBlobRoundTripTests.BlobFingerprint(WriteBlob(learner));
        }

        /// <summary>The learner's model blob.</summary>
        public static byte[] WriteBlob(OnlineLearner learner)
        {
            byte[] blob = new byte[ModelBlob.SizeOf(learner)];
            ModelBlob.Write(learner, blob, 0);
            return blob;
        }

        /// <summary>A little-endian 32-bit value of a blob.</summary>
        public static int ReadInt32(byte[] blob, int offset)
        {
            return blob[offset] | (blob[offset + 1] << 8) | (blob[offset + 2] << 16) | (blob[offset + 3] << 24);
        }

        /// <summary>Writes a little-endian 32-bit value into a blob.</summary>
        public static void WriteInt32(byte[] blob, int offset, int value)
        {
            blob[offset] = (byte)value;
            blob[offset + 1] = (byte)(value >> 8);
            blob[offset + 2] = (byte)(value >> 16);
            blob[offset + 3] = (byte)(value >> 24);
        }

        /// <summary>Where the network section of a model blob starts: after "NBPM", version, format, layer sizes and options.</summary>
        public static int NetworkSectionOffset(Network network)
        {
            return 8 + 2 * network.LayerCount + 10;
        }

        /// <summary>Whether <paramref name="text"/> contains <paramref name="fragment"/>.</summary>
        public static bool Contains(string text, string fragment)
        {
            return text != null && text.IndexOf(fragment) >= 0;
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
