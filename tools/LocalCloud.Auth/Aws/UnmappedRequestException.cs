namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// Thrown inside the map when a request cannot be mapped (unknown operation, missing parameter,
/// unreadable body); <see cref="AwsRequestMap.Map"/> turns it into <see cref="MapResult.Unmapped"/>.
/// Never leaves the library.
/// </summary>
internal sealed class UnmappedRequestException : Exception
{
    public UnmappedRequestException(string reason)
        : base(reason)
    {
    }
}
