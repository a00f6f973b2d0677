namespace Functions.LambdaKit.Metrics;

/// <summary>
/// A metric the kit may emit: its name and unit. Only the values in <see cref="MetricNames"/>
/// exist, so no caller input can ever become a metric name (bounded cost, no injection).
/// </summary>
public sealed record MetricName
{
    internal MetricName(string name, string unit)
    {
        Name = name;
        Unit = unit;
    }

    /// <summary>The metric's name in CloudWatch.</summary>
    public string Name { get; }

    /// <summary>Its unit, one of <see cref="MetricUnit.Allowed"/>.</summary>
    public string Unit { get; }
}
