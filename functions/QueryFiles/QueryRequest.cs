using System.Text.Json;
using System.Text.RegularExpressions;
using Functions.FileStore;
using Functions.LambdaKit.Http;

namespace Functions.QueryFiles;

/// <summary>
/// The validated body of <c>POST /query</c>:
/// <c>{ "sql": "…", "files": { "&lt;alias&gt;": "&lt;file id&gt;" }, "timeoutSeconds": n }</c>.
/// </summary>
/// <param name="Sql">One SELECT query over the aliases.</param>
/// <param name="Files">Alias → file id, in the order given; aliases are unique ignoring case.</param>
/// <param name="Timeout">The query's time limit.</param>
public sealed partial record QueryRequest(string Sql, IReadOnlyList<KeyValuePair<string, string>> Files, TimeSpan Timeout)
{
    /// <summary>Longest SQL text, in UTF-16 characters (64 Ki).</summary>
    public const int MaxSqlLength = 64 * 1024;

    private const int MaxBodyBytes = 128 * 1024;
    private const string Expected = "{ \"sql\": \"SELECT …\", \"files\": { \"alias\": \"file id\" } }";
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 4, AllowDuplicateProperties = false };

    /// <summary>Validates the request body.</summary>
    /// <exception cref="ProblemException">415, 413 or 400 saying what is wrong.</exception>
    public static QueryRequest Parse(HttpApiRequest request, QuerySettings settings)
    {
        using var document = request.ParseJson(MaxBodyBytes, Expected, ParseOptions);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw ProblemException.InvalidBody($"The body must be a JSON object: {Expected}.");
        }

        string? sql = null;
        List<KeyValuePair<string, string>>? files = null;
        var timeout = settings.DefaultTimeout;
        foreach (var member in document.RootElement.EnumerateObject())
        {
            switch (member.Name)
            {
                case "sql" when member.Value.ValueKind == JsonValueKind.String:
                    sql = member.Value.GetString();
                    break;
                case "files" when member.Value.ValueKind == JsonValueKind.Object:
                    files = ParseFiles(member.Value);
                    break;
                case "timeoutSeconds" when member.Value.ValueKind == JsonValueKind.Number:
                    var max = (int)settings.MaxTimeout.TotalSeconds;
                    timeout = member.Value.TryGetInt32(out var seconds) && seconds >= 1 && seconds <= max
                        ? TimeSpan.FromSeconds(seconds)
                        : throw ProblemException.InvalidBody($"timeoutSeconds must be a whole number from 1 to {max}.");
                    break;
                case "sql" or "files" or "timeoutSeconds":
                    throw ProblemException.InvalidBody($"{member.Name} has the wrong type: sql is a string, files an object, timeoutSeconds a number.");
                default:
                    throw ProblemException.InvalidBody($"Unknown member '{ProblemText.Printable(member.Name)}'. The body accepts sql, files and timeoutSeconds.");
            }
        }

        if (string.IsNullOrWhiteSpace(sql))
        {
            throw ProblemException.InvalidBody("sql is required: one SELECT query over the files' aliases.");
        }

        if (sql.Length > MaxSqlLength)
        {
            throw ProblemException.InvalidBody($"sql is longer than {MaxSqlLength} characters.");
        }

        if (sql.Contains('\0'))
        {
            throw ProblemException.InvalidBody("sql must not contain NUL characters.");
        }

        if (files is null)
        {
            throw ProblemException.InvalidBody($"files is required: an object of 1 to {QuerySettings.MaxFiles} aliases, each naming one of your files by id.");
        }

        return new QueryRequest(sql, files, timeout);
    }

    private static List<KeyValuePair<string, string>> ParseFiles(JsonElement files)
    {
        var result = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in files.EnumerateObject())
        {
            if (!Alias().IsMatch(entry.Name))
            {
                throw ProblemException.InvalidBody(
                    $"'{ProblemText.Printable(entry.Name)}' is not a valid alias: 1–64 characters of A–Z, a–z, 0–9 and _, not starting with a digit.");
            }

            // SQL identifiers ignore case, so "Sales" and "sales" would name the same view.
            if (!seen.Add(entry.Name))
            {
                throw ProblemException.InvalidBody($"The alias '{entry.Name}' is given twice (aliases are compared ignoring case).");
            }

            var id = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString() : null;
            if (!FileRules.IsValidId(id))
            {
                throw ProblemException.InvalidBody($"files.{entry.Name} must be a file id as returned by POST /files or POST /files/uploads.");
            }

            result.Add(new(entry.Name, id!));
        }

        return result.Count is >= 1 and <= QuerySettings.MaxFiles
            ? result
            : throw ProblemException.InvalidBody($"files must name 1 to {QuerySettings.MaxFiles} files; it names {result.Count}.");
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Alias();
}
