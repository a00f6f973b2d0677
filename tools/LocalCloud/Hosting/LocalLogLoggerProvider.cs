using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Hosting;

/// <summary>
/// Routes what ASP.NET Core and the host log (Kestrel's errors, a failed request, a hosted
/// service's fault) into the local cloud's one log stream as <c>host-log</c> lines, so nothing
/// they report is lost and the stream stays JSON lines. Warnings and above only: the rest is
/// start-up chatter the local cloud's own lines already cover.
/// </summary>
internal sealed class LocalLogLoggerProvider(LocalLog log) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, log);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, LocalLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write("host-log", ("level", logLevel.ToString()), ("category", category), ("message", formatter(state, exception)),
                    ("error_type", exception?.GetType().FullName), ("error", exception?.Message));
            }
        }
    }
}
