namespace Functions.LocalCloud.Auth.Iam;

/// <summary>The kinds of policy that decide a principal's own request, in AWS's words for deny messages.</summary>
public enum PolicyKind
{
    /// <summary>The principal's identity policies ("identity-based").</summary>
    Identity,

    /// <summary>The role's or user's permissions boundary ("permissions boundary").</summary>
    PermissionsBoundary,

    /// <summary>The policy passed when the session was made ("session").</summary>
    Session,
}

/// <summary>The policies that apply to one principal's request.</summary>
/// <param name="Identity">Identity policies (inline and managed, the user's groups' too).</param>
/// <param name="Boundary">The permissions boundary, or null when there is none.</param>
/// <param name="Session">The session policy, or null when the session was made without one.</param>
public sealed record PrincipalPolicies(IReadOnlyList<IdentityPolicy> Identity, IdentityPolicy? Boundary, IdentityPolicy? Session);

/// <summary>A decision, and which kind of policy made it a deny.</summary>
/// <param name="Decision">Allowed, or the deny.</param>
/// <param name="DeniedBy">The kind of policy that denied (null when allowed).</param>
/// <param name="Reason">For logs: which statements decided.</param>
public sealed record AccessDecision(PolicyDecision Decision, PolicyKind? DeniedBy, string Reason)
{
    /// <summary>When allowed: every identity policy statement that grants it (what an audit of grants counts).</summary>
    public IReadOnlyList<(string Policy, string Statement)> GrantedBy { get; init; } = [];

    /// <summary>True when allowed.</summary>
    public bool IsAllowed => Decision == PolicyDecision.Allowed;

    /// <summary>
    /// AWS's text for a deny: <c>User: {principal} is not authorized to perform: {action} on resource: {resource}
    /// because no {kind} policy allows the {action} action</c>, or <c>… with an explicit deny in a {kind} policy</c>
    /// (IAM User Guide, "Troubleshooting access denied error messages").
    /// </summary>
    /// <param name="principalArn">The caller's ARN as AWS shows it (an assumed role's session ARN).</param>
    /// <param name="action">The action.</param>
    /// <param name="resourceArn">The resource.</param>
    public string Message(string principalArn, string action, string resourceArn)
    {
        var kind = DeniedBy switch
        {
            PolicyKind.PermissionsBoundary => "permissions boundary",
            PolicyKind.Session => "session policy",
            _ => "identity-based policy",
        };
        return Decision == PolicyDecision.ExplicitDeny
            ? $"User: {principalArn} is not authorized to perform: {action} on resource: {resourceArn} with an explicit deny in a {kind}"
            : $"User: {principalArn} is not authorized to perform: {action} on resource: {resourceArn} because no {kind} allows the {action} action";
    }
}

/// <summary>
/// IAM's evaluation of a principal's request to a resource in its own account, without resource
/// policies (IAM User Guide, "Policy evaluation logic"): an explicit deny in any policy wins;
/// otherwise the identity policies must allow, and the permissions boundary and the session
/// policy, where there are any, must allow too — they cap what the identity policies grant and
/// never grant anything themselves.
/// </summary>
public static class AccessEvaluator
{
    /// <summary>Decides <paramref name="action"/> on <paramref name="resourceArn"/>.</summary>
    /// <param name="policies">The principal's policies.</param>
    /// <param name="action">The action.</param>
    /// <param name="resourceArn">The resource.</param>
    /// <param name="context">The request's condition keys.</param>
    public static AccessDecision Evaluate(PrincipalPolicies policies, string action, string resourceArn, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(context);
        var layers = new List<(PolicyKind Kind, PolicyEvaluation Evaluation)>
        {
            (PolicyKind.Identity, IamPolicyEvaluator.Evaluate(policies.Identity, action, resourceArn, context)),
        };
        if (policies.Boundary is { } boundary)
        {
            layers.Add((PolicyKind.PermissionsBoundary, IamPolicyEvaluator.Evaluate([boundary], action, resourceArn, context)));
        }

        if (policies.Session is { } session)
        {
            layers.Add((PolicyKind.Session, IamPolicyEvaluator.Evaluate([session], action, resourceArn, context)));
        }

        if (layers.FirstOrDefault(l => l.Evaluation.Decision == PolicyDecision.ExplicitDeny) is { Evaluation: not null } denied)
        {
            return new(PolicyDecision.ExplicitDeny, denied.Kind, denied.Evaluation.Reason);
        }

        if (layers.FirstOrDefault(l => !l.Evaluation.IsAllowed) is { Evaluation: not null } missing)
        {
            return new(PolicyDecision.ImplicitDeny, missing.Kind, missing.Evaluation.Reason);
        }

        return new(PolicyDecision.Allowed, null, string.Join("; ", layers.Select(l => l.Evaluation.Reason))) { GrantedBy = layers[0].Evaluation.AllowedBy };
    }
}
