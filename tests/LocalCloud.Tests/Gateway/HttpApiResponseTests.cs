using System.Text;
using Functions.LocalCloud.Gateway;

namespace Functions.LocalCloud.Tests.Gateway;

public sealed class HttpApiResponseTests
{
    [Fact]
    public void Map_ProxyResponse_GivesStatusHeadersCookiesAndBody()
    {
        var response = HttpApiResponse.Map(Encoding.UTF8.GetBytes(
            "{\"statusCode\":201,\"headers\":{\"Content-Type\":\"application/json\",\"location\":\"/events/e1\"},\"cookies\":[\"a=1\",\"b=2; Secure\"],\"body\":\"{\\\"ok\\\":true}\"}"))!;

        response.Status.Should().Be(201);
        response.Headers.Where(h => h.Key != "set-cookie").Should().Equal(
            new KeyValuePair<string, string>("content-type", "application/json"), new KeyValuePair<string, string>("location", "/events/e1"));
        response.Headers.Where(h => h.Key == "set-cookie").Select(h => h.Value).Should().Equal("a=1", "b=2; Secure");
        Encoding.UTF8.GetString(response.Body).Should().Be("{\"ok\":true}");
    }

    [Fact]
    public void Map_Base64Body_IsDecoded()
    {
        var response = HttpApiResponse.Map(Encoding.UTF8.GetBytes("{\"statusCode\":200,\"body\":\"AAEC/w==\",\"isBase64Encoded\":true}"))!;

        response.Body.Should().Equal(0, 1, 2, 255);
    }

    [Theory]
    [InlineData("{\"hello\":\"world\"}", "{\"hello\":\"world\"}")]
    [InlineData("\"just text\"", "just text")]
    [InlineData("[1,2]", "[1,2]")]
    [InlineData("not json at all", "not json at all")]
    public void Map_OutputWithoutStatusCode_Is200WithTheOutputAsBody(string output, string body)
    {
        var response = HttpApiResponse.Map(Encoding.UTF8.GetBytes(output))!;

        response.Status.Should().Be(200);
        response.Headers.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("content-type", "application/json"));
        Encoding.UTF8.GetString(response.Body).Should().Be(body);
    }

    [Theory]
    [InlineData("{\"statusCode\":\"200\"}")]
    [InlineData("{\"statusCode\":99}")]
    [InlineData("{\"statusCode\":200,\"headers\":[1]}")]
    [InlineData("{\"statusCode\":200,\"body\":\"%%\",\"isBase64Encoded\":true}")]
    public void Map_MalformedResponse_IsTheGateways500(string output)
    {
        HttpApiResponse.Map(Encoding.UTF8.GetBytes(output)).Should().BeNull();
    }
}
