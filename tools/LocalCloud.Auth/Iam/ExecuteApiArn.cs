namespace Functions.LocalCloud.Auth.Iam;

/// <summary>The ARN API Gateway authorizes <c>execute-api:Invoke</c> on.</summary>
public static class ExecuteApiArn
{
    /// <summary>
    /// <c>arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}</c>, the
    /// path without its leading slash (so <c>GET /</c> ends in <c>/GET/</c>).
    /// </summary>
    /// <param name="region">The API's region.</param>
    /// <param name="accountId">The API owner's account.</param>
    /// <param name="apiId">The API's id.</param>
    /// <param name="stage">The stage name (<c>$default</c> for an HTTP API's default stage).</param>
    /// <param name="method">The HTTP method (upper-cased here).</param>
    /// <param name="path">The request path.</param>
    /// <param name="partition">The partition.</param>
    public static string For(string region, string accountId, string apiId, string stage, string method, string path, string partition = "aws")
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        ArgumentException.ThrowIfNullOrEmpty(apiId);
        ArgumentException.ThrowIfNullOrEmpty(stage);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(path);
        return $"arn:{partition}:execute-api:{region}:{accountId}:{apiId}/{stage}/{method.ToUpperInvariant()}/{(path.StartsWith('/') ? path[1..] : path)}";
    }
}
