using System.Text;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// Strict percent-decoding: every <c>%</c> must start two hex digits and the bytes must be valid
/// UTF-8, otherwise the text is refused (a lenient decoder would leave such text as it is while
/// the service behind decodes it another way, so the map and the service would name different
/// resources).
/// </summary>
internal static class PercentEncoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="text"/>; <paramref name="plusIsSpace"/> reads <c>+</c> as a space (HTML form encoding).</summary>
    /// <param name="text">The encoded text.</param>
    /// <param name="plusIsSpace">Whether <c>+</c> stands for a space.</param>
    /// <param name="what">What the text is, for the refusal.</param>
    public static string Decode(string text, bool plusIsSpace, string what)
    {
        if (!text.Contains('%', StringComparison.Ordinal) && !(plusIsSpace && text.Contains('+', StringComparison.Ordinal)) && Ascii.IsValid(text))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
                {
                    throw new UnmappedRequestException($"{what} has a malformed percent-escape");
                }

                bytes.Add((byte)Convert.ToInt32(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (c > 0x7F)
            {
                throw new UnmappedRequestException($"{what} has a character that is not percent-encoded ASCII");
            }
            else
            {
                bytes.Add(plusIsSpace && c == '+' ? (byte)' ' : (byte)c);
            }
        }

        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            throw new UnmappedRequestException($"{what} is not UTF-8 once decoded");
        }
    }
}
