using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;
using Perfolizer.Mathematics.OutlierDetection;

namespace Functions.Benchmarks;

/// <summary>
/// The one job every benchmark here runs with (docs/performance.md explains the trade-off):
/// a fixed, short schedule so scripts/bench.sh finishes in under two minutes on a 2-core machine;
/// a settled process (see CreateEventBenchmarks) and 10 warmups; 30 iterations so P99 is not
/// just the largest of three, and no outliers dropped; allocations per operation.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithId("Bench")
            .WithLaunchCount(1)
            .WithWarmupCount(10)
            .WithIterationCount(30)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))

            // Keep slow iterations: P99 is there to show them.
            .WithOutlierMode(OutlierMode.DontRemove));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median, PercentileColumn.P99);
    }
}
