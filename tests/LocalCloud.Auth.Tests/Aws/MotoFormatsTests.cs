using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService.Model;
using Functions.DynamoDbStreams;
using MotoServer = Functions.TestSupport.Moto;
using PythonScript = Functions.TestSupport.PythonScript;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>
/// The two moto formats the map reads, taken from moto itself rather than from the map's reading
/// of its source: the ciphertext blob of KMS <c>Decrypt</c> (moto/kms/utils.py) and the shard
/// iterator of DynamoDB Streams <c>GetRecords</c> (moto/dynamodbstreams/models.py). Needs python3
/// with moto, and the moto_server scripts/test.sh starts (MOTO_ENDPOINT).
/// </summary>
[Trait("Category", "Integration")]
public sealed class MotoFormatsTests
{
    [Fact]
    public async Task Decrypt_BlobMadeByMotosOwnEncrypt_IsOnTheKeyThatMadeIt()
    {
        const string Script = """
            import base64
            from moto.kms.utils import encrypt
            class Key:
                key_material = bytes(32)
            key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
            print(base64.b64encode(encrypt({key_id: Key()}, key_id, b"secret", {"tenant": "t1"})).decode())
            """;
        var blob = (await RunPythonAsync(Script)).Trim();

        var mapped = MapTesting.MapJson("kms", "TrentService.Decrypt", "{\"CiphertextBlob\":\"" + blob + "\",\"EncryptionContext\":{\"tenant\":\"t1\"}}").ShouldBeMapped();

        mapped.KmsKeyArn.Should().Be(TestFacts.KeyArn);
        mapped.Rendered().Should().Equal($"kms:Decrypt on {TestFacts.KeyArn} with kms:EncryptionContext:tenant=[t1], kms:EncryptionContextKeys=[tenant]");
    }

    [Fact]
    public async Task Decrypt_OfMotoServersCiphertextAsTheSdkSendsIt_IsOnTheKeyMotoEncryptedWith()
    {
        using var kms = MotoServer.Kms();
        var key = (await kms.CreateKeyAsync(new CreateKeyRequest { Description = "map test" })).KeyMetadata;
        var encrypted = await kms.EncryptAsync(new EncryptRequest { KeyId = key.KeyId, Plaintext = new MemoryStream("secret"u8.ToArray()) });

        var captured = await Sdk.Kms(c => c.DecryptAsync(new DecryptRequest { CiphertextBlob = encrypted.CiphertextBlob }));
        var mapped = MapTesting.Map("kms", captured).ShouldBeMapped();

        mapped.KmsKeyArn.Should().Be(key.Arn);
        mapped.Rendered().Should().Equal($"kms:Decrypt on {key.Arn}");
    }

    [Fact]
    public async Task GetRecords_WithMotoServersShardIterator_IsOnTheTablesStream()
    {
        var table = "map-" + Guid.NewGuid().ToString("N")[..12];
        using var dynamoDb = MotoServer.DynamoDb();
        var created = await dynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            KeySchema = [new KeySchemaElement("pk", Amazon.DynamoDBv2.KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("pk", Amazon.DynamoDBv2.ScalarAttributeType.S)],
            BillingMode = Amazon.DynamoDBv2.BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = Amazon.DynamoDBv2.StreamViewType.NEW_IMAGE },
        });
        var streamArn = created.TableDescription.LatestStreamArn;
        using var streams = MotoServer.DynamoDbStreams();
        var shard = (await streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = streamArn })).StreamDescription.Shards[0];
        var iterator = (await streams.GetShardIteratorAsync(new GetShardIteratorRequest { StreamArn = streamArn, ShardId = shard.ShardId, ShardIteratorType = ShardIteratorType.TrimHorizon })).ShardIterator;

        var captured = await Sdk.DynamoDbStreams(c => c.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator }));
        var mapped = MapTesting.Map("dynamodb", captured).ShouldBeMapped();

        mapped.Rendered().Should().Equal($"dynamodb:GetRecords on {streamArn}");
        mapped.TableName.Should().Be(table);
        await dynamoDb.DeleteTableAsync(table);
    }

    private static Task<string> RunPythonAsync(string script) => PythonScript.RunAsync(script);
}
