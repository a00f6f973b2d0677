namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// What the map reads from DynamoDB expressions: the top-level attribute names a projection or
/// an update names, and the values a key condition compares the partition key with by <c>=</c>.
/// </summary>
internal static class DynamoDbExpressions
{
    private static readonly string[] UpdateClauses = ["SET", "REMOVE", "ADD", "DELETE"];

    /// <summary>
    /// The top-level attribute of every path of a <c>ProjectionExpression</c>
    /// (<c>a, #b.c, d[2]</c> → <c>a</c>, the name <c>#b</c> stands for, <c>d</c>).
    /// </summary>
    public static IReadOnlyList<string> ProjectionNames(string expression, IReadOnlyDictionary<string, string> names)
    {
        const string What = "ProjectionExpression";
        var tokens = DynamoDbExpressionTokens.Read(expression, What);
        var result = new List<string>();
        foreach (var path in Split(tokens, What))
        {
            RequirePath(path, What);
            result.Add(DynamoDbExpressionTokens.AttributeName(path[0], names, What));
        }

        return result;
    }

    /// <summary>
    /// The top-level attribute every action of an <c>UpdateExpression</c> sets, removes, adds to or
    /// deletes from (<c>SET a = :x, #b = :y REMOVE c</c> → <c>a</c>, the name <c>#b</c> stands for, <c>c</c>).
    /// </summary>
    public static IReadOnlyList<string> UpdateTargets(string expression, IReadOnlyDictionary<string, string> names)
    {
        const string What = "UpdateExpression";
        var tokens = DynamoDbExpressionTokens.Read(expression, What);
        var clauses = new List<(string Keyword, List<DynamoDbToken> Tokens)>();
        var depth = 0;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            depth += token.Is("(") ? 1 : token.Is(")") ? -1 : 0;
            if (depth == 0 && token.Kind == DynamoDbTokenKind.Name && (i == 0 || !tokens[i - 1].Is("."))
                && UpdateClauses.FirstOrDefault(k => k.Equals(token.Text, StringComparison.OrdinalIgnoreCase)) is { } keyword)
            {
                clauses.Add((keyword, []));
            }
            else if (clauses.Count == 0)
            {
                throw new UnmappedRequestException($"{What} does not start with SET, REMOVE, ADD or DELETE");
            }
            else
            {
                clauses[^1].Tokens.Add(token);
            }
        }

        if (clauses.Count == 0)
        {
            throw new UnmappedRequestException($"{What} is empty");
        }

        var result = new List<string>();
        foreach (var (keyword, clause) in clauses)
        {
            foreach (var action in Split(clause, What))
            {
                if (!action[0].IsAttributeName || (action.Count > 1 && !(action[1].Is(".") || action[1].Is("[") || action[1].Is("=") || action[1].Kind == DynamoDbTokenKind.ValuePlaceholder)))
                {
                    throw new UnmappedRequestException($"{What} has a {keyword} action that does not start with an attribute path");
                }

                result.Add(DynamoDbExpressionTokens.AttributeName(action[0], names, What));
            }
        }

        return result;
    }

    /// <summary>
    /// The value placeholders a <c>KeyConditionExpression</c> compares <paramref name="partitionKey"/>
    /// with by <c>=</c> (<c>#p = :v</c> or <c>:v = #p</c>); none when it does not.
    /// </summary>
    public static IReadOnlyList<string> PartitionKeyValues(string expression, IReadOnlyDictionary<string, string> names, string partitionKey)
    {
        const string What = "KeyConditionExpression";
        var tokens = DynamoDbExpressionTokens.Read(expression, What);
        var result = new List<string>();
        for (var i = 1; i < tokens.Count - 1; i++)
        {
            if (!tokens[i].Is("="))
            {
                continue;
            }

            var (left, right) = (tokens[i - 1], tokens[i + 1]);
            var leftIsTopLevelName = left.IsAttributeName && (i < 2 || !tokens[i - 2].Is("."));
            var rightIsTopLevelName = right.IsAttributeName && (i + 2 >= tokens.Count || !(tokens[i + 2].Is(".") || tokens[i + 2].Is("[") || tokens[i + 2].Is("(")));
            if (leftIsTopLevelName && right.Kind == DynamoDbTokenKind.ValuePlaceholder && DynamoDbExpressionTokens.AttributeName(left, names, What) == partitionKey)
            {
                result.Add(right.Text);
            }
            else if (rightIsTopLevelName && left.Kind == DynamoDbTokenKind.ValuePlaceholder && DynamoDbExpressionTokens.AttributeName(right, names, What) == partitionKey)
            {
                result.Add(left.Text);
            }
        }

        return result;
    }

    /// <summary>Splits tokens at the commas outside parentheses; an empty part is refused.</summary>
    private static List<List<DynamoDbToken>> Split(List<DynamoDbToken> tokens, string what)
    {
        var parts = new List<List<DynamoDbToken>> { new() };
        var depth = 0;
        foreach (var token in tokens)
        {
            depth += token.Is("(") ? 1 : token.Is(")") ? -1 : 0;
            if (depth < 0)
            {
                throw new UnmappedRequestException($"{what} has unbalanced parentheses");
            }

            if (depth == 0 && token.Is(","))
            {
                parts.Add([]);
            }
            else
            {
                parts[^1].Add(token);
            }
        }

        if (depth != 0 || parts.Any(p => p.Count == 0))
        {
            throw new UnmappedRequestException($"{what} is malformed");
        }

        return parts;
    }

    /// <summary>Refuses anything but a document path: a name, then <c>.name</c> and <c>[n]</c> parts.</summary>
    private static void RequirePath(List<DynamoDbToken> path, string what)
    {
        var i = 0;
        if (!path[i++].IsAttributeName)
        {
            throw new UnmappedRequestException($"{what} has a path that does not start with an attribute name");
        }

        while (i < path.Count)
        {
            if (path[i].Is(".") && i + 1 < path.Count && path[i + 1].IsAttributeName)
            {
                i += 2;
            }
            else if (path[i].Is("[") && i + 2 < path.Count && path[i + 1].Kind == DynamoDbTokenKind.Number && path[i + 2].Is("]"))
            {
                i += 3;
            }
            else
            {
                throw new UnmappedRequestException($"{what} has something other than a document path");
            }
        }
    }
}
