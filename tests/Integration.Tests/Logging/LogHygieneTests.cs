using System.Text;
using Functions.Integration.Tests.Events;
using Functions.Integration.Tests.Files;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Logging;

/// <summary>
/// What must never reach the logs, checked on everything the functions write at Debug (the
/// most they ever write) while real calls run against moto: request bodies, event payloads,
/// file contents, presigned URLs (and their signatures), cursors, credentials from the
/// request's headers or IAM context. The SQL of POST /query is checked on the packaged
/// bootstrap (QueryFilesProcessTests). Nothing is logged truncated or hashed instead: the
/// kit's LogField carries only scalars the code chose, never a body or a header set.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LogHygieneTests : IAsyncLifetime
{
    private const string PayloadSecret = "PAYLOAD-SENTINEL-9X";
    private const string FileSecret = "FILE-SENTINEL-4M";
    private const string BodySecret = "BODY-SENTINEL-2T";
    private const string CredentialSecret = "AKIACREDSENTINEL";
    private const string SignatureSecret = "SIGNATURESENTINEL77";
    private FilesHarness _files = null!;

    public async Task InitializeAsync() => _files = await FilesHarness.CreateAsync();

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Functions_RealCallsWithSecretsEverywhere_LogNoneOfThem()
    {
        var events = new EventsApi(_files.Env);
        for (var i = 0; i < 3; i++)
        {
            var request = ApiRequests.Create("POST /events", body: $"{{\"id\":\"e-{i}\",\"type\":\"order\",\"payload\":{{\"card\":\"{PayloadSecret}\"}}}}",
                headers: new()
                {
                    ["content-type"] = "application/json",
                    ["authorization"] = $"AWS4-HMAC-SHA256 Credential={CredentialSecret}/20261202/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature={SignatureSecret}",
                    ["cookie"] = $"session={SignatureSecret}",
                });
            (await events.Send(request)).StatusCode.Should().Be(201);
        }

        var rejected = await events.Create($"{{\"id\":\"bad\",\"type\":\"order\",\"payload\":{{\"card\":\"{BodySecret}\"}}, oops}}");
        rejected.StatusCode.Should().Be(400);
        var page = EventsApi.Json(await events.Query("type=order&limit=1"));
        var cursor = page.GetProperty("nextCursor").GetString()!;
        (await events.Query("type=order&limit=1&cursor=" + Uri.EscapeDataString(cursor))).StatusCode.Should().Be(200);
        (await events.Query("type=order&limit=1&cursor=" + Uri.EscapeDataString(cursor[..^4] + "AAAA"))).StatusCode.Should().Be(400);

        var direct = await _files.Upload("name=direct.csv", Encoding.UTF8.GetBytes($"name,value\n{FileSecret},1\n"));
        direct.StatusCode.Should().Be(201, direct.Body);
        var presigned = FilesHarness.Json(await _files.CreateUpload("{\"name\":\"big.csv\",\"size\":25,\"contentType\":\"text/csv\"}"));
        var uploadUrl = presigned.GetProperty("upload").GetProperty("url").GetString()!;
        (await FilesHarness.PutAsync(presigned.GetProperty("upload"), Encoding.UTF8.GetBytes($"name,value\n{FileSecret}-b,2\n"))).Should().Be(200);
        await _files.ProcessQueueAsync();
        await _files.ProcessStreamAsync();
        var ready = FilesHarness.Json(await _files.Get(FilesHarness.Json(direct).GetProperty("id").GetString()!));
        var downloadUrl = ready.GetProperty("download").GetProperty("url").GetString()!;

        var logs = events.Logs + _files.Logs;
        logs.Should().Contain("\"message\":\"request\"", "the check must see the functions' request lines");
        logs.Should().Contain("file inspected", "the processor ran (its Debug and Info lines are included)");
        var secrets = new[]
        {
            PayloadSecret, FileSecret, BodySecret, CredentialSecret, SignatureSecret, "AKIAEXAMPLE", cursor,
            uploadUrl, downloadUrl, Signature(uploadUrl), Signature(downloadUrl),
        };
        foreach (var secret in secrets)
        {
            logs.Should().NotContain(secret);
        }
    }

    private static string Signature(string url) =>
        url.Split('?', 2)[1].Split('&').Single(p => p.StartsWith("X-Amz-Signature=", StringComparison.Ordinal))["X-Amz-Signature=".Length..];
}
