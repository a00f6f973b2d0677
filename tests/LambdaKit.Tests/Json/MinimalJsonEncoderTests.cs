using System.Buffers;
using System.Text;
using System.Text.Json;
using Functions.LambdaKit.Json;

namespace Functions.LambdaKit.Tests.Json;

public sealed class MinimalJsonEncoderTests
{
    private static readonly JsonWriterOptions Options = new() { Encoder = MinimalJsonEncoder.Instance };

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("quote \" backslash \\ slash /", "\"quote \\\" backslash \\\\ slash /\"")]
    [InlineData("\n\r\t\b\f\u0000\u001f", "\"\\n\\r\\t\\b\\f\\u0000\\u001F\"")]
    [InlineData("café ☕ 日本 <&> \u2028 \u007f", "\"café ☕ 日本 <&> \u2028 \u007f\"")]
    [InlineData("\U0001F600 and \U0001F680", "\"\U0001F600 and \U0001F680\"")]
    public void WriteString_EscapesOnlyWhatJsonRequires(string value, string expected)
    {
        Write(w => w.WriteStringValue(value)).Should().Be(expected);
        Write(w => w.WriteStringValue(Encoding.UTF8.GetBytes(value))).Should().Be(expected, "the UTF-8 path escapes the same");
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("quote \" backslash \\")]
    [InlineData("\n\r\t\b\f\u0000\u001f\u007f")]
    [InlineData("{\"rows\":[[\"a\\\"b\"]]}\r\n")]
    [InlineData("caf\u00e9 \U0001F600 \u2028")]
    public void EncodedLength_Text_IsWhatTheEncoderWritesInsideAString(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);

        var written = Write(w => w.WriteStringValue(utf8));

        MinimalJsonEncoder.EncodedLength(utf8).Should().Be(Encoding.UTF8.GetByteCount(written) - 2, "the two quotes around the string are not the text's");
    }

    [Fact]
    public void WriteString_Emoji_IsFourBytesOfUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStringValue("\U0001F600");
        }

        buffer.WrittenSpan.ToArray().Should().Equal(0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22);
    }

    [Fact]
    public void WriteString_LoneSurrogate_BecomesTheReplacementCharacter()
    {
        Write(w => w.WriteStringValue("a\ud800b")).Should().Be("\"a\uFFFDb\"");
    }

    [Fact]
    public void WriteString_RandomText_RoundTripsThroughAParser()
    {
        var random = new Random(20261201);
        for (var i = 0; i < 2000; i++)
        {
            var text = RandomText(random);

            var json = Write(w => w.WriteStringValue(text));

            JsonDocument.Parse(json).RootElement.GetString().Should().Be(text);
            json.Length.Should().BeLessThanOrEqualTo((text.Length * 6) + 2);
        }
    }

    private static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        for (var n = random.Next(0, 40); n > 0; n--)
        {
            var scalar = random.Next(5) switch
            {
                0 => random.Next(0, 0x20),
                1 => random.Next(0x20, 0x80),
                2 => random.Next(0x80, 0xD800),
                3 => random.Next(0xE000, 0x10000),
                _ => random.Next(0x10000, 0x110000),
            };
            builder.Append(char.ConvertFromUtf32(scalar));
        }

        return builder.ToString();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
