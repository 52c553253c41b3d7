using System;
using System.Collections.Generic;
using System.IO;
using NanoBackprop.Boards.Esp32;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>
    /// A flash file system in RAM for <see cref="ModelFileSlots"/>: files are byte lists that a
    /// simulated reset keeps; reads can be limited to a few bytes per call, opening can fail, and a
    /// power cut can stop a write after a given number of bytes (the bytes before it stay on
    /// "flash", as on a real file system whose create already truncated the file).
    /// </summary>
    internal sealed class RamFiles : IModelFiles
    {
        public Dictionary<string, List<byte>> Files { get; } = new(StringComparer.Ordinal);

        /// <summary>Operations in order: "create PATH", "open PATH", "flush PATH", "close PATH".</summary>
        public List<string> Log { get; } = new();

        /// <summary>Most bytes one Read call returns.</summary>
        public int ReadChunk { get; set; } = int.MaxValue;

        /// <summary>OpenRead throws an IOException (a damaged file system).</summary>
        public bool FailOpen { get; set; }

        /// <summary>When set, the power fails after this many bytes of the next file written.</summary>
        public int? PowerCutAfterBytes { get; set; }

        public bool Exists(string path) => Files.ContainsKey(path);

        public Stream OpenRead(string path)
        {
            if (FailOpen)
            {
                throw new IOException("RamFiles: cannot open " + path);
            }

            Log.Add("open " + path);
            return new RamFile(this, path, Files[path]);
        }

        public Stream Create(string path)
        {
            Log.Add("create " + path);
            var content = new List<byte>();
            Files[path] = content;
            return new RamFile(this, path, content);
        }

        private sealed class RamFile : Stream
        {
            private readonly RamFiles owner;
            private readonly string path;
            private readonly List<byte> content;
            private int position;

            public RamFile(RamFiles owner, string path, List<byte> content)
            {
                this.owner = owner;
                this.path = path;
                this.content = content;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => content.Count;

            public override long Position
            {
                get => position;
                set => throw new NotSupportedException();
            }

            public override int Read(byte[] buffer, int offset, int count)
            {
                int n = Math.Min(Math.Min(count, owner.ReadChunk), content.Count - position);
                content.CopyTo(position, buffer, offset, n);
                position += n;
                return n;
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                for (int i = 0; i < count; i++)
                {
                    if (owner.PowerCutAfterBytes is int cut && content.Count >= cut)
                    {
                        owner.PowerCutAfterBytes = null;
                        throw new IOException("RamFiles: power cut while writing " + path);
                    }

                    content.Add(buffer[offset + i]);
                }
            }

            public override void Flush() => owner.Log.Add("flush " + path);

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                owner.Log.Add("close " + path);
                base.Dispose(disposing);
            }
        }
    }
}
