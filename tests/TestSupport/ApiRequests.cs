using Functions.LambdaKit.Http;
using static Functions.LambdaKit.Http.APIGatewayHttpApiV2ProxyRequest;

namespace Functions.TestSupport;

/// <summary>Builds HTTP API (payload 2.0) events as API Gateway sends them for IAM-authorized routes.</summary>
public static class ApiRequests
{
    public const string AliceArn = "arn:aws:iam::111111111111:user/alice";
    public const string BobArn = "arn:aws:iam::222222222222:user/bob";

    /// <summary>An event for <paramref name="routeKey"/> ("GET /objects") signed by <paramref name="callerArn"/> (null: no IAM context).</summary>
    public static APIGatewayHttpApiV2ProxyRequest Create(
        string routeKey,
        string? callerArn = AliceArn,
        string? rawQueryString = null,
        string? body = null,
        bool isBase64Encoded = false,
        Dictionary<string, string>? headers = null,
        Dictionary<string, string>? pathParameters = null,
        string requestId = "api-request-1")
    {
        var (method, path) = routeKey.Split(' ') is [var m, var p] ? (m, p) : ("GET", "/");
        return new APIGatewayHttpApiV2ProxyRequest
        {
            Version = "2.0",
            RouteKey = routeKey,
            RawPath = path,
            RawQueryString = rawQueryString ?? string.Empty,
            Headers = headers ?? new Dictionary<string, string>(),
            PathParameters = pathParameters,
            Body = body,
            IsBase64Encoded = isBase64Encoded,
            RequestContext = new ProxyRequestContext
            {
                AccountId = "123456789012",
                ApiId = "api",
                RequestId = requestId,
                RouteKey = routeKey,
                Stage = "$default",
                Http = new HttpDescription { Method = method, Path = path, Protocol = "HTTP/1.1", SourceIp = "127.0.0.1" },
                Authorizer = callerArn is null ? null : new AuthorizerDescription { IAM = Iam(callerArn) },
            },
        };
    }

    /// <summary>The IAM authorizer context API Gateway builds for a SigV4 caller.</summary>
    public static IAMDescription Iam(string callerArn) => new()
    {
        AccessKey = "AKIAEXAMPLE",
        AccountId = callerArn.Split(':')[4],
        CallerId = "AIDAEXAMPLE",
        UserARN = callerArn,
        UserId = "AIDAEXAMPLE",
    };
}
