namespace Functions.LambdaKit.Metrics;

/// <summary>
/// The units CloudWatch accepts in an Embedded Metric Format directive, spelled as the
/// specification spells them (Powertools' <c>MetricUnit</c> names the same set).
/// </summary>
public static class MetricUnit
{
    /// <summary>A count of things.</summary>
    public const string Count = "Count";

    /// <summary>Milliseconds.</summary>
    public const string Milliseconds = "Milliseconds";

    /// <summary>Bytes.</summary>
    public const string Bytes = "Bytes";

    /// <summary>Every unit the EMF specification allows (used by the validator and the tests).</summary>
    public static readonly IReadOnlySet<string> Allowed = new HashSet<string>(StringComparer.Ordinal)
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
        "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
        "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
        "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
        "Count/Second", "None",
    };
}
