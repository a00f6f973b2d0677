using System.Text;

namespace Functions.LambdaKit.Http;

/// <summary>
/// The query string, parsed strictly from <c>rawQueryString</c>: API Gateway's
/// <c>queryStringParameters</c> joins repeated values with commas, which makes a value that
/// contains a comma indistinguishable from two values.
/// </summary>
public sealed class QueryParameters
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // A presigned request's SigV4 authentication (API Gateway verified it before the function
    // runs, and passes the query string on as it came): never a route's own parameter.
    private static readonly string[] SigV4QueryAuthentication =
        ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"];
    private readonly Dictionary<string, List<string>> _values;

    private QueryParameters(Dictionary<string, List<string>> values) => _values = values;

    /// <summary>The distinct parameter names present.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>
    /// Parses the request's query. Percent-escapes must be well formed and decode to valid
    /// UTF-8; '+' means a space (as in HTML forms). The SigV4 query authentication of a presigned
    /// request (<c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, <c>X-Amz-Date</c>,
    /// <c>X-Amz-Expires</c>, <c>X-Amz-SignedHeaders</c>, <c>X-Amz-Signature</c>,
    /// <c>X-Amz-Security-Token</c>) is left out: the gateway has verified it.
    /// </summary>
    /// <exception cref="ProblemException">400 when the query string is malformed.</exception>
    public static QueryParameters From(APIGatewayHttpApiV2ProxyRequest request)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (request.RawQueryString is { Length: > 0 } raw)
        {
            foreach (var pair in raw.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Decode(equals < 0 ? pair : pair[..equals]);
                var value = equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
                Add(values, name, value);
            }
        }
        else if (request.RawQueryString is null && request.QueryStringParameters is { } decoded)
        {
            foreach (var (name, value) in decoded)
            {
                Add(values, name, value);
            }
        }

        return new QueryParameters(values);
    }

    /// <summary>Rejects any parameter not in <paramref name="allowed"/>, so a misspelt name is not silently ignored.</summary>
    /// <exception cref="ProblemException">400 naming the first unknown parameter.</exception>
    public void RejectUnknown(params ReadOnlySpan<string> allowed)
    {
        foreach (var name in _values.Keys)
        {
            if (!allowed.Contains(name))
            {
                var accepted = allowed.Length == 0
                    ? "This route takes no query parameters."
                    : $"This route accepts: {string.Join(", ", allowed.ToArray())}.";
                throw ProblemException.InvalidParameter($"Unknown query parameter '{ProblemText.Printable(name)}'. {accepted}");
            }
        }
    }

    /// <summary>
    /// A page size: <paramref name="defaultValue"/> when absent, else ASCII digits (no sign, no
    /// spaces, at most as many as <paramref name="max"/> has, checked before parsing) from 1 to
    /// <paramref name="max"/>.
    /// </summary>
    /// <exception cref="ProblemException">400 naming the parameter and the range.</exception>
    public int GetPageSize(string name, int defaultValue, int max)
    {
        var text = GetSingle(name);
        if (text is null)
        {
            return defaultValue;
        }

        return text.Length <= max.ToString(System.Globalization.CultureInfo.InvariantCulture).Length
               && text.All(char.IsAsciiDigit)
               && int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
               && value >= 1 && value <= max
            ? value
            : throw ProblemException.InvalidParameter($"{name} must be a whole number from 1 to {max}.");
    }

    /// <summary>The raw <c>cursor</c> of a listing, or null for the first page.</summary>
    /// <exception cref="ProblemException">400 when it is empty or repeated.</exception>
    public string? GetCursor()
    {
        var cursor = GetSingle("cursor");
        return cursor is { Length: 0 } ? throw ProblemException.InvalidParameter("cursor is empty; omit it for the first page.") : cursor;
    }

    /// <summary>The parameter's value, or null when absent.</summary>
    /// <exception cref="ProblemException">400 when the parameter is given more than once.</exception>
    public string? GetSingle(string name)
    {
        if (!_values.TryGetValue(name, out var list))
        {
            return null;
        }

        return list.Count == 1
            ? list[0]
            : throw ProblemException.InvalidParameter($"Query parameter '{name}' is given {list.Count} times; give it once.");
    }

    private static void Add(Dictionary<string, List<string>> values, string name, string value)
    {
        if (SigV4QueryAuthentication.Contains(name, StringComparer.Ordinal))
        {
            return;
        }

        if (!values.TryGetValue(name, out var list))
        {
            list = [];
            values[name] = list;
        }

        list.Add(value);
    }

    private static string Decode(string encoded)
    {
        if (encoded.AsSpan().IndexOfAny('%', '+') < 0)
        {
            return encoded;
        }

        var source = Encoding.UTF8.GetBytes(encoded);
        var decoded = new byte[source.Length];
        var length = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var b = source[i];
            if (b == '+')
            {
                decoded[length++] = (byte)' ';
            }
            else if (b == '%')
            {
                if (i + 2 >= source.Length || !IsHex(source[i + 1]) || !IsHex(source[i + 2]))
                {
                    throw ProblemException.InvalidParameter("The query string has a malformed percent-escape; encode '%' as %25.");
                }

                decoded[length++] = (byte)((HexValue(source[i + 1]) << 4) | HexValue(source[i + 2]));
                i += 2;
            }
            else
            {
                decoded[length++] = b;
            }
        }

        try
        {
            return StrictUtf8.GetString(decoded, 0, length);
        }
        catch (DecoderFallbackException exception)
        {
            throw new ProblemException(400, ProblemTypes.InvalidParameter, "Invalid parameter",
                "The query string decodes to invalid UTF-8.", exception);
        }
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
