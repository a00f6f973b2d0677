using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Functions.DynamoDbStreams;
using Functions.LocalCloud.Auth;
using Functions.LocalCloud.Auth.Credentials;
using Functions.LocalCloud.Auth.SigV4;
using Functions.TestSupport;

namespace Functions.LocalCloud.Tests.DynamoDbStreams;

/// <summary>The one DynamoDB Streams client (tools/DynamoDbStreams) against moto, and its signatures.</summary>
[Trait("Category", "Integration")]
public sealed class DynamoDbStreamsClientTests : IAsyncLifetime
{
    private readonly AmazonDynamoDBClient _dynamo = Moto.DynamoDb();
    private readonly DynamoDbStreamsClient _streams = Moto.DynamoDbStreams();
    private string _table = null!;
    private string _streamArn = null!;

    public async Task InitializeAsync()
    {
        _table = "streams-" + Guid.NewGuid().ToString("N")[..12];
        await _dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = _table,
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
            StreamSpecification = new StreamSpecification { StreamEnabled = true, StreamViewType = StreamViewType.NEW_AND_OLD_IMAGES },
        });
        _streamArn = (await _dynamo.DescribeTableAsync(_table)).Table.LatestStreamArn;
    }

    public Task DisposeAsync()
    {
        _streams.Dispose();
        _dynamo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task DescribeIteratorRecords_ReadTheTablesChangesInOrder()
    {
        await PutAsync("a", "b", "c");

        var description = (await _streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = _streamArn })).StreamDescription;
        var shard = description.Shards.Should().ContainSingle().Subject;
        var iterator = await _streams.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamArn = _streamArn,
            ShardId = shard.ShardId,
            ShardIteratorType = ShardIteratorType.TrimHorizon,
        });
        var first = await _streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator.ShardIterator, Limit = 2 });
        var rest = await _streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = first.NextShardIterator!, Limit = 10 });

        description.StreamArn.Should().Be(_streamArn);
        description.StreamStatus.Should().Be("ENABLED");
        description.LastEvaluatedShardId.Should().BeNull();
        shard.StartingSequenceNumber.Should().NotBeNullOrEmpty();
        Keys(first).Should().Equal("a", "b");
        Keys(rest).Should().Equal("c");
        first.Records.Should().OnlyContain(r => r["eventName"]!.GetValue<string>() == "INSERT" && r["dynamodb"]!["NewImage"] != null);
        rest.NextShardIterator.Should().NotBeNull("an open shard goes on");
    }

    [Fact]
    public async Task AfterSequenceNumber_ReadsOnlyTheRecordsThatFollow()
    {
        await PutAsync("a", "b", "c");
        var shardId = (await _streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = _streamArn })).StreamDescription.Shards[0].ShardId;
        var all = await ReadAsync(shardId, ShardIteratorType.TrimHorizon, null);
        var afterA = all.Records[0]["dynamodb"]!["SequenceNumber"]!.GetValue<string>();

        var following = await ReadAsync(shardId, ShardIteratorType.AfterSequenceNumber, afterA);
        var atA = await ReadAsync(shardId, ShardIteratorType.AtSequenceNumber, afterA);
        var latest = await ReadAsync(shardId, ShardIteratorType.Latest, null);

        Keys(following).Should().Equal("b", "c");
        Keys(atA).Should().Equal("a", "b", "c");
        latest.Records.Should().BeEmpty("LATEST starts after the newest record");
    }

    [Fact]
    public async Task UnknownStream_IsADynamoDbStreamsExceptionWithTheServicesErrorCode()
    {
        var unknown = _streamArn[..(_streamArn.LastIndexOf('/') + 1)] + "2000-01-01T00:00:00.000";

        var act = () => _streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = unknown.Replace(_table, "no-such-table", StringComparison.Ordinal) });

        var error = (await act.Should().ThrowAsync<DynamoDbStreamsException>()).Which;
        error.ErrorCode.Should().Be("ResourceNotFoundException");
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    // moto does not check signatures; the local cloud's verifier does, so it judges the one the client sent.
    [Fact]
    public async Task Requests_AreSignedWithSigV4ForDynamoDbAsAVerifierChecksThem()
    {
        var capture = new CapturingHandler();
        using var streams = new DynamoDbStreamsClient(Moto.Credentials, new DynamoDbStreamsConfig
        {
            ServiceUrl = new Uri(Moto.Endpoint),
            AuthenticationRegion = Moto.Region,
            HttpHandler = capture,
        });
        await streams.DescribeStreamAsync(new DescribeStreamRequest { StreamArn = _streamArn });
        var sent = capture.Requests.Should().ContainSingle().Subject;
        var verifier = new SigV4Verifier(new OneKey("testing", "testing"), new SigV4VerifierOptions { Region = Moto.Region, Service = "dynamodb" }, TimeProvider.System);

        var valid = await verifier.VerifyAsync(sent);
        var tampered = await verifier.VerifyAsync(IncomingRequest.WithBody(sent.Method, sent.RawPath, sent.RawQuery, sent.Headers, "{\"StreamArn\":\"other\"}"u8.ToArray()));

        valid.IsValid.Should().BeTrue(valid.Detail);
        sent.FirstHeader("Authorization").Should().StartWith($"AWS4-HMAC-SHA256 Credential=testing/").And.Contain($"/{Moto.Region}/dynamodb/aws4_request")
            .And.MatchRegex("Signature=[0-9a-f]{64}$");
        sent.FirstHeader("Authorization").Should().Contain("x-amz-target", "the operation is part of what is signed");
        tampered.IsValid.Should().BeFalse("the signature covers the body");
    }

    private async Task PutAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            await _dynamo.PutItemAsync(_table, new Dictionary<string, AttributeValue> { ["id"] = new(id) });
        }
    }

    private async Task<GetRecordsResponse> ReadAsync(string shardId, string type, string? sequence)
    {
        var iterator = await _streams.GetShardIteratorAsync(new GetShardIteratorRequest
        {
            StreamArn = _streamArn,
            ShardId = shardId,
            ShardIteratorType = type,
            SequenceNumber = sequence,
        });
        return await _streams.GetRecordsAsync(new GetRecordsRequest { ShardIterator = iterator.ShardIterator });
    }

    private static IEnumerable<string> Keys(GetRecordsResponse page) =>
        page.Records.Select(r => r["dynamodb"]!["Keys"]!["id"]!["S"]!.GetValue<string>());

    /// <summary>Keeps each request as sent (after signing), then sends it on to moto.</summary>
    private sealed class CapturingHandler() : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        public List<IncomingRequest> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            var headers = new List<KeyValuePair<string, string>> { new("Host", request.RequestUri!.Authority) };
            headers.AddRange(request.Headers.SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v))));
            headers.AddRange((request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v))));
            Requests.Add(IncomingRequest.WithBody(request.Method.Method, request.RequestUri.AbsolutePath, request.RequestUri.Query.TrimStart('?'), headers, body));
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class OneKey(string accessKeyId, string secret) : ICredentialStore
    {
        public ValueTask<CallerCredentials?> FindAsync(string key, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(key == accessKeyId
                ? new CallerCredentials(secret, IamCallerIdentity.ForUser(accessKeyId, "123456789012", "AIDATESTING", "arn:aws:iam::123456789012:user/testing"),
                    "arn:aws:iam::123456789012:user/testing")
                : null);
    }
}
