using System.Buffers.Binary;

namespace Functions.TestSupport;

/// <summary>Files that once crashed or stalled the processor, for regression tests at every level.</summary>
public static class HostileInput
{
    /// <summary>A JSON lines file whose only member name is a lone surrogate escape.</summary>
    public static byte[] SurrogateNameJsonLines => "{\"\\ud800\":1}\n"u8.ToArray();

    /// <summary>
    /// <c>PAR1</c>, <paramref name="footerBytes"/> bytes of <c>0x19</c>, the footer length, <c>PAR1</c>:
    /// a footer that nests lists for as long as it lasts (1 MiB once overflowed the stack).
    /// </summary>
    public static byte[] NestedListsParquet(int footerBytes = 1024 * 1024)
    {
        var file = new byte[4 + footerBytes + 8];
        "PAR1"u8.CopyTo(file);
        file.AsSpan(4, footerBytes).Fill(0x19);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4 + footerBytes), footerBytes);
        "PAR1"u8.CopyTo(file.AsSpan(file.Length - 4));
        return file;
    }
}
