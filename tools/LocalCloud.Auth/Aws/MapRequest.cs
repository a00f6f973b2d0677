namespace Functions.LocalCloud.Auth.Aws;

/// <summary>One request being mapped, with what the service maps share: the endpoint's region and account, the facts, header look-ups.</summary>
internal sealed class MapRequest
{
    public MapRequest(IncomingRequest request, ReadOnlyMemory<byte> body, string region, string account, IAwsResourceFacts facts)
    {
        Request = request;
        Body = body;
        Region = region;
        Account = account;
        Facts = facts;
    }

    public IncomingRequest Request { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public string Region { get; }

    public string Account { get; }

    public IAwsResourceFacts Facts { get; }

    public string Method => Request.Method;

    /// <summary>The one value of header <paramref name="name"/>, or null; a header sent twice is refused (which one the service reads is unknown).</summary>
    public string? Header(string name)
    {
        string? found = null;
        foreach (var value in Request.HeaderValues(name))
        {
            if (found is not null)
            {
                throw new UnmappedRequestException($"header {name} is sent more than once");
            }

            found = value;
        }

        return found;
    }

    /// <summary>
    /// The JSON body of a JSON-protocol request (DynamoDB, Streams, SQS, KMS), as those protocols
    /// send it: POST to <c>/</c>, no content coding, one JSON object within the map's budgets.
    /// </summary>
    public System.Text.Json.JsonDocument ReadJsonBody()
    {
        RequirePostToRoot();
        RequireIdentityContentEncoding();
        return AwsJson.ParseObject(Body);
    }

    /// <summary>Refuses a request that is not <c>POST /</c> (the form of the AWS JSON protocols).</summary>
    public void RequirePostToRoot()
    {
        if (!string.Equals(Method, "POST", StringComparison.Ordinal))
        {
            throw new UnmappedRequestException($"method {Method} (the protocol sends POST)");
        }

        if (Request.RawPath != "/")
        {
            throw new UnmappedRequestException($"path {Request.RawPath} (the protocol sends /)");
        }
    }

    /// <summary>Refuses a body the service would read after a content coding the map does not undo (gzip, aws-chunked).</summary>
    public void RequireIdentityContentEncoding()
    {
        if (Header("Content-Encoding") is { } encoding && !string.IsNullOrWhiteSpace(encoding) && !encoding.Trim().Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnmappedRequestException($"the body has Content-Encoding {encoding}, which the map does not read");
        }
    }
}
