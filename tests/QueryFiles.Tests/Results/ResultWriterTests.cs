using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Json;

namespace Functions.QueryFiles.Tests.Results;

/// <summary>The response body: shape, caps (rows and envelope bytes) and RFC 4180 CSV.</summary>
public sealed class ResultWriterTests
{
    [Fact]
    public void Response_Json_HasColumnsRowsCountsAndElapsed()
    {
        var response = DuckDbRunner.Run("SELECT 1 AS id, 'a' AS name UNION ALL SELECT 2, NULL ORDER BY id");

        response.StatusCode.Should().Be(200);
        response.Headers!["content-type"].Should().Be("application/json");
        response.Body.Should().Be(
            "{\"columns\":[{\"name\":\"id\",\"type\":\"INTEGER\"},{\"name\":\"name\",\"type\":\"VARCHAR\"}]," +
            "\"rows\":[[1,\"a\"],[2,null]],\"rowCount\":2,\"truncated\":false,\"elapsedMs\":7}");
    }

    [Fact]
    public void Response_NoRows_IsAnEmptyArray()
    {
        DuckDbRunner.Run("SELECT 1 AS x WHERE false").Body.Should().Be(
            "{\"columns\":[{\"name\":\"x\",\"type\":\"INTEGER\"}],\"rows\":[],\"rowCount\":0,\"truncated\":false,\"elapsedMs\":7}");
    }

    [Fact]
    public void Response_MoreRowsThanTheCap_StopsAtTheCapAndSaysTruncated()
    {
        var body = JsonDocument.Parse(DuckDbRunner.Run("SELECT i FROM range(25000) t(i) ORDER BY i").Body!).RootElement;

        body.GetProperty("rowCount").GetInt32().Should().Be(QuerySettings.MaxRows);
        body.GetProperty("rows").GetArrayLength().Should().Be(QuerySettings.MaxRows);
        body.GetProperty("rows")[QuerySettings.MaxRows - 1][0].GetInt64().Should().Be(QuerySettings.MaxRows - 1);
        body.GetProperty("truncated").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Response_ExactlyTheCapInRows_IsNotTruncated()
    {
        var body = JsonDocument.Parse(DuckDbRunner.Run("SELECT i FROM range(10000) t(i)").Body!).RootElement;

        body.GetProperty("rowCount").GetInt32().Should().Be(10_000);
        body.GetProperty("truncated").GetBoolean().Should().BeFalse();
    }

    [Theory]
    [InlineData(ResponseFormat.Json)]
    [InlineData(ResponseFormat.Csv)]
    public void Response_RowsOfQuotesPastTheByteCap_StaysWithinItAsLambdaCountsIt(ResponseFormat format)
    {
        // Quotes cost double once the body is a string inside Lambda's response document.
        var response = DuckDbRunner.Run("SELECT repeat('\"', 900) || i AS q FROM range(9000) t(i)", format);

        var envelope = JsonSerializer.SerializeToUtf8Bytes(response, HttpApiJsonContext.Relaxed.APIGatewayHttpApiV2ProxyResponse);
        MinimalJsonEncoder.EncodedLength(Encoding.UTF8.GetBytes(response.Body!)).Should().BeLessThanOrEqualTo(QuerySettings.MaxResponseBytes);
        envelope.Length.Should().BeLessThan(6 * 1024 * 1024);
        var truncated = format == ResponseFormat.Json
            ? JsonDocument.Parse(response.Body!).RootElement.GetProperty("truncated").GetBoolean()
            : response.Headers!["query-truncated"] == "true";
        truncated.Should().BeTrue();
        var rows = format == ResponseFormat.Json
            ? JsonDocument.Parse(response.Body!).RootElement.GetProperty("rowCount").GetInt32()
            : int.Parse(response.Headers!["query-row-count"], System.Globalization.CultureInfo.InvariantCulture);
        rows.Should().BeInRange(1400, 1500, "each row costs about 3,600 bytes of the 5 MiB: its quotes are escaped in the body and again in the envelope");
    }

    [Fact]
    public void Response_Csv_IsRfc4180WithHeaderAndCountsInHeaders()
    {
        var response = DuckDbRunner.Run(
            "SELECT * FROM (VALUES (1, 'plain', NULL, [1, 2], 1.50::DECIMAL(3,2)), (2, 'a,b \"q\"', 'line1\nline2', [], 0.00::DECIMAL(3,2))) v(id, text, note, list, price) ORDER BY id",
            ResponseFormat.Csv);

        response.Headers!["content-type"].Should().Be("text/csv; charset=utf-8; header=present");
        response.Headers["query-row-count"].Should().Be("2");
        response.Headers["query-truncated"].Should().Be("false");
        response.Headers["query-elapsed-ms"].Should().Be("7");
        response.Body.Should().Be(
            "id,text,note,list,price\r\n" +
            "1,plain,,\"[1,2]\",1.50\r\n" +
            "2,\"a,b \"\"q\"\"\",\"line1\nline2\",[],0.00\r\n");
    }
}
