using System;

namespace NanoBackprop
{
    /// <summary>
    /// The binary model: everything a board needs to resume a learner bit-exactly after a reset,
    /// written into and read from a caller's <c>byte[]</c> without allocating.
    /// </summary>
    /// <remarks>
    /// <para>Layout (version 1, little-endian), in this order:</para>
    /// <list type="number">
    /// <item>"NBPM", version (u16), fractional bits (u8, 16), layer count (u8), layer sizes (u16 each),
    /// hidden and output activation, loss, network options, task (u8 each), batch size (u16),
    /// class balance, divergence guard, scaler window shift (u8 each);</item>
    /// <item>network: learning rate, momentum (i32), stochastic rounding (u8), PRNG state (u32),
    /// accumulated samples, weight saturations (i32), weights, biases, accumulated gradients and
    /// velocities where the network has them (i32 each);</item>
    /// <item>learner: samples, updates (i64), rollbacks (i32), running and long-run loss, label
    /// counts (i64), recovery shift (u8), saturations at the last check (i32), has-snapshot and
    /// state (u8), the snapshot where the guard is on (i32 each);</item>
    /// <item>each scaler (inputs; targets for regression): count (i64), frozen (u8), saturated
    /// readings (i32), means and variances (i64 each);</item>
    /// <item>CRC-32 of everything before it (u32).</item>
    /// </list>
    /// <para>Reading checks the whole blob first (size, magic, version, that the topology and the
    /// structural options match the live learner, the CRC, and every value's range) and only then
    /// copies it in: a rejected blob leaves the learner exactly as it was. The learner's
    /// hyper-parameters (rates, schedule) are not stored: they come from the code that builds it.</para>
    /// </remarks>
    public static class ModelBlob
    {
        /// <summary>The format version this library writes and reads.</summary>
        public const int Version = 1;

        private const uint Magic = 0x4D50424E; // "NBPM" little-endian

        /// <summary>The exact size in bytes of the blob for <paramref name="learner"/>.</summary>
        public static int SizeOf(OnlineLearner learner)
        {
            if (learner == null)
            {
                throw new ArgumentNullException("learner", "ModelBlob.SizeOf: learner is null.");
            }

            Network network = learner.Network;
            int layers = network.LayerCount;
            int weights = 0;
            int biases = 0;
            int[][] weightArrays = network.WeightsArrays;
            for (int l = 0; l < weightArrays.Length; l++)
            {
                weights += weightArrays[l].Length;
                biases += network.HasBiases ? network.BiasArrays[l].Length : 0;
            }

            int parameters = weights + biases;
            int size = 8 + 2 * layers + 5 + 2 + 3;
            size += 4 + 4 + 1 + 4 + 4 + 4 + 4 * parameters;
            size += network.WeightGradientArrays != null ? 4 * parameters : 0;
            size += network.WeightVelocityArrays != null ? 4 * parameters : 0;
            size += 8 + 8 + 4 + 8 + 8 + 8 + 8 + 1 + 4 + 1 + 1;
            size += learner.SnapshotArray != null ? 4 * parameters : 0;
            size += ScalerSize(learner.Scaler);
            size += learner.TargetScaler != null ? ScalerSize(learner.TargetScaler) : 0;
            return size + 4;
        }

        /// <summary>
        /// Writes the blob for <paramref name="learner"/> at <paramref name="offset"/>; returns its
        /// size. Allocates nothing.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentException">The buffer is too small (nothing is written).</exception>
        public static int Write(OnlineLearner learner, byte[] buffer, int offset)
        {
            int size = SizeOf(learner);
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer", "ModelBlob.Write: buffer is null.");
            }

            if (offset < 0 || offset > buffer.Length || buffer.Length - offset < size)
            {
                throw new ArgumentException("ModelBlob.Write: the blob needs " + size + " bytes from offset " + offset + "; the buffer has " + buffer.Length + ".", "buffer");
            }

            Network network = learner.Network;
            int position = offset;
            position = PutUInt32(buffer, position, Magic);
            position = PutUInt16(buffer, position, Version);
            buffer[position++] = Q16.FractionalBits;
            buffer[position++] = (byte)network.LayerCount;
            for (int l = 0; l < network.LayerCount; l++)
            {
                position = PutUInt16(buffer, position, network.GetLayerSize(l));
            }

            buffer[position++] = (byte)network.HiddenActivation;
            buffer[position++] = (byte)network.OutputActivation;
            buffer[position++] = (byte)network.Loss;
            buffer[position++] = (byte)network.Options;
            buffer[position++] = (byte)learner.Task;
            position = PutUInt16(buffer, position, learner.BatchSize);
            buffer[position++] = (byte)(learner.ClassBalanceEnabled ? 1 : 0);
            buffer[position++] = (byte)(learner.SnapshotArray != null ? 1 : 0);
            buffer[position++] = (byte)learner.Scaler.WindowShift;

            position = PutInt32(buffer, position, network.LearningRate);
            position = PutInt32(buffer, position, network.Momentum);
            buffer[position++] = (byte)(network.StochasticRounding ? 1 : 0);
            position = PutUInt32(buffer, position, network.RandomState);
            position = PutInt32(buffer, position, network.AccumulatedSampleCount);
            position = PutInt32(buffer, position, network.WeightSaturationCount);
            position = PutParameterSet(buffer, position, network.WeightsArrays, network.BiasArrays);
            position = PutParameterSet(buffer, position, network.WeightGradientArrays, network.BiasGradientArrays);
            position = PutParameterSet(buffer, position, network.WeightVelocityArrays, network.BiasVelocityArrays);

            position = PutInt64(buffer, position, learner.SampleCount);
            position = PutInt64(buffer, position, learner.UpdateCount);
            position = PutInt32(buffer, position, learner.RollbackCount);
            position = PutInt64(buffer, position, learner.RunningLossState);
            position = PutInt64(buffer, position, learner.LongRunLossState);
            position = PutInt64(buffer, position, learner.PositiveCount);
            position = PutInt64(buffer, position, learner.NegativeCount);
            buffer[position++] = (byte)learner.RecoveryShift;
            position = PutInt32(buffer, position, learner.SaturationsAtCheck);
            buffer[position++] = (byte)(learner.HasSnapshotValue ? 1 : 0);
            buffer[position++] = (byte)learner.StateValue;
            if (learner.SnapshotArray != null)
            {
                position = PutInts(buffer, position, learner.SnapshotArray);
            }

            position = PutScaler(buffer, position, learner.Scaler);
            if (learner.TargetScaler != null)
            {
                position = PutScaler(buffer, position, learner.TargetScaler);
            }

            position = PutUInt32(buffer, position, Crc32.Compute(buffer, offset, position - offset));
            return position - offset;
        }

        /// <summary>
        /// Checks a blob against <paramref name="learner"/> without changing anything.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="InvalidModelException">The blob is rejected; the message says why.</exception>
        public static void Validate(OnlineLearner learner, byte[] buffer, int offset, int count)
        {
            Transfer(learner, buffer, offset, count, false);
        }

        /// <summary>
        /// Loads a blob into <paramref name="learner"/> (its network and scalers), after checking
        /// all of it. Allocates nothing.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="InvalidModelException">The blob is rejected; the learner is unchanged.</exception>
        public static void Read(OnlineLearner learner, byte[] buffer, int offset, int count)
        {
            Transfer(learner, buffer, offset, count, false);
            Transfer(learner, buffer, offset, count, true);
        }

        // Parses the blob; checks every field (apply == false) or copies it into the learner
        // (apply == true, only after a checking pass has succeeded).
        private static void Transfer(OnlineLearner learner, byte[] buffer, int offset, int count, bool apply)
        {
            if (learner == null)
            {
                throw new ArgumentNullException("learner", "ModelBlob: learner is null.");
            }

            if (buffer == null)
            {
                throw new ArgumentNullException("buffer", "ModelBlob: buffer is null.");
            }

            if (offset < 0 || count < 0 || offset > buffer.Length || buffer.Length - offset < count)
            {
                throw new InvalidModelException("Model: offset " + offset + " and count " + count + " do not fit a buffer of " + buffer.Length + " bytes.");
            }

            Network network = learner.Network;
            if (count < 8)
            {
                throw new InvalidModelException("Model: " + count + " bytes is too short for a header.");
            }

            if (GetUInt32(buffer, offset) != Magic)
            {
                throw new InvalidModelException("Model: wrong magic; this is not a nanoBackprop model.");
            }

            int version = GetUInt16(buffer, offset + 4);
            if (version != Version)
            {
                throw new InvalidModelException("Model: format version " + version + "; this library reads version " + Version + ".");
            }

            if (buffer[offset + 6] != Q16.FractionalBits)
            {
                throw new InvalidModelException("Model: " + buffer[offset + 6] + " fractional bits; this library is Q16.16.");
            }

            int layers = buffer[offset + 7];
            if (layers != network.LayerCount)
            {
                throw new InvalidModelException("Model: " + layers + " layers; the network has " + network.LayerCount + ".");
            }

            int expected = SizeOf(learner);
            if (count != expected)
            {
                throw new InvalidModelException("Model: " + count + " bytes; a model for this learner has " + expected + " (truncated or a different topology).");
            }

            int position = offset + 8;
            for (int l = 0; l < layers; l++)
            {
                int size = GetUInt16(buffer, position);
                position += 2;
                if (size != network.GetLayerSize(l))
                {
                    throw new InvalidModelException("Model: layer " + l + " has " + size + " neurons; the network has " + network.GetLayerSize(l) + ".");
                }
            }

            Expect(buffer[position++], (int)network.HiddenActivation, "hidden activation");
            Expect(buffer[position++], (int)network.OutputActivation, "output activation");
            Expect(buffer[position++], (int)network.Loss, "loss");
            Expect(buffer[position++], (int)network.Options, "network options");
            Expect(buffer[position++], (int)learner.Task, "task");
            Expect(GetUInt16(buffer, position), learner.BatchSize, "batch size");
            position += 2;
            Expect(buffer[position++], learner.ClassBalanceEnabled ? 1 : 0, "class balance");
            Expect(buffer[position++], learner.SnapshotArray != null ? 1 : 0, "divergence guard");
            Expect(buffer[position++], learner.Scaler.WindowShift, "scaler window");

            uint storedCrc = GetUInt32(buffer, offset + count - 4);
            if (!apply && Crc32.Compute(buffer, offset, count - 4) != storedCrc)
            {
                throw new InvalidModelException("Model: CRC mismatch; the model is corrupt.");
            }

            int learningRate = CheckRange(GetInt32(buffer, position), 0, int.MaxValue, "learning rate");
            int momentum = CheckRange(GetInt32(buffer, position + 4), 0, Q16.One - 1, "momentum");
            if (momentum != 0 && network.WeightVelocityArrays == null)
            {
                throw new InvalidModelException("Model: momentum " + momentum + " without momentum buffers.");
            }

            bool stochastic = CheckFlag(buffer[position + 8], "stochastic rounding") == 1;
            uint randomState = GetUInt32(buffer, position + 9);
            if (randomState == 0)
            {
                throw new InvalidModelException("Model: the PRNG state is 0, which xorshift never reaches.");
            }

            int accumulated = CheckRange(GetInt32(buffer, position + 13), 0, int.MaxValue, "accumulated samples");
            int saturations = CheckRange(GetInt32(buffer, position + 17), 0, int.MaxValue, "weight saturations");
            position += 21;
            if (apply)
            {
                network.LearningRate = learningRate;
                network.Momentum = momentum;
                network.StochasticRounding = stochastic;
                network.RandomState = randomState;
                network.AccumulatedSampleCount = accumulated;
                network.WeightSaturationCount = saturations;
                network.Invalidate();
            }

            position = TakeParameterSet(buffer, position, network.WeightsArrays, network.BiasArrays, Network.MaxWeight, apply);
            position = TakeParameterSet(buffer, position, network.WeightGradientArrays, network.BiasGradientArrays, int.MaxValue, apply);
            position = TakeParameterSet(buffer, position, network.WeightVelocityArrays, network.BiasVelocityArrays, int.MaxValue, apply);

            long samples = CheckRange(GetInt64(buffer, position), 0, long.MaxValue, "samples");
            long updates = CheckRange(GetInt64(buffer, position + 8), 0, samples, "updates");
            int rollbacks = CheckRange(GetInt32(buffer, position + 16), 0, int.MaxValue, "rollbacks");
            long runningLoss = CheckRange(GetInt64(buffer, position + 20), 0, long.MaxValue, "running loss");
            long longRunLoss = CheckRange(GetInt64(buffer, position + 28), 0, long.MaxValue, "long-run loss");
            long positives = CheckRange(GetInt64(buffer, position + 36), 0, samples, "positive count");
            long negatives = CheckRange(GetInt64(buffer, position + 44), 0, samples - positives, "negative count");
            int recoveryShift = CheckRange(buffer[position + 52], 0, 4, "recovery shift");
            int saturationsAtCheck = CheckRange(GetInt32(buffer, position + 53), 0, int.MaxValue, "saturations at check");
            bool hasSnapshot = CheckFlag(buffer[position + 57], "has-snapshot") == 1;
            int state = CheckRange(buffer[position + 58], 0, 1, "learner state");
            position += 59;
            if (hasSnapshot && learner.SnapshotArray == null)
            {
                throw new InvalidModelException("Model: a snapshot is marked without a divergence guard.");
            }

            if (apply)
            {
                learner.SampleCount = samples;
                learner.UpdateCount = updates;
                learner.RollbackCount = rollbacks;
                learner.RunningLossState = runningLoss;
                learner.LongRunLossState = longRunLoss;
                learner.PositiveCount = positives;
                learner.NegativeCount = negatives;
                learner.RecoveryShift = recoveryShift;
                learner.SaturationsAtCheck = saturationsAtCheck;
                learner.HasSnapshotValue = hasSnapshot;
                learner.StateValue = (LearnerState)state;
            }

            if (learner.SnapshotArray != null)
            {
                position = TakeInts(buffer, position, learner.SnapshotArray, Network.MaxWeight, learner.SnapshotArray.Length, apply);
            }

            position = TakeScaler(buffer, position, learner.Scaler, apply);
            if (learner.TargetScaler != null)
            {
                TakeScaler(buffer, position, learner.TargetScaler, apply);
            }
        }

        private static int ScalerSize(InputScaler scaler)
        {
            return 8 + 1 + 4 + 16 * scaler.FeatureCount;
        }

        private static int PutScaler(byte[] buffer, int position, InputScaler scaler)
        {
            position = PutInt64(buffer, position, scaler.CountValue);
            buffer[position++] = (byte)(scaler.Frozen ? 1 : 0);
            position = PutInt32(buffer, position, scaler.SaturatedReadingCount);
            long[] means = scaler.MeanArray;
            long[] variances = scaler.VarianceArray;
            for (int f = 0; f < means.Length; f++)
            {
                position = PutInt64(buffer, position, means[f]);
                position = PutInt64(buffer, position, variances[f]);
            }

            return position;
        }

        private static int TakeScaler(byte[] buffer, int position, InputScaler scaler, bool apply)
        {
            long scalerCount = CheckRange(GetInt64(buffer, position), 0, long.MaxValue, "scaler count");
            bool frozen = CheckFlag(buffer[position + 8], "scaler frozen") == 1;
            int saturated = CheckRange(GetInt32(buffer, position + 9), 0, int.MaxValue, "scaler saturations");
            position += 13;
            if (apply)
            {
                scaler.CountValue = scalerCount;
                scaler.Frozen = frozen;
                scaler.SaturatedReadingCount = saturated;
            }

            long[] means = scaler.MeanArray;
            long[] variances = scaler.VarianceArray;
            for (int f = 0; f < means.Length; f++)
            {
                // A mean is a raw int·2^16; a variance at most (2^31·2^8)²/… is below 2^62.
                long mean = CheckRange(GetInt64(buffer, position), (long)int.MinValue << 16, (long)int.MaxValue << 16, "scaler mean");
                long variance = CheckRange(GetInt64(buffer, position + 8), 0, 1L << 62, "scaler variance");
                position += 16;
                if (apply)
                {
                    means[f] = mean;
                    variances[f] = variance;
                }
            }

            return position;
        }

        private static int PutParameterSet(byte[] buffer, int position, int[][] weights, int[][] biases)
        {
            if (weights == null)
            {
                return position;
            }

            for (int l = 0; l < weights.Length; l++)
            {
                position = PutInts(buffer, position, weights[l]);
            }

            if (biases != null)
            {
                for (int l = 0; l < biases.Length; l++)
                {
                    position = PutInts(buffer, position, biases[l]);
                }
            }

            return position;
        }

        private static int TakeParameterSet(byte[] buffer, int position, int[][] weights, int[][] biases, int weightBound, bool apply)
        {
            if (weights == null)
            {
                return position;
            }

            for (int l = 0; l < weights.Length; l++)
            {
                position = TakeInts(buffer, position, weights[l], weightBound, weights[l].Length, apply);
            }

            if (biases != null)
            {
                for (int l = 0; l < biases.Length; l++)
                {
                    position = TakeInts(buffer, position, biases[l], int.MaxValue, biases[l].Length, apply);
                }
            }

            return position;
        }

        private static int PutInts(byte[] buffer, int position, int[] values)
        {
            for (int k = 0; k < values.Length; k++)
            {
                position = PutInt32(buffer, position, values[k]);
            }

            return position;
        }

        private static int TakeInts(byte[] buffer, int position, int[] target, int bound, int count, bool apply)
        {
            for (int k = 0; k < count; k++)
            {
                int value = GetInt32(buffer, position);
                position += 4;
                if (bound != int.MaxValue && (value > bound || value < -bound))
                {
                    throw new InvalidModelException("Model: a weight is beyond ±128.0.");
                }

                if (apply)
                {
                    target[k] = value;
                }
            }

            return position;
        }

        private static void Expect(int stored, int live, string what)
        {
            if (stored != live)
            {
                throw new InvalidModelException("Model: " + what + " is " + stored + "; the learner has " + live + ".");
            }
        }

        private static int CheckFlag(int value, string what)
        {
            return CheckRange(value, 0, 1, what);
        }

        private static int CheckRange(int value, int low, int high, string what)
        {
            if (value < low || value > high)
            {
                throw new InvalidModelException("Model: " + what + " " + value + " is outside " + low + " to " + high + ".");
            }

            return value;
        }

        private static long CheckRange(long value, long low, long high, string what)
        {
            if (value < low || value > high)
            {
                throw new InvalidModelException("Model: " + what + " " + value + " is outside " + low + " to " + high + ".");
            }

            return value;
        }

        internal static int PutUInt16(byte[] buffer, int position, int value)
        {
            buffer[position] = (byte)value;
            buffer[position + 1] = (byte)(value >> 8);
            return position + 2;
        }

        internal static int PutInt32(byte[] buffer, int position, int value)
        {
            buffer[position] = (byte)value;
            buffer[position + 1] = (byte)(value >> 8);
            buffer[position + 2] = (byte)(value >> 16);
            buffer[position + 3] = (byte)(value >> 24);
            return position + 4;
        }

        internal static int PutUInt32(byte[] buffer, int position, uint value)
        {
            return PutInt32(buffer, position, (int)value);
        }

        internal static int PutInt64(byte[] buffer, int position, long value)
        {
            position = PutInt32(buffer, position, (int)value);
            return PutInt32(buffer, position, (int)(value >> 32));
        }

        internal static int GetUInt16(byte[] buffer, int position)
        {
            return buffer[position] | (buffer[position + 1] << 8);
        }

        internal static int GetInt32(byte[] buffer, int position)
        {
            return buffer[position] | (buffer[position + 1] << 8) | (buffer[position + 2] << 16) | (buffer[position + 3] << 24);
        }

        internal static uint GetUInt32(byte[] buffer, int position)
        {
            return (uint)GetInt32(buffer, position);
        }

        internal static long GetInt64(byte[] buffer, int position)
        {
            return (uint)GetInt32(buffer, position) | ((long)GetInt32(buffer, position + 4) << 32);
        }
    }
}
