using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Functions.LocalCloud.Auth.Tests.SigV4;

/// <summary>A request before it is signed: what a client would send, body included.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="RawPath">The path as sent (percent-encoded).</param>
/// <param name="RawQuery">The query as sent, without <c>?</c>.</param>
/// <param name="Headers">The headers, <c>Host</c> among them; duplicates and their order kept.</param>
/// <param name="Body">The body.</param>
internal sealed record UnsignedRequest(string Method, string RawPath, string RawQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public static implicit operator IncomingRequest(UnsignedRequest request) => request.ToIncoming();

    public IncomingRequest ToIncoming() => IncomingRequest.WithBody(Method, RawPath, RawQuery, Headers, Body);

    public UnsignedRequest WithQuery(string rawQuery) => this with { RawQuery = rawQuery };
}

/// <summary>
/// Signs requests with AWSSDK.Core's SigV4 implementation — <see cref="AWSSigV4Signer"/>, the SDK's
/// public front of <c>AWS4Signer</c> (header form) and <c>AWS4PreSignedUrlSigner</c> (query form) —
/// so the verifier's positive tests are signed by code that shares nothing with it. (The in-repo
/// <c>SigV4Signer</c> builds its canonical forms with the verifier's own <c>SigV4Canonical</c>: a
/// bug in both would pass unnoticed.) The request is handed to the SDK as a client would: host,
/// path and query in the URI, the other headers one value per name (repeated ones comma-joined, as
/// they are signed), the body as bytes for the SDK to hash.
/// </summary>
internal static class SdkSigner
{
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The request with the headers the SDK's signer adds (<c>Authorization</c>, <c>X-Amz-Date</c>, <c>X-Amz-Content-SHA256</c>, the session token).</summary>
    public static IncomingRequest SignWithHeader(UnsignedRequest request, AWSCredentials credentials, string region, string service, DateTimeOffset time)
    {
        var (signing, parameters) = Prepare(request, credentials, region, service, time);
        var added = AWSSigV4Signer.Sign(signing, parameters).Headers;

        // A header the signer sets replaces the client's own of that name (x-amz-content-sha256).
        var headers = request.Headers.Where(h => !added.Keys.Any(k => k.Equals(h.Key, StringComparison.OrdinalIgnoreCase))).Concat(added).ToList();
        return IncomingRequest.WithBody(request.Method, request.RawPath, request.RawQuery, headers, request.Body);
    }

    /// <summary>The request with the SDK's presigned query (the form of a presigned URL), valid for <paramref name="expiresSeconds"/>.</summary>
    public static IncomingRequest Presign(UnsignedRequest request, AWSCredentials credentials, string region, string service, DateTimeOffset time, long expiresSeconds)
    {
        if (request.Body.Length > 0)
        {
            throw new ArgumentException("A presigned URL carries no body.", nameof(request));
        }

        var (signing, parameters) = Prepare(request, credentials, region, service, time);
        signing.Content = null;
        var url = AWSSigV4Signer.Presign(signing, parameters, TimeSpan.FromSeconds(expiresSeconds)).Uri.OriginalString;
        var query = url.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? url[(q + 1)..] : string.Empty;
        return IncomingRequest.WithBody(request.Method, request.RawPath, query, request.Headers, request.Body);
    }

    private static (AWSSigningRequest Request, AWSSigV4Parameters Parameters) Prepare(
        UnsignedRequest request, AWSCredentials credentials, string region, string service, DateTimeOffset time)
    {
        var host = request.Headers.Single(h => h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).Value;
        var signing = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(request.Method),
            RequestUri = new Uri($"https://{host}{request.RawPath}{(request.RawQuery.Length > 0 ? "?" + request.RawQuery : string.Empty)}"),
            Content = request.Body,
        };
        var unsignedPayload = false;
        foreach (var header in request.Headers.Where(h => !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            var value = string.Join(',', header.Select(h => h.Value.Trim()));
            if (header.Key.Equals("X-Amz-Content-Sha256", StringComparison.OrdinalIgnoreCase) && value == UnsignedPayload)
            {
                // The SDK signs an unsigned payload when told not to sign it, as S3 clients do.
                unsignedPayload = true;
                continue;
            }

            signing.Headers[header.Key] = value;
        }

        return (signing, new AWSSigV4Parameters
        {
            Credentials = credentials,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignedAt = time.UtcDateTime,
            SignPayload = !unsignedPayload,
        });
    }
}
