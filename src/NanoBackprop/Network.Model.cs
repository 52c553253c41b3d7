using System;

namespace NanoBackprop
{
    // The network's part of the model blob (see ModelBlob) and of the RAM report (see
    // MemoryFootprint): the code that owns the state is the code that describes it.
    public sealed partial class Network
    {
        // Header: layer sizes, activations, loss and options, which must match this network.
        internal void TransferStructure(ref ModelCursor cursor)
        {
            for (int l = 0; l < layerSizes.Length; l++)
            {
                int size = cursor.UInt16(layerSizes[l]);
                if (size != layerSizes[l])
                {
                    throw new InvalidModelException("Model: layer " + l + " has " + size + " neurons; the network has " + layerSizes[l] + ".");
                }
            }

            cursor.ExpectByte((int)hiddenActivation, "hidden activation");
            cursor.ExpectByte((int)outputActivation, "output activation");
            cursor.ExpectByte((int)loss, "loss");
            // Version 3: the options byte's high 4 bits hold the frozen layer count (at most 14),
            // its low 4 bits the NetworkOptions flags (NarrowWeights = 8 is new in version 3).
            // Earlier versions have 0 there and no NarrowWeights, which a 16-bit or frozen network
            // therefore never matches.
            cursor.ExpectByte(OptionsByte(options, frozenLayers), "network options");
            if (cursor.Version < 3 && (narrowWeights != null || frozenLayers != 0))
            {
                throw new InvalidModelException("Model: format version " + cursor.Version + " has no 16-bit weights or frozen layers.");
            }
        }

        // The header's network options byte (version 3): flags in the low 4 bits, the frozen
        // layer count in the high 4.
        internal static int OptionsByte(NetworkOptions networkOptions, int frozenLayerCount)
        {
            return (int)networkOptions | (frozenLayerCount << 4);
        }

        // State: rate, momentum, rounding, PRNG and counters, then weights and biases, gradients
        // and velocities where the network has them.
        internal void TransferState(ref ModelCursor cursor)
        {
            int storedRate = cursor.Int32(learningRate, 0, int.MaxValue, "learning rate");
            int storedMomentum = cursor.Int32(momentum, 0, Q16.One - 1, "momentum");
            if (storedMomentum != 0 && weightVelocities == null)
            {
                throw new InvalidModelException("Model: momentum " + storedMomentum + " without momentum buffers.");
            }

            bool storedStochastic = cursor.Flag(StochasticRounding, "stochastic rounding");
            uint storedRandomState = cursor.UInt32(randomState);
            if (storedRandomState == 0)
            {
                throw new InvalidModelException("Model: the PRNG state is 0, which xorshift never reaches.");
            }

            int storedAccumulated = cursor.Int32(accumulatedSamples, 0, int.MaxValue, "accumulated samples");
            int storedSaturations = cursor.Int32(weightSaturations, 0, int.MaxValue, "weight saturations");
            if (cursor.Copying)
            {
                learningRate = storedRate;
                momentum = storedMomentum;
                updateRule = SelectRule(weightVelocities != null, storedStochastic);
                randomState = storedRandomState;
                accumulatedSamples = storedAccumulated;
                weightSaturations = storedSaturations;
                forwardValid = false;
            }

            if (narrowWeights != null)
            {
                // Version 3 only (TransferStructure refused any other): each layer's exponent (u8)
                // and its 16-bit weights (i16 each); then the biases as for 32-bit weights.
                TransferNarrowWeights(ref cursor);
                TransferBiasSet(ref cursor, biases);
            }
            else
            {
                TransferParameterSet(ref cursor, weights, biases, MaxWeight);
            }

            TransferGradientSet(ref cursor);
            TransferParameterSet(ref cursor, weightVelocities, biasVelocities, int.MaxValue);
        }

        // 16-bit weights: the scale changes (i32), then per layer its exponent (u8, 0 to
        // MaxWeightExponent) and its weights (i16 each, within ±MaxNarrowWeight).
        private void TransferNarrowWeights(ref ModelCursor cursor)
        {
            int storedScaleChanges = cursor.Int32(weightScaleChanges, 0, int.MaxValue, "weight scale changes");
            if (cursor.Copying)
            {
                weightScaleChanges = storedScaleChanges;
            }

            for (int l = 0; l < narrowWeights.Length; l++)
            {
                int exponent = cursor.Byte(weightExponents[l], 0, MaxWeightExponent, "weight exponent");
                if (cursor.Copying)
                {
                    weightExponents[l] = exponent;
                }

                cursor.Shorts(narrowWeights[l], MaxNarrowWeight, "16-bit weight");
            }
        }

        // Every layer's weights (each within ±weightBound), then every layer's biases; nothing
        // for a set the network does not have, nor for a frozen layer's (null) velocities.
        private static void TransferParameterSet(ref ModelCursor cursor, int[][] weightSet, int[][] biasSet, int weightBound)
        {
            if (weightSet == null)
            {
                return;
            }

            for (int l = 0; l < weightSet.Length; l++)
            {
                if (weightSet[l] != null)
                {
                    cursor.Ints(weightSet[l], weightBound);
                }
            }

            TransferBiasSet(ref cursor, biasSet);
        }

        // Every layer's biases (or bias velocities), any value; nothing without them.
        private static void TransferBiasSet(ref ModelCursor cursor, int[][] biasSet)
        {
            if (biasSet != null)
            {
                for (int l = 0; l < biasSet.Length; l++)
                {
                    if (biasSet[l] != null)
                    {
                        cursor.Ints(biasSet[l], int.MaxValue);
                    }
                }
            }
        }

        // Every layer's weight gradient sums, then every layer's bias gradient sums (64-bit since
        // format version 2, 32-bit saturated sums in version 1); each below 2^62 in magnitude
        // (see ReferenceAccumulateGradients).
        private void TransferGradientSet(ref ModelCursor cursor)
        {
            if (weightGradients == null)
            {
                return;
            }

            const long Bound = 1L << 62;
            for (int l = frozenLayers; l < weightGradients.Length; l++)
            {
                cursor.Longs(weightGradients[l], Bound, "gradient sum");
            }

            if (biasGradients != null)
            {
                for (int l = frozenLayers; l < biasGradients.Length; l++)
                {
                    cursor.Longs(biasGradients[l], Bound, "gradient sum");
                }
            }
        }

        // Heap bytes of the weights and biases (MemoryFootprint.ParameterBytes).
        internal int ParameterHeapBytes()
        {
            return MemoryFootprint.JaggedBytes(weights) + MemoryFootprint.JaggedBytes(narrowWeights)
                + (weightExponents != null ? MemoryFootprint.ArrayBytes(weightExponents.Length, 4) : 0)
                + MemoryFootprint.JaggedBytes(biases);
        }

        // Heap bytes of the per-neuron buffers (MemoryFootprint.NeuronBufferBytes).
        internal int NeuronBufferHeapBytes()
        {
            return MemoryFootprint.ArrayBytes(layerSizes.Length, 4)
                + MemoryFootprint.JaggedBytes(activations)
                + MemoryFootprint.JaggedBytes(deltas)
                + MemoryFootprint.JaggedBytes(preActivations)
                + MemoryFootprint.ArrayBytes(deltaShifts.Length, 4)
                + MemoryFootprint.ArrayBytes(exactDeltas.Length, 8);
        }

        // Heap bytes of the gradient buffers (MemoryFootprint.GradientBytes).
        internal int GradientHeapBytes()
        {
            return MemoryFootprint.JaggedBytes(weightGradients) + MemoryFootprint.JaggedBytes(biasGradients);
        }

        // Heap bytes of the velocities (MemoryFootprint.VelocityBytes).
        internal int VelocityHeapBytes()
        {
            return MemoryFootprint.JaggedBytes(weightVelocities) + MemoryFootprint.JaggedBytes(biasVelocities);
        }
    }
}
