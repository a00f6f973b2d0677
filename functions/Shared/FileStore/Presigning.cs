using Amazon.S3;

namespace Functions.FileStore;

/// <summary>Helpers for presigned URLs.</summary>
public static class Presigning
{
    /// <summary>
    /// HTTPS, unless the client talks to a plain-HTTP endpoint (a local emulator): a presigned
    /// URL must use the scheme the endpoint serves.
    /// </summary>
    public static Protocol ProtocolFor(IAmazonS3 s3)
    {
        ArgumentNullException.ThrowIfNull(s3);
        var endpoint = s3.Config.ServiceURL
            ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3")
            ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
        return endpoint?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS;
    }
}
