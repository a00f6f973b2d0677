using Functions.LocalCloud.Gateway;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Hosting;

/// <summary>
/// One Kestrel server, two ports: requests to the gateway port go to the HTTP API; on the
/// runtime port, Lambda's Invoke API (<c>/2015-03-31/functions/…</c>) and otherwise the Runtime API.
/// </summary>
internal sealed class PortDispatcher(int gatewayPort, GatewayEndpoint gateway, InvokeApiEndpoint invokeApi, RuntimeApiEndpoint runtimeApi)
{
    public Task HandleAsync(HttpContext context)
    {
        if (context.Connection.LocalPort == gatewayPort)
        {
            return gateway.HandleAsync(context);
        }

        return context.Request.Path.StartsWithSegments("/2015-03-31/functions", StringComparison.Ordinal)
            ? invokeApi.HandleAsync(context)
            : runtimeApi.HandleAsync(context);
    }
}
