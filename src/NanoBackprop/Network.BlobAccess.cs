namespace NanoBackprop
{
    public sealed partial class Network
    {
        // Internal views for MemoryFootprint.
        internal int[][] WeightsArrays
        {
            get { return weights; }
        }

        internal int[][] BiasArrays
        {
            get { return biases; }
        }

        internal int[][] ActivationArrays
        {
            get { return activations; }
        }

        internal int[][] DeltaArrays
        {
            get { return deltas; }
        }

        internal int[][] PreActivationArrays
        {
            get { return preActivations; }
        }

        internal int[] DeltaShiftArray
        {
            get { return deltaShifts; }
        }

        internal long[] ExactDeltaArray
        {
            get { return exactDeltas; }
        }

        internal int[] ExactDeltaUnitArray
        {
            get { return exactDeltaUnits; }
        }

        internal int[][] WeightGradientArrays
        {
            get { return weightGradients; }
        }

        internal int[][] BiasGradientArrays
        {
            get { return biasGradients; }
        }

        internal int[][] WeightVelocityArrays
        {
            get { return weightVelocities; }
        }

        internal int[][] BiasVelocityArrays
        {
            get { return biasVelocities; }
        }

        internal int[] LayerSizeArray
        {
            get { return layerSizes; }
        }

        // For the model blob: the PRNG and counters that make a restored network resume bit-exactly.
        internal uint RandomState
        {
            get { return randomState; }
            set { randomState = value; }
        }

        internal int AccumulatedSampleCount
        {
            get { return accumulatedSamples; }
            set { accumulatedSamples = value; }
        }

        internal int WeightSaturationCount
        {
            get { return weightSaturations; }
            set { weightSaturations = value; }
        }

        internal void Invalidate()
        {
            forwardValid = false;
        }

    }
}
