#!/usr/bin/env bash
# Runs the BenchmarkDotNet benchmarks in tests/Benchmarks (Release) and prints the summary
# table: mean, median, P99 and allocated bytes per operation. See docs/performance.md.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"

usage() {
  cat <<USAGE
Usage: scripts/bench.sh [--filter PATTERN]... [-- BENCHMARKDOTNET-ARGS...]
       scripts/bench.sh --query
       scripts/bench.sh --local-cloud [--aot] [--requests N]

Builds tests/Benchmarks in Release, runs the benchmarks and prints BenchmarkDotNet's summary
table (GitHub markdown). A full run takes about 1.5 minutes on a 2-core machine.

  --filter PATTERN   only benchmarks whose full name matches the glob, e.g.
                     '*Create_200B*' or '*CreateEventBenchmarks*' (repeatable;
                     default: all). Passed to BenchmarkDotNet's --filter.
  -- ARGS...         anything after -- goes to BenchmarkDotNet as is (e.g. --list flat).
  --query            instead: POST /query end to end against a moto_server of its own, on
                     generated data (a 100,000-row CSV, a 1,000,000-row Parquet file); each
                     query in a fresh process: first call, 20 warm calls (p50/p99, also the
                     query alone), peak RSS. Prints a markdown table; about 2 minutes.
  --local-cloud      instead: starts the local cloud (scripts/local.sh, on a free port, state
                     in .local/bench), sends N warm SigV4-signed requests (default 1,000; GET
                     /events, GET /objects, POST /events in turn) and prints the overhead its
                     gateway adds (p50/p99, from its request log lines) and each function's cold
                     start; --aot runs the Native AOT packages. Stops everything it started.
  -h, --help         this text.

The job is deliberately short (1 launch; 4 s settling, 10 warmup and 30 measured iterations
of ~250 ms per benchmark): good for comparing changes on one machine, not for publishing
absolute numbers. The full log and every exported report stay in BenchmarkDotNet.Artifacts/
(git-ignored).
USAGE
}

filters=()
extra=()
query=0
local_cloud=0
aot=()
requests=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --query) query=1; shift ;;
    --local-cloud) local_cloud=1; shift ;;
    --aot) aot=(--aot); shift ;;
    --requests)
      [[ "${2:-}" =~ ^[1-9][0-9]{0,5}$ ]] || die "--requests needs a count from 1 to 999999"
      requests="$2"; shift 2 ;;
    --filter)
      [[ $# -ge 2 && -n "$2" ]] || { usage >&2; die "--filter needs a pattern"; }
      filters+=("$2"); shift 2 ;;
    --filter=*)
      [[ -n "${1#--filter=}" ]] || { usage >&2; die "--filter needs a pattern"; }
      filters+=("${1#--filter=}"); shift ;;
    --) shift; extra=("$@"); break ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ ${#filters[@]} -gt 0 ]] || filters=("*")

require_dotnet

if [[ $local_cloud -eq 1 ]]; then
  [[ $query -eq 0 && ${#extra[@]} -eq 0 && ${#filters[@]} -eq 1 && "${filters[0]}" == "*" ]] || die "--local-cloud takes only --aot and --requests"
  require_python
  state="$REPO_ROOT/.local/bench"
  port="$(free_port)"
  rm -f "$state/localcloud.ready"
  echo "== start the local cloud on port $port ${aot[*]} (its output: $state/local.log)"
  mkdir -p "$state"
  setsid "$REPO_ROOT/scripts/local.sh" --port "$port" --state "$state" --log-aws-calls "${aot[@]}" >"$state/local.log" 2>&1 &
  cloud_pid=$!
  # The local cloud and everything it started are one process group: stop them all on the way out.
  trap 'kill -TERM -- "-$cloud_pid" 2>/dev/null || true; wait "$cloud_pid" 2>/dev/null || true' EXIT
  until [[ -s "$state/localcloud.ready" ]]; do
    kill -0 "$cloud_pid" 2>/dev/null || { tail -20 "$state/local.log" >&2; die "scripts/local.sh stopped before the local cloud was ready"; }
    sleep 1
  done
  echo "== $requests warm requests, $(nproc) cores"
  python3 "$REPO_ROOT/scripts/lib/bench_local_cloud.py" "$state" "http://127.0.0.1:$port" "$requests"
  exit 0
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

project="$REPO_ROOT/tests/Benchmarks/Benchmarks.csproj"
artifacts="$REPO_ROOT/BenchmarkDotNet.Artifacts"
# Only this run's reports are printed at the end.
rm -rf "$artifacts/results"
mkdir -p "$artifacts"
log="$artifacts/bench.log"

echo "== build (Release, warnings are errors)"
dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly -warnaserror

if [[ $query -eq 1 ]]; then
  [[ ${#extra[@]} -eq 0 && ${#filters[@]} -eq 1 && "${filters[0]}" == "*" ]] || die "--query takes no other option"
  trap moto_stop EXIT
  moto_start "$artifacts/moto.log"
  echo "== POST /query against moto ($MOTO_ENDPOINT), $(nproc) cores"
  started=$SECONDS
  AWS_EC2_METADATA_DISABLED=true dotnet "$REPO_ROOT/tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll" query
  echo "   took $((SECONDS - started)) s"
  exit 0
fi

echo "== run (filter: ${filters[*]}; full log: ${log#"$REPO_ROOT"/})"
started=$SECONDS
status=0
dotnet "$REPO_ROOT/tests/Benchmarks/bin/Release/net10.0/Benchmarks.dll" \
  --filter "${filters[@]}" --artifacts "$artifacts" "${extra[@]}" >"$log" 2>&1 || status=$?
echo "   took $((SECONDS - started)) s"

if [[ $status -ne 0 ]]; then
  tail -n 40 "$log" >&2
  die "BenchmarkDotNet failed (exit $status); the full log is $log"
fi

shopt -s nullglob
reports=("$artifacts"/results/*-report-github.md)
if [[ ${#reports[@]} -eq 0 ]]; then
  # Options such as --list print and run nothing: show what they printed.
  if [[ ${#extra[@]} -gt 0 ]]; then
    cat "$log"
    exit 0
  fi
  tail -n 20 "$log" >&2
  die "no benchmark matched ${filters[*]} (list them with: scripts/bench.sh -- --list flat)"
fi

for report in "${reports[@]}"; do
  echo
  cat "$report"
done
