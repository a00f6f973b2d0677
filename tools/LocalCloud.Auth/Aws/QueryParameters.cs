using System.Text;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// The parameters of a request in the AWS query protocol (SQS's older protocol, STS): the query
/// string's and, for <c>application/x-www-form-urlencoded</c> bodies, the body's, decoded as HTML
/// forms are (<c>+</c> is a space). The presigned form's <c>X-Amz-*</c> parameters are left out.
/// A parameter given twice, in one place or both, is refused: which one the service reads is not
/// known.
/// </summary>
internal sealed class QueryParameters
{
    private readonly Dictionary<string, string> _values;

    private QueryParameters(Dictionary<string, string> values)
    {
        _values = values;
    }

    /// <summary>
    /// The most parameters a query string or form body may have: far above what the mapped
    /// operations send (an SQS batch of 10 entries with their attributes, an AssumeRole with tags).
    /// </summary>
    public const int MaxParameters = 2000;

    /// <summary>Reads the parameters of <paramref name="request"/>.</summary>
    public static QueryParameters Read(MapRequest request)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(values, request.Request.RawQuery, "the query string");
        var contentType = request.Header("Content-Type");
        if (contentType is not null && contentType.TrimStart().StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            request.RequireIdentityContentEncoding();
            if (request.Body.Length > AwsRequestMap.MaxBodyBytes)
            {
                throw new UnmappedRequestException($"the form body is {request.Body.Length} bytes, over the budget of {AwsRequestMap.MaxBodyBytes}");
            }

            string text;
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(request.Body.Span);
            }
            catch (DecoderFallbackException)
            {
                throw new UnmappedRequestException("the form body is not UTF-8");
            }

            Add(values, text, "the form body");
        }
        else if (!request.Body.IsEmpty)
        {
            throw new UnmappedRequestException($"a query-protocol body of Content-Type '{contentType}' (expected application/x-www-form-urlencoded)");
        }

        return new QueryParameters(values);
    }

    /// <summary>The value of <paramref name="name"/>, or null.</summary>
    public string? Optional(string name) => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>The non-empty value of <paramref name="name"/>; absent or empty is refused.</summary>
    public string Required(string name) =>
        Optional(name) is { Length: > 0 } value ? value : throw new UnmappedRequestException($"parameter {name} is missing");

    /// <summary>Whether any parameter's name starts with <paramref name="prefix"/> (e.g. <c>Tags.member.</c>).</summary>
    public bool AnyStartingWith(string prefix) => _values.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));

    private static void Add(Dictionary<string, string> values, string text, string where)
    {
        // Counted before splitting: a body of '&'s must not become millions of strings.
        if (text.AsSpan().Count('&') >= MaxParameters)
        {
            throw new UnmappedRequestException($"{where} has more than {MaxParameters} parameters");
        }

        foreach (var pair in text.Split('&'))
        {
            if (pair.Length == 0)
            {
                continue;
            }

            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = PercentEncoding.Decode(equals < 0 ? pair : pair[..equals], plusIsSpace: true, $"a parameter name in {where}");
            var value = equals < 0 ? "" : PercentEncoding.Decode(pair[(equals + 1)..], plusIsSpace: true, $"parameter {name} in {where}");
            if (name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!values.TryAdd(name, value))
            {
                throw new UnmappedRequestException($"parameter {name} is given more than once");
            }
        }
    }
}
