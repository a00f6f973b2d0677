using System.Text.Json;

namespace Functions.LocalCloud.Auth.Iam;

/// <summary>A statement's <c>Effect</c>.</summary>
public enum PolicyEffect
{
    /// <summary><c>"Allow"</c>.</summary>
    Allow,

    /// <summary><c>"Deny"</c>.</summary>
    Deny,
}

/// <summary>
/// One statement of an identity policy, as far as <see cref="IamPolicyEvaluator"/> reads it:
/// effect, <c>Action</c>/<c>NotAction</c>, <c>Resource</c>/<c>NotResource</c> (a string or an
/// array each), and whether it carries what the evaluator does not evaluate.
/// </summary>
public sealed class PolicyStatement
{
    internal PolicyStatement()
    {
    }

    /// <summary>The statement's <c>Sid</c>, or its position (<c>#1</c>, <c>#2</c>, …) when it has none.</summary>
    public required string Id { get; init; }

    /// <summary>The effect; null when the statement is malformed (see <see cref="Problem"/>).</summary>
    public PolicyEffect? Effect { get; init; }

    /// <summary><c>Action</c> patterns, or null.</summary>
    public IReadOnlyList<string>? Action { get; init; }

    /// <summary><c>NotAction</c> patterns, or null.</summary>
    public IReadOnlyList<string>? NotAction { get; init; }

    /// <summary><c>Resource</c> patterns, or null.</summary>
    public IReadOnlyList<string>? Resource { get; init; }

    /// <summary><c>NotResource</c> patterns, or null.</summary>
    public IReadOnlyList<string>? NotResource { get; init; }

    /// <summary>The statement has a <c>Condition</c>.</summary>
    public bool HasCondition => Conditions.Count > 0;

    /// <summary>The <c>Condition</c> element's clauses (empty without one).</summary>
    public IReadOnlyList<ConditionClause> Conditions { get; init; } = [];

    /// <summary>The document is of version 2012-10-17, where <c>${…}</c> are policy variables.</summary>
    public bool SubstitutesVariables { get; init; }

    /// <summary>The statement has <c>Principal</c> or <c>NotPrincipal</c> (IAM refuses these in identity policies).</summary>
    public bool HasPrincipal { get; init; }

    /// <summary>A <c>Resource</c> or <c>NotResource</c> uses a policy variable (<c>${…}</c>, not evaluated).</summary>
    public bool HasPolicyVariable { get; init; }

    /// <summary>Why the statement is malformed, or null. IAM refuses such statements; moto may keep them.</summary>
    public string? Problem { get; init; }
}

/// <summary>An IAM policy document, parsed with <see cref="JsonDocument"/>.</summary>
public sealed class PolicyDocument
{
    private PolicyDocument(IReadOnlyList<PolicyStatement> statements, string? problem)
    {
        Statements = statements;
        Problem = problem;
    }

    /// <summary>The statements (one malformed statement when the document could not be read).</summary>
    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Why the document could not be read, or null.</summary>
    public string? Problem { get; }

    /// <summary>
    /// Reads a policy document. Never throws: a document that is not valid JSON or has no
    /// statements becomes one malformed statement, which the evaluator treats as a deny.
    /// </summary>
    /// <param name="json">The policy JSON.</param>
    public static PolicyDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Statement", out var statement))
            {
                return Unreadable("the document has no Statement");
            }

            var version = root.TryGetProperty("Version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var elements = statement.ValueKind switch
            {
                JsonValueKind.Array => statement.EnumerateArray().ToList(),
                JsonValueKind.Object => [statement],
                _ => null,
            };
            if (elements is null || elements.Count == 0)
            {
                return Unreadable("Statement is neither an object nor a non-empty array");
            }

            return new PolicyDocument([.. elements.Select((e, i) => ReadStatement(e, i, version))], null);
        }
        catch (JsonException e)
        {
            return Unreadable("the document is not valid JSON: " + e.Message);
        }
    }

    /// <summary>A document that could not be had; its one malformed statement denies.</summary>
    internal static PolicyDocument Unreadable(string problem) =>
        new([new PolicyStatement { Id = "#1", Problem = problem }], problem);

    private static PolicyStatement ReadStatement(JsonElement element, int index, string? version)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new PolicyStatement { Id = $"#{index + 1}", Problem = "the statement is not an object" };
        }

        var id = element.TryGetProperty("Sid", out var sid) && sid.ValueKind == JsonValueKind.String && sid.GetString() is { Length: > 0 } s
            ? s
            : $"#{index + 1}";
        var problems = new List<string>();
        PolicyEffect? effect = element.TryGetProperty("Effect", out var e) && e.ValueKind == JsonValueKind.String
            ? e.GetString() switch
            {
                "Allow" => PolicyEffect.Allow,
                "Deny" => PolicyEffect.Deny,
                _ => null,
            }
            : null;
        if (effect is null)
        {
            problems.Add("Effect is neither \"Allow\" nor \"Deny\"");
        }

        var action = Strings(element, "Action", problems);
        var notAction = Strings(element, "NotAction", problems);
        var resource = Strings(element, "Resource", problems);
        var notResource = Strings(element, "NotResource", problems);
        if ((action is null) == (notAction is null))
        {
            problems.Add("a statement needs exactly one of Action and NotAction");
        }

        if ((resource is null) == (notResource is null))
        {
            problems.Add("a statement needs exactly one of Resource and NotResource");
        }

        // Policy variables are substituted only in documents of version 2012-10-17; in older
        // ones ${…} is literal text.
        var variables = version == "2012-10-17"
            && (resource ?? notResource ?? []).Any(r => r.Contains("${", StringComparison.Ordinal));
        var conditions = element.TryGetProperty("Condition", out var condition) ? PolicyCondition.Parse(condition, problems) : [];
        return new PolicyStatement
        {
            Id = id,
            Effect = effect,
            Action = action,
            NotAction = notAction,
            Resource = resource,
            NotResource = notResource,
            Conditions = conditions,
            SubstitutesVariables = version == "2012-10-17",
            HasPrincipal = element.TryGetProperty("Principal", out _) || element.TryGetProperty("NotPrincipal", out _),
            HasPolicyVariable = variables,
            Problem = problems.Count == 0 ? null : string.Join("; ", problems),
        };
    }

    private static List<string>? Strings(JsonElement statement, string name, List<string> problems)
    {
        if (!statement.TryGetProperty(name, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return [value.GetString()!];
            case JsonValueKind.Array when value.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String):
                return [.. value.EnumerateArray().Select(i => i.GetString()!)];
            default:
                problems.Add($"{name} is neither a string nor an array of strings");
                return [];
        }
    }
}
