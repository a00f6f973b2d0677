using System.Buffers.Binary;
using System.Text;

namespace Functions.FileStore.Tests.Generated;

/// <summary>What a generated file must end as.</summary>
internal enum Expect
{
    /// <summary>Ready with exactly <see cref="GeneratedFile.Schema"/>.</summary>
    Ready,

    /// <summary>Rejected, with a reason.</summary>
    Rejected,

    /// <summary>Either verdict (a mutation may or may not keep the file valid).</summary>
    Verdict,
}

/// <summary>One generated file, with how it was made (to replay it) and what it must become.</summary>
internal sealed record GeneratedFile(string Kind, int Index, byte[] Content, Expect Expect, FileSchema? Schema = null);

/// <summary>
/// A seeded, structure-aware generator of hostile files: Parquet footers (valid ones with a
/// known schema, then nested to any depth, with every length at its edges, truncated at every
/// byte, mutated), CSV and JSON lines (huge lines, huge field counts, invalid UTF-8,
/// surrogates). Case <c>i</c> of a family draws from <c>new Random(seed + i)</c>, so any one
/// case can be rebuilt from its seed, kind and index.
/// </summary>
internal static class HostileFiles
{
    public static IEnumerable<GeneratedFile> All(int seed) =>
        ValidParquet(seed, 4000)
            .Concat(MutatedParquet(seed, 7000))
            .Concat(TruncatedParquet(seed, 25))
            .Concat(ParquetLengthEdges())
            .Concat(DeepParquet())
            .Concat(ParquetFooterLengthEdges(seed))
            .Concat(RandomFooters(seed, 2500))
            .Concat(Csv(seed, 1500))
            .Concat(JsonLines(seed, 1500));

    /// <summary>Valid footers of random schemas (groups nested up to 4 deep) and extra fields.</summary>
    public static IEnumerable<GeneratedFile> ValidParquet(int seed, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (footer, schema) = ValidFooter(new Random(seed + i));
            yield return new GeneratedFile("parquet-valid", i, ParquetFile(footer), Expect.Ready, schema);
        }
    }

    public static IEnumerable<GeneratedFile> MutatedParquet(int seed, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var random = new Random(seed + 1_000_000 + i);
            var footer = ValidFooter(random).Footer.ToList();
            for (var m = random.Next(1, 4); m > 0 && footer.Count > 0; m--)
            {
                var at = random.Next(footer.Count);
                switch (random.Next(4))
                {
                    case 0:
                        footer[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        footer[at] ^= (byte)(1 << random.Next(8));
                        break;
                    case 2:
                        footer.RemoveAt(at);
                        break;
                    default:
                        footer.Insert(at, (byte)random.Next(256));
                        break;
                }
            }

            yield return new GeneratedFile("parquet-mutated", i, ParquetFile([.. footer]), Expect.Verdict);
        }
    }

    /// <summary>Valid footers cut at every byte (the declared length follows the cut).</summary>
    public static IEnumerable<GeneratedFile> TruncatedParquet(int seed, int footers)
    {
        var index = 0;
        for (var f = 0; f < footers; f++)
        {
            var footer = ValidFooter(new Random(seed + 2_000_000 + f)).Footer;
            for (var cut = 1; cut < footer.Length; cut++)
            {
                yield return new GeneratedFile("parquet-truncated", index++, ParquetFile(footer[..cut]), Expect.Rejected);
            }
        }
    }

    /// <summary>A binary length, a list count and a map size at 0, 1, what remains, one more, int and long range and past them.</summary>
    public static IEnumerable<GeneratedFile> ParquetLengthEdges()
    {
        ulong[] values = [0, 1, 2, 14, 15, 16, 100, 1000, int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue, (ulong)uint.MaxValue + 1, long.MaxValue, (ulong)long.MaxValue + 1, ulong.MaxValue];
        var index = 0;
        foreach (var value in values)
        {
            foreach (var padding in new[] { 0, 1, 16, 1000 })
            {
                var pad = new byte[padding];
                yield return Edge(new ThriftCompactWriter().BeginStruct().FieldHeader(7, ThriftCompactWriter.Binary).VarInt(value).Raw(pad).EndStruct());
                yield return Edge(new ThriftCompactWriter().BeginStruct().FieldHeader(7, ThriftCompactWriter.List).ListHeader(15, ThriftCompactWriter.I32).VarInt(value).Raw(pad).EndStruct());
                yield return Edge(new ThriftCompactWriter().BeginStruct().FieldHeader(7, ThriftCompactWriter.Map).VarInt(value).Raw(0x55).Raw(pad).EndStruct());
                yield return Edge(new ThriftCompactWriter().BeginStruct().FieldHeader(2, ThriftCompactWriter.List).ListHeader(15, ThriftCompactWriter.Struct).VarInt(value).Raw(pad).EndStruct());
                yield return Edge(new ThriftCompactWriter().BeginStruct().FieldHeader(2, ThriftCompactWriter.List).ListHeader(2, ThriftCompactWriter.Struct)
                    .BeginStruct().StringField(4, "root").FieldHeader(5, ThriftCompactWriter.I32).VarInt(value).EndStruct()
                    .BeginStruct().FieldHeader(4, ThriftCompactWriter.Binary).VarInt(value).Raw(pad).EndStruct()
                    .I64Field(3, 1).EndStruct());
            }
        }

        // An 11-byte varint: longer than any 64-bit value.
        yield return Edge(new ThriftCompactWriter().BeginStruct().FieldHeader(7, ThriftCompactWriter.I64).Raw([.. Enumerable.Repeat((byte)0xFF, 10), 0x01]).EndStruct());

        GeneratedFile Edge(ThriftCompactWriter writer) => new("parquet-length-edge", index++, ParquetFile(writer.ToArray()), Expect.Verdict);
    }

    /// <summary>Structs, lists, sets and maps nested at and around the budget, and to 10,000.</summary>
    public static IEnumerable<GeneratedFile> DeepParquet()
    {
        var index = 0;
        foreach (var depth in new[] { 10, 62, 63, 64, 65, 1_000, 10_000 })
        {
            var expect = depth <= 62 ? Expect.Verdict : Expect.Rejected;

            var structs = new ThriftCompactWriter().BeginStruct();
            for (var d = 0; d < depth; d++)
            {
                structs.FieldHeader(1, ThriftCompactWriter.Struct).BeginStruct();
            }

            for (var d = 0; d < depth; d++)
            {
                structs.EndStruct();
            }

            yield return new GeneratedFile("parquet-deep-struct", index++, ParquetFile(structs.EndStruct().ToArray()), expect);

            foreach (var container in new[] { ThriftCompactWriter.List, ThriftCompactWriter.Set })
            {
                var lists = new ThriftCompactWriter().BeginStruct().FieldHeader(7, container);
                for (var d = 0; d < depth; d++)
                {
                    lists.ListHeader(1, container);
                }

                yield return new GeneratedFile("parquet-deep-list", index++, ParquetFile(lists.ListHeader(0, ThriftCompactWriter.I32).EndStruct().ToArray()), expect);
            }

            var maps = new ThriftCompactWriter().BeginStruct().FieldHeader(7, ThriftCompactWriter.Map);
            for (var d = 0; d < depth; d++)
            {
                maps.MapHeader(1, ThriftCompactWriter.I32, ThriftCompactWriter.Map).Raw(0x02);
            }

            yield return new GeneratedFile("parquet-deep-map", index++, ParquetFile(maps.MapHeader(0, 0, 0).EndStruct().ToArray()), expect);

            // The issue's shape: 0x19 repeated (a list field, then lists of one list each).
            yield return new GeneratedFile("parquet-deep-0x19", index++, ParquetFile(Enumerable.Repeat((byte)0x19, depth).ToArray()), Expect.Rejected);
        }
    }

    /// <summary>The 4-byte footer length: zero, negative as int, past the file, at the cap and over it.</summary>
    public static IEnumerable<GeneratedFile> ParquetFooterLengthEdges(int seed)
    {
        var (footer, schema) = ValidFooter(new Random(seed + 3_000_000));
        uint[] lengths = [0, 1, (uint)footer.Length - 1, (uint)footer.Length, (uint)footer.Length + 1, (uint)footer.Length + 4, int.MaxValue, (uint)int.MaxValue + 1, uint.MaxValue, ParquetFooter.MaxFooterBytes + 1];
        var index = 0;
        foreach (var length in lengths)
        {
            var file = ParquetFile(footer);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(file.Length - 8), length);
            yield return length == footer.Length
                ? new GeneratedFile("parquet-footer-length", index++, file, Expect.Ready, schema)
                : new GeneratedFile("parquet-footer-length", index++, file, Expect.Verdict);
        }
    }

    public static IEnumerable<GeneratedFile> RandomFooters(int seed, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var random = new Random(seed + 4_000_000 + i);
            var footer = new byte[random.Next(1, 512)];
            random.NextBytes(footer);
            yield return new GeneratedFile("parquet-random", i, ParquetFile(footer), Expect.Verdict);
        }
    }

    public static IEnumerable<GeneratedFile> Csv(int seed, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var random = new Random(seed + 5_000_000 + i);
            var columns = random.Next(2, 8);
            var names = Enumerable.Range(0, columns).Select(c => $"c{c}_{random.Next(1000)}").ToList();
            var text = new StringBuilder(string.Join(',', names)).Append('\n');
            var rows = random.Next(0, 20);
            for (var r = 0; r < rows; r++)
            {
                text.AppendJoin(',', Enumerable.Range(0, columns).Select(_ => CsvField(random))).Append(random.Next(2) == 0 ? "\n" : "\r\n");
            }

            var valid = Encoding.UTF8.GetBytes(text.ToString());
            switch (i % 8)
            {
                case 0:
                    yield return new GeneratedFile("csv-valid", i, valid, Expect.Ready, new FileSchema("csv", rows, names));
                    break;
                case 1:
                    // One line past the limit, in the header or a record, with or without a newline.
                    var huge = new string('x', FileInspector.MaxLineChars + random.Next(1, 3));
                    var at = random.Next(2);
                    yield return new GeneratedFile("csv-huge-line", i, Encoding.UTF8.GetBytes(at == 0 ? huge + ",y\n1,2\n" : "a,b\n" + huge + (random.Next(2) == 0 ? "\n" : string.Empty)), Expect.Rejected);
                    break;
                case 2:
                    var fields = random.Next(FileInspector.MaxColumns + 1, 20_000);
                    yield return new GeneratedFile("csv-huge-field-count", i, Encoding.UTF8.GetBytes(string.Join(',', Enumerable.Range(0, fields).Select(f => "f" + f)) + "\n"), Expect.Rejected);
                    break;
                case 3:
                    yield return new GeneratedFile("csv-invalid-utf8", i, Splice(random, valid, InvalidUtf8(random)), Expect.Rejected);
                    break;
                case 4:
                    var longNames = Enumerable.Range(0, 300).Select(c => new string((char)('a' + (c % 26)), 250) + c).ToList();
                    yield return new GeneratedFile("csv-column-bytes", i, Encoding.UTF8.GetBytes(string.Join(',', longNames) + "\n"), Expect.Rejected);
                    break;
                case 5:
                    yield return new GeneratedFile("csv-unterminated-quote", i, Encoding.UTF8.GetBytes("a,b\n\"" + new string('q', random.Next(1, 5000)) + "\n"), Expect.Rejected);
                    break;
                default:
                    yield return new GeneratedFile("csv-mutated", i, Mutate(random, valid), Expect.Verdict);
                    break;
            }
        }
    }

    public static IEnumerable<GeneratedFile> JsonLines(int seed, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var random = new Random(seed + 6_000_000 + i);
            var rows = random.Next(1, 20);
            var names = new List<string>();
            var text = new StringBuilder();
            for (var r = 0; r < rows; r++)
            {
                var members = random.Next(0, 5);
                text.Append('{');
                for (var m = 0; m < members; m++)
                {
                    var name = "m" + random.Next(8);
                    if (text[^1] != '{')
                    {
                        text.Append(',');
                    }

                    // Duplicate names within a line are legal JSON; the union takes each once.
                    if (!names.Contains(name))
                    {
                        names.Add(name);
                    }

                    text.Append('"').Append(name).Append("\":").Append(JsonValue(random, 3));
                }

                text.Append("}\n");
            }

            var valid = Encoding.UTF8.GetBytes(text.ToString());
            switch (i % 9)
            {
                case 0:
                    yield return new GeneratedFile("jsonl-valid", i, valid, Expect.Ready, new FileSchema("jsonl", rows, names));
                    break;
                case 1:
                    yield return new GeneratedFile("jsonl-huge-line", i, Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', FileInspector.MaxLineChars) + "\"}\n"), Expect.Rejected);
                    break;
                case 2:
                    var depth = random.Next(FileInspector.MaxJsonDepth + 1, 100_000);
                    yield return new GeneratedFile("jsonl-deep", i, Encoding.UTF8.GetBytes("{\"a\":" + new string('[', depth) + new string(']', depth) + "}\n"), Expect.Rejected);
                    break;
                case 3:
                    string[] surrogates = ["\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83d", "x\\udbff"];
                    var lone = surrogates[random.Next(surrogates.Length)];
                    yield return new GeneratedFile("jsonl-surrogate-name", i, Encoding.UTF8.GetBytes(text + "{\"" + lone + "\":1}\n"), Expect.Rejected);
                    break;
                case 4:
                    // A lone surrogate in a value is not recorded anywhere: either verdict is fine, no exception.
                    yield return new GeneratedFile("jsonl-surrogate-value", i, Encoding.UTF8.GetBytes(text + "{\"v\":\"\\ud800\"}\n"), Expect.Verdict);
                    break;
                case 5:
                    yield return new GeneratedFile("jsonl-invalid-utf8", i, Splice(random, valid, InvalidUtf8(random)), Expect.Rejected);
                    break;
                case 6:
                    var distinct = random.Next(FileInspector.MaxColumns + 1, 5000);
                    var lines = string.Concat(Enumerable.Range(0, distinct).Select(d => $"{{\"k{d}\":1}}\n"));
                    yield return new GeneratedFile("jsonl-too-many-columns", i, Encoding.UTF8.GetBytes(lines), Expect.Rejected);
                    break;
                case 7:
                    yield return new GeneratedFile("jsonl-not-objects", i, Encoding.UTF8.GetBytes(text + JsonValue(random, 2) + "\n"), Expect.Verdict);
                    break;
                default:
                    yield return new GeneratedFile("jsonl-mutated", i, Mutate(random, valid), Expect.Verdict);
                    break;
            }
        }
    }

    /// <summary>A FileMetaData with a random schema tree, and the schema inspection must report.</summary>
    public static (byte[] Footer, FileSchema Schema) ValidFooter(Random random)
    {
        var rows = random.NextInt64(0, long.MaxValue);
        var columns = random.Next(1, 12);
        var names = new List<string>();
        var elements = new List<(string Name, int Children)> { ("schema", columns) };
        for (var c = 0; c < columns; c++)
        {
            var name = random.Next(6) == 0 ? "列_" + c : "col_" + c + "_" + random.Next(1000);
            names.Add(name);
            AddSubtree(random, elements, name, depth: random.Next(0, 4));
        }

        var writer = new ThriftCompactWriter().BeginStruct().I32Field(1, 2);
        if (random.Next(3) == 0)
        {
            var extra = ThriftCompactWriter.RandomType(random, 3);
            writer.FieldHeader(random.Next(7, 30), extra).Value(extra, random, 3);
        }

        writer.FieldHeader(2, ThriftCompactWriter.List).ListHeader(elements.Count, ThriftCompactWriter.Struct);
        foreach (var (name, children) in elements)
        {
            writer.BeginStruct();
            if (children == 0)
            {
                writer.I32Field(1, random.Next(0, 8));
            }

            writer.I32Field(3, random.Next(0, 3)).StringField(4, name);
            if (children > 0)
            {
                writer.I32Field(5, children);
            }

            if (random.Next(4) == 0)
            {
                var extra = ThriftCompactWriter.RandomType(random, 2);
                writer.FieldHeader(random.Next(11, 40), extra).Value(extra, random, 2);
            }

            writer.EndStruct();
        }

        writer.I64Field(3, rows);
        if (random.Next(2) == 0)
        {
            // row_groups: structs with random content the inspector skips.
            var groups = random.Next(0, 4);
            writer.FieldHeader(4, ThriftCompactWriter.List).ListHeader(groups, ThriftCompactWriter.Struct);
            for (var g = 0; g < groups; g++)
            {
                writer.Value(ThriftCompactWriter.Struct, random, 4);
            }
        }

        if (random.Next(2) == 0)
        {
            writer.StringField(6, "generator " + random.Next());
        }

        return (writer.EndStruct().ToArray(), new FileSchema("parquet", rows, names));
    }

    private static void AddSubtree(Random random, List<(string Name, int Children)> elements, string name, int depth)
    {
        var children = depth == 0 ? 0 : random.Next(0, 4);
        elements.Add((name, children));
        for (var c = 0; c < children; c++)
        {
            AddSubtree(random, elements, name + "_child" + c, depth - 1);
        }
    }

    public static byte[] ParquetFile(byte[] footer)
    {
        var file = new byte[4 + 16 + footer.Length + 8];
        "PAR1"u8.CopyTo(file);
        footer.CopyTo(file, 20);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(20 + footer.Length), footer.Length);
        "PAR1"u8.CopyTo(file.AsSpan(file.Length - 4));
        return file;
    }

    private static string CsvField(Random random) => random.Next(5) switch
    {
        0 => string.Empty,
        1 => "\"quoted, with \"\"quotes\"\" and\nnewline\"",
        2 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        3 => "ünïcödé 😀",
        _ => "plain",
    };

    private static string JsonValue(Random random, int depth) => (depth <= 0 ? random.Next(5) : random.Next(7)) switch
    {
        0 => "null",
        1 => "true",
        2 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        3 => "\"s\\u00e9\\ud83d\\ude00\"",
        4 => "1.5e300",
        5 => "[" + string.Join(',', Enumerable.Range(0, random.Next(3)).Select(_ => JsonValue(random, depth - 1))) + "]",
        _ => "{\"n\":" + JsonValue(random, depth - 1) + "}",
    };

    // Overlong encodings, encoded surrogates (ED A0 80), stray continuation bytes, truncated sequences.
    private static byte[] InvalidUtf8(Random random)
    {
        byte[][] choices = [[0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80], [0xFF]];
        return choices[random.Next(choices.Length)];
    }

    private static byte[] Splice(Random random, byte[] content, byte[] insert)
    {
        var at = random.Next(content.Length + 1);
        return [.. content[..at], .. insert, .. content[at..]];
    }

    private static byte[] Mutate(Random random, byte[] content)
    {
        var bytes = content.ToList();
        for (var m = random.Next(1, 4); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            if (random.Next(2) == 0)
            {
                bytes[at] = (byte)random.Next(256);
            }
            else
            {
                bytes.RemoveAt(at);
            }
        }

        return [.. bytes];
    }
}
