using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Metrics;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Metrics;

public sealed class EmfDocumentTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 1, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Build_EveryKitMetric_IsValidEmfWithDimensionsAsMembers()
    {
        var values = MetricNames.All.ToDictionary(m => m, m => 1.5);

        var line = Encoding.UTF8.GetString(EmfDocument.Build("Functions/dev", "CreateEvent", "functions-dev-CreateEvent", "POST /events", values, Now));

        EmfValidator.Problems(line).Should().BeEmpty(line);
        var root = JsonDocument.Parse(line).RootElement;
        var directive = root.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        directive.GetProperty("Namespace").GetString().Should().Be("Functions/dev");
        directive.GetProperty("Dimensions").EnumerateArray().Select(s => string.Join(",", s.EnumerateArray().Select(d => d.GetString())))
            .Should().Equal("service,function", "service,function,route");
        root.GetProperty("_aws").GetProperty("Timestamp").GetInt64().Should().Be(Now.ToUnixTimeMilliseconds());
        root.GetProperty("route").GetString().Should().Be("POST /events");
        directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).Should().Equal(MetricNames.All.Select(m => m.Name));
        root.GetProperty("QueryBytesLoaded").GetDouble().Should().Be(1.5);
    }

    [Fact]
    public void Build_WithoutRoute_HasOnlyServiceAndFunction()
    {
        var line = Encoding.UTF8.GetString(EmfDocument.Build("Functions/dev", "ProcessRecords", "fn", null,
            new Dictionary<MetricName, double> { [MetricNames.RecordsFailed] = 2 }, Now));

        EmfValidator.Problems(line).Should().BeEmpty();
        JsonDocument.Parse(line).RootElement.TryGetProperty("route", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("GET /events/{id}", "GET /events/{id}")]
    [InlineData("POST /files/uploads", "POST /files/uploads")]
    [InlineData("$default", "other")]
    [InlineData("GET /events/tenant-7f3a9c", "GET /events/tenant-7f3a9c")]
    [InlineData("GET /events?x=1", "other")]
    [InlineData("BREW /pot", "other")]
    [InlineData("GET events", "other")]
    [InlineData("GET /a b", "other")]
    [InlineData("GET /\u00e9", "other")]
    [InlineData("", "other")]
    [InlineData(null, "other")]
    public void BoundedRoute_OnlyRouteKeyShapesPass(string? routeKey, string expected) =>
        EmfDocument.BoundedRoute(routeKey).Should().Be(expected);

    [Fact]
    public void BoundedRoute_LongKey_IsOther() =>
        EmfDocument.BoundedRoute("GET /" + new string('a', 200)).Should().Be("other");

    [Fact]
    public void InvocationRecord_NonFiniteValues_AreDroppedAndRepeatsSummed()
    {
        var record = new InvocationRecord();
        record.Add(MetricNames.QueryDuration, double.NaN);
        record.Add(MetricNames.QueryBytesLoaded, double.PositiveInfinity);
        record.Add(MetricNames.FilesRejected, 1);
        record.Add(MetricNames.FilesRejected, 2);

        record.Metrics.Should().ContainSingle().Which.Should().Be(new KeyValuePair<MetricName, double>(MetricNames.FilesRejected, 3));
        EmfValidator.Problems(Encoding.UTF8.GetString(EmfDocument.Build("n", "s", "f", null, record.Metrics, Now))).Should().BeEmpty();
    }

    [Fact]
    public void LambdaMetrics_OutsideAnInvocation_DoesNothing()
    {
        InvocationRecord.Current.Should().BeNull();
        LambdaMetrics.Add(MetricNames.EventsCreated);
    }

    [Fact]
    public void LambdaMetrics_InsideAnInvocation_AddsToItsRecord()
    {
        var record = new InvocationRecord();
        using (InvocationRecord.Begin(record))
        {
            LambdaMetrics.Add(MetricNames.EventsCreated);
        }

        record.Metrics[MetricNames.EventsCreated].Should().Be(1);
        InvocationRecord.Current.Should().BeNull();
    }

    // Terraform's dashboard and its test read functions/metrics.json; the kit emits MetricNames.
    [Fact]
    public void MetricsJson_ListsExactlyTheKitsMetricsWithTheirUnits()
    {
        var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "functions", "metrics.json"))).RootElement;

        file.GetProperty("metrics").EnumerateArray().Select(m => (m.GetProperty("name").GetString(), m.GetProperty("unit").GetString()))
            .Should().Equal(MetricNames.All.Select(m => ((string?)m.Name, (string?)m.Unit)));
        MetricNames.All.Should().OnlyContain(m => MetricUnit.Allowed.Contains(m.Unit));
        MetricNames.All.Count.Should().BeLessThanOrEqualTo(EmfDocument.MaxMetrics);
    }

    [Fact]
    public void EmfValidator_RejectsWhatTheSpecificationForbids()
    {
        EmfValidator.Problems("""{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[["service"]],"Metrics":[{"Name":"A","Unit":"Furlongs"}]}]},"A":1}""")
            .Should().HaveCount(2, "the unit is not allowed and the dimension has no member");
        EmfValidator.Problems("""{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[{"Name":"A"}]}]}}""")
            .Should().ContainSingle("the metric value is missing");
        var tooMany = string.Join(",", Enumerable.Range(0, 31).Select(i => $"\"d{i}\""));
        EmfValidator.Problems("""{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[[""" + tooMany + """]],"Metrics":[{"Name":"A"}]}]},"A":1}""")
            .Should().NotBeEmpty("a dimension set holds at most 30 names");
        var metrics = string.Join(",", Enumerable.Range(0, 101).Select(i => "{\"Name\":\"m" + i + "\"}"));
        EmfValidator.Problems("""{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"n","Dimensions":[],"Metrics":[""" + metrics + """]}]}}""")
            .Should().NotBeEmpty("a directive holds at most 100 metrics");
        EmfValidator.Problems("""{"_aws":{"CloudWatchMetrics":[]}}""").Should().HaveCount(2);
    }
}
