using System;

namespace NanoBackprop
{
    // Snapshots of the trainable parameters (the divergence guard's rollback copy): only what
    // training can change, in the weights' own width.
    public sealed partial class Network
    {
        /// <summary>
        /// Ints a snapshot of the trainable parameters needs (<see cref="SaveSnapshot"/>): the
        /// trainable layers' weights, then their biases. 32-bit weights take one int each, so for
        /// a network without frozen layers the snapshot is <see cref="CopyParametersTo"/>'s copy;
        /// 16-bit weights take half an int each (two per int, the even index in the low 16 bits)
        /// after one int holding the layer's exponent. Frozen layers take nothing.
        /// </summary>
        public int SnapshotLength
        {
            get
            {
                int length = 0;
                for (int l = frozenLayers; l < layerSizes.Length - 1; l++)
                {
                    int count = layerSizes[l] * layerSizes[l + 1];
                    length += narrowWeights != null ? 1 + (count + 1) / 2 : count;
                    length += biases != null ? layerSizes[l + 1] : 0;
                }

                return length;
            }
        }

        /// <summary>Copies the trainable parameters into <paramref name="destination"/>
        /// (<see cref="SnapshotLength"/> ints; layout there).</summary>
        /// <exception cref="ArgumentNullException">destination is null.</exception>
        /// <exception cref="ArgumentException">destination has the wrong length.</exception>
        public void SaveSnapshot(int[] destination)
        {
            CheckVector(destination, SnapshotLength, "destination", "SaveSnapshot");
            int offset = 0;
            for (int l = frozenLayers; l < layerSizes.Length - 1; l++)
            {
                if (narrowWeights != null)
                {
                    short[] layerWeights = narrowWeights[l];
                    destination[offset++] = weightExponents[l];
                    for (int k = 0; k < layerWeights.Length; k += 2)
                    {
                        int high = k + 1 < layerWeights.Length ? layerWeights[k + 1] : 0;
                        destination[offset++] = (ushort)layerWeights[k] | (high << 16);
                    }
                }
                else
                {
                    Array.Copy(weights[l], 0, destination, offset, weights[l].Length);
                    offset += weights[l].Length;
                }
            }

            if (biases != null)
            {
                for (int l = frozenLayers; l < biases.Length; l++)
                {
                    Array.Copy(biases[l], 0, destination, offset, biases[l].Length);
                    offset += biases[l].Length;
                }
            }
        }

        /// <summary>
        /// Restores the trainable parameters from a <see cref="SaveSnapshot"/> copy, clears the
        /// velocities and gradients (as <see cref="CopyParametersFrom"/> does). Every value is
        /// checked before anything changes: 32-bit weights within ±<see cref="MaxWeight"/>; for
        /// 16-bit weights each exponent 0 to <see cref="MaxWeightExponent"/> and each weight within
        /// ±<see cref="MaxNarrowWeight"/> (and a last odd row's unused half 0).
        /// </summary>
        /// <exception cref="ArgumentNullException">source is null.</exception>
        /// <exception cref="ArgumentException">source has the wrong length or a value out of range.</exception>
        public void RestoreSnapshot(int[] source)
        {
            CheckVector(source, SnapshotLength, "source", "RestoreSnapshot");
            int offset = 0;
            for (int l = frozenLayers; l < layerSizes.Length - 1; l++)
            {
                int count = layerSizes[l] * layerSizes[l + 1];
                if (narrowWeights != null)
                {
                    if (source[offset] < 0 || source[offset] > MaxWeightExponent)
                    {
                        throw new ArgumentException("RestoreSnapshot: layer " + l + "'s exponent " + source[offset] + " is outside 0 to " + MaxWeightExponent + ".", "source");
                    }

                    for (int k = 0; k < count; k += 2)
                    {
                        int packed = source[offset + 1 + k / 2];
                        int low = (short)packed;
                        int high = packed >> 16;
                        if (low < -MaxNarrowWeight || high < -MaxNarrowWeight || (k + 1 == count && high != 0))
                        {
                            throw new ArgumentException("RestoreSnapshot: layer " + l + "'s weights " + k + " and " + (k + 1) + " (packed " + packed + ") are out of range.", "source");
                        }
                    }

                    offset += 1 + (count + 1) / 2;
                }
                else
                {
                    for (int k = 0; k < count; k++)
                    {
                        if (source[offset + k] > MaxWeight || source[offset + k] < -MaxWeight)
                        {
                            throw new ArgumentException("RestoreSnapshot: layer " + l + "'s weight " + k + " is beyond ±128.0.", "source");
                        }
                    }

                    offset += count;
                }
            }

            offset = 0;
            for (int l = frozenLayers; l < layerSizes.Length - 1; l++)
            {
                if (narrowWeights != null)
                {
                    short[] layerWeights = narrowWeights[l];
                    weightExponents[l] = source[offset++];
                    for (int k = 0; k < layerWeights.Length; k += 2)
                    {
                        int packed = source[offset++];
                        layerWeights[k] = (short)packed;
                        if (k + 1 < layerWeights.Length)
                        {
                            layerWeights[k + 1] = (short)(packed >> 16);
                        }
                    }
                }
                else
                {
                    Array.Copy(source, offset, weights[l], 0, weights[l].Length);
                    offset += weights[l].Length;
                }
            }

            if (biases != null)
            {
                for (int l = frozenLayers; l < biases.Length; l++)
                {
                    Array.Copy(source, offset, biases[l], 0, biases[l].Length);
                    offset += biases[l].Length;
                }
            }

            ClearVelocities();
            ClearGradients();
            forwardValid = false;
        }
    }
}
