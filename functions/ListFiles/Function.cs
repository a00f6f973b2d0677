using System.Buffers;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.KeyManagementService;
using Functions.Cursors;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Runtime;

namespace Functions.ListFiles;

/// <summary>
/// <c>GET /files</c>: the caller's files, newest first, optionally only one status and names
/// starting with a prefix, a page at a time with a signed cursor. Deleted files never appear.
/// </summary>
public sealed class Function : IHttpApiFunction<Function>
{
    /// <summary>A page stops before its files pass this many bytes (4 MiB): the response stays under Lambda's 6 MB.</summary>
    public const int MaxPageBytes = 4 * 1024 * 1024;

    /// <summary>The KMS HMAC key that signs cursors.</summary>
    public const string CursorKeyVariable = "CURSOR_KEY_ARN";

    private readonly DynamoFileStore _files;
    private readonly ICursorKey _cursorKey;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function()
        : this(
            AwsClients.DynamoDb(),
            AwsClients.Kms(),
            FunctionEnvironment.Require(EventStoreEnvironment.TableVariable),
            FunctionEnvironment.Require(CursorKeyVariable))
    {
    }

    /// <summary>For tests: the AWS clients, the table and the cursor key.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonKeyManagementService kms, string table, string cursorKeyId)
        : this(new DynamoFileStore(dynamo, table), new KmsCursorKey(kms, cursorKeyId))
    {
    }

    /// <summary>For tests: any store and cursor key.</summary>
    public Function(DynamoFileStore files, ICursorKey cursorKey)
    {
        _files = files;
        _cursorKey = cursorKey;
    }

    /// <inheritdoc />
    public async Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
    {
        var (query, cursor) = FileListParameters.Parse(request.Query);
        var tenantKey = request.Tenant.Key;
        if (cursor is not null)
        {
            var key = await _cursorKey.GetAsync(request.CancellationToken);
            query = query with { After = FileCursor.Unprotect(key, tenantKey, query, cursor) };
        }

        var page = await _files.ListAsync(tenantKey, query with { MaxBytes = MaxPageBytes }, request.CancellationToken);
        var nextCursor = page.Next is { } next
            ? FileCursor.Protect(await _cursorKey.GetAsync(request.CancellationToken), tenantKey, query with { After = null }, next)
            : null;
        return HttpResults.Json(200, Serialize(page.Items, nextCursor));
    }

    private static string Serialize(IReadOnlyList<FileRecord> files, string? nextCursor)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("items");
            foreach (var file in files)
            {
                writer.WriteStartObject();
                FileJson.WriteMembers(writer, file);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("nextCursor", nextCursor);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
