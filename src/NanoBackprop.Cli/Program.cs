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
            case "xor-sweep":
                XorSweep(Console.Out);
                return 0;
            case "help":
            case "--help":
            case "-h":
                Console.WriteLine("usage: nanobackprop [demo|seeds|xor-sweep|help]");
                Console.WriteLine("  demo, seeds  train XOR and the seeds' worked examples in fixed point and print them beside the double reference");
                Console.WriteLine("  xor-sweep    XOR success over 100 seeds for several learning rates, both rounding modes");
                return 0;
            default:
                Console.Error.WriteLine($"nanobackprop: unknown command '{command}' (try: nanobackprop help)");
                return 2;
        }
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
