namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// Maps an AWS API request, as an AWS SDK sends it to a service endpoint, to the IAM checks AWS
/// makes for it (<see cref="AccessCheck"/>): the action, the resource ARN and the service-specific
/// condition keys. A pure function of the request and <see cref="IAwsResourceFacts"/>; it neither
/// authenticates nor evaluates policies.
/// </summary>
/// <remarks>
/// <para>Mapped: S3 (REST, path-style), DynamoDB and DynamoDB Streams (JSON 1.0), SQS (JSON 1.0 and
/// the query protocol), KMS (JSON 1.1) and STS (query protocol); the operations each map lists
/// (docs/local-cloud.md, "AWS API requests: the IAM checks they need"). Everything else, a request without a parameter the
/// operation needs, and any body that cannot be read within the budgets is not mapped: the
/// result's <see cref="MapResult.Unmapped"/> says what and why, and the caller denies the request.
/// Requests are hostile input: the map never throws for them.</para>
/// <para>A request carrying <c>x-moto-account-id</c> is not mapped: moto would act in the account
/// that header names rather than the caller's.</para>
/// </remarks>
public static class AwsRequestMap
{
    /// <summary>The largest body read (JSON, form or XML), in bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>The deepest JSON nesting read.</summary>
    public const int MaxJsonDepth = 64;

    /// <summary>Maps <paramref name="request"/>.</summary>
    /// <param name="service">The service of the SigV4 credential scope: <c>s3</c>, <c>dynamodb</c>, <c>sqs</c>, <c>kms</c> or <c>sts</c>.</param>
    /// <param name="request">The request as received (path and query as sent).</param>
    /// <param name="body">The request's body as received (empty when there is none).</param>
    /// <param name="region">The endpoint's region, for the ARNs of regional resources.</param>
    /// <param name="account">The account of the resources: the caller's account.</param>
    /// <param name="facts">What the map needs to know about tables and KMS aliases.</param>
    public static MapResult Map(string service, IncomingRequest request, ReadOnlyMemory<byte> body, string region, string account, IAwsResourceFacts facts)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentException.ThrowIfNullOrEmpty(account);
        ArgumentNullException.ThrowIfNull(facts);
        var mapRequest = new MapRequest(request, body, region, account, facts);
        try
        {
            if (request.HeaderValues("x-moto-account-id").Any())
            {
                throw new UnmappedRequestException("the request carries x-moto-account-id, which would make moto act in another account");
            }

            var call = service switch
            {
                "s3" => S3RequestMap.Map(mapRequest),
                "dynamodb" => DynamoDbRequestMap.Map(mapRequest),
                "sqs" => SqsRequestMap.Map(mapRequest),
                "kms" => KmsRequestMap.Map(mapRequest),
                "sts" => StsRequestMap.Map(mapRequest),
                _ => throw new UnmappedRequestException("not a mapped service"),
            };
            return MapResult.Mapped(call);
        }
        catch (UnmappedRequestException e)
        {
            return MapResult.NotMapped($"{service} {Describe(request)}: {e.Message}");
        }
#pragma warning disable CA1031 // Hostile input must never make the map throw: whatever went wrong, the request is not mapped (and so denied).
        catch (Exception e)
#pragma warning restore CA1031
        {
            return MapResult.NotMapped($"{service} {Describe(request)}: the map failed on the request ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>The request for a log line: the target operation, or the method, path and query parameter names (no values: a presigned query carries credentials).</summary>
    private static string Describe(IncomingRequest request)
    {
        var target = request.FirstHeader("X-Amz-Target");
        target = target is { Length: > 100 } ? target[..100] + "…" : target;
        var path = request.RawPath.Length > 200 ? request.RawPath[..200] + "…" : request.RawPath;
        var names = request.RawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)[0])
            .Where(n => !n.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase))
            .Take(10)
            .ToList();
        var query = names.Count == 0 ? "" : "?" + string.Join('&', names);
        return target is null ? $"{request.Method} {path}{query}" : $"{request.Method} {path} {target}";
    }
}
