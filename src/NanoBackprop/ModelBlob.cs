using System;

namespace NanoBackprop
{
    /// <summary>
    /// The binary model: everything a board needs to resume a learner bit-exactly after a reset,
    /// written into and read from a caller's <c>byte[]</c> without allocating.
    /// </summary>
    /// <remarks>
    /// <para>Layout (version 4, little-endian), in this order:</para>
    /// <list type="number">
    /// <item>"NBPM", version (u16), fractional bits (u8, 16), layer count (u8), layer sizes (u16 each),
    /// hidden and output activation, loss, network options (low 4 bits; the high 4 bits hold the
    /// number of frozen layers), task (u8 each), batch size (u16),
    /// class balance, divergence guard, scaler window shift (u8 each);</item>
    /// <item>network: learning rate, momentum (i32), stochastic rounding (u8), PRNG state (u32),
    /// accumulated samples, weight saturations (i32), weights (i32 each; with 16-bit weights, the scale
    /// changes (i32), then per layer its exponent (u8) and weights (i16 each)), biases (i32 each), accumulated
    /// gradient sums (i64 each) and velocities (i32 each) where the network has them (none for a
    /// frozen layer);</item>
    /// <item>learner: samples, updates (i64), rollbacks (i32), running and long-run loss, label
    /// counts (i64), recovery shift (u8), saturations at the last check (i32), has-snapshot and
    /// state (u8), the snapshot where the guard is on (Network.SnapshotLength i32s: the trainable
    /// parameters, 16-bit weights packed two per i32);</item>
    /// <item>each scaler (inputs; targets for regression): count (i64), frozen (u8), saturated
    /// readings (i32), means and variances (i64 each);</item>
    /// <item>a softmax classifier's labels learned per class (i64 each, K of them);</item>
    /// <item>where the guard is on, the snapshot's scaler statistics, for each scaler: count, the
    /// means, then the variances (i64 each);</item>
    /// <item>each scaler's robust start (<see cref="InputScaler.RobustStartReadings"/>): readings
    /// kept (u8, 0 to 16; 255 for a scaler without <see cref="LearnerOptions.RobustStart"/>), the
    /// 16 kept readings of each feature (i32 each, feature by feature; none for 255), each
    /// feature's outlier-run flag (u8);</item>
    /// <item>CRC-32 of everything before it (u32).</item>
    /// </list>
    /// <para>16-bit weights (<see cref="NetworkOptions.NarrowWeights"/>), frozen layers and softmax
    /// classifiers exist from version 3 on: an earlier blob has none of them.</para>
    /// <para>Version 3 differs only in that it has no robust start: Read loads it with no kept
    /// readings (a scaler saved during its first 16 readings continues with its running
    /// statistics) and no outlier run.</para>
    /// <para>Version 2 differs only in that it has no snapshot of the scalers' statistics and no
    /// class counts; Read
    /// loads it with the loaded statistics as the snapshot's.</para>
    /// <para>Version 1 differs from version 2 only in that the gradient sums are i32 (they saturated at ±32,768)
    /// and the scalers have no outlier counters; Read still loads it (the counters start at 0).</para>
    /// <para>This list is a summary. The layout is defined once, in code: ModelBlob.Transfer
    /// (the header), then each owner's TransferStructure and TransferState (Network,
    /// OnlineLearner, InputScaler), which walk their fields in order with a ModelCursor. SizeOf,
    /// Write, Validate and Read all run that same code, counting, writing, checking or reading.</para>
    /// <para>Reading checks the whole blob first (magic, version, that the topology and the
    /// structural options match the live learner, naming the first field that differs, then the
    /// size, the CRC, and every value's range) and only then
    /// copies it in: a rejected blob leaves the learner exactly as it was. The learner's
    /// hyper-parameters (rates, schedule) are not stored: they come from the code that builds it.</para>
    /// </remarks>
    public static class ModelBlob
    {
        /// <summary>The format version this library writes (it reads every version from
        /// <see cref="OldestReadableVersion"/> to this one).</summary>
        public const int Version = 4;

        /// <summary>The oldest format version this library still reads: 1 (32-bit gradient sums,
        /// no scaler outlier counters), loaded into the current layout.</summary>
        public const int OldestReadableVersion = 1;

        // "NBPM" little-endian: the first four bytes of every model.
        internal const uint Magic = 0x4D50424E;

        // Magic, version, fractional bits and layer count: the part of the header that says how
        // long the rest is.
        internal const int PreambleBytes = 8;

        // The header's bytes after the layer sizes: hidden and output activation, loss, network
        // options, task (1 each), batch size (2), class balance, divergence guard, scaler window
        // (1 each); Network.TransferStructure and OnlineLearner.TransferStructure walk them.
        internal const int StructureBytesAfterSizes = 10;

        /// <summary>The exact size in bytes of the blob for <paramref name="learner"/>.</summary>
        /// <exception cref="ArgumentNullException">learner is null.</exception>
        public static int SizeOf(OnlineLearner learner)
        {
            if (learner == null)
            {
                throw new ArgumentNullException("learner", "ModelBlob.SizeOf: learner is null.");
            }

            return SizeOf(learner, Version);
        }

        // The size of a blob of format `version` for the learner.
        private static int SizeOf(OnlineLearner learner, int version)
        {
            var cursor = new ModelCursor(null, 0, ModelCursor.Counting, version);
            Transfer(learner, ref cursor, 0, 0);
            return cursor.Position;
        }

        /// <summary>
        /// Writes the blob for <paramref name="learner"/> at <paramref name="offset"/>; returns its
        /// size. Allocates nothing.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">offset lies outside buffer.</exception>
        /// <exception cref="ArgumentException">The buffer is too small (nothing is written).</exception>
        public static int Write(OnlineLearner learner, byte[] buffer, int offset)
        {
            if (learner == null)
            {
                throw new ArgumentNullException("learner", "ModelBlob.Write: learner is null.");
            }

            int size = SizeOf(learner);
            if (buffer == null)
            {
                throw new ArgumentNullException("buffer", "ModelBlob.Write: buffer is null.");
            }

            if (offset < 0 || offset > buffer.Length)
            {
                throw new ArgumentOutOfRangeException("offset", "ModelBlob.Write: offset " + offset + " is outside the buffer of " + buffer.Length + " bytes.");
            }

            if (buffer.Length - offset < size)
            {
                throw new ArgumentException("ModelBlob.Write: the blob needs " + size + " bytes from offset " + offset + "; the buffer has " + buffer.Length + ".", "buffer");
            }

            var cursor = new ModelCursor(buffer, offset, ModelCursor.Writing, Version);
            Transfer(learner, ref cursor, offset, size);
            return cursor.Position - offset;
        }

        /// <summary>
        /// Checks a blob against <paramref name="learner"/> without changing anything.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">offset or count lies outside buffer.</exception>
        /// <exception cref="InvalidModelException">The blob is rejected; the message says why.</exception>
        public static void Validate(OnlineLearner learner, byte[] buffer, int offset, int count)
        {
            ReadPass(learner, buffer, offset, count, ModelCursor.Checking, "ModelBlob.Validate");
        }

        /// <summary>
        /// Loads a blob into <paramref name="learner"/> (its network and scalers), after checking
        /// all of it. Allocates nothing.
        /// </summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        /// <exception cref="ArgumentOutOfRangeException">offset or count lies outside buffer.</exception>
        /// <exception cref="InvalidModelException">The blob is rejected; the learner is unchanged.</exception>
        public static void Read(OnlineLearner learner, byte[] buffer, int offset, int count)
        {
            ReadPass(learner, buffer, offset, count, ModelCursor.Checking, "ModelBlob.Read");
            ReadPass(learner, buffer, offset, count, ModelCursor.Applying, "ModelBlob.Read");
        }

        // Where the blob lies in the caller's buffer is the caller's argument, not the model's
        // content: a range outside the buffer is an ArgumentOutOfRangeException naming it.
        internal static void CheckRange(byte[] buffer, int offset, int count, string caller)
        {
            if (offset < 0 || offset > buffer.Length)
            {
                throw new ArgumentOutOfRangeException("offset", caller + ": offset " + offset + " is outside the buffer of " + buffer.Length + " bytes.");
            }

            if (count < 0 || buffer.Length - offset < count)
            {
                throw new ArgumentOutOfRangeException("count", caller + ": count " + count + " from offset " + offset + " does not fit the buffer of " + buffer.Length + " bytes.");
            }
        }

        private static void ReadPass(OnlineLearner learner, byte[] buffer, int offset, int count, int mode, string caller)
        {
            if (learner == null)
            {
                throw new ArgumentNullException("learner", caller + ": learner is null.");
            }

            if (buffer == null)
            {
                throw new ArgumentNullException("buffer", caller + ": buffer is null.");
            }

            CheckRange(buffer, offset, count, caller);

            if (count < PreambleBytes)
            {
                throw new InvalidModelException("Model: " + count + " bytes is too short for a header.");
            }

            var cursor = new ModelCursor(buffer, offset, mode, Version);
            Transfer(learner, ref cursor, offset, count);
        }

        // The blob, in order, in whichever mode the cursor is: the one description of the format
        // (each owner transfers its own part). When reading, `count` is the blob's length; the
        // header is checked before anything else so that every later read is within it.
        private static void Transfer(OnlineLearner learner, ref ModelCursor cursor, int offset, int count)
        {
            Network network = learner.Network;
            if (cursor.UInt32(Magic) != Magic)
            {
                throw new InvalidModelException("Model: wrong magic; this is not a nanoBackprop model.");
            }

            int version = cursor.UInt16(cursor.Version);
            if (version < OldestReadableVersion || version > Version)
            {
                throw new InvalidModelException("Model: format version " + version + "; this library reads versions " + OldestReadableVersion + " to " + Version + ".");
            }

            cursor.Version = version;

            int fractionalBits = cursor.Byte(Q16.FractionalBits);
            if (fractionalBits != Q16.FractionalBits)
            {
                throw new InvalidModelException("Model: " + fractionalBits + " fractional bits; this library is Q16.16.");
            }

            int layers = cursor.Byte(network.LayerCount);
            if (layers != network.LayerCount)
            {
                throw new InvalidModelException("Model: " + layers + " layers; the network has " + network.LayerCount + ".");
            }

            // The structure first (the first field that differs names the mismatch: a layer size,
            // an option, the guard), then the size (a blob of this structure cut short or padded).
            int headerBytes = PreambleBytes + 2 * layers + StructureBytesAfterSizes;
            if (cursor.Reading && count < headerBytes)
            {
                throw new InvalidModelException("Model: " + count + " bytes is too short for the header of a " + layers + "-layer model (" + headerBytes + " bytes).");
            }

            network.TransferStructure(ref cursor);
            learner.TransferStructure(ref cursor);
            if (cursor.Reading)
            {
                int expected = SizeOf(learner, version);
                if (version >= 4 && count == learner.BlobSizeWithOtherRobustStart())
                {
                    bool keeps = learner.Scaler.KeepsReadings;
                    throw new InvalidModelException("Model: " + count + " bytes, a model " + (keeps ? "without" : "with")
                        + " the scalers' robust-start readings; this learner was built with LearnerOptions.RobustStart = " + (keeps ? "true" : "false") + ".");
                }

                if (count != expected)
                {
                    throw new InvalidModelException("Model: " + count + " bytes; a model for this learner has " + expected + " (truncated or padded).");
                }
            }

            if (cursor.OnlyChecking && !cursor.CrcMatches(offset, count))
            {
                throw new InvalidModelException("Model: CRC mismatch; the model is corrupt.");
            }

            network.TransferState(ref cursor);
            learner.TransferState(ref cursor);
            cursor.Crc(offset);
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
