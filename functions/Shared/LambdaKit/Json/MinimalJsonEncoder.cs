using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace Functions.LambdaKit.Json;

/// <summary>
/// A JSON string encoder that escapes only what JSON requires — the quotation mark, the reverse
/// solidus and control characters below U+0020 — and writes every other character, including
/// those outside the Basic Multilingual Plane (emoji), as UTF-8. The built-in encoders, even
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, write such a character as two
/// <c>\uXXXX</c> escapes: 12 bytes instead of 4, which would make stored payloads and Lambda
/// responses three times the size of the text they carry. Safe for JSON consumed as JSON
/// (stored payloads, the Lambda response envelope), not for JSON embedded in HTML.
/// </summary>
public sealed class MinimalJsonEncoder : JavaScriptEncoder
{
    private static readonly SearchValues<char> CharsToCheck = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Select(c => (char)c)) + "\"\\" + string.Concat(Enumerable.Range(0xD800, 0x800).Select(c => (char)c)));

    private static readonly SearchValues<byte> BytesToEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    private MinimalJsonEncoder()
    {
    }

    /// <summary>The one instance.</summary>
    public static MinimalJsonEncoder Instance { get; } = new();

    /// <summary>
    /// The bytes <paramref name="utf8"/> takes once this encoder writes it inside a JSON string,
    /// as the Lambda response envelope carries a body: its own length, plus one byte for each
    /// quotation mark, reverse solidus, <c>\b \f \n \r \t</c>, and five for each other control
    /// character (<c>\u00XX</c>). A response measured this way is measured as Lambda counts it.
    /// </summary>
    public static long EncodedLength(ReadOnlySpan<byte> utf8)
    {
        long length = utf8.Length;
        var rest = utf8;
        int at;
        while ((at = rest.IndexOfAny(BytesToEscape)) >= 0)
        {
            length += rest[at] is (byte)'"' or (byte)'\\' or (byte)'\b' or (byte)'\f' or (byte)'\n' or (byte)'\r' or (byte)'\t' ? 1 : 5;
            rest = rest[(at + 1)..];
        }

        return length;
    }

    /// <inheritdoc />
    public override int MaxOutputCharactersPerInputCharacter => 6;

    /// <inheritdoc />
    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    /// <inheritdoc />
    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        var span = new ReadOnlySpan<char>(text, textLength);
        var offset = 0;
        while (true)
        {
            var found = span[offset..].IndexOfAny(CharsToCheck);
            if (found < 0)
            {
                return -1;
            }

            var at = offset + found;
            if (char.IsHighSurrogate(span[at]) && at + 1 < span.Length && char.IsLowSurrogate(span[at + 1]))
            {
                // A well-formed pair stays as it is; only unpaired surrogates go to the encoder.
                offset = at + 2;
                continue;
            }

            return at;
        }
    }

    /// <inheritdoc />
    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text) => utf8Text.IndexOfAny(BytesToEscape);

    /// <inheritdoc />
    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        ReadOnlySpan<char> encoded = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            < 0x20 => $"\\u{unicodeScalar:X4}",
            _ => new Rune(unicodeScalar).ToString(),
        };
        if (encoded.Length > destination.Length)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        encoded.CopyTo(destination);
        numberOfCharactersWritten = encoded.Length;
        return true;
    }
}
