#!/usr/bin/env bash
# The one test command: builds everything with warnings as errors, packages the functions that
# ship as processes under test, and runs every test stage — side by side where their inputs
# allow — then ends with one line "N passed, N failed, N skipped" totalled over all of them.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"
source "$(dirname "$0")/lib/app_stack.sh"

# name|needs|slots|nice|what it runs: the stages, in the order they are started when several are
# ready at once (and their logs printed). A stage starts when the stages it needs have finished
# and the CPU slots it asks for are free. The 2-core machine has three slots, since a stage that
# holds one waits on moto, a local cloud or the AWS provider for part of its time: the build
# takes all three (everything after it waits for it); a CPU-bound stage takes one; a stage that
# mostly waits takes none and starts at once. The chain build → package → dotnet-test →
# release-packages is the longest: it runs at normal priority, the stages with slack at nice 5
# (the stack too gates three stages). Measured: every stage at once made the build take four
# times as long and burned a third more CPU; with all slot holders at one priority the packages
# took 417 s instead of 240 s; the .NET tests and Terraform checks at nice 5 beside the packages
# took 760 s instead of about 300 s. deploy.sh's checks are a stage of their own, so the longest
# waiting stage is shorter; they are the longest chain of the suite (about 320 s alone: a dozen
# plans and applies one after the other), so they run at normal priority, and drift.sh's checks
# beside them. At nice 5 with drift in the same stage the suite took 948 s; split, with deploy at
# normal priority, 878 s (2026-12-08). Starting the mutation check at once instead of after the
# terraform stage made it 903 s: the machine is busy throughout, so it only spread the same CPU.
STAGES=(
  "build||3|0|dotnet build Functions.sln -c Release, warnings are errors (AOT and trim analyzers on)"
  "package|build|1|0|scripts/package.sh --mode Aot: ListObjects, ProcessRecords, QueryFiles (the process-level and release tests run them)"
  "dotnet-test|build package|1|0|every test project but the end-to-end suite, against a moto_server of its own; the moto launcher's SQS lock and state dump (tests/moto_local)"
  "release-packages|package|1|0|scripts/release-test.sh: the Dockerfile, the GLIBC check and reproducible packaging, on the packages"
  "terraform||1|5|scripts/terraform-test.sh: fmt, validate and terraform test of every module and stack"
  "mutations|terraform|1|5|scripts/terraform-mutations.sh: each weakened copy of the Terraform must fail its tests"
  "e2e|build stack|1|5|tests/EndToEnd.Tests: the local cloud of scripts/local.sh with real clients"
  "new-function|build stack|1|5|scripts/new-function-test.sh: a throwaway function added as docs/adding-a-function.md says is built, planned, applied and served"
  "stack||0|0|the app stack recorded into moto once (scripts/lib/app_stack.sh); the local cloud and the moto cycle replay it"
  "release||0|5|scripts/release-test.sh: workflows, versions, release.sh (zip and image) against moto, promotion.sh, smoke.sh"
  "deploy||0|0|scripts/release-test.sh deploy: deploy.sh against moto — versions as tags, signed releases, canary, automatic rollback, cancel and recovery"
  "drift||0|5|scripts/release-test.sh drift: drift.sh against moto, on a clean stack and after a change behind Terraform's back"
  "moto||0|5|scripts/terraform-moto.sh Image Bootstrap: terraform/app with images and terraform/bootstrap applied to moto, read back, planned again, destroyed"
  "moto-zip|stack|0|5|scripts/terraform-moto.sh Zip: the recorded app stack replayed into moto, read back, planned again, destroyed"
)
CPU_SLOTS=3

stage_field() { # stage_field NAME INDEX: 1 needs, 2 what it runs, 3 CPU slots, 4 nice
  local entry n needs slots nice what
  for entry in "${STAGES[@]}"; do
    IFS='|' read -r n needs slots nice what <<<"$entry"
    if [[ "$n" == "$1" ]]; then
      case "$2" in 1) echo "$needs" ;; 2) echo "$what" ;; 3) echo "$slots" ;; 4) echo "$nice" ;; esac
      return 0
    fi
  done
  return 1
}
all_stages() { local entry; for entry in "${STAGES[@]}"; do echo "${entry%%|*}"; done; }

usage() {
  cat <<USAGE
Usage: scripts/test.sh [--stages NAME[,NAME...]]

Runs the whole test suite offline and ends with "N passed, N failed, N skipped". Stages start
as soon as the stages they need have finished, so independent ones run side by side:

$(for s in $(all_stages); do printf '  %-16s %s\n' "$s" "$(stage_field "$s" 2)"; needs="$(stage_field "$s" 1)"; [[ -z "$needs" ]] || printf '  %-16s (after: %s)\n' "" "$needs"; done)

  --stages LIST  run only these stages (CI runs them as parallel jobs); a stage whose input
                 stage is not in LIST uses what an earlier run left: the build in bin/, the
                 packages in ARTIFACTS_DIR (default: artifacts/), the stack in .local/cache.
Environment: ARTIFACTS_DIR (where package writes and the tests read the packages).
Needs (all stages): dotnet (SDK 10.0.4xx), python3 with moto_server, objdump (binutils), zip,
unzip, terraform 1.11 with the provider mirror at /opt/tf-plugins (or TF_PLUGIN_DIR), the AWS
CLI, gcc, curl, npm, git; a subset of stages checks only for what it runs.
Exits non-zero when anything fails.
USAGE
}

selected=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --stages) IFS=',' read -r -a selected <<<"${2:?--stages needs a list}"; shift 2 ;;
    *) usage >&2; exit 2 ;;
  esac
done
if [[ ${#selected[@]} -eq 0 ]]; then
  mapfile -t selected < <(all_stages)
fi
for s in "${selected[@]}"; do
  stage_field "$s" 1 >/dev/null || die "unknown stage '$s'; the stages are: $(all_stages | tr '\n' ' ')"
done

# What each stage runs, so a CI job that runs some of them installs only those tools.
declare -A TOOLS=(
  [build]="dotnet"
  [package]="dotnet python3 objdump zip"
  [dotnet-test]="dotnet python3 moto_server objdump unzip aws curl"
  [terraform]="terraform python3"
  [mutations]="terraform python3"
  [stack]="terraform python3 moto_server aws curl"
  [moto]="terraform python3 moto_server aws curl"
  [moto-zip]="terraform python3 moto_server aws curl"
  [e2e]="dotnet python3 moto_server terraform aws curl"
  [new-function]="dotnet python3 moto_server terraform aws curl git"
  [release]="dotnet python3 moto_server aws npm curl zip git"
  [deploy]="python3 moto_server terraform aws curl zip"
  [drift]="python3 moto_server terraform aws zip"
  [release-packages]="dotnet python3 gcc zip unzip objdump git"
)
declare -A HOW=(
  [dotnet]="Install the .NET SDK 10.0.4xx (https://dotnet.microsoft.com/download), then re-run."
  [python3]="Install Python 3.11+ (Debian: apt-get install python3), then re-run."
  [moto_server]="Install the AWS emulator: pip install 'moto[server]==5.2.1', then re-run."
  [objdump]="Install binutils (Debian: apt-get install binutils), then re-run."
  [zip]="Install zip (Debian: apt-get install zip), then re-run."
  [unzip]="Install unzip (Debian: apt-get install unzip), then re-run."
  [terraform]="Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
  [aws]="Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
  [gcc]="Install gcc (Debian: apt-get install gcc), then re-run (the GLIBC check's test builds a binary)."
  [npm]="Install Node.js 20 and npm (Debian: apt-get install nodejs npm), then re-run (@action-validator/cli is installed into .tools/npm)."
  [curl]="Install curl 7.75+ (Debian: apt-get install curl), then re-run (scripts/smoke.sh signs with --aws-sigv4)."
  [git]="Install git (Debian: apt-get install git), then re-run."
)
for s in "${selected[@]}"; do
  for tool in ${TOOLS[$s]}; do
    require "$tool" "${HOW[$tool]}"
  done
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# One C# compiler server for every build of the run (the build, the packages, the new-function
# and reproducibility builds), even where the environment turns it off: a fresh clone's build
# took 55 s instead of 126 s, and 92 s of CPU instead of 155 s. The run stops it at the end;
# its CPU has a line of its own in the stage table.
export UseSharedCompilation=true
export ARTIFACTS_DIR="${ARTIFACTS_DIR:-$REPO_ROOT/artifacts}"
work="$(mktemp -d "${TMPDIR:-/tmp}/functions-test.XXXXXX")"
mkdir -p "$work/logs" "$work/counts" "$work/cpu" "$work/e2e"

# --- the stages --------------------------------------------------------------------------
# Each writes "PASSED FAILED SKIPPED" to $work/counts/NAME (tests it ran) and exits non-zero
# when something failed. A stage that fails without counting a failed test counts as one.

counts() { echo "$2 $3 ${4:-0}" >"$work/counts/$1"; }

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

# counted STAGE LABEL COMMAND...: runs a script that ends with "LABEL: N passed, N failed".
counted() {
  local stage="$1" label="$2" status=0 line p=0 f=0; shift 2
  "$@" 2>&1 | tee "$work/$stage.out" || status=$?
  if line="$(grep -Eo "^$label: [0-9]+ passed, [0-9]+ failed" "$work/$stage.out" | tail -1)"; then
    read -r p f < <(sed -E "s/^$label: ([0-9]+) passed, ([0-9]+) failed/\\1 \\2/" <<<"$line")
  fi
  counts "$stage" "$p" "$f"
  return "$status"
}

stage_build() {
  dotnet build "$REPO_ROOT/Functions.sln" -c Release --nologo -v quiet -clp:ErrorsOnly -warnaserror
}

stage_package() {
  "$REPO_ROOT/scripts/package.sh" --mode Aot --version 0.0.0 --out "$ARTIFACTS_DIR" ListObjects ProcessRecords QueryFiles
}

stage_dotnet_test() {
  local status=0
  # scripts/lib/moto_local.py: moto_server's application with its state dump made robust, which
  # the local cloud's IAM tests read while other tests write (see that file).
  MOTO_LAUNCHER="$REPO_ROOT/scripts/lib/moto_local.py" moto_start "$work/moto.log"
  trap moto_stop EXIT
  echo "moto_server: $MOTO_ENDPOINT (pid $MOTO_PID)"
  dotnet test "$REPO_ROOT/Functions.sln" -c Release --no-build --nologo --filter "Category!=EndToEnd" \
    --logger "trx" --logger "console;verbosity=minimal" --results-directory "$work/results" || status=$?
  local p f s mp=0 mf=0 line
  read -r p f s < <(trx_totals "$work/results")
  # The moto launcher's own changes (tests/moto_local): its SQS calls under the queue's lock, its
  # state dump limited to the services asked for.
  local test_file mp1 mf1
  for test_file in "$REPO_ROOT"/tests/moto_local/*_test.py; do
    python3 "$test_file" | tee "$work/moto-local.out" || status=1
    if line="$(grep -Eo '^moto-local: [0-9]+ passed, [0-9]+ failed' "$work/moto-local.out")"; then
      read -r mp1 mf1 < <(sed -E 's/^moto-local: ([0-9]+) passed, ([0-9]+) failed/\1 \2/' <<<"$line")
      mp=$((mp + mp1)) mf=$((mf + mf1))
    else
      mf=$((mf + 1))
    fi
  done
  counts dotnet-test "$((p + mp))" "$((f + mf))" "$s"
  return "$status"
}

stage_terraform() { counted terraform terraform "$REPO_ROOT/scripts/terraform-test.sh"; }

# The baselines are the test files the terraform stage has just run.
stage_mutations() { counted mutations terraform-mutations "$REPO_ROOT/scripts/terraform-mutations.sh" --no-baseline; }

stage_stack() {
  local cache
  cache="$(app_stack_dir)"
  if [[ -f "$cache/terraform.tfstate" ]]; then
    echo "recorded before: $cache"
  else
    app_stack_record "$work/stack-logs"
    echo "recorded: $cache"
  fi
}

stage_moto() { counted moto terraform-moto "$REPO_ROOT/scripts/terraform-moto.sh" Image Bootstrap; }

stage_moto_zip() { counted moto-zip terraform-moto "$REPO_ROOT/scripts/terraform-moto.sh" Zip; }

stage_e2e() {
  local status=0 p f s group
  # Each local cloud the suite starts is a process group of its own, recorded as
  # $work/e2e/<state>.pgid, so an interrupted run can stop it.
  # Every IAM decision of the run is recorded, then compared with the rendered grants
  # (tests/iam/audit_check.py: a grant no call used fails, unless kept with a reason).
  FUNCTIONS_E2E_IAM_AUDIT="$work/e2e/iam-audit.jsonl" FUNCTIONS_E2E_DIR="$work/e2e" FUNCTIONS_E2E_NO_BUILD=1 dotnet test "$REPO_ROOT/tests/EndToEnd.Tests/EndToEnd.Tests.csproj" -c Release --no-build --nologo \
    --filter "Category=EndToEnd" --logger "trx" --logger "console;verbosity=normal" --results-directory "$work/results-e2e" || status=$?
  read -r p f s < <(trx_totals "$work/results-e2e")
  # The suite stops every local cloud it started; one still running counts as a failure.
  for group in "$work"/e2e/*.pgid; do
    [[ -f "$group" ]] || continue
    if pgrep -g "$(cat "$group")" >/dev/null; then
      echo "FAILED: the end-to-end suite left process group $(cat "$group") running:"
      ps -o pid,args -g "$(cat "$group")" || true
      f=$((f + 1))
    fi
  done
  if python3 "$REPO_ROOT/tests/iam/audit_check.py" "$work/e2e/iam-audit.jsonl" "$work/e2e/iam-audit.jsonl.outputs.json"; then
    p=$((p + 1))
  else
    f=$((f + 1))
  fi
  counts e2e "$p" "$f" "$s"
  [[ "$status" -eq 0 && "$f" -eq 0 ]]
}

stage_new_function() { counted new-function new-function "$REPO_ROOT/scripts/new-function-test.sh"; }

stage_release() { counted release release "$REPO_ROOT/scripts/release-test.sh" workflows versions release image promotion smoke; }

stage_deploy() { counted deploy release "$REPO_ROOT/scripts/release-test.sh" deploy; }

stage_drift() { counted drift release "$REPO_ROOT/scripts/release-test.sh" drift; }

stage_release_packages() { counted release-packages release "$REPO_ROOT/scripts/release-test.sh" dockerfile glibc reproducible; }

# --- the scheduler -----------------------------------------------------------------------
declare -A pid_of=() started_at=() ended_at=() status_of=()
slots_used=0
suite_start=$SECONDS

# kill_tree PID: ends a stage job and everything under it (a job started with & ignores
# SIGINT, so Ctrl-C of the suite does not reach it).
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    kill_tree "$child"
  done
  kill "$1" 2>/dev/null || true
}
cleanup() {
  local s group
  for s in "${!pid_of[@]}"; do
    if [[ -z "${status_of[$s]:-}" ]] && kill -0 "${pid_of[$s]}" 2>/dev/null; then
      kill_tree "${pid_of[$s]}"
      wait "${pid_of[$s]}" 2>/dev/null || true
    fi
  done
  # A local cloud the end-to-end suite started and could not stop (the run was interrupted).
  for group in "$work"/e2e/*.pgid; do
    [[ -f "$group" ]] && kill -TERM -- "-$(cat "$group")" 2>/dev/null || true
  done
  dotnet build-server shutdown --vbcscompiler >/dev/null 2>&1 || true
  [[ "${keep_work:-0}" -eq 1 ]] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

is_selected() { local s; for s in "${selected[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }
clock() { printf '[%4ds]' "$((SECONDS - suite_start))"; }

# ready NAME: 0 when every stage it needs has finished well (or is not part of this run);
# 2 when one of them failed (the stage cannot run).
ready() {
  local need
  for need in $(stage_field "$1" 1); do
    is_selected "$need" || continue
    [[ -n "${status_of[$need]:-}" ]] || return 1
    [[ "${status_of[$need]}" -eq 0 ]] || return 2
  done
  return 0
}

start_stage() {
  local name="$1" fn="stage_${1//-/_}"
  started_at[$name]=$SECONDS
  echo "$(clock) start $name: $(stage_field "$name" 2)"
  slots_used=$((slots_used + $(stage_field "$name" 3)))
  (
    trap 'exit 143' TERM
    [[ "$(stage_field "$name" 4)" -eq 0 ]] || renice -n "$(stage_field "$name" 4)" -p "$BASHPID" >/dev/null
    rc=0
    "$fn" || rc=$?
    # CPU seconds of the processes the stage waited for (user + system; a compiler server
    # that outlives its build is not among them). Not in a pipeline: that would be a fork's.
    times >"$work/cpu/$name.times"
    exit "$rc"
  ) >"$work/logs/$name.log" 2>&1 </dev/null &
  pid_of[$name]=$!
}

finish_stage() {
  local name="$1" status="$2" summary=""
  status_of[$name]=$status ended_at[$name]=$SECONDS
  slots_used=$((slots_used - $(stage_field "$name" 3)))
  [[ -f "$work/counts/$name" ]] && summary="$(awk '{ printf "%d passed, %d failed, %d skipped", $1, $2, $3 }' "$work/counts/$name")"
  echo "$(clock) $( [[ "$status" -eq 0 ]] && echo done || echo FAILED ) $name in $((SECONDS - started_at[$name])) s${summary:+: $summary}"
}

pending=("${selected[@]}")
while :; do
  still=()
  for s in ${pending[@]+"${pending[@]}"}; do
    ready_status=0
    ready "$s" || ready_status=$?
    # Ready, but the CPU slots it needs are taken: it waits its turn (the order of STAGES).
    if [[ "$ready_status" -eq 0 && $((slots_used + $(stage_field "$s" 3))) -gt "$CPU_SLOTS" ]]; then
      ready_status=1
    fi
    case "$ready_status" in
      0) start_stage "$s" ;;
      2) status_of[$s]=1 started_at[$s]=$SECONDS ended_at[$s]=$SECONDS
         echo "$(clock) not run $s: a stage it needs failed" | tee "$work/logs/$s.log" ;;
      *) still+=("$s") ;;
    esac
  done
  pending=(${still[@]+"${still[@]}"})
  running=() running_pids=()
  for s in "${!pid_of[@]}"; do
    [[ -n "${status_of[$s]:-}" ]] || { running+=("$s"); running_pids+=("${pid_of[$s]}"); }
  done
  [[ ${#running[@]} -gt 0 ]] || break
  # Wait for any stage to end (bash 5.1: -p names the job that ended).
  rc=0 ended_pid=""
  wait -n -p ended_pid "${running_pids[@]}" || rc=$?
  for s in "${running[@]}"; do
    if [[ "${pid_of[$s]}" == "$ended_pid" ]]; then
      finish_stage "$s" "$rc"
    fi
  done
done
[[ ${#pending[@]} -eq 0 ]] || die "stages never became ready: ${pending[*]}"

# --- the report ---------------------------------------------------------------------------
passed=0 failed=0 skipped=0
for s in "${selected[@]}"; do
  echo
  echo "== $s: $(stage_field "$s" 2)"
  cat "$work/logs/$s.log"
  p=0 f=0 k=0
  [[ ! -f "$work/counts/$s" ]] || read -r p f k <"$work/counts/$s"
  # A stage that failed without reporting a failed test (a build error, a crashed runner)
  # counts as one failure, so the summary cannot read green.
  if [[ "${status_of[$s]}" -ne 0 && "$f" -eq 0 ]]; then
    f=1
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + k))
done
if [[ "$passed" -eq 0 && "$failed" -eq 0 ]] && [[ -n "$(ls "$work/counts")" ]]; then
  echo "no tests ran" >&2
  failed=1
fi

echo
echo "== stages (seconds from the start of the suite; stages side by side share the machine; cpu:"
echo "   user + system seconds of the stage's processes; the compiler server that the builds share has its own line)"
printf '  %-16s %6s %6s %6s %6s  %s\n' stage start end took cpu result
cpu_total=0
for s in "${selected[@]}"; do
  result="ok" cpu="-"
  [[ "${status_of[$s]}" -eq 0 ]] || result="FAILED"
  [[ ! -f "$work/counts/$s" ]] || result="$result ($(awk '{ printf "%d passed, %d failed", $1, $2 }' "$work/counts/$s"))"
  if [[ -s "$work/cpu/$s.times" ]]; then
    cpu="$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, k, /[ms]/); printf "%d", u[1] * 60 + u[2] + k[1] * 60 + k[2] }' "$work/cpu/$s.times")"
    cpu_total=$((cpu_total + cpu))
  fi
  printf '  %-16s %6d %6d %6d %6s  %s\n' "$s" "$((started_at[$s] - suite_start))" "$((ended_at[$s] - suite_start))" \
    "$((ended_at[$s] - started_at[$s]))" "$cpu" "$result"
done
# The compiler server's CPU so far (ps: [DD-]HH:MM:SS).
compiler_cpu="$(ps -C VBCSCompiler -o times= 2>/dev/null | awk '{ t += $1 } END { printf "%d", t }')"
printf '  %-16s %6s %6s %6s %6d\n' "compiler server" "" "" "" "$compiler_cpu"
cpu_total=$((cpu_total + compiler_cpu))
printf '  %-16s %6s %6s %6d %6d\n' total "" "" "$((SECONDS - suite_start))" "$cpu_total"

if [[ "$failed" -ne 0 ]]; then
  keep_work=1
  echo "kept $work: every stage's output and the moto logs of this failed run"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[[ "$failed" -eq 0 ]]
