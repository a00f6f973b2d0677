using System.Buffers.Binary;
using System.Text;

namespace Functions.FileStore;

/// <summary>
/// Reads a Parquet file's footer: <c>…&lt;FileMetaData&gt;&lt;length: 4 bytes LE&gt;PAR1</c>, where
/// FileMetaData is Thrift compact protocol. Only the footer is fetched (two range reads), so
/// files up to S3's 5 GiB are inspected in constant memory.
/// </summary>
internal static class ParquetFooter
{
    /// <summary>Largest footer accepted (64 MiB).</summary>
    private const int MaxFooterBytes = 64 * 1024 * 1024;

    public static async Task<InspectionResult> InspectAsync(IObjectSource source, CancellationToken cancellationToken)
    {
        if (source.Length < 12)
        {
            return InspectionResult.Rejected("The file starts like Parquet but is too short to be one.");
        }

        var tail = await source.ReadAsync(source.Length - 8, 8, cancellationToken);
        if (!tail.AsSpan(4).SequenceEqual("PAR1"u8))
        {
            return InspectionResult.Rejected("The file starts like Parquet but has no Parquet footer (truncated or not Parquet).");
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > MaxFooterBytes || footerLength > source.Length - 12)
        {
            return InspectionResult.Rejected("The Parquet footer length is invalid.");
        }

        var footer = await source.ReadAsync(source.Length - 8 - footerLength, footerLength, cancellationToken);
        try
        {
            return Decode(footer);
        }
        catch (FormatException exception)
        {
            return InspectionResult.Rejected("The Parquet footer cannot be read: " + exception.Message);
        }
    }

    private static InspectionResult Decode(byte[] footer)
    {
        var reader = new CompactReader(footer);
        long rows = -1;
        var schema = new List<(string Name, int Children)>();
        reader.ReadStruct((id, type) =>
        {
            switch (id)
            {
                case 2 when type == CompactReader.List:
                    var (count, elementType) = reader.ReadListHeader();
                    if (elementType != CompactReader.Struct)
                    {
                        throw new FormatException("schema is not a list of structs");
                    }

                    for (var i = 0; i < count; i++)
                    {
                        string? name = null;
                        var children = 0;
                        reader.ReadStruct((fid, ftype) =>
                        {
                            if (fid == 4 && ftype == CompactReader.Binary)
                            {
                                name = reader.ReadString();
                            }
                            else if (fid == 5 && ftype == CompactReader.I32)
                            {
                                children = (int)reader.ReadVarLong();
                            }
                            else
                            {
                                reader.Skip(ftype);
                            }
                        });
                        schema.Add((name ?? throw new FormatException("a schema element has no name"), children));
                    }

                    break;
                case 3 when type == CompactReader.I64:
                    rows = reader.ReadVarLong();
                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        });

        if (rows < 0 || schema.Count == 0)
        {
            return InspectionResult.Rejected("The Parquet footer has no row count or schema.");
        }

        // schema[0] is the root; its children are the top-level columns, each followed by its
        // own subtree (depth first).
        var columns = new List<string>();
        var index = 1;
        for (var c = 0; c < schema[0].Children && index < schema.Count; c++)
        {
            if (columns.Count < FileInspector.MaxColumns)
            {
                columns.Add(schema[index].Name);
            }

            index = SkipSubtree(schema, index);
        }

        return InspectionResult.Ready(new FileSchema("parquet", rows, columns));
    }

    private static int SkipSubtree(List<(string Name, int Children)> schema, int index)
    {
        var pending = 1;
        while (pending > 0 && index < schema.Count)
        {
            pending += schema[index].Children - 1;
            index++;
        }

        return index;
    }

    /// <summary>The parts of the Thrift compact protocol a FileMetaData needs.</summary>
    private sealed class CompactReader(byte[] data)
    {
        public const int BoolTrue = 1;
        public const int BoolFalse = 2;
        public const int Byte = 3;
        public const int I16 = 4;
        public const int I32 = 5;
        public const int I64 = 6;
        public const int Double = 7;
        public const int Binary = 8;
        public const int List = 9;
        public const int Set = 10;
        public const int Map = 11;
        public const int Struct = 12;
        private const int MaxNesting = 64;
        private int _position;
        private int _depth;

        public void ReadStruct(Action<int, int> field)
        {
            if (++_depth > MaxNesting)
            {
                throw new FormatException("structures nest too deeply");
            }

            var lastId = 0;
            while (true)
            {
                var header = ReadByte();
                var type = header & 0x0F;
                if (type == 0)
                {
                    break;
                }

                var delta = header >> 4;
                var id = delta == 0 ? (int)ZigZag(ReadVarULong()) : lastId + delta;
                lastId = id;
                field(id, type);
            }

            _depth--;
        }

        public (int Count, int ElementType) ReadListHeader()
        {
            var header = ReadByte();
            var count = header >> 4;
            if (count == 15)
            {
                count = checked((int)ReadVarULong());
            }

            if (count < 0 || count > data.Length)
            {
                throw new FormatException("a list is longer than the footer");
            }

            return (count, header & 0x0F);
        }

        public long ReadVarLong() => ZigZag(ReadVarULong());

        public string ReadString()
        {
            var length = checked((int)ReadVarULong());
            if (length < 0 || length > data.Length - _position)
            {
                throw new FormatException("a string runs past the footer");
            }

            var text = Encoding.UTF8.GetString(data, _position, length);
            _position += length;
            return text;
        }

        public void Skip(int type)
        {
            switch (type)
            {
                case BoolTrue or BoolFalse:
                    break;
                case Byte:
                    ReadByte();
                    break;
                case I16 or I32 or I64:
                    ReadVarULong();
                    break;
                case Double:
                    Advance(8);
                    break;
                case Binary:
                    Advance(checked((int)ReadVarULong()));
                    break;
                case List or Set:
                    var (count, elementType) = ReadListHeader();
                    for (var i = 0; i < count; i++)
                    {
                        SkipElement(elementType);
                    }

                    break;
                case Map:
                    var size = checked((int)ReadVarULong());
                    if (size > 0)
                    {
                        var types = ReadByte();
                        for (var i = 0; i < size; i++)
                        {
                            SkipElement(types >> 4);
                            SkipElement(types & 0x0F);
                        }
                    }

                    break;
                case Struct:
                    ReadStruct((_, fieldType) => Skip(fieldType));
                    break;
                default:
                    throw new FormatException($"unknown field type {type}");
            }
        }

        // Inside lists, booleans take a byte each.
        private void SkipElement(int type)
        {
            if (type is BoolTrue or BoolFalse)
            {
                ReadByte();
            }
            else
            {
                Skip(type);
            }
        }

        private byte ReadByte() => _position < data.Length ? data[_position++] : throw new FormatException("the footer ends early");

        private void Advance(int count)
        {
            if (count < 0 || count > data.Length - _position)
            {
                throw new FormatException("a value runs past the footer");
            }

            _position += count;
        }

        private ulong ReadVarULong()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = ReadByte();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }

            throw new FormatException("a varint is too long");
        }

        private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
    }
}
