using Functions.LambdaKit.Http;
using Functions.LambdaKit.Identity;
using Functions.TestSupport;

namespace Functions.LambdaKit.Tests.Identity;

public sealed class TenantResolverTests
{
    [Fact]
    public void Resolve_CognitoIdentity_WinsOverTheRoleArn()
    {
        var iam = ApiRequests.Iam("arn:aws:sts::123456789012:assumed-role/Cognito_Auth/CognitoIdentityCredentials");
        iam.CognitoIdentity = new APIGatewayHttpApiV2ProxyRequest.CognitoIdentityDescription
        {
            IdentityId = "eu-west-1:3f291106-8703-466b-8f2b-3ecee1ca56ce",
        };

        TenantResolver.Resolve(iam, out _)!.Principal.Should().Be("cognito:eu-west-1:3f291106-8703-466b-8f2b-3ecee1ca56ce");
    }

    [Fact]
    public void Resolve_SessionsOfOneRole_AreOneTenantNamedByTheRole()
    {
        var first = Resolve("arn:aws:sts::123456789012:assumed-role/deployer/session-1");
        var second = Resolve("arn:aws:sts::123456789012:assumed-role/deployer/botocore-session-99");

        first.Should().Be(second);
        first.Principal.Should().Be("arn:aws:iam::123456789012:role/deployer");
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:user/alice")]
    [InlineData("arn:aws:iam::123456789012:user/division/team/alice")]
    [InlineData("arn:aws:iam::123456789012:root")]
    [InlineData("arn:aws:sts::123456789012:federated-user/carol")]
    [InlineData("arn:aws-cn:iam::123456789012:user/alice")]
    public void Resolve_OtherPrincipals_KeepTheirArn(string arn)
    {
        Resolve(arn).Principal.Should().Be(arn);
    }

    [Fact]
    public void Resolve_SameNameInAnotherAccountOrPartition_IsAnotherTenant()
    {
        var keys = new[]
        {
            Resolve("arn:aws:iam::111111111111:user/alice").Key,
            Resolve("arn:aws:iam::222222222222:user/alice").Key,
            Resolve("arn:aws-us-gov:iam::111111111111:user/alice").Key,
            Resolve("arn:aws:sts::111111111111:assumed-role/alice/s").Key,
        };

        keys.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Resolve_AnyCaller_KeyIsDeterministicFixedLengthHex()
    {
        const string arn = "arn:aws:iam::123456789012:user/path/o_brien+test=x,y.z@example-1";

        var tenant = Resolve(arn);

        tenant.Key.Should().MatchRegex("^[0-9a-f]{64}$");
        Resolve(arn).Key.Should().Be(tenant.Key);
        tenant.ObjectRoot.Should().Be($"tenants/{tenant.Key}/");
    }

    [Fact]
    public void Resolve_NoIamContext_IsNullWithReason()
    {
        TenantResolver.Resolve(null, out var reason).Should().BeNull();
        reason.Should().Contain("SigV4");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("anonymous")]
    [InlineData("arn:aws:iam::123456789012:role/direct-role-arn")]
    [InlineData("arn:aws:sts::123456789012:assumed-role/no-session")]
    [InlineData("arn:aws:sts::123456789012:assumed-role//s")]
    [InlineData("arn:aws:iam::12345678901:user/short-account")]
    [InlineData("arn:aws:iam::１２３４５６７８９０１２:user/fullwidth-digits")]
    [InlineData("arn:aws:s3:::bucket")]
    [InlineData("arn:aws:iam::123456789012:user/alice\n")]
    [InlineData("arn:aws:iam::123456789012:user/ali ce")]
    [InlineData("arn:evil:iam::123456789012:user/alice")]
    public void Resolve_UnrecognisedArn_IsNull(string? arn)
    {
        var iam = new APIGatewayHttpApiV2ProxyRequest.IAMDescription { UserARN = arn, AccessKey = "AKIAEXAMPLE" };

        TenantResolver.Resolve(iam, out var reason).Should().BeNull();
        reason.Should().NotBeEmpty();
    }

    [Fact]
    public void Resolve_ArnAndAccountDisagree_IsNull()
    {
        var iam = ApiRequests.Iam("arn:aws:iam::123456789012:user/alice");
        iam.AccountId = "999999999999";

        TenantResolver.Resolve(iam, out _).Should().BeNull();
    }

    [Theory]
    [InlineData("us-east-1:not-a-uuid")]
    [InlineData("3f291106-8703-466b-8f2b-3ecee1ca56ce")]
    [InlineData("us-east-1:3f291106-8703-466b-8f2b-3ecee1ca56ce/../x")]
    public void Resolve_MalformedCognitoIdentity_IsNull(string identityId)
    {
        var iam = ApiRequests.Iam("arn:aws:iam::123456789012:user/alice");
        iam.CognitoIdentity = new APIGatewayHttpApiV2ProxyRequest.CognitoIdentityDescription { IdentityId = identityId };

        TenantResolver.Resolve(iam, out _).Should().BeNull();
    }

    private static Tenant Resolve(string arn) =>
        TenantResolver.Resolve(ApiRequests.Iam(arn), out var reason) ?? throw new InvalidOperationException(reason);
}
