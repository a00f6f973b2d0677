using Amazon.S3;
using Amazon.S3.Model;
using Functions.LocalCloud.Auth.Aws;

namespace Functions.LocalCloud.Auth.Tests.Aws;

/// <summary>
/// S3 requests as the AWS SDK for .NET sends them (path-style, captured on the wire), mapped to
/// the checks AWS makes.
/// </summary>
public sealed class S3RequestMapTests
{
    private const string Bucket = "arn:aws:s3:::data";

    /// <summary>Name → the SDK call, the operation, the checks.</summary>
    private static readonly Dictionary<string, (Func<AmazonS3Client, Task> Call, string Operation, string[] Checks)> Cases = new()
    {
        ["GetObject"] = (c => c.GetObjectAsync("data", "tenants/t1/report.csv"), "GetObject",
            [$"s3:GetObject on {Bucket}/tenants/t1/report.csv"]),
        ["GetObject, a key with characters the SDK escapes"] = (c => c.GetObjectAsync("data", "a b/c+d€!;x:y@z&=$,'()*~%#?[]|^`{}\\.txt"), "GetObject",
            [$"s3:GetObject on {Bucket}/a b/c+d€!;x:y@z&=$,'()*~%#?[]|^`{{}}\\.txt"]),
        ["GetObject of a version"] = (c => c.GetObjectAsync(new GetObjectRequest { BucketName = "data", Key = "k", VersionId = "v1" }), "GetObject",
            [$"s3:GetObjectVersion on {Bucket}/k with s3:versionid=[v1]"]),
        ["GetObject with response overrides"] = (c => c.GetObjectAsync(new GetObjectRequest { BucketName = "data", Key = "k", ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = "text/csv" } }), "GetObject",
            [$"s3:GetObject on {Bucket}/k"]),
        ["HeadObject"] = (c => c.GetObjectMetadataAsync("data", "k"), "HeadObject",
            [$"s3:GetObject on {Bucket}/k"]),
        ["HeadObject of a version"] = (c => c.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "data", Key = "k", VersionId = "v2" }), "HeadObject",
            [$"s3:GetObjectVersion on {Bucket}/k with s3:versionid=[v2]"]),
        ["PutObject (aws-chunked body)"] = (c => c.PutObjectAsync(new PutObjectRequest { BucketName = "data", Key = "tenants/t1/in.json", ContentBody = "{}" }), "PutObject",
            [$"s3:PutObject on {Bucket}/tenants/t1/in.json"]),
        ["PutObject with SSE-KMS and If-None-Match"] = (c => c.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "data",
            Key = "k",
            ContentBody = "x",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = "arn:aws:kms:us-east-1:123456789012:key/k1",
            IfNoneMatch = "*",
        }), "PutObject",
            [$"s3:PutObject on {Bucket}/k with s3:if-none-match=[*], s3:x-amz-server-side-encryption=[aws:kms], s3:x-amz-server-side-encryption-aws-kms-key-id=[arn:aws:kms:us-east-1:123456789012:key/k1]"]),
        ["CopyObject"] = (c => c.CopyObjectAsync(new CopyObjectRequest { SourceBucket = "src", SourceKey = "a b/c;d", DestinationBucket = "data", DestinationKey = "copy" }), "CopyObject",
            [$"s3:PutObject on {Bucket}/copy with s3:x-amz-copy-source=[src/a b/c;d], s3:x-amz-metadata-directive=[COPY]", "s3:GetObject on arn:aws:s3:::src/a b/c;d"]),
        ["CopyObject of a version"] = (c => c.CopyObjectAsync(new CopyObjectRequest { SourceBucket = "src", SourceKey = "s", SourceVersionId = "v9", DestinationBucket = "data", DestinationKey = "copy" }), "CopyObject",
            [$"s3:PutObject on {Bucket}/copy with s3:x-amz-copy-source=[src/s], s3:x-amz-metadata-directive=[COPY]", "s3:GetObjectVersion on arn:aws:s3:::src/s with s3:versionid=[v9]"]),
        ["DeleteObject"] = (c => c.DeleteObjectAsync("data", "k"), "DeleteObject",
            [$"s3:DeleteObject on {Bucket}/k"]),
        ["DeleteObject of a version"] = (c => c.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "data", Key = "k", VersionId = "v3" }), "DeleteObject",
            [$"s3:DeleteObjectVersion on {Bucket}/k with s3:versionid=[v3]"]),
        ["DeleteObjects"] = (c => c.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = "data", Objects = [new KeyVersion { Key = "a&b <c>" }, new KeyVersion { Key = "d", VersionId = "v4" }, new KeyVersion { Key = " spaced " }] }), "DeleteObjects",
            [$"s3:DeleteObject on {Bucket}/a&b <c>", $"s3:DeleteObjectVersion on {Bucket}/d with s3:versionid=[v4]", $"s3:DeleteObject on {Bucket}/ spaced "]),
        ["ListObjectsV2 with prefix, delimiter and max-keys"] = (c => c.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "data", Prefix = "tenants/t 1/", Delimiter = "/", MaxKeys = 10 }), "ListObjectsV2",
            [$"s3:ListBucket on {Bucket} with s3:delimiter=[/], s3:max-keys=[10], s3:prefix=[tenants/t 1/]"]),
        ["ListObjectsV2 with only a prefix"] = (c => c.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "data", Prefix = "tenants/", ContinuationToken = "tok", StartAfter = "a" }), "ListObjectsV2",
            [$"s3:ListBucket on {Bucket} with s3:prefix=[tenants/]"]),
        ["ListObjectsV2 without parameters"] = (c => c.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "data" }), "ListObjectsV2",
            [$"s3:ListBucket on {Bucket}"]),
        ["ListObjects"] = (c => c.ListObjectsAsync(new ListObjectsRequest { BucketName = "data", Prefix = "p", Marker = "m" }), "ListObjects",
            [$"s3:ListBucket on {Bucket} with s3:prefix=[p]"]),
        ["ListObjectVersions"] = (c => c.ListVersionsAsync(new ListVersionsRequest { BucketName = "data", Prefix = "tenants/", KeyMarker = "k" }), "ListObjectVersions",
            [$"s3:ListBucketVersions on {Bucket} with s3:prefix=[tenants/]"]),
        ["HeadBucket"] = (c => c.HeadBucketAsync(new HeadBucketRequest { BucketName = "data" }), "HeadBucket",
            [$"s3:ListBucket on {Bucket}"]),
        ["CreateMultipartUpload"] = (c => c.InitiateMultipartUploadAsync("data", "big"), "CreateMultipartUpload",
            [$"s3:PutObject on {Bucket}/big"]),
        ["UploadPart"] = (c => c.UploadPartAsync(new UploadPartRequest { BucketName = "data", Key = "big", UploadId = "u1", PartNumber = 2, InputStream = new MemoryStream([1, 2, 3]) }), "UploadPart",
            [$"s3:PutObject on {Bucket}/big"]),
        ["UploadPartCopy"] = (c => c.CopyPartAsync(new CopyPartRequest { SourceBucket = "src", SourceKey = "s", DestinationBucket = "data", DestinationKey = "big", UploadId = "u1", PartNumber = 1 }), "UploadPartCopy",
            [$"s3:PutObject on {Bucket}/big with s3:x-amz-copy-source=[src/s]", "s3:GetObject on arn:aws:s3:::src/s"]),
        ["CompleteMultipartUpload"] = (c => c.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = "data", Key = "big", UploadId = "u1", PartETags = [new PartETag(1, "e")] }), "CompleteMultipartUpload",
            [$"s3:PutObject on {Bucket}/big"]),
        ["AbortMultipartUpload"] = (c => c.AbortMultipartUploadAsync("data", "big", "u1"), "AbortMultipartUpload",
            [$"s3:AbortMultipartUpload on {Bucket}/big"]),
        ["ListParts"] = (c => c.ListPartsAsync(new ListPartsRequest { BucketName = "data", Key = "big", UploadId = "u1", MaxParts = 5 }), "ListParts",
            [$"s3:ListMultipartUploadParts on {Bucket}/big"]),
        ["GetObjectTagging"] = (c => c.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "data", Key = "k" }), "GetObjectTagging",
            [$"s3:GetObjectTagging on {Bucket}/k"]),
        ["GetObjectTagging of a version"] = (c => c.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "data", Key = "k", VersionId = "v5" }), "GetObjectTagging",
            [$"s3:GetObjectVersionTagging on {Bucket}/k with s3:versionid=[v5]"]),
        ["PutObjectTagging"] = (c => c.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = "data", Key = "k", Tagging = new Tagging { TagSet = [new Tag { Key = "a", Value = "b" }] } }), "PutObjectTagging",
            [$"s3:PutObjectTagging on {Bucket}/k"]),
    };

    /// <summary>Name → an SDK call the map does not know, and what the reason names.</summary>
    private static readonly Dictionary<string, (Func<AmazonS3Client, Task> Call, string Reason)> UnmappedCases = new()
    {
        ["ListBuckets"] = (c => c.ListBucketsAsync(), "ListBuckets"),
        ["GetACL"] = (c => c.GetObjectAclAsync(new GetObjectAclRequest { BucketName = "data", Key = "k" }), "?acl"),
        ["PutBucket"] = (c => c.PutBucketAsync("data"), "PUT on a bucket"),
        ["DeleteBucket"] = (c => c.DeleteBucketAsync("data"), "DELETE on a bucket"),
        ["GetBucketPolicy"] = (c => c.GetBucketPolicyAsync("data"), "?policy"),
        ["GetBucketEncryption"] = (c => c.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "data" }), "?encryption"),
        ["DeleteObjectTagging"] = (c => c.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = "data", Key = "k" }), "DELETE on an object with ?tagging"),
        ["ListMultipartUploads"] = (c => c.ListMultipartUploadsAsync("data"), "?uploads"),
    };

    public static TheoryData<string> Mapped => [.. Cases.Keys];

    public static TheoryData<string> Unmapped => [.. UnmappedCases.Keys];

    [Theory]
    [MemberData(nameof(Mapped))]
    public async Task Map_RequestTheSdkSends_IsTheOperationWithTheChecksAwsMakes(string name)
    {
        var (call, operation, checks) = Cases[name];
        var captured = await Sdk.S3(call);

        var mapped = MapTesting.Map("s3", captured).ShouldBeMapped();

        mapped.Service.Should().Be("s3");
        mapped.Operation.Should().Be(operation);
        mapped.Rendered().Should().Equal(checks, captured.ToString());
        mapped.Bucket.Should().Be("data");
    }

    [Theory]
    [MemberData(nameof(Unmapped))]
    public async Task Map_OperationsNotMapped_AreUnmappedWithAReason(string name)
    {
        var (call, reason) = UnmappedCases[name];
        var captured = await Sdk.S3(call);

        MapTesting.Map("s3", captured).ShouldBeUnmapped(reason);
    }

    [Fact]
    public async Task Map_ObjectFacts_AreTheDecodedKeyAndTheBucket()
    {
        var mapped = MapTesting.Map("s3", await Sdk.S3(c => c.GetObjectAsync("data", "tenants/t 1/ä+b.csv"))).ShouldBeMapped();

        mapped.Bucket.Should().Be("data");
        mapped.ObjectKey.Should().Be("tenants/t 1/ä+b.csv");
    }

    [Fact]
    public void Map_PresignedGetObject_IsGetObject_TheSignatureParametersAreNoSubresources()
    {
        var presigned = Sdk.Presigned(new GetPreSignedUrlRequest { BucketName = "data", Key = "tenants/a b.csv", Expires = DateTime.UtcNow.AddMinutes(5), Verb = HttpVerb.GET });
        presigned.Request.RawQuery.Should().Contain("X-Amz-Signature=");

        var mapped = MapTesting.Map("s3", presigned).ShouldBeMapped();

        mapped.Operation.Should().Be("GetObject");
        mapped.Rendered().Should().Equal($"s3:GetObject on {Bucket}/tenants/a b.csv");
    }

    [Fact]
    public void Map_PresignedPutOfAVersionedGet_KeepTheirSubresources()
    {
        var put = Sdk.Presigned(new GetPreSignedUrlRequest { BucketName = "data", Key = "up", Expires = DateTime.UtcNow.AddMinutes(5), Verb = HttpVerb.PUT });
        var version = Sdk.Presigned(new GetPreSignedUrlRequest { BucketName = "data", Key = "k", VersionId = "v7", Expires = DateTime.UtcNow.AddMinutes(5), Verb = HttpVerb.GET });

        MapTesting.Map("s3", put).ShouldBeMapped().Rendered().Should().Equal($"s3:PutObject on {Bucket}/up");
        MapTesting.Map("s3", version).ShouldBeMapped().Rendered().Should().Equal($"s3:GetObjectVersion on {Bucket}/k with s3:versionid=[v7]");
    }

    [Fact]
    public void Map_BotocoreStyleRequests_AreReadTheSameWay()
    {
        // botocore sends ListObjectsV2 with encoding-type=url and DeleteObjects to /{bucket}?delete (no trailing slash).
        MapTesting.Map("s3", "GET", "/data", "list-type=2&prefix=tenants%2F&encoding-type=url", [], "").ShouldBeMapped()
            .Rendered().Should().Equal($"s3:ListBucket on {Bucket} with s3:prefix=[tenants/]");
        MapTesting.Map("s3", "POST", "/data", "delete", [new("Content-Type", "application/xml")],
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>")
            .ShouldBeMapped().Rendered().Should().Equal($"s3:DeleteObject on {Bucket}/a");
    }

    [Fact]
    public void Map_AnEmptyPrefix_IsPresentAsAnEmptyValue()
    {
        MapTesting.Map("s3", "GET", "/data/", "list-type=2&prefix=", [], "").ShouldBeMapped()
            .Rendered().Should().Equal($"s3:ListBucket on {Bucket} with s3:prefix=[]");
    }

    [Theory]
    [InlineData("GET", "/data/k", "acl", "?acl")]
    [InlineData("GET", "/data/k", "torrent", "?torrent")]
    [InlineData("GET", "/data/k", "foo=1", "?foo")]
    [InlineData("PUT", "/data/k", "acl", "?acl")]
    [InlineData("GET", "/data", "list-type=1", "list-type=1 is not 2")]
    [InlineData("GET", "/data/k", "versionId=", "?versionId is empty")]
    [InlineData("GET", "/data/k", "versionId=a&versionId=b", "more than once")]
    [InlineData("PUT", "/data/k", "partNumber=0&uploadId=u", "not a part number")]
    [InlineData("PUT", "/data/k", "partNumber=1&uploadId=", "?uploadId is empty")]
    [InlineData("GET", "/Data%2Fx/k", "", "not a bucket name")]
    [InlineData("GET", "/data/a;b", "", "clients percent-encode")]
    [InlineData("GET", "/data/a b", "", "clients percent-encode")]
    [InlineData("GET", "/data/a/../other", "", ". or .. segment")]
    [InlineData("GET", "/data/a/%2E%2E/other", "", ". or .. segment")]
    [InlineData("GET", "/data/%ZZ", "", "malformed percent-escape")]
    [InlineData("GET", "/data/%FF", "", "not UTF-8")]
    [InlineData("GET", "//k", "", "names no bucket")]
    [InlineData("PATCH", "/data/k", "", "not a mapped operation")]
    public void Map_RequestsTheMapCannotReadExactly_AreUnmapped(string method, string path, string query, string reason)
    {
        MapTesting.Map("s3", method, path, query, [], "").ShouldBeUnmapped(reason);
    }

    [Theory]
    [InlineData("src/k;x", "raw ';'")]
    [InlineData("//src/k", "starts with //")]
    [InlineData("src/k?versionId=v&x=1", "query other than")]
    [InlineData("src/k?versionId=", "versionId is empty")]
    [InlineData("arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/k", "not {bucket}/{key}")]
    [InlineData("src", "not {bucket}/{key}")]
    [InlineData("src/", "not {bucket}/{key}")]
    public void Map_CopySourcesTheMapCannotReadExactly_AreUnmapped(string copySource, string reason)
    {
        MapTesting.Map("s3", "PUT", "/data/k", "", [new("x-amz-copy-source", copySource)], "").ShouldBeUnmapped(reason);
    }

    [Fact]
    public void Map_CopySourceAsBotocoreSendsIt_WithTheSlashRaw_IsRead()
    {
        MapTesting.Map("s3", "PUT", "/data/k", "", [new("x-amz-copy-source", "src/a%20b/c?versionId=v1")], "").ShouldBeMapped().Rendered().Should().Equal(
            $"s3:PutObject on {Bucket}/k with s3:x-amz-copy-source=[src/a b/c]", "s3:GetObjectVersion on arn:aws:s3:::src/a b/c with s3:versionid=[v1]");
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("localhost")]
    [InlineData("localhost.localstack.cloud:4566")]
    [InlineData("moto:5000")]
    [InlineData("[::1]:5000")]
    [InlineData("s3.amazonaws.com")]
    [InlineData("s3.us-east-1.amazonaws.com")]
    [InlineData("s3.dualstack.eu-west-1.amazonaws.com")]
    public void Map_HostsMotoReadsAsPathStyle_AreMapped(string host)
    {
        var request = IncomingRequest.WithBody("GET", "/data/k", "", [new("Host", host)], Array.Empty<byte>());

        AwsRequestMap.Map("s3", request, Array.Empty<byte>(), TestFacts.Region, TestFacts.Account, TestFacts.Instance).ShouldBeMapped()
            .Rendered().Should().Equal($"s3:GetObject on {Bucket}/k");
    }

    [Theory]
    [InlineData("data.s3.amazonaws.com")]
    [InlineData("data.s3.us-east-1.amazonaws.com")]
    [InlineData("data.localhost.example:5000")]
    [InlineData("LOCALHOST.example")]
    [InlineData("999.0.0.1")]
    [InlineData("1.2.3.4.example.com")]
    [InlineData("ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com")]
    [InlineData(null)]
    public void Map_HostsMotoReadsAsVirtualHosted_AreUnmapped(string? host)
    {
        var request = IncomingRequest.WithBody("GET", "/data/k", "", host is null ? [] : [new("Host", host)], Array.Empty<byte>());

        AwsRequestMap.Map("s3", request, Array.Empty<byte>(), TestFacts.Region, TestFacts.Account, TestFacts.Instance)
            .ShouldBeUnmapped(host is null ? "no Host header" : "virtual-hosted");
    }

    [Fact]
    public void Map_AHeaderTheChecksReadSentTwice_IsUnmapped()
    {
        MapTesting.Map("s3", "PUT", "/data/k", "", [new("x-amz-server-side-encryption", "AES256"), new("X-Amz-Server-Side-Encryption", "aws:kms")], "")
            .ShouldBeUnmapped("sent more than once");
    }
}
