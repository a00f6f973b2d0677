namespace Functions.LocalCloud.Gateway;

/// <summary>The verdict on a request to an <c>AWS_IAM</c> route: the caller, or API Gateway's 403.</summary>
/// <param name="Caller">Set when the request is signed, the signature verifies and the caller may invoke the route.</param>
/// <param name="Error">Set otherwise: status, message and <c>x-amzn-ErrorType</c> as API Gateway answers.</param>
internal sealed record AuthorizationResult(IamCaller? Caller, GatewayError? Error)
{
    public static AuthorizationResult Allowed(IamCaller caller) => new(caller, null);

    public static AuthorizationResult Denied(GatewayError error) => new(null, error);
}

/// <summary>
/// SigV4 authentication and IAM authorization for <c>execute-api:Invoke</c>, as API Gateway
/// does it for <c>AWS_IAM</c> routes.
/// </summary>
internal interface IGatewayAuthorizer
{
    /// <summary>Checks the request's signature and the caller's permission to invoke <paramref name="routeArn"/>.</summary>
    Task<AuthorizationResult> AuthorizeAsync(GatewayRequest request, string routeArn, CancellationToken cancellationToken);
}
