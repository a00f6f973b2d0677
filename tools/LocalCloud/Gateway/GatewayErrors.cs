namespace Functions.LocalCloud.Gateway;

/// <summary>An answer API Gateway gives itself, without the function: status, body, and error type header.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Message">The <c>message</c> of the JSON body.</param>
/// <param name="ErrorType">The <c>x-amzn-ErrorType</c> header, when API Gateway sends one.</param>
/// <param name="MessageProperty">The body's property name (<c>message</c>; the not-authorized answer spells it <c>Message</c>).</param>
internal sealed record GatewayError(int Status, string Message, string? ErrorType = null, string MessageProperty = "message");

/// <summary>
/// Every answer the gateway gives on its own, in one place. Statuses and bodies are HTTP API's
/// as ../shared/reference/aws-behaviour.md §1 records them (with their sources); the ones §1
/// marks observed or unverified are listed in docs/local-cloud.md's known differences.
/// </summary>
internal static class GatewayErrors
{
    /// <summary>No route matches the method and path.</summary>
    public static readonly GatewayError NotFound = new(404, "Not Found");

    /// <summary>The body is over 10 MB, or the request line and headers over 10,240 bytes.</summary>
    public static readonly GatewayError TooLarge = new(413, "Request Entity Too Large");

    /// <summary>The function failed, timed out, crashed, or answered something that is not a response.</summary>
    public static readonly GatewayError Internal = new(500, "Internal Server Error");

    /// <summary>The integration did not answer within 30 s (observed, not in AWS's documentation).</summary>
    public static readonly GatewayError IntegrationTimeout = new(503, "Service Unavailable");

    /// <summary>The function is at its concurrency (Lambda throttled the invoke).</summary>
    public static readonly GatewayError Throttled = new(429, "Too Many Requests");

    /// <summary>A request to an <c>AWS_IAM</c> route without any signature (HTTP API's exact body is unverified).</summary>
    public static readonly GatewayError MissingAuthentication = new(403, "Forbidden");

    /// <summary>The longest request line plus headers API Gateway accepts.</summary>
    public const int MaxRequestLineAndHeadersBytes = 10_240;

    /// <summary>The largest request body API Gateway accepts (10 MB).</summary>
    public const long MaxBodyBytes = 10L * 1024 * 1024;

    /// <summary>API Gateway's integration timeout for HTTP APIs.</summary>
    public static readonly TimeSpan IntegrationTimeoutAfter = TimeSpan.FromSeconds(30);
}
