using System.Text.Json;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// DynamoDB requests (AWS JSON 1.0: <c>POST /</c>, <c>X-Amz-Target: DynamoDB_20120810.{Operation}</c>);
/// DynamoDB Streams requests, signed for the same service, go to <see cref="DynamoDbStreamsRequestMap"/>.
/// </summary>
/// <remarks>
/// <para>Resources: <c>arn:aws:dynamodb:{region}:{account}:table/{name}</c>; a <c>Query</c> or
/// <c>Scan</c> of an index, <c>…/table/{name}/index/{index}</c>. Batch operations make one check
/// per table they name (<c>dynamodb:BatchGetItem</c>, <c>dynamodb:BatchWriteItem</c>); transactions
/// one per item, with the item's own action (<c>dynamodb:PutItem</c>, <c>UpdateItem</c>,
/// <c>DeleteItem</c>, <c>ConditionCheckItem</c>, <c>GetItem</c>).</para>
/// <para>Condition keys: <c>dynamodb:LeadingKeys</c>, the partition key's values of the keys and
/// items named (for <c>Query</c>, the values its key condition compares the partition key with
/// by <c>=</c>), absent when <see cref="IAwsResourceFacts.PartitionKeyOf"/> does not know the key
/// or a query does not compare it — note that a <c>ForAllValues</c> condition holds for an absent
/// key; <c>dynamodb:Attributes</c>, the attribute names the request names (a put's item attributes,
/// a read's projection, an update's targets), absent when it names none;
/// <c>dynamodb:Select</c>, <c>dynamodb:ReturnValues</c> and <c>dynamodb:ReturnConsumedCapacity</c>
/// when the request gives them.</para>
/// </remarks>
internal static class DynamoDbRequestMap
{
    private const string TargetPrefix = "DynamoDB_20120810.";

    /// <summary>AWS's limits; larger requests are refused (AWS refuses them too).</summary>
    private const int MaxBatchGetKeys = 100;
    private const int MaxBatchWrites = 25;
    private const int MaxTransactItems = 100;

    private static readonly HashSet<string> Operations =
    [
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
        "TransactGetItems", "TransactWriteItems", "DescribeTable",
    ];

    public static AwsCall Map(MapRequest request)
    {
        var target = request.Header("X-Amz-Target") ?? throw new UnmappedRequestException("no X-Amz-Target");
        if (target.StartsWith(DynamoDbStreamsRequestMap.TargetPrefix, StringComparison.Ordinal))
        {
            return DynamoDbStreamsRequestMap.Map(request, target[DynamoDbStreamsRequestMap.TargetPrefix.Length..]);
        }

        if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal) || !Operations.Contains(target[TargetPrefix.Length..]))
        {
            throw new UnmappedRequestException("not a mapped operation");
        }

        var operation = target[TargetPrefix.Length..];
        using var document = request.ReadJsonBody();
        var body = document.RootElement;
        var items = new DynamoDbItems(request);
        var (checks, table) = operation switch
        {
            "GetItem" or "PutItem" or "UpdateItem" or "DeleteItem" => Item(items, operation, body),
            "Query" or "Scan" => QueryOrScan(request, items, operation, body),
            "BatchGetItem" => BatchGet(items, body),
            "BatchWriteItem" => BatchWrite(items, body),
            "TransactGetItems" or "TransactWriteItems" => Transact(items, operation, body),
            "DescribeTable" => Single(items, "dynamodb:DescribeTable", items.TableName(body), ConditionKeys.None),
            _ => throw new UnmappedRequestException("not a mapped operation"),
        };
        return new AwsCall("dynamodb", operation, checks) { TableName = table };
    }

    private static (List<AccessCheck>, string) Single(DynamoDbItems items, string action, string table, IReadOnlyDictionary<string, IReadOnlyList<string>> keys) =>
        ([new AccessCheck(action, items.TableArn(table), keys)], table);

    /// <summary><c>GetItem</c>, <c>PutItem</c>, <c>UpdateItem</c>, <c>DeleteItem</c>, and the items of transactions.</summary>
    private static (List<AccessCheck>, string) Item(DynamoDbItems items, string operation, JsonElement element, bool inTransaction = false)
    {
        var table = items.TableName(element);
        var keys = new ConditionKeys();
        if (operation == "PutItem")
        {
            var item = AwsJson.RequiredObject(element, "Item");
            keys.AddAll("dynamodb:LeadingKeys", items.LeadingKeys(table, item, "Item"));
            keys.AddAll("dynamodb:Attributes", DynamoDbItems.MemberNames(item));
        }
        else
        {
            var key = AwsJson.RequiredObject(element, "Key");
            keys.AddAll("dynamodb:LeadingKeys", items.LeadingKeys(table, key, "Key"));
            keys.AddAll("dynamodb:Attributes", operation switch
            {
                "GetItem" => DynamoDbItems.ReadAttributes(element),
                "UpdateItem" => DynamoDbItems.UpdateAttributes(element),
                _ => [],
            });
        }

        if (!inTransaction)
        {
            keys.AddIfPresent("dynamodb:ReturnValues", operation is "GetItem" ? null : AwsJson.OptionalString(element, "ReturnValues"));
            keys.AddIfPresent("dynamodb:ReturnConsumedCapacity", AwsJson.OptionalString(element, "ReturnConsumedCapacity"));
        }

        return Single(items, "dynamodb:" + operation, table, keys.Build());
    }

    private static (List<AccessCheck>, string) QueryOrScan(MapRequest request, DynamoDbItems items, string operation, JsonElement body)
    {
        var table = items.TableName(body);
        var index = AwsJson.OptionalString(body, "IndexName") is { } indexName ? DynamoDbItems.Index(indexName) : null;
        var keys = new ConditionKeys();
        if (operation == "Query" && request.Facts.PartitionKeyOf(table, index) is { } partitionKey)
        {
            keys.AddAll("dynamodb:LeadingKeys", QueriedPartitionKeys(body, partitionKey));
        }

        keys.AddAll("dynamodb:Attributes", DynamoDbItems.ReadAttributes(body));
        keys.AddIfPresent("dynamodb:Select", AwsJson.OptionalString(body, "Select"));
        keys.AddIfPresent("dynamodb:ReturnConsumedCapacity", AwsJson.OptionalString(body, "ReturnConsumedCapacity"));
        var arn = items.TableArn(table) + (index is null ? "" : "/index/" + index);
        return ([new AccessCheck("dynamodb:" + operation, arn, keys.Build())], table);
    }

    /// <summary>The values a query's key condition (or legacy <c>KeyConditions</c>) gives the partition key.</summary>
    private static IEnumerable<string> QueriedPartitionKeys(JsonElement body, string partitionKey)
    {
        var expression = AwsJson.OptionalString(body, "KeyConditionExpression");
        var legacy = AwsJson.OptionalObject(body, "KeyConditions");
        if (expression is not null && legacy is not null)
        {
            throw new UnmappedRequestException("both KeyConditionExpression and KeyConditions are given");
        }

        if (expression is not null)
        {
            var values = AwsJson.OptionalObject(body, "ExpressionAttributeValues");
            foreach (var placeholder in DynamoDbExpressions.PartitionKeyValues(expression, DynamoDbItems.ExpressionNames(body), partitionKey))
            {
                var value = values is { } v ? AwsJson.Member(v, placeholder) : null;
                yield return DynamoDbItems.ScalarText(value ?? throw new UnmappedRequestException($"ExpressionAttributeValues does not define {placeholder}"), placeholder);
            }
        }
        else if (legacy is { } conditions && AwsJson.OptionalObject(conditions, partitionKey) is { } condition
            && AwsJson.OptionalString(condition, "ComparisonOperator") == "EQ")
        {
            var list = AwsJson.RequiredArray(condition, "AttributeValueList");
            if (list.GetArrayLength() != 1)
            {
                throw new UnmappedRequestException("an EQ key condition needs exactly one value");
            }

            yield return DynamoDbItems.ScalarText(list[0], $"KeyConditions.{partitionKey}");
        }
    }

    private static (List<AccessCheck>, string) BatchGet(DynamoDbItems items, JsonElement body)
    {
        var checks = new List<AccessCheck>();
        var total = 0;
        foreach (var entry in AwsJson.RequiredObject(body, "RequestItems").EnumerateObject())
        {
            var table = items.Table(entry.Name);
            var request = entry.Value.ValueKind == JsonValueKind.Object ? entry.Value : throw new UnmappedRequestException($"RequestItems.{table} is not an object");
            var keys = new ConditionKeys();
            var tableKeys = AwsJson.RequiredArray(request, "Keys");
            if (tableKeys.GetArrayLength() == 0)
            {
                // DynamoDB requires at least one; refused here so the count of keys bounds the tables too.
                throw new UnmappedRequestException($"RequestItems.{table}.Keys is empty");
            }

            foreach (var key in tableKeys.EnumerateArray())
            {
                if (++total > MaxBatchGetKeys)
                {
                    throw new UnmappedRequestException($"more than {MaxBatchGetKeys} keys");
                }

                keys.AddAll("dynamodb:LeadingKeys", items.LeadingKeys(table, RequireObject(key, "a key"), "a key"));
            }

            keys.AddAll("dynamodb:Attributes", DynamoDbItems.ReadAttributes(request));
            keys.AddIfPresent("dynamodb:ReturnConsumedCapacity", AwsJson.OptionalString(body, "ReturnConsumedCapacity"));
            checks.Add(new AccessCheck("dynamodb:BatchGetItem", items.TableArn(table), keys.Build()));
        }

        return checks.Count > 0 ? (checks, TableOf(checks[0])) : throw new UnmappedRequestException("RequestItems names no table");
    }

    private static (List<AccessCheck>, string) BatchWrite(DynamoDbItems items, JsonElement body)
    {
        var checks = new List<AccessCheck>();
        var total = 0;
        foreach (var entry in AwsJson.RequiredObject(body, "RequestItems").EnumerateObject())
        {
            var table = items.Table(entry.Name);
            if (entry.Value.ValueKind != JsonValueKind.Array)
            {
                throw new UnmappedRequestException($"RequestItems.{table} is not an array");
            }

            if (entry.Value.GetArrayLength() == 0)
            {
                // DynamoDB requires at least one; refused here so the count of writes bounds the tables too.
                throw new UnmappedRequestException($"RequestItems.{table} is empty");
            }

            var keys = new ConditionKeys();
            foreach (var write in entry.Value.EnumerateArray())
            {
                if (++total > MaxBatchWrites)
                {
                    throw new UnmappedRequestException($"more than {MaxBatchWrites} writes");
                }

                var (kind, request) = OneOf(RequireObject(write, "a write request"), "PutRequest", "DeleteRequest");
                if (kind == "PutRequest")
                {
                    var item = AwsJson.RequiredObject(request, "Item");
                    keys.AddAll("dynamodb:LeadingKeys", items.LeadingKeys(table, item, "Item"));
                    keys.AddAll("dynamodb:Attributes", DynamoDbItems.MemberNames(item));
                }
                else
                {
                    keys.AddAll("dynamodb:LeadingKeys", items.LeadingKeys(table, AwsJson.RequiredObject(request, "Key"), "Key"));
                }
            }

            keys.AddIfPresent("dynamodb:ReturnConsumedCapacity", AwsJson.OptionalString(body, "ReturnConsumedCapacity"));
            checks.Add(new AccessCheck("dynamodb:BatchWriteItem", items.TableArn(table), keys.Build()));
        }

        return checks.Count > 0 ? (checks, TableOf(checks[0])) : throw new UnmappedRequestException("RequestItems names no table");
    }

    private static (List<AccessCheck>, string) Transact(DynamoDbItems items, string operation, JsonElement body)
    {
        var checks = new List<AccessCheck>();
        foreach (var transactItem in AwsJson.RequiredArray(body, "TransactItems").EnumerateArray())
        {
            if (checks.Count == MaxTransactItems)
            {
                throw new UnmappedRequestException($"more than {MaxTransactItems} items");
            }

            var (kind, element) = operation == "TransactGetItems"
                ? OneOf(RequireObject(transactItem, "a transaction item"), "Get")
                : OneOf(RequireObject(transactItem, "a transaction item"), "Put", "Update", "Delete", "ConditionCheck");
            var itemOperation = kind switch
            {
                "Get" => "GetItem",
                "Put" => "PutItem",
                "Update" => "UpdateItem",
                "Delete" => "DeleteItem",
                _ => "ConditionCheckItem",
            };
            checks.AddRange(Item(items, itemOperation, element, inTransaction: true).Item1);
        }

        return checks.Count > 0 ? (checks, TableOf(checks[0])) : throw new UnmappedRequestException("TransactItems is empty");
    }

    /// <summary>The one member of <paramref name="element"/> among <paramref name="kinds"/>; none, several or another is refused.</summary>
    private static (string Kind, JsonElement Value) OneOf(JsonElement element, params string[] kinds)
    {
        var members = element.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToList();
        if (members.Count != 1 || !kinds.Contains(members[0].Name) || members[0].Value.ValueKind != JsonValueKind.Object)
        {
            throw new UnmappedRequestException($"an entry is not exactly one of {string.Join(", ", kinds)}");
        }

        return (members[0].Name, members[0].Value);
    }

    private static JsonElement RequireObject(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw new UnmappedRequestException($"{what} is not an object");

    private static string TableOf(AccessCheck check) => check.ResourceArn[(check.ResourceArn.IndexOf(":table/", StringComparison.Ordinal) + ":table/".Length)..];
}
