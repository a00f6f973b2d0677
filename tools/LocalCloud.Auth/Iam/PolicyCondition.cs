using System.Globalization;
using System.Text.Json;

namespace Functions.LocalCloud.Auth.Iam;

/// <summary>One test of a statement's <c>Condition</c>: an operator, a key and the policy's values.</summary>
/// <param name="Operator">As written, e.g. <c>ForAnyValue:StringLike</c> or <c>StringEqualsIfExists</c>.</param>
/// <param name="Key">The condition key, e.g. <c>s3:prefix</c>.</param>
/// <param name="Values">The policy's values (JSON booleans and numbers as their text).</param>
public sealed record ConditionClause(string Operator, string Key, IReadOnlyList<string> Values);

/// <summary>
/// Evaluates a statement's condition clauses against a <see cref="RequestContext"/>, with IAM's
/// rules (IAM User Guide, "Condition operators" and "Set operators for multivalued context keys"):
/// every clause must hold; within a clause any one policy value may match; a key absent from the
/// request makes a positive operator false and a negated one (<c>…Not…</c>) true, except with
/// <c>…IfExists</c> (absent → true) and <c>Null</c> (tests presence); <c>ForAnyValue:</c> holds when
/// some request value matches (false for an absent key), <c>ForAllValues:</c> when every request
/// value matches (true for an absent or empty key). Policy variables in values are substituted.
/// </summary>
/// <remarks>Evaluated: the String, Arn, Bool, Numeric and Null operators. Any other operator
/// (Date, IpAddress, Binary) is reported as unsupported, and the evaluator then treats the
/// statement so that nothing is allowed that AWS might deny.</remarks>
public static class PolicyCondition
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
        "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike", "Bool", "Null",
        "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    };

    /// <summary>Reads a <c>Condition</c> element; a problem makes the statement malformed.</summary>
    internal static List<ConditionClause> Parse(JsonElement condition, List<string> problems)
    {
        var clauses = new List<ConditionClause>();
        if (condition.ValueKind != JsonValueKind.Object)
        {
            problems.Add("Condition is not an object");
            return clauses;
        }

        foreach (var op in condition.EnumerateObject())
        {
            if (op.Value.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"Condition operator {op.Name} does not map keys to values");
                continue;
            }

            foreach (var key in op.Value.EnumerateObject())
            {
                var values = key.Value.ValueKind == JsonValueKind.Array ? key.Value.EnumerateArray().ToList() : [key.Value];
                if (values.Any(v => v.ValueKind is not (JsonValueKind.String or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Number)))
                {
                    problems.Add($"Condition {op.Name} {key.Name} has a value that is not a string, number or boolean");
                    continue;
                }

                clauses.Add(new ConditionClause(op.Name, key.Name, [.. values.Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())]));
            }
        }

        return clauses;
    }

    /// <summary>The first clause whose operator is not evaluated, or null when all are.</summary>
    internal static string? Unsupported(IReadOnlyList<ConditionClause> clauses) =>
        clauses.FirstOrDefault(c => !Supported.Contains(BaseOperator(c.Operator)) || !KnownPrefix(c.Operator)) is { } clause
            ? $"condition operator {clause.Operator}"
            : null;

    private static bool KnownPrefix(string op)
    {
        var colon = op.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 || op[..colon] is "ForAnyValue" or "ForAllValues";
    }

    /// <summary>True when every clause holds for <paramref name="context"/>.</summary>
    /// <param name="clauses">The statement's clauses (all supported, see <see cref="Unsupported"/>).</param>
    /// <param name="context">The request's keys.</param>
    /// <param name="substituteVariables">Whether policy variables apply (documents of version 2012-10-17).</param>
    public static bool Holds(IReadOnlyList<ConditionClause> clauses, RequestContext context, bool substituteVariables)
    {
        ArgumentNullException.ThrowIfNull(clauses);
        ArgumentNullException.ThrowIfNull(context);
        return clauses.All(c => ClauseHolds(c, context, substituteVariables));
    }

    private static bool ClauseHolds(ConditionClause clause, RequestContext context, bool substituteVariables)
    {
        var op = clause.Operator;
        var forAny = op.StartsWith("ForAnyValue:", StringComparison.Ordinal);
        var forAll = op.StartsWith("ForAllValues:", StringComparison.Ordinal);
        var ifExists = op.EndsWith("IfExists", StringComparison.Ordinal) && op != "IfExists";
        var baseOp = BaseOperator(op);
        var present = context.TryGet(clause.Key, out var requestValues) && requestValues.Count > 0;
        if (baseOp == "Null")
        {
            // "true": the key must be absent; "false": present.
            return clause.Values.Any(v => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase) ? !present : present);
        }

        var policyValues = clause.Values.Select(v => substituteVariables ? context.Substitute(v) : v).ToList();
        var negated = baseOp.Contains("Not", StringComparison.Ordinal);
        if (forAll)
        {
            return !present || requestValues.All(r => ValueHolds(baseOp, negated, r, policyValues));
        }

        if (forAny)
        {
            return present && requestValues.Any(r => ValueHolds(baseOp, negated, r, policyValues));
        }

        if (!present)
        {
            return ifExists || negated;
        }

        return negated
            ? requestValues.All(r => ValueHolds(baseOp, negated, r, policyValues))
            : requestValues.Any(r => ValueHolds(baseOp, negated, r, policyValues));
    }

    /// <summary>A positive operator: some policy value matches. A negated one: none does.</summary>
    private static bool ValueHolds(string baseOp, bool negated, string requestValue, List<string?> policyValues)
    {
        var matchOp = negated ? baseOp.Replace("Not", "", StringComparison.Ordinal) : baseOp;
        var any = policyValues.Any(p => p is not null && Matches(matchOp, requestValue, p));
        return negated ? !any : any;
    }

    private static bool Matches(string op, string requestValue, string policyValue) => op switch
    {
        "StringEquals" => string.Equals(requestValue, policyValue, StringComparison.Ordinal),
        "StringEqualsIgnoreCase" => string.Equals(requestValue, policyValue, StringComparison.OrdinalIgnoreCase),
        "StringLike" => Wildcard.Matches(policyValue, requestValue, ignoreCase: false),
        "ArnEquals" or "ArnLike" => Wildcard.MatchesArn(policyValue, requestValue),
        "Bool" => string.Equals(requestValue, policyValue, StringComparison.OrdinalIgnoreCase),
        _ when op.StartsWith("Numeric", StringComparison.Ordinal) => NumericMatches(op, requestValue, policyValue),
        _ => false,
    };

    private static bool NumericMatches(string op, string requestValue, string policyValue)
    {
        if (!decimal.TryParse(requestValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var r)
            || !decimal.TryParse(policyValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var p))
        {
            return false;
        }

        return op switch
        {
            "NumericEquals" => r == p,
            "NumericLessThan" => r < p,
            "NumericLessThanEquals" => r <= p,
            "NumericGreaterThan" => r > p,
            "NumericGreaterThanEquals" => r >= p,
            _ => false,
        };
    }

    /// <summary>The operator without its set prefix and <c>IfExists</c> suffix.</summary>
    private static string BaseOperator(string op)
    {
        var colon = op.IndexOf(':', StringComparison.Ordinal);
        var name = colon >= 0 ? op[(colon + 1)..] : op;
        return name.EndsWith("IfExists", StringComparison.Ordinal) && name != "IfExists" ? name[..^"IfExists".Length] : name;
    }
}
