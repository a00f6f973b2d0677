using Functions.LocalCloud.Aws;
using Functions.LocalCloud.Gateway;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Hosting;

/// <summary>
/// One Kestrel server, three ports: requests to the gateway port go to the HTTP API; to the AWS
/// port, to the IAM-enforcing AWS endpoint the functions call; on the runtime port, Lambda's Invoke
/// API (<c>/2015-03-31/functions/…</c>) and otherwise the Runtime API.
/// </summary>
internal sealed class PortDispatcher(int gatewayPort, GatewayEndpoint gateway, InvokeApiEndpoint invokeApi, RuntimeApiEndpoint runtimeApi, int awsPort, AwsEndpoint aws)
{
    public Task HandleAsync(HttpContext context)
    {
        if (context.Connection.LocalPort == gatewayPort)
        {
            return gateway.HandleAsync(context);
        }

        if (context.Connection.LocalPort == awsPort)
        {
            return aws.HandleAsync(context);
        }

        return context.Request.Path.StartsWithSegments("/2015-03-31/functions", StringComparison.Ordinal)
            ? invokeApi.HandleAsync(context)
            : runtimeApi.HandleAsync(context);
    }
}
