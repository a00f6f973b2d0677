using Functions.LocalCloud.Auth.Credentials;
using Functions.LocalCloud.Auth.Iam;
using Functions.LocalCloud.Auth.SigV4;

namespace Functions.LocalCloud.Auth;

/// <summary>The outcome for one request to an <c>AWS_IAM</c> route.</summary>
public sealed class RouteAuthorization
{
    private RouteAuthorization(IamCallerIdentity? identity, AuthError? error, string detail)
    {
        Identity = identity;
        Error = error;
        Detail = detail;
    }

    /// <summary>The request may reach the integration.</summary>
    public bool IsAllowed => Error is null;

    /// <summary>The caller, for <c>requestContext.authorizer.iam</c>; null when the signature did not verify.</summary>
    public IamCallerIdentity? Identity { get; }

    /// <summary>The answer to send when not allowed.</summary>
    public AuthError? Error { get; }

    /// <summary>Why, in more words than the caller is told (for the gateway's log).</summary>
    public string Detail { get; }

    internal static RouteAuthorization Allowed(IamCallerIdentity identity, string detail) => new(identity, null, detail);

    internal static RouteAuthorization Refused(IamCallerIdentity? identity, AuthError error, string detail) => new(identity, error, detail);
}

/// <summary>
/// What API Gateway does before an <c>AWS_IAM</c> route's integration runs: verify the SigV4
/// signature, then require the caller's identity policies to allow <c>execute-api:Invoke</c> on
/// the route's ARN (see <see cref="IamPolicyEvaluator"/> for what is and is not evaluated).
/// </summary>
public sealed class IamRouteAuthorizer
{
    private readonly SigV4Verifier _verifier;
    private readonly IIdentityPolicySource _policies;

    /// <summary>An authorizer over a verifier and a policy source.</summary>
    /// <param name="verifier">Verifies signatures (service <c>execute-api</c>, the API's region).</param>
    /// <param name="policies">Supplies the caller's identity policies.</param>
    public IamRouteAuthorizer(SigV4Verifier verifier, IIdentityPolicySource policies)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        ArgumentNullException.ThrowIfNull(policies);
        _verifier = verifier;
        _policies = policies;
    }

    /// <summary>Authenticates and authorizes <paramref name="request"/> for <paramref name="resourceArn"/>.</summary>
    /// <param name="request">The request as received.</param>
    /// <param name="resourceArn">The route's ARN (<see cref="ExecuteApiArn.For"/>).</param>
    /// <param name="cancellationToken">Cancels lookups.</param>
    public async ValueTask<RouteAuthorization> AuthorizeAsync(IncomingRequest request, string resourceArn, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceArn);
        var verified = await _verifier.VerifyAsync(request, cancellationToken).ConfigureAwait(false);
        if (!verified.IsValid)
        {
            return RouteAuthorization.Refused(null, verified.Error!, verified.Detail ?? verified.Error!.Message);
        }

        var caller = verified.Caller!;
        var policies = await _policies.GetPoliciesAsync(caller, cancellationToken).ConfigureAwait(false);
        var evaluation = IamPolicyEvaluator.Evaluate(policies, IamPolicyEvaluator.InvokeAction, resourceArn);
        return evaluation.IsAllowed
            ? RouteAuthorization.Allowed(caller.Identity, evaluation.Reason)
            : RouteAuthorization.Refused(caller.Identity,
                AuthErrors.NotAuthorized(caller.Identity.UserArn, resourceArn, evaluation.Decision == PolicyDecision.ExplicitDeny),
                evaluation.Reason);
    }
}
