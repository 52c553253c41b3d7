using System;

namespace NanoBackprop.Boards.Tests
{
    /// <summary>The scenario on nanoCLR: each line to the console (nanoCLR's standard output).</summary>
    public static class Program
    {
        /// <summary>Runs <see cref="BoardReplayScenario"/>.</summary>
        public static void Main()
        {
            BoardReplayScenario.Run(new ConsoleLines());
            Console.WriteLine("scenario finished");
        }

        private sealed class ConsoleLines : ILineWriter
        {
            public void WriteLine(string line)
            {
                Console.WriteLine(line);
            }
        }
    }
}
