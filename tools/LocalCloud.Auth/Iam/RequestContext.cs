namespace Functions.LocalCloud.Auth.Iam;

/// <summary>
/// The condition keys of one request, as IAM's request context holds them: a name (matched
/// case-insensitively, as IAM matches key names) and one value or several (multivalued keys such
/// as <c>dynamodb:Attributes</c>). A key that is not here is absent from the request.
/// </summary>
public sealed class RequestContext
{
    private readonly Dictionary<string, IReadOnlyList<string>> _keys;

    /// <summary>A context holding <paramref name="keys"/> (a later duplicate name replaces an earlier one).</summary>
    /// <param name="keys">Key names and their values.</param>
    public RequestContext(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in keys)
        {
            _keys[name] = values;
        }
    }

    /// <summary>A request with no condition keys.</summary>
    public static RequestContext Empty { get; } = new([]);

    /// <summary>Every key and its values.</summary>
    public IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> Keys => _keys;

    /// <summary>The values of <paramref name="key"/>, when the request has it.</summary>
    /// <param name="key">The key name, e.g. <c>s3:prefix</c>.</param>
    /// <param name="values">Its values.</param>
    public bool TryGet(string key, out IReadOnlyList<string> values)
    {
        if (_keys.TryGetValue(key, out var found))
        {
            values = found;
            return true;
        }

        values = [];
        return false;
    }

    /// <summary>This context with <paramref name="more"/> added (replacing keys of the same name).</summary>
    /// <param name="more">The keys to add.</param>
    public RequestContext With(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> more) => new(_keys.Concat(more));

    /// <summary>
    /// <paramref name="text"/> with its policy variables (<c>${aws:username}</c>, <c>${aws:PrincipalTag/team}</c>,
    /// and the literal escapes <c>${*}</c>, <c>${?}</c>, <c>${$}</c>) replaced by this request's
    /// values; null when a variable names a key the request lacks or holds several values for
    /// (IAM then takes the resource or condition value not to match).
    /// </summary>
    /// <param name="text">A resource or condition value of a 2012-10-17 policy.</param>
    public string? Substitute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = text.IndexOf("${", StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var result = new System.Text.StringBuilder(text.Length);
        var at = 0;
        while (start >= 0)
        {
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                break;
            }

            result.Append(text, at, start - at);
            var name = text[(start + 2)..end];
            switch (name)
            {
                // IAM's escapes for a literal *, ? or $. The matcher reads * and ? as wildcards
                // again, so "${*}" matches any run here where IAM matches only a star: it can only
                // widen a Deny or an Allow's resource, and no policy of this stack uses it.
                case "*" or "?" or "$":
                    result.Append(name);
                    break;
                default:
                    if (!TryGet(name, out var values) || values.Count != 1)
                    {
                        return null;
                    }

                    result.Append(values[0]);
                    break;
            }

            at = end + 1;
            start = text.IndexOf("${", at, StringComparison.Ordinal);
        }

        result.Append(text, at, text.Length - at);
        return result.ToString();
    }
}
