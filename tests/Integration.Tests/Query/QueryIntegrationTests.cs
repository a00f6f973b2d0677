using System.Text;
using Amazon.S3.Model;
using Functions.FileStore;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.QueryFiles;
using Functions.TestSupport;

namespace Functions.Integration.Tests.Query;

/// <summary>POST /query against moto: CSV, JSON lines and Parquet files uploaded and made ready by the processor, then queried.</summary>
[Trait("Category", "Integration")]
public sealed class QueryIntegrationTests : IAsyncLifetime
{
    public const string SalesCsv = "id,region,amount,sold_on\n1,north,10.5,2026-11-01\n2,south,20,2026-11-02\n3,north,5.25,2026-11-03\n";
    public const string RegionsJsonl = "{\"region\":\"north\",\"manager\":\"Ana\"}\n{\"region\":\"south\",\"manager\":\"Bo\"}\n";
    private QueryHarness _query = null!;

    public async Task InitializeAsync() => _query = await QueryHarness.CreateAsync();

    public async Task DisposeAsync() => await _query.DisposeAsync();

    [Fact]
    public async Task Query_JoinOfCsvAndJsonLines_ReturnsTheJoinedRows()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);
        var regions = await _query.ReadyFileAsync("regions.jsonl", RegionsJsonl);

        var response = await _query.Query(
            "SELECT s.id, r.manager FROM sales s JOIN regions r USING (region) ORDER BY s.id", ("sales", sales), ("regions", regions));

        QueryHarness.Rows(response).Should().Equal("[1,\"Ana\"]", "[2,\"Bo\"]", "[3,\"Ana\"]");
        var body = QueryHarness.Json(response);
        body.GetProperty("columns").GetRawText().Should().Be("[{\"name\":\"id\",\"type\":\"BIGINT\"},{\"name\":\"manager\",\"type\":\"VARCHAR\"}]");
        body.GetProperty("rowCount").GetInt32().Should().Be(3);
        body.GetProperty("truncated").GetBoolean().Should().BeFalse();
        body.GetProperty("elapsedMs").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        _query.WorkRootEntries().Should().BeEmpty("the working directory is removed after the call");
    }

    [Fact]
    public async Task Query_AggregateOverCsv_GroupsAndSums()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Query(
            "SELECT region, count(*) AS n, sum(amount) AS total, max(sold_on) AS last FROM sales GROUP BY region ORDER BY region", ("sales", sales));

        QueryHarness.Rows(response).Should().Equal("[\"north\",2,15.75,\"2026-11-03\"]", "[\"south\",1,20,\"2026-11-02\"]");
        QueryHarness.Json(response).GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("type").GetString())
            .Should().Equal("VARCHAR", "BIGINT", "DOUBLE", "DATE");
    }

    [Fact]
    public async Task Query_ParquetFile_ReadsItsColumns()
    {
        var cities = await _query.ReadyFileAsync("cities.parquet", File.ReadAllBytes(RepositoryPaths.Fixture("files/cities.parquet")));

        var response = await _query.Query("SELECT city FROM cities ORDER BY city", ("cities", cities));

        QueryHarness.Rows(response).Should().Equal("[\"Lima\"]", "[\"Oslo\"]", "[\"Pune\"]");
    }

    [Fact]
    public async Task Query_SameFileUnderTwoAliases_SelfJoins()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Query("SELECT count(*) FROM a JOIN b ON a.region = b.region", ("a", sales), ("b", sales));

        QueryHarness.Rows(response).Should().Equal("[5]");
    }

    [Fact]
    public async Task Query_AcceptTextCsv_ReturnsRfc4180Csv()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Send(
            QueryHarness.Body("SELECT id, region || ', \"quoted\"' AS label FROM sales ORDER BY id", [("sales", sales)]), accept: "text/csv");

        response.StatusCode.Should().Be(200, response.Body);
        response.Headers!["content-type"].Should().StartWith("text/csv");
        response.Headers["query-row-count"].Should().Be("3");
        response.Body.Should().Be("id,label\r\n1,\"north, \"\"quoted\"\"\"\r\n2,\"south, \"\"quoted\"\"\"\r\n3,\"north, \"\"quoted\"\"\"\r\n");
    }

    [Fact]
    public async Task Query_MoreRowsThanTheCap_IsTruncatedAt10000()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Query("SELECT s.id, r.i FROM sales s, range(5000) r(i)", ("sales", sales));

        var body = QueryHarness.Json(response);
        body.GetProperty("rowCount").GetInt32().Should().Be(10_000);
        body.GetProperty("rows").GetArrayLength().Should().Be(10_000);
        body.GetProperty("truncated").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task Query_MoreBytesThanTheCap_IsTruncatedWithinLambdasLimit()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Query("SELECT repeat(s.region, 2000) AS big FROM sales s, range(1000) r(i)", ("sales", sales));

        var body = QueryHarness.Json(response);
        body.GetProperty("truncated").GetBoolean().Should().BeTrue();
        body.GetProperty("rowCount").GetInt32().Should().BeLessThan(3000);
        Encoding.UTF8.GetByteCount(response.Body!).Should().BeLessThanOrEqualTo(QuerySettings.MaxResponseBytes);
    }

    [Fact]
    public async Task Query_TypedValuesWithFileColumns_AreMappedAsDocumented()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Query(
            "SELECT id, sold_on, 9007199254740993::BIGINT AS big, amount::DECIMAL(10,2) AS price, 'NaN'::DOUBLE AS nan, " +
            "TIMESTAMPTZ '2026-11-21 10:30:00+01:00' AS at, '\\xCA\\xFE'::BLOB AS raw, [id, id * 2] AS list, {'r': region} AS obj, " +
            "MAP {region: amount} AS map, INTERVAL 1 DAY AS span, NULL AS nothing FROM sales WHERE id = 1",
            ("sales", sales));

        QueryHarness.Rows(response).Should().Equal(
            "[1,\"2026-11-01\",\"9007199254740993\",\"10.50\",\"NaN\",\"2026-11-21T09:30:00Z\",\"yv4=\",[1,2],{\"r\":\"north\"}," +
            "[{\"key\":\"north\",\"value\":10.5}],{\"months\":0,\"days\":1,\"micros\":0},null]");
    }

    [Fact]
    public async Task Query_SqlError_Is400WithDuckDbsMessage()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Query("SELECT no_such_column FROM sales", ("sales", sales));

        response.StatusCode.Should().Be(400);
        var problem = QueryHarness.Json(response);
        problem.GetProperty("type").GetString().Should().Be(ProblemTypes.InvalidQuery);
        problem.GetProperty("detail").GetString().Should().Contain("Binder Error").And.Contain("no_such_column");
        _query.WorkRootEntries().Should().BeEmpty();
    }

    [Fact]
    public async Task Query_ParseError_Is400WithDuckDbsMessage()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Query("SELEC * FROM sales", ("sales", sales));

        response.StatusCode.Should().Be(400);
        QueryHarness.Json(response).GetProperty("detail").GetString().Should().Contain("Parser Error");
    }

    [Fact]
    public async Task Query_UnknownFileAndAnotherTenantsFile_AreTheSame404()
    {
        var bobs = await _query.ReadyFileAsync("bob.csv", SalesCsv, ApiRequests.BobArn);
        var unknown = Guid.CreateVersion7().ToString();

        var other = await _query.Query("SELECT * FROM t", ("t", bobs));
        var missing = await _query.Query("SELECT * FROM t", ("t", unknown));

        other.StatusCode.Should().Be(404);
        missing.StatusCode.Should().Be(404);
        other.Body!.Replace(bobs, "ID", StringComparison.Ordinal).Should().Be(missing.Body!.Replace(unknown, "ID", StringComparison.Ordinal));
        _query.WorkRootEntries().Should().BeEmpty();
    }

    [Fact]
    public async Task Query_PendingFile_Is409()
    {
        var created = await _query.Files.CreateUpload("{\"name\":\"later.csv\",\"size\":10,\"contentType\":\"text/csv\"}");
        var pending = QueryHarness.Json(created).GetProperty("id").GetString()!;

        var response = await _query.Query("SELECT * FROM t", ("t", pending));

        response.StatusCode.Should().Be(409);
        QueryHarness.Json(response).GetProperty("detail").GetString().Should().Contain("is pending, not ready");
    }

    [Fact]
    public async Task Query_RejectedFile_Is409()
    {
        var created = await _query.Files.Upload("name=blob.bin", [0, 1, 2, 3, 0, 5], "application/octet-stream");
        var id = QueryHarness.Json(created).GetProperty("id").GetString()!;
        await _query.Files.ProcessStreamAsync();

        var response = await _query.Query("SELECT * FROM t", ("t", id));

        response.StatusCode.Should().Be(409);
        QueryHarness.Json(response).GetProperty("detail").GetString().Should().Contain("was rejected");
    }

    [Fact]
    public async Task Query_StoredObjectLargerThanRecorded_Is409AndNothingStays()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);
        var alice = TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!;
        await _query.Files.Env.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _query.Files.Env.Settings.BucketName,
            Key = FileRules.ObjectKey(alice.Key, sales),
            ContentBody = SalesCsv + "4,west,1,2026-11-04\n",
        });

        var response = await _query.Query("SELECT * FROM sales", ("sales", sales));

        response.StatusCode.Should().Be(409, response.Body);
        QueryHarness.Json(response).GetProperty("detail").GetString().Should().Contain($"not the {SalesCsv.Length} recorded");
        _query.WorkRootEntries().Should().BeEmpty();
    }

    [Fact]
    public async Task Query_StoredObjectGone_AnsweredAs403ByS3_Is409()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);
        var alice = TenantResolver.Resolve(ApiRequests.Iam(ApiRequests.AliceArn), out _)!;
        await _query.Files.Env.S3.DeleteObjectAsync(_query.Files.Env.Settings.BucketName, FileRules.ObjectKey(alice.Key, sales));
        using var s3 = new MissingKeyForbidden();
        var function = new Functions.QueryFiles.Function(_query.Files.Env.Dynamo, s3, _query.Files.Env.Settings, _query.Settings, TimeProvider.System);

        var response = await _query.Send(QueryHarness.Body("SELECT * FROM sales", [("sales", sales)]), function: function);

        response.StatusCode.Should().Be(409, response.Body);
        QueryHarness.Json(response).GetProperty("detail").GetString().Should().Contain("its stored content is missing");
        _query.WorkRootEntries().Should().BeEmpty();
    }

    /// <summary>
    /// The moto client, answering GetObject on a missing key as S3 answers a role whose
    /// s3:ListBucket carries an s3:prefix condition (QueryFiles's): 403, not 404.
    /// </summary>
    private sealed class MissingKeyForbidden() : Amazon.S3.AmazonS3Client(Moto.Credentials, new Amazon.S3.AmazonS3Config
    {
        ServiceURL = Moto.Endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = Moto.Region,
    })
    {
        public override async Task<GetObjectResponse> GetObjectAsync(GetObjectRequest request, CancellationToken cancellationToken = default)
        {
            try
            {
                return await base.GetObjectAsync(request, cancellationToken);
            }
            catch (Amazon.S3.AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                throw new Amazon.S3.AmazonS3Exception("Access Denied", Amazon.Runtime.ErrorType.Sender, "AccessDenied", "r-403", System.Net.HttpStatusCode.Forbidden);
            }
        }
    }

    [Fact]
    public async Task Query_FilesOverTheSizeBudget_Is422BeforeDownloading()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);
        _query.Settings = _query.Settings with { MaxFileBytes = 100 };

        var response = await _query.Query("SELECT * FROM a, b", ("a", sales), ("b", await _query.ReadyFileAsync("more.csv", SalesCsv)));

        response.StatusCode.Should().Be(422);
        QueryHarness.Json(response).GetProperty("type").GetString().Should().Be(ProblemTypes.QueryTooLarge);
        _query.WorkRootEntries().Should().BeEmpty();
    }

    [Fact]
    public async Task Query_RunningPastItsTimeout_IsCancelledWith422()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);

        var response = await _query.Send(QueryHarness.Body(
            "SELECT sum(hash(a.i + b.i + s.id)) FROM range(1000000) a(i), range(1000000) b(i), sales s", [("sales", sales)], timeoutSeconds: 1));

        response.StatusCode.Should().Be(422, response.Body);
        var problem = QueryHarness.Json(response);
        problem.GetProperty("type").GetString().Should().Be(ProblemTypes.QueryCancelled);
        problem.GetProperty("detail").GetString().Should().Contain("cancelled after running for its time limit of 1 s");
        _query.WorkRootEntries().Should().BeEmpty();
    }

    [Fact]
    public async Task Query_CrossJoinPastTheMemoryLimit_Is422AndTheNextQueryRuns()
    {
        var sales = await _query.ReadyFileAsync("sales.csv", SalesCsv);
        var function = _query.Function();

        var response = await _query.Send(QueryHarness.Body(
            "SELECT length(string_agg(repeat(s.region, 100) || r.i, ',')) FROM sales s CROSS JOIN range(3000000) r(i)", [("sales", sales)]), function: function);
        var next = await _query.Send(QueryHarness.Body("SELECT count(*) FROM sales", [("sales", sales)]), function: function);

        response.StatusCode.Should().Be(422, response.Body);
        var problem = QueryHarness.Json(response);
        problem.GetProperty("type").GetString().Should().Be(ProblemTypes.QueryTooLarge);
        problem.GetProperty("detail").GetString().Should().Contain("Out of Memory");
        QueryHarness.Rows(next).Should().Equal("[3]");
        _query.WorkRootEntries().Should().BeEmpty();
    }

    [Fact]
    public async Task Query_WarmFunctionSecondCall_CannotSeeTheFirstCallsFilesOrViews()
    {
        var secret = await _query.ReadyFileAsync("secret.csv", "id,code\n1,first-call-secret\n2,x\n");
        var other = await _query.ReadyFileAsync("other.csv", "id,code\n7,second\n8,y\n");
        var function = _query.Function();

        var first = await _query.Send(QueryHarness.Body("SELECT code FROM a ORDER BY id", [("a", secret), ("hidden", secret)]), function: function);
        var entriesBetween = _query.WorkRootEntries();
        var reused = await _query.Send(QueryHarness.Body("SELECT * FROM a ORDER BY id", [("a", other)]), function: function);
        var earlierView = await _query.Send(QueryHarness.Body("SELECT * FROM hidden", [("a", other)]), function: function);

        QueryHarness.Rows(first).Should().Equal("[\"first-call-secret\"]", "[\"x\"]");
        entriesBetween.Should().BeEmpty("a warm instance keeps no earlier call's files");
        QueryHarness.Rows(reused).Should().Equal("[7,\"second\"]", "[8,\"y\"]");
        earlierView.StatusCode.Should().Be(400);
        earlierView.Body.Should().NotContain("first-call-secret");
        _query.WorkRootEntries().Should().BeEmpty();
    }

    [Fact]
    public async Task Query_QueryParameter_Is400()
    {
        var withQuery = await new HttpApiFunction(_query.Function(), new LogCapture().Logger, TimeProvider.System).HandleAsync(
            ApiRequests.Create("POST /query", rawQueryString: "debug=1", body: "{}", headers: new() { ["content-type"] = "application/json" }), new TestLambdaContext());

        withQuery.StatusCode.Should().Be(400);
        QueryHarness.Json(withQuery).GetProperty("type").GetString().Should().Be(ProblemTypes.InvalidParameter);
    }

    [Theory]
    [MemberData(nameof(BadRequests.JsonBodies), MemberType = typeof(BadRequests))]
    public async Task Query_BadJsonBody_Is4xxProblemAndTouchesNoFiles(string name, string? contentType, string body, bool base64, int status)
    {
        var headers = contentType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["content-type"] = contentType };

        var response = await new HttpApiFunction(_query.Function(), new LogCapture().Logger, TimeProvider.System)
            .HandleAsync(ApiRequests.Create("POST /query", body: body, isBase64Encoded: base64, headers: headers), new TestLambdaContext());

        response.StatusCode.Should().Be(status, name + ": " + response.Body);
        response.Headers!["content-type"].Should().Be(HttpResults.ProblemMediaType, name);
        _query.WorkRootEntries().Should().BeEmpty(name);
    }

    public static TheoryData<string, string, string> BadQueryBodies()
    {
        var id = Guid.CreateVersion7().ToString();
        var twentyOne = string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"f{i}\":\"{id}\""));
        return new()
        {
            { "missing sql", $"{{\"files\":{{\"a\":\"{id}\"}}}}", "sql is required" },
            { "blank sql", $"{{\"sql\":\"  \",\"files\":{{\"a\":\"{id}\"}}}}", "sql is required" },
            { "sql not a string", $"{{\"sql\":1,\"files\":{{\"a\":\"{id}\"}}}}", "wrong type" },
            { "sql with NUL", $"{{\"sql\":\"SELECT 1\\u0000\",\"files\":{{\"a\":\"{id}\"}}}}", "NUL" },
            { "sql too long", $"{{\"sql\":\"SELECT {new string('1', QueryRequest.MaxSqlLength)}\",\"files\":{{\"a\":\"{id}\"}}}}", "longer than" },
            { "missing files", "{\"sql\":\"SELECT 1\"}", "files is required" },
            { "files empty", "{\"sql\":\"SELECT 1\",\"files\":{}}", "1 to 20 files" },
            { "files an array", $"{{\"sql\":\"SELECT 1\",\"files\":[\"{id}\"]}}", "wrong type" },
            { "21 files", $"{{\"sql\":\"SELECT 1\",\"files\":{{{twentyOne}}}}}", "names 21" },
            { "alias with a dot", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a.b\":\"{id}\"}}}}", "not a valid alias" },
            { "alias with a quote", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a\\\"b\":\"{id}\"}}}}", "not a valid alias" },
            { "alias starting with a digit", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"1a\":\"{id}\"}}}}", "not a valid alias" },
            { "alias a path", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"../etc\":\"{id}\"}}}}", "not a valid alias" },
            { "aliases differing in case", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a\":\"{id}\",\"A\":\"{id}\"}}}}", "given twice" },
            { "id not a uuid", "{\"sql\":\"SELECT 1\",\"files\":{\"a\":\"../../etc/passwd\"}}", "must be a file id" },
            { "id a number", "{\"sql\":\"SELECT 1\",\"files\":{\"a\":5}}", "must be a file id" },
            { "id upper case", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a\":\"{id.ToUpperInvariant()}\"}}}}", "must be a file id" },
            { "timeout 0", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a\":\"{id}\"}},\"timeoutSeconds\":0}}", "timeoutSeconds" },
            { "timeout 26", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a\":\"{id}\"}},\"timeoutSeconds\":26}}", "timeoutSeconds" },
            { "timeout fractional", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a\":\"{id}\"}},\"timeoutSeconds\":1.5}}", "timeoutSeconds" },
            { "unknown member", $"{{\"sql\":\"SELECT 1\",\"files\":{{\"a\":\"{id}\"}},\"tenant\":\"bob\"}}", "Unknown member 'tenant'" },
        };
    }

    [Theory]
    [MemberData(nameof(BadQueryBodies))]
    public async Task Query_BadQueryBody_Is400NamingTheProblem(string name, string body, string expected)
    {
        var response = await _query.Send(body);

        response.StatusCode.Should().Be(400, name + ": " + response.Body);
        QueryHarness.Json(response).GetProperty("detail").GetString().Should().Contain(expected, name);
        _query.WorkRootEntries().Should().BeEmpty(name);
    }
}
