#!/usr/bin/env bash
# The one test command: builds everything with warnings as errors, packages the functions,
# starts its own moto_server on loopback, runs every test project, stops moto (also on
# failure) and ends with one line "N passed, N failed[, N skipped]" totalled over all runners.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"

usage() {
  cat <<USAGE
Usage: scripts/test.sh

Runs the whole test suite offline: .NET tests (unit, moto integration, published bootstrap)
and Terraform checks. Needs: dotnet (SDK 10.0.4xx), python3, moto_server, objdump (binutils),
zip, terraform 1.11 with the provider mirror at /opt/tf-plugins (or TF_PLUGIN_DIR), aws CLI.
Exits non-zero when anything fails.
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
[[ $# -eq 0 ]] || { usage >&2; exit 2; }

require_dotnet
require_python
require_moto
require objdump "Install binutils (Debian: apt-get install binutils), then re-run."
require zip "Install zip (Debian: apt-get install zip), then re-run."
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require aws "Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
require gcc "Install gcc (Debian: apt-get install gcc), then re-run (the GLIBC check's test builds a binary)."
require npm "Install Node.js 20 and npm (Debian: apt-get install nodejs npm), then re-run (@action-validator/cli is installed into .tools/npm)."
require curl "Install curl 7.75+ (Debian: apt-get install curl), then re-run (scripts/smoke.sh signs with --aws-sigv4)."

work="$(mktemp -d "${TMPDIR:-/tmp}/functions-test.XXXXXX")"
# kill_tree PID: ends a background job of this script and everything under it (a job started
# with & ignores SIGINT, so Ctrl-C of the suite does not reach it).
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    kill_tree "$child"
  done
  kill "$1" 2>/dev/null || true
}
cleanup() {
  if [[ -n "${e2e_pid:-}" ]] && kill -0 "$e2e_pid" 2>/dev/null; then
    kill_tree "$e2e_pid"
    wait "$e2e_pid" 2>/dev/null || true
  fi
  # A local cloud the end-to-end suite started and could not stop (the run was interrupted):
  # each is a process group of its own, recorded as <state>.pgid.
  local group
  for group in "$work"/e2e/*.pgid; do
    [[ -f "$group" ]] && kill -TERM -- "-$(cat "$group")" 2>/dev/null || true
  done
  moto_stop
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# stage NAME TITLE: prints "== TITLE" and ends the stage before it; the seconds each took are
# printed as a table at the end (where the suite's time goes).
stage_names=() stage_seconds=() stage_name="" stage_start=$SECONDS
stage() {
  [[ -z "$stage_name" ]] || { stage_names+=("$stage_name"); stage_seconds+=($((SECONDS - stage_start))); }
  stage_name="$1" stage_start=$SECONDS
  [[ $# -lt 2 ]] || echo "== $2"
}

stage build "build (warnings are errors)"
dotnet build "$REPO_ROOT/Functions.sln" -c Release --nologo -v quiet -clp:ErrorsOnly -warnaserror

stage package "package ListObjects, ProcessRecords and QueryFiles as Native AOT (the process-level tests run the bootstraps that ship)"
export ARTIFACTS_DIR="$work/artifacts"
"$REPO_ROOT/scripts/package.sh" --mode Aot --version 0.0.0 --out "$ARTIFACTS_DIR" ListObjects ProcessRecords QueryFiles

stage tools "dotnet tool restore (the CycloneDX SBOM tool, .config/dotnet-tools.json)"
(cd "$REPO_ROOT" && dotnet tool restore >/dev/null)

stage moto "start moto_server"
# scripts/lib/moto_local.py: moto_server's application with its state dump made robust, which
# the local cloud's IAM tests read while other tests write (see that file).
MOTO_LAUNCHER="$REPO_ROOT/scripts/lib/moto_local.py" moto_start "$work/moto.log"
echo "   $MOTO_ENDPOINT (pid $MOTO_PID)"

stage dotnet-test "dotnet test (all but the end-to-end suite)"
status=0
dotnet test "$REPO_ROOT/Functions.sln" -c Release --no-build --nologo --filter "Category!=EndToEnd" \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$work/results" || status=$?

# The end-to-end suite starts the local cloud (scripts/local.sh: its own moto, the recorded
# stack, the function processes) and runs beside the Terraform checks below: most of both is
# waiting (the AWS provider polling moto), so together they take little more than either alone.
echo "== end-to-end through the local cloud (started now, reported after the Terraform checks)"
e2e_status=0
mkdir -p "$work/e2e"
FUNCTIONS_E2E_DIR="$work/e2e" dotnet test "$REPO_ROOT/tests/EndToEnd.Tests/EndToEnd.Tests.csproj" -c Release --no-build --nologo --filter "Category=EndToEnd" \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$work/results-e2e" >"$work/e2e.log" 2>&1 &
e2e_pid=$! e2e_start=$SECONDS

# Totals over every runner from the TRX files (the console summary is per project).
trx_totals() {
  python3 - "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(passed, failed, skipped)
PY
}
read -r passed failed skipped < <(trx_totals "$work/results")

# run_counted LABEL SCRIPT: runs a script that ends with "LABEL: N passed, N failed" and adds
# its counts to the totals; a script that fails without reporting a failure counts as one.
run_counted() {
  local label="$1" script="$2" log="$work/$1.log" script_status=0 line p=0 f=0
  "$script" 2>&1 | tee "$log" || script_status=$?
  if line="$(grep -Eo "^$label: [0-9]+ passed, [0-9]+ failed" "$log" | tail -1)"; then
    read -r p f < <(sed -E "s/^$label: ([0-9]+) passed, ([0-9]+) failed/\\1 \\2/" <<<"$line")
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  if [[ "$script_status" -ne 0 && "$f" -eq 0 ]]; then
    failed=$((failed + 1))
  fi
}

stage terraform "terraform (fmt, validate, terraform test with a mocked provider)"
run_counted terraform "$REPO_ROOT/scripts/terraform-test.sh"

stage terraform-mutations "terraform mutation check (each weakened copy must fail the tests)"
run_counted terraform-mutations "$REPO_ROOT/scripts/terraform-mutations.sh"

stage terraform-moto "terraform/app applied to moto, read back, planned again, destroyed (Zip and Image)"
run_counted terraform-moto "$REPO_ROOT/scripts/terraform-moto.sh"

stage release "releases: workflows, versions, Dockerfile, GLIBC check, reproducible packaging, release.sh and deploy.sh against moto"
run_counted release "$REPO_ROOT/scripts/release-test.sh"

stage e2e-wait
wait "$e2e_pid" || e2e_status=$?
e2e_pid="" e2e_seconds=$((SECONDS - e2e_start))
stage end
echo "== end-to-end through the local cloud"
cat "$work/e2e.log"
read -r p f s < <(trx_totals "$work/results-e2e")
passed=$((passed + p))
failed=$((failed + f))
skipped=$((skipped + s))
if [[ "$e2e_status" -ne 0 && "$f" -eq 0 ]]; then
  failed=$((failed + 1))
fi
# The suite stops every local cloud it started; one still running counts as a failure.
for group in "$work"/e2e/*.pgid; do
  [[ -f "$group" ]] || continue
  if pgrep -g "$(cat "$group")" >/dev/null; then
    echo "FAILED: the end-to-end suite left process group $(cat "$group") running:" >&2
    ps -o pid,args -g "$(cat "$group")" >&2 || true
    failed=$((failed + 1))
  fi
done

if [[ "$status" -ne 0 && "$failed" -eq 0 ]]; then
  # A runner crashed without reporting a failed test: count it so the summary cannot read green.
  failed=1
fi
if [[ "$passed" -eq 0 && "$failed" -eq 0 ]]; then
  echo "no tests ran" >&2
  failed=1
fi

echo "== seconds per stage (the end-to-end job runs beside the stages from terraform on; its line is from its start to e2e-wait's end)"
for i in "${!stage_names[@]}"; do
  printf '  %-20s %5d\n' "${stage_names[$i]}" "${stage_seconds[$i]}"
done
printf '  %-20s %5d\n' "(end-to-end)" "$e2e_seconds" "total" "$SECONDS"

echo "$passed passed, $failed failed, $skipped skipped"
[[ "$failed" -eq 0 ]]
