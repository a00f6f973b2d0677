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
