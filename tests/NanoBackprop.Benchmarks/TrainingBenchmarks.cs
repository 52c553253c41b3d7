using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// ns per operation and bytes allocated per operation, fixed point (<see cref="Network"/>) against
    /// the plain double MLP (<see cref="PlainDoubleMlp"/>, the baseline of each category, so that
    /// BenchmarkDotNet's Ratio column is fixed/double). Each benchmark is one call of a
    /// <see cref="TrainingWorkload"/> operation.
    /// </summary>
    [MemoryDiagnoser]
    [MedianColumn]
    [MinColumn]
    [CategoriesColumn]
    [GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
    public class TrainingBenchmarks
    {
        private TrainingWorkload workload = null!;

        /// <summary>The network's layer sizes.</summary>
        [ParamsSource(nameof(Topologies))]
        public string Topology { get; set; } = "5-8-1";

        /// <summary>The benchmarked topologies.</summary>
        public static IEnumerable<string> Topologies => TrainingWorkload.Topologies;

        /// <summary>Builds the networks (outside the measurement).</summary>
        [GlobalSetup]
        public void Setup() => workload = new TrainingWorkload(Topology);

        /// <summary>Double: Forward.</summary>
        [Benchmark(Baseline = true), BenchmarkCategory("Forward")]
        public double DoubleForward() => workload.DoubleForward();

        /// <summary>Fixed: Forward.</summary>
        [Benchmark, BenchmarkCategory("Forward")]
        public int FixedForward() => workload.FixedForward();

        /// <summary>Double: Backward alone on a fixed forward state.</summary>
        [Benchmark(Baseline = true), BenchmarkCategory("Backward")]
        public void DoubleBackward() => workload.DoubleBackward();

        /// <summary>Fixed: Backward alone on a fixed forward state.</summary>
        [Benchmark, BenchmarkCategory("Backward")]
        public void FixedBackward() => workload.FixedBackward();

        /// <summary>Double: Forward + Backward.</summary>
        [Benchmark(Baseline = true), BenchmarkCategory("ForwardBackward")]
        public double DoubleForwardBackward() => workload.DoubleForwardBackward();

        /// <summary>Fixed: Forward + Backward.</summary>
        [Benchmark, BenchmarkCategory("ForwardBackward")]
        public int FixedForwardBackward() => workload.FixedForwardBackward();

        /// <summary>Double: Learn, plain SGD.</summary>
        [Benchmark(Baseline = true), BenchmarkCategory("Learn")]
        public double DoubleLearn() => workload.DoubleLearn();

        /// <summary>Fixed: Learn, plain SGD.</summary>
        [Benchmark, BenchmarkCategory("Learn")]
        public int FixedLearn() => workload.FixedLearn();

        /// <summary>Fixed: Learn, plain SGD with stochastic rounding (ratio against double plain SGD).</summary>
        [Benchmark, BenchmarkCategory("Learn")]
        public int FixedLearnStochastic() => workload.FixedLearnStochastic();

        /// <summary>Double: Learn with momentum 0.9.</summary>
        [Benchmark(Baseline = true), BenchmarkCategory("LearnMomentum")]
        public double DoubleLearnMomentum() => workload.DoubleLearnMomentum();

        /// <summary>Fixed: Learn with momentum 0.9.</summary>
        [Benchmark, BenchmarkCategory("LearnMomentum")]
        public int FixedLearnMomentum() => workload.FixedLearnMomentum();
    }
}
