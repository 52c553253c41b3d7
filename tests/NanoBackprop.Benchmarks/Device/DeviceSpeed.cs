using System;
using NanoBackprop;

namespace NanoBackprop.DeviceSpeed
{
    // Times Forward and Learn on nanoCLR (the nanoFramework interpreter) for three topologies,
    // with DateTime.UtcNow ticks (100 ns) over blocks of calls (the fastest of 7 blocks). Prints
    // one line per topology:
    //   speed <topology> forward <ns per call> learn <ns per call> sink <checksum>
    // Run by run-device-speed.sh, which alternates this library's build with another's.
    public static class Program
    {
        private const int Repetitions = 7;

        public static void Main()
        {
#if CPU_TIME
            // One operation on one topology, timed from outside as the nanoCLR process's CPU time
            // (run-device-speed.sh compiles one program per symbol pair below); robust against
            // other processes on a shared machine, unlike the wall clock.
            RunOnly();
#else
            Measure(new int[] { 5, 8, 1 }, 1000, 400);
            Measure(new int[] { 16, 32, 16, 4 }, 100, 40);
            Measure(new int[] { 64, 64, 10 }, 24, 10);
            Console.WriteLine("speed done");
#endif
        }

#if CPU_TIME
        private static void RunOnly()
        {
#if T581
            int[] sizes = new int[] { 5, 8, 1 };
            int calls = 40000;
#elif T1632
            int[] sizes = new int[] { 16, 32, 16, 4 };
            int calls = 3000;
#else
            int[] sizes = new int[] { 64, 64, 10 };
            int calls = 1000;
#endif
#if LEARN
            calls /= 4;
#elif !FORWARD
            calls = 0; // startup, construction and warm-up only: the fixed cost to subtract
#endif
            var network = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, 1);
            int[] input = new int[sizes[0]];
            int[] target = new int[sizes[sizes.Length - 1]];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (i * 40503 % 131072) - 65536;
            }

            for (int j = 0; j < target.Length; j++)
            {
                target[j] = (j & 1) == 0 ? 65536 : 0;
            }

            network.Forward(input);
            network.Learn(input, target);
            int sink = 0;
            for (int n = 0; n < calls; n++)
            {
#if LEARN
                sink += network.Learn(input, target);
#else
                sink += network.Forward(input)[0];
#endif
            }

            Console.WriteLine("cpu calls " + calls + " sink " + sink);
        }
#endif

        private static void Measure(int[] sizes, int forwardCalls, int learnCalls)
        {
            var network = new Network(sizes, Activation.Sigmoid, Activation.Sigmoid, 1);
            int[] input = new int[sizes[0]];
            int[] target = new int[sizes[sizes.Length - 1]];
            for (int i = 0; i < input.Length; i++)
            {
                input[i] = (i * 40503 % 131072) - 65536;
            }

            for (int j = 0; j < target.Length; j++)
            {
                target[j] = (j & 1) == 0 ? 65536 : 0;
            }

            // Warm-up: one of each, so that nothing is first-call work.
            network.Forward(input);
            network.Learn(input, target);

            // The machine may be shared: each figure is the fastest of Repetitions blocks of calls,
            // the block least disturbed by other processes.
            int sink = 0;
            long forwardTicks = long.MaxValue;
            long learnTicks = long.MaxValue;
            for (int repetition = 0; repetition < Repetitions; repetition++)
            {
                long start = DateTime.UtcNow.Ticks;
                for (int n = 0; n < forwardCalls; n++)
                {
                    sink += network.Forward(input)[0];
                }

                long ticks = DateTime.UtcNow.Ticks - start;
                forwardTicks = ticks < forwardTicks ? ticks : forwardTicks;
                start = DateTime.UtcNow.Ticks;
                for (int n = 0; n < learnCalls; n++)
                {
                    sink += network.Learn(input, target);
                }

                ticks = DateTime.UtcNow.Ticks - start;
                learnTicks = ticks < learnTicks ? ticks : learnTicks;
            }
            string name = sizes[0].ToString();
            for (int l = 1; l < sizes.Length; l++)
            {
                name += "-" + sizes[l];
            }

            // ns per call = ticks · 100 / calls. The checksum keeps the calls from being dropped and
            // shows that both builds computed the same.
            Console.WriteLine("speed " + name + " forward " + (forwardTicks * 100 / forwardCalls) + " learn " + (learnTicks * 100 / learnCalls) + " sink " + sink);
        }
    }
}
