using System;

namespace NanoBackprop
{
    // Argument checks: each names the argument and the caller.
    public sealed partial class Network
    {
        // Every NetworkOptions flag this library knows.
        private const int KnownOptions = (int)(NetworkOptions.GradientAccumulation | NetworkOptions.Momentum | NetworkOptions.WithoutBiases | NetworkOptions.NarrowWeights);

        private int WeightIndex(int layer, int neuron, int input, string caller)
        {
            CheckNeuron(layer, neuron, caller);
            int fanIn = layerSizes[layer];
            if (input < 0 || input >= fanIn)
            {
                throw new ArgumentOutOfRangeException("input", caller + ": input must be 0 to " + (fanIn - 1) + " for layer " + layer + ".");
            }

            return neuron * fanIn + input;
        }

        private void CheckNeuron(int layer, int neuron, string caller)
        {
            if (layer < 0 || layer >= layerSizes.Length - 1)
            {
                throw new ArgumentOutOfRangeException("layer", caller + ": layer must be 0 to " + (layerSizes.Length - 2) + " (layer 0 = the weights from the inputs).");
            }

            int size = layerSizes[layer + 1];
            if (neuron < 0 || neuron >= size)
            {
                throw new ArgumentOutOfRangeException("neuron", caller + ": neuron must be 0 to " + (size - 1) + " for layer " + layer + ".");
            }
        }

        private void CheckTrainable(int layer, string caller)
        {
            if (layer < frozenLayers)
            {
                throw new InvalidOperationException(caller + ": layer " + layer + " is frozen (the first " + frozenLayers + " are): it keeps no gradients.");
            }
        }

        private void CheckTarget(int[] target, Loss targetLoss, string caller)
        {
            CheckVector(target, OutputCount, "target", caller);
            if (targetLoss == Loss.CategoricalCrossEntropy)
            {
                Softmax.CheckTarget(target, OutputCount, caller);
            }
            else if (targetLoss == Loss.BinaryCrossEntropy)
            {
                for (int j = 0; j < target.Length; j++)
                {
                    if (target[j] < 0 || target[j] > Q16.One)
                    {
                        throw new ArgumentOutOfRangeException("target", caller + ": cross-entropy target " + j + " is outside [0, 1] (Q16.16 0 to 65536).");
                    }
                }
            }
        }

        private static void CheckVector(int[] vector, int length, string name, string caller)
        {
            if (vector == null)
            {
                throw new ArgumentNullException(name, caller + ": " + name + " is null.");
            }

            if (vector.Length != length)
            {
                throw new ArgumentException(caller + ": " + name + " has " + vector.Length + " elements; the network needs " + length + ".", name);
            }
        }

        private static void CheckLoss(Loss candidate, Activation output, string name, string caller)
        {
            if (candidate != Loss.MeanSquaredError && candidate != Loss.BinaryCrossEntropy && candidate != Loss.CategoricalCrossEntropy)
            {
                throw new ArgumentException(caller + ": unknown loss " + (int)candidate + ".", name);
            }

            if ((candidate == Loss.CategoricalCrossEntropy) != (output == Activation.Softmax))
            {
                throw new ArgumentException(caller + ": CategoricalCrossEntropy and a Softmax output activation go together (loss " + candidate + ", output " + output + ").", name);
            }

            if (candidate == Loss.BinaryCrossEntropy && output != Activation.Sigmoid)
            {
                throw new ArgumentException(caller + ": BinaryCrossEntropy needs a Sigmoid output activation.", name);
            }
        }

        private static void ValidateTopology(int[] layerSizes, Activation hidden, Activation output, Loss loss, NetworkOptions options)
        {
            if (layerSizes == null)
            {
                throw new ArgumentNullException("layerSizes", "Network: layerSizes is null.");
            }

            if (layerSizes.Length < 2 || layerSizes.Length > MaxLayerCount)
            {
                throw new ArgumentException("Network: layerSizes needs 2 to " + MaxLayerCount + " layers (input and output included); it has " + layerSizes.Length + ".", "layerSizes");
            }

            for (int l = 0; l < layerSizes.Length; l++)
            {
                if (layerSizes[l] < 1 || layerSizes[l] > MaxLayerSize)
                {
                    throw new ArgumentException("Network: layer " + l + " has " + layerSizes[l] + " neurons; each layer needs 1 to " + MaxLayerSize + ".", "layerSizes");
                }
            }

            if (!Activations.IsDefined(hidden))
            {
                throw new ArgumentException("Network: unknown hidden activation " + (int)hidden + ".", "hiddenActivation");
            }

            if (hidden == Activation.Softmax)
            {
                throw new ArgumentException("Network: Softmax is an output activation only.", "hiddenActivation");
            }

            if (!Activations.IsDefined(output))
            {
                throw new ArgumentException("Network: unknown output activation " + (int)output + ".", "outputActivation");
            }

            CheckLoss(loss, output, "loss", "Network");
            if (((int)options & ~KnownOptions) != 0)
            {
                throw new ArgumentException("Network: unknown options " + (int)options + ".", "options");
            }
        }
    }
}
