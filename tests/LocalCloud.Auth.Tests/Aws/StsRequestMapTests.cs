using Amazon.SecurityToken.Model;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>STS requests as AWSSDK.SecurityToken sends them (the query protocol).</summary>
public sealed class StsRequestMapTests
{
    private const string Role = "arn:aws:iam::123456789012:role/tenant-reader";

    [Fact]
    public async Task Map_AssumeRole_IsAssumeRoleOnTheRole()
    {
        var captured = await Sdk.Sts(c => c.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = Role, RoleSessionName = "session.1@t=x", ExternalId = "ext" }));

        var mapped = MapTesting.Map("sts", captured).ShouldBeMapped();

        mapped.Operation.Should().Be("AssumeRole");
        mapped.Rendered().Should().Equal([$"sts:AssumeRole on {Role} with sts:ExternalId=[ext], sts:RoleSessionName=[session.1@t=x]"], captured.ToString());
    }

    [Fact]
    public async Task Map_AssumeRoleWithSessionTagsAndASourceIdentity_NeedsTagSessionAndSetSourceIdentityToo()
    {
        var captured = await Sdk.Sts(c => c.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = Role,
            RoleSessionName = "s2",
            SourceIdentity = "alice",
            Tags = [new Tag { Key = "tenant", Value = "t1" }],
        }));

        MapTesting.Map("sts", captured).ShouldBeMapped().Rendered().Should().Equal(
            $"sts:AssumeRole on {Role} with sts:RoleSessionName=[s2], sts:SourceIdentity=[alice]",
            $"sts:TagSession on {Role}",
            $"sts:SetSourceIdentity on {Role} with sts:SourceIdentity=[alice]");
    }

    [Fact]
    public async Task Map_GetCallerIdentity_NeedsNoPermission()
    {
        var captured = await Sdk.Sts(c => c.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        var mapped = MapTesting.Map("sts", captured).ShouldBeMapped();

        mapped.Operation.Should().Be("GetCallerIdentity");
        mapped.Checks.Should().BeEmpty();
    }

    [Fact]
    public async Task Map_SdkOperationNotMapped_IsUnmapped()
    {
        var captured = await Sdk.Sts(c => c.GetSessionTokenAsync(new GetSessionTokenRequest()));

        MapTesting.Map("sts", captured).ShouldBeUnmapped("not a mapped operation");
    }

    [Theory]
    [InlineData("Action=AssumeRole&RoleSessionName=s", "RoleArn is missing")]
    [InlineData("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr", "RoleSessionName is missing")]
    [InlineData("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Auser%2Fu&RoleSessionName=s", "not a role's ARN")]
    [InlineData("Action=AssumeRole&RoleArn=x&RoleArn=y&RoleSessionName=s", "given more than once")]
    [InlineData("Action=AssumeRole&RoleArn=%E0%80&RoleSessionName=s", "not UTF-8")]
    public void Map_AssumeRoleTheMapCannotRead_IsUnmapped(string body, string reason)
    {
        MapTesting.MapForm("sts", body).ShouldBeUnmapped(reason);
    }
}
