using BenchmarkDotNet.Running;
using NanoBackprop.Benchmarks;

// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- ram    the RAM table
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- il     the inner loops' IL
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- il-count [dll] IL executed per whole call (instrumented copy)
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- hash   a fingerprint of training's bits (compare before and after a change)
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- ratios the same operations, interleaved (a cross-check)
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- stream Occupancy replay rows/s and model save/load time
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- nanoclr [topology ...]  µs per call on nanoCLR beside the hand-written baseline (all three topologies unless named)
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- nanoclr-variants  what nanoCLR charges for small code shapes
// dotnet run -c Release --project tests/NanoBackprop.Benchmarks -- --filter '*'   the benchmarks
if (args.Length == 1 && args[0] == "nanoclr-variants")
{
    Console.Write(NanoClrVariants.Run());
    return 0;
}

if (args.Length >= 1 && args[0] == "nanoclr")
{
    // Topologies named after the command (e.g. `nanoclr 5-8-1`) time only those, for a quicker run.
    string[] topologies = args.Length > 1 ? args.Skip(1).ToArray() : NanoClrBenchmark.Topologies;
    Console.Write(NanoClrBenchmark.Run(topologies, NanoClrBenchmark.Repetitions));
    return 0;
}

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

if (args.Length >= 1 && args.Length <= 2 && args[0] == "il-count")
{
    // An optional path counts another build of NanoBackprop.dll (e.g. an earlier commit's).
    Console.Write(ExecutedIlReport.Run(args.Length == 2 ? Path.GetFullPath(args[1]) : typeof(NanoBackprop.Network).Assembly.Location));
    return 0;
}

if (args.Length == 1 && args[0] == "hash")
{
    Console.WriteLine(BitIdentity.Run());
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
