using System.Text.Json.Serialization;

namespace Functions.LambdaKit.Runtime;

/// <summary>The error document the Runtime API accepts on <c>/error</c> and <c>/init/error</c>.</summary>
public sealed record RuntimeError(
    [property: JsonPropertyName("errorMessage")] string ErrorMessage,
    [property: JsonPropertyName("errorType")] string ErrorType,
    [property: JsonPropertyName("stackTrace")] IReadOnlyList<string> StackTrace)
{
    /// <summary>Describes an exception the way the official .NET runtime client does.</summary>
    public static RuntimeError FromException(Exception exception)
    {
        var lines = (exception.StackTrace ?? string.Empty)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new RuntimeError(exception.Message, exception.GetType().Name, lines);
    }
}

[JsonSerializable(typeof(RuntimeError))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
