namespace Functions.LocalCloud.Auth.Aws;

/// <summary>Builds the condition keys of one <see cref="AccessCheck"/> (names case-insensitive, as IAM's are).</summary>
internal sealed class ConditionKeys
{
    private readonly Dictionary<string, List<string>> _keys = new(StringComparer.OrdinalIgnoreCase);

    // What each key already holds, so adding a value costs O(1) however many a request names.
    private readonly Dictionary<string, HashSet<string>> _seen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>No condition keys.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> None { get; } = new ConditionKeys().Build();

    /// <summary>Adds <paramref name="value"/> to the values of <paramref name="name"/> (once; a value already there is not repeated).</summary>
    public ConditionKeys Add(string name, string value)
    {
        if (!_keys.TryGetValue(name, out var values))
        {
            _keys[name] = values = [];
            _seen[name] = new HashSet<string>(StringComparer.Ordinal);
        }

        if (_seen[name].Add(value))
        {
            values.Add(value);
        }

        return this;
    }

    /// <summary>Adds <paramref name="value"/> when it is not null.</summary>
    public ConditionKeys AddIfPresent(string name, string? value) => value is null ? this : Add(name, value);

    /// <summary>Adds every value (none: the key stays absent).</summary>
    public ConditionKeys AddAll(string name, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            Add(name, value);
        }

        return this;
    }

    /// <summary>The keys as the check carries them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Build() =>
        _keys.ToDictionary(k => k.Key, k => (IReadOnlyList<string>)k.Value.AsReadOnly(), StringComparer.OrdinalIgnoreCase).AsReadOnly();
}
