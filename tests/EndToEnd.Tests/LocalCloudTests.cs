using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;
using Amazon.SQS.Model;
using Functions.TestSupport;

namespace Functions.EndToEnd.Tests;

/// <summary>
/// The whole system through the local cloud, with clients nobody here wrote: every route, the
/// stream and queue pollers, tenant isolation, API Gateway's SigV4 and IAM refusals, concurrency
/// and nothing lost on the event sources.
/// </summary>
[Collection(LocalCloudCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class LocalCloudTests(LocalCloudFixture cloud)
{
    private static readonly TimeSpan PollerLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Events_CreateGetAndQuery_RoundTripThroughTheGateway()
    {
        var id = "e2e-" + Guid.NewGuid().ToString("N")[..8];

        var created = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/events", $"{{\"id\":\"{id}\",\"type\":\"order.placed\",\"payload\":{{\"total\":12.5,\"emoji\":\"😀\"}}}}", "application/json");
        var fetched = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/events/{id}");
        var processed = await Clients.EventuallyAsync(() => Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/events/{id}"),
            a => a.Json.GetProperty("status").GetString() == "processed", PollerLimit);
        var listed = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/events?limit=50&type=order.placed");

        created.Status.Should().Be(201, created.Body);
        created.Headers["location"].Should().Be($"/events/{id}");
        created.Headers.Should().ContainKey("apigw-requestid");
        fetched.Status.Should().Be(200);
        fetched.Json.GetProperty("payload").GetProperty("emoji").GetString().Should().Be("😀");
        processed.Json.GetProperty("status").GetString().Should().Be("processed", "the stream poller hands the INSERT to ProcessRecords");
        listed.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Should().Contain(id);
    }

    [Fact]
    public async Task Files_DirectUpload_BecomesReadyThroughTheStreamPollerIsListedAndQueriedWithSql()
    {
        var uploaded = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/files?name=cities.csv", "city,population\nOslo,709037\nLima,10719188\n", "text/csv");
        var id = uploaded.Json.GetProperty("id").GetString()!;

        var ready = await Clients.EventuallyAsync(() => Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/files/{id}"),
            a => a.Json.GetProperty("status").GetString() is "ready" or "rejected", PollerLimit);
        var objects = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/objects?prefix=files%2F");
        var query = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/query",
            $"{{\"sql\":\"SELECT city FROM c WHERE population > 1000000\",\"files\":{{\"c\":\"{id}\"}}}}", "application/json");
        var bobsQuery = await Clients.Botocore(cloud.Bob, "POST", $"{cloud.Endpoint}/query",
            $"{{\"sql\":\"SELECT count(*) FROM c\",\"files\":{{\"c\":\"{id}\"}}}}", "application/json");

        uploaded.Status.Should().Be(201, uploaded.Body);
        ready.Json.GetProperty("status").GetString().Should().Be("ready", ready.Body);
        ready.Json.GetProperty("schema").GetProperty("rows").GetInt64().Should().Be(2);
        objects.Status.Should().Be(200);
        objects.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()).Should().Contain("files/" + id);
        query.Status.Should().Be(200, query.Body);
        query.Json.GetProperty("rows").GetRawText().Should().Be("[[\"Lima\"]]", "QueryFiles read the file DuckDB loaded from moto's S3");
        bobsQuery.Status.Should().Be(404, "another tenant's file id is as absent as an unknown one: " + bobsQuery.Body);
    }

    [Fact]
    public async Task Files_PresignedUpload_GoesThroughMotoS3TheQueuePollerAndTheStream()
    {
        var content = "a,b\n1,2\n3,4\n";
        var created = await Clients.Curl(cloud.Bob, "POST", $"{cloud.Endpoint}/files/uploads",
            $"{{\"name\":\"big.csv\",\"size\":{content.Length},\"contentType\":\"text/csv\"}}", "application/json");
        created.Status.Should().Be(201, created.Body);
        var upload = created.Json.GetProperty("upload");
        var put = new List<string> { "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary", content };
        foreach (var header in upload.GetProperty("headers").EnumerateObject())
        {
            put.AddRange(["-H", $"{header.Name}: {header.Value.GetString()}"]);
        }

        put.Add(upload.GetProperty("url").GetString()!);
        using (var curl = Process.Start(new ProcessStartInfo("curl", put) { RedirectStandardOutput = true })!)
        {
            (await curl.StandardOutput.ReadToEndAsync()).Should().Be("200");
            await curl.WaitForExitAsync();
        }

        var id = created.Json.GetProperty("id").GetString()!;
        var ready = await Clients.EventuallyAsync(() => Clients.Curl(cloud.Bob, "GET", $"{cloud.Endpoint}/files/{id}"),
            a => a.Json.GetProperty("status").GetString() is "ready" or "rejected", PollerLimit);

        ready.Json.GetProperty("status").GetString().Should().Be("ready", "the S3 notification reached the queue poller, then the stream poller: " + ready.Body);

        // The download URL GetFile signs carries GetFile's role's permissions (and its key through S3).
        var download = await Clients.Curl(null, "GET", ready.Json.GetProperty("download").GetProperty("url").GetString()!);
        download.Status.Should().Be(200, download.Body);
        download.Body.Should().Be(content);

        // Two files: a page of one comes with a cursor, which ListFiles signs with the cursor key.
        var second = await Clients.Curl(cloud.Bob, "POST", $"{cloud.Endpoint}/files?name=second.csv", content, "text/csv");
        second.Status.Should().Be(201, second.Body);
        var page = await Clients.Curl(cloud.Bob, "GET", $"{cloud.Endpoint}/files?limit=1");
        page.Status.Should().Be(200, page.Body);
        page.Json.GetProperty("nextCursor").ValueKind.Should().Be(System.Text.Json.JsonValueKind.String, page.Body);
    }

    [Fact]
    public async Task Query_OnAFileWhoseObjectWasDeletedBehindItsBack_Is409_AsInAws()
    {
        var uploaded = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/files?name=gone.csv", "a,b\n1,2\n", "text/csv");
        uploaded.Status.Should().Be(201, uploaded.Body);
        var id = uploaded.Json.GetProperty("id").GetString()!;
        var ready = await Clients.EventuallyAsync(() => Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/files/{id}"),
            a => a.Json.GetProperty("status").GetString() is "ready" or "rejected", PollerLimit);
        ready.Json.GetProperty("status").GetString().Should().Be("ready", ready.Body);

        // Every version of the object goes, behind the function's back (an operator, a lifecycle rule).
        using var s3 = new AmazonS3Client(new BasicAWSCredentials("testing", "testing"),
            new AmazonS3Config { ServiceURL = cloud.MotoEndpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var bucket = cloud.Outputs.GetProperty("data_bucket").GetProperty("value").GetString()!;
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "tenants/" })).Versions
            .Where(v => v.Key.EndsWith("/files/" + id, StringComparison.Ordinal)).ToList();
        versions.Should().NotBeEmpty();
        foreach (var version in versions)
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = version.Key, VersionId = version.VersionId });
        }

        // S3 answers QueryFiles' role 403 for the missing key (its s3:ListBucket is limited by s3:prefix);
        // QueryFiles settles it by listing the key, and answers the documented 409.
        var query = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/query",
            $"{{\"sql\":\"SELECT count(*) FROM g\",\"files\":{{\"g\":\"{id}\"}}}}", "application/json");
        query.Status.Should().Be(409, query.Body);
    }

    [Fact]
    public async Task Events_PayloadOver64KiB_IsKeptInS3_AndReadBackByGetAndQuery()
    {
        var id = "big-" + Guid.NewGuid().ToString("N")[..8];
        var type = "e2e.big." + id;
        var text = new string('x', 70_000);
        var created = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/events", $"{{\"id\":\"{id}\",\"type\":\"{type}\",\"payload\":{{\"text\":\"{text}\"}}}}", "application/json");
        // A retry with the same id: CreateEvent reads the stored payload back to compare, and removes its own new copy.
        var retried = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/events", $"{{\"id\":\"{id}\",\"type\":\"{type}\",\"payload\":{{\"text\":\"{text}\"}}}}", "application/json");
        var fetched = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/events/{id}");
        var listed = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/events?limit=10&type={type}");

        created.Status.Should().Be(201, created.Body);
        retried.Status.Should().BeOneOf([200, 201], retried.Body);
        fetched.Status.Should().Be(200, fetched.Body);
        fetched.Json.GetProperty("payload").GetProperty("text").GetString().Should().HaveLength(70_000, "GetEvent read the payload back from S3");
        listed.Status.Should().Be(200, listed.Body);
        listed.Json.GetProperty("items").EnumerateArray().Single().GetProperty("payload").GetProperty("text").GetString().Should().HaveLength(70_000);
    }

    [Fact]
    public async Task Tenants_BobCannotReadListOrLearnOfAlicesData()
    {
        var id = "private-" + Guid.NewGuid().ToString("N")[..8];
        (await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/events", $"{{\"id\":\"{id}\",\"type\":\"secret\",\"payload\":{{}}}}", "application/json")).Status.Should().Be(201);

        var asBob = await Clients.Curl(cloud.Bob, "GET", $"{cloud.Endpoint}/events/{id}");
        var absent = await Clients.Curl(cloud.Bob, "GET", $"{cloud.Endpoint}/events/never-{id}");
        var bobsList = await Clients.Curl(cloud.Bob, "GET", $"{cloud.Endpoint}/events?type=secret");

        asBob.Status.Should().Be(404);
        asBob.Json.GetProperty("detail").GetString().Should().Be(absent.Json.GetProperty("detail").GetString()!.Replace("never-", string.Empty, StringComparison.Ordinal));
        bobsList.Json.GetProperty("items").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Auth_SignedByBotocore_HeaderAndPresignedForms_AreAccepted()
    {
        var header = await Clients.Botocore(cloud.Alice, "GET", $"{cloud.Endpoint}/events?limit=1");
        var presigned = await Clients.Botocore(cloud.Alice, "GET", $"{cloud.Endpoint}/events?limit=1", presign: true);

        header.Status.Should().Be(200, header.Body);
        presigned.Status.Should().Be(200, presigned.Body);
    }

    [Fact]
    public async Task Auth_EveryRefusal_IsApiGateways403()
    {
        var unsigned = await Clients.Curl(null, "GET", $"{cloud.Endpoint}/events");
        var tampered = await Clients.Botocore(cloud.Alice, "POST", $"{cloud.Endpoint}/events", "{\"type\":\"t\",\"payload\":{}}", "application/json", tamperBody: true);
        var expired = await Clients.Botocore(cloud.Alice, "GET", $"{cloud.Endpoint}/events", shiftSeconds: -600);
        var future = await Clients.Botocore(cloud.Alice, "GET", $"{cloud.Endpoint}/events", shiftSeconds: 600);
        var wrongService = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/events", service: "s3");
        var notAllowed = await Clients.Curl(cloud.Mallory, "GET", $"{cloud.Endpoint}/events");
        var unknownKey = await Clients.Curl(new Credentials("AKIAUNKNOWNKEY000000", "secret"), "GET", $"{cloud.Endpoint}/events");

        foreach (var answer in new[] { unsigned, tampered, expired, future, wrongService, notAllowed, unknownKey })
        {
            answer.Status.Should().Be(403, answer.Body);
        }

        tampered.Headers["x-amzn-ErrorType"].Should().StartWith("InvalidSignatureException");
        tampered.Body.Should().Contain("The request signature we calculated does not match the signature you provided");
        expired.Body.Should().Contain("Signature expired");
        future.Body.Should().Contain("Signature not yet current");
        notAllowed.Headers["x-amzn-ErrorType"].Should().StartWith("AccessDeniedException");
        notAllowed.Body.Should().Contain("is not authorized to perform: execute-api:Invoke");
        unknownKey.Body.Should().Contain("The security token included in the request is invalid");
    }

    [Fact]
    public async Task Gateway_UnknownRouteAndOversizedBody_AreAnsweredAsApiGatewayAnswers()
    {
        var unknown = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/nowhere");
        var tooLarge = await Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/events", new string('x', (10 * 1024 * 1024) + 1), "application/json");

        unknown.Status.Should().Be(404);
        unknown.Body.Should().Be("{\"message\":\"Not Found\"}");
        tooLarge.Status.Should().Be(413);
        tooLarge.Body.Should().Be("{\"message\":\"Request Entity Too Large\"}");
    }

    [Fact]
    public async Task Concurrency_FiftyRequestsAcrossRoutes_AreServedUpToTheLimitAndThrottledBeyondIt()
    {
        string[] burstFunctions = ["CreateEvent", "QueryEvents", "ListObjects"];
        Task<Answer> Request(int i) => (i % 3) switch
        {
            0 => Clients.Curl(cloud.Alice, "POST", $"{cloud.Endpoint}/events", $"{{\"type\":\"load\",\"payload\":{{\"n\":{i}}}}}", "application/json"),
            1 => Clients.Curl(cloud.Bob, "GET", $"{cloud.Endpoint}/events?type=load"),
            _ => Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/objects"),
        };
        int Invocations() => cloud.Events("invocation").Count(e => burstFunctions.Contains(e.GetProperty("function").GetString()));

        // First as many requests at once as the three functions may serve: each function starts
        // instances up to its limit. Their cold starts (JIT builds, on a shared 2-core machine) may
        // outlast the gateway's 30 s; the instances finish starting regardless.
        var before = cloud.Events("instance-started").Count;
        var invocationsBefore = Invocations();
        await Task.WhenAll(Enumerable.Range(0, 3 * LocalCloudFixture.Concurrency).Select(Request));
        await Clients.EventuallyAsync(() => Task.FromResult(Invocations() - invocationsBefore), n => n >= 3 * LocalCloudFixture.Concurrency, TimeSpan.FromMinutes(2));

        // Then 50 at once: served by the warm instances up to the limit, throttled beyond it.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(Request));
        var started = cloud.Events("instance-started").Skip(before).ToList();
        var perFunction = cloud.Events("instance-started")
            .Select(e => e.GetProperty("function").GetString()!)
            .Where(f => burstFunctions.Contains(f))
            .GroupBy(f => f).ToDictionary(g => g.Key, g => g.Count());

        answers.Should().OnlyContain(a => a.Status == 200 || a.Status == 201 || a.Status == 429, "every request is answered: served, or throttled as API Gateway throttles");
        answers.Where(a => a.Status == 429).Should().OnlyContain(a => a.Body == "{\"message\":\"Too Many Requests\"}");
        answers.Count(a => a.Status is 200 or 201).Should().BeGreaterThanOrEqualTo(3 * LocalCloudFixture.Concurrency, "each route's function serves as many requests at once as its limit");
        started.Count.Should().BeGreaterThan(1, "concurrent requests start more instances");
        perFunction.Values.Should().OnlyContain(n => n <= LocalCloudFixture.Concurrency, "no function ever has more instances than its limit");
    }

    [Fact]
    public async Task EventSources_TwoHundredMessagesWithOnePercentPoison_ProcessedPlusDeadLetteredIsTwoHundred()
    {
        using var sqs = new AmazonSQSClient(new BasicAWSCredentials("testing", "testing"), new AmazonSQSConfig { ServiceURL = cloud.MotoEndpoint, AuthenticationRegion = "us-east-1" });
        var queue = (await sqs.GetQueueUrlAsync("functions-local-uploads")).QueueUrl;
        var dlq = (await sqs.GetQueueUrlAsync("functions-local-uploads-dlq")).QueueUrl;
        const string TestEvent = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"b\"}";

        // The stack's visibility timeout is 12 minutes (6 × the processor's timeout); a poison
        // message needs five of them to reach the dead-letter queue, so the test shortens it to
        // five seconds. A receive already waiting (the poller long-polls) keeps the old 12
        // minutes for what it receives — moto reads the attribute when the call starts, and SQS
        // takes up to 60 s to apply an attribute — which once held a poison message in flight
        // for 12 minutes. So a canary goes first: once the poller has processed it, every
        // receive it makes started after the change.
        await sqs.SetQueueAttributesAsync(queue, new Dictionary<string, string> { ["VisibilityTimeout"] = "5" });
        var logStart = cloud.Log.Length;
        var canary = (await sqs.SendMessageAsync(queue, TestEvent)).MessageId;
        await Clients.EventuallyAsync(() => Task.FromResult(Deleted(cloud.Log[logStart..]).Contains(canary)), done => done, TimeSpan.FromMinutes(2));
        (await Clients.EventuallyAsync(() => CountAsync(sqs, queue), n => n == 0, TimeSpan.FromMinutes(1)))
            .Should().Be(0, "the queue must be empty before the test sends: " + await TableAsync(sqs, queue, dlq, 0, logStart));

        logStart = cloud.Log.Length;
        var sent = new List<string>();
        for (var batch = 0; batch < 20; batch++)
        {
            var response = await sqs.SendMessageBatchAsync(queue, [.. Enumerable.Range(0, 10).Select(i =>
                new SendMessageBatchRequestEntry($"m{i}", (batch * 10) + i is var n && n % 100 == 7 ? "poison: not an S3 notification" : TestEvent))]);
            response.Failed.Should().BeNullOrEmpty();
            sent.AddRange(response.Successful.Select(m => m.MessageId));
        }

        // Five receives 5 s apart at the least; the wait ends as soon as both are in.
        var deadLettered = await Clients.EventuallyAsync(() => CountAsync(sqs, dlq), n => n >= 2, TimeSpan.FromMinutes(3));
        var left = await Clients.EventuallyAsync(() => CountAsync(sqs, queue), n => n == 0, TimeSpan.FromMinutes(1));
        var table = await TableAsync(sqs, queue, dlq, sent.Count, logStart);
        var processed = Deleted(cloud.Log[logStart..]);
        var poison = await ReceiveAllAsync(sqs, dlq);

        deadLettered.Should().Be(2, table);
        left.Should().Be(0, table);
        poison.Should().HaveCount(2, table).And.OnlyContain(m => m.Body.StartsWith("poison", StringComparison.Ordinal), "only the poison is dead-lettered");
        processed.Should().NotIntersectWith(poison.Select(m => m.MessageId), "a dead-lettered message was never processed");
        processed.Union(poison.Select(m => m.MessageId)).Should().BeEquivalentTo(sent, "every message sent is either processed or dead-lettered: " + table);
    }

    // Where every message is: what a failure of the queue test prints.
    private async Task<string> TableAsync(IAmazonSQS sqs, string queue, string dlq, int sent, int logStart)
    {
        var main = await sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        var dead = await sqs.GetQueueAttributesAsync(dlq, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        var log = cloud.Log[logStart..];
        var failedBatches = log.Split('\n').Count(l => l.Contains("\"event\":\"batch-failed\"", StringComparison.Ordinal) && l.Contains("\"kind\":\"queue\"", StringComparison.Ordinal));
        return $"""

            | where | messages |
            | --- | ---: |
            | sent | {sent} |
            | processed (deleted by the poller) | {Deleted(log).Count} |
            | queue: visible | {main.ApproximateNumberOfMessages} |
            | queue: in flight | {main.ApproximateNumberOfMessagesNotVisible} |
            | dead-letter queue: visible | {dead.ApproximateNumberOfMessages} |
            | dead-letter queue: in flight | {dead.ApproximateNumberOfMessagesNotVisible} |
            | batches with failed messages | {failedBatches} |
            """;
    }

    [Fact]
    public async Task Smoke_AgainstTheLocalCloud_EverySampleOfTheManifestHolds()
    {
        // What scripts/smoke.sh checks after a deploy, against every manifest function running
        // behind its route: each route refuses an unsigned call, then every sample runs signed.
        using var manifest = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "functions", "functions.json")));
        var functions = manifest.RootElement.GetProperty("functions").EnumerateArray().ToList();
        int Count(string member) => functions.Sum(f => f.TryGetProperty(member, out var list) ? list.GetArrayLength() : 0);
        var expected = (2 * Count("routes")) + Count("samples");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "smoke.sh"));
        start.ArgumentList.Add(cloud.Endpoint);
        start.Environment["AWS_ACCESS_KEY_ID"] = cloud.Alice.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = cloud.Alice.SecretAccessKey;
        start.Environment["AWS_REGION"] = "us-east-1";
        start.Environment["SMOKE_READY_SECONDS"] = "60";
        start.Environment.Remove("AWS_SESSION_TOKEN");
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(4)) + await errors;
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(0, output);
        output.Should().Contain($"smoke: {expected} passed, 0 failed");
        var list = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false };
        list.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "smoke.sh"));
        list.ArgumentList.Add("--list");
        using var lister = Process.Start(list)!;
        var plan = await lister.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(1));
        plan.Should().Contain($"smoke plan: {expected} checks");
        // --list (what the new-function test reads) names exactly the checks a run passes, in order.
        var planned = plan.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l[2..]);
        var passed = output.Split('\n').Where(l => l.StartsWith("  ok   ", StringComparison.Ordinal)).Select(l => l["  ok   ".Length..]);
        passed.Should().Equal(planned);
    }

    [Fact]
    public async Task Reconcile_ScriptRunsAgainstTheLocalCloudsLambdaEndpoint()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(RepositoryPaths.Root, "scripts", "reconcile.sh"), "--function", "functions-local-ProcessRecords", "--older-than", "0", "--region", "us-east-1", "--endpoint-url", cloud.LambdaEndpoint })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = "testing";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "testing";
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(0, output);
        output.Should().Contain("failed 0, complete True");
    }

    [Fact]
    public async Task PrintedExamples_RunAsPrinted_AnswerEveryRouteWithoutAnError()
    {
        // The examples local.sh printed: "# ROUTE [note]" then the command, up to a blank line.
        var printed = cloud.Log.Split('\n').Select(l => l.TrimEnd('\r'))
            .SkipWhile(l => l != "Every route, as alice:").Skip(1).TakeWhile(l => l.Length > 0).ToList();
        var script = new System.Text.StringBuilder("set -u\n");
        var routes = new List<string>();
        var keeping = new HashSet<string>();
        for (var i = 0; i + 1 < printed.Count; i += 2)
        {
            var route = string.Join(' ', printed[i].TrimStart('#', ' ').Split(' ').Take(2));
            routes.Add(route);
            if (System.Text.RegularExpressions.Regex.IsMatch(printed[i + 1], @"^[a-z][a-z0-9]*=\$\("))
            {
                // It keeps a value of its answer ($event, $file) for the examples after it.
                keeping.Add(route);
            }

            if (route == "POST /query")
            {
                // The example's own note: query once the file is ready (the stream poller inspects it).
                script.Append("for _ in $(seq 300); do curl -s --aws-sigv4 'aws:amz:us-east-1:execute-api' --user '")
                    .Append(cloud.Alice.AccessKeyId).Append(':').Append(cloud.Alice.SecretAccessKey)
                    .Append("' \"").Append(cloud.Endpoint).Append("/files/$file\" | grep -q '\"status\":\"ready\"' && break; sleep 0.2; done\n");
            }

            script.Append("echo '=== ").Append(route).Append("'\n").Append(printed[i + 1]).Append("\necho\n");
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(script.ToString());
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var answers = output.Split("=== ", StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('\n', 2))
            .ToDictionary(part => part[0], part => part[1].Trim());

        routes.Should().Contain(["POST /events", "GET /events/{id}", "GET /events", "POST /files", "GET /files/{id}", "POST /query", "GET /objects", "POST /files/uploads", "GET /files", "DELETE /files/{id}"]);
        answers.Keys.Should().BeEquivalentTo(routes, "every printed example ran:\n" + output + await stderr);
        foreach (var (route, body) in answers)
        {
            var json = System.Text.Json.JsonDocument.Parse(body.Length == 0 ? "null" : body).RootElement;
            if (keeping.Contains(route))
            {
                // Its answer went to stderr (tee); stdout has the blank echo only.
                continue;
            }

            if (route == "DELETE /files/{id}")
            {
                body.Should().Be("204", "the example prints the status of the delete");
                continue;
            }

            json.ValueKind.Should().Be(System.Text.Json.JsonValueKind.Object, $"{route} answered: {body}");
            json.TryGetProperty("message", out _).Should().BeFalse($"{route} is not refused by the gateway: {body}");
            (json.TryGetProperty("type", out var type) && type.GetString()!.StartsWith("urn:functions:problem", StringComparison.Ordinal))
                .Should().BeFalse($"{route} is not a problem response: {body}");
        }

        keeping.Should().Contain(["POST /events", "POST /files"], "they keep $event and $file for the examples after them");
        (await stderr).Should().Contain("\"name\":\"cities.csv\"", "the upload's answer is shown (tee)");
        (await stderr).Should().Contain("\"type\":\"order.placed\"", "the new event's answer is shown (tee)");
        answers["POST /query"].Should().Contain("[[\"Lima\"]]");
    }

    [Fact]
    public async Task Start_ASecondInstanceOnTheSamePort_IsRefusedAndSaysSo()
    {
        var port = new Uri(cloud.Endpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(RepositoryPaths.Root, "scripts", "local.sh"), "--port", port, "--state", cloud.StateDir + "-second" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var stillServing = await Clients.Curl(cloud.Alice, "GET", $"{cloud.Endpoint}/events?limit=1");

        process.ExitCode.Should().NotBe(0, output);
        output.Should().Contain($"port {port} on 127.0.0.1 is in use: a local cloud (or another program) is already running there");
        stillServing.Status.Should().Be(200, "the running local cloud is left alone");
    }

    [Fact]
    public async Task Stop_CtrlCOfASecondLocalCloud_EndsEveryProcessItStarted()
    {
        // A second local cloud beside the first, on its own port and state: the cached stack makes
        // it a warm start. Ctrl-C in a terminal is SIGINT to the foreground process group.
        var port = LocalCloudFixture.FreePort();
        var state = cloud.StateDir + "-ctrl-c";
        var output = new System.Text.StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var second = LocalCloudFixture.StartLocalSh(port, state, line =>
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.StartsWith("Local cloud ready in ", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        });
        try
        {
            (await Task.WhenAny(ready.Task, second.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(5)))).Should().Be(ready.Task, output.ToString());
            var alice = Credentials.ReadProfiles(Path.Combine(state, "credentials"))["alice"];
            var served = await Clients.Curl(alice, "GET", $"http://127.0.0.1:{port}/events?limit=1");
            var running = LocalCloudFixture.GroupMembers(second.Id);

            await LocalCloudFixture.SignalGroupAsync(second.Id, "INT");
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var left = await Clients.EventuallyAsync(() => Task.FromResult(LocalCloudFixture.GroupMembers(second.Id)), m => m.Count == 0, TimeSpan.FromSeconds(15));

            served.Status.Should().Be(200, "the second local cloud serves (and so runs a function process): " + served.Body);
            running.Should().Contain(m => m.Contains("(moto", StringComparison.Ordinal) || m.Contains("(python", StringComparison.Ordinal), "moto runs in the group: " + string.Join(", ", running));
            running.Count.Should().BeGreaterThanOrEqualTo(3, string.Join(", ", running));
            left.Should().BeEmpty("Ctrl-C stops every process local.sh started");
        }
        finally
        {
            if (LocalCloudFixture.GroupMembers(second.Id).Count > 0)
            {
                await LocalCloudFixture.SignalGroupAsync(second.Id, "KILL");
            }

            File.Delete(state + ".pgid");
            try
            {
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task<int> VisibleAsync(IAmazonSQS sqs, string queue) =>
        (await sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessages"])).ApproximateNumberOfMessages;

    private static async Task<int> CountAsync(IAmazonSQS sqs, string queue)
    {
        var attributes = await sqs.GetQueueAttributesAsync(queue, ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]);
        return attributes.ApproximateNumberOfMessages + attributes.ApproximateNumberOfMessagesNotVisible;
    }

    // The distinct messages the queue poller deleted after ProcessRecords handled them.
    private static HashSet<string> Deleted(string log) =>
        log.Split('\n')
            .Where(l => l.Contains("\"event\":\"batch-done\"", StringComparison.Ordinal) && l.Contains("\"kind\":\"queue\"", StringComparison.Ordinal))
            .SelectMany(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("deleted_ids").GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);

    private static async Task<List<Message>> ReceiveAllAsync(IAmazonSQS sqs, string queue)
    {
        var messages = new Dictionary<string, Message>(StringComparer.Ordinal);
        for (var empty = 0; empty < 2;)
        {
            var batch = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest { QueueUrl = queue, MaxNumberOfMessages = 10, VisibilityTimeout = 60, WaitTimeSeconds = 1 });
            empty = batch.Messages is { Count: > 0 } ? 0 : empty + 1;
            foreach (var message in batch.Messages ?? [])
            {
                messages.TryAdd(message.MessageId, message);
            }
        }

        return [.. messages.Values];
    }
}
