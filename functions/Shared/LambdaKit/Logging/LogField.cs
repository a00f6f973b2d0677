namespace Functions.LambdaKit.Logging;

/// <summary>
/// One structured key/value of a log line. Only scalars: a log line never carries a request
/// body, a header set or any other caller-controlled blob.
/// </summary>
public readonly record struct LogField
{
    private LogField(string key, string? text, long? number, bool? flag)
    {
        Key = key;
        Text = text;
        Number = number;
        Flag = flag;
    }

    /// <summary>The JSON key.</summary>
    public string Key { get; }

    internal string? Text { get; }

    internal long? Number { get; }

    internal bool? Flag { get; }

    /// <summary>A text value (null is written as JSON null).</summary>
    public static LogField Of(string key, string? value) => new(key, value, null, null);

    /// <summary>An integer value.</summary>
    public static LogField Of(string key, long value) => new(key, null, value, null);

    /// <summary>A boolean value.</summary>
    public static LogField Of(string key, bool value) => new(key, null, null, value);
}
