using System.Text;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Http;

public sealed class HttpApiRequestTests
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
    public void ParseJson_ValidObject_IsParsed()
    {
        using var document = Wrap(body: "{\"name\":\"x\",\"emoji\":\"\\ud83d\\ude00\"}", contentType: "application/json; charset=utf-8")
            .ParseJson(1024, "an object", Options);

        document.RootElement.GetProperty("name").GetString().Should().Be("x");
        document.RootElement.GetProperty("emoji").GetString().Should().Be("\U0001F600", "a paired surrogate escape is valid text");
    }

    [Theory]
    [InlineData(null, "{}", 415)]
    [InlineData("text/plain", "{}", 415)]
    [InlineData("application/json", "", 400)]
    [InlineData("application/json", "{\"name\":", 400)]
    [InlineData("application/merge-patch+json", "{}", 415)]
    [InlineData("application/json", "{\"a\":1,\"a\":2}", 400)]
    [InlineData("application/json", "[[[[[[[[[[1]]]]]]]]]]", 400)]
    [InlineData("application/json", "{\"\\ud800\":1}", 400)]
    [InlineData("application/json", "{\"a\":{\"b\":[{\"\\udc00x\":1}]}}", 400)]
    [InlineData("application/json", "{\"a\":\"\\ud800\"}", 400)]
    [InlineData("application/json", "{\"a\":[\"ok\",\"\\udfff\\ud800\"]}", 400)]
    [InlineData("application/json", "{\"\\ud83d\":\"\\ude00\"}", 400)]
    [InlineData("application/json", "{\"\\ud800\":1,\"deep\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}", 400)]
    public void ParseJson_BadBody_IsProblem(string? contentType, string body, int status)
    {
        var act = () => Wrap(body: body, contentType: contentType).ParseJson(1024, "an object", Options).Dispose();

        var problem = act.Should().Throw<ProblemException>().Which;
        problem.Status.Should().Be(status);
        problem.Message.Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x3A, 0x31, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0xAF, 0x22, 0x7D })]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x7D })]
    public void ParseJson_InvalidUtf8InsideStrings_Is400(byte[] body)
    {
        var act = () => Wrap(body: Convert.ToBase64String(body), base64: true, contentType: "application/json").ParseJson(1024, "an object", Options);

        act.Should().Throw<ProblemException>().Which.Message.Should().Contain("not valid UTF-8");
    }

    [Fact]
    public void ParseJson_LoneSurrogateMemberName_SaysWhere()
    {
        var act = () => Wrap(body: "{\"payload\":{\"ok\":1,\"\\ud800\":1}}", contentType: "application/json").ParseJson(1024, "an object", Options);

        act.Should().Throw<ProblemException>().Which.Message.Should().Contain("$.payload (a member name)").And.Contain("surrogate");
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

    private static readonly System.Text.Json.JsonDocumentOptions Options = new() { MaxDepth = 8, AllowDuplicateProperties = false };
}
