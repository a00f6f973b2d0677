using Functions.LambdaKit.Logging;

namespace Functions.LambdaKit.Runtime;

/// <summary>Where the runtime loop reads its settings; every member has a production default.</summary>
public sealed class LambdaRuntimeOptions
{
    /// <summary>Host and port of the Runtime API (default: <c>AWS_LAMBDA_RUNTIME_API</c>).</summary>
    public string? RuntimeApi { get; init; }

    /// <summary>The function's description (default: Lambda's reserved environment variables).</summary>
    public FunctionInfo? Function { get; init; }

    /// <summary>The clock used for deadlines and log timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The logger (default: JSON lines on stdout, configured from the environment).</summary>
    public LambdaLogger? Logger { get; init; }

    /// <summary>
    /// The CloudWatch namespace of the EMF metrics (default: <c>POWERTOOLS_METRICS_NAMESPACE</c>,
    /// which Terraform sets per environment, else <c>Functions/local</c>).
    /// </summary>
    public string? MetricsNamespace { get; init; }

    /// <summary>
    /// How long before the deadline the invocation's cancellation token fires, so a handler
    /// can still answer. Capped at a fifth of the invocation's time budget.
    /// </summary>
    public TimeSpan CancellationMargin { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Used when an invocation carries no readable deadline: Lambda's maximum timeout.</summary>
    public TimeSpan FallbackTimeout { get; init; } = TimeSpan.FromMinutes(15);
}
