using System.Text.RegularExpressions;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// What a path-style S3 request names: <c>/{bucket}</c> or <c>/{bucket}/{key}</c>, the key
/// percent-decoded (<c>+</c> is a plus sign, as S3 and moto read paths), and the query's
/// parameters, decoded the same way. The presigned form's <c>X-Amz-*</c> parameters and the
/// <c>x-id</c> some SDKs add are not subresources and are left out.
/// </summary>
/// <remarks>
/// Refused, because the map and the service could read different resources from them: a
/// <c>Host</c> that moto reads as virtual-hosted style (<see cref="RequirePathStyleHost"/>); a raw
/// character a client percent-encodes (space, <c>;</c> — Python's <c>urlparse</c>, which moto
/// uses, cuts <c>;params</c> off a path —, <c>#</c>, <c>[</c>, non-ASCII, …), malformed escapes or
/// escapes that are not UTF-8, a bucket that is not a bucket name, a key with a <c>.</c> or
/// <c>..</c> segment (which a proxy or server may resolve), a parameter given twice.
/// </remarks>
internal sealed partial class S3Target
{
    private readonly Dictionary<string, string?> _parameters;

    private S3Target(string bucket, string? key, Dictionary<string, string?> parameters)
    {
        Bucket = bucket;
        Key = key;
        _parameters = parameters;
    }

    /// <summary>The bucket.</summary>
    public string Bucket { get; }

    /// <summary>The object key, decoded; null for a bucket request.</summary>
    public string? Key { get; }

    /// <summary>The names of the query parameters (subresources and their options).</summary>
    public IReadOnlyCollection<string> ParameterNames => _parameters.Keys;

    /// <summary>Reads the path and query of <paramref name="mapRequest"/>; null when the path names no bucket (<c>GET /</c>, ListBuckets).</summary>
    public static S3Target? Read(MapRequest mapRequest)
    {
        RequirePathStyleHost(mapRequest);
        var request = mapRequest.Request;
        var path = request.RawPath;
        if (!path.StartsWith('/'))
        {
            throw new UnmappedRequestException("the path does not start with /");
        }

        if (path.Any(c => c is <= ' ' or >= '\u007f' or '"' or '#' or '<' or '>' or '?' or '[' or '\\' or ']' or '^' or '`' or '{' or '|' or '}' or ';'))
        {
            throw new UnmappedRequestException("the path has a character clients percent-encode");
        }

        var slash = path.IndexOf('/', 1);
        var bucket = slash < 0 ? path[1..] : path[1..slash];
        if (bucket.Length == 0)
        {
            return path.Length == 1 ? null : throw new UnmappedRequestException("the path names no bucket");
        }

        if (!BucketName().IsMatch(bucket))
        {
            throw new UnmappedRequestException("the path's first segment is not a bucket name (virtual-hosted requests are not mapped)");
        }

        string? key = null;
        if (slash >= 0 && slash < path.Length - 1)
        {
            key = PercentEncoding.Decode(path[(slash + 1)..], plusIsSpace: false, "the object key");
            RequireNoDotSegments(key, "the object key");
        }

        return new S3Target(bucket, key, ReadQuery(request.RawQuery));
    }

    /// <summary>
    /// Refuses a request whose <c>Host</c> moto would read as virtual-hosted style, taking the
    /// bucket from the host name (moto/s3/responses.py, <c>subdomain_based_buckets</c>). Accepted
    /// are hosts moto reads as path-style: an IPv4 address, <c>[::1]</c>, a name starting with
    /// <c>localhost</c> or without a dot (a port may follow), and S3's own path-style endpoints
    /// <c>s3.amazonaws.com</c> and <c>s3.{region}.amazonaws.com</c> (also <c>s3-</c>,
    /// <c>dualstack</c>, <c>fips</c>). Other hosts moto reads as path-style (other IPv6
    /// addresses, its custom-endpoint setting) are refused too: the check errs on refusing.
    /// </summary>
    public static void RequirePathStyleHost(MapRequest request)
    {
        var host = request.Header("Host") ?? throw new UnmappedRequestException("no Host header");
        if (!PathStyleHost().IsMatch(host.Trim()))
        {
            throw new UnmappedRequestException($"Host '{(host.Length > 100 ? host[..100] : host)}' is one moto reads as virtual-hosted style, which the map does not read");
        }
    }

    /// <summary>Whether the query has parameter <paramref name="name"/> (with or without a value).</summary>
    public bool Has(string name) => _parameters.ContainsKey(name);

    /// <summary>The value of <paramref name="name"/> (empty for a name without <c>=</c>), or null when absent.</summary>
    public string? Value(string name) => _parameters.TryGetValue(name, out var value) ? value ?? "" : null;

    /// <summary>The value of <paramref name="name"/> when present; present but empty is refused (S3 ids are never empty).</summary>
    public string? NonEmptyValue(string name) =>
        Value(name) switch
        {
            null => null,
            "" => throw new UnmappedRequestException($"?{name} is empty"),
            var value => value,
        };

    /// <summary>Refuses a key with a <c>.</c> or <c>..</c> segment.</summary>
    public static void RequireNoDotSegments(string key, string what)
    {
        if (key.Split('/').Any(segment => segment is "." or ".."))
        {
            throw new UnmappedRequestException($"{what} has a . or .. segment");
        }
    }

    /// <summary>Whether <paramref name="bucket"/> is a bucket name (legacy names included).</summary>
    public static bool IsBucketName(string bucket) => BucketName().IsMatch(bucket);

    private static Dictionary<string, string?> ReadQuery(string rawQuery)
    {
        var parameters = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pair in rawQuery.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = PercentEncoding.Decode(equals < 0 ? pair : pair[..equals], plusIsSpace: false, "a query parameter name");
            if (name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) || name == "x-id")
            {
                continue;
            }

            var value = equals < 0 ? null : PercentEncoding.Decode(pair[(equals + 1)..], plusIsSpace: false, $"query parameter {name}");
            if (!parameters.TryAdd(name, value))
            {
                throw new UnmappedRequestException($"query parameter {name} is given more than once");
            }
        }

        return parameters;
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{1,254}\z", RegexOptions.CultureInvariant)]
    private static partial Regex BucketName();

    [GeneratedRegex(@"^(?:(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])|\[::1\]|localhost[A-Za-z0-9.-]*|[A-Za-z0-9-]+|s3\.amazonaws\.com|s3[.-](?:(?:dualstack|fips)[.-])?[a-z0-9-]*\.amazonaws\.com)(?::[0-9]{1,5})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PathStyleHost();
}
