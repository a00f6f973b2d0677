using System.Text.Json;
using Functions.LambdaKit.Http;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Http;

// Parses the sample events AWS publishes (tests/fixtures/lambda-events, Apache-2.0).
public sealed class ApiGatewayEventTests
{
    [Fact]
    public void Deserialize_IamAuthorizedSample_ReadsEveryFieldTheKitUses()
    {
        var request = Load("apigw-v2-request-iam.json");

        request.Version.Should().Be("2.0");
        request.RouteKey.Should().Be("$default");
        request.RawPath.Should().Be("/my/path");
        request.RawQueryString.Should().Be("parameter1=value1&parameter1=value2&parameter2=value");
        request.QueryStringParameters.Should().ContainKey("parameter1").WhoseValue.Should().Be("value1,value2");
        request.Headers.Should().ContainKey("Header1").WhoseValue.Should().Be("value1");
        request.PathParameters.Should().ContainKey("proxy").WhoseValue.Should().Be("hello/world");
        request.Cookies.Should().Equal("cookie1", "cookie2");
        request.Body.Should().Be("{\r\n\t\"a\": 1\r\n}");
        request.IsBase64Encoded.Should().BeFalse();
        request.RequestContext!.RequestId.Should().Be("id");
        request.RequestContext.TimeEpoch.Should().Be(1583348638390);
        request.RequestContext.Http!.Method.Should().Be("GET");
        var iam = request.RequestContext.Authorizer!.IAM!;
        iam.AccountId.Should().Be("1234567890");
        iam.UserARN.Should().Be("arn:aws:iam::1234567890:user/Admin");
        iam.CallerId.Should().Be("AROA7ZJZYVRE7C3DUXHH6:CognitoIdentityCredentials");
        iam.CognitoIdentity!.IdentityId.Should().Be("us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce");
        iam.CognitoIdentity.IdentityPoolId.Should().Be("us-east-1:4f291106-8703-466b-8f2b-3ecee1ca56ce");
        iam.CognitoIdentity.AMR.Should().Equal("foo");
    }

    [Fact]
    public void Deserialize_SampleWithoutAuthorizer_HasNoIamContext()
    {
        var request = Load("apigw-v2-request-no-authorizer.json");

        request.RequestContext!.Authorizer.Should().BeNull();
        request.RequestContext.Http!.Method.Should().Be("GET");
        request.Headers.Should().ContainKey("x-amzn-trace-id");
    }

    [Fact]
    public void Serialize_Response_UsesPayloadFormat2Names()
    {
        var response = new APIGatewayHttpApiV2ProxyResponse
        {
            StatusCode = 201,
            Headers = new Dictionary<string, string> { ["content-type"] = "application/json" },
            Body = "{}",
        };

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(response, HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyResponse));

        json.RootElement.GetProperty("statusCode").GetInt32().Should().Be(201);
        json.RootElement.GetProperty("headers").GetProperty("content-type").GetString().Should().Be("application/json");
        json.RootElement.GetProperty("body").GetString().Should().Be("{}");
        json.RootElement.GetProperty("isBase64Encoded").GetBoolean().Should().BeFalse();
        json.RootElement.TryGetProperty("cookies", out _).Should().BeFalse("null members are left out");
    }

    internal static APIGatewayHttpApiV2ProxyRequest Load(string name) =>
        JsonSerializer.Deserialize(
            File.ReadAllBytes(RepositoryPaths.Fixture(Path.Combine("lambda-events", name))),
            HttpApiJsonContext.Default.APIGatewayHttpApiV2ProxyRequest)!;
}
