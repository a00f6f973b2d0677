using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;

namespace Functions.CreateUpload;

/// <summary>
/// <c>POST /files/uploads</c>: records a pending file and returns a presigned PUT URL (15
/// minutes) that only accepts the upload with the data key's SSE-KMS headers. When the object
/// arrives, S3 notifies the uploads queue and the processor checks it against the declared size.
/// </summary>
public sealed class Function : IHttpApiFunction<Function>
{
    private readonly IAmazonS3 _s3;
    private readonly DynamoFileStore _files;
    private readonly EventStoreSettings _settings;
    private readonly TimeProvider _time;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function()
        : this(EventStoreEnvironment.Read())
    {
    }

    /// <summary>For tests: the AWS clients, where to store, and the clock.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, EventStoreSettings settings, TimeProvider time)
    {
        _s3 = s3;
        _files = new DynamoFileStore(dynamo, settings.TableName);
        _settings = settings;
        _time = time;
    }

    private Function(EventStoreSettings settings)
        : this(
            AwsClients.DynamoDb(),
            AwsClients.S3(),
            settings,
            TimeProvider.System)
    {
    }

    /// <inheritdoc />
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
    {
        request.Query.RejectUnknown();
        var upload = CreateUploadRequest.Parse(request);
        var now = _time.GetUtcNow();
        var id = Guid.CreateVersion7(now).ToString();
        var file = new FileRecord(id, upload.Name, upload.Size, null, upload.ContentType, FileStatus.Pending, now);
        await _files.CreateAsync(request.Tenant.Key, file, request.CancellationToken);

        var expires = now + FileRules.UploadUrlLifetime;
        var presign = new GetPreSignedUrlRequest
        {
            BucketName = _settings.BucketName,
            Key = FileRules.ObjectKey(request.Tenant.Key, id),
            Verb = HttpVerb.PUT,
            Protocol = Presigning.ProtocolFor(_s3),
            Expires = expires.UtcDateTime,
            ContentType = upload.ContentType,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = _settings.KmsKeyId,
        };

        // A conditional write: S3 refuses a second PUT to the key, so the URL cannot replace
        // the content after it has been checked and inspected.
        presign.Headers["If-None-Match"] = "*";
        var url = await _s3.GetPreSignedURLAsync(presign);
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = upload.ContentType,
            ["if-none-match"] = "*",
            ["x-amz-server-side-encryption"] = "aws:kms",
            ["x-amz-server-side-encryption-aws-kms-key-id"] = _settings.KmsKeyId,
        };
        var response = HttpResults.Json(201, FileJson.Serialize(file, writer =>
        {
            writer.WriteStartObject("upload");
            writer.WriteString("method", "PUT");
            writer.WriteString("url", url);
            writer.WriteStartObject("headers");
            foreach (var (name, value) in headers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            writer.WriteString("expiresAt", Timestamps.Format(expires));
            writer.WriteEndObject();
        }));
        response.Headers!["location"] = $"/files/{id}";
        return response;
    }
}
