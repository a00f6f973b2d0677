namespace Functions.LocalCloud.Auth.Iam;

/// <summary>An identity policy and where it came from (for the reasons the evaluator gives).</summary>
/// <param name="Source">Where the policy is attached, e.g. <c>user alice, inline 'invoke'</c> or a managed policy's ARN.</param>
/// <param name="Document">The policy.</param>
public sealed record IdentityPolicy(string Source, PolicyDocument Document);

/// <summary>The decision about one request.</summary>
public enum PolicyDecision
{
    /// <summary>A statement allows the request and none denies it.</summary>
    Allowed,

    /// <summary>A statement denies the request (whatever else allows it).</summary>
    ExplicitDeny,

    /// <summary>No statement allows the request: the default deny.</summary>
    ImplicitDeny,
}

/// <summary>A decision and the statement (or its absence) that made it.</summary>
/// <param name="Decision">Allowed, denied explicitly, or denied by default.</param>
/// <param name="Reason">Which policy and statement decided, and which statements were set aside as unsupported (for logs).</param>
public sealed record PolicyEvaluation(PolicyDecision Decision, string Reason)
{
    /// <summary>When allowed: every policy (its source) and statement (its Sid or position) that allows it.</summary>
    public IReadOnlyList<(string Policy, string Statement)> AllowedBy { get; init; } = [];

    /// <summary>True when <see cref="Decision"/> is <see cref="PolicyDecision.Allowed"/>.</summary>
    public bool IsAllowed => Decision == PolicyDecision.Allowed;
}

/// <summary>
/// Decides whether a caller's identity policies allow an action on a resource, as IAM does for
/// API Gateway's <c>execute-api:Invoke</c> on HTTP APIs (which have no resource policies).
/// </summary>
/// <remarks>
/// <para>Evaluated: <c>Effect</c>; <c>Action</c> and <c>NotAction</c>, <c>Resource</c> and
/// <c>NotResource</c>, each a string or an array; <c>*</c> and <c>?</c> wildcards, action names
/// case-insensitive, resources case-sensitive and matched per ARN part (a <c>*</c> ending the
/// pattern's last part also matches across colons); an explicit <c>Deny</c> wins over any
/// <c>Allow</c>; without an <c>Allow</c> the answer is the default deny.</para>
/// <para>With a <see cref="RequestContext"/>, conditions (<see cref="PolicyCondition"/>) and policy
/// variables are evaluated against the request's keys. Without one — and always for what
/// follows — they are not, and are treated so that the local cloud never allows what AWS would deny:
/// a statement with a <c>Condition</c>, with a policy variable (<c>${…}</c>) in a resource of a
/// 2012-10-17 document, or with <c>Principal</c>/<c>NotPrincipal</c> — as an <c>Allow</c> it
/// allows nothing; as a <c>Deny</c> it denies whenever its actions match (resources with
/// variables are taken to match). A malformed statement (no valid effect, not exactly one of
/// <c>Action</c>/<c>NotAction</c> and of <c>Resource</c>/<c>NotResource</c>, a non-string
/// entry), or a document that is not valid JSON, denies every request of the caller. A statement
/// with <c>Principal</c>/<c>NotPrincipal</c>, or a condition operator <see cref="PolicyCondition"/>
/// does not evaluate, is treated the same way with a context too. This evaluates one kind of
/// policy: <see cref="AccessEvaluator"/> combines identity policies, a permissions boundary and a
/// session policy.</para>
/// </remarks>
public static class IamPolicyEvaluator
{
    /// <summary>The action API Gateway authorizes for <c>AWS_IAM</c> routes.</summary>
    public const string InvokeAction = "execute-api:Invoke";

    /// <summary>Evaluates <paramref name="policies"/> for <paramref name="action"/> on <paramref name="resourceArn"/>, without a request context (conditions and policy variables not evaluated).</summary>
    /// <param name="policies">The caller's identity policies.</param>
    /// <param name="action">The action, e.g. <see cref="InvokeAction"/>.</param>
    /// <param name="resourceArn">The resource's ARN, e.g. from <see cref="ExecuteApiArn.For"/>.</param>
    public static PolicyEvaluation Evaluate(IEnumerable<IdentityPolicy> policies, string action, string resourceArn) =>
        Evaluate(policies, action, resourceArn, null);

    /// <summary>
    /// Evaluates <paramref name="policies"/> for <paramref name="action"/> on <paramref name="resourceArn"/>
    /// in <paramref name="context"/>: conditions (<see cref="PolicyCondition"/>) and policy variables
    /// are evaluated against its keys. Without a context they are not (see the remarks).
    /// </summary>
    /// <param name="policies">The policies of one kind (identity, boundary or session).</param>
    /// <param name="action">The action, e.g. <c>s3:GetObject</c>.</param>
    /// <param name="resourceArn">The resource's ARN.</param>
    /// <param name="context">The request's condition keys, or null.</param>
    public static PolicyEvaluation Evaluate(IEnumerable<IdentityPolicy> policies, string action, string resourceArn, RequestContext? context)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(resourceArn);
        string? allowedBy = null;
        var allowing = new List<(string, string)>();
        var setAside = new List<string>();
        foreach (var policy in policies)
        {
            foreach (var statement in policy.Document.Statements)
            {
                var where = $"{policy.Source}, statement {statement.Id}";
                if (statement.Problem is not null)
                {
                    return new(PolicyDecision.ExplicitDeny, $"malformed statement denies every request ({where}: {statement.Problem})");
                }

                if (!ActionMatches(statement, action))
                {
                    continue;
                }

                var unsupported = Unsupported(statement, context);
                if (unsupported is null && context is not null)
                {
                    if (!ResourceMatches(statement, resourceArn, context) || !PolicyCondition.Holds(statement.Conditions, context, statement.SubstitutesVariables))
                    {
                        continue;
                    }

                    if (statement.Effect == PolicyEffect.Deny)
                    {
                        return new(PolicyDecision.ExplicitDeny, $"denied by {where}");
                    }

                    allowedBy ??= where;
                    allowing.Add((policy.Source, statement.Id));
                }
                else if (statement.Effect == PolicyEffect.Deny)
                {
                    if (ResourceMatches(statement, resourceArn, variablesMatch: true))
                    {
                        return new(PolicyDecision.ExplicitDeny,
                            unsupported is null ? $"denied by {where}" : $"denied by {where} ({unsupported} not evaluated: a Deny is taken to apply)");
                    }
                }
                else if (unsupported is not null)
                {
                    if (statement.HasPolicyVariable || ResourceMatches(statement, resourceArn, variablesMatch: false))
                    {
                        setAside.Add($"{where} ({unsupported} not evaluated: an Allow is taken not to apply)");
                    }
                }
                else if (ResourceMatches(statement, resourceArn, variablesMatch: false))
                {
                    allowedBy ??= where;
                    allowing.Add((policy.Source, statement.Id));
                }
            }
        }

        var note = setAside.Count == 0 ? "" : "; set aside: " + string.Join("; ", setAside);
        return allowedBy is not null
            ? new(PolicyDecision.Allowed, $"allowed by {allowedBy}{note}") { AllowedBy = allowing }
            : new(PolicyDecision.ImplicitDeny, $"no statement allows {action} on {resourceArn}{note}");
    }

    /// <summary>What of the statement is not evaluated: without a context, conditions and policy variables; always, Principal and unknown condition operators.</summary>
    private static string? Unsupported(PolicyStatement statement, RequestContext? context) =>
        statement.HasPrincipal ? "Principal"
        : context is null && statement.HasCondition ? "Condition"
        : context is null && statement.HasPolicyVariable ? "policy variable"
        : PolicyCondition.Unsupported(statement.Conditions);

    private static bool ActionMatches(PolicyStatement statement, string action) =>
        statement.Action is { } actions
            ? actions.Any(p => Wildcard.Matches(p, action, ignoreCase: true))
            : !statement.NotAction!.Any(p => Wildcard.Matches(p, action, ignoreCase: true));

    /// <summary>With a context: policy variables substituted; a pattern whose variable the request lacks matches nothing.</summary>
    private static bool ResourceMatches(PolicyStatement statement, string resourceArn, RequestContext context)
    {
        bool Any(IReadOnlyList<string> patterns) => patterns.Any(p =>
            (statement.SubstitutesVariables ? context.Substitute(p) : p) is { } pattern && Wildcard.MatchesArn(pattern, resourceArn));
        return statement.Resource is { } resources ? Any(resources) : !Any(statement.NotResource!);
    }

    private static bool ResourceMatches(PolicyStatement statement, string resourceArn, bool variablesMatch)
    {
        if (statement.HasPolicyVariable)
        {
            return variablesMatch;
        }

        return statement.Resource is { } resources
            ? resources.Any(p => Wildcard.MatchesArn(p, resourceArn))
            : !statement.NotResource!.Any(p => Wildcard.MatchesArn(p, resourceArn));
    }
}
