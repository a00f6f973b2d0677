using System.Text;
using Functions.TestSupport;

namespace Functions.FileStore.Tests;

public sealed class FileInspectorTests
{
    private static readonly byte[] Parquet = File.ReadAllBytes(RepositoryPaths.Fixture("files/cities.parquet"));

    [Fact]
    public async Task Inspect_ParquetWrittenByDuckDb_ReadsRowsAndColumnsFromTheFooter()
    {
        var result = await Inspect(Parquet);

        result.Reason.Should().BeNull();
        result.Schema.Should().BeEquivalentTo(new FileSchema("parquet", 3, ["city", "population", "area_km2"]));
    }

    [Fact]
    public async Task Inspect_TruncatedParquet_IsRejected()
    {
        var result = await Inspect(Parquet[..^20]);

        result.Schema.Should().BeNull();
        result.Reason.Should().Contain("footer");
    }

    [Fact]
    public async Task Inspect_CorruptedParquetFooters_AreRejectedNeverThrown()
    {
        var random = new Random(20261121);
        for (var i = 0; i < 500; i++)
        {
            var mutated = (byte[])Parquet.Clone();
            var footerStart = mutated.Length - 8 - BitConverter.ToInt32(mutated, mutated.Length - 8);
            for (var flips = 0; flips < 3; flips++)
            {
                mutated[random.Next(footerStart, mutated.Length - 8)] = (byte)random.Next(256);
            }

            var result = await Inspect(mutated);

            (result.Schema is null ^ result.Reason is null).Should().BeTrue();
        }
    }

    [Fact]
    public async Task Inspect_Csv_ReadsHeaderAndCountsRecordsWithQuotedNewlines()
    {
        var result = await Inspect("\uFEFFid,name,note\r\n1,Ada,\"first, \"\"the\"\" one\"\n2,Bob,\"two\nlines\"\n\n3,Cy,\n");

        result.Schema.Should().BeEquivalentTo(new FileSchema("csv", 3, ["id", "name", "note"]));
    }

    [Fact]
    public async Task Inspect_CsvWithBomBeforeAQuotedHeader_IsRead()
    {
        var result = await Inspect("\uFEFF\"a\",b\n1,2\n");

        result.Schema.Should().BeEquivalentTo(new FileSchema("csv", 1, ["a", "b"]));
    }

    [Fact]
    public async Task Inspect_JsonLines_UnionsTopLevelMembersInFirstSeenOrder()
    {
        var result = await Inspect("{\"a\":1,\"b\":{\"x\":1}}\n\n{\"c\":true,\"a\":2}\n{\"b\":null}\n");

        result.Schema.Should().BeEquivalentTo(new FileSchema("jsonl", 3, ["a", "b", "c"]));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n\n\n", "blank")]
    [InlineData("just one column\nof prose text\n", "cannot be detected")]
    [InlineData("a,b\n1,2,3\n", "3 fields")]
    [InlineData("a,b\n1\n", "1 fields")]
    [InlineData("a,,c\n1,2,3\n", "empty column name")]
    [InlineData("a,b\n\"1,2\n", "never ends")]
    [InlineData("a,b\n1\"x,2\n", "stray quote")]
    [InlineData("{\"a\":1}\n[1,2]\n", "Line 2 is not a JSON object")]
    [InlineData("{\"a\":1}\n{broken\n", "Line 2 is not valid JSON")]
    public async Task Inspect_TextThatIsNotAFormat_IsRejectedWithAReason(string content, string reason)
    {
        var result = await Inspect(content);

        result.Schema.Should().BeNull();
        result.Reason.Should().Contain(reason);
    }

    [Fact]
    public async Task Inspect_PngCalledCsv_IsRejectedAsBinary()
    {
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];

        var result = await Inspect(png);

        result.Reason.Should().Contain("binary");
    }

    [Fact]
    public async Task Inspect_InvalidUtf8_IsRejected()
    {
        var result = await Inspect([.. "a,b\n1,"u8, 0xC3, 0x28, .. "\n"u8]);

        result.Reason.Should().Contain("UTF-8");
    }

    [Fact]
    public async Task Inspect_OverLongCsvRecord_IsRejected()
    {
        var result = await Inspect("a,b\n" + new string('x', FileInspector.MaxLineChars + 1) + ",1\n");

        result.Reason.Should().Contain("longer than");
    }

    private static Task<InspectionResult> Inspect(string text) => Inspect(Encoding.UTF8.GetBytes(text));

    private static Task<InspectionResult> Inspect(byte[] content) =>
        FileInspector.InspectAsync(new MemoryObjectSource(content), CancellationToken.None);
}
