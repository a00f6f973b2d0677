using System.Globalization;
using Xunit.Abstractions;

namespace Functions.FileStore.Tests.Generated;

/// <summary>
/// 39,001 generated hostile files through the inspector (with the default seed; another seed
/// draws other lengths, so another count, never under 20,000): each ends ready (with exactly the
/// schema it was built with, where known) or rejected with a reason; none throws; none allocates
/// beyond its budget. Replay with INSPECTOR_SEED=&lt;seed&gt; (the failure message names it).
/// </summary>
public sealed class GeneratedFileTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261201;

    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("INSPECTOR_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
        ? seed
        : DefaultSeed;

    [Fact]
    public async Task Inspect_EveryGeneratedFile_EndsInAVerdictWithinItsBudget()
    {
        var failures = new List<string>();
        var verdicts = new SortedDictionary<string, (int Ready, int Rejected)>(StringComparer.Ordinal);
        var total = 0;
        var worstRatio = 0.0;
        foreach (var file in HostileFiles.All(Seed))
        {
            total++;
            var (result, error, allocated) = await InspectMeasured(file.Content);
            var budget = Budget(file.Content.Length);
            worstRatio = Math.Max(worstRatio, (double)allocated / budget);
            var problem = error is not null ? "threw " + error
                : result!.Schema is null == result.Reason is null ? "has both or neither of schema and reason"
                : file.Expect == Expect.Ready && result.Schema is null ? "was rejected: " + result.Reason
                : file.Expect == Expect.Ready && file.Schema is { } expected && !SameSchema(expected, result.Schema!) ? "read a different schema"
                : file.Expect == Expect.Rejected && result.Reason is null ? "was accepted"
                : result.Reason is { Length: 0 or > 1000 } ? "has a reason that is empty or over 1,000 characters"
                : allocated > budget ? $"allocated {allocated:N0} bytes, over its budget of {budget:N0}"
                : null;
            if (problem is not null && failures.Count < 20)
            {
                failures.Add($"{file.Kind} #{file.Index} (seed {Seed}, {file.Content.Length} bytes) {problem}");
            }

            var counts = verdicts.GetValueOrDefault(file.Kind);
            verdicts[file.Kind] = result?.Schema is null ? (counts.Ready, counts.Rejected + 1) : (counts.Ready + 1, counts.Rejected);
        }

        foreach (var (kind, (ready, rejected)) in verdicts)
        {
            output.WriteLine($"{kind,-28} ready {ready,6}  rejected {rejected,6}");
        }

        output.WriteLine($"{total} files, seed {Seed}; largest share of the allocation budget used: {worstRatio:P0}");
        failures.Should().BeEmpty();
        total.Should().BeGreaterThanOrEqualTo(20_000);
        if (Seed == DefaultSeed)
        {
            total.Should().Be(39_001, "docs/files.md and README.md give this count for the default seed");
        }
    }

    // Memory budget: the content is held once by the test; inspection may allocate a small
    // multiple of it (a line as UTF-16 text and its JSON document) plus fixed buffers.
    private static long Budget(int contentBytes) => (12L * contentBytes) + (2L * 1024 * 1024);

    private static async Task<(InspectionResult? Result, string? Error, long Allocated)> InspectMeasured(byte[] content)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            // In-memory sources complete synchronously, so every allocation is on this thread.
            var task = FileInspector.InspectAsync(new MemoryObjectSource(content), CancellationToken.None);
            var completedInline = task.IsCompleted;
            var result = await task;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            return completedInline ? (result, null, allocated) : (result, "completed asynchronously: the allocation figure is not this file's", allocated);
        }
        catch (Exception exception)
        {
            return (null, exception.GetType().Name + ": " + exception.Message, 0);
        }
    }

    private static bool SameSchema(FileSchema expected, FileSchema actual) =>
        expected.Format == actual.Format && expected.Rows == actual.Rows && expected.Columns.SequenceEqual(actual.Columns);
}
