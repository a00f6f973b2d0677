using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Functions.LambdaKit.Http;

namespace Functions.LambdaKit.Identity;

/// <summary>
/// Derives the tenant from <c>requestContext.authorizer.iam</c> and nothing else (design §2):
/// the Cognito identity when present, else the IAM principal, an assumed role counting as its
/// role rather than its session. Anything it cannot recognise yields no tenant (→ 403), never
/// a shared or anonymous one.
/// </summary>
public static partial class TenantResolver
{
    /// <summary>Resolves the tenant, or returns null with the reason in <paramref name="reason"/>.</summary>
    public static Tenant? Resolve(APIGatewayHttpApiV2ProxyRequest.IAMDescription? iam, out string reason)
    {
        if (iam is null)
        {
            reason = "The request has no IAM caller identity; call the API with SigV4-signed requests.";
            return null;
        }

        if (iam.CognitoIdentity?.IdentityId is { Length: > 0 } identityId)
        {
            if (!CognitoIdentityId().IsMatch(identityId))
            {
                reason = "The Cognito identity id is malformed.";
                return null;
            }

            reason = string.Empty;
            return FromPrincipal("cognito:" + identityId);
        }

        var principal = CanonicalPrincipal(iam.UserARN);
        if (principal is null)
        {
            reason = "The caller's ARN is missing or not an IAM user, root, role session or federated user.";
            return null;
        }

        var account = principal.Split(':')[4];
        if (!string.IsNullOrEmpty(iam.AccountId) && iam.AccountId != account)
        {
            reason = "The caller's ARN and account do not agree.";
            return null;
        }

        reason = string.Empty;
        return FromPrincipal(principal);
    }

    /// <summary>
    /// The principal an ARN stands for, or null when the ARN is not a caller we accept.
    /// <c>arn:P:sts::A:assumed-role/R/S</c> becomes <c>arn:P:iam::A:role/R</c>, so every session
    /// of a role is the same tenant.
    /// </summary>
    public static string? CanonicalPrincipal(string? arn)
    {
        if (string.IsNullOrEmpty(arn) || arn.Length > 2048)
        {
            return null;
        }

        var match = CallerArn().Match(arn);
        if (!match.Success)
        {
            return null;
        }

        var partition = match.Groups["partition"].Value;
        var account = match.Groups["account"].Value;
        var resource = match.Groups["resource"].Value;
        return match.Groups["service"].Value switch
        {
            "iam" when resource == "root" || resource.StartsWith("user/", StringComparison.Ordinal) => arn,
            "sts" when resource.StartsWith("assumed-role/", StringComparison.Ordinal) => RoleOfSession(partition, account, resource),
            "sts" when resource.StartsWith("federated-user/", StringComparison.Ordinal) => arn,
            _ => null,
        };
    }

    private static string? RoleOfSession(string partition, string account, string resource)
    {
        var parts = resource.Split('/');
        return parts is ["assumed-role", { Length: > 0 } role, { Length: > 0 }]
            ? $"arn:{partition}:iam::{account}:role/{role}"
            : null;
    }

    private static Tenant FromPrincipal(string principal)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(principal));
        return new Tenant(Convert.ToHexStringLower(hash), principal);
    }

    [GeneratedRegex(@"^arn:(?<partition>aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc):(?<service>iam|sts)::(?<account>[0-9]{12}):(?<resource>[A-Za-z0-9_+=,.@/-]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex CallerArn();

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-[0-9]:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CognitoIdentityId();
}
