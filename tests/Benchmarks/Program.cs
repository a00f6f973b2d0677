using BenchmarkDotNet.Running;
using Functions.Benchmarks;

// "query" runs the POST /query benchmark against moto (scripts/bench.sh --query), "query-case"
// one of its cases in a process of its own; any other arguments are BenchmarkDotNet's
// (--filter, --list flat, ...), which scripts/bench.sh passes on.
if (args is ["query"])
{
    return await Functions.Benchmarks.Query.QueryBenchmark.RunAsync();
}

if (args is ["query-case", .. var caseArgs])
{
    return await Functions.Benchmarks.Query.QueryBenchmark.RunCaseAsync(caseArgs);
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());

// A benchmark that threw (its setup checks every status code) must fail the run, not print NA.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
