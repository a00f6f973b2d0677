namespace Functions.LambdaKit.Http;

/// <summary>
/// One HTTP API route's logic. It receives a request whose tenant is already established;
/// <see cref="HttpApiFunction"/> does the event plumbing, error mapping and request log.
/// </summary>
public interface IHttpApiHandler
{
    /// <summary>Handles the request. Throw <see cref="ProblemException"/> for a problem response.</summary>
    Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request);
}
