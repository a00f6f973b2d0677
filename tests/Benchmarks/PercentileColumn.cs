using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace Functions.Benchmarks;

/// <summary>
/// A percentile of the iteration measurements, formatted like BenchmarkDotNet's own time
/// columns. BenchmarkDotNet 0.14.0 predefines P0…P95 and P100 but no P99.
/// </summary>
public sealed class PercentileColumn : IColumn
{
    private readonly int _percentile;

    /// <summary>A column for the <paramref name="percentile"/>th percentile (0–100).</summary>
    public PercentileColumn(int percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        _percentile = percentile;
    }

    /// <summary>The 99th percentile.</summary>
    public static IColumn P99 { get; } = new PercentileColumn(99);

    public string Id => $"{nameof(PercentileColumn)}.P{_percentile}";

    public string ColumnName => $"P{_percentile}";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => $"Percentile {_percentile} of the iteration measurements (each the mean time per operation over one iteration)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
        {
            return "NA";
        }

        var nanoseconds = statistics.Percentiles.Percentile(_percentile);
        var unit = style.TimeUnit ?? TimeUnit.GetBestTimeUnit(nanoseconds);

        // As many decimals as BenchmarkDotNet gives its time columns for the smallest value shown.
        var smallest = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => r.ResultStatistics!.Percentiles.Percentile(_percentile) / unit.BaseUnits)
            .DefaultIfEmpty(0)
            .Min();
        var text = (nanoseconds / unit.BaseUnits).ToString($"N{DecimalDigits(smallest)}", style.CultureInfo);
        return style.PrintUnitsInContent ? $"{text} {unit.Abbreviation}" : text;
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;

    private static int DecimalDigits(double value) =>
        double.IsNaN(value) || double.IsInfinity(value) ? 1
        : value < 1 - 1e-9 ? 4
        : Math.Clamp((int)Math.Truncate(-Math.Log10(value)) + 3, 1, 4);
}
