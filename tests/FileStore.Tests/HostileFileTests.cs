using System.Buffers.Binary;
using System.Text;

namespace Functions.FileStore.Tests;

/// <summary>Inputs that once crashed or stalled the inspector: each must end in a verdict.</summary>
public sealed class HostileFileTests
{
    [Fact]
    public async Task Inspect_ParquetFooterOfOneMiBOfNestedLists_IsRejectedWithoutOverflowingTheStack()
    {
        // 0x19: a field header "list, id +1", then list headers "1 element of type list", nested
        // a million times: the recursion must meet the depth budget, not the stack's end.
        var footer = new byte[1024 * 1024];
        Array.Fill(footer, (byte)0x19);

        var result = await Inspect(Parquet(footer));

        result.Schema.Should().BeNull();
        result.Reason.Should().Contain("nest");
    }

    [Fact]
    public async Task Inspect_JsonLinesWithALoneSurrogateMemberName_IsRejected()
    {
        var result = await Inspect("{\"\\ud800\":1}\n");

        result.Schema.Should().BeNull();
        result.Reason.Should().Contain("Line 1").And.Contain("surrogate");
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
}
