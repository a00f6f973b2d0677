using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>
/// DynamoDB requests as the AWS SDK for .NET sends them (captured on the wire), mapped to the
/// checks AWS makes. <see cref="TestFacts"/>: table <c>events</c> has partition key <c>pk</c>, its
/// index <c>by-tenant</c> <c>tenant</c>; table <c>files</c> <c>id</c>; <c>unknown</c> is unknown.
/// </summary>
public sealed class DynamoDbRequestMapTests
{
    private const string Events = "arn:aws:dynamodb:us-east-1:123456789012:table/events";
    private const string Files = "arn:aws:dynamodb:us-east-1:123456789012:table/files";

    private static readonly Dictionary<string, (Func<AmazonDynamoDBClient, Task> Call, string Operation, string[] Checks)> Cases = new()
    {
        ["GetItem"] = (c => c.GetItemAsync(new GetItemRequest { TableName = "events", Key = Key("pk", "t1#e1"), ConsistentRead = true }), "GetItem",
            [$"dynamodb:GetItem on {Events} with dynamodb:LeadingKeys=[t1#e1]"]),
        ["GetItem with a projection"] = (c => c.GetItemAsync(new GetItemRequest
        {
            TableName = "events",
            Key = new() { ["pk"] = new AttributeValue { S = "t1" }, ["sk"] = new AttributeValue { N = "5" } },
            ProjectionExpression = "body, #s.detail, tags[0]",
            ExpressionAttributeNames = new() { ["#s"] = "status" },
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        }), "GetItem",
            [$"dynamodb:GetItem on {Events} with dynamodb:Attributes=[body|status|tags], dynamodb:LeadingKeys=[t1], dynamodb:ReturnConsumedCapacity=[TOTAL]"]),
        ["GetItem with AttributesToGet"] = (c => c.GetItemAsync(new GetItemRequest { TableName = "events", Key = Key("pk", "t1"), AttributesToGet = ["a", "b"] }), "GetItem",
            [$"dynamodb:GetItem on {Events} with dynamodb:Attributes=[a|b], dynamodb:LeadingKeys=[t1]"]),
        ["GetItem of a table whose key is unknown"] = (c => c.GetItemAsync(new GetItemRequest { TableName = "unknown", Key = Key("pk", "x") }), "GetItem",
            ["dynamodb:GetItem on arn:aws:dynamodb:us-east-1:123456789012:table/unknown"]),
        ["PutItem"] = (c => c.PutItemAsync(new PutItemRequest
        {
            TableName = "events",
            Item = new() { ["pk"] = new AttributeValue { S = "t1" }, ["body"] = new AttributeValue { S = "{}" }, ["n"] = new AttributeValue { N = "1" } },
            ConditionExpression = "attribute_not_exists(pk)",
            ReturnValues = ReturnValue.ALL_OLD,
        }), "PutItem",
            [$"dynamodb:PutItem on {Events} with dynamodb:Attributes=[pk|body|n], dynamodb:LeadingKeys=[t1], dynamodb:ReturnValues=[ALL_OLD]"]),
        ["PutItem with a number partition key"] = (c => c.PutItemAsync(new PutItemRequest { TableName = "files", Item = new() { ["id"] = new AttributeValue { N = "42" } } }), "PutItem",
            [$"dynamodb:PutItem on {Files} with dynamodb:Attributes=[id], dynamodb:LeadingKeys=[42]"]),
        ["UpdateItem"] = (c => c.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = "events",
            Key = Key("pk", "t1"),
            UpdateExpression = "SET a = :x, #b = if_not_exists(#b, :y), c.d = list_append(c.d, :z) REMOVE e ADD f :one DELETE g :set",
            ExpressionAttributeNames = new() { ["#b"] = "bee" },
            ExpressionAttributeValues = new() { [":x"] = S("1"), [":y"] = S("2"), [":z"] = new AttributeValue { L = [S("3")] }, [":one"] = new AttributeValue { N = "1" }, [":set"] = new AttributeValue { SS = ["s"] } },
            ReturnValues = ReturnValue.UPDATED_NEW,
        }), "UpdateItem",
            [$"dynamodb:UpdateItem on {Events} with dynamodb:Attributes=[a|bee|c|e|f|g], dynamodb:LeadingKeys=[t1], dynamodb:ReturnValues=[UPDATED_NEW]"]),
        ["DeleteItem"] = (c => c.DeleteItemAsync(new DeleteItemRequest { TableName = "events", Key = Key("pk", "t1") }), "DeleteItem",
            [$"dynamodb:DeleteItem on {Events} with dynamodb:LeadingKeys=[t1]"]),
        ["Query of an index with a key condition"] = (c => c.QueryAsync(new QueryRequest
        {
            TableName = "events",
            IndexName = "by-tenant",
            KeyConditionExpression = "#t = :tenant AND begins_with(sk, :prefix)",
            ExpressionAttributeNames = new() { ["#t"] = "tenant" },
            ExpressionAttributeValues = new() { [":tenant"] = S("t1"), [":prefix"] = S("2026") },
            ProjectionExpression = "pk, body",
            Select = Select.SPECIFIC_ATTRIBUTES,
        }), "Query",
            [$"dynamodb:Query on {Events}/index/by-tenant with dynamodb:Attributes=[pk|body], dynamodb:LeadingKeys=[t1], dynamodb:Select=[SPECIFIC_ATTRIBUTES]"]),
        ["Query of a table, the value first"] = (c => c.QueryAsync(new QueryRequest
        {
            TableName = "events",
            KeyConditionExpression = ":v = pk AND sk BETWEEN :a AND :b",
            ExpressionAttributeValues = new() { [":v"] = S("t2"), [":a"] = S("1"), [":b"] = S("2") },
        }), "Query",
            [$"dynamodb:Query on {Events} with dynamodb:LeadingKeys=[t2]"]),
        ["Query with legacy KeyConditions"] = (c => c.QueryAsync(new QueryRequest
        {
            TableName = "events",
            KeyConditions = new() { ["pk"] = new Condition { ComparisonOperator = ComparisonOperator.EQ, AttributeValueList = [S("t3")] } },
        }), "Query",
            [$"dynamodb:Query on {Events} with dynamodb:LeadingKeys=[t3]"]),
        ["Scan of an index"] = (c => c.ScanAsync(new ScanRequest { TableName = "events", IndexName = "by-tenant", Select = Select.COUNT }), "Scan",
            [$"dynamodb:Scan on {Events}/index/by-tenant with dynamodb:Select=[COUNT]"]),
        ["BatchGetItem"] = (c => c.BatchGetItemAsync(new BatchGetItemRequest
        {
            RequestItems = new()
            {
                ["events"] = new KeysAndAttributes { Keys = [Key("pk", "t1"), Key("pk", "t2")], ProjectionExpression = "body" },
                ["files"] = new KeysAndAttributes { Keys = [Key("id", "f1")] },
            },
        }), "BatchGetItem",
            [$"dynamodb:BatchGetItem on {Events} with dynamodb:Attributes=[body], dynamodb:LeadingKeys=[t1|t2]", $"dynamodb:BatchGetItem on {Files} with dynamodb:LeadingKeys=[f1]"]),
        ["BatchWriteItem"] = (c => c.BatchWriteItemAsync(new BatchWriteItemRequest
        {
            RequestItems = new()
            {
                ["events"] =
                    [
                        new WriteRequest { PutRequest = new PutRequest { Item = new() { ["pk"] = S("t1"), ["body"] = S("x") } } },
                        new WriteRequest { DeleteRequest = new DeleteRequest { Key = Key("pk", "t2") } },
                    ],
                ["files"] = [new WriteRequest { DeleteRequest = new DeleteRequest { Key = Key("id", "f1") } }],
            },
        }), "BatchWriteItem",
            [$"dynamodb:BatchWriteItem on {Events} with dynamodb:Attributes=[pk|body], dynamodb:LeadingKeys=[t1|t2]", $"dynamodb:BatchWriteItem on {Files} with dynamodb:LeadingKeys=[f1]"]),
        ["TransactWriteItems"] = (c => c.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
                [
                    new TransactWriteItem { Put = new Put { TableName = "events", Item = new() { ["pk"] = S("t1"), ["v"] = S("1") } } },
                    new TransactWriteItem { Update = new Update { TableName = "files", Key = Key("id", "f1"), UpdateExpression = "SET #s = :s", ExpressionAttributeNames = new() { ["#s"] = "state" }, ExpressionAttributeValues = new() { [":s"] = S("done") } } },
                    new TransactWriteItem { Delete = new Delete { TableName = "events", Key = Key("pk", "t2") } },
                    new TransactWriteItem { ConditionCheck = new ConditionCheck { TableName = "files", Key = Key("id", "f2"), ConditionExpression = "attribute_exists(id)" } },
                ],
        }), "TransactWriteItems",
            [
                $"dynamodb:PutItem on {Events} with dynamodb:Attributes=[pk|v], dynamodb:LeadingKeys=[t1]",
                $"dynamodb:UpdateItem on {Files} with dynamodb:Attributes=[state], dynamodb:LeadingKeys=[f1]",
                $"dynamodb:DeleteItem on {Events} with dynamodb:LeadingKeys=[t2]",
                $"dynamodb:ConditionCheckItem on {Files} with dynamodb:LeadingKeys=[f2]",
            ]),
        ["TransactGetItems"] = (c => c.TransactGetItemsAsync(new TransactGetItemsRequest
        {
            TransactItems =
                [
                    new TransactGetItem { Get = new Get { TableName = "events", Key = Key("pk", "t1"), ProjectionExpression = "#b", ExpressionAttributeNames = new() { ["#b"] = "body" } } },
                    new TransactGetItem { Get = new Get { TableName = "files", Key = Key("id", "f1") } },
                ],
        }), "TransactGetItems",
            [$"dynamodb:GetItem on {Events} with dynamodb:Attributes=[body], dynamodb:LeadingKeys=[t1]", $"dynamodb:GetItem on {Files} with dynamodb:LeadingKeys=[f1]"]),
        ["DescribeTable"] = (c => c.DescribeTableAsync("events"), "DescribeTable",
            [$"dynamodb:DescribeTable on {Events}"]),
    };

    public static TheoryData<string> Mapped => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Mapped))]
    public async Task Map_RequestTheSdkSends_IsTheOperationWithTheChecksAwsMakes(string name)
    {
        var (call, operation, checks) = Cases[name];
        var captured = await Sdk.DynamoDb(call);

        var mapped = MapTesting.Map("dynamodb", captured).ShouldBeMapped();

        mapped.Service.Should().Be("dynamodb");
        mapped.Operation.Should().Be(operation);
        mapped.Rendered().Should().Equal(checks, captured.ToString());
    }

    [Fact]
    public async Task Map_TableName_IsTheTableFact()
    {
        var captured = await Sdk.DynamoDb(c => c.QueryAsync(new QueryRequest { TableName = "events", KeyConditionExpression = "pk = :v", ExpressionAttributeValues = new() { [":v"] = S("t") } }));

        MapTesting.Map("dynamodb", captured).ShouldBeMapped().TableName.Should().Be("events");
    }

    [Fact]
    public async Task Map_SdkOperationNotMapped_IsUnmapped()
    {
        var captured = await Sdk.DynamoDb(c => c.ListTablesAsync());

        MapTesting.Map("dynamodb", captured).ShouldBeUnmapped("DynamoDB_20120810.ListTables: not a mapped operation");
    }

    [Theory]
    [InlineData("""{"TableName":"events","Key":{"sk":{"S":"x"}}}""", "Key lacks the partition key pk")]
    [InlineData("""{"TableName":"events","Key":{"pk":{"SS":["x"]}}}""", "not a string, number or binary")]
    [InlineData("""{"TableName":"events","Key":{"pk":{"S":"x","N":"1"}}}""", "not a string, number or binary")]
    [InlineData("""{"TableName":"events"}""", "Key is missing")]
    [InlineData("""{"Key":{"pk":{"S":"x"}}}""", "TableName is missing")]
    [InlineData("""{"TableName":"ev","Key":{"pk":{"S":"x"}}}""", "not a DynamoDB table name")]
    [InlineData("""{"TableName":"arn:aws:dynamodb:eu-west-1:123456789012:table/events","Key":{"pk":{"S":"x"}}}""", "not one of this region and account")]
    [InlineData("""{"TableName":"events","Key":{"pk":{"S":"x"}},"ProjectionExpression":"a, #b","ExpressionAttributeNames":{"#c":"c"}}""", "ExpressionAttributeNames does not define")]
    [InlineData("""{"TableName":"events","Key":{"pk":{"S":"x"}},"ProjectionExpression":"a,,b"}""", "malformed")]
    [InlineData("""{"TableName":"events","Key":{"pk":{"S":"x"}},"ProjectionExpression":"a = b"}""", "other than a document path")]
    [InlineData("""{"TableName":"events","Key":{"pk":{"S":"x"}},"ProjectionExpression":"a","AttributesToGet":["b"]}""", "both ProjectionExpression and AttributesToGet")]
    [InlineData("""{"TableName":"events","TableName":"files","Key":{"pk":{"S":"x"}}}""", "unreadable")]
    public void Map_GetItemTheMapCannotReadExactly_IsUnmapped(string body, string reason)
    {
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.GetItem", body).ShouldBeUnmapped(reason);
    }

    [Theory]
    [InlineData("a = :x", "does not start with SET")]
    [InlineData("SET", "malformed")]
    [InlineData("SET a = :x,", "malformed")]
    [InlineData("SET :x = a", "does not start with an attribute path")]
    [InlineData("SET a = (:x", "malformed")]
    [InlineData("SET a = :x; REMOVE b", "outside DynamoDB's expression syntax")]
    public void Map_UpdateExpressionsTheMapCannotRead_AreUnmapped(string expression, string reason)
    {
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.UpdateItem", $$$"""{"TableName":"events","Key":{"pk":{"S":"x"}},"UpdateExpression":"{{{expression}}}"}""")
            .ShouldBeUnmapped(reason);
    }

    [Fact]
    public void Map_QueryWithoutAnEqualityOnThePartitionKey_HasNoLeadingKeys()
    {
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.Query", """{"TableName":"events","KeyConditionExpression":"pk.x = :v OR size(pk) = :v","ExpressionAttributeValues":{":v":{"S":"a"}}}""")
            .ShouldBeMapped().Rendered().Should().Equal($"dynamodb:Query on {Events}");
    }

    [Fact]
    public void Map_QueryComparingWithAnUndefinedValue_IsUnmapped()
    {
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.Query", """{"TableName":"events","KeyConditionExpression":"pk = :v"}""")
            .ShouldBeUnmapped("ExpressionAttributeValues does not define :v");
    }

    [Fact]
    public void Map_TransactItemWithTwoActions_IsUnmapped()
    {
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.TransactWriteItems",
            """{"TransactItems":[{"Put":{"TableName":"events","Item":{"pk":{"S":"a"}}},"Delete":{"TableName":"files","Key":{"id":{"S":"b"}}}}]}""")
            .ShouldBeUnmapped("not exactly one of Put, Update, Delete, ConditionCheck");
    }

    [Fact]
    public void Map_BatchesOverAwsLimits_AreUnmapped()
    {
        var keys = string.Join(',', Enumerable.Range(0, 101).Select(i => $$$"""{"pk":{"S":"k{{{i}}}"}}"""));
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.BatchGetItem", """{"RequestItems":{"events":{"Keys":[""" + keys + "]}}}").ShouldBeUnmapped("more than 100 keys");

        var writes = string.Join(',', Enumerable.Range(0, 26).Select(i => """{"DeleteRequest":{"Key":{"pk":{"S":"k""" + i + "\"}}}}"));
        MapTesting.MapJson("dynamodb", "DynamoDB_20120810.BatchWriteItem", """{"RequestItems":{"events":[""" + writes + "]}}").ShouldBeUnmapped("more than 25 writes");
    }

    private static Dictionary<string, AttributeValue> Key(string name, string value) => new() { [name] = S(value) };

    private static AttributeValue S(string value) => new() { S = value };
}
