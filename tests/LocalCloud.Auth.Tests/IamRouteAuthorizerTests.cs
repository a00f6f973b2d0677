using Amazon.Runtime;
using Functions.LocalCloud.Auth.Iam;
using Functions.LocalCloud.Auth.SigV4;
using Functions.LocalCloud.Auth.Tests.SigV4;
using Microsoft.Extensions.Time.Testing;

namespace Functions.LocalCloud.Auth.Tests;

public sealed class IamRouteAuthorizerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemoryCredentialStore _store = new();
    private readonly IamRouteAuthorizer _authorizer;

    public IamRouteAuthorizerTests()
    {
        var alice = _store.AddUserKey("AKIAALICE", "alice-secret");
        _store.AddPolicy(alice.PrincipalArn, "user alice, inline 'api'", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:api1/*"},
              {"Sid":"NoDeletes","Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:123456789012:api1/*/DELETE/*"}
            ]}
            """);
        _authorizer = new IamRouteAuthorizer(new SigV4Verifier(_store, new SigV4VerifierOptions { Region = "us-east-1" }, new FakeTimeProvider(Now)), _store);
    }

    [Fact]
    public async Task AuthorizeAsync_AllowedCaller_GetsTheIdentityForAuthorizerIam()
    {
        var result = await _authorizer.AuthorizeAsync(Signed("GET", "/events"), Arn("GET", "/events"));

        result.IsAllowed.Should().BeTrue(result.Detail);
        result.Error.Should().BeNull();
        result.Identity.Should().Be(new Credentials.IamCallerIdentity("AKIAALICE", "123456789012", "AIDAALICE", "arn:aws:iam::123456789012:user/alice", "AIDAALICE"));
        result.Detail.Should().Be("allowed by user alice, inline 'api', statement #1");
    }

    [Fact]
    public async Task AuthorizeAsync_ExplicitDeny_SaysSoAndKeepsTheIdentityForTheLog()
    {
        var result = await _authorizer.AuthorizeAsync(Signed("DELETE", "/events/e-1"), Arn("DELETE", "/events/e-1"));

        result.IsAllowed.Should().BeFalse();
        result.Identity!.UserArn.Should().Be("arn:aws:iam::123456789012:user/alice");
        result.Error!.JsonBody.Should().Be(
            "{\"Message\":\"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:api1/prod/DELETE/events/e-1 with an explicit deny\"}");
        result.Detail.Should().Contain("NoDeletes");
    }

    [Fact]
    public async Task AuthorizeAsync_NoAllowForTheApi_IsNotAuthorizedWithoutTheDenySuffix()
    {
        var result = await _authorizer.AuthorizeAsync(Signed("GET", "/events"), ExecuteApiArn.For("us-east-1", "123456789012", "api2", "prod", "GET", "/events"));

        result.Error!.Kind.Should().Be(AuthFailureKind.NotAuthorized);
        result.Error.Message.Should().EndWith("api2/prod/GET/events");
    }

    [Fact]
    public async Task AuthorizeAsync_BadSignature_IsRefusedBeforeAnyPolicyAndHasNoIdentity()
    {
        var result = await _authorizer.AuthorizeAsync(Signed("GET", "/events", secret: "wrong"), Arn("GET", "/events"));

        result.Error!.Kind.Should().Be(AuthFailureKind.SignatureMismatch);
        result.Identity.Should().BeNull();
    }

    private static string Arn(string method, string path) => ExecuteApiArn.For("us-east-1", "123456789012", "api1", "prod", method, path);

    // Signed by AWSSDK.Core's signer, independent of the verifier the authorizer runs.
    private static IncomingRequest Signed(string method, string path, string secret = "alice-secret") =>
        SdkSigner.SignWithHeader(
            new UnsignedRequest(method, "/prod" + path, "", [new("Host", "api1.execute-api.us-east-1.amazonaws.com")], []),
            new BasicAWSCredentials("AKIAALICE", secret), "us-east-1", "execute-api", Now);
}
