using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.S3;
using Functions.EventStore;

namespace Functions.TestSupport;

/// <summary>
/// The events table (keys, the three indexes, stream), a data bucket and the KMS keys, created in
/// moto with unique names, so each test class has its own.
/// </summary>
public sealed class EventsEnvironment : IAsyncDisposable
{
    private EventsEnvironment(AmazonDynamoDBClient dynamo, AmazonS3Client s3, AmazonKeyManagementServiceClient kms, EventStoreSettings settings, string cursorKeyId)
    {
        Dynamo = dynamo;
        S3 = s3;
        Kms = kms;
        Settings = settings;
        CursorKeyId = cursorKeyId;
    }

    public AmazonDynamoDBClient Dynamo { get; }

    public AmazonS3Client S3 { get; }

    public AmazonKeyManagementServiceClient Kms { get; }

    public EventStoreSettings Settings { get; }

    public string CursorKeyId { get; }

    public static async Task<EventsEnvironment> CreateAsync(string purpose)
    {
        var dynamo = Moto.DynamoDb();
        var s3 = Moto.S3();
        var kms = Moto.Kms();
        var table = $"events-{purpose}-{Guid.NewGuid():N}";
        await CreateTableAsync(dynamo, table);
        var bucket = await Moto.CreateBucketAsync(s3, "events");
        var dataKey = await kms.CreateKeyAsync(new CreateKeyRequest { Description = "data key " + purpose });
        var cursorKey = await kms.CreateKeyAsync(new CreateKeyRequest
        {
            Description = "cursor key " + purpose,
            KeySpec = KeySpec.HMAC_256,
            KeyUsage = KeyUsageType.GENERATE_VERIFY_MAC,
        });
        return new EventsEnvironment(dynamo, s3, kms, new EventStoreSettings(table, bucket, dataKey.KeyMetadata.Arn), cursorKey.KeyMetadata.Arn);
    }

    /// <summary>The table as docs/events-table.md describes it (and Terraform builds it).</summary>
    public static Task CreateTableAsync(IAmazonDynamoDB dynamo, string table) => dynamo.CreateTableAsync(new CreateTableRequest
    {
        TableName = table,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(EventTable.PartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.SortKey, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.ByTimePartition, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.ByTimeSort, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.ByTypePartition, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.ByTypeSort, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.UnsettledPartition, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.UnsettledSort, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.FilesPartitionKey, ScalarAttributeType.S),
            new AttributeDefinition(EventTable.FilesSort, ScalarAttributeType.S),
        ],
        KeySchema =
        [
            new KeySchemaElement(EventTable.PartitionKey, KeyType.HASH),
            new KeySchemaElement(EventTable.SortKey, KeyType.RANGE),
        ],
        GlobalSecondaryIndexes =
        [
            Index(EventTable.ByTimeIndex, EventTable.ByTimePartition, EventTable.ByTimeSort),
            Index(EventTable.ByTypeIndex, EventTable.ByTypePartition, EventTable.ByTypeSort),
            Index(EventTable.UnsettledIndex, EventTable.UnsettledPartition, EventTable.UnsettledSort, ProjectionType.KEYS_ONLY),
            Index(EventTable.FilesIndex, EventTable.FilesPartitionKey, EventTable.FilesSort),
        ],
        StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
    });

    /// <summary>Every item in the table, for before/after comparisons.</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> AllItemsAsync()
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await Dynamo.ScanAsync(new ScanRequest { TableName = Settings.TableName, ExclusiveStartKey = start, ConsistentRead = true });
            items.AddRange(page.Items ?? []);
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);

        return items;
    }

    /// <summary>A comparable picture of everything stored: item keys with their attributes, and object keys.</summary>
    public async Task<string> SnapshotAsync()
    {
        var items = (await AllItemsAsync())
            .Select(i => string.Join('|', i.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value.S ?? a.Value.N}")))
            .Order(StringComparer.Ordinal);
        var objects = await Moto.AllKeysAsync(S3, Settings.BucketName);
        return string.Join('\n', items) + "\n--\n" + string.Join('\n', objects);
    }

    public ValueTask DisposeAsync()
    {
        Dynamo.Dispose();
        S3.Dispose();
        Kms.Dispose();
        return ValueTask.CompletedTask;
    }

    private static GlobalSecondaryIndex Index(string name, string partition, string sort, ProjectionType? projection = null) => new()
    {
        IndexName = name,
        KeySchema = [new KeySchemaElement(partition, KeyType.HASH), new KeySchemaElement(sort, KeyType.RANGE)],
        Projection = new Projection { ProjectionType = projection ?? ProjectionType.ALL },
    };
}
