using System;
using NanoBackprop;

namespace NanoBackprop.DeviceSpeed
{
    // Times Forward and Learn on nanoCLR (the nanoFramework interpreter) for three topologies,
    // with DateTime.UtcNow ticks (100 ns) over many calls. Prints one line per topology:
    //   speed <topology> forward <ns per call> learn <ns per call> sink <checksum>
    // Run by run-device-speed.sh, which alternates this library's build with another's.
    public static class Program
    {
        public static void Main()
        {
            Measure(new int[] { 5, 8, 1 }, 2000, 1000);
            Measure(new int[] { 16, 32, 16, 4 }, 200, 100);
            Measure(new int[] { 64, 64, 10 }, 40, 20);
            Console.WriteLine("speed done");
        }

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

            int sink = 0;
            long start = DateTime.UtcNow.Ticks;
            for (int n = 0; n < forwardCalls; n++)
            {
                sink += network.Forward(input)[0];
            }

            long forwardTicks = DateTime.UtcNow.Ticks - start;
            start = DateTime.UtcNow.Ticks;
            for (int n = 0; n < learnCalls; n++)
            {
                sink += network.Learn(input, target);
            }

            long learnTicks = DateTime.UtcNow.Ticks - start;
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
