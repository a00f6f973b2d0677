using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Metrics;

namespace Functions.LambdaKit.Runtime;

/// <summary>
/// The custom-runtime loop for <c>provided.al2023</c>: fetch an invocation, run the handler,
/// post its response or error, repeat. Exit codes: 0 after cancellation, 1 after an init
/// failure, 2 when the Runtime API fails in a way Lambda documents as unrecoverable.
/// </summary>
public static class LambdaRuntime
{
    private const string TraceEnvironmentVariable = "_X_AMZN_TRACE_ID";

    /// <summary>
    /// The entry point of a function project: builds <typeparamref name="TFunction"/>'s handler
    /// once through <see cref="ILambdaFunction.Create"/> (the init phase), then serves
    /// invocations until cancelled, as <see cref="RunAsync(Func{LambdaLogger, ILambdaHandler}, LambdaRuntimeOptions?, CancellationToken)"/>.
    /// </summary>
    public static Task<int> RunAsync<TFunction>(LambdaRuntimeOptions? options = null, CancellationToken cancellationToken = default)
        where TFunction : ILambdaFunction =>
        RunAsync(TFunction.Create, options, cancellationToken);

    /// <summary>
    /// Builds the handler once (the init phase), then serves invocations until cancelled. An
    /// exception from the factory (or from reading the logging configuration) is posted to
    /// <c>/init/error</c> and the process exits with 1.
    /// </summary>
    public static async Task<int> RunAsync(
        Func<LambdaLogger, ILambdaHandler> handlerFactory,
        LambdaRuntimeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handlerFactory);
        options ??= new LambdaRuntimeOptions();
        var time = options.TimeProvider;
        LambdaLogger logger;
        Exception? configurationError = null;
        try
        {
            logger = options.Logger ?? LambdaLogger.FromEnvironment(time);
        }
        catch (InvalidOperationException exception)
        {
            logger = new LambdaLogger(Console.OpenStandardOutput(), time, LogLevel.Information, "service_undefined");
            configurationError = exception;
        }

        var runtimeApi = options.RuntimeApi ?? Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            logger.Error("AWS_LAMBDA_RUNTIME_API is not set: this program runs only inside Lambda or the local cloud.");
            return 1;
        }

        var function = options.Function ?? FunctionInfo.FromEnvironment();
        var metricsNamespace = options.MetricsNamespace ?? InvocationReport.NamespaceFromEnvironment();
        using var client = new RuntimeApiClient(runtimeApi);

        ILambdaHandler handler;
        try
        {
            handler = configurationError is null ? handlerFactory(logger) : throw configurationError;
        }
        catch (Exception exception)
        {
            logger.Error("Initialization failed.", exception);
            try
            {
                await client.PostInitErrorAsync(RuntimeError.FromException(exception), cancellationToken);
            }
            catch (Exception postFailure) when (postFailure is HttpRequestException or RuntimeApiException or OperationCanceledException)
            {
                logger.Error("Could not report the initialization failure to the Runtime API.", postFailure);
            }

            return 1;
        }

        var coldStart = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var invocation = await client.NextAsync(cancellationToken);
                await InvokeOnceAsync(client, handler, invocation, function, options, logger, metricsNamespace, coldStart, cancellationToken);
                coldStart = false;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception exception) when (exception is RuntimeApiException or HttpRequestException)
        {
            // The Runtime API is gone or in a state Lambda documents as unrecoverable: exit so
            // Lambda replaces this execution environment.
            logger.Error("The Runtime API failed; exiting.", exception);
            return 2;
        }

        return 0;
    }

    private static async Task InvokeOnceAsync(
        RuntimeApiClient client,
        ILambdaHandler handler,
        Invocation invocation,
        FunctionInfo function,
        LambdaRuntimeOptions options,
        LambdaLogger logger,
        string metricsNamespace,
        bool coldStart,
        CancellationToken stopping)
    {
        var time = options.TimeProvider;
        Environment.SetEnvironmentVariable(TraceEnvironmentVariable, invocation.TraceId);
        var deadline = invocation.DeadlineMs is { } ms
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : time.GetUtcNow() + options.FallbackTimeout;
        // Lambda never grants more than its maximum timeout; clamping also keeps a garbled
        // deadline from overflowing the timer.
        var budget = deadline - time.GetUtcNow();
        if (budget > options.FallbackTimeout)
        {
            budget = options.FallbackTimeout;
        }

        var margin = TimeSpan.FromTicks(Math.Min(options.CancellationMargin.Ticks, Math.Max(budget.Ticks, 0) / 5));
        var untilCancel = budget - margin;

        using var timeout = new CancellationTokenSource(untilCancel > TimeSpan.Zero ? untilCancel : TimeSpan.Zero, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stopping);
        var context = new LambdaContext(
            invocation.RequestId, function, invocation.InvokedFunctionArn, invocation.TraceId, deadline, time, linked.Token);

        using var scope = logger.BeginInvocation(context, coldStart);
        var record = new InvocationRecord();
        using var recording = InvocationRecord.Begin(record);
        var started = time.GetTimestamp();
        ReadOnlyMemory<byte> result;
        try
        {
            result = await handler.InvokeAsync(invocation.Payload, context);
        }
        catch (Exception exception)
        {
            logger.Error("The invocation failed.", exception);
            InvocationReport.Write(logger, record, metricsNamespace, function.Name, time.GetElapsedTime(started), coldStart, failed: true, time.GetUtcNow());
            await client.PostErrorAsync(invocation.RequestId, RuntimeError.FromException(exception), stopping);
            return;
        }

        InvocationReport.Write(logger, record, metricsNamespace, function.Name, time.GetElapsedTime(started), coldStart, failed: false, time.GetUtcNow());

        if (await client.PostResponseAsync(invocation.RequestId, result, stopping) == ResponseOutcome.TooLarge)
        {
            // Lambda has already failed this invocation (Function.ResponseSizeTooLarge) and
            // ended it: a later /error for it is refused with 403, so only log it here.
            logger.Error($"The response of {result.Length} bytes exceeds the Lambda response payload limit; Lambda reports the invocation as failed.");
        }
    }
}
