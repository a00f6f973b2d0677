namespace Functions.LambdaKit.Logging;

/// <summary>Log levels, named as Powertools for .NET writes them.</summary>
public enum LogLevel
{
    /// <summary>Most detailed.</summary>
    Trace = 0,

    /// <summary>Diagnostics for developers.</summary>
    Debug = 1,

    /// <summary>Normal operation (default).</summary>
    Information = 2,

    /// <summary>Unexpected but handled.</summary>
    Warning = 3,

    /// <summary>A failure of the current operation.</summary>
    Error = 4,

    /// <summary>A failure of the whole function.</summary>
    Critical = 5,

    /// <summary>Nothing is written.</summary>
    None = 6,
}
