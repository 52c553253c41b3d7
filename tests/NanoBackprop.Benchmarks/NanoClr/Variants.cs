// The nanoCLR program of `dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- nanoclr-variants`
// (NanoClrVariants.cs builds it, counts each variant's IL and runs it): small code shapes timed on the
// interpreter, ns per element of a 64-element loop. nanoFramework C# 10; no library needed.
// Every variant's Run holds one innermost loop (the one measured); the desktop side reads its IL.
using System;

namespace NanoBackprop.Benchmarks.OnNanoClr
{
    public abstract class Variant
    {
        public const int N = 64;
        public string Name;
        public int Reps = 1;
        public long[] Samples;
        protected readonly int[] a = new int[N];
        protected readonly int[] b = new int[N];
        public int Sink;
        public long LongSink;

        protected Variant(string name)
        {
            Name = name;
            uint r = 2463534242u;
            for (int i = 0; i < N; i++)
            {
                r ^= r << 13; r ^= r >> 17; r ^= r << 5;
                a[i] = (int)(r % 131073u) - 65536;
                r ^= r << 13; r ^= r >> 17; r ^= r << 5;
                b[i] = (int)(r % 131073u) - 65536;
            }
        }

        /// <summary>Elements per <see cref="Run"/> repetition.</summary>
        public virtual int Elements { get { return N; } }

        public abstract void Run(int reps);
    }

    public sealed class EmptyLoop : Variant
    {
        public EmptyLoop() : base("empty loop (for i < n)") { }
        public override void Run(int reps) { for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { } } }
    }

    public sealed class LocalAdd : Variant
    {
        public LocalAdd() : base("s += i (locals)") { }
        public override void Run(int reps) { int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += i; } } Sink = s; }
    }

    public sealed class ArrayRead : Variant
    {
        public ArrayRead() : base("s += a[i] (local int[])") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i]; } } Sink = s; }
    }

    public sealed class ArrayReadLength : Variant
    {
        public ArrayReadLength() : base("s += a[i], i < a.Length") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { for (int i = 0; i < a.Length; i++) { s += a[i]; } } Sink = s; }
    }

    public sealed class ArrayReadField : Variant
    {
        public ArrayReadField() : base("s += this.a[i] (array from a field)") { }
        public override void Run(int reps) { int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += this.a[i]; } } Sink = s; }
    }

    public sealed class ArrayWrite : Variant
    {
        public ArrayWrite() : base("a[i] = i") { }
        public override void Run(int reps) { int[] a = this.a; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { a[i] = i; } } }
    }

    public sealed class ArrayReadModifyWrite : Variant
    {
        public ArrayReadModifyWrite() : base("a[i] -= b[i] >> 8") { }
        public override void Run(int reps) { int[] a = this.a; int[] b = this.b; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { a[i] -= b[i] >> 8; } } }
    }

    public sealed class ByteRead : Variant
    {
        private readonly byte[] bytes = new byte[N];
        public ByteRead() : base("s += bytes[i] (byte[])") { }
        public override void Run(int reps) { byte[] a = bytes; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i]; } } Sink = s; }
    }

    public sealed class IntMultiply : Variant
    {
        public IntMultiply() : base("s += a[i] * b[i] (int)") { }
        public override void Run(int reps) { int[] a = this.a, b = this.b; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i] * b[i]; } } Sink = s; }
    }

    public sealed class LongMultiply : Variant
    {
        public LongMultiply() : base("ls += (long)a[i] * b[i]") { }
        public override void Run(int reps) { int[] a = this.a, b = this.b; long s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += (long)a[i] * b[i]; } } LongSink = s; }
    }

    public sealed class LongMultiplyShift : Variant
    {
        public LongMultiplyShift() : base("s += (int)(((long)a[i] * b[i]) >> 16)") { }
        public override void Run(int reps) { int[] a = this.a, b = this.b; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += (int)(((long)a[i] * b[i]) >> 16); } } Sink = s; }
    }

    public sealed class IntShift : Variant
    {
        public IntShift() : base("s += a[i] >> 3 (int)") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i] >> 3; } } Sink = s; }
    }

    public sealed class LongAdd : Variant
    {
        public LongAdd() : base("ls += a[i] (int to long)") { }
        public override void Run(int reps) { int[] a = this.a; long s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i]; } } LongSink = s; }
    }

    public sealed class LongConstant : Variant
    {
        public LongConstant() : base("ls += a[i] + 32768L (long constant)") { }
        public override void Run(int reps) { int[] a = this.a; long s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i] + 32768L; } } LongSink = s; }
    }

    public sealed class LongLocalConstant : Variant
    {
        public LongLocalConstant() : base("ls += a[i] + half (long local)") { }
        public override void Run(int reps) { int[] a = this.a; long s = 0; long half = 32768; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i] + half; } } LongSink = s; }
    }

    public sealed class IntDivide : Variant
    {
        public IntDivide() : base("s += a[i] / 3 (int)") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += a[i] / 3; } } Sink = s; }
    }

    public sealed class LongDivide : Variant
    {
        public LongDivide() : base("ls += (long)a[i] * b[i] / 3") { }
        public override void Run(int reps) { int[] a = this.a, b = this.b; long s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s += (long)a[i] * b[i] / 3; } } LongSink = s; }
    }

    public sealed class InstanceField : Variant
    {
        private int total;
        public InstanceField() : base("this.total += a[i] (instance field)") { }
        public override void Run(int reps) { int[] a = this.a; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { total += a[i]; } } Sink = total; }
    }

    public sealed class StaticField : Variant
    {
        private static int total;
        public StaticField() : base("Total += a[i] (static field)") { }
        public override void Run(int reps) { int[] a = this.a; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { total += a[i]; } } Sink = total; }
    }

    public sealed class StaticCall : Variant
    {
        public StaticCall() : base("s = Add(s, a[i]) (static call)") { }
        private static int Add(int x, int y) { return x + y; }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s = Add(s, a[i]); } } Sink = s; }
    }

    public sealed class StaticCallFourArguments : Variant
    {
        public StaticCallFourArguments() : base("s = Add4(s, a[i], b[i], i) (static call, 4 args)") { }
        private static int Add4(int x, int y, int z, int w) { return x + y; }
        public override void Run(int reps) { int[] a = this.a, b = this.b; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s = Add4(s, a[i], b[i], i); } } Sink = s; }
    }

    public sealed class InstanceCall : Variant
    {
        public InstanceCall() : base("s = this.Add(s, a[i]) (instance call)") { }
        private int Add(int x, int y) { return x + y; }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s = Add(s, a[i]); } } Sink = s; }
    }

    public abstract class Adder { public abstract int Add(int x, int y); }
    public sealed class PlainAdder : Adder { public override int Add(int x, int y) { return x + y; } }

    public sealed class VirtualCall : Variant
    {
        private readonly Adder adder = new PlainAdder();
        public VirtualCall() : base("s = adder.Add(s, a[i]) (virtual call)") { }
        public override void Run(int reps) { int[] a = this.a; Adder adder = this.adder; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { s = adder.Add(s, a[i]); } } Sink = s; }
    }

    public sealed class Branch : Variant
    {
        public Branch() : base("if (x < 0) s -= x; else s += x (branch)") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { int x = a[i]; if (x < 0) { s -= x; } else { s += x; } } } Sink = s; }
    }

    public sealed class BranchFree : Variant
    {
        public BranchFree() : base("m = x >> 31; s += (x ^ m) - m (branch-free)") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { int x = a[i]; int m = x >> 31; s += (x ^ m) - m; } } Sink = s; }
    }

    public sealed class ClampTwoCompares : Variant
    {
        public ClampTwoCompares() : base("clamp with two compares") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { int x = a[i]; if (x > 40000) { x = 40000; } else if (x < -40000) { x = -40000; } s += x; } } Sink = s; }
    }

    public sealed class ClampUnsignedCompare : Variant
    {
        public ClampUnsignedCompare() : base("range test with one unsigned compare") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i++) { int x = a[i]; if ((uint)(x + 40000) > 80000u) { x = x < 0 ? -40000 : 40000; } s += x; } } Sink = s; }
    }

    public sealed class CountDown : Variant
    {
        public CountDown() : base("s += a[i], i counting down to 0") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { for (int i = N - 1; i >= 0; i--) { s += a[i]; } } Sink = s; }
    }

    public sealed class Unrolled : Variant
    {
        public Unrolled() : base("s += a[i] + a[i+1] + a[i+2] + a[i+3] (unrolled by 4)") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { int n = N; for (int i = 0; i < n; i += 4) { s += a[i] + a[i + 1] + a[i + 2] + a[i + 3]; } } Sink = s; }
    }

    public sealed class ForEachLoop : Variant
    {
        public ForEachLoop() : base("foreach (int x in a) s += x") { }
        public override void Run(int reps) { int[] a = this.a; int s = 0; for (int r = 0; r < reps; r++) { foreach (int x in a) { s += x; } } Sink = s; }
    }

    // 8 rows of 8: the weight-matrix shapes. Elements = 64 per repetition, innermost loop over a row.
    public sealed class FlatIndexMultiply : Variant
    {
        public FlatIndexMultiply() : base("8x8: w[j * 8 + i] (flat, index computed)") { }
        public override void Run(int reps) { int[] w = a; int s = 0; for (int r = 0; r < reps; r++) { for (int j = 0; j < 8; j++) { for (int i = 0; i < 8; i++) { s += w[j * 8 + i]; } } } Sink = s; }
    }

    public sealed class FlatRunningIndex : Variant
    {
        public FlatRunningIndex() : base("8x8: w[k] with k running (flat)") { }
        public override void Run(int reps) { int[] w = a; int s = 0; for (int r = 0; r < reps; r++) { int k = 0; for (int j = 0; j < 8; j++) { int end = k + 8; for (; k < end; k++) { s += w[k]; } } } Sink = s; }
    }

    public sealed class Jagged : Variant
    {
        private readonly int[][] rows = new int[8][];
        public Jagged() : base("8x8: w[j][i] (jagged)") { for (int j = 0; j < 8; j++) { rows[j] = new int[8]; } }
        public override void Run(int reps) { int[][] w = rows; int s = 0; for (int r = 0; r < reps; r++) { for (int j = 0; j < 8; j++) { for (int i = 0; i < 8; i++) { s += w[j][i]; } } } Sink = s; }
    }

    public sealed class JaggedRowHoisted : Variant
    {
        private readonly int[][] rows = new int[8][];
        public JaggedRowHoisted() : base("8x8: row = w[j]; row[i] (jagged, row hoisted)") { for (int j = 0; j < 8; j++) { rows[j] = new int[8]; } }
        public override void Run(int reps) { int[][] w = rows; int s = 0; for (int r = 0; r < reps; r++) { for (int j = 0; j < 8; j++) { int[] row = w[j]; for (int i = 0; i < 8; i++) { s += row[i]; } } } Sink = s; }
    }

    public sealed class MultiplyAccumulateEngineStyle : Variant
    {
        public MultiplyAccumulateEngineStyle() : base("MAC: sum += (long)w[k] * x[k - row] (long sum)") { }
        public override void Run(int reps) { int[] w = a, x = b; long s = 0; for (int r = 0; r < reps; r++) { int row = 0; int end = row + N; for (int k = row; k < end; k++) { s += (long)w[k] * x[k - row]; } } LongSink = s; }
    }

    public sealed class ArrayCopy : Variant
    {
        private readonly int[] target = new int[N];
        public ArrayCopy() : base("Array.Copy of 64 ints (per element)") { }
        public override void Run(int reps) { int[] a = this.a; int[] t = target; for (int r = 0; r < reps; r++) { Array.Copy(a, 0, t, 0, N); } }
    }

    public static class Program
    {
        public static void Main()
        {
            Variant[] variants =
            {
                new EmptyLoop(), new LocalAdd(), new ArrayRead(), new ArrayReadLength(), new ArrayReadField(), new ArrayWrite(),
                new ArrayReadModifyWrite(), new ByteRead(), new IntMultiply(), new LongMultiply(), new LongMultiplyShift(), new IntShift(),
                new LongAdd(), new LongConstant(), new LongLocalConstant(), new IntDivide(), new LongDivide(), new InstanceField(),
                new StaticField(), new StaticCall(), new StaticCallFourArguments(), new InstanceCall(), new VirtualCall(), new Branch(),
                new BranchFree(), new ClampTwoCompares(), new ClampUnsignedCompare(), new CountDown(), new Unrolled(), new ForEachLoop(),
                new FlatIndexMultiply(), new FlatRunningIndex(), new Jagged(), new JaggedRowHoisted(), new MultiplyAccumulateEngineStyle(),
                new ArrayCopy(),
            };
            for (int k = 0; k < variants.Length; k++)
            {
                Variant v = variants[k];
                while (true)
                {
                    long start = DateTime.UtcNow.Ticks;
                    v.Run(v.Reps);
                    long elapsed = DateTime.UtcNow.Ticks - start;
                    if (elapsed >= VariantSettings.BatchTicks / 2 || v.Reps >= 1 << 20)
                    {
                        if (elapsed > 0 && elapsed < VariantSettings.BatchTicks)
                        {
                            v.Reps = (int)(v.Reps * VariantSettings.BatchTicks / elapsed);
                        }

                        break;
                    }

                    v.Reps *= 2;
                }

                v.Samples = new long[VariantSettings.Repetitions];
            }

            for (int rep = 0; rep < VariantSettings.Repetitions; rep++)
            {
                for (int k = 0; k < variants.Length; k++)
                {
                    Variant v = variants[k];
                    long start = DateTime.UtcNow.Ticks;
                    v.Run(v.Reps);
                    long elapsed = DateTime.UtcNow.Ticks - start;
                    v.Samples[rep] = elapsed * 100000 / ((long)v.Reps * v.Elements); // picoseconds per element
                }
            }

            for (int k = 0; k < variants.Length; k++)
            {
                Variant v = variants[k];
                Sort(v.Samples);
                Console.WriteLine("variant|" + v.GetType().Name + "|" + v.Name + "|" + v.Samples[v.Samples.Length / 2] + "|" + v.Samples[0]);
            }

            Console.WriteLine("variants finished");
        }

        private static void Sort(long[] values)
        {
            for (int i = 1; i < values.Length; i++)
            {
                long v = values[i];
                int j = i - 1;
                while (j >= 0 && values[j] > v)
                {
                    values[j + 1] = values[j];
                    j--;
                }

                values[j + 1] = v;
            }
        }
    }
}
