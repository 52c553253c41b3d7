namespace NanoBackprop.Cli;

/// <summary>Entry point of the `nanobackprop` tool.</summary>
public static class Program
{
    /// <summary>Runs a command; `demo` when none is given.</summary>
    public static int Main(string[] args)
    {
        string command = args.Length == 0 ? "demo" : args[0];
        switch (command)
        {
            case "demo":
            case "seeds":
                SeedsDemo.Run(Console.Out);
                return 0;
            case "occupancy":
                Console.WriteLine("Occupancy replay (UCI Occupancy Detection, CC BY 4.0): 5-8-1 sigmoid, cross-entropy, the learner's defaults");
                OccupancyReport.Write(Console.Out, OccupancyReport.Run(OccupancyData.LoadEmbedded(), ParseOptions(args)));
                return 0;
            case "soak":
                long steps = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000_000;
                Soak.Write(Console.Out, Soak.Run(steps, steps / 10, 1));
                return 0;
            case "xor-sweep":
                XorSweep(Console.Out);
                return 0;
            case "ram-budget":
                RamBudget.Write(Console.Out);
                return 0;
            case "help":
            case "--help":
            case "-h":
                Console.WriteLine("usage: nanobackprop [demo|seeds|occupancy|soak|xor-sweep|ram-budget|help]");
                Console.WriteLine("  demo, seeds  train XOR and the seeds' worked examples in fixed point and print them beside the double reference");
                Console.WriteLine("  occupancy    replay the shipped Occupancy stream through the learner and its double twin, seeds 0-9");
                Console.WriteLine("  soak [steps] a long drifting stream through the learner (default 10,000,000 steps, 10 drifts)");
                Console.WriteLine("  xor-sweep    XOR success over 100 seeds for several learning rates, both rounding modes");
                Console.WriteLine("  ram-budget   nanoCLR heap per network and option set against the heap an ESP32 leaves (docs/BOARDS.md)");
                return 0;
            default:
                Console.Error.WriteLine($"nanobackprop: unknown command '{command}' (try: nanobackprop help)");
                return 2;
        }
    }

    // occupancy [schedule base floor decay balance window]: overrides for tuning runs.
    private static Func<LearnerOptions> ParseOptions(string[] args)
    {
        return () =>
        {
            var options = new LearnerOptions();
            if (args.Length >= 6)
            {
                options.Schedule = Enum.Parse<LearningRateSchedule>(args[1]);
                options.BaseLearningRate = Q16.FromDouble(double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
                options.LearningRateFloor = Q16.FromDouble(double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
                options.DecaySamples = int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture);
                options.ClassBalance = args[5] == "on";
            }

            if (args.Length >= 7)
            {
                options.ConfidenceMargin = Q16.FromDouble(double.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture));
            }

            return options;
        };
    }

    private static void XorSweep(TextWriter output)
    {
        output.WriteLine("hidden  lr     epochs  rounding    fixed ok  double ok  fixed median MSE  double median MSE");
        foreach (int hidden in new[] { 2, 3 })
        {
            foreach (double rate in new[] { 0.5, 1.0, 2.0 })
            {
                foreach (bool stochastic in new[] { false, true })
                {
                    var outcome = XorExperiment.Run(new XorExperiment.Settings(hidden, rate, 5000, stochastic), 100);
                    output.WriteLine($"2-{hidden}-1   {rate,-5}  5000    {(stochastic ? "stochastic" : "nearest"),-10}  {outcome.FixedSuccesses,8}  {outcome.ReferenceSuccesses,9}  {outcome.FixedMedianMse,16:E2}  {outcome.ReferenceMedianMse,17:E2}");
                }
            }
        }
    }
}
