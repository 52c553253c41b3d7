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
            cursor.ExpectByte((int)options, "network options");
        }

        // State: rate, momentum, rounding, PRNG and counters, then weights and biases, gradients
        // and velocities where the network has them.
        internal void TransferState(ref ModelCursor cursor)
        {
            if (narrowWeights != null)
            {
                throw new InvalidOperationException("Model: 16-bit weights need model blob version 3.");
            }

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

            TransferParameterSet(ref cursor, weights, biases, MaxWeight);
            TransferGradientSet(ref cursor);
            TransferParameterSet(ref cursor, weightVelocities, biasVelocities, int.MaxValue);
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
                + MemoryFootprint.ArrayBytes(exactDeltas.Length, 8)
                + MemoryFootprint.ArrayBytes(exactDeltaUnits.Length, 4);
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
