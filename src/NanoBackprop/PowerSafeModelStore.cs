using System;

namespace NanoBackprop
{
    /// <summary>
    /// Saves and loads a learner's model through two storage slots (A/B) so that a power loss
    /// during a save never loses the model: a save writes the slot that does not hold the newest
    /// valid model, with the next sequence number; loading picks the valid slot with the newest
    /// sequence. Its one buffer is allocated by the constructor.
    /// </summary>
    /// <remarks>
    /// A slot is "NBPS", the sequence number (u32), the blob's length (u32), the model blob
    /// (<see cref="ModelBlob"/>) and a CRC-32 of all of it. Sequence numbers compare with
    /// wrap-around (serial-number arithmetic), so a node can save every minute for 8,000 years.
    /// </remarks>
    public sealed class PowerSafeModelStore
    {
        private const uint SlotMagic = 0x5350424E; // "NBPS" little-endian
        private const int HeaderBytes = 12;

        private readonly IModelStorage storage;
        private readonly OnlineLearner learner;
        private readonly byte[] buffer;
        private readonly int blobBytes;
        private int newestSlot = 1;
        private uint sequence;

        /// <summary>Creates a store for <paramref name="learner"/> over <paramref name="storage"/>.</summary>
        /// <exception cref="ArgumentNullException">An argument is null.</exception>
        public PowerSafeModelStore(IModelStorage storage, OnlineLearner learner)
        {
            if (storage == null)
            {
                throw new ArgumentNullException("storage", "PowerSafeModelStore: storage is null.");
            }

            if (learner == null)
            {
                throw new ArgumentNullException("learner", "PowerSafeModelStore: learner is null.");
            }

            this.storage = storage;
            this.learner = learner;
            blobBytes = ModelBlob.SizeOf(learner);
            buffer = new byte[SlotBytes];
        }

        /// <summary>Bytes one slot needs: the header, the model blob and the CRC.</summary>
        public int SlotBytes
        {
            get { return HeaderBytes + blobBytes + 4; }
        }

        /// <summary>The sequence number of the newest model saved or loaded (0 before any).</summary>
        public uint Sequence
        {
            get { return sequence; }
        }

        /// <summary>
        /// Saves the learner into the older slot and reads it back; only a slot that reads back
        /// intact becomes the newest. If the write fails or is cut short, the other slot still
        /// holds the previous model and the next save retries the same slot.
        /// </summary>
        /// <exception cref="InvalidOperationException">The slot did not read back intact (a write
        /// that stopped without an error); the previous model is kept.</exception>
        public void Save()
        {
            uint next = sequence + 1;
            ModelBlob.PutUInt32(buffer, 0, SlotMagic);
            ModelBlob.PutUInt32(buffer, 4, next);
            ModelBlob.PutInt32(buffer, 8, blobBytes);
            ModelBlob.Write(learner, buffer, HeaderBytes);
            ModelBlob.PutUInt32(buffer, HeaderBytes + blobBytes, Crc32.Compute(buffer, 0, HeaderBytes + blobBytes));
            int target = 1 - newestSlot;
            storage.Write(target, buffer, SlotBytes);
            if (!ReadValid(target) || ModelBlob.GetUInt32(buffer, 4) != next)
            {
                throw new InvalidOperationException("PowerSafeModelStore.Save: slot " + target + " did not read back intact; the previous model is kept.");
            }

            newestSlot = target;
            sequence = next;
        }

        /// <summary>
        /// Loads the newest valid slot into the learner. Returns false, with the learner
        /// unchanged, when neither slot holds a valid model for it.
        /// </summary>
        public bool Load()
        {
            bool validA = ReadValid(0);
            uint sequenceA = ModelBlob.GetUInt32(buffer, 4);
            bool validB = ReadValid(1);
            uint sequenceB = ModelBlob.GetUInt32(buffer, 4);
            if (!validA && !validB)
            {
                return false;
            }

            int slot = validB && (!validA || (int)(sequenceB - sequenceA) > 0) ? 1 : 0;
            if (slot == 0)
            {
                ReadValid(0);
            }

            ModelBlob.Read(learner, buffer, HeaderBytes, blobBytes);
            newestSlot = slot;
            sequence = slot == 0 ? sequenceA : sequenceB;
            return true;
        }

        // Reads a slot into the buffer; true when its header, CRC and blob are all valid.
        private bool ReadValid(int slot)
        {
            Array.Clear(buffer, 0, buffer.Length);
            int read = storage.Read(slot, buffer);
            if (read != SlotBytes
                || ModelBlob.GetUInt32(buffer, 0) != SlotMagic
                || ModelBlob.GetInt32(buffer, 8) != blobBytes
                || Crc32.Compute(buffer, 0, HeaderBytes + blobBytes) != ModelBlob.GetUInt32(buffer, HeaderBytes + blobBytes))
            {
                return false;
            }

            try
            {
                ModelBlob.Validate(learner, buffer, HeaderBytes, blobBytes);
                return true;
            }
            catch (InvalidModelException)
            {
                return false;
            }
        }
    }
}
