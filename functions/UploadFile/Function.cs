using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Metrics;

namespace Functions.UploadFile;

/// <summary>
/// <c>POST /files?name=…</c>: stores a small file sent as the body (at most 5 MiB decoded),
/// under a generated id, encrypted with the data key. The metadata item is written last, with
/// status "uploaded"; the processor then inspects the content.
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
        request.Query.RejectUnknown("name");
        var name = request.Query.GetSingle("name");
        if (FileRules.NameProblem(name) is { } problem)
        {
            throw ProblemException.InvalidParameter(problem);
        }

        var contentType = DeclaredType(request.MediaType);
        var content = request.BodyBytes(FileRules.MaxDirectBytes,
            $"The body exceeds {FileRules.MaxDirectBytes} bytes (5 MiB). Upload larger files with POST /files/uploads.");
        if (content.Length == 0)
        {
            throw ProblemException.InvalidBody("The body is empty: send the file's bytes as the body.");
        }

        var now = _time.GetUtcNow();
        var id = Guid.CreateVersion7(now).ToString();
        var sha256 = SHA256.HashData(content);
        await DependencyUnavailableException.Guard("S3", () => _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _settings.BucketName,
            Key = FileRules.ObjectKey(request.Tenant.Key, id),
            InputStream = new MemoryStream(content, writable: false),
            ContentType = contentType,
            ChecksumSHA256 = Convert.ToBase64String(sha256),
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = _settings.KmsKeyId,
            BucketKeyEnabled = true,
        }, request.CancellationToken));

        var file = new FileRecord(id, name!, content.Length, Convert.ToHexStringLower(sha256), contentType, FileStatus.Uploaded, now);
        await _files.CreateAsync(request.Tenant.Key, file, request.CancellationToken);
        LambdaMetrics.Add(MetricNames.FilesUploaded);
        var response = HttpResults.Json(201, FileJson.Serialize(file));
        response.Headers!["location"] = $"/files/{id}";
        return response;
    }

    // The declared type is recorded, never trusted: inspection decides the format from content.
    private static string DeclaredType(string? mediaType)
    {
        if (mediaType is null)
        {
            return "application/octet-stream";
        }

        return FileRules.IsValidContentType(mediaType)
            ? mediaType
            : throw ProblemException.InvalidParameter("content-type is not a media type like text/csv.");
    }
}
