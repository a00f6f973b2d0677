using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.S3;
using Functions.LambdaKit.Events;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Files;

/// <summary>
/// Transient against permanent: a dependency fault is reported for retry and changes nothing;
/// a record cut short by the deadline is reported with every record after it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProcessingFailureTests : IAsyncLifetime
{
    private FilesHarness _files = null!;

    public async Task InitializeAsync() => _files = await FilesHarness.CreateAsync();

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Stream_S3Unreachable_ReportsTheFileForRetryAndLeavesItUploaded()
    {
        var id = FilesHarness.Json(await _files.Upload("name=a.csv", "a,b\n1,2\n"u8.ToArray())).GetProperty("id").GetString()!;
        var (json, sequences) = await _files.Stream.ReadNewAsync();
        using var unreachable = Moto.UnreachableS3();
        var logs = new LogCapture();
        var broken = new ProcessRecords.Function(_files.Env.Dynamo, unreachable, _files.Env.Settings, TimeProvider.System, logs.Logger);

        var failed = await Invoke(broken, json);
        var status = await StatusAsync(id);
        var retried = await _files.Invoke(json);

        failed.BatchItemFailures.Select(f => f.ItemIdentifier).Should().Equal(sequences);
        status.Should().Be("uploaded", "a dependency fault decides nothing about the file");
        logs.Text.Should().Contain("reported for retry").And.Contain("\"retryable\":true");
        retried.BatchItemFailures.Should().BeEmpty();
        (await StatusAsync(id)).Should().Be("ready");
    }

    [Fact]
    public async Task Stream_DeadlineReachedMidBatch_ReportsTheRecordInHandAndEveryLaterOne()
    {
        var events = new Events.EventsApi(_files.Env);
        for (var i = 0; i < 5; i++)
        {
            (await events.Create($"{{\"id\":\"d-{i}\",\"type\":\"t\",\"payload\":{{}}}}")).StatusCode.Should().Be(201);
        }

        var (json, sequences) = await _files.Stream.ReadNewAsync();
        using var deadline = new CancellationTokenSource();
        using var dynamo = new CancelAfterUpdates(deadline, updates: 2);
        var processor = new ProcessRecords.Function(dynamo, _files.Env.S3, _files.Env.Settings, TimeProvider.System, new LogCapture().Logger);

        var bytes = await processor.InvokeAsync(Encoding.UTF8.GetBytes(json), new TestLambdaContext { CancellationToken = deadline.Token });
        var batch = JsonSerializer.Deserialize(bytes.Span, EventsJsonContext.Default.BatchResponse)!;

        sequences.Should().HaveCount(5);
        batch.BatchItemFailures.Select(f => f.ItemIdentifier).Should().Equal(sequences.Skip(2), "the first two were done before time ran out");
        var statuses = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add(Events.EventsApi.Json(await events.Get($"d-{i}")).GetProperty("status").GetString()!);
        }

        statuses.Should().Equal("processed", "processed", "accepted", "accepted", "accepted");
        (await _files.Invoke(json)).BatchItemFailures.Should().BeEmpty("the retry finishes the batch");
    }

    [Fact]
    public async Task Stream_InspectorDefect_RejectsTheFileOnceInsteadOfRetryingForever()
    {
        var id = FilesHarness.Json(await _files.Upload("name=a.csv", "a,b\n1,2\n"u8.ToArray())).GetProperty("id").GetString()!;
        var (json, _) = await _files.Stream.ReadNewAsync();
        using var defective = new DefectiveReads();
        var logs = new LogCapture();
        var processor = new ProcessRecords.Function(_files.Env.Dynamo, defective, _files.Env.Settings, TimeProvider.System, logs.Logger);

        var batch = await Invoke(processor, json);

        batch.BatchItemFailures.Should().BeEmpty("a defect fails the same way on every retry");
        var file = FilesHarness.Json(await _files.Get(id));
        file.GetProperty("status").GetString().Should().Be("rejected");
        file.GetProperty("reason").GetString().Should().Contain("internal error");
        logs.Text.Should().Contain("\"level\":\"Error\"").And.Contain("InvalidOperationException");
    }

    [Fact]
    public async Task Stream_HeadAnswers403ForAMissingObject_RejectsTheFileAsMissing()
    {
        var id = FilesHarness.Json(await _files.Upload("name=a.csv", "a,b\n1,2\n"u8.ToArray())).GetProperty("id").GetString()!;
        await _files.Env.S3.DeleteObjectAsync(_files.Env.Settings.BucketName, Functions.FileStore.FileRules.ObjectKey(AliceKey, id));
        var (json, _) = await _files.Stream.ReadNewAsync();
        using var s3 = new HeadForbidden();
        var processor = new ProcessRecords.Function(_files.Env.Dynamo, s3, _files.Env.Settings, TimeProvider.System, new LogCapture().Logger);

        var batch = await Invoke(processor, json);

        batch.BatchItemFailures.Should().BeEmpty();
        var file = FilesHarness.Json(await _files.Get(id));
        file.GetProperty("status").GetString().Should().Be("rejected");
        file.GetProperty("reason").GetString().Should().Be("The uploaded object is missing.");
    }

    [Fact]
    public async Task Stream_HeadAnswers403ForAnObjectThatExists_IsRetriedAndDecidesNothing()
    {
        var id = FilesHarness.Json(await _files.Upload("name=a.csv", "a,b\n1,2\n"u8.ToArray())).GetProperty("id").GetString()!;
        var (json, sequences) = await _files.Stream.ReadNewAsync();
        using var s3 = new HeadForbidden();
        var processor = new ProcessRecords.Function(_files.Env.Dynamo, s3, _files.Env.Settings, TimeProvider.System, new LogCapture().Logger);

        var batch = await Invoke(processor, json);

        batch.BatchItemFailures.Select(f => f.ItemIdentifier).Should().Equal(sequences, "a refusal is ours to fix, not the tenant's");
        (await StatusAsync(id)).Should().Be("uploaded");
    }

    [Fact]
    public void Failures_AccessDeniedFromS3_IsRetriedNotHeldAgainstTheFile()
    {
        var denied = new AmazonS3Exception("Access Denied", ErrorType.Sender, "AccessDenied", "r-1", System.Net.HttpStatusCode.Forbidden);

        ProcessRecords.Failures.IsRetryable(denied).Should().BeTrue();
        ProcessRecords.Failures.IsRetryable(new InvalidDataException("not ours")).Should().BeFalse();
        ProcessRecords.Failures.IsRetryable(new NullReferenceException()).Should().BeFalse();
    }

    private static string AliceKey => Functions.LambdaKit.Identity.TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!.Key;

    private async Task<string> StatusAsync(string id) => FilesHarness.Json(await _files.Get(id)).GetProperty("status").GetString()!;

    private static async Task<BatchResponse> Invoke(ProcessRecords.Function processor, string json)
    {
        var bytes = await processor.InvokeAsync(Encoding.UTF8.GetBytes(json), new TestLambdaContext());
        return JsonSerializer.Deserialize(bytes.Span, EventsJsonContext.Default.BatchResponse)!;
    }

    /// <summary>The moto client, with the invocation's deadline passing once <paramref name="updates"/> updates are done.</summary>
    private sealed class CancelAfterUpdates(CancellationTokenSource deadline, int updates) : AmazonDynamoDBClient(Moto.Credentials, new AmazonDynamoDBConfig
    {
        ServiceURL = Moto.Endpoint,
        AuthenticationRegion = Moto.Region,
    })
    {
        private int _done;

        public override async Task<UpdateItemResponse> UpdateItemAsync(UpdateItemRequest request, CancellationToken cancellationToken = default)
        {
            var response = await base.UpdateItemAsync(request, cancellationToken);
            if (++_done == updates)
            {
                await deadline.CancelAsync();
            }

            return response;
        }
    }

    /// <summary>The moto client, whose object reads fail the way a defect in our own code would (not an AWS fault).</summary>
    private sealed class DefectiveReads() : AmazonS3Client(Moto.Credentials, new AmazonS3Config
    {
        ServiceURL = Moto.Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Moto.Region,
    })
    {
        public override Task<Amazon.S3.Model.GetObjectResponse> GetObjectAsync(Amazon.S3.Model.GetObjectRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("A defect while reading the object.");
    }

    /// <summary>The moto client, answering HeadObject as S3 does for a caller without s3:ListBucket: 403, present or not.</summary>
    private sealed class HeadForbidden() : AmazonS3Client(Moto.Credentials, new AmazonS3Config
    {
        ServiceURL = Moto.Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Moto.Region,
    })
    {
        public override Task<Amazon.S3.Model.GetObjectMetadataResponse> GetObjectMetadataAsync(Amazon.S3.Model.GetObjectMetadataRequest request, CancellationToken cancellationToken = default) =>
            throw new AmazonS3Exception("Forbidden", ErrorType.Sender, "403", "r-403", System.Net.HttpStatusCode.Forbidden);
    }
}
