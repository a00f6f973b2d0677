using System.Text.Json;
using Functions.FileStore;
using Functions.LambdaKit.Http;

namespace Functions.CreateUpload;

/// <summary>The validated body of <c>POST /files/uploads</c>: <c>{ "name", "size", "contentType" }</c>, nothing else.</summary>
/// <param name="Name">The file's name (metadata).</param>
/// <param name="Size">Declared size in bytes, 1 to 5 GiB; the upload must match it.</param>
/// <param name="ContentType">Declared media type; sent with the PUT.</param>
public sealed record CreateUploadRequest(string Name, long Size, string ContentType)
{
    private const int MaxBodyBytes = 4096;
    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 4, AllowDuplicateProperties = false };

    /// <summary>Validates the request body.</summary>
    /// <exception cref="ProblemException">415, 413 or 400 saying what is wrong.</exception>
    public static CreateUploadRequest Parse(HttpApiRequest request)
    {
        using var document = request.ParseJson(MaxBodyBytes, "{ \"name\", \"size\", \"contentType\" }", ParseOptions);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw ProblemException.InvalidBody("The body must be a JSON object with name, size and contentType.");
        }

        // ParseJson has refused unpaired surrogates, so names and strings are always readable.
        string? name = null, contentType = null;
        long? size = null;
        foreach (var member in document.RootElement.EnumerateObject())
        {
            switch (member.Name)
            {
                case "name" when member.Value.ValueKind == JsonValueKind.String:
                    name = member.Value.GetString();
                    break;
                case "contentType" when member.Value.ValueKind == JsonValueKind.String:
                    contentType = member.Value.GetString();
                    break;
                case "size" when member.Value.ValueKind == JsonValueKind.Number:
                    size = member.Value.TryGetInt64(out var n)
                        ? n
                        : throw ProblemException.InvalidBody("size must be a whole number of bytes.");
                    break;
                case "name" or "contentType" or "size":
                    throw ProblemException.InvalidBody($"{member.Name} has the wrong type.");
                default:
                    throw ProblemException.InvalidBody($"Unknown member '{ProblemText.Printable(member.Name)}'. The body accepts name, size and contentType.");
            }
        }

        if (FileRules.NameProblem(name) is { } problem)
        {
            throw ProblemException.InvalidBody(problem);
        }

        if (size is not { } bytes || bytes < 1 || bytes > FileRules.MaxUploadBytes)
        {
            throw ProblemException.InvalidBody($"size is required: a whole number of bytes from 1 to {FileRules.MaxUploadBytes} (5 GiB).");
        }

        if (!FileRules.IsValidContentType(contentType))
        {
            throw ProblemException.InvalidBody("contentType is required: a media type like text/csv, without parameters.");
        }

        return new CreateUploadRequest(name!, bytes, contentType!.ToLowerInvariant());
    }
}
