using System.Globalization;
using DuckDB.NET.Native;

namespace Functions.QueryFiles.Results;

/// <summary>
/// A column's DuckDB type, read once from its logical type: what the reader needs per value
/// (decimal scale, enum dictionary, children of nested types) and the type's SQL name for the
/// response's <c>columns</c>.
/// </summary>
public sealed class ColumnShape
{
    // DuckDB ids the bindings' enumeration does not name yet.
    private const DuckDBType TimeNs = (DuckDBType)39;

    private ColumnShape(DuckDBType type, string name)
    {
        Type = type;
        Name = name;
    }

    /// <summary>DuckDB's type id.</summary>
    public DuckDBType Type { get; }

    /// <summary>The SQL name, e.g. <c>DECIMAL(18,2)</c>, <c>VARCHAR[]</c>, <c>STRUCT(a INTEGER)</c>.</summary>
    public string Name { get; }

    /// <summary>DECIMAL and ENUM: the integer type the values are stored as.</summary>
    public DuckDBType Storage { get; private init; }

    /// <summary>DECIMAL: digits after the point.</summary>
    public int Scale { get; private init; }

    /// <summary>ENUM: the values by index.</summary>
    public IReadOnlyList<string> EnumValues { get; private init; } = [];

    /// <summary>LIST, ARRAY, MAP, STRUCT, UNION: the children (a MAP has one: its key/value STRUCT).</summary>
    public IReadOnlyList<ColumnShape> Children { get; private init; } = [];

    /// <summary>STRUCT and UNION: the children's names.</summary>
    public IReadOnlyList<string> ChildNames { get; private init; } = [];

    /// <summary>ARRAY: the fixed number of elements.</summary>
    public long ArraySize { get; private init; }

    /// <summary>The first type in this one (itself or nested) that responses cannot carry, or null.</summary>
    public string? Unsupported => IsSupported(Type) ? Children.Select(c => c.Unsupported).FirstOrDefault(u => u is not null) : Name;

    /// <summary>Reads <paramref name="type"/> (the caller keeps ownership of it).</summary>
    public static ColumnShape From(DuckDBLogicalType type)
    {
        var id = NativeMethods.LogicalType.DuckDBGetTypeId(type);
        switch (id)
        {
            case DuckDBType.Decimal:
                {
                    var width = NativeMethods.LogicalType.DuckDBDecimalWidth(type);
                    var scale = NativeMethods.LogicalType.DuckDBDecimalScale(type);
                    return new ColumnShape(id, $"DECIMAL({width},{scale})")
                    {
                        Storage = NativeMethods.LogicalType.DuckDBDecimalInternalType(type),
                        Scale = scale,
                    };
                }

            case DuckDBType.Enum:
                {
                    var size = NativeMethods.LogicalType.DuckDBEnumDictionarySize(type);
                    var values = new string[size];
                    for (var i = 0; i < values.Length; i++)
                    {
                        values[i] = NativeMethods.LogicalType.DuckDBEnumDictionaryValue(type, i);
                    }

                    return new ColumnShape(id, "ENUM") { Storage = NativeMethods.LogicalType.DuckDBEnumInternalType(type), EnumValues = values };
                }

            case DuckDBType.List:
                {
                    using var child = NativeMethods.LogicalType.DuckDBListTypeChildType(type);
                    var element = From(child);
                    return new ColumnShape(id, element.Name + "[]") { Children = [element] };
                }

            case DuckDBType.Array:
                {
                    using var child = NativeMethods.LogicalType.DuckDBArrayTypeChildType(type);
                    var element = From(child);
                    var size = NativeMethods.LogicalType.DuckDBArrayVectorGetSize(type);
                    return new ColumnShape(id, $"{element.Name}[{size}]") { Children = [element], ArraySize = size };
                }

            case DuckDBType.Map:
                {
                    using var key = NativeMethods.LogicalType.DuckDBMapTypeKeyType(type);
                    using var value = NativeMethods.LogicalType.DuckDBMapTypeValueType(type);
                    var keyShape = From(key);
                    var valueShape = From(value);
                    var entry = new ColumnShape(DuckDBType.Struct, "STRUCT") { Children = [keyShape, valueShape], ChildNames = ["key", "value"] };
                    return new ColumnShape(id, $"MAP({keyShape.Name}, {valueShape.Name})") { Children = [entry] };
                }

            case DuckDBType.Struct or DuckDBType.Union:
                {
                    var count = NativeMethods.LogicalType.DuckDBStructTypeChildCount(type);
                    var names = new string[count];
                    var children = new ColumnShape[count];
                    for (var i = 0; i < count; i++)
                    {
                        names[i] = NativeMethods.LogicalType.DuckDBStructTypeChildName(type, i);
                        using var child = NativeMethods.LogicalType.DuckDBStructTypeChildType(type, i);
                        children[i] = From(child);
                    }

                    // A UNION is stored as a STRUCT whose first child is the member tag.
                    var members = id == DuckDBType.Union ? Enumerable.Range(1, names.Length - 1) : Enumerable.Range(0, names.Length);
                    var keyword = id == DuckDBType.Union ? "UNION" : "STRUCT";
                    var name = $"{keyword}({string.Join(", ", members.Select(i => $"{Quote(names[i])} {children[i].Name}"))})";
                    return new ColumnShape(id, name) { Children = children, ChildNames = names };
                }

            default:
                return new ColumnShape(id, NameOf(id));
        }
    }

    private static bool IsSupported(DuckDBType type) => type is not (DuckDBType.Bit or DuckDBType.VarInt or DuckDBType.Any or DuckDBType.Invalid)
        && Enum.IsDefined(type) && type != TimeNs;

    private static string NameOf(DuckDBType type) => type switch
    {
        DuckDBType.Boolean => "BOOLEAN",
        DuckDBType.TinyInt => "TINYINT",
        DuckDBType.SmallInt => "SMALLINT",
        DuckDBType.Integer => "INTEGER",
        DuckDBType.BigInt => "BIGINT",
        DuckDBType.HugeInt => "HUGEINT",
        DuckDBType.UnsignedTinyInt => "UTINYINT",
        DuckDBType.UnsignedSmallInt => "USMALLINT",
        DuckDBType.UnsignedInteger => "UINTEGER",
        DuckDBType.UnsignedBigInt => "UBIGINT",
        DuckDBType.UnsignedHugeInt => "UHUGEINT",
        DuckDBType.Float => "FLOAT",
        DuckDBType.Double => "DOUBLE",
        DuckDBType.Varchar => "VARCHAR",
        DuckDBType.Blob => "BLOB",
        DuckDBType.Date => "DATE",
        DuckDBType.Time => "TIME",
        DuckDBType.TimeTz => "TIME WITH TIME ZONE",
        DuckDBType.Timestamp => "TIMESTAMP",
        DuckDBType.TimestampS => "TIMESTAMP_S",
        DuckDBType.TimestampMs => "TIMESTAMP_MS",
        DuckDBType.TimestampNs => "TIMESTAMP_NS",
        DuckDBType.TimestampTz => "TIMESTAMP WITH TIME ZONE",
        DuckDBType.Interval => "INTERVAL",
        DuckDBType.Uuid => "UUID",
        DuckDBType.SqlNull => "NULL",
        DuckDBType.Bit => "BIT",
        DuckDBType.VarInt => "BIGNUM",
        TimeNs => "TIME_NS",
        _ => "type " + ((int)type).ToString(CultureInfo.InvariantCulture),
    };

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
