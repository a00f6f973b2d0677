using System.Buffers.Binary;
using System.Text;
using Functions.TestSupport;

namespace Functions.FileStore.Tests;

/// <summary>Inputs that once crashed or stalled the inspector: each must end in a verdict.</summary>
public sealed class HostileFileTests
{
    [Fact]
    public async Task Inspect_ParquetFooterOfOneMiBOfNestedLists_IsRejectedWithoutOverflowingTheStack()
    {
        // 0x19: a field header "list, id +1", then list headers "1 element of type list", nested
        // a million times: the recursion must meet the depth budget, not the stack's end.
        var result = await Inspect(HostileInput.NestedListsParquet());

        result.Schema.Should().BeNull();
        result.Reason.Should().Contain("nest");
    }

    [Fact]
    public async Task Inspect_JsonLinesWithALoneSurrogateMemberName_IsRejected()
    {
        var result = await Inspect(HostileInput.SurrogateNameJsonLines);

        result.Schema.Should().BeNull();
        result.Reason.Should().Contain("Line 1").And.Contain("surrogate");
    }

    [Fact]
    public async Task Inspect_ParquetBinaryLengthBeyondIntRange_IsRejected()
    {
        // A field of type binary whose varint length is 2^32: once an OverflowException.
        byte[] footer = [0x18, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00];

        var result = await Inspect(Parquet(footer));

        result.Reason.Should().Contain("length runs past the end of the footer");
    }

    [Fact]
    public async Task Inspect_CsvColumnNamesOverTheByteBudget_AreRejected()
    {
        var header = string.Join(',', Enumerable.Range(0, 300).Select(i => new string('n', 250) + i));

        var result = await Inspect(header + "\n");

        result.Reason.Should().Contain($"more than {FileInspector.MaxColumnNameBytes} bytes");
    }

    [Fact]
    public async Task Inspect_JsonLinesWithMoreDistinctMembersThanColumns_IsRejected()
    {
        var lines = string.Concat(Enumerable.Range(0, FileInspector.MaxColumns + 1).Select(i => $"{{\"k{i}\":1}}\n"));

        var result = await Inspect(lines);

        result.Reason.Should().Contain($"more than {FileInspector.MaxColumns} columns");
    }

    [Fact]
    public async Task ReadLine_EndlessLine_IsRefusedAfterTheLimitNotBufferedWhole()
    {
        var endless = new EndlessReader();
        var reader = new BoundedLineReader(endless, maxChars: 1000);

        var act = async () => await reader.ReadLineAsync(CancellationToken.None);

        await act.Should().ThrowAsync<InvalidFileException>().WithMessage("Line 1 is longer than 1000 characters.");
        endless.CharsRead.Should().BeLessThanOrEqualTo(1000 + (16 * 1024), "it stops within one buffer of the limit");
    }

    [Theory]
    [InlineData("a\nb\r\nc\rd", new[] { "a", "b", "c", "d" })]
    [InlineData("a\r\n\r\nb\n", new[] { "a", "", "b" })]
    [InlineData("\n", new[] { "" })]
    [InlineData("x", new[] { "x" })]
    public async Task ReadLine_SplitsLikeTextReader(string text, string[] lines)
    {
        var reader = new BoundedLineReader(new StringReader(text), maxChars: 10);
        var read = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            read.Add(line);
        }

        read.Should().Equal(lines);
    }

    [Fact]
    public async Task ReadLine_CrLfAcrossBufferBoundary_IsOneTerminator()
    {
        var text = new string('a', (16 * 1024) - 1) + "\r\nb";

        var reader = new BoundedLineReader(new StringReader(text), maxChars: 20_000);

        (await reader.ReadLineAsync(CancellationToken.None)).Should().HaveLength((16 * 1024) - 1);
        (await reader.ReadLineAsync(CancellationToken.None)).Should().Be("b");
        (await reader.ReadLineAsync(CancellationToken.None)).Should().BeNull();
    }

    private static byte[] Parquet(byte[] footer)
    {
        var file = new byte[4 + footer.Length + 8];
        "PAR1"u8.CopyTo(file);
        footer.CopyTo(file, 4);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4 + footer.Length), footer.Length);
        "PAR1"u8.CopyTo(file.AsSpan(file.Length - 4));
        return file;
    }

    private static Task<InspectionResult> Inspect(string text) => Inspect(Encoding.UTF8.GetBytes(text));

    private static Task<InspectionResult> Inspect(byte[] content) =>
        FileInspector.InspectAsync(new MemoryObjectSource(content), CancellationToken.None);

    private sealed class EndlessReader : TextReader
    {
        public long CharsRead { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            Array.Fill(buffer, 'x', index, count);
            CharsRead += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            buffer.Span.Fill('x');
            CharsRead += buffer.Length;
            return ValueTask.FromResult(buffer.Length);
        }
    }
}
