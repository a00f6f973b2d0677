using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;

namespace Functions.GetFile;

/// <summary>
/// <c>GET /files/{id}</c>: the caller's file metadata and, once the object is in place, a
/// presigned GET URL (5 minutes) that downloads it as an attachment. 404 for anyone else's id.
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

    /// <summary>For tests: the AWS clients, where to read, and the clock.</summary>
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
        var id = request.PathParameter("id");
        if (!FileRules.IsValidId(id))
        {
            throw ProblemException.InvalidParameter("id must be a file id as returned by POST /files or POST /files/uploads.");
        }

        var file = await _files.GetAsync(request.Tenant.Key, id!, request.CancellationToken)
            ?? throw ProblemException.NotFound($"You have no file with id '{id}'.");

        string? url = null;
        var expires = _time.GetUtcNow() + FileRules.DownloadUrlLifetime;
        if (file.Status is FileStatus.Uploaded or FileStatus.Ready)
        {
            url = await _s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
            {
                BucketName = _settings.BucketName,
                Key = FileRules.ObjectKey(request.Tenant.Key, file.Id),
                Verb = HttpVerb.GET,
                Protocol = Presigning.ProtocolFor(_s3),
                Expires = expires.UtcDateTime,
                // Served as a download whatever the declared type, so a file cannot render as a page.
                ResponseHeaderOverrides = new ResponseHeaderOverrides
                {
                    ContentDisposition = $"attachment; filename*=UTF-8''{Uri.EscapeDataString(file.Name)}",
                },
            });
        }

        return HttpResults.Json(200, FileJson.Serialize(file, writer =>
        {
            if (url is null)
            {
                writer.WriteNull("download");
                return;
            }

            writer.WriteStartObject("download");
            writer.WriteString("method", "GET");
            writer.WriteString("url", url);
            writer.WriteString("expiresAt", Timestamps.Format(expires));
            writer.WriteEndObject();
        }));
    }
}
