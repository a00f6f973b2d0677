using Amazon.DynamoDBv2;
using Amazon.S3;
using Functions.EventStore;
using Functions.FileStore;
using Functions.LambdaKit.Aws;
using Functions.LambdaKit.Http;
using Functions.LambdaKit.Runtime;

namespace Functions.DeleteFile;

/// <summary>
/// <c>DELETE /files/{id}</c>: deletes one of the caller's files — metadata, inspection result and
/// every version of its object — whatever its status. 404 for an unknown, already deleted or
/// anyone else's id. Three steps (docs/files.md#deleting-a-file), each safe to repeat:
/// <list type="number">
/// <item>one conditional write turns the item into a tombstone: from then on the file is gone
/// for every route and every status change racing it is refused;</item>
/// <item>every version of the object is deleted;</item>
/// <item>the tombstone is removed, unless a presigned URL issued for the file may still create
/// the object: then the processor (on the object's notification) and the reconciler (once the
/// URL has expired) remove what it creates, and the reconciler removes the tombstone.</item>
/// </list>
/// A delete stopped between steps is finished by the reconciler (the tombstone is in the
/// unsettled index).
/// </summary>
public sealed class Function : IHttpApiFunction<Function>
{
    private readonly DynamoFileStore _files;
    private readonly ObjectVersions _objects;
    private readonly TimeProvider _time;

    /// <summary>Reads the configuration from the environment and builds the clients (Lambda's init).</summary>
    public Function()
        : this(
            AwsClients.DynamoDb(),
            AwsClients.S3(),
            FunctionEnvironment.Require(EventStoreEnvironment.TableVariable),
            FunctionEnvironment.Require(EventStoreEnvironment.BucketVariable),
            TimeProvider.System)
    {
    }

    /// <summary>For tests: the AWS clients, the table, the bucket and the clock.</summary>
    public Function(IAmazonDynamoDB dynamo, IAmazonS3 s3, string table, string bucket, TimeProvider time)
    {
        _files = new DynamoFileStore(dynamo, table);
        _objects = new ObjectVersions(s3, bucket);
        _time = time;
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

        var tenantKey = request.Tenant.Key;
        var now = _time.GetUtcNow();
        var deleted = await _files.MarkDeletedAsync(tenantKey, id!, now, request.CancellationToken)
            ?? throw ProblemException.NotFound($"You have no file with id '{id}'.");
        await _objects.PurgeAsync(FileRules.ObjectKey(tenantKey, id!), request.CancellationToken);
        if (deleted.RemoveAfter <= now)
        {
            await _files.RemoveTombstoneAsync(tenantKey, id!, request.CancellationToken);
        }

        return HttpResults.NoContent();
    }
}
