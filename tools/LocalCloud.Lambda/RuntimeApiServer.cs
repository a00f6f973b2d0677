using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.LocalCloud.Lambda;

/// <summary>
/// A <see cref="RuntimeApiEndpoint"/> on its own Kestrel server on 127.0.0.1 and a free port,
/// serving nothing else: for tests that run the kit's runtime loop in-process or a packaged
/// <c>bootstrap</c> as a process. Each environment it creates is reached at
/// <c>AWS_LAMBDA_RUNTIME_API</c> = <c>127.0.0.1:{port}/{id}</c>, exactly as in the local cloud.
/// </summary>
public sealed class RuntimeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly LocalLog _log;

    private RuntimeApiServer(WebApplication app, RuntimeApiEndpoint endpoint, int port, TimeProvider time, LocalLog log)
    {
        _app = app;
        Endpoint = endpoint;
        Port = port;
        _time = time;
        _log = log;
    }

    /// <summary>The served endpoint.</summary>
    public RuntimeApiEndpoint Endpoint { get; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:{port}</c>.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>Starts a server.</summary>
    /// <param name="time">The clock of its environments (default: the system's).</param>
    /// <param name="log">Where its environments' and processes' lines go (default: nowhere).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<RuntimeApiServer> StartAsync(TimeProvider? time = null, LocalLog? log = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);

            // A runtime may post more than the limit; the endpoint must read it to answer 413.
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
            kestrel.AddServerHeader = false;
        });
        var app = builder.Build();
        var endpoint = new RuntimeApiEndpoint();
        app.Run(endpoint.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RuntimeApiServer(app, endpoint, new Uri(address).Port, time ?? TimeProvider.System, log ?? LocalLog.Null);
    }

    /// <summary>A new environment served by this server (no process: serve it to a runtime with <see cref="AddressOf"/>).</summary>
    public ExecutionEnvironment CreateEnvironment(string functionName = "test")
    {
        var environment = new ExecutionEnvironment(functionName, _time, _log);
        Endpoint.Add(environment);
        return environment;
    }

    /// <summary>The <c>AWS_LAMBDA_RUNTIME_API</c> value of <paramref name="environment"/>: <c>127.0.0.1:{port}/{id}</c>.</summary>
    public string AddressOf(ExecutionEnvironment environment) => $"{Host}/{environment.Id}";

    /// <summary>Starts <paramref name="function"/>'s process behind a new environment of this server.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The command could not be started.</exception>
    public FunctionInstance StartInstance(FunctionDefinition function, IReadOnlyDictionary<string, string> baseEnvironment)
    {
        var instance = new FunctionInstance(function, Endpoint, Host, _time, _log);
        try
        {
            instance.Start(baseEnvironment);
        }
        catch
        {
            instance.Dispose();
            throw;
        }

        return instance;
    }

    /// <summary>A <see cref="FunctionHost"/> whose instances this server serves.</summary>
    /// <param name="function">What the host runs.</param>
    /// <param name="baseEnvironment">What every process gets besides the function's own variables.</param>
    /// <param name="invokedFunctionArn">The ARN the runtime is told it was invoked as (default: the deployed name's ARN in us-east-1, account 123456789012).</param>
    /// <param name="credentials">The execution role's credentials for each new instance, or null.</param>
    public FunctionHost CreateHost(
        FunctionDefinition function, IReadOnlyDictionary<string, string> baseEnvironment, string? invokedFunctionArn = null, IExecutionRoleCredentials? credentials = null) =>
        new(function, Endpoint, Host, baseEnvironment, invokedFunctionArn ?? $"arn:aws:lambda:us-east-1:123456789012:function:{function.DeployedName}:live", _time, _log, credentials);

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
