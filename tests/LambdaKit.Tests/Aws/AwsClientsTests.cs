using Amazon.Runtime;
using Functions.LambdaKit.Aws;

namespace Functions.LambdaKit.Tests.Aws;

public sealed class AwsClientsTests
{
    private static readonly BasicAWSCredentials Tenant = new("AKIDTENANT", "tenant-secret");

    public AwsClientsTests()
    {
        // Lambda always sets the region; a client cannot be built without one.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_REGION")))
        {
            Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        }
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    public void S3Config_PathStyleVariable_SetsPathStyleAddressing(string? value, bool expected)
    {
        var config = AwsClients.S3Config(name => name == AwsClients.PathStyleVariable ? value : null);

        config.ForcePathStyle.Should().Be(expected);
    }

    [Fact]
    public void S3Config_PathStyleNeitherTrueNorFalse_FailsNamingTheVariable()
    {
        var act = () => AwsClients.S3Config(_ => "yes");

        act.Should().Throw<InvalidOperationException>().WithMessage("*S3_FORCE_PATH_STYLE*");
    }

    [Fact]
    public void Configs_EveryService_HasTheSharedRetryAndTimeoutSettings()
    {
        ClientConfig[] configs = [AwsClients.DynamoDbConfig(), AwsClients.S3Config(_ => null), AwsClients.KmsConfig()];

        configs.Should().OnlyContain(c => c.RetryMode == RequestRetryMode.Standard && c.MaxErrorRetry == 2 && c.Timeout == TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Clients_WithCredentials_AreNewEachCallWithTheSharedSettings()
    {
        using var dynamo = (IDisposable)AwsClients.DynamoDb(Tenant);
        using var s3 = AwsClients.S3(Tenant);
        using var again = AwsClients.S3(Tenant);
        using var kms = AwsClients.Kms(Tenant);

        again.Should().NotBeSameAs(s3, "a client of given credentials belongs to its caller");
        s3.Should().NotBeSameAs(AwsClients.S3(), "the process's shared client keeps the function role's credentials");
        s3.Config.MaxErrorRetry.Should().Be(2);
        ((IAmazonService)dynamo).Config.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        kms.Config.RetryMode.Should().Be(RequestRetryMode.Standard);
    }

    [Fact]
    public async Task Clients_WithoutCredentials_AreBuiltOncePerProcess()
    {
        var s3 = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => AwsClients.S3())));

        s3.Should().OnlyContain(c => ReferenceEquals(c, s3[0]), "every caller shares the one client, even when they race for it");
        AwsClients.DynamoDb().Should().BeSameAs(AwsClients.DynamoDb());
        AwsClients.Kms().Should().BeSameAs(AwsClients.Kms());
    }
}
