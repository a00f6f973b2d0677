namespace Functions.LocalCloud.Auth.Aws;

/// <summary>The kinds of token in a DynamoDB expression.</summary>
internal enum DynamoDbTokenKind
{
    /// <summary>An attribute name written as is (<c>price</c>), a keyword or a function name.</summary>
    Name,

    /// <summary>An expression attribute name (<c>#p</c>).</summary>
    NamePlaceholder,

    /// <summary>An expression attribute value (<c>:v</c>).</summary>
    ValuePlaceholder,

    /// <summary>A list index (<c>3</c> in <c>a[3]</c>).</summary>
    Number,

    /// <summary>Punctuation or a comparator: <c>= &lt;&gt; &lt; &lt;= &gt; &gt;= ( ) , . [ ] + -</c>.</summary>
    Symbol,
}

/// <summary>One token of a DynamoDB expression.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">Its text as written.</param>
internal readonly record struct DynamoDbToken(DynamoDbTokenKind Kind, string Text)
{
    public bool Is(string symbol) => Kind == DynamoDbTokenKind.Symbol && Text == symbol;

    public bool IsAttributeName => Kind is DynamoDbTokenKind.Name or DynamoDbTokenKind.NamePlaceholder;
}

/// <summary>
/// Splits DynamoDB expressions (projection, key condition, update) into tokens. Anything that is
/// not part of DynamoDB's expression syntax is refused, as DynamoDB refuses it.
/// </summary>
internal static class DynamoDbExpressionTokens
{
    /// <summary>DynamoDB's limit on an expression string (DynamoDB Developer Guide, "Expression parameters": 4 KB).</summary>
    public const int MaxExpressionLength = 4096;

    /// <summary>The tokens of <paramref name="expression"/>.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="what">Which expression, for the refusal.</param>
    public static List<DynamoDbToken> Read(string expression, string what)
    {
        if (expression.Length > MaxExpressionLength)
        {
            throw new UnmappedRequestException($"{what} is {expression.Length} characters, over DynamoDB's {MaxExpressionLength}");
        }

        var tokens = new List<DynamoDbToken>();
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                tokens.Add(new(DynamoDbTokenKind.Name, Word(expression, ref i, 0)));
            }
            else if (c is '#' or ':')
            {
                var word = Word(expression, ref i, 1);
                if (word.Length == 1)
                {
                    throw new UnmappedRequestException($"{what} has a lone '{c}'");
                }

                tokens.Add(new(c == '#' ? DynamoDbTokenKind.NamePlaceholder : DynamoDbTokenKind.ValuePlaceholder, word));
            }
            else if (char.IsAsciiDigit(c))
            {
                tokens.Add(new(DynamoDbTokenKind.Number, Word(expression, ref i, 0)));
            }
            else if (i + 1 < expression.Length && expression.Substring(i, 2) is "<>" or "<=" or ">=")
            {
                tokens.Add(new(DynamoDbTokenKind.Symbol, expression.Substring(i, 2)));
                i += 2;
            }
            else if (c is '=' or '<' or '>' or '(' or ')' or ',' or '.' or '[' or ']' or '+' or '-')
            {
                tokens.Add(new(DynamoDbTokenKind.Symbol, c.ToString()));
                i++;
            }
            else
            {
                throw new UnmappedRequestException($"{what} has a character outside DynamoDB's expression syntax ('{c}')");
            }
        }

        return tokens;
    }

    /// <summary>Resolves an attribute-name token: a placeholder through <paramref name="names"/> (an unknown one is refused), a name as it is.</summary>
    public static string AttributeName(DynamoDbToken token, IReadOnlyDictionary<string, string> names, string what) =>
        token.Kind == DynamoDbTokenKind.NamePlaceholder
            ? names.TryGetValue(token.Text, out var name) ? name : throw new UnmappedRequestException($"{what} uses {token.Text}, which ExpressionAttributeNames does not define")
            : token.Text;

    private static string Word(string expression, ref int i, int skip)
    {
        var start = i;
        i += skip;
        while (i < expression.Length && (char.IsAsciiLetterOrDigit(expression[i]) || expression[i] == '_'))
        {
            i++;
        }

        return expression[start..i];
    }
}
