using System;

namespace NanoBackprop
{
    /// <summary>
    /// Bytes of nanoCLR managed heap that the library's objects occupy on a 32-bit device (ESP32).
    /// </summary>
    /// <remarks>
    /// nanoCLR allocates in 12-byte heap blocks (CLR_RT_HeapBlock) and rounds every object up to
    /// whole blocks. An array is a 20-byte header (CLR_RT_HeapBlock_Array) plus its elements (int:
    /// 4 bytes; an object reference: 12); a class instance is one header block plus one block per
    /// field, whatever the field's type (nf-interpreter: ExtractHeapBlocksForArray,
    /// NewObjectFromIndex, CONVERTFROMSIZETOHEAPBLOCKS). On the desktop the same objects are
    /// smaller or larger; these figures are the device's.
    /// </remarks>
    public static class MemoryFootprint
    {
        /// <summary>Bytes in one nanoCLR heap block.</summary>
        public const int HeapBlockBytes = 12;

        /// <summary>Bytes of an array's header (a heap block plus length and type fields).</summary>
        public const int ArrayHeaderBytes = 20;

        /// <summary>Bytes one object reference takes as an array element.</summary>
        public const int ReferenceElementBytes = 12;

        /// <summary>Instance fields of <see cref="Network"/>; a desktop test checks it by reflection.</summary>
        public const int NetworkFieldCount = 27;

        /// <summary>
        /// The softmax tables (exp in three parts and ln, <see cref="Softmax"/>), created the first
        /// time a softmax network runs and shared by every softmax network: 3,252 bytes.
        /// </summary>
        public static int SoftmaxTableBytes
        {
            get { return ArrayBytes(22, 4) + 2 * ArrayBytes(256, 4) + ArrayBytes(257, 4); }
        }

        /// <summary>The sigmoid table (shared by every network and by tanh): 3,096 bytes.</summary>
        public static int SharedTableBytes
        {
            get { return ArrayBytes(Sigmoid.TableBytes / 4, 4); }
        }

        /// <summary>Heap bytes of an array of <paramref name="length"/> elements of
        /// <paramref name="elementBytes"/> bytes each.</summary>
        /// <exception cref="ArgumentOutOfRangeException">length is negative, or elementBytes is not 1 to 16.</exception>
        public static int ArrayBytes(int length, int elementBytes)
        {
            if (length < 0 || length > (int.MaxValue - ArrayHeaderBytes - HeapBlockBytes) / 16)
            {
                throw new ArgumentOutOfRangeException("length", "MemoryFootprint.ArrayBytes: length must be 0 to " + ((int.MaxValue - ArrayHeaderBytes - HeapBlockBytes) / 16) + ".");
            }

            if (elementBytes < 1 || elementBytes > 16)
            {
                throw new ArgumentOutOfRangeException("elementBytes", "MemoryFootprint.ArrayBytes: elementBytes must be 1 to 16.");
            }

            return RoundUpToBlocks(ArrayHeaderBytes + length * elementBytes);
        }

        /// <summary>Heap bytes of a class instance with <paramref name="fieldCount"/> fields.</summary>
        /// <exception cref="ArgumentOutOfRangeException">fieldCount is negative or absurd (above 65,535).</exception>
        public static int ObjectBytes(int fieldCount)
        {
            if (fieldCount < 0 || fieldCount > 65535)
            {
                throw new ArgumentOutOfRangeException("fieldCount", "MemoryFootprint.ObjectBytes: fieldCount must be 0 to 65535.");
            }

            return (fieldCount + 1) * HeapBlockBytes;
        }

        /// <summary>
        /// Everything a network needs on the device: the object, each array it owns (weights,
        /// biases, activations, pre-activations, deltas and their scratch, and the optional
        /// gradients and velocities, with the jagged arrays' outer arrays) and the shared sigmoid
        /// table, and a softmax network's <see cref="SoftmaxTableBytes"/>. A second network shares the tables,
        /// so subtract <see cref="SharedTableBytes"/> from its figure.
        /// </summary>
        /// <exception cref="ArgumentNullException">network is null.</exception>
        public static int NetworkBytes(Network network)
        {
            CheckNetwork(network, "NetworkBytes");
            return ObjectBytes(NetworkFieldCount)
                + ParameterBytes(network)
                + NeuronBufferBytes(network)
                + GradientBytes(network)
                + VelocityBytes(network)
                + SharedTableBytes
                + (network.OutputActivation == Activation.Softmax ? SoftmaxTableBytes : 0);
        }

        /// <summary>Weights and biases (with the jagged arrays' outer arrays): 4 bytes per parameter
        /// plus headers; 2 bytes per weight and the layers' exponents with
        /// <see cref="NetworkOptions.NarrowWeights"/>.</summary>
        /// <exception cref="ArgumentNullException">network is null.</exception>
        public static int ParameterBytes(Network network)
        {
            CheckNetwork(network, "ParameterBytes");
            return network.ParameterHeapBytes();
        }

        /// <summary>
        /// Per-neuron working buffers: layer sizes, activations, pre-activations, deltas, the delta
        /// exponents and the exact-delta scratch of the widest layer.
        /// </summary>
        /// <exception cref="ArgumentNullException">network is null.</exception>
        public static int NeuronBufferBytes(Network network)
        {
            CheckNetwork(network, "NeuronBufferBytes");
            return network.NeuronBufferHeapBytes();
        }

        /// <summary>Gradient buffers (0 without <see cref="NetworkOptions.GradientAccumulation"/>):
        /// 8 bytes per parameter (exact 64-bit sums) plus headers.</summary>
        /// <exception cref="ArgumentNullException">network is null.</exception>
        public static int GradientBytes(Network network)
        {
            CheckNetwork(network, "GradientBytes");
            return network.GradientHeapBytes();
        }

        /// <summary>Momentum velocities (0 without <see cref="NetworkOptions.Momentum"/>).</summary>
        /// <exception cref="ArgumentNullException">network is null.</exception>
        public static int VelocityBytes(Network network)
        {
            CheckNetwork(network, "VelocityBytes");
            return network.VelocityHeapBytes();
        }

        private static void CheckNetwork(Network network, string caller)
        {
            if (network == null)
            {
                throw new ArgumentNullException("network", "MemoryFootprint." + caller + ": network is null.");
            }
        }

        // Heap bytes of a jagged array: the outer array of references and each inner array (0 for null,
        // as a frozen layer's gradients and velocities).
        internal static int JaggedBytes(int[][] arrays)
        {
            if (arrays == null)
            {
                return 0;
            }

            int bytes = ArrayBytes(arrays.Length, ReferenceElementBytes);
            for (int i = 0; i < arrays.Length; i++)
            {
                bytes += arrays[i] != null ? ArrayBytes(arrays[i].Length, 4) : 0;
            }

            return bytes;
        }

        // Heap bytes of a jagged array of 16-bit arrays (2 bytes an element).
        internal static int JaggedBytes(short[][] arrays)
        {
            if (arrays == null)
            {
                return 0;
            }

            int bytes = ArrayBytes(arrays.Length, ReferenceElementBytes);
            for (int i = 0; i < arrays.Length; i++)
            {
                bytes += ArrayBytes(arrays[i].Length, 2);
            }

            return bytes;
        }

        // Heap bytes of a jagged array of 64-bit arrays (8 bytes an element).
        internal static int JaggedBytes(long[][] arrays)
        {
            if (arrays == null)
            {
                return 0;
            }

            int bytes = ArrayBytes(arrays.Length, ReferenceElementBytes);
            for (int i = 0; i < arrays.Length; i++)
            {
                bytes += arrays[i] != null ? ArrayBytes(arrays[i].Length, 8) : 0;
            }

            return bytes;
        }

        private static int RoundUpToBlocks(int bytes)
        {
            return (bytes + HeapBlockBytes - 1) / HeapBlockBytes * HeapBlockBytes;
        }
    }
}
