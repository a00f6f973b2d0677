using System.Security.Cryptography;

namespace Functions.LocalCloud.Auth;

/// <summary>
/// An HTTP request as it arrived at the gateway, in the form SigV4 verification needs: nothing
/// decoded, re-ordered or merged. The gateway maps its server's request into this (for Kestrel:
/// the path and query from <c>IHttpRequestFeature.RawTarget</c>, the headers as received).
/// </summary>
public sealed class IncomingRequest
{
    private readonly ReadOnlyMemory<byte> _body;
    private string? _bodySha256;

    private IncomingRequest(string method, string rawPath, string rawQuery, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(rawPath);
        ArgumentNullException.ThrowIfNull(rawQuery);
        ArgumentNullException.ThrowIfNull(headers);
        Method = method;
        RawPath = rawPath;
        RawQuery = rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        Headers = headers;
    }

    private IncomingRequest(string method, string rawPath, string rawQuery, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body)
        : this(method, rawPath, rawQuery, headers)
    {
        _body = body;
    }

    /// <summary>A request whose body the verifier hashes itself.</summary>
    /// <param name="method">The HTTP method as sent (<c>GET</c>, <c>POST</c>, …).</param>
    /// <param name="rawPath">The path exactly as sent, still percent-encoded, without the query.</param>
    /// <param name="rawQuery">The query string exactly as sent, without or with the leading <c>?</c>; empty when there is none.</param>
    /// <param name="headers">Every header as received: names in any case, duplicates and their order kept.</param>
    /// <param name="body">The request body (empty when there is none).</param>
    public static IncomingRequest WithBody(
        string method, string rawPath, string rawQuery, IReadOnlyList<KeyValuePair<string, string>> headers, ReadOnlyMemory<byte> body) =>
        new(method, rawPath, rawQuery, headers, body);

    /// <summary>A request whose body was hashed by the caller (for example while it was read).</summary>
    /// <param name="method">The HTTP method as sent.</param>
    /// <param name="rawPath">The path exactly as sent, still percent-encoded, without the query.</param>
    /// <param name="rawQuery">The query string exactly as sent; empty when there is none.</param>
    /// <param name="headers">Every header as received, duplicates and their order kept.</param>
    /// <param name="bodySha256Hex">The SHA-256 of the body, 64 lower-case hex digits.</param>
    public static IncomingRequest WithBodyHash(
        string method, string rawPath, string rawQuery, IReadOnlyList<KeyValuePair<string, string>> headers, string bodySha256Hex)
    {
        ArgumentNullException.ThrowIfNull(bodySha256Hex);
        if (bodySha256Hex.Length != 64 || !bodySha256Hex.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("The body hash must be 64 lower-case hex digits.", nameof(bodySha256Hex));
        }

        return new IncomingRequest(method, rawPath, rawQuery, headers) { _bodySha256 = bodySha256Hex };
    }

    /// <summary>The HTTP method as sent.</summary>
    public string Method { get; }

    /// <summary>The path exactly as sent (percent-encoded), without the query.</summary>
    public string RawPath { get; }

    /// <summary>The query string exactly as sent, without the leading <c>?</c>.</summary>
    public string RawQuery { get; }

    /// <summary>The headers as received, duplicates and their order kept.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The SHA-256 of the body as 64 lower-case hex digits (computed once, on first use).</summary>
    public string BodySha256Hex => _bodySha256 ??= Convert.ToHexStringLower(SHA256.HashData(_body.Span));

    /// <summary>The values of every header named <paramref name="name"/> (case-insensitive), in the order received.</summary>
    /// <param name="name">The header name.</param>
    public IEnumerable<string> HeaderValues(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                yield return value;
            }
        }
    }

    /// <summary>The first value of the header named <paramref name="name"/>, or null.</summary>
    /// <param name="name">The header name.</param>
    public string? FirstHeader(string name) => HeaderValues(name).FirstOrDefault();
}
