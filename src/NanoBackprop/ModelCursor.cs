namespace NanoBackprop
{
    /// <summary>
    /// Walks a model blob field by field (little-endian) in one of four modes, so that each class
    /// that owns state describes its part of the blob once, in order, and the same code gives the
    /// size, writes, checks and reads it (see <see cref="ModelBlob"/>).
    /// </summary>
    /// <remarks>
    /// A field method takes the live value and returns: the live value when counting or writing
    /// (counting only advances the position), the stored value when checking or reading. Checks
    /// the owner writes against the returned values therefore hold trivially when writing and
    /// test the blob when reading. Range arguments are enforced only when reading a blob
    /// (<see cref="InvalidModelException"/> naming the field). Owners assign what they read only
    /// when <see cref="Copying"/>, which ModelBlob runs only after a checking pass succeeded.
    /// A struct, passed by reference, so that SizeOf, Write and Read allocate nothing.
    /// </remarks>
    internal struct ModelCursor
    {
        /// <summary>Counts bytes only (SizeOf).</summary>
        internal const int Counting = 0;

        /// <summary>Stores the live values (Write).</summary>
        internal const int Writing = 1;

        /// <summary>Reads and checks every field, changes nothing (Validate, and Read's first pass).</summary>
        internal const int Checking = 2;

        /// <summary>Reads a checked blob; owners copy the values in (Read's second pass).</summary>
        internal const int Applying = 3;

        private readonly byte[] buffer;
        private readonly int mode;
        private int position;
        private int version;

        internal ModelCursor(byte[] buffer, int position, int mode, int version)
        {
            this.buffer = buffer;
            this.position = position;
            this.mode = mode;
            this.version = version;
        }

        /// <summary>The format version of the blob: <see cref="ModelBlob.Version"/> when counting
        /// or writing, the stored version once ModelBlob has read it. Owners branch on it for
        /// fields that earlier versions laid out differently.</summary>
        internal int Version
        {
            get { return version; }
            set { version = value; }
        }

        /// <summary>The offset of the next field.</summary>
        internal int Position
        {
            get { return position; }
        }

        /// <summary>Whether fields come from a blob (checking or applying).</summary>
        internal bool Reading
        {
            get { return mode >= Checking; }
        }

        /// <summary>Whether this pass only checks (nothing may change).</summary>
        internal bool OnlyChecking
        {
            get { return mode == Checking; }
        }

        /// <summary>Whether owners copy what they read into their state.</summary>
        internal bool Copying
        {
            get { return mode == Applying; }
        }

        /// <summary>An unsigned byte.</summary>
        internal int Byte(int live)
        {
            int value = live;
            if (mode == Writing)
            {
                buffer[position] = (byte)live;
            }
            else if (mode >= Checking)
            {
                value = buffer[position];
            }

            position += 1;
            return value;
        }

        /// <summary>An unsigned byte within [low, high] when read.</summary>
        internal int Byte(int live, int low, int high, string what)
        {
            return CheckRange(Byte(live), low, high, what);
        }

        /// <summary>A flag byte, 0 or 1 when read.</summary>
        internal bool Flag(bool live, string what)
        {
            return CheckRange(Byte(live ? 1 : 0), 0, 1, what) == 1;
        }

        /// <summary>An unsigned 16-bit value.</summary>
        internal int UInt16(int live)
        {
            int value = live;
            if (mode == Writing)
            {
                ModelBlob.PutUInt16(buffer, position, live);
            }
            else if (mode >= Checking)
            {
                value = ModelBlob.GetUInt16(buffer, position);
            }

            position += 2;
            return value;
        }

        /// <summary>A 32-bit value.</summary>
        internal int Int32(int live)
        {
            int value = live;
            if (mode == Writing)
            {
                ModelBlob.PutInt32(buffer, position, live);
            }
            else if (mode >= Checking)
            {
                value = ModelBlob.GetInt32(buffer, position);
            }

            position += 4;
            return value;
        }

        /// <summary>A 32-bit value within [low, high] when read.</summary>
        internal int Int32(int live, int low, int high, string what)
        {
            return CheckRange(Int32(live), low, high, what);
        }

        /// <summary>An unsigned 32-bit value.</summary>
        internal uint UInt32(uint live)
        {
            return (uint)Int32((int)live);
        }

        /// <summary>A 64-bit value within [low, high] when read.</summary>
        internal long Int64(long live, long low, long high, string what)
        {
            long value = live;
            if (mode == Writing)
            {
                ModelBlob.PutInt64(buffer, position, live);
            }
            else if (mode >= Checking)
            {
                value = ModelBlob.GetInt64(buffer, position);
            }

            position += 8;
            if (mode >= Checking && (value < low || value > high))
            {
                throw new InvalidModelException("Model: " + what + " " + value + " is outside " + low + " to " + high + ".");
            }

            return value;
        }

        /// <summary>A structural byte that must equal the live learner's.</summary>
        internal void ExpectByte(int live, string what)
        {
            Expect(Byte(live), live, what);
        }

        /// <summary>A structural 16-bit value that must equal the live learner's.</summary>
        internal void ExpectUInt16(int live, string what)
        {
            Expect(UInt16(live), live, what);
        }

        /// <summary>
        /// An array of 32-bit values, each within ±<paramref name="bound"/> when read
        /// (int.MaxValue: any value): written from, or copied into, <paramref name="values"/>.
        /// </summary>
        internal void Ints(int[] values, int bound)
        {
            if (mode == Counting)
            {
                position += 4 * values.Length;
                return;
            }

            for (int k = 0; k < values.Length; k++)
            {
                int value = Int32(values[k]);
                if (mode >= Checking && bound != int.MaxValue && (value > bound || value < -bound))
                {
                    throw new InvalidModelException("Model: a weight is beyond ±128.0.");
                }

                if (mode == Applying)
                {
                    values[k] = value;
                }
            }
        }

        /// <summary>
        /// An array of signed 16-bit values (16-bit weights, version 3), each within
        /// ±<paramref name="bound"/> when read: written from, or copied into, <paramref name="values"/>.
        /// </summary>
        internal void Shorts(short[] values, int bound, string what)
        {
            if (mode == Counting)
            {
                position += 2 * values.Length;
                return;
            }

            for (int k = 0; k < values.Length; k++)
            {
                int value = (short)UInt16((ushort)values[k]);
                if (mode >= Checking && (value > bound || value < -bound))
                {
                    throw new InvalidModelException("Model: " + what + " " + value + " is outside ±" + bound + ".");
                }

                if (mode == Applying)
                {
                    values[k] = (short)value;
                }
            }
        }

        /// <summary>
        /// An array of 64-bit values, each within ±<paramref name="bound"/> when read: written
        /// from, or copied into, <paramref name="values"/>. In a version-1 blob the values were
        /// 32-bit: they are read as such and widened.
        /// </summary>
        internal void Longs(long[] values, long bound, string what)
        {
            int bytes = version == 1 ? 4 : 8;
            if (mode == Counting)
            {
                position += bytes * values.Length;
                return;
            }

            for (int k = 0; k < values.Length; k++)
            {
                long value = version == 1 ? Int32((int)values[k]) : Int64(values[k], -bound, bound, what);
                if (mode == Applying)
                {
                    values[k] = value;
                }
            }
        }

        /// <summary>
        /// The CRC-32 of the blob from <paramref name="start"/> up to here: written when writing,
        /// skipped otherwise (ModelBlob checks it before the values).
        /// </summary>
        internal void Crc(int start)
        {
            if (mode == Writing)
            {
                ModelBlob.PutUInt32(buffer, position, Crc32.Compute(buffer, start, position - start));
            }

            position += 4;
        }

        /// <summary>Whether the CRC-32 in the last 4 of <paramref name="count"/> bytes from
        /// <paramref name="start"/> matches the bytes before it.</summary>
        internal bool CrcMatches(int start, int count)
        {
            return Crc32.Compute(buffer, start, count - 4) == ModelBlob.GetUInt32(buffer, start + count - 4);
        }

        private int CheckRange(int value, int low, int high, string what)
        {
            if (mode >= Checking && (value < low || value > high))
            {
                throw new InvalidModelException("Model: " + what + " " + value + " is outside " + low + " to " + high + ".");
            }

            return value;
        }

        private static void Expect(int stored, int live, string what)
        {
            if (stored != live)
            {
                throw new InvalidModelException("Model: " + what + " is " + stored + "; the learner has " + live + ".");
            }
        }
    }
}
