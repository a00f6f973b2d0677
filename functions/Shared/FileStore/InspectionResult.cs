namespace Functions.FileStore;

/// <summary>The verdict on a file's content: a schema, or the reason it is refused.</summary>
/// <param name="Schema">Set when the content was recognised.</param>
/// <param name="Reason">Set when it was not.</param>
public sealed record InspectionResult(FileSchema? Schema, string? Reason)
{
    /// <summary>Recognised.</summary>
    public static InspectionResult Ready(FileSchema schema) => new(schema, null);

    /// <summary>Refused, with a reason a person can act on.</summary>
    public static InspectionResult Rejected(string reason) => new(null, reason);
}
