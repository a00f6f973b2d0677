namespace Functions.FileStore.Tests.Generated;

/// <summary>
/// Writes Thrift compact protocol (the encoding of a Parquet footer), including what a valid
/// writer never would: any length or count, any nesting, any field type.
/// </summary>
internal sealed class ThriftCompactWriter
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

    private readonly List<byte> _bytes = [];
    private readonly Stack<int> _lastIds = new();
    private int _lastId;

    public int Length => _bytes.Count;

    public byte[] ToArray() => [.. _bytes];

    public ThriftCompactWriter FieldHeader(int id, int type)
    {
        var delta = id - _lastId;
        if (delta is > 0 and <= 15)
        {
            _bytes.Add((byte)((delta << 4) | type));
        }
        else
        {
            _bytes.Add((byte)type);
            VarInt(ZigZag(id));
        }

        _lastId = id;
        return this;
    }

    public ThriftCompactWriter BeginStruct()
    {
        _lastIds.Push(_lastId);
        _lastId = 0;
        return this;
    }

    public ThriftCompactWriter EndStruct()
    {
        _bytes.Add(0);
        _lastId = _lastIds.Pop();
        return this;
    }

    public ThriftCompactWriter I32Field(int id, int value) => FieldHeader(id, I32).VarInt(ZigZag(value));

    public ThriftCompactWriter I64Field(int id, long value) => FieldHeader(id, I64).VarInt(ZigZag(value));

    public ThriftCompactWriter StringField(int id, string value) => FieldHeader(id, Binary).Bytes(System.Text.Encoding.UTF8.GetBytes(value));

    public ThriftCompactWriter ListHeader(long count, int elementType)
    {
        if (count is >= 0 and < 15)
        {
            _bytes.Add((byte)(((int)count << 4) | elementType));
        }
        else
        {
            _bytes.Add((byte)(0xF0 | elementType));
            VarInt((ulong)count);
        }

        return this;
    }

    public ThriftCompactWriter MapHeader(ulong size, int keyType, int valueType)
    {
        VarInt(size);
        if (size > 0)
        {
            _bytes.Add((byte)((keyType << 4) | valueType));
        }

        return this;
    }

    public ThriftCompactWriter Bytes(byte[] value)
    {
        VarInt((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ThriftCompactWriter VarInt(ulong value)
    {
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            _bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);

        return this;
    }

    public ThriftCompactWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    /// <summary>A value of <paramref name="type"/> as an element of a container (booleans take a byte).</summary>
    public ThriftCompactWriter Element(int type, Random random, int depth)
    {
        switch (type)
        {
            case BoolTrue or BoolFalse:
                return Raw((byte)(random.Next(2) == 0 ? BoolTrue : BoolFalse));
            default:
                return Value(type, random, depth);
        }
    }

    /// <summary>A random value of <paramref name="type"/> (a field's value: booleans are in the header).</summary>
    public ThriftCompactWriter Value(int type, Random random, int depth)
    {
        switch (type)
        {
            case BoolTrue or BoolFalse:
                return this;
            case Byte:
                return Raw((byte)random.Next(256));
            case I16 or I32 or I64:
                return VarInt(ZigZag(random.NextInt64(long.MinValue, long.MaxValue)));
            case Double:
                var bytes = new byte[8];
                random.NextBytes(bytes);
                return Raw(bytes);
            case Binary:
                var text = new byte[random.Next(0, 24)];
                random.NextBytes(text);
                return Bytes(text);
            case List or Set:
                var elementType = RandomType(random, depth);
                var count = random.Next(0, 5);
                ListHeader(count, elementType);
                for (var i = 0; i < count; i++)
                {
                    Element(elementType, random, depth - 1);
                }

                return this;
            case Map:
                var size = random.Next(0, 4);
                var keyType = RandomType(random, depth);
                var valueType = RandomType(random, depth);
                MapHeader((ulong)size, keyType, valueType);
                for (var i = 0; i < size; i++)
                {
                    Element(keyType, random, depth - 1);
                    Element(valueType, random, depth - 1);
                }

                return this;
            default:
                BeginStruct();
                var fields = random.Next(0, 4);
                var id = 0;
                for (var i = 0; i < fields; i++)
                {
                    id += random.Next(1, 20);
                    var fieldType = RandomType(random, depth - 1);
                    FieldHeader(id, fieldType).Value(fieldType, random, depth - 1);
                }

                return EndStruct();
        }
    }

    /// <summary>Any type; only scalars once <paramref name="depth"/> is used up.</summary>
    public static int RandomType(Random random, int depth) => depth <= 0 ? random.Next(BoolTrue, Binary + 1) : random.Next(BoolTrue, Struct + 1);

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}
