namespace Functions.LocalCloud.Gateway;

/// <summary>A route that matched: its key, its function and the path parameters it captured.</summary>
internal sealed record RouteMatch(string RouteKey, string Function, IReadOnlyDictionary<string, string> PathParameters);

/// <summary>
/// The manifest's routes, matched as HTTP API matches them: the method exactly, the path segment
/// by segment, a literal segment before a <c>{parameter}</c> one (the most specific route wins),
/// and parameter values URL-decoded.
/// </summary>
internal sealed class RouteTable
{
    private readonly List<(string Method, string[] Segments, string Key, string Function)> _routes = [];

    /// <summary>Every route of every function of the manifest.</summary>
    public static RouteTable From(IEnumerable<Config.ManifestFunction> manifest)
    {
        var routes = new RouteTable();
        foreach (var function in manifest)
        {
            foreach (var route in function.Routes)
            {
                routes.Add(route, function.Name);
            }
        }

        return routes;
    }

    /// <summary>Adds <c>"METHOD /path/{param}"</c> for a function.</summary>
    public void Add(string routeKey, string function)
    {
        var space = routeKey.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || routeKey.Length <= space + 1 || routeKey[space + 1] != '/')
        {
            throw new ArgumentException($"'{routeKey}' is not a route key of the form \"METHOD /path\".", nameof(routeKey));
        }

        _routes.Add((routeKey[..space], Split(routeKey[(space + 1)..]), routeKey, function));
    }

    /// <summary>The route for a request, or null (the gateway answers 404).</summary>
    public RouteMatch? Match(string method, string rawPath)
    {
        var segments = Split(rawPath);
        RouteMatch? best = null;
        var bestLiterals = -1;
        foreach (var (routeMethod, pattern, key, function) in _routes)
        {
            if (routeMethod != method || pattern.Length != segments.Length)
            {
                continue;
            }

            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            var literals = 0;
            var matched = true;
            for (var i = 0; i < pattern.Length && matched; i++)
            {
                if (pattern[i].StartsWith('{') && pattern[i].EndsWith('}'))
                {
                    var value = Uri.UnescapeDataString(segments[i]);
                    matched = value.Length > 0;
                    parameters[pattern[i][1..^1]] = value;
                }
                else
                {
                    matched = pattern[i] == segments[i];
                    literals++;
                }
            }

            if (matched && literals > bestLiterals)
            {
                best = new RouteMatch(key, function, parameters);
                bestLiterals = literals;
            }
        }

        return best;
    }

    // "/events/" is not "/events": an empty segment matches neither a literal nor a parameter.
    private static string[] Split(string path) => path is "" or "/" ? [] : path.TrimStart('/').Split('/');
}
