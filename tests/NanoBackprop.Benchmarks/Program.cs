using BenchmarkDotNet.Running;
using NanoBackprop.Benchmarks;

// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- ram    the RAM table
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- il     the inner loops' IL
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- il-count IL executed per whole call (instrumented copy)
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- ratios the same operations, interleaved (a cross-check)
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- stream Occupancy replay rows/s and model save/load time
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- --filter '*'   the benchmarks
if (args.Length == 1 && args[0] == "ram")
{
    Console.Write(Reports.RamTable());
    return 0;
}

if (args.Length == 1 && args[0] == "il")
{
    Console.Write(Reports.IlReport(typeof(NanoBackprop.Network).Assembly.Location));
    return 0;
}

if (args.Length == 1 && args[0] == "il-count")
{
    Console.Write(ExecutedIlReport.Run(typeof(NanoBackprop.Network).Assembly.Location));
    return 0;
}

if (args.Length == 1 && args[0] == "stream")
{
    Console.Write(StreamReport.Run());
    return 0;
}

if (args.Length == 1 && args[0] == "ratios")
{
    Console.Write(Interleaved.Run());
    return 0;
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(TrainingBenchmarks).Assembly).Run(args);
Console.Write(DerivedTable.Render(summaries));
return 0;
