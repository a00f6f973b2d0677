using Functions.LocalCloud.Auth.Credentials;
using Functions.LocalCloud.Auth.Iam;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Aws;

/// <summary>
/// One JSON line per IAM decision of the AWS endpoint (<c>scripts/local.sh --iam-audit FILE</c>):
/// <c>iam-decision</c> with the function (the session name Lambda gives its role's sessions), the
/// principal, the operation, the action, the resource, the decision, the kind of policy that denied
/// or every identity policy statement that granted (<c>{policy} :: {Sid}</c>, joined by <c> | </c>), and, for implied KMS checks, the service it
/// went through; <c>iam-unmapped</c> for an operation
/// not in the map. <c>tests/iam/audit_test.py</c> compares a whole end-to-end run's lines with the
/// grants the stack rendered.
/// </summary>
internal sealed class IamAudit(LocalLog? sink)
{
    /// <summary>No audit file.</summary>
    public static IamAudit Off { get; } = new(null);

    public void Decision(CallerCredentials caller, string operation, string action, string resource, AccessDecision decision, string? via) =>
        sink?.Write("iam-decision", ("function", FunctionOf(caller)), ("principal", caller.Identity.UserArn), ("operation", operation),
            ("action", action), ("resource", resource), ("decision", decision.Decision.ToString()), ("denied_by", decision.DeniedBy?.ToString()), ("via", via),
            ("granted_by", decision.GrantedBy.Count == 0 ? null : string.Join(" | ", decision.GrantedBy.Select(g => $"{g.Policy} :: {g.Statement}"))));

    public void Unmapped(CallerCredentials caller, string service, string what) =>
        sink?.Write("iam-unmapped", ("function", FunctionOf(caller)), ("principal", caller.Identity.UserArn), ("service", service), ("operation", what));

    /// <summary>arn:aws:sts::{account}:assumed-role/{role}/{session}: the session name; else null.</summary>
    private static string? FunctionOf(CallerCredentials caller)
    {
        var arn = caller.Identity.UserArn;
        return arn.Contains(":assumed-role/", StringComparison.Ordinal) ? arn.Split('/')[^1] : null;
    }
}
