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

    /// <summary>Lambda's advanced logging controls level; it wins over <see cref="LevelVariable"/>, as in Powertools.</summary>
    public const string PlatformLevelVariable = "AWS_LAMBDA_LOG_LEVEL";

    /// <summary>The share of invocations (0–1) that log at Debug (Powertools' name and semantics).</summary>
    public const string SampleRateVariable = "POWERTOOLS_LOGGER_SAMPLE_RATE";

    /// <summary>The environment variable holding the deployed release (set by terraform/app).</summary>
    public const string ReleaseVariable = "RELEASE_VERSION";

    private static readonly AsyncLocal<InvocationScope?> Current = new();
    private readonly Stream _output;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Func<double> _random;

    /// <summary>Creates a logger writing to <paramref name="output"/>.</summary>
    /// <param name="output">Where lines go.</param>
    /// <param name="time">The clock of the timestamps.</param>
    /// <param name="minimumLevel">Lines below it are dropped, except in a sampled invocation.</param>
    /// <param name="service">The <c>service</c> key.</param>
    /// <param name="sampleRate">Share of invocations (0–1) logged at Debug.</param>
    /// <param name="platformLevel">Lambda's own minimum (<c>AWS_LAMBDA_LOG_LEVEL</c>): sampling never goes below it, since Lambda would drop those lines.</param>
    /// <param name="random">A uniform draw in [0, 1) (tests pass a fixed one).</param>
    public LambdaLogger(
        Stream output,
        TimeProvider time,
        LogLevel minimumLevel,
        string service,
        double sampleRate = 0,
        LogLevel? platformLevel = null,
        Func<double>? random = null)
    {
        if (!(sampleRate >= 0 && sampleRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate is a number from 0 to 1.");
        }

        _output = output;
        _time = time;
        MinimumLevel = minimumLevel;
        Service = service;
        SampleRate = sampleRate;
        PlatformLevel = platformLevel;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Share of invocations (0–1) whose Debug lines are written.</summary>
    public double SampleRate { get; }

    /// <summary>Lambda's minimum level, when its advanced logging controls set one.</summary>
    public LogLevel? PlatformLevel { get; }

    /// <summary>Lines below this level are dropped.</summary>
    public LogLevel MinimumLevel { get; }

    /// <summary>The <c>service</c> key of every line.</summary>
    public string Service { get; }

    /// <summary>The <c>release</c> key of every line (the deployed release); no key when null.</summary>
    public string? Release { get; init; }

    /// <summary>
    /// A logger on stdout configured as Powertools reads its environment: the level from
    /// <c>AWS_LAMBDA_LOG_LEVEL</c> (Lambda's advanced logging controls win), else
    /// <c>POWERTOOLS_LOG_LEVEL</c>, else Information; <c>POWERTOOLS_LOGGER_SAMPLE_RATE</c>; the
    /// service from <c>POWERTOOLS_SERVICE_NAME</c> (else the function name). When
    /// <c>POWERTOOLS_LOG_LEVEL</c> asks for less than Lambda keeps, a warning says so.
    /// </summary>
    /// <exception cref="InvalidOperationException">A variable holds an unknown level or a rate outside 0–1.</exception>
    public static LambdaLogger FromEnvironment(TimeProvider time, Func<string, string?>? read = null, Stream? output = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        var platform = LevelFrom(read, PlatformLevelVariable);
        var own = LevelFrom(read, LevelVariable);
        var rateText = read(SampleRateVariable);
        var rate = 0d;
        if (!string.IsNullOrWhiteSpace(rateText)
            && (!double.TryParse(rateText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out rate)
                || !(rate >= 0 && rate <= 1)))
        {
            throw new InvalidOperationException($"{SampleRateVariable}='{rateText}' is not a number from 0 to 1.");
        }

        var service = read(ServiceVariable);
        if (string.IsNullOrWhiteSpace(service))
        {
            service = read("AWS_LAMBDA_FUNCTION_NAME");
        }

        var release = read(ReleaseVariable);
        var logger = new LambdaLogger(
            output ?? Console.OpenStandardOutput(), time, platform ?? own ?? LogLevel.Information,
            string.IsNullOrWhiteSpace(service) ? "service_undefined" : service, rate, platform)
        {
            Release = string.IsNullOrWhiteSpace(release) ? null : release,
        };
        if (platform is { } p && own is { } o && o < p)
        {
            logger.Warn($"{LevelVariable} is {o} but Lambda's {PlatformLevelVariable} is {p}: lines below {p} are discarded by Lambda.");
        }

        return logger;
    }

    private static LogLevel? LevelFrom(Func<string, string?> read, string variable)
    {
        var value = read(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return ParseLevel(value)
            ?? throw new InvalidOperationException(
                $"{variable}='{value}' is not a log level; use Trace, Debug, Information, Warning, Error, Critical or None.");
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
    /// <remarks>
    /// As Powertools does, each invocation draws once against <see cref="SampleRate"/>; a
    /// sampled invocation writes its Debug lines too (never below <see cref="PlatformLevel"/>).
    /// </remarks>
    public IDisposable BeginInvocation(ILambdaContext context, bool coldStart)
    {
        var previous = Current.Value;
        var sampled = SampleRate > 0 && _random() < SampleRate;
        Current.Value = new InvocationScope(context, coldStart, sampled);
        if (sampled)
        {
            Debug("Debug logging is on for this invocation (sampled).");
        }

        return new Restore(previous);
    }

    /// <summary>True when a line at <paramref name="level"/> would be written.</summary>
    public bool IsEnabled(LogLevel level)
    {
        if (level == LogLevel.None)
        {
            return false;
        }

        var minimum = MinimumLevel;
        if (Current.Value is { Sampled: true })
        {
            var floor = PlatformLevel is { } platform && platform > LogLevel.Debug ? platform : LogLevel.Debug;
            minimum = minimum < floor ? minimum : floor;
        }

        return level >= minimum;
    }

    /// <summary>
    /// Writes a line that is already JSON (an EMF document) to the same output, whole, with
    /// its newline. Written whatever the level: metrics are not log lines.
    /// </summary>
    public void WriteRaw(ReadOnlySpan<byte> line)
    {
        lock (_gate)
        {
            _output.Write(line);
            _output.WriteByte((byte)'\n');
            _output.Flush();
        }
    }

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

            if (SampleRate > 0)
            {
                json.WriteNumber("sampling_rate", SampleRate);
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

    private sealed record InvocationScope(ILambdaContext Context, bool ColdStart, bool Sampled);

    private sealed class Restore(InvocationScope? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
