using System.Text;
using System.Text.Json.Serialization;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Http;

public sealed partial class HttpApiRequestTests
{
    private static readonly Tenant Tenant = new(new string('a', 64), ApiRequests.AliceArn);

    [Fact]
    public void BodyBytes_Base64Body_IsDecoded()
    {
        var request = Wrap(body: Convert.ToBase64String([0, 1, 2, 255]), base64: true);

        request.BodyBytes(16).Should().Equal(0, 1, 2, 255);
    }

    [Fact]
    public void BodyBytes_InvalidBase64_Is400()
    {
        var act = () => Wrap(body: "not base64!", base64: true).BodyBytes(100);

        act.Should().Throw<ProblemException>().Which.Status.Should().Be(400);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BodyBytes_OverLimit_Is413(bool base64)
    {
        var bytes = new byte[101];
        var act = () => Wrap(body: base64 ? Convert.ToBase64String(bytes) : Encoding.UTF8.GetString(bytes), base64: base64).BodyBytes(100);

        act.Should().Throw<ProblemException>().Which.Status.Should().Be(413);
    }

    [Fact]
    public void BodyBytes_MultiByteCharactersOverLimit_Is413()
    {
        // 40 chars but 120 bytes of UTF-8.
        var act = () => Wrap(body: new string('€', 40)).BodyBytes(100);

        act.Should().Throw<ProblemException>().Which.Status.Should().Be(413);
    }

    [Fact]
    public void ReadJson_ValidObject_Deserializes()
    {
        var sample = Wrap(body: "{\"name\":\"x\"}", contentType: "application/json; charset=utf-8")
            .ReadJson(SampleJsonContext.Default.Sample, 1024);

        sample.Name.Should().Be("x");
    }

    [Theory]
    [InlineData(null, "{}", 415)]
    [InlineData("text/plain", "{}", 415)]
    [InlineData("application/json", "", 400)]
    [InlineData("application/json", "null", 400)]
    [InlineData("application/json", "{\"name\":", 400)]
    [InlineData("application/json", "{\"name\":5}", 400)]
    [InlineData("application/merge-patch+json", "{}", 415)]
    [InlineData("APPLICATION/JSON; charset=utf-8", "[1]", 400)]
    public void ReadJson_BadBody_IsProblem(string? contentType, string body, int status)
    {
        var act = () => Wrap(body: body, contentType: contentType).ReadJson(SampleJsonContext.Default.Sample, 1024);

        act.Should().Throw<ProblemException>().Which.Status.Should().Be(status);
    }

    [Fact]
    public void Header_AnyCase_IsFound()
    {
        Wrap(body: null, contentType: "application/json").Header("Content-Type").Should().Be("application/json");
    }

    private static HttpApiRequest Wrap(string? body, bool base64 = false, string? contentType = null)
    {
        var headers = new Dictionary<string, string>();
        if (contentType is not null)
        {
            headers["content-type"] = contentType;
        }

        return new HttpApiRequest(
            ApiRequests.Create("POST /things", body: body, isBase64Encoded: base64, headers: headers),
            Tenant,
            new TestLambdaContext());
    }

    internal sealed record Sample(string Name);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
    [JsonSerializable(typeof(Sample))]
    internal sealed partial class SampleJsonContext : JsonSerializerContext;
}
