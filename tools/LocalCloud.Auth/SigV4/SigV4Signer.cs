using System.Text;

namespace Functions.LocalCloud.Auth.SigV4;

/// <summary>An access key pair, with its session token for temporary credentials.</summary>
internal sealed record SigningCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null);

/// <summary>
/// Signs requests with the same canonical forms the verifier checks: used to call moto's IAM
/// API and by tests. Not a general-purpose signer (no chunked payloads, no SigV4a).
/// </summary>
internal static class SigV4Signer
{
    /// <summary>
    /// <paramref name="request"/> with <c>X-Amz-Date</c>, <c>X-Amz-Security-Token</c> (for a
    /// session) and <c>Authorization</c> added. Signs <paramref name="headersToSign"/>, or every
    /// header the request has plus those added. With <paramref name="dateHeader"/> the time goes
    /// in an RFC 1123 <c>Date</c> header instead of <c>X-Amz-Date</c>.
    /// </summary>
    public static IncomingRequest SignWithHeader(
        IncomingRequest request, SigningCredentials credentials, string region, string service, DateTimeOffset time,
        IEnumerable<string>? headersToSign = null, bool normalizePath = true, bool dateHeader = false)
    {
        var amzDate = SigV4Canonical.FormatDateTime(time);
        var headers = new List<KeyValuePair<string, string>>(request.Headers)
        {
            dateHeader
                ? new("Date", time.UtcDateTime.ToString("r", System.Globalization.CultureInfo.InvariantCulture))
                : new("X-Amz-Date", amzDate),
        };
        if (credentials.SessionToken is not null)
        {
            headers.Add(new("X-Amz-Security-Token", credentials.SessionToken));
        }

        var signed = (headersToSign ?? headers.Select(h => h.Key)).Select(h => h.ToLowerInvariant()).ToList();
        if (headersToSign is not null)
        {
            signed.Add(dateHeader ? "date" : "x-amz-date");
        }

        var (block, signedLine) = SigV4Canonical.CanonicalHeaders(headers, signed);
        var canonical = SigV4Canonical.CanonicalRequest(
            request.Method, SigV4Canonical.CanonicalUri(request.RawPath, normalizePath),
            SigV4Canonical.CanonicalQuery(request.RawQuery, excludeSignature: false, excludeSecurityToken: false, plusIsSpace: false),
            block, signedLine, PayloadHash(request));
        var signature = Sign(credentials, region, service, amzDate, canonical);
        headers.Add(new("Authorization",
            $"{SigV4Canonical.Algorithm} Credential={credentials.AccessKeyId}/{SigV4Canonical.Scope(amzDate[..8], region, service)}, SignedHeaders={signedLine}, Signature={signature}"));
        return IncomingRequest.WithBodyHash(request.Method, request.RawPath, request.RawQuery, headers, request.BodySha256Hex);
    }

    /// <summary><paramref name="request"/> with the presigned-query parameters appended to its query.</summary>
    public static IncomingRequest Presign(
        IncomingRequest request, SigningCredentials credentials, string region, string service, DateTimeOffset time, long expiresSeconds,
        IEnumerable<string>? headersToSign = null, bool normalizePath = true)
    {
        var amzDate = SigV4Canonical.FormatDateTime(time);
        var signed = (headersToSign ?? request.Headers.Select(h => h.Key)).Select(h => h.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        var query = new StringBuilder(request.RawQuery);
        void Add(string name, string value)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(name).Append('=').Append(SigV4Canonical.Encode(Encoding.UTF8.GetBytes(value), keepSlash: false));
        }

        Add("X-Amz-Algorithm", SigV4Canonical.Algorithm);
        Add("X-Amz-Credential", $"{credentials.AccessKeyId}/{SigV4Canonical.Scope(amzDate[..8], region, service)}");
        Add("X-Amz-Date", amzDate);
        Add("X-Amz-Expires", expiresSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("X-Amz-SignedHeaders", string.Join(';', signed));
        if (credentials.SessionToken is not null)
        {
            Add("X-Amz-Security-Token", credentials.SessionToken);
        }

        var (block, signedLine) = SigV4Canonical.CanonicalHeaders(request.Headers, signed);
        var canonical = SigV4Canonical.CanonicalRequest(
            request.Method, SigV4Canonical.CanonicalUri(request.RawPath, normalizePath),
            SigV4Canonical.CanonicalQuery(query.ToString(), excludeSignature: true, excludeSecurityToken: false, plusIsSpace: false),
            block, signedLine, PayloadHash(request));
        Add("X-Amz-Signature", Sign(credentials, region, service, amzDate, canonical));
        return IncomingRequest.WithBodyHash(request.Method, request.RawPath, query.ToString(), request.Headers, request.BodySha256Hex);
    }

    private static string PayloadHash(IncomingRequest request) =>
        request.FirstHeader("X-Amz-Content-Sha256") == SigV4Canonical.UnsignedPayload ? SigV4Canonical.UnsignedPayload : request.BodySha256Hex;

    private static string Sign(SigningCredentials credentials, string region, string service, string amzDate, string canonical)
    {
        var scope = SigV4Canonical.Scope(amzDate[..8], region, service);
        var key = SigV4Canonical.SigningKey(credentials.SecretAccessKey, amzDate[..8], region, service);
        return SigV4Canonical.Signature(key, SigV4Canonical.StringToSign(amzDate, scope, canonical));
    }
}
