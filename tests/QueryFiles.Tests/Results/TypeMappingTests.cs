using Functions.QueryFiles.Sandbox;

namespace Functions.QueryFiles.Tests.Results;

/// <summary>Every DuckDB type the API returns, read from DuckDB's vectors and written as docs/query.md says.</summary>
public sealed class TypeMappingTests
{
    [Theory]
    [InlineData("SELECT true", "BOOLEAN", "true")]
    [InlineData("SELECT (-128)::TINYINT", "TINYINT", "-128")]
    [InlineData("SELECT (-32768)::SMALLINT", "SMALLINT", "-32768")]
    [InlineData("SELECT 2147483647::INTEGER", "INTEGER", "2147483647")]
    [InlineData("SELECT 9007199254740991::BIGINT", "BIGINT", "9007199254740991")]
    [InlineData("SELECT (-9007199254740991)::BIGINT", "BIGINT", "-9007199254740991")]
    [InlineData("SELECT 9007199254740992::BIGINT", "BIGINT", "\"9007199254740992\"")]
    [InlineData("SELECT (-9223372036854775808)::BIGINT", "BIGINT", "\"-9223372036854775808\"")]
    [InlineData("SELECT 255::UTINYINT", "UTINYINT", "255")]
    [InlineData("SELECT 65535::USMALLINT", "USMALLINT", "65535")]
    [InlineData("SELECT 4294967295::UINTEGER", "UINTEGER", "4294967295")]
    [InlineData("SELECT 18446744073709551615::UBIGINT", "UBIGINT", "\"18446744073709551615\"")]
    [InlineData("SELECT 42::UBIGINT", "UBIGINT", "42")]
    [InlineData("SELECT 170141183460469231731687303715884105727::HUGEINT", "HUGEINT", "\"170141183460469231731687303715884105727\"")]
    [InlineData("SELECT (-12)::HUGEINT", "HUGEINT", "-12")]
    [InlineData("SELECT 340282366920938463463374607431768211455::UHUGEINT", "UHUGEINT", "\"340282366920938463463374607431768211455\"")]
    [InlineData("SELECT 0.1::FLOAT", "FLOAT", "0.1")]
    [InlineData("SELECT 0.1::DOUBLE", "DOUBLE", "0.1")]
    [InlineData("SELECT 'NaN'::DOUBLE", "DOUBLE", "\"NaN\"")]
    [InlineData("SELECT 'Infinity'::DOUBLE", "DOUBLE", "\"Infinity\"")]
    [InlineData("SELECT '-Infinity'::FLOAT", "FLOAT", "\"-Infinity\"")]
    [InlineData("SELECT 129.5::DECIMAL(5,2)", "DECIMAL(5,2)", "\"129.50\"")]
    [InlineData("SELECT (-0.05)::DECIMAL(9,3)", "DECIMAL(9,3)", "\"-0.050\"")]
    [InlineData("SELECT 1234567890123456.78::DECIMAL(18,2)", "DECIMAL(18,2)", "\"1234567890123456.78\"")]
    [InlineData("SELECT 12345678901234567890123456789012345.678::DECIMAL(38,3)", "DECIMAL(38,3)", "\"12345678901234567890123456789012345.678\"")]
    [InlineData("SELECT 7::DECIMAL(10,0)", "DECIMAL(10,0)", "\"7\"")]
    [InlineData("SELECT 'short'", "VARCHAR", "\"short\"")]
    [InlineData("SELECT 'longer than twelve bytes, stored out of line'", "VARCHAR", "\"longer than twelve bytes, stored out of line\"")]
    [InlineData("SELECT 'quote \" backslash \\ tab \t'", "VARCHAR", "\"quote \\\" backslash \\\\ tab \\t\"")]
    [InlineData("SELECT 'ÿ 😀'", "VARCHAR", "\"ÿ 😀\"")]
    [InlineData("SELECT '\\x00\\xFFab'::BLOB", "BLOB", "\"AP9hYg==\"")]
    [InlineData("SELECT DATE '2026-11-21'", "DATE", "\"2026-11-21\"")]
    [InlineData("SELECT DATE '1969-12-31'", "DATE", "\"1969-12-31\"")]
    [InlineData("SELECT DATE '0001-01-01'", "DATE", "\"0001-01-01\"")]
    [InlineData("SELECT DATE '0001-01-01 (BC)'", "DATE", "\"0000-01-01\"")]
    [InlineData("SELECT DATE '12345-06-07'", "DATE", "\"+12345-06-07\"")]
    [InlineData("SELECT 'infinity'::DATE", "DATE", "\"infinity\"")]
    [InlineData("SELECT '-infinity'::DATE", "DATE", "\"-infinity\"")]
    [InlineData("SELECT TIME '09:30:00'", "TIME", "\"09:30:00\"")]
    [InlineData("SELECT TIME '23:59:59.123456'", "TIME", "\"23:59:59.123456\"")]
    [InlineData("SELECT TIMETZ '12:34:56.5+02:00'", "TIME WITH TIME ZONE", "\"12:34:56.5+02:00\"")]
    [InlineData("SELECT TIMETZ '12:00:00-05:30'", "TIME WITH TIME ZONE", "\"12:00:00-05:30\"")]
    [InlineData("SELECT TIMESTAMP '2026-11-21 09:30:00'", "TIMESTAMP", "\"2026-11-21T09:30:00\"")]
    [InlineData("SELECT TIMESTAMP '1969-12-31 23:59:59.999999'", "TIMESTAMP", "\"1969-12-31T23:59:59.999999\"")]
    [InlineData("SELECT 'infinity'::TIMESTAMP", "TIMESTAMP", "\"infinity\"")]
    [InlineData("SELECT TIMESTAMP_S '2026-11-21 09:30:01'", "TIMESTAMP_S", "\"2026-11-21T09:30:01\"")]
    [InlineData("SELECT TIMESTAMP_MS '2026-11-21 09:30:01.25'", "TIMESTAMP_MS", "\"2026-11-21T09:30:01.25\"")]
    [InlineData("SELECT TIMESTAMP_NS '2026-11-21 09:30:01.123456789'", "TIMESTAMP_NS", "\"2026-11-21T09:30:01.123456789\"")]
    [InlineData("SELECT TIMESTAMPTZ '2026-11-21 10:30:00+01:00'", "TIMESTAMP WITH TIME ZONE", "\"2026-11-21T09:30:00Z\"")]
    [InlineData("SELECT INTERVAL '1 year 2 months 3 days 04:05:06.5'", "INTERVAL", "{\"months\":14,\"days\":3,\"micros\":14706500000}")]
    [InlineData("SELECT INTERVAL '-1 day'", "INTERVAL", "{\"months\":0,\"days\":-1,\"micros\":0}")]
    [InlineData("SELECT '8a3d1f0e-5b6c-4d7e-9f80-a1b2c3d4e5f6'::UUID", "UUID", "\"8a3d1f0e-5b6c-4d7e-9f80-a1b2c3d4e5f6\"")]
    [InlineData("SELECT '00000000-0000-0000-0000-000000000001'::UUID", "UUID", "\"00000000-0000-0000-0000-000000000001\"")]
    [InlineData("SELECT [1, NULL, 3]", "INTEGER[]", "[1,null,3]")]
    [InlineData("SELECT [['a'], [], ['b', 'c']]", "VARCHAR[][]", "[[\"a\"],[],[\"b\",\"c\"]]")]
    [InlineData("SELECT [1, 2, 3]::INTEGER[3]", "INTEGER[3]", "[1,2,3]")]
    [InlineData("SELECT {'a': 1, 'b': 'x', 'c': [true]}", "STRUCT(\"a\" INTEGER, \"b\" VARCHAR, \"c\" BOOLEAN[])", "{\"a\":1,\"b\":\"x\",\"c\":[true]}")]
    [InlineData("SELECT MAP {'k1': 1.5, 'k2': NULL}", "MAP(VARCHAR, DECIMAL(2,1))", "[{\"key\":\"k1\",\"value\":\"1.5\"},{\"key\":\"k2\",\"value\":null}]")]
    [InlineData("SELECT union_value(num := 2)::UNION(num INTEGER, str VARCHAR)", "UNION(\"num\" INTEGER, \"str\" VARCHAR)", "2")]
    [InlineData("SELECT 'sad'::ENUM('sad', 'ok', 'happy')", "ENUM", "\"sad\"")]
    [InlineData("SELECT NULL", "INTEGER", "null")]
    [InlineData("SELECT NULL::INTEGER", "INTEGER", "null")]
    public void Value_OfEachType_IsWrittenAsDocumented(string sql, string type, string json)
    {
        DuckDbRunner.TypeOf(sql).Should().Be(type);
        DuckDbRunner.Value(sql).Should().Be(json);
    }

    [Fact]
    public void Values_AcrossChunksWithNulls_KeepTheirRowsAndValidity()
    {
        // 5,000 rows span several of DuckDB's 2,048-row vectors; every third is NULL.
        var result = DuckDbRunner.Json("SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS v, [i, i + 1] AS l FROM range(5000) t(i) ORDER BY i");

        var rows = result.GetProperty("rows").EnumerateArray().ToList();
        rows.Should().HaveCount(5000);
        rows[4099][0].GetInt64().Should().Be(4099);
        rows[4098][0].ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        rows[4999][1].GetRawText().Should().Be("[4999,5000]");
    }

    [Theory]
    [InlineData("SELECT chr(55296)")]
    [InlineData("SELECT '\\xFF'::BLOB::VARCHAR")]
    public void Value_TextDuckDbCannotHoldOrRefuses_NeverBreaksTheResponse(string sql)
    {
        var act = () => DuckDbRunner.Run(sql);

        // Either DuckDB refuses the value (its error, a 400 in the function) or it is written as text.
        act.Should().NotThrow<ArgumentException>();
    }

    [Theory]
    [InlineData("SELECT '101'::BIT", "BIT")]
    [InlineData("SELECT [('1'::BIT)]", "BIT")]
    public void Column_OfATypeResponsesCannotCarry_IsNamedByTheCheck(string sql, string type)
    {
        using var work = WorkDirectory.Create(DuckDbRunner.Root);
        using var session = QuerySession.Open(work, DuckDbRunner.Settings);
        using var statements = session.Extract(sql);
        using var prepared = session.Prepare(statements);
        using var result = session.Execute(prepared);

        result.Columns[0].Shape.Unsupported.Should().Be(type);
    }
}
