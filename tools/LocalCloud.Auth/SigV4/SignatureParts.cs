using System.Globalization;
using System.Text;

namespace Functions.LocalCloud.Auth.SigV4;

/// <summary>The <c>Credential</c>: the access key and the scope <c>date/region/service/terminator</c>.</summary>
internal sealed record CredentialScope(string AccessKeyId, string Date, string Region, string Service, string Terminator);

/// <summary>The signature parameters of a request, read from its <c>Authorization</c> header or its presigned query.</summary>
internal sealed class SignatureParts
{
    public required bool Presigned { get; init; }

    public required string Algorithm { get; init; }

    public required CredentialScope Scope { get; init; }

    public required IReadOnlyList<string> SignedHeaders { get; init; }

    public required string Signature { get; init; }

    /// <summary>The signing time as sent (<c>X-Amz-Date</c>, or the <c>Date</c> header).</summary>
    public required string DateText { get; init; }

    /// <summary>True when the time came from the <c>Date</c> header (RFC 1123) rather than <c>X-Amz-Date</c>.</summary>
    public required bool FromDateHeader { get; init; }

    public long? ExpiresSeconds { get; init; }

    public string? SecurityToken { get; init; }

    /// <summary>The presigned query's <c>X-Amz-Content-Sha256</c>, if any.</summary>
    public string? QueryContentSha256 { get; init; }

    /// <summary>Reads the request's signature, or the refusal for a request that has none or a broken one.</summary>
    public static SignatureParts? Read(IncomingRequest request, SigV4VerifierOptions options, out AuthError? error)
    {
        var authorization = request.FirstHeader("Authorization");
        if (authorization is not null)
        {
            return FromHeader(request, authorization, out error);
        }

        var query = QueryParameters(request.RawQuery);
        if (query.ContainsKey("X-Amz-Algorithm") || query.ContainsKey("X-Amz-Credential") || query.ContainsKey("X-Amz-Signature"))
        {
            return FromQuery(query, options, out error);
        }

        error = AuthErrors.Unsigned();
        return null;
    }

    private static SignatureParts? FromHeader(IncomingRequest request, string authorization, out AuthError? error)
    {
        var trimmed = authorization.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var algorithm = space < 0 ? trimmed : trimmed[..space];
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in (space < 0 ? "" : trimmed[(space + 1)..]).Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                error = AuthErrors.NotKeyValuePair(part, authorization);
                return null;
            }

            parameters[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }

        var amzDate = request.FirstHeader("X-Amz-Date");
        var date = amzDate ?? request.FirstHeader("Date");
        parameters.TryGetValue("Credential", out var credential);
        parameters.TryGetValue("Signature", out var signature);
        parameters.TryGetValue("SignedHeaders", out var signedHeaders);
        var scope = credential is null ? null : SplitCredential(credential);
        if (scope is null || signature is null || signedHeaders is null || date is null)
        {
            error = AuthErrors.IncompleteAuthorization(scope is null, signature is null, signedHeaders is null, date is null, authorization);
            return null;
        }

        error = null;
        return new SignatureParts
        {
            Presigned = false,
            Algorithm = algorithm,
            Scope = scope,
            SignedHeaders = SplitSignedHeaders(signedHeaders),
            Signature = signature,
            DateText = date.Trim(),
            FromDateHeader = amzDate is null,
            SecurityToken = request.FirstHeader("X-Amz-Security-Token"),
        };
    }

    private static SignatureParts? FromQuery(Dictionary<string, string> query, SigV4VerifierOptions options, out AuthError? error)
    {
        query.TryGetValue("X-Amz-Algorithm", out var algorithm);
        query.TryGetValue("X-Amz-Credential", out var credential);
        query.TryGetValue("X-Amz-Signature", out var signature);
        query.TryGetValue("X-Amz-Date", out var date);
        query.TryGetValue("X-Amz-SignedHeaders", out var signedHeaders);
        var scope = credential is null ? null : SplitCredential(credential);
        if (algorithm is null || scope is null || signature is null || date is null || signedHeaders is null)
        {
            error = AuthErrors.IncompletePresignedQuery();
            return null;
        }

        long? expires = null;
        if (query.TryGetValue("X-Amz-Expires", out var expiresText))
        {
            if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || seconds < 1 || seconds > options.MaxPresignedLifetime.TotalSeconds)
            {
                error = AuthErrors.InvalidExpires(expiresText);
                return null;
            }

            expires = seconds;
        }

        error = null;
        return new SignatureParts
        {
            Presigned = true,
            Algorithm = algorithm,
            Scope = scope,
            SignedHeaders = SplitSignedHeaders(signedHeaders),
            Signature = signature,
            DateText = date,
            FromDateHeader = false,
            ExpiresSeconds = expires,
            SecurityToken = query.GetValueOrDefault("X-Amz-Security-Token"),
            QueryContentSha256 = query.GetValueOrDefault("X-Amz-Content-Sha256"),
        };
    }

    /// <summary>The signing time, or null when <see cref="DateText"/> is not in its format.</summary>
    public DateTimeOffset? SignedAt()
    {
        if (FromDateHeader)
        {
            return DateTimeOffset.TryParseExact(DateText, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
                ? date
                : null;
        }

        return SigV4Canonical.TryParseDateTime(DateText, out var time) ? time : null;
    }

    /// <summary>
    /// <c>key/date/region/service/terminator</c>, read from the end so a scope with a part missing
    /// still names the part AWS would complain about; null when fewer than five parts.
    /// </summary>
    private static CredentialScope? SplitCredential(string credential)
    {
        var parts = credential.Split('/');
        return parts.Length < 5
            ? null
            : new CredentialScope(string.Join('/', parts[..^4]), parts[^4], parts[^3], parts[^2], parts[^1]);
    }

    private static List<string> SplitSignedHeaders(string signedHeaders) =>
        [.. signedHeaders.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(h => h.ToLowerInvariant())];

    /// <summary>The query's parameters, percent-decoded; the first occurrence of a name wins.</summary>
    private static Dictionary<string, string> QueryParameters(string rawQuery)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rawQuery.Length == 0)
        {
            return parameters;
        }

        foreach (var parameter in rawQuery.Split('&'))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = DecodeText(equals < 0 ? parameter : parameter[..equals]);
            var value = equals < 0 ? "" : DecodeText(parameter[(equals + 1)..]);
            parameters.TryAdd(name, value);
        }

        return parameters;
    }

    private static string DecodeText(string text) => Encoding.UTF8.GetString(SigV4Canonical.Decode(text, plusIsSpace: false));
}
