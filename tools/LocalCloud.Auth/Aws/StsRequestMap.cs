using System.Text.RegularExpressions;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// STS requests in the query protocol (<c>Action=AssumeRole&amp;RoleArn=…&amp;RoleSessionName=…</c>
/// in a form body or the query string): <c>AssumeRole</c> is <c>sts:AssumeRole</c> on the role's
/// ARN — plus <c>sts:TagSession</c> when it passes session tags and <c>sts:SetSourceIdentity</c>
/// when it sets a source identity, as AWS requires —; <c>GetCallerIdentity</c> needs no permission
/// and has no checks.
/// </summary>
/// <remarks>
/// Condition keys of <c>sts:AssumeRole</c>: <c>sts:RoleSessionName</c>, and <c>sts:ExternalId</c>
/// and <c>sts:SourceIdentity</c> when given (session tags' <c>aws:RequestTag/*</c> keys are global
/// keys, left to the caller).
/// </remarks>
internal static partial class StsRequestMap
{
    public static AwsCall Map(MapRequest request)
    {
        if (request.Method is not ("POST" or "GET") || request.Request.RawPath != "/")
        {
            throw new UnmappedRequestException("not a query-protocol request (POST or GET to /)");
        }

        if (request.Header("X-Amz-Target") is not null)
        {
            throw new UnmappedRequestException("STS is mapped in the query protocol only");
        }

        var parameters = QueryParameters.Read(request);
        var operation = parameters.Required("Action");
        switch (operation)
        {
            case "GetCallerIdentity":
                return new AwsCall("sts", operation, []);
            case "AssumeRole":
                var role = parameters.Required("RoleArn");
                if (!RoleArn().IsMatch(role))
                {
                    throw new UnmappedRequestException("RoleArn is not a role's ARN");
                }

                var sourceIdentity = parameters.Optional("SourceIdentity");
                var keys = new ConditionKeys()
                    .Add("sts:RoleSessionName", parameters.Required("RoleSessionName"))
                    .AddIfPresent("sts:ExternalId", parameters.Optional("ExternalId"))
                    .AddIfPresent("sts:SourceIdentity", sourceIdentity);
                var checks = new List<AccessCheck> { new("sts:AssumeRole", role, keys.Build()) };
                if (parameters.AnyStartingWith("Tags.member."))
                {
                    checks.Add(new("sts:TagSession", role, ConditionKeys.None));
                }

                if (sourceIdentity is not null)
                {
                    checks.Add(new("sts:SetSourceIdentity", role, new ConditionKeys().Add("sts:SourceIdentity", sourceIdentity).Build()));
                }

                return new AwsCall("sts", operation, checks);
            default:
                throw new UnmappedRequestException("not a mapped operation");
        }
    }

    [GeneratedRegex(@"^arn:aws:iam::[0-9]{12}:role/[A-Za-z0-9_+=,.@/-]{1,512}\z", RegexOptions.CultureInvariant)]
    private static partial Regex RoleArn();
}
