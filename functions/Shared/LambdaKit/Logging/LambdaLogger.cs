using System.Text.Json;
using Functions.LambdaKit.Runtime;

namespace Functions.LambdaKit.Logging;

/// <summary>
/// Structured JSON logs, one object per line, with the keys Powertools for .NET writes
/// (<c>timestamp</c>, <c>level</c>, <c>service</c>, <c>message</c>, <c>cold_start</c>,
/// <c>function_name</c>, <c>function_request_id</c>, <c>xray_trace_id</c>), so the same
/// CloudWatch Logs Insights queries work. Thread-safe; each line is written whole.
/// </summary>
public sealed class LambdaLogger
{
    /// <summary>The environment variable that sets the minimum level (Powertools' name).</summary>
    public const string LevelVariable = "POWERTOOLS_LOG_LEVEL";

    /// <summary>The environment variable that names the service (Powertools' name).</summary>
    public const string ServiceVariable = "POWERTOOLS_SERVICE_NAME";

    /// <summary>The environment variable holding the deployed release (set by terraform/app).</summary>
    public const string ReleaseVariable = "RELEASE_VERSION";

    private static readonly AsyncLocal<InvocationScope?> Current = new();
    private readonly Stream _output;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <summary>Creates a logger writing to <paramref name="output"/>.</summary>
    public LambdaLogger(Stream output, TimeProvider time, LogLevel minimumLevel, string service)
    {
        _output = output;
        _time = time;
        MinimumLevel = minimumLevel;
        Service = service;
    }

    /// <summary>Lines below this level are dropped.</summary>
    public LogLevel MinimumLevel { get; }

    /// <summary>The <c>service</c> key of every line.</summary>
    public string Service { get; }

    /// <summary>The <c>release</c> key of every line (the deployed release); no key when null.</summary>
    public string? Release { get; init; }

    /// <summary>
    /// A logger on stdout configured by <c>POWERTOOLS_LOG_LEVEL</c> (else Lambda's
    /// <c>AWS_LAMBDA_LOG_LEVEL</c>, else Information) and <c>POWERTOOLS_SERVICE_NAME</c> (else the function name).
    /// </summary>
    /// <exception cref="InvalidOperationException">The level variable holds an unknown level.</exception>
    public static LambdaLogger FromEnvironment(TimeProvider time, Func<string, string?>? read = null, Stream? output = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var level = LogLevel.Information;
        foreach (var variable in new[] { LevelVariable, "AWS_LAMBDA_LOG_LEVEL" })
        {
            var value = read(variable);
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            level = ParseLevel(value)
                ?? throw new InvalidOperationException(
                    $"{variable}='{value}' is not a log level; use Trace, Debug, Information, Warning, Error, Critical or None.");
            break;
        }

        var service = read(ServiceVariable);
        if (string.IsNullOrWhiteSpace(service))
        {
            service = read("AWS_LAMBDA_FUNCTION_NAME");
        }

        var release = read(ReleaseVariable);
        return new LambdaLogger(output ?? Console.OpenStandardOutput(), time, level, string.IsNullOrWhiteSpace(service) ? "service_undefined" : service)
        {
            Release = string.IsNullOrWhiteSpace(release) ? null : release,
        };
    }

    /// <summary>Parses a level name as Powertools or Lambda spell it; null when unknown.</summary>
    public static LogLevel? ParseLevel(string value) => value.Trim().ToUpperInvariant() switch
    {
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "INFO" or "INFORMATION" => LogLevel.Information,
        "WARN" or "WARNING" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" or "CRITICAL" => LogLevel.Critical,
        "NONE" => LogLevel.None,
        _ => null,
    };

    /// <summary>
    /// Tags every line written in this async flow with the invocation's keys until disposed.
    /// </summary>
    public IDisposable BeginInvocation(ILambdaContext context, bool coldStart)
    {
        var previous = Current.Value;
        Current.Value = new InvocationScope(context, coldStart);
        return new Restore(previous);
    }

    /// <summary>True when a line at <paramref name="level"/> would be written.</summary>
    public bool IsEnabled(LogLevel level) => level != LogLevel.None && level >= MinimumLevel;

    /// <summary>Writes a Debug line.</summary>
    public void Debug(string message, params ReadOnlySpan<LogField> fields) => Write(LogLevel.Debug, message, null, fields);

    /// <summary>Writes an Information line.</summary>
    public void Info(string message, params ReadOnlySpan<LogField> fields) => Write(LogLevel.Information, message, null, fields);

    /// <summary>Writes a Warning line.</summary>
    public void Warn(string message, params ReadOnlySpan<LogField> fields) => Write(LogLevel.Warning, message, null, fields);

    /// <summary>Writes an Error line.</summary>
    public void Error(string message, params ReadOnlySpan<LogField> fields) => Write(LogLevel.Error, message, null, fields);

    /// <summary>Writes an Error line with the exception's type, message and stack trace.</summary>
    public void Error(string message, Exception exception, params ReadOnlySpan<LogField> fields) =>
        Write(LogLevel.Error, message, exception, fields);

    /// <summary>Writes one line at <paramref name="level"/>.</summary>
    public void Write(LogLevel level, string message, Exception? exception, ReadOnlySpan<LogField> fields)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", level.ToString());
            json.WriteString("service", Service);
            if (Release is not null)
            {
                json.WriteString("release", Release);
            }

            json.WriteString("message", message);
            if (Current.Value is { } scope)
            {
                json.WriteBoolean("cold_start", scope.ColdStart);
                json.WriteString("function_name", scope.Context.FunctionName);
                json.WriteString("function_version", scope.Context.FunctionVersion);
                json.WriteNumber("function_memory_size", scope.Context.MemoryLimitInMB);
                json.WriteString("function_arn", scope.Context.InvokedFunctionArn);
                json.WriteString("function_request_id", scope.Context.AwsRequestId);
                if (scope.Context.TraceId is { } trace)
                {
                    json.WriteString("xray_trace_id", XrayTraceId(trace));
                }
            }

            foreach (var field in fields)
            {
                WriteField(json, field);
            }

            if (exception is not null)
            {
                json.WriteStartObject("exception");
                json.WriteString("type", exception.GetType().FullName);
                json.WriteString("message", exception.Message);
                json.WriteString("stack_trace", exception.ToString());
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            _output.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _output.Flush();
        }
    }

    private static void WriteField(Utf8JsonWriter json, LogField field)
    {
        if (field.Number is { } number)
        {
            json.WriteNumber(field.Key, number);
        }
        else if (field.Flag is { } flag)
        {
            json.WriteBoolean(field.Key, flag);
        }
        else if (field.Text is { } text)
        {
            json.WriteString(field.Key, text);
        }
        else
        {
            json.WriteNull(field.Key);
        }
    }

    // The Runtime API's header is "Root=1-...;Parent=...;Sampled=1"; Powertools logs only the root.
    private static string XrayTraceId(string header)
    {
        foreach (var part in header.Split(';'))
        {
            if (part.StartsWith("Root=", StringComparison.Ordinal))
            {
                return part["Root=".Length..];
            }
        }

        return header;
    }

    private sealed record InvocationScope(ILambdaContext Context, bool ColdStart);

    private sealed class Restore(InvocationScope? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
