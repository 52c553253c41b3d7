using System;

namespace NanoBackprop
{
    // Reading and setting parameters: single weights and biases, whole copies, activations.
    public sealed partial class Network
    {
        /// <summary>
        /// Copies every weight (layer by layer, row-major) and then every bias into
        /// <paramref name="destination"/>, which needs <see cref="ParameterCount"/> elements.
        /// </summary>
        /// <exception cref="ArgumentNullException">destination is null.</exception>
        /// <exception cref="ArgumentException">destination has the wrong length.</exception>
        public void CopyParametersTo(int[] destination)
        {
            CheckVector(destination, ParameterCount, "destination", "CopyParametersTo");
            int offset = 0;
            for (int l = 0; l < layerSizes.Length - 1; l++)
            {
                int count = layerSizes[l] * layerSizes[l + 1];
                if (narrowWeights != null)
                {
                    for (int k = 0; k < count; k++)
                    {
                        destination[offset + k] = NarrowWeightAt(l, k);
                    }
                }
                else
                {
                    Array.Copy(weights[l], 0, destination, offset, count);
                }

                offset += count;
            }

            if (biases != null)
            {
                for (int l = 0; l < biases.Length; l++)
                {
                    Array.Copy(biases[l], 0, destination, offset, biases[l].Length);
                    offset += biases[l].Length;
                }
            }
        }

        /// <summary>
        /// Restores weights and biases from a copy made by <see cref="CopyParametersTo"/>, clears
        /// the momentum velocities (they belong to the trajectory being abandoned) and any
        /// accumulated gradients. Every weight is checked against ±<see cref="MaxWeight"/> before
        /// anything changes.
        /// </summary>
        /// <exception cref="ArgumentNullException">source is null.</exception>
        /// <exception cref="ArgumentException">source has the wrong length or a weight beyond ±MaxWeight.</exception>
        public void CopyParametersFrom(int[] source)
        {
            CheckVector(source, ParameterCount, "source", "CopyParametersFrom");
            int weightCount = 0;
            for (int l = 0; l < layerSizes.Length - 1; l++)
            {
                weightCount += layerSizes[l] * layerSizes[l + 1];
            }

            for (int k = 0; k < weightCount; k++)
            {
                if (source[k] > MaxWeight || source[k] < -MaxWeight)
                {
                    throw new ArgumentException("CopyParametersFrom: weight " + k + " is beyond ±128.0.", "source");
                }
            }

            int offset = 0;
            for (int l = 0; l < layerSizes.Length - 1; l++)
            {
                int count = layerSizes[l] * layerSizes[l + 1];
                if (narrowWeights != null)
                {
                    LoadNarrowLayer(l, source, offset);
                }
                else
                {
                    Array.Copy(source, offset, weights[l], 0, count);
                }

                offset += count;
            }

            if (biases != null)
            {
                for (int l = 0; l < biases.Length; l++)
                {
                    Array.Copy(source, offset, biases[l], 0, biases[l].Length);
                    offset += biases[l].Length;
                }
            }

            ClearVelocities();
            ClearGradients();
            forwardValid = false;
        }

        /// <summary>Sets every momentum velocity to zero (no effect without momentum).</summary>
        public void ClearVelocities()
        {
            if (weightVelocities == null)
            {
                return;
            }

            for (int l = frozenLayers; l < weightVelocities.Length; l++)
            {
                Array.Clear(weightVelocities[l], 0, weightVelocities[l].Length);
                if (biasVelocities != null)
                {
                    Array.Clear(biasVelocities[l], 0, biasVelocities[l].Length);
                }
            }
        }

        /// <summary>Weight from neuron <paramref name="input"/> of layer <paramref name="layer"/> to
        /// neuron <paramref name="neuron"/> of layer <paramref name="layer"/> + 1, Q16.16.</summary>
        /// <exception cref="ArgumentOutOfRangeException">An index is out of range (named).</exception>
        public int GetWeight(int layer, int neuron, int input)
        {
            // The index is checked before weights[layer] is read.
            int index = WeightIndex(layer, neuron, input, "GetWeight");
            return narrowWeights != null ? NarrowWeightAt(layer, index) : weights[layer][index];
        }

        /// <summary>Sets a weight (Q16.16, within ±<see cref="MaxWeight"/>).</summary>
        /// <exception cref="ArgumentOutOfRangeException">An index is out of range or |value| &gt; MaxWeight.</exception>
        public void SetWeight(int layer, int neuron, int input, int value)
        {
            int index = WeightIndex(layer, neuron, input, "SetWeight");
            if (value > MaxWeight || value < -MaxWeight)
            {
                throw new ArgumentOutOfRangeException("value", "SetWeight: |weight| must be at most 128.0 (Q16.16 8388608).");
            }

            if (narrowWeights != null)
            {
                SetNarrowWeightAt(layer, index, value);
            }
            else
            {
                weights[layer][index] = value;
            }

            forwardValid = false;
        }

        /// <summary>Bias of neuron <paramref name="neuron"/> of layer <paramref name="layer"/> + 1,
        /// Q16.16 (0 for a network without biases).</summary>
        public int GetBias(int layer, int neuron)
        {
            CheckNeuron(layer, neuron, "GetBias");
            return biases == null ? 0 : biases[layer][neuron];
        }

        /// <summary>Sets a bias (Q16.16).</summary>
        /// <exception cref="InvalidOperationException">The network has no biases.</exception>
        public void SetBias(int layer, int neuron, int value)
        {
            CheckNeuron(layer, neuron, "SetBias");
            if (biases == null)
            {
                throw new InvalidOperationException("SetBias: this network was built WithoutBiases.");
            }

            biases[layer][neuron] = value;
            forwardValid = false;
        }

        /// <summary>
        /// Output of neuron <paramref name="neuron"/> of layer <paramref name="layer"/> (0 = the
        /// input copy) from the last Forward, Q16.16.
        /// </summary>
        public int GetActivation(int layer, int neuron)
        {
            if (layer < 0 || layer >= activations.Length)
            {
                throw new ArgumentOutOfRangeException("layer", "GetActivation: layer must be 0 to " + (activations.Length - 1) + ".");
            }

            if (neuron < 0 || neuron >= activations[layer].Length)
            {
                throw new ArgumentOutOfRangeException("neuron", "GetActivation: neuron must be 0 to " + (activations[layer].Length - 1) + ".");
            }

            return activations[layer][neuron];
        }
    }
}
