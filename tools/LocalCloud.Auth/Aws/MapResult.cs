namespace Functions.LocalCloud.Auth.Aws;

/// <summary>The outcome of <see cref="AwsRequestMap.Map"/>: exactly one of the two is set.</summary>
/// <param name="Call">What the request is and the checks it needs; null when it was not mapped.</param>
/// <param name="Unmapped">
/// When the request was not mapped, what was not recognised and why, as text for one log line
/// (e.g. <c>s3 PUT /bucket/key?acl: not a mapped operation (PUT on an object with ?acl)</c>; at
/// most <see cref="MaxReasonLength"/> characters, control characters replaced by <c>?</c>); null
/// when it was. The caller denies such requests.
/// </param>
public sealed record MapResult(AwsCall? Call, string? Unmapped)
{
    /// <summary>The longest <see cref="Unmapped"/> text.</summary>
    public const int MaxReasonLength = 500;

    internal static MapResult Mapped(AwsCall call) => new(call, null);

    /// <summary>A refusal; the reason quotes parts of a hostile request, so it is made safe for a log line.</summary>
    internal static MapResult NotMapped(string reason)
    {
        var safe = string.Create(Math.Min(reason.Length, MaxReasonLength), reason, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
        return new(null, reason.Length > MaxReasonLength ? safe[..(MaxReasonLength - 1)] + "…" : safe);
    }
}
