using System.Text.Json;
using Functions.LambdaKit.Http;

namespace Functions.LambdaKit.Json;

/// <summary>
/// Reads the text of JSON member names and string values that may hold escapes no UTF-16
/// string can represent (<c>"\ud800"</c>: a lone surrogate). <see cref="JsonDocument"/>
/// accepts such documents, and then <see cref="JsonProperty.Name"/> and
/// <see cref="JsonElement.GetString"/> throw <see cref="InvalidOperationException"/>; these
/// helpers turn that into a value the caller can refuse.
/// </summary>
public static class JsonText
{
    /// <summary>The member's name, or null when it holds an unpaired surrogate escape.</summary>
    public static string? NameOf(JsonProperty member)
    {
        try
        {
            return member.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A string value's text, or null when it holds an unpaired surrogate escape.</summary>
    /// <exception cref="InvalidOperationException">The element is not a string.</exception>
    public static string? StringOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new InvalidOperationException($"Expected a JSON string, not {value.ValueKind}.");
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// The path (e.g. <c>$.payload[2]</c>) of the first member name or string value that holds an
    /// unpaired surrogate escape, or null when every text in the document is valid. Walks the
    /// value without recursion, so any depth the parser accepted is safe here.
    /// </summary>
    public static string? FindInvalidText(JsonElement root)
    {
        var stack = new Stack<(JsonElement Value, string Path)>();
        stack.Push((root, "$"));
        while (stack.Count > 0)
        {
            var (value, path) = stack.Pop();
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var member in value.EnumerateObject())
                    {
                        if (NameOf(member) is not { } name)
                        {
                            return path + " (a member name)";
                        }

                        stack.Push((member.Value, path + "." + ProblemText.Printable(name, 40)));
                    }

                    break;
                case JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        stack.Push((item, $"{path}[{index++}]"));
                    }

                    break;
                case JsonValueKind.String when StringOf(value) is null:
                    return path;
            }
        }

        return null;
    }

    /// <summary>
    /// False when the UTF-8 JSON text has no <c>\uD800</c>–<c>\uDFFF</c> escape at all, so no
    /// text in it can be an unpaired surrogate and <see cref="FindInvalidText"/> can be skipped.
    /// (True is a hint only: the escape may be paired, or be text after an escaped backslash.)
    /// </summary>
    public static bool MayHoldSurrogateEscape(ReadOnlySpan<byte> utf8Json)
    {
        for (var at = utf8Json.IndexOf("\\u"u8); at >= 0 && at + 3 < utf8Json.Length;)
        {
            if (utf8Json[at + 2] is (byte)'d' or (byte)'D' && utf8Json[at + 3] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }

            var next = utf8Json[(at + 2)..].IndexOf("\\u"u8);
            at = next < 0 ? -1 : at + 2 + next;
        }

        return false;
    }
}
