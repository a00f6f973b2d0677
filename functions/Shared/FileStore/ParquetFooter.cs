using System.Buffers.Binary;
using System.Text;

namespace Functions.FileStore;

/// <summary>
/// Reads a Parquet file's footer: <c>…&lt;FileMetaData&gt;&lt;length: 4 bytes LE&gt;PAR1</c>, where
/// FileMetaData is Thrift compact protocol. Only the footer is fetched (two range reads), so
/// files up to S3's 5 GiB are inspected in constant memory. The footer is hostile input: every
/// length and count is checked against the bytes that remain before it is used, and every
/// nesting path (structs, lists, sets, maps) shares one depth budget.
/// </summary>
internal static class ParquetFooter
{
    /// <summary>Largest footer accepted (64 MiB).</summary>
    public const int MaxFooterBytes = 64 * 1024 * 1024;

    /// <summary>Deepest nesting of Thrift structures and containers accepted.</summary>
    public const int MaxNesting = 64;

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

        // Read as unsigned: a length with the top bit set is a length over 2 GiB, not a negative one.
        var footerLength = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (footerLength == 0 || footerLength > MaxFooterBytes || footerLength > source.Length - 12)
        {
            return InspectionResult.Rejected(
                $"The Parquet footer length ({footerLength} bytes) is invalid: it must be 1 to {MaxFooterBytes} bytes and fit in the file.");
        }

        var footer = await source.ReadAsync(source.Length - 8 - footerLength, (int)footerLength, cancellationToken);
        try
        {
            return InspectionResult.Ready(Decode(footer));
        }
        catch (FormatException exception)
        {
            return InspectionResult.Rejected("The Parquet footer cannot be read: " + exception.Message);
        }
    }

    /// <summary>The file's row count and top-level columns from its FileMetaData.</summary>
    /// <exception cref="FormatException">The footer is malformed.</exception>
    /// <exception cref="InvalidFileException">The columns exceed the recorded budgets.</exception>
    internal static FileSchema Decode(byte[] footer)
    {
        var reader = new CompactReader(footer);
        long rows = -1;
        var schema = new SchemaWalk();
        reader.ReadStruct((id, type) =>
        {
            switch (id)
            {
                case 2 when type == CompactReader.List:
                    if (schema.HasRoot)
                    {
                        throw new FormatException("the footer has two schemas");
                    }

                    var (count, elementType) = reader.ReadListHeader();
                    if (elementType != CompactReader.Struct)
                    {
                        throw new FormatException("the schema is not a list of structs");
                    }

                    for (var i = 0; i < count; i++)
                    {
                        schema.Read(reader, remainingElements: count - i - 1);
                    }

                    break;
                case 3 when type == CompactReader.I64:
                    rows = reader.ReadVarLong();
                    if (rows < 0)
                    {
                        throw new FormatException("the row count is negative");
                    }

                    break;
                default:
                    reader.Skip(type);
                    break;
            }
        });

        return rows < 0 || !schema.IsComplete
            ? throw new FormatException("the footer has no row count or no complete schema")
            : new FileSchema("parquet", rows, schema.Columns.Names);
    }

    /// <summary>
    /// Walks the flattened schema (the root, then each top-level column followed by its own
    /// subtree, depth first) keeping only the top-level names: nested names are skipped unread.
    /// </summary>
    private sealed class SchemaWalk
    {
        private long _pendingInSubtree;
        private int _columnsLeft;

        public bool HasRoot { get; private set; }

        /// <summary>Every column the root declares has been read, with its whole subtree.</summary>
        public bool IsComplete => HasRoot && _columnsLeft == 0 && _pendingInSubtree == 0;

        public ColumnList Columns { get; } = new(union: false);

        public void Read(CompactReader reader, int remainingElements)
        {
            var isRoot = !HasRoot;
            var isColumn = HasRoot && _pendingInSubtree == 0;
            string? name = null;
            var hasName = false;
            var children = 0;
            reader.ReadStruct((id, type) =>
            {
                if (id == 4 && type == CompactReader.Binary)
                {
                    hasName = true;
                    if (isColumn)
                    {
                        name = reader.ReadString();
                    }
                    else
                    {
                        reader.Skip(type);
                    }
                }
                else if (id == 5 && type == CompactReader.I32)
                {
                    var value = reader.ReadVarLong();
                    children = value >= 0 && value <= remainingElements
                        ? (int)value
                        : throw new FormatException("a schema element has more children than the schema has elements");
                }
                else
                {
                    reader.Skip(type);
                }
            });

            if (!hasName)
            {
                throw new FormatException("a schema element has no name");
            }

            if (isRoot)
            {
                HasRoot = true;
                _columnsLeft = children;
                return;
            }

            if (isColumn)
            {
                if (_columnsLeft-- == 0)
                {
                    throw new FormatException("the schema has more columns than its root declares");
                }

                Columns.Add(name!);
                _pendingInSubtree = children;
            }
            else
            {
                _pendingInSubtree += children - 1;
            }
        }
    }

    /// <summary>The parts of the Thrift compact protocol a FileMetaData needs, with budgets.</summary>
    internal sealed class CompactReader(byte[] data)
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
        private int _position;
        private int _depth;
        private Action<int, int>? _skipField;

        /// <summary>The deepest nesting reached so far (for tests of the budget).</summary>
        public int DeepestNesting { get; private set; }

        private int Remaining => data.Length - _position;

        public void ReadStruct(Action<int, int> field)
        {
            Enter();
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
                var id = delta == 0 ? (int)Math.Clamp(ReadVarLong(), short.MinValue, short.MaxValue) : lastId + delta;
                lastId = id;
                field(id, type);
            }

            Leave();
        }

        public (int Count, int ElementType) ReadListHeader()
        {
            var header = ReadByte();
            var elementType = header & 0x0F;
            long count = header >> 4;
            if (count == 15)
            {
                count = (long)Math.Min(ReadVarULong(), long.MaxValue);
            }

            // Every element takes at least one byte, so a count above what remains is a lie.
            if (count > Remaining)
            {
                throw new FormatException("a list claims more elements than the footer has bytes");
            }

            return ((int)count, ValidType(elementType));
        }

        public long ReadVarLong() => ZigZag(ReadVarULong());

        public string ReadString()
        {
            var length = ReadLength();
            try
            {
                var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data, _position, length);
                _position += length;
                return text;
            }
            catch (DecoderFallbackException)
            {
                throw new FormatException("a name is not valid UTF-8");
            }
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
                    Advance(ReadLength());
                    break;
                case List or Set:
                    var (count, elementType) = ReadListHeader();
                    Enter();
                    for (var i = 0; i < count; i++)
                    {
                        SkipElement(elementType);
                    }

                    Leave();
                    break;
                case Map:
                    var size = ReadVarULong();
                    if (size > 0)
                    {
                        // Each entry takes at least two bytes (a key and a value).
                        if (size > (ulong)Remaining / 2)
                        {
                            throw new FormatException("a map claims more entries than the footer has bytes");
                        }

                        var types = ReadByte();
                        var keyType = ValidType(types >> 4);
                        var valueType = ValidType(types & 0x0F);
                        Enter();
                        for (var i = 0UL; i < size; i++)
                        {
                            SkipElement(keyType);
                            SkipElement(valueType);
                        }

                        Leave();
                    }

                    break;
                case Struct:
                    // One delegate for every skipped struct: footers can hold millions of them.
                    ReadStruct(_skipField ??= (_, fieldType) => Skip(fieldType));
                    break;
                default:
                    throw new FormatException($"a field has the unknown type {type}");
            }
        }

        private static int ValidType(int type) =>
            type is >= BoolTrue and <= Struct ? type : throw new FormatException($"a container has the unknown element type {type}");

        private void Enter()
        {
            if (++_depth > MaxNesting)
            {
                throw new FormatException($"structures nest deeper than {MaxNesting} levels");
            }

            DeepestNesting = Math.Max(DeepestNesting, _depth);
        }

        private void Leave() => _depth--;

        // Inside containers, booleans take a byte each.
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

        private int ReadLength()
        {
            var length = ReadVarULong();
            return length <= (ulong)Remaining
                ? (int)length
                : throw new FormatException("a value's length runs past the end of the footer");
        }

        private byte ReadByte() => _position < data.Length ? data[_position++] : throw new FormatException("the footer ends early");

        private void Advance(int count)
        {
            if (count > Remaining)
            {
                throw new FormatException("a value runs past the end of the footer");
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

            throw new FormatException("a varint is longer than ten bytes");
        }

        private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
    }
}
