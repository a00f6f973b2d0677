using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using DuckDB.NET.Native;

namespace Functions.QueryFiles.Results;

/// <summary>
/// Writes one value of a result vector as JSON, read in place from DuckDB's memory. The type
/// mapping is documented in docs/query.md: integers are numbers while a JavaScript double holds
/// them exactly (±9,007,199,254,740,991) and decimal strings beyond; DECIMAL is a string with
/// exactly its scale's digits; FLOAT/DOUBLE are numbers, NaN and ±Infinity strings; dates and
/// times ISO 8601 strings; BLOB base64; UUID its text; INTERVAL
/// <c>{"months","days","micros"}</c>; LIST/ARRAY arrays; STRUCT objects; MAP an array of
/// <c>{"key","value"}</c>; UNION its member's value; ENUM its label.
/// </summary>
public static unsafe class ValueWriter
{
    /// <summary>The largest integer a JSON number carries exactly into a JavaScript double (2^53 − 1).</summary>
    public const long MaxSafeInteger = 9_007_199_254_740_991;

    private const long MicrosPerDay = 86_400_000_000;

    /// <summary>Writes row <paramref name="row"/> of <paramref name="vector"/> (of type <paramref name="shape"/>).</summary>
    public static void Write(Utf8JsonWriter writer, ColumnShape shape, IntPtr vector, ulong row)
    {
        var validity = NativeMethods.Vectors.DuckDBVectorGetValidity(vector);
        if (shape.Type == DuckDBType.SqlNull || (validity != null && (validity[row / 64] & (1UL << (int)(row % 64))) == 0))
        {
            writer.WriteNullValue();
            return;
        }

        var data = (byte*)NativeMethods.Vectors.DuckDBVectorGetData(vector);
        switch (shape.Type)
        {
            case DuckDBType.Boolean:
                writer.WriteBooleanValue(data[row] != 0);
                break;
            case DuckDBType.TinyInt:
                writer.WriteNumberValue(((sbyte*)data)[row]);
                break;
            case DuckDBType.SmallInt:
                writer.WriteNumberValue(((short*)data)[row]);
                break;
            case DuckDBType.Integer:
                writer.WriteNumberValue(((int*)data)[row]);
                break;
            case DuckDBType.BigInt:
                Integer(writer, ((long*)data)[row]);
                break;
            case DuckDBType.UnsignedTinyInt:
                writer.WriteNumberValue(data[row]);
                break;
            case DuckDBType.UnsignedSmallInt:
                writer.WriteNumberValue(((ushort*)data)[row]);
                break;
            case DuckDBType.UnsignedInteger:
                writer.WriteNumberValue(((uint*)data)[row]);
                break;
            case DuckDBType.UnsignedBigInt:
                Integer(writer, ((ulong*)data)[row]);
                break;
            case DuckDBType.HugeInt:
                Integer(writer, ((Int128*)data)[row]);
                break;
            case DuckDBType.UnsignedHugeInt:
                Integer(writer, ((UInt128*)data)[row]);
                break;
            case DuckDBType.Float:
                Real(writer, ((float*)data)[row]);
                break;
            case DuckDBType.Double:
                Real(writer, ((double*)data)[row]);
                break;
            case DuckDBType.Decimal:
                writer.WriteStringValue(Decimal(Stored(shape.Storage, data, row), shape.Scale));
                break;
            case DuckDBType.Varchar:
                Text(writer, Bytes(data, row));
                break;
            case DuckDBType.Blob:
                writer.WriteBase64StringValue(Bytes(data, row));
                break;
            case DuckDBType.Enum:
                writer.WriteStringValue(shape.EnumValues[(int)Stored(shape.Storage, data, row)]);
                break;
            case DuckDBType.Date:
                writer.WriteStringValue(Temporal.Date(((int*)data)[row]));
                break;
            case DuckDBType.Time:
                writer.WriteStringValue(Temporal.Time(((long*)data)[row] * 1000, 6));
                break;
            case DuckDBType.TimeTz:
                writer.WriteStringValue(Temporal.TimeWithZone(((ulong*)data)[row]));
                break;
            case DuckDBType.Timestamp:
                writer.WriteStringValue(Temporal.Timestamp(((long*)data)[row], 1_000, 6, utc: false));
                break;
            case DuckDBType.TimestampS:
                writer.WriteStringValue(Temporal.Timestamp(((long*)data)[row], 1_000_000_000, 0, utc: false));
                break;
            case DuckDBType.TimestampMs:
                writer.WriteStringValue(Temporal.Timestamp(((long*)data)[row], 1_000_000, 3, utc: false));
                break;
            case DuckDBType.TimestampNs:
                writer.WriteStringValue(Temporal.Timestamp(((long*)data)[row], 1, 9, utc: false));
                break;
            case DuckDBType.TimestampTz:
                writer.WriteStringValue(Temporal.Timestamp(((long*)data)[row], 1_000, 6, utc: true));
                break;
            case DuckDBType.Interval:
                var interval = data + (row * 16);
                writer.WriteStartObject();
                writer.WriteNumber("months", *(int*)interval);
                writer.WriteNumber("days", *(int*)(interval + 4));
                writer.WriteNumber("micros", *(long*)(interval + 8));
                writer.WriteEndObject();
                break;
            case DuckDBType.Uuid:
                writer.WriteStringValue(Uuid(((Int128*)data)[row]));
                break;
            case DuckDBType.List or DuckDBType.Map:
                var entry = ((DuckDBListEntry*)data)[row];
                List(writer, shape.Children[0], NativeMethods.Vectors.DuckDBListVectorGetChild(vector), entry.Offset, entry.Length);
                break;
            case DuckDBType.Array:
                var size = (ulong)shape.ArraySize;
                List(writer, shape.Children[0], NativeMethods.Vectors.DuckDBArrayVectorGetChild(vector), row * size, size);
                break;
            case DuckDBType.Struct:
                writer.WriteStartObject();
                for (var i = 0; i < shape.Children.Count; i++)
                {
                    writer.WritePropertyName(shape.ChildNames[i]);
                    Write(writer, shape.Children[i], NativeMethods.Vectors.DuckDBStructVectorGetChild(vector, i), row);
                }

                writer.WriteEndObject();
                break;
            case DuckDBType.Union:
                var tag = ((byte*)NativeMethods.Vectors.DuckDBVectorGetData(NativeMethods.Vectors.DuckDBStructVectorGetChild(vector, 0)))[row];
                Write(writer, shape.Children[tag + 1], NativeMethods.Vectors.DuckDBStructVectorGetChild(vector, tag + 1), row);
                break;
            default:
                throw new NotSupportedException($"Values of type {shape.Name} are not read (the column check refuses them first).");
        }
    }

    private static void List(Utf8JsonWriter writer, ColumnShape element, IntPtr child, ulong offset, ulong length)
    {
        writer.WriteStartArray();
        for (var i = offset; i < offset + length; i++)
        {
            Write(writer, element, child, i);
        }

        writer.WriteEndArray();
    }

    private static void Integer<T>(Utf8JsonWriter writer, T value)
        where T : IBinaryInteger<T>
    {
        // Saturating: a value beyond long's range lands outside the safe range too.
        var clamped = long.CreateSaturating(value);
        if (clamped is >= -MaxSafeInteger and <= MaxSafeInteger)
        {
            writer.WriteNumberValue(clamped);
        }
        else
        {
            writer.WriteStringValue(value.ToString(null, CultureInfo.InvariantCulture));
        }
    }

    private static void Real(Utf8JsonWriter writer, double value)
    {
        if (double.IsNaN(value))
        {
            writer.WriteStringValue("NaN");
        }
        else if (double.IsInfinity(value))
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    private static void Real(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            // The float's own shortest form: widening to double would print 0.1f as 0.10000000149011612.
            writer.WriteNumberValue(value);
        }
        else
        {
            Real(writer, (double)value);
        }
    }

    private static Int128 Stored(DuckDBType storage, byte* data, ulong row) => storage switch
    {
        DuckDBType.SmallInt => ((short*)data)[row],
        DuckDBType.Integer => ((int*)data)[row],
        DuckDBType.BigInt => ((long*)data)[row],
        DuckDBType.HugeInt => ((Int128*)data)[row],
        DuckDBType.UnsignedTinyInt => data[row],
        DuckDBType.UnsignedSmallInt => ((ushort*)data)[row],
        DuckDBType.UnsignedInteger => ((uint*)data)[row],
        _ => throw new NotSupportedException($"Unexpected storage type {storage}."),
    };

    /// <summary>The exact decimal text of <paramref name="unscaled"/> × 10^−<paramref name="scale"/>.</summary>
    internal static string Decimal(Int128 unscaled, int scale)
    {
        var digits = Int128.Abs(unscaled).ToString(CultureInfo.InvariantCulture);
        var sign = unscaled < 0 ? "-" : string.Empty;
        if (scale == 0)
        {
            return sign + digits;
        }

        digits = digits.PadLeft(scale + 1, '0');
        return $"{sign}{digits[..^scale]}.{digits[^scale..]}";
    }

    // DuckDB checks VARCHAR is UTF-8 where text enters it; should a value still not be, its
    // invalid bytes become U+FFFD rather than the response failing.
    private static void Text(Utf8JsonWriter writer, ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            writer.WriteStringValue(utf8);
        }
        else
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(utf8));
        }
    }

    private static ReadOnlySpan<byte> Bytes(byte* data, ulong row)
    {
        // duckdb_string_t: a 4-byte length, then up to 12 bytes inline or a 4-byte prefix and a pointer.
        var value = data + (row * 16);
        var length = *(uint*)value;
        var bytes = length <= 12 ? value + 4 : *(byte**)(value + 8);
        return new ReadOnlySpan<byte>(bytes, (int)length);
    }

    private static string Uuid(Int128 stored)
    {
        // DuckDB stores a UUID as a HUGEINT with the top bit flipped, so that they sort as text.
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt128BigEndian(bytes, stored ^ (Int128.One << 127));
        var hex = Convert.ToHexStringLower(bytes);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
