using Functions.LambdaKit.Logging;

namespace Functions.LambdaKit.Runtime;

/// <summary>
/// A function the runtime can start by type: <see cref="LambdaRuntime.RunAsync{TFunction}"/>
/// calls <see cref="Create"/> once, in Lambda's init phase. HTTP API functions get it from
/// <see cref="Http.IHttpApiFunction{TSelf}"/>; other functions implement it themselves.
/// </summary>
public interface ILambdaFunction
{
    /// <summary>
    /// Builds the handler: reads the configuration from the environment (failing fast, naming
    /// what is missing) and builds the SDK clients. An exception becomes Lambda's init error.
    /// </summary>
    static abstract ILambdaHandler Create(LambdaLogger logger);
}
