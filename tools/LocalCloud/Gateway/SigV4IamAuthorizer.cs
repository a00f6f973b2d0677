using Functions.LocalCloud.Auth;
using Functions.LocalCloud.Auth.Moto;
using Functions.LocalCloud.Auth.SigV4;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Gateway;

/// <summary>
/// The gateway's <c>AWS_IAM</c> check: SigV4 for service <c>execute-api</c> and the caller's IAM
/// identity policies, both read from moto (tools/LocalCloud.Auth; docs/local-cloud.md says what
/// the evaluator does not support).
/// </summary>
internal sealed class SigV4IamAuthorizer(IamRouteAuthorizer inner, LocalLog log) : IGatewayAuthorizer
{
    public static async Task<SigV4IamAuthorizer> CreateAsync(MotoIamState state, string region, TimeProvider time, LocalLog log, CancellationToken cancellationToken)
    {
        var summary = await state.RefreshAsync(cancellationToken);
        log.Write("iam-loaded", ("users", summary.Users), ("roles", summary.Roles), ("access_keys", summary.AccessKeys), ("sessions", summary.Sessions),
            ("problems", string.Join("; ", summary.Problems)));
        var verifier = new SigV4Verifier(state, new SigV4VerifierOptions { Region = region, Service = "execute-api" }, time);
        return new SigV4IamAuthorizer(new IamRouteAuthorizer(verifier, state), log);
    }

    public async Task<AuthorizationResult> AuthorizeAsync(GatewayRequest request, string routeArn, CancellationToken cancellationToken)
    {
        var incoming = IncomingRequest.WithBody(request.Method, request.RawPath, request.RawQueryString, request.Headers, request.Body);
        var result = await inner.AuthorizeAsync(incoming, routeArn, cancellationToken);
        if (result.IsAllowed)
        {
            var identity = result.Identity!;
            return AuthorizationResult.Allowed(new IamCaller(identity.AccessKey, identity.AccountId, identity.CallerId, identity.UserArn, identity.UserId));
        }

        var error = result.Error!;
        log.Write("auth-refused", ("route_arn", routeArn), ("error_type", error.ErrorType), ("detail", result.Detail));
        return AuthorizationResult.Denied(new GatewayError(error.StatusCode, error.Message, error.ErrorType, error.MessageProperty));
    }
}
