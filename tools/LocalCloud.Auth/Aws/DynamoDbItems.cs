using System.Text.Json;
using System.Text.RegularExpressions;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// What the DynamoDB map reads from one request's items and keys: table names and ARNs,
/// <c>dynamodb:LeadingKeys</c> (the partition key's values) and <c>dynamodb:Attributes</c>.
/// </summary>
internal sealed partial class DynamoDbItems
{
    private readonly MapRequest _request;

    public DynamoDbItems(MapRequest request)
    {
        _request = request;
    }

    /// <summary>The table's ARN, <c>arn:aws:dynamodb:{region}:{account}:table/{name}</c>.</summary>
    public string TableArn(string table) => $"arn:aws:dynamodb:{_request.Region}:{_request.Account}:table/{table}";

    /// <summary>
    /// The table member <paramref name="name"/> of <paramref name="element"/>: a table name, or the
    /// ARN of a table of the endpoint's region and the caller's account (read as its name).
    /// </summary>
    public string TableName(JsonElement element, string name = "TableName") => Table(AwsJson.RequiredString(element, name));

    /// <summary>Checks a table name (or a table ARN of this region and account, read as its name).</summary>
    public string Table(string value)
    {
        if (value.StartsWith("arn:", StringComparison.Ordinal))
        {
            var prefix = $"arn:aws:dynamodb:{_request.Region}:{_request.Account}:table/";
            value = value.StartsWith(prefix, StringComparison.Ordinal)
                ? value[prefix.Length..]
                : throw new UnmappedRequestException("the table ARN is not one of this region and account");
        }

        return ResourceName().IsMatch(value) ? value : throw new UnmappedRequestException("the table name is not a DynamoDB table name");
    }

    /// <summary>An index name, checked.</summary>
    public static string Index(string value) =>
        ResourceName().IsMatch(value) ? value : throw new UnmappedRequestException("IndexName is not a DynamoDB index name");

    /// <summary>
    /// The partition key's value in <paramref name="keyOrItem"/> (a <c>Key</c> or an <c>Item</c>)
    /// as <c>dynamodb:LeadingKeys</c> carries it; none when the table's partition key is unknown.
    /// A key or item without it, or with a value that is not a string, number or binary, is refused.
    /// </summary>
    public IEnumerable<string> LeadingKeys(string table, JsonElement keyOrItem, string what)
    {
        if (_request.Facts.PartitionKeyOf(table, null) is not { } partitionKey)
        {
            return [];
        }

        return AwsJson.Member(keyOrItem, partitionKey) is { } value
            ? [ScalarText(value, $"{what}.{partitionKey}")]
            : throw new UnmappedRequestException($"{what} lacks the partition key {partitionKey}");
    }

    /// <summary>
    /// The text of a string, number or binary attribute value (<c>{"S":"x"}</c> → <c>x</c>,
    /// <c>{"N":"5"}</c> → <c>5</c>, <c>{"B":"AQI="}</c> → <c>AQI=</c>, base64 as sent).
    /// </summary>
    public static string ScalarText(JsonElement value, string what)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            using var members = value.EnumerateObject();
            if (members.MoveNext())
            {
                var member = members.Current;
                if (!members.MoveNext() && member.Name is "S" or "N" or "B" && member.Value.ValueKind == JsonValueKind.String)
                {
                    return AwsJson.Text(member.Value);
                }
            }
        }

        throw new UnmappedRequestException($"{what} is not a string, number or binary attribute value");
    }

    /// <summary>The names an object's members carry (an item's attribute names).</summary>
    public static IEnumerable<string> MemberNames(JsonElement element) => element.EnumerateObject().Select(p => p.Name);

    /// <summary>The <c>ExpressionAttributeNames</c> of <paramref name="element"/> (empty when absent).</summary>
    public static IReadOnlyDictionary<string, string> ExpressionNames(JsonElement element) =>
        (AwsJson.OptionalStringMap(element, "ExpressionAttributeNames") ?? []).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    /// <summary>The attributes a read names: <c>ProjectionExpression</c>'s top-level names or <c>AttributesToGet</c>; none when it names none.</summary>
    public static IEnumerable<string> ReadAttributes(JsonElement element)
    {
        var projection = AwsJson.OptionalString(element, "ProjectionExpression");
        var toGet = AwsJson.OptionalStrings(element, "AttributesToGet");
        if (projection is not null && toGet is not null)
        {
            throw new UnmappedRequestException("both ProjectionExpression and AttributesToGet are given");
        }

        return projection is not null ? DynamoDbExpressions.ProjectionNames(projection, ExpressionNames(element)) : toGet ?? [];
    }

    /// <summary>The attributes an update names: the targets of <c>UpdateExpression</c>, or the names of the legacy <c>AttributeUpdates</c>.</summary>
    public static IEnumerable<string> UpdateAttributes(JsonElement element)
    {
        var expression = AwsJson.OptionalString(element, "UpdateExpression");
        var legacy = AwsJson.OptionalObject(element, "AttributeUpdates");
        if (expression is not null && legacy is not null)
        {
            throw new UnmappedRequestException("both UpdateExpression and AttributeUpdates are given");
        }

        return expression is not null ? DynamoDbExpressions.UpdateTargets(expression, ExpressionNames(element)) : legacy is { } updates ? MemberNames(updates) : [];
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{3,255}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceName();
}
