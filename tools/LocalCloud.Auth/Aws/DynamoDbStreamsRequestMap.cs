using System.Text.RegularExpressions;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// DynamoDB Streams requests (AWS JSON 1.0, <c>X-Amz-Target: DynamoDBStreams_20120810.{Operation}</c>,
/// signed for service <c>dynamodb</c>): <c>DescribeStream</c>, <c>GetShardIterator</c>,
/// <c>GetRecords</c> and <c>ListStreams</c>, each checked as <c>dynamodb:{Operation}</c>.
/// </summary>
/// <remarks>
/// <para>Resources: the stream's ARN, <c>arn:aws:dynamodb:{region}:{account}:table/{table}/stream/{label}</c>;
/// for <c>ListStreams</c>, <c>arn:aws:dynamodb:{region}:{account}:table/{table}/stream/*</c> when
/// it names a table, else <c>*</c>.</para>
/// <para><c>GetRecords</c> names only a shard iterator. AWS documents iterators as opaque; moto's
/// (moto/dynamodbstreams/models.py, <c>ShardIterator.arn</c>) are
/// <c>{stream ARN}|1|{base64 of 472 random bytes}</c>, the form AWS's own iterators have too,
/// so the stream ARN is the text before the first <c>|</c>. An iterator of another form is not
/// mapped.</para>
/// </remarks>
internal static partial class DynamoDbStreamsRequestMap
{
    /// <summary>The target prefix of the DynamoDB Streams API.</summary>
    public const string TargetPrefix = "DynamoDBStreams_20120810.";

    public static AwsCall Map(MapRequest request, string operation)
    {
        if (operation is not ("DescribeStream" or "GetShardIterator" or "GetRecords" or "ListStreams"))
        {
            throw new UnmappedRequestException("not a mapped operation");
        }

        using var document = request.ReadJsonBody();
        var body = document.RootElement;
        string arn;
        string? table;
        switch (operation)
        {
            case "ListStreams":
                var items = new DynamoDbItems(request);
                table = AwsJson.OptionalString(body, "TableName") is { } name ? items.Table(name) : null;
                arn = table is null ? "*" : $"{items.TableArn(table)}/stream/*";
                break;
            case "GetRecords":
                var iterator = AwsJson.RequiredString(body, "ShardIterator");
                var bar = iterator.IndexOf('|', StringComparison.Ordinal);
                (arn, table) = StreamArn(bar > 0 ? iterator[..bar] : "", "the shard iterator does not start with a stream ARN and '|' (moto's and AWS's form)");
                break;
            default:
                (arn, table) = StreamArn(AwsJson.RequiredString(body, "StreamArn"), "StreamArn is not a DynamoDB stream ARN");
                break;
        }

        return new AwsCall("dynamodb", operation, [new AccessCheck("dynamodb:" + operation, arn, ConditionKeys.None)]) { TableName = table };
    }

    private static (string Arn, string Table) StreamArn(string value, string problem)
    {
        var match = StreamArnPattern().Match(value);
        return match.Success ? (value, match.Groups["table"].Value) : throw new UnmappedRequestException(problem);
    }

    [GeneratedRegex(@"^arn:aws:dynamodb:[a-z0-9-]+:[0-9]{12}:table/(?<table>[A-Za-z0-9_.-]{3,255})/stream/[A-Za-z0-9_.:-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex StreamArnPattern();
}
