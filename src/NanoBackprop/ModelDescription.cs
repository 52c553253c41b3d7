using System;

namespace NanoBackprop
{
    /// <summary>
    /// What a model blob's header says: enough to build a learner that the blob loads into. For
    /// tools that open a model they did not create (a desktop inspector, a board that receives a
    /// model over the air); a board that builds its own learner does not need it.
    /// </summary>
    public sealed class ModelDescription
    {
        private readonly int[] layerSizes;
        private readonly int fractionalBits;
        private readonly Activation hiddenActivation;
        private readonly Activation outputActivation;
        private readonly Loss loss;
        private readonly NetworkOptions networkOptions;
        private readonly int frozenLayers;
        private readonly LearnerTask task;
        private readonly int batchSize;
        private readonly bool classBalance;
        private readonly bool divergenceGuard;
        private readonly int scalerWindowShift;
        private readonly bool crcValid;
        private readonly int formatVersion;
        private readonly int blobBytes;

        /// <summary>Parses the header of the blob at <paramref name="offset"/> (the rest is checked by
        /// <see cref="ModelBlob.Read"/>).</summary>
        /// <exception cref="ArgumentNullException">buffer is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">offset or count lies outside buffer.</exception>
        /// <exception cref="InvalidModelException">The header is not a valid nanoBackprop header.</exception>
        public ModelDescription(byte[] buffer, int offset, int count)
        {
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer", "ModelDescription: buffer is null.");
            }

            ModelBlob.CheckRange(buffer, offset, count, "ModelDescription");
            if (count < ModelBlob.PreambleBytes)
            {
                throw new InvalidModelException("Model: " + count + " bytes at offset " + offset + " cannot hold a header.");
            }

            // The header in ModelBlob.Transfer's order, read with the same cursor.
            var cursor = new ModelCursor(buffer, offset, ModelCursor.Applying, ModelBlob.Version);
            if (cursor.UInt32(0) != ModelBlob.Magic)
            {
                throw new InvalidModelException("Model: wrong magic; this is not a nanoBackprop model.");
            }

            int version = cursor.UInt16(0);
            if (version < ModelBlob.OldestReadableVersion || version > ModelBlob.Version)
            {
                throw new InvalidModelException("Model: format version " + version + "; this library reads versions " + ModelBlob.OldestReadableVersion + " to " + ModelBlob.Version + ".");
            }

            formatVersion = version;
            blobBytes = count;

            fractionalBits = cursor.Byte(0);
            int layers = cursor.Byte(0);
            if (layers < 2 || layers > Network.MaxLayerCount || count < ModelBlob.PreambleBytes + 2 * layers + ModelBlob.StructureBytesAfterSizes)
            {
                throw new InvalidModelException("Model: " + layers + " layers in " + count + " bytes is not a valid header.");
            }

            layerSizes = new int[layers];
            for (int l = 0; l < layers; l++)
            {
                layerSizes[l] = cursor.UInt16(0);
            }

            hiddenActivation = (Activation)cursor.Byte(0);
            outputActivation = (Activation)cursor.Byte(0);
            loss = (Loss)cursor.Byte(0);
            int optionsByte = cursor.Byte(0);
            networkOptions = (NetworkOptions)(optionsByte & 0x0F);
            frozenLayers = optionsByte >> 4;
            task = (LearnerTask)cursor.Byte(0);
            batchSize = cursor.UInt16(0);
            classBalance = cursor.Byte(0) == 1;
            divergenceGuard = cursor.Byte(0) == 1;
            scalerWindowShift = cursor.Byte(0);
            crcValid = cursor.CrcMatches(offset, count);
        }

        /// <summary>The blob's format version (<see cref="ModelBlob.OldestReadableVersion"/> to
        /// <see cref="ModelBlob.Version"/>).</summary>
        public int FormatVersion
        {
            get { return formatVersion; }
        }

        /// <summary>Fractional bits of the format (16).</summary>
        public int FractionalBits
        {
            get { return fractionalBits; }
        }

        /// <summary>Layers, input first.</summary>
        public int LayerCount
        {
            get { return layerSizes.Length; }
        }

        /// <summary>Neurons of a layer (0 = input).</summary>
        /// <exception cref="ArgumentOutOfRangeException">layer is not 0 to LayerCount - 1.</exception>
        public int GetLayerSize(int layer)
        {
            if (layer < 0 || layer >= layerSizes.Length)
            {
                throw new ArgumentOutOfRangeException("layer", "ModelDescription.GetLayerSize: layer must be 0 to " + (layerSizes.Length - 1) + ".");
            }

            return layerSizes[layer];
        }

        /// <summary>Hidden activation.</summary>
        public Activation HiddenActivation
        {
            get { return hiddenActivation; }
        }

        /// <summary>Output activation.</summary>
        public Activation OutputActivation
        {
            get { return outputActivation; }
        }

        /// <summary>
        /// Classes of a softmax classifier: its outputs, K (softmax output, categorical
        /// cross-entropy); 0 for any other model.
        /// </summary>
        public int Classes
        {
            get { return outputActivation == Activation.Softmax ? layerSizes[layerSizes.Length - 1] : 0; }
        }

        /// <summary>Loss.</summary>
        public Loss Loss
        {
            get { return loss; }
        }

        /// <summary>The network's optional buffers.</summary>
        public NetworkOptions NetworkOptions
        {
            get { return networkOptions; }
        }

        /// <summary>Weight layers frozen from the input up (the options byte's high 4 bits, version
        /// 3; 0 before).</summary>
        public int FrozenLayers
        {
            get { return frozenLayers; }
        }

        /// <summary>Classification or regression.</summary>
        public LearnerTask Task
        {
            get { return task; }
        }

        /// <summary>Samples per update.</summary>
        public int BatchSize
        {
            get { return batchSize; }
        }

        /// <summary>Class balance on.</summary>
        public bool ClassBalance
        {
            get { return classBalance; }
        }

        /// <summary>Divergence guard on.</summary>
        public bool DivergenceGuard
        {
            get { return divergenceGuard; }
        }

        /// <summary>log2 of the scaler window.</summary>
        public int ScalerWindowShift
        {
            get { return scalerWindowShift; }
        }

        /// <summary>Whether the blob's CRC-32 matches its contents.</summary>
        public bool CrcValid
        {
            get { return crcValid; }
        }

        /// <summary>
        /// Builds a network and learner with this structure (the hyper-parameters from
        /// <paramref name="options"/>, its structural settings overridden by the header), ready for
        /// <see cref="ModelBlob.Read"/>. <see cref="LearnerOptions.RobustStart"/> follows the blob
        /// too (version 4: whether its scalers keep their first readings, told by its size).
        /// </summary>
        /// <exception cref="ArgumentNullException">options is null.</exception>
        /// <exception cref="InvalidModelException">The header describes an impossible network.</exception>
        public OnlineLearner CreateLearner(LearnerOptions options)
        {
            if (options == null)
            {
                throw new ArgumentNullException("options", "CreateLearner: options is null.");
            }

            // A copy: the caller's options are never changed.
            LearnerOptions structural = options.Copy();
            structural.Task = Task;
            structural.BatchSize = BatchSize;
            structural.ClassBalance = ClassBalance;
            structural.DivergenceGuard = DivergenceGuard;
            structural.ScalerWindowShift = ScalerWindowShift;
            try
            {
                if (formatVersion < 3 && (frozenLayers != 0 || (networkOptions & NetworkOptions.NarrowWeights) != 0))
                {
                    throw new InvalidModelException("Model: 16-bit weights and frozen layers need format version 3; this blob is version " + formatVersion + ".");
                }

                var learner = new OnlineLearner(new Network(layerSizes, HiddenActivation, OutputActivation, Loss, 1, NetworkOptions, frozenLayers), structural);
                if (formatVersion >= 4)
                {
                    if (blobBytes == learner.BlobSizeWithOtherRobustStart())
                    {
                        structural.RobustStart = !structural.RobustStart;
                        learner = new OnlineLearner(new Network(layerSizes, HiddenActivation, OutputActivation, Loss, 1, NetworkOptions, frozenLayers), structural);
                    }
                }

                return learner;
            }
            catch (ArgumentException error)
            {
                // Exception.Message: nanoFramework's ArgumentException does not override it.
                throw new InvalidModelException("Model: the header describes an invalid learner: " + ((Exception)error).Message);
            }
        }
    }
}
