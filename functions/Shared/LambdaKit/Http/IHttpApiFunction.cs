using System.Reflection;
using System.Runtime.ExceptionServices;
using Functions.LambdaKit.Logging;
using Functions.LambdaKit.Runtime;

namespace Functions.LambdaKit.Http;

/// <summary>
/// An HTTP API route's handler that the runtime can start by type: its parameterless constructor
/// (configuration from the environment, SDK clients) runs in the init phase, and
/// <see cref="HttpApiFunction"/> adapts it to the runtime loop. Declare
/// <c>public sealed class Function : IHttpApiFunction&lt;Function&gt;</c>; the function's entry
/// point (<c>LambdaRuntime.RunAsync&lt;Function&gt;()</c>, compiled in by
/// <c>functions/Directory.Build.props</c>) does the rest.
/// </summary>
/// <typeparam name="TSelf">The implementing handler type.</typeparam>
public interface IHttpApiFunction<TSelf> : IHttpApiHandler, ILambdaFunction
    where TSelf : class, IHttpApiFunction<TSelf>, new()
{
    /// <summary>Builds the handler with its parameterless constructor, wrapped in <see cref="HttpApiFunction"/>.</summary>
    /// <exception cref="Exception">What the constructor threw (for a missing variable, the message names it).</exception>
    static ILambdaHandler ILambdaFunction.Create(LambdaLogger logger)
    {
        TSelf handler;
        try
        {
            handler = new TSelf();
        }
        catch (TargetInvocationException wrapped) when (wrapped.InnerException is { } thrown)
        {
            // new TSelf() runs the constructor through Activator, which wraps what it throws;
            // Lambda's init error must name the constructor's own failure.
            ExceptionDispatchInfo.Throw(thrown);
            throw;
        }

        return new HttpApiFunction(handler, logger, TimeProvider.System);
    }
}
