using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Files;

/// <summary>GET /files against moto: the files index, newest first, each filter, signed cursors.</summary>
[Trait("Category", "Integration")]
public sealed class ListFilesIntegrationTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private FilesHarness _files = null!;

    // Created oldest first; listed newest first.
    private readonly List<(string Id, string Name, string Status)> _created = [];

    public async Task InitializeAsync()
    {
        _files = await FilesHarness.CreateAsync(_time);

        // 25 files: 19 direct uploads (15 CSV → ready, 4 binary → rejected) and 6 presigned (pending).
        for (var i = 0; i < 25; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            string id;
            string name;
            if (i % 4 == 3)
            {
                name = $"upload-{i:00}.csv";
                id = FilesHarness.Json(await _files.CreateUpload($"{{\"name\":\"{name}\",\"size\":10,\"contentType\":\"text/csv\"}}")).GetProperty("id").GetString()!;
                _created.Add((id, name, "pending"));
                continue;
            }

            var binary = i % 5 == 0;
            name = binary ? $"blob-{i:00}.bin" : $"report-{i:00}.csv";
            var created = await _files.Upload("name=" + name, binary ? [0, 1, 2, 0] : Encoding.UTF8.GetBytes($"a,b\n{i},x\n"), binary ? "application/octet-stream" : "text/csv");
            created.StatusCode.Should().Be(201, created.Body);
            _created.Add((FilesHarness.Json(created).GetProperty("id").GetString()!, name, binary ? "rejected" : "ready"));
        }

        var (batch, _, _) = await _files.ProcessStreamAsync();
        batch.BatchItemFailures.Should().BeEmpty(_files.Logs);
        _created.Count(f => f.Status == "pending").Should().Be(6);
        _created.Count(f => f.Status == "rejected").Should().Be(4);
        _created.Count(f => f.Status == "ready").Should().Be(15);
    }

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task List_25FilesInPagesOf10_NewestFirstEachOnceThenNoCursor()
    {
        var pages = await AllPagesAsync("limit=10");

        pages.Select(p => p.Count).Should().Equal(10, 10, 5);
        pages.SelectMany(p => p).Select(f => f.GetProperty("id").GetString()).Should().Equal(Enumerable.Reverse(_created).Select(f => f.Id));
        var first = pages[0][0];
        var newest = _created[^1];
        first.GetProperty("name").GetString().Should().Be(newest.Name);
        first.GetProperty("status").GetString().Should().Be(newest.Status);
    }

    [Fact]
    public async Task List_Members_AsGetFileShowsThem()
    {
        var listed = (await AllPagesAsync("limit=100")).Single();

        foreach (var file in listed)
        {
            var single = FilesHarness.Json(await _files.Get(file.GetProperty("id").GetString()!));
            foreach (var member in file.EnumerateObject())
            {
                single.GetProperty(member.Name).GetRawText().Should().Be(member.Value.GetRawText(), member.Name);
            }

            file.EnumerateObject().Count().Should().Be(single.EnumerateObject().Count() - 1, "GET /files/{id} adds only download");
        }

        var ready = listed.First(f => f.GetProperty("status").GetString() == "ready");
        ready.GetProperty("schema").GetProperty("columns").EnumerateArray().Select(c => c.GetString()).Should().Equal("a", "b");
        ready.GetProperty("schema").GetProperty("rows").GetInt64().Should().Be(1);
        listed.First(f => f.GetProperty("status").GetString() == "rejected").GetProperty("reason").GetString().Should().Contain("binary");
        listed.Select(f => f.TryGetProperty("createdAt", out var createdAt) && createdAt.ValueKind == JsonValueKind.String).Should().OnlyContain(present => present);
    }

    [Theory]
    [InlineData("ready")]
    [InlineData("rejected")]
    [InlineData("pending")]
    [InlineData("uploaded")]
    public async Task List_StatusFilterInPagesOf4_ExactlyThoseNewestFirst(string status)
    {
        var listed = (await AllPagesAsync($"status={status}&limit=4")).SelectMany(p => p).Select(f => f.GetProperty("id").GetString());

        listed.Should().Equal(Enumerable.Reverse(_created).Where(f => f.Status == status).Select(f => f.Id));
    }

    [Theory]
    [InlineData("report-1", null)]
    [InlineData("upload-", null)]
    [InlineData("report-", "ready")]
    [InlineData("blob", "ready")]
    [InlineData("r", null)]
    [InlineData("nothing", null)]
    public async Task List_NamePrefixFilterInPagesOf3_ExactlyThoseNewestFirst(string prefix, string? status)
    {
        var query = $"name={Uri.EscapeDataString(prefix)}&limit=3" + (status is null ? string.Empty : "&status=" + status);

        var listed = (await AllPagesAsync(query)).SelectMany(p => p).Select(f => f.GetProperty("id").GetString());

        listed.Should().Equal(Enumerable.Reverse(_created)
            .Where(f => f.Name.StartsWith(prefix, StringComparison.Ordinal) && (status is null || f.Status == status))
            .Select(f => f.Id));
    }

    [Fact]
    public async Task List_CursorOfOneQuery_RefusedForAnotherQueryOrTenantOrTampered()
    {
        var first = FilesHarness.Json(await _files.List("status=ready&limit=2"));
        var cursor = first.GetProperty("nextCursor").GetString()!;
        var events = new Events.EventsApi(_files.Env, time: _time);
        (await events.Create("{\"id\":\"e1\",\"type\":\"t\",\"payload\":{}}")).StatusCode.Should().Be(201);
        (await events.Create("{\"id\":\"e2\",\"type\":\"t\",\"payload\":{}}")).StatusCode.Should().Be(201);
        var eventCursor = FilesHarness.Json(await events.Query("limit=1")).GetProperty("nextCursor").GetString()!;
        var tampered = cursor[..^2] + (cursor[^2] == 'A' ? "B" : "A") + cursor[^1];

        (await _files.List("status=ready&limit=2&cursor=" + cursor)).StatusCode.Should().Be(200);
        foreach (var (query, caller) in new[]
                 {
                     ("status=rejected&cursor=" + cursor, ApiRequests.AliceArn),
                     ("cursor=" + cursor, ApiRequests.AliceArn),
                     ("status=ready&name=r&cursor=" + cursor, ApiRequests.AliceArn),
                     ("status=ready&cursor=" + cursor, ApiRequests.BobArn),
                     ("status=ready&cursor=" + tampered, ApiRequests.AliceArn),
                     ("cursor=" + eventCursor, ApiRequests.AliceArn),
                 })
        {
            var response = await _files.List(query, caller);
            response.StatusCode.Should().Be(400, query);
            response.Body.Should().Contain("cursor is not valid");
        }
    }

    [Fact]
    public async Task List_Bob_SeesNothingOfAlicesAsIfShehadNone()
    {
        var bob = await _files.List(null, ApiRequests.BobArn);
        var bobFiltered = await _files.List("status=ready&name=report", ApiRequests.BobArn);

        bob.StatusCode.Should().Be(200);
        bob.Body.Should().Be("{\"items\":[],\"nextCursor\":null}");
        bobFiltered.Body.Should().Be("{\"items\":[],\"nextCursor\":null}");
    }

    private async Task<List<List<JsonElement>>> AllPagesAsync(string query)
    {
        var pages = new List<List<JsonElement>>();
        string? cursor = null;
        do
        {
            var response = await _files.List(query + (cursor is null ? string.Empty : "&cursor=" + cursor));
            response.StatusCode.Should().Be(200, response.Body);
            var body = FilesHarness.Json(response);
            pages.Add([.. body.GetProperty("items").EnumerateArray()]);
            cursor = body.GetProperty("nextCursor").GetString();
            pages.Count.Should().BeLessThan(30, "paging must end");
        }
        while (cursor is not null);

        // A cursor can lead to an empty last page; drop it for the comparisons.
        if (pages.Count > 1 && pages[^1].Count == 0)
        {
            pages.RemoveAt(pages.Count - 1);
        }

        return pages;
    }

    internal static string Key(string arn) => TenantResolver.Resolve(ApiRequests.Iam(arn), out _)!.Key;
}
