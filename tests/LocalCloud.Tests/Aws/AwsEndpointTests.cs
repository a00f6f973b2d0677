using System.Net;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SQS;

namespace Functions.LocalCloud.Tests.Aws;

/// <summary>
/// The local cloud's AWS endpoint, called through the real AWS SDK as a function's role: what the
/// role may do reaches moto; what it may not is answered as AWS answers it, per service.
/// </summary>
[Trait("Category", "Moto")]
public sealed class AwsEndpointTests(AwsEndpointWorld world) : IClassFixture<AwsEndpointWorld>
{
    private static readonly string Principal = "assumed-role/functions-test-Fn-";

    [Fact]
    public async Task Allowed_ObjectUnderTenants_IsWrittenAndRead_WithItsKeyThroughS3()
    {
        using var s3 = world.S3();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = world.Bucket, Key = "tenants/t-1/a.txt", ContentBody = "hello" });
        using var read = await s3.GetObjectAsync(world.Bucket, "tenants/t-1/a.txt");
        (await new StreamReader(read.ResponseStream).ReadToEndAsync()).Should().Be("hello");
        world.Log.Events("iam-decision").Should().Contain(e => e.GetProperty("action").GetString() == "kms:GenerateDataKey"
            && e.GetProperty("via").GetString() == "s3.us-east-1.amazonaws.com" && e.GetProperty("decision").GetString() == "Allowed");
    }

    [Fact]
    public async Task NotGranted_S3_Is403AccessDenied_WithAWSsText()
    {
        using var s3 = world.S3();
        var refused = await FluentActions.Awaiting(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = world.Bucket, Key = "other/a.txt", ContentBody = "x" }))
            .Should().ThrowAsync<AmazonS3Exception>();
        refused.Which.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        refused.Which.ErrorCode.Should().Be("AccessDenied");
        refused.Which.Message.Should().Contain(Principal).And.EndWith(
            $"is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::{world.Bucket}/other/a.txt because no identity-based policy allows the s3:PutObject action");
    }

    [Fact]
    public async Task GrantedButOutsideTheBoundary_IsDenied_NamingTheBoundary()
    {
        using var s3 = world.S3();
        var refused = await FluentActions.Awaiting(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = world.Bucket, Key = "tenants/t-1/a.txt", VersionId = "v1" }))
            .Should().ThrowAsync<AmazonS3Exception>();
        refused.Which.ErrorCode.Should().Be("AccessDenied");
        refused.Which.Message.Should().EndWith("because no permissions boundary allows the s3:DeleteObjectVersion action");
        world.Log.Events("aws-denied").Should().Contain(e => e.GetProperty("denied_by").GetString() == "PermissionsBoundary");
    }

    [Fact]
    public async Task MissingKey_WithoutListBucketOnTheBucket_Is403_NotNoSuchKey()
    {
        // The role's s3:ListBucket carries an s3:prefix condition, which a GetObject does not meet.
        using var s3 = world.S3();
        var refused = await FluentActions.Awaiting(() => s3.GetObjectAsync(world.Bucket, "tenants/t-1/never-written"))
            .Should().ThrowAsync<AmazonS3Exception>();
        refused.Which.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        refused.Which.ErrorCode.Should().Be("AccessDenied");
    }

    [Fact]
    public async Task Listing_IsAllowedOnlyForThePrefixTheConditionNames()
    {
        using var s3 = world.S3();
        (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = world.Bucket, Prefix = "tenants/t-1/" })).HttpStatusCode.Should().Be(HttpStatusCode.OK);
        (await FluentActions.Awaiting(() => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = world.Bucket }))
            .Should().ThrowAsync<AmazonS3Exception>()).Which.ErrorCode.Should().Be("AccessDenied");
    }

    [Fact]
    public async Task SessionPolicy_WithoutTheKey_StopsAnSseKmsWrite_AsS3Answers()
    {
        var session = await world.SessionAsync("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        using var s3 = world.S3(session);
        var refused = await FluentActions.Awaiting(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = world.Bucket, Key = "tenants/t-1/b.txt", ContentBody = "x" }))
            .Should().ThrowAsync<AmazonS3Exception>();
        refused.Which.ErrorCode.Should().Be("AccessDenied");
        refused.Which.Message.Should().Contain($"kms:GenerateDataKey on resource: {world.KeyArn} because no session policy allows the kms:GenerateDataKey action");
    }

    [Fact]
    public async Task DynamoDb_NotGranted_Is400AccessDeniedException_AndGranted_ReachesTheTable()
    {
        using var dynamo = world.DynamoDb();
        var key = new Dictionary<string, AttributeValue> { ["pk"] = new("TENANT#t-1"), ["sk"] = new("EVENT#1") };
        (await dynamo.GetItemAsync(world.Table, key)).HttpStatusCode.Should().Be(HttpStatusCode.OK);
        var refused = await FluentActions.Awaiting(() => dynamo.PutItemAsync(world.Table, key)).Should().ThrowAsync<AmazonDynamoDBException>();
        refused.Which.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        refused.Which.ErrorCode.Should().Be("AccessDeniedException");
        refused.Which.Message.Should().EndWith("because no identity-based policy allows the dynamodb:PutItem action");
    }

    [Fact]
    public async Task Sqs_SendIsGranted_ReceiveIsNot_AndAnswersAccessDenied()
    {
        using var sqs = world.Sqs();
        (await sqs.SendMessageAsync(world.QueueUrl, "m")).HttpStatusCode.Should().Be(HttpStatusCode.OK);
        var refused = await FluentActions.Awaiting(() => sqs.ReceiveMessageAsync(world.QueueUrl)).Should().ThrowAsync<AmazonSQSException>();
        refused.Which.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        refused.Which.ErrorCode.Should().Be("AccessDenied");
    }

    [Fact]
    public async Task Kms_DirectCall_WithoutAGrant_Is400AccessDeniedException()
    {
        using var kms = world.Kms();
        var refused = await FluentActions.Awaiting(() => kms.GenerateMacAsync(new GenerateMacRequest { KeyId = world.KeyArn, MacAlgorithm = MacAlgorithmSpec.HMAC_SHA_256, Message = new MemoryStream([1]) }))
            .Should().ThrowAsync<AmazonKeyManagementServiceException>();
        refused.Which.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        refused.Which.ErrorCode.Should().Be("AccessDeniedException");
    }

    [Fact]
    public async Task UnknownOperation_IsDenied_AndLoggedByName()
    {
        using var s3 = world.S3();
        var refused = await FluentActions.Awaiting(() => s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = world.Bucket }))
            .Should().ThrowAsync<AmazonS3Exception>();
        refused.Which.ErrorCode.Should().Be("AccessDenied");
        refused.Which.Message.Should().Contain("does not know this operation");
        world.Log.Events("aws-unmapped").Should().Contain(e => e.GetProperty("operation").GetString()!.Contains("acl", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WrongSecret_IsRefusedBeforeAnyPolicy_AsS3Answers()
    {
        var real = await world.Role.GetCredentialsAsync();
        using var s3 = world.S3(new SessionAWSCredentials(real.AccessKey, "not-the-secret", real.Token));
        (await FluentActions.Awaiting(() => s3.GetObjectAsync(world.Bucket, "tenants/t-1/a.txt"))
            .Should().ThrowAsync<AmazonS3Exception>()).Which.ErrorCode.Should().Be("SignatureDoesNotMatch");
    }
}
