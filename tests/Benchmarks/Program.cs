using BenchmarkDotNet.Running;
using Functions.Benchmarks;

// Arguments are BenchmarkDotNet's (--filter, --list flat, ...); scripts/bench.sh passes them on.
var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());

// A benchmark that threw (its setup checks every status code) must fail the run, not print NA.
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
