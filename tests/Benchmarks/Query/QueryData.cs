using System.Globalization;
using System.Text;
using DuckDB.NET.Native;

namespace Functions.Benchmarks.Query;

/// <summary>
/// The benchmark's generated data, the same on every run: a 100,000-row CSV of orders and a
/// 1,000,000-row Parquet file of events that refer to them (written by DuckDB itself).
/// </summary>
internal static class QueryData
{
    public const int OrderRows = 100_000;
    public const int EventRows = 1_000_000;

    private static readonly string[] Regions = ["north", "south", "east", "west", "central"];

    /// <summary><c>order_id,customer_id,region,amount,ordered_on</c>, amounts with two decimals.</summary>
    public static byte[] OrdersCsv()
    {
        var random = new Random(20261201);
        var text = new StringBuilder(OrderRows * 40).Append("order_id,customer_id,region,amount,ordered_on\n");
        var start = new DateOnly(2026, 1, 1);
        for (var i = 0; i < OrderRows; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"{i},{random.Next(10_000)},{Regions[random.Next(Regions.Length)]},{random.Next(100, 100_000) / 100.0:0.00},{start.AddDays(random.Next(365)):yyyy-MM-dd}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary><c>event_id, order_id, kind, value, at</c>, written as Parquet by an unsandboxed DuckDB of the benchmark's own.</summary>
    public static byte[] EventsParquet()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bench-events-{Guid.NewGuid():N}.parquet");
        NativeMethods.Startup.DuckDBOpen(null, out var database);
        using (database)
        {
            NativeMethods.Startup.DuckDBConnect(database, out var connection);
            using (connection)
            {
                var sql = $"""
                    COPY (
                      SELECT i AS event_id, (hash(i) % {OrderRows})::BIGINT AS order_id,
                             ['view', 'cart', 'buy', 'return'][(i % 4) + 1] AS kind,
                             (hash(i * 7) % 100000) / 100.0 AS value,
                             TIMESTAMP '2026-01-01' + to_seconds(i * 31) AS happened_at
                      FROM range({EventRows}) t(i)
                    ) TO '{path}' (FORMAT parquet)
                    """;
                if (NativeMethods.Query.DuckDBQuery(connection, sql, out var result) != DuckDBState.Success)
                {
                    var error = NativeMethods.Query.DuckDBResultError(ref result);
                    result.Close();
                    throw new InvalidOperationException("Generating the Parquet file failed: " + error);
                }

                result.Close();
            }
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
