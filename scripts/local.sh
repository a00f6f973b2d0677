#!/usr/bin/env bash
# Runs the whole system on this machine, without AWS and without Docker: moto_server for the
# AWS APIs, the app stack provisioned into it by the project's Terraform, the functions built
# from this checkout, and tools/LocalCloud in front (HTTP API with SigV4 and IAM, the Lambda
# Runtime API for real function processes, the stream/queue/schedule triggers).
# Ctrl-C stops everything it started. docs/local-cloud.md explains it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"
source "$(dirname "$0")/lib/app_stack.sh"

usage() {
  cat <<USAGE
Usage: scripts/local.sh [--port N] [--aot | --no-build] [--fresh] [--state DIR] [--concurrency N]
                        [--iam-audit FILE] [--log-aws-calls] [--no-iam]

  --port N   the HTTP API's port on 127.0.0.1 (default 4080)
  --aot      run the shipping Native AOT packages (scripts/package.sh --mode Aot; slower to
             build) instead of fast framework-dependent builds
  --no-build run the framework-dependent build that is there (dotnet build Functions.sln -c
             Release made it; scripts/test.sh does) instead of building
  --fresh    forget what earlier runs cached (the recorded stack, packages) and start over
  --state    where this run keeps its logs, credentials and endpoints (default .local/run)
  --concurrency N
             most instances of a function at once when the stack reserves none (default 10);
             beyond it the HTTP API answers 429 as API Gateway does when Lambda throttles
  --iam-audit FILE
             write every IAM decision the AWS endpoint makes (function, action, resource,
             decision) to FILE as JSON lines
  --log-aws-calls
             log an aws-request line (timings, status) for every AWS call the functions and
             pollers make, not only the denied ones (scripts/bench.sh --local-cloud reads them)
  --no-iam   FOR DEBUGGING ONLY: the functions call moto directly with moto's test keys, so
             nothing checks their own permissions and a missing grant will not show here.
             By default each function runs as its role and every AWS call it makes is
             checked as AWS would check it (docs/local-cloud.md, "IAM behind the functions")

Prints the endpoint, the demo tenants' credentials and a ready-to-paste curl example for every
route once the system is up. Ctrl-C stops every process it started.
USAGE
}

port=4080
aot=0
no_build=0
fresh=0
run_dir=""
concurrency=10
iam=on
iam_audit=""
log_aws_calls=off
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="${2:?error: --port needs a number}"; shift 2 ;;
    --aot) aot=1; shift ;;
    --no-build) no_build=1; shift ;;
    --fresh) fresh=1; shift ;;
    --state) run_dir="${2:?error: --state needs a folder}"; shift 2 ;;
    --concurrency) concurrency="${2:?error: --concurrency needs a number}"; shift 2 ;;
    --iam-audit) iam_audit="${2:?error: --iam-audit needs a file}"; shift 2 ;;
    --log-aws-calls) log_aws_calls=on; shift ;;
    --no-iam) iam=off; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ && "$port" -ge 1024 && "$port" -le 65535 ]] || die "--port must be a number from 1024 to 65535, not '$port'"
[[ "$aot" -eq 0 || "$no_build" -eq 0 ]] || die "--aot and --no-build exclude each other: --aot builds the Native AOT packages"
[[ "$concurrency" =~ ^[1-9][0-9]{0,2}$ ]] || die "--concurrency must be a number from 1 to 999, not '$concurrency'"

require_dotnet
require_python
require_moto
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require aws "Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
require curl "Install curl (Debian: apt-get install curl), then re-run."
if [[ "$iam" == off ]]; then
  echo "WARNING: --no-iam: the functions' own AWS calls are not checked against their roles;" >&2
  echo "         what passes here may be denied in AWS. Use it for debugging only." >&2
fi

if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.close()' "$port" 2>/dev/null; then
  die "port $port on 127.0.0.1 is in use: a local cloud (or another program) is already running there. Stop it, or choose another port with --port."
fi

# .local/cache: what later runs reuse (the recorded stack, AOT packages). The run folder: this
# run's logs, credentials and endpoints.
cache_root="$REPO_ROOT/.local/cache"
[[ "$fresh" -eq 0 ]] || rm -rf "$cache_root"
state="${run_dir:-$REPO_ROOT/.local/run}"
mkdir -p "$cache_root" "$state"
state="$(cd "$state" && pwd)"
rm -rf "$state/logs" && mkdir -p "$state/logs"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""

started=$SECONDS
step_started=$SECONDS
step() { printf '[%5ds] %s\n' "$((SECONDS - started))" "$1"; step_started=$SECONDS; }
done_step() { printf '        done in %d s\n' "$((SECONDS - step_started))"; }

local_cloud_pid=""
cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$local_cloud_pid" ]] && kill -0 "$local_cloud_pid" 2>/dev/null; then
    # TERM, not INT: a background job of a script ignores SIGINT. The local cloud stops its
    # function processes on TERM.
    kill -TERM "$local_cloud_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$local_cloud_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$local_cloud_pid" 2>/dev/null || true
    wait "$local_cloud_pid" 2>/dev/null || true
  fi
  [[ -z "$APP_STACK_RECORDER_PID" ]] || kill "$APP_STACK_RECORDER_PID" 2>/dev/null || true
  moto_stop
  echo "local cloud stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the stack --------------------------------------------------------------------------
# scripts/lib/app_stack.sh: terraform/app applied once into a recording moto and kept in
# .local/cache; every start replays the recording into a fresh moto, which recreates the same
# stack, with the same identifiers, in seconds. Reused while the Terraform configuration, the
# manifest and moto stay the same.
cache="$(app_stack_dir)"
if [[ ! -f "$cache/recording.jsonl" || ! -f "$cache/outputs.json" || ! -f "$cache/terraform.tfstate" ]]; then
  step "recording the app stack: terraform apply into moto (once; later starts replay it)"
  app_stack_record "$state/logs" || die "recording the app stack failed (logs in $state/logs)"
  done_step
fi

step "starting moto_server and replaying the recorded stack ($(basename "$cache"))"
export MOTO_RECORDER_FILEPATH="$state/moto-replay.jsonl"
MOTO_LAUNCHER="$REPO_ROOT/scripts/lib/moto_local.py" moto_start "$state/logs/moto.log"
echo "        $MOTO_ENDPOINT (pid $MOTO_PID)"
app_stack_replay "$MOTO_ENDPOINT" || die "replaying the recorded stack failed; run again with --fresh"
cp "$cache/outputs.json" "$state/outputs.json"
echo "$MOTO_ENDPOINT" >"$state/moto-endpoint"
# moto applies a bucket policy's Deny statements without their conditions (design §4), so the
# data bucket's guards (TLS, the data key, no overwrite) would refuse every object call here:
# the local stack goes without that policy (docs/local-cloud.md, known differences).
aws --endpoint-url "$MOTO_ENDPOINT" s3api delete-bucket-policy \
  --bucket "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data_bucket"]["value"])' "$state/outputs.json")" \
  || die "could not remove the data bucket's policy in moto"
done_step

# --- build ------------------------------------------------------------------------------
if [[ "$no_build" -eq 1 ]]; then
  step "using the existing build (--no-build)"
  functions_dir="$REPO_ROOT/functions"
  [[ -f "$REPO_ROOT/tools/LocalCloud/bin/Release/net10.0/LocalCloud.dll" ]] \
    || die "--no-build: there is no build of tools/LocalCloud; run 'dotnet build Functions.sln -c Release' first"
  for name in $(manifest_functions); do
    [[ -f "$REPO_ROOT/functions/$name/bin/Release/net10.0/$name.dll" ]] \
      || die "--no-build: there is no build of $name; run 'dotnet build Functions.sln -c Release' first"
  done
else
  if [[ "$aot" -eq 1 ]]; then
    step "building the functions as Native AOT packages (scripts/package.sh --mode Aot) and the local cloud"
    "$REPO_ROOT/scripts/package.sh" --mode Aot --out "$cache_root/aot" >"$state/logs/build.log" 2>&1 \
      || { tail -30 "$state/logs/build.log"; die "packaging failed (full log: $state/logs/build.log)"; }
    functions_dir="$cache_root/aot"
    projects=(tools/LocalCloud/LocalCloud.csproj)
  else
    step "building the functions (framework-dependent, incremental) and the local cloud"
    functions_dir="$REPO_ROOT/functions"
    mapfile -t projects < <(for name in $(manifest_functions); do manifest_project "$name"; done)
    projects+=(tools/LocalCloud/LocalCloud.csproj)
  fi
  # One MSBuild run for all of them (a solution filter).
  python3 "$REPO_ROOT/scripts/lib/local_stack.py" slnf "$REPO_ROOT" "$cache_root/local.slnf" "${projects[@]}"
  dotnet build "$cache_root/local.slnf" -c Release --nologo -v quiet -clp:ErrorsOnly >>"$state/logs/build.log" 2>&1 \
    || { tail -30 "$state/logs/build.log"; die "the build failed (full log: $state/logs/build.log)"; }
fi
done_step

# --- demo tenants -----------------------------------------------------------------------
step "creating the demo tenants (IAM users in moto)"
python3 "$REPO_ROOT/scripts/lib/local_stack.py" tenants "$MOTO_ENDPOINT" "$state/outputs.json" "$state/credentials"
done_step

# --- the local cloud --------------------------------------------------------------------
step "starting tools/LocalCloud on 127.0.0.1:$port"
ready="$state/localcloud.ready"
rm -f "$ready"
dotnet "$REPO_ROOT/tools/LocalCloud/bin/Release/net10.0/LocalCloud.dll" \
  --moto "$MOTO_ENDPOINT" --manifest "$REPO_ROOT/functions/functions.json" --outputs "$state/outputs.json" \
  --functions "$functions_dir" --port "$port" --concurrency "$concurrency" --logs "$state/logs" --ready-file "$ready" \
  --iam "$iam" ${iam_audit:+--iam-audit "$iam_audit"} --log-aws-calls "$log_aws_calls" \
  > >(python3 "$REPO_ROOT/scripts/lib/line_relay.py" "$state/logs/localcloud.log") 2>&1 &
local_cloud_pid=$!
for _ in $(seq 1 600); do
  [[ -s "$ready" ]] && break
  kill -0 "$local_cloud_pid" 2>/dev/null || die "tools/LocalCloud exited at start; see $state/logs/localcloud.log"
  sleep 0.1
done
[[ -s "$ready" ]] || die "tools/LocalCloud did not report ready within 60 s; see $state/logs/localcloud.log"
done_step

python3 "$REPO_ROOT/scripts/lib/local_stack.py" examples "$state" "http://127.0.0.1:$port" "$REPO_ROOT/functions/functions.json"
echo "Local cloud ready in $((SECONDS - started)) s"
wait "$local_cloud_pid"
