namespace Functions.LocalCloud.Gateway;

/// <summary>The caller API Gateway authenticated: what goes into <c>requestContext.authorizer.iam</c>.</summary>
/// <param name="AccessKey">The access key id the request was signed with.</param>
/// <param name="AccountId">The caller's account.</param>
/// <param name="CallerId">The caller id (a user's id, or <c>{roleId}:{session}</c>).</param>
/// <param name="UserArn">The user's ARN, or the assumed-role session's ARN.</param>
/// <param name="UserId">The user id (for a session, <c>{roleId}:{session}</c>).</param>
internal sealed record IamCaller(string AccessKey, string AccountId, string CallerId, string UserArn, string UserId);

/// <summary>A request as it reached the gateway: everything the event and the signature check need.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="RawPath">The path as sent (still percent-encoded).</param>
/// <param name="RawQueryString">The query string as sent, without '?'.</param>
/// <param name="Headers">Every header, in order, duplicates kept.</param>
/// <param name="Body">The body's bytes.</param>
/// <param name="Protocol">e.g. HTTP/1.1.</param>
/// <param name="SourceIp">The client's address.</param>
internal sealed record GatewayRequest(
    string Method,
    string RawPath,
    string RawQueryString,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    string Protocol,
    string SourceIp)
{
    /// <summary>The first value of a header (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
