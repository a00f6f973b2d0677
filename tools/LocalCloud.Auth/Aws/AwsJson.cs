using System.Text.Json;
using System.Text.Unicode;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// Reads the JSON bodies of the AWS JSON protocols (DynamoDB, SQS, KMS) within budgets, since
/// the bodies are hostile input: at most <see cref="AwsRequestMap.MaxBodyBytes"/> bytes, nesting at
/// most <see cref="AwsRequestMap.MaxJsonDepth"/> deep, no duplicate property names (the map and
/// the service could read different ones), no comments or trailing commas. A JSON <c>null</c>
/// reads as an absent member, as the services read it.
/// </summary>
internal static class AwsJson
{
    private static readonly JsonDocumentOptions Options = new()
    {
        MaxDepth = AwsRequestMap.MaxJsonDepth,
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>Parses the body, which must be one JSON object.</summary>
    public static JsonDocument ParseObject(ReadOnlyMemory<byte> body)
    {
        if (body.Length > AwsRequestMap.MaxBodyBytes)
        {
            throw new UnmappedRequestException($"the JSON body is {body.Length} bytes, over the budget of {AwsRequestMap.MaxBodyBytes}");
        }

        if (!Utf8.IsValid(body.Span))
        {
            throw new UnmappedRequestException("the JSON body is unreadable: it is not UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, Options);
        }
        catch (JsonException e)
        {
            throw new UnmappedRequestException("the JSON body is unreadable: " + e.Message);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new UnmappedRequestException("the JSON body is not an object");
        }

        return document;
    }

    /// <summary>
    /// A JSON string's text. A string escaping a lone surrogate (<c>"\ud800"</c>) is valid JSON but
    /// no text; it is refused as such rather than left to throw.
    /// </summary>
    public static string Text(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new UnmappedRequestException("a JSON string escapes a lone surrogate (not text)");
        }
    }

    /// <summary>The member <paramref name="name"/> of <paramref name="element"/> when it is present and not null.</summary>
    public static JsonElement? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>The string member <paramref name="name"/>, or null; another kind of value is refused.</summary>
    public static string? OptionalString(JsonElement element, string name) =>
        Member(element, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => Text(value),
            _ => throw new UnmappedRequestException($"{name} is not a string"),
        };

    /// <summary>The non-empty string member <paramref name="name"/>; absent or empty is refused.</summary>
    public static string RequiredString(JsonElement element, string name) =>
        OptionalString(element, name) is { Length: > 0 } value ? value : throw new UnmappedRequestException($"{name} is missing");

    /// <summary>The object member <paramref name="name"/>, or null; another kind of value is refused.</summary>
    public static JsonElement? OptionalObject(JsonElement element, string name) =>
        Member(element, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Object } value => value,
            _ => throw new UnmappedRequestException($"{name} is not an object"),
        };

    /// <summary>The object member <paramref name="name"/>; absent is refused.</summary>
    public static JsonElement RequiredObject(JsonElement element, string name) =>
        OptionalObject(element, name) ?? throw new UnmappedRequestException($"{name} is missing");

    /// <summary>The array member <paramref name="name"/>, or null; another kind of value is refused.</summary>
    public static JsonElement? OptionalArray(JsonElement element, string name) =>
        Member(element, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Array } value => value,
            _ => throw new UnmappedRequestException($"{name} is not an array"),
        };

    /// <summary>The array member <paramref name="name"/>; absent is refused.</summary>
    public static JsonElement RequiredArray(JsonElement element, string name) =>
        OptionalArray(element, name) ?? throw new UnmappedRequestException($"{name} is missing");

    /// <summary>The strings of the array member <paramref name="name"/>, or null; a non-string entry is refused.</summary>
    public static IReadOnlyList<string>? OptionalStrings(JsonElement element, string name)
    {
        if (OptionalArray(element, name) is not { } array)
        {
            return null;
        }

        var values = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            values.Add(item.ValueKind == JsonValueKind.String ? Text(item) : throw new UnmappedRequestException($"{name} has an entry that is not a string"));
        }

        return values;
    }

    /// <summary>The string-to-string map member <paramref name="name"/> (e.g. an encryption context), or null; a non-string value is refused.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? OptionalStringMap(JsonElement element, string name)
    {
        if (OptionalObject(element, name) is not { } map)
        {
            return null;
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var property in map.EnumerateObject())
        {
            pairs.Add(new(property.Name, property.Value.ValueKind == JsonValueKind.String
                ? Text(property.Value)
                : throw new UnmappedRequestException($"{name}.{property.Name} is not a string")));
        }

        return pairs;
    }
}
