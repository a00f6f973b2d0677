#!/usr/bin/env bash
# Runs the whole system on this machine, without AWS and without Docker: moto_server for the
# AWS APIs, the app stack provisioned into it by the project's Terraform, the functions built
# from this checkout, and tools/LocalCloud in front (HTTP API with SigV4 and IAM, the Lambda
# Runtime API for real function processes, the stream/queue/schedule triggers).
# Ctrl-C stops everything it started. docs/local-cloud.md explains it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"

usage() {
  cat <<USAGE
Usage: scripts/local.sh [--port N] [--aot] [--fresh] [--state DIR] [--concurrency N]

  --port N   the HTTP API's port on 127.0.0.1 (default 4080)
  --aot      run the shipping Native AOT packages (scripts/package.sh --mode Aot; slower to
             build) instead of fast framework-dependent builds
  --fresh    forget what earlier runs cached (the recorded stack, packages) and start over
  --state    where this run keeps its logs, credentials and endpoints (default .local/run)
  --concurrency N
             most instances of a function at once when the stack reserves none (default 10);
             beyond it the HTTP API answers 429 as API Gateway does when Lambda throttles

Prints the endpoint, the demo tenants' credentials and a ready-to-paste curl example for every
route once the system is up. Ctrl-C stops every process it started.
USAGE
}

port=4080
aot=0
fresh=0
run_dir=""
concurrency=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="${2:?error: --port needs a number}"; shift 2 ;;
    --aot) aot=1; shift ;;
    --fresh) fresh=1; shift ;;
    --state) run_dir="${2:?error: --state needs a folder}"; shift 2 ;;
    --concurrency) concurrency="${2:?error: --concurrency needs a number}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ && "$port" -ge 1024 && "$port" -le 65535 ]] || die "--port must be a number from 1024 to 65535, not '$port'"
[[ "$concurrency" =~ ^[1-9][0-9]{0,2}$ ]] || die "--concurrency must be a number from 1 to 999, not '$concurrency'"

require_dotnet
require_python
require_moto
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require aws "Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
require curl "Install curl (Debian: apt-get install curl), then re-run."

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
recording_pid=""
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
  if [[ -n "$recording_pid" ]]; then
    kill "$recording_pid" 2>/dev/null || true
    wait "$recording_pid" 2>/dev/null || true
  fi
  moto_stop
  echo "local cloud stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the stack --------------------------------------------------------------------------
# The stack is applied once and recorded, on a moto that handles one request at a time with
# seeded identifiers; every start replays the recording into a fresh moto, which recreates the
# same stack, with the same identifiers, in seconds. The recording is reused while the
# Terraform configuration, the manifest and moto stay the same.
provision_key="$(python3 "$REPO_ROOT/scripts/lib/local_stack.py" key "$REPO_ROOT")"
cache="$cache_root/stack-$provision_key"
seed=20261201

record_stack() {
  local work="$cache_root/work-$$" rport endpoint status=0
  rm -rf "$work" && mkdir -p "$work/repo/functions"
  rport="$(free_port)"
  MOTO_RECORDER_FILEPATH="$work/recording.jsonl" python3 "$REPO_ROOT/scripts/lib/moto_local.py" 127.0.0.1 "$rport" --serial \
    >"$state/logs/moto-recording.log" 2>&1 &
  recording_pid=$!
  endpoint="http://127.0.0.1:$rport"
  for _ in $(seq 1 60); do curl -fsS "$endpoint/moto-api/" >/dev/null 2>&1 && break; sleep 0.25; done
  curl -fsS -X POST "$endpoint/moto-api/seed?a=$seed" >/dev/null
  curl -fsS -X POST "$endpoint/moto-api/recorder/start-recording" >/dev/null
  cp -R "$REPO_ROOT/terraform" "$work/repo/terraform"
  cp "$REPO_ROOT/functions/functions.json" "$REPO_ROOT/functions/metrics.json" "$work/repo/functions/"
  rm -rf "$work/repo/terraform/app/.terraform"
  sed "s|@ENDPOINT@|$endpoint|g" "$REPO_ROOT/tests/terraform/moto_override.tf.template" >"$work/repo/terraform/app/moto_override.tf"
  use_provider_mirror "$work"
  # The functions' zips must exist (versioned, write-once) before the functions point at them.
  python3 "$REPO_ROOT/scripts/lib/local_stack.py" artifacts "$endpoint" "$REPO_ROOT/functions/functions.json"
  (cd "$work/repo/terraform/app" \
     && TF_DATA_DIR="$cache_root/terraform-data" terraform init -input=false -no-color >"$state/logs/terraform-init.log" 2>&1 \
     && TF_DATA_DIR="$cache_root/terraform-data" terraform apply -auto-approve -input=false -no-color -state="$work/local.tfstate" \
          -var environment=local -var region=us-east-1 -var release_version=0.0.0 -var package_type=Zip \
          -var artifact_bucket=functions-artifacts-local -var deletion_protection=false -var force_destroy_data=true \
          -var log_retention_days=1 >"$state/logs/terraform-apply.log" 2>&1 \
     && TF_DATA_DIR="$cache_root/terraform-data" terraform output -json -state="$work/local.tfstate" >"$work/outputs.json") || status=$?
  # moto applies a bucket policy's Deny statements without their conditions (design §4), so the
  # data bucket's guards (TLS, the data key, no overwrite) would refuse every object call here:
  # the local stack goes without that policy (docs/local-cloud.md, known differences).
  if [[ "$status" -eq 0 ]]; then
    aws --endpoint-url "$endpoint" s3api delete-bucket-policy \
      --bucket "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data_bucket"]["value"])' "$work/outputs.json")" || status=$?
  fi
  curl -fsS -X POST "$endpoint/moto-api/recorder/stop-recording" >/dev/null 2>&1 || true
  kill "$recording_pid" 2>/dev/null || true
  wait "$recording_pid" 2>/dev/null || true
  recording_pid=""
  if [[ "$status" -ne 0 ]]; then
    tail -40 "$state/logs/terraform-apply.log" 2>/dev/null || cat "$state/logs/terraform-init.log"
    rm -rf "$work"
    die "terraform apply into moto failed (logs: $state/logs/terraform-init.log and terraform-apply.log)"
  fi
  # A complete cache or none: a concurrent or interrupted run never sees half of one.
  mkdir -p "$work/stack"
  mv "$work/recording.jsonl" "$work/outputs.json" "$work/stack/"
  mv -T "$work/stack" "$cache" 2>/dev/null || true
  rm -rf "$work"
}

if [[ ! -f "$cache/recording.jsonl" || ! -f "$cache/outputs.json" ]]; then
  step "recording the app stack: terraform apply into moto (once; later starts replay it)"
  record_stack
  done_step
fi

step "starting moto_server and replaying the recorded stack ($provision_key)"
export MOTO_RECORDER_FILEPATH="$state/moto-replay.jsonl"
MOTO_LAUNCHER="$REPO_ROOT/scripts/lib/moto_local.py" moto_start "$state/logs/moto.log"
echo "        $MOTO_ENDPOINT (pid $MOTO_PID)"
curl -fsS -X POST "$MOTO_ENDPOINT/moto-api/seed?a=$seed" >/dev/null
curl -fsS -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$cache/recording.jsonl" \
  "$MOTO_ENDPOINT/moto-api/recorder/upload-recording" >/dev/null
curl -fsS -X POST "$MOTO_ENDPOINT/moto-api/recorder/replay-recording" >/dev/null
aws --endpoint-url "$MOTO_ENDPOINT" dynamodb describe-table --table-name functions-local-events >/dev/null 2>&1 \
  || die "replaying the recorded stack did not recreate it; run again with --fresh"
cp "$cache/outputs.json" "$state/outputs.json"
echo "$MOTO_ENDPOINT" >"$state/moto-endpoint"
done_step

# --- build ------------------------------------------------------------------------------
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
  > >(tee "$state/logs/localcloud.log") 2>&1 &
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
