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
Usage: scripts/local.sh [--port N] [--aot] [--fresh]

  --port N   the HTTP API's port on 127.0.0.1 (default 4080)
  --aot      run the shipping Native AOT packages (scripts/package.sh --mode Aot; slower to
             build) instead of fast framework-dependent builds
  --fresh    ignore what earlier runs cached (the provisioned stack, builds) and start over

Prints the endpoint, the demo tenants' credentials and a ready-to-paste curl example for every
route once the system is up. Ctrl-C stops every process it started.
USAGE
}

port=4080
aot=0
fresh=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="${2:?error: --port needs a number}"; shift 2 ;;
    --aot) aot=1; shift ;;
    --fresh) fresh=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ && "$port" -ge 1024 && "$port" -le 65535 ]] || die "--port must be a number from 1024 to 65535, not '$port'"

require_dotnet
require_python
require_moto
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require aws "Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
require curl "Install curl (Debian: apt-get install curl), then re-run."

if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.close()' "$port" 2>/dev/null; then
  die "port $port on 127.0.0.1 is in use: a local cloud (or another program) is already running there. Stop it, or choose another port with --port."
fi

state="$REPO_ROOT/.local"
[[ "$fresh" -eq 0 ]] || rm -rf "$state"
mkdir -p "$state/logs" "$state/provision"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

started=$SECONDS
step_started=$SECONDS
step() { # step "what": prints the previous step's time, then announces the next
  printf '[%5ds] %s\n' "$((SECONDS - started))" "$1"
  step_started=$SECONDS
}
done_step() { printf '        done in %d s\n' "$((SECONDS - step_started))"; }

local_cloud_pid=""
cleanup() {
  trap - EXIT INT TERM
  if [[ -n "$local_cloud_pid" ]] && kill -0 "$local_cloud_pid" 2>/dev/null; then
    kill -INT "$local_cloud_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$local_cloud_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$local_cloud_pid" 2>/dev/null || true
    wait "$local_cloud_pid" 2>/dev/null || true
  fi
  moto_stop
  echo "local cloud stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- moto -------------------------------------------------------------------------------
step "starting moto_server"
export MOTO_RECORDER_FILEPATH="$state/provision/recording.jsonl"
: >"$MOTO_RECORDER_FILEPATH"
moto_start "$state/logs/moto.log"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""
export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
echo "        $MOTO_ENDPOINT (pid $MOTO_PID)"
done_step

# --- provision ----------------------------------------------------------------------------
# The stack is applied once and recorded: moto's identifiers are seeded, so replaying the
# recorded requests into a fresh moto rebuilds the same stack, with the same ids, in seconds.
# The recording is reused while the Terraform configuration, the manifest and moto are unchanged.
provision_key="$(python3 - "$REPO_ROOT" <<'PY'
import hashlib, pathlib, sys, importlib.metadata
root = pathlib.Path(sys.argv[1])
h = hashlib.sha256(importlib.metadata.version("moto").encode())
files = sorted(p for p in (root / "terraform").rglob("*") if p.is_file() and ".terraform" not in p.parts and p.suffix in (".tf", ".hcl", ".json"))
files += [root / "functions/functions.json", root / "tests/terraform/moto_override.tf.template", root / "scripts/local.sh"]
for p in files:
    h.update(str(p.relative_to(root)).encode()); h.update(p.read_bytes())
print(h.hexdigest()[:16])
PY
)"
cache="$state/provision/$provision_key"
curl -fsS -X POST "$MOTO_ENDPOINT/moto-api/seed?a=20261201" >/dev/null
if [[ -f "$cache/recording.jsonl" && -f "$cache/outputs.json" ]]; then
  step "provisioning the app stack into moto: replaying the recorded apply ($provision_key)"
  curl -fsS -X POST --data-binary "@$cache/recording.jsonl" "$MOTO_ENDPOINT/moto-api/recorder/upload-recording" >/dev/null
  curl -fsS -X POST "$MOTO_ENDPOINT/moto-api/recorder/replay-recording" >/dev/null
  aws dynamodb describe-table --table-name functions-local-events >/dev/null 2>&1 \
    || die "replaying the recorded stack did not recreate it; run again with --fresh"
else
  step "provisioning the app stack into moto with terraform apply (recorded for the next start)"
  rm -rf "$cache" && mkdir -p "$cache"
  work="$state/provision/work"
  rm -rf "$work" && mkdir -p "$work/repo/functions"
  cp -R "$REPO_ROOT/terraform" "$work/repo/terraform"
  cp "$REPO_ROOT/functions/functions.json" "$work/repo/functions/"
  rm -rf "$work/repo/terraform/app/.terraform"
  sed "s|@ENDPOINT@|$MOTO_ENDPOINT|g" "$REPO_ROOT/tests/terraform/moto_override.tf.template" >"$work/repo/terraform/app/moto_override.tf"
  use_provider_mirror "$state/provision"
  export TF_DATA_DIR="$state/provision/terraform-data"
  curl -fsS -X POST "$MOTO_ENDPOINT/moto-api/recorder/start-recording" >/dev/null
  # The app's zips must exist (versioned, write-once) before the functions point at them.
  python3 - "$work/fn.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("bootstrap", "#!/bin/sh\n")
PY
  aws s3api create-bucket --bucket functions-artifacts-local >/dev/null
  aws s3api put-bucket-versioning --bucket functions-artifacts-local --versioning-configuration Status=Enabled
  for name in $(manifest_functions); do
    aws s3api put-object --bucket functions-artifacts-local --key "0.0.0/$name.zip" --body "$work/fn.zip" >/dev/null
  done
  app="$work/repo/terraform/app"
  (cd "$app" && terraform init -input=false -no-color >"$state/logs/terraform-init.log" 2>&1) \
    || { cat "$state/logs/terraform-init.log"; die "terraform init failed"; }
  # One request at a time: the seeded identifiers then come out in the recorded order on replay.
  (cd "$app" && terraform apply -auto-approve -input=false -no-color -parallelism=1 -state="$work/local.tfstate" \
     -var environment=local -var region=us-east-1 -var release_version=0.0.0 -var package_type=Zip \
     -var artifact_bucket=functions-artifacts-local -var deletion_protection=false -var force_destroy_data=true \
     -var log_retention_days=1 >"$state/logs/terraform-apply.log" 2>&1) \
    || { tail -40 "$state/logs/terraform-apply.log"; die "terraform apply into moto failed (full log: $state/logs/terraform-apply.log)"; }
  curl -fsS -X POST "$MOTO_ENDPOINT/moto-api/recorder/stop-recording" >/dev/null
  (cd "$app" && terraform output -json -state="$work/local.tfstate") >"$cache/outputs.json"
  curl -fsS "$MOTO_ENDPOINT/moto-api/recorder/download-recording" >"$cache/recording.jsonl"
  unset TF_DATA_DIR
fi
done_step

# --- build ------------------------------------------------------------------------------
if [[ "$aot" -eq 1 ]]; then
  step "building the functions as Native AOT packages (scripts/package.sh --mode Aot)"
  "$REPO_ROOT/scripts/package.sh" --mode Aot --out "$state/aot" >"$state/logs/build.log" 2>&1 \
    || { tail -30 "$state/logs/build.log"; die "packaging failed (full log: $state/logs/build.log)"; }
  functions_dir="$state/aot"
else
  step "building the functions (framework-dependent, incremental)"
  functions_dir="$REPO_ROOT/functions"
fi
# One build of every function and the local cloud (a solution filter: one MSBuild run).
python3 - "$REPO_ROOT" "$state/local.slnf" <<'PY2'
import json, sys
root, out = sys.argv[1], sys.argv[2]
projects = [f["project"] for f in json.load(open(f"{root}/functions/functions.json"))["functions"]]
projects.append("tools/LocalCloud/LocalCloud.csproj")
json.dump({"solution": {"path": f"{root}/Functions.sln", "projects": [p.replace("/", "\\") for p in projects]}}, open(out, "w"), indent=2)
PY2
dotnet build "$state/local.slnf" -c Release --nologo -v quiet -clp:ErrorsOnly >>"$state/logs/build.log" 2>&1 \
  || { tail -30 "$state/logs/build.log"; die "the build failed (full log: $state/logs/build.log)"; }
done_step

# --- demo tenants -----------------------------------------------------------------------
step "creating the demo tenants (IAM users in moto)"
api_id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_id"]["value"])' "$cache/outputs.json")"
python3 - "$state/credentials" "$api_id" <<'PY'
import json, subprocess, sys
path, api_id = sys.argv[1], sys.argv[2]
endpoint = __import__("os").environ["AWS_ENDPOINT_URL"]
def aws(*args):
    return json.loads(subprocess.run(["aws", "--endpoint-url", endpoint, *args, "--output", "json"], check=True, capture_output=True, text=True).stdout or "{}")
invoke = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke",
          "Resource": f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*"}]}
lines = []
for user, allowed in (("alice", True), ("bob", True), ("mallory", False)):
    aws("iam", "create-user", "--user-name", user)
    if allowed:
        aws("iam", "put-user-policy", "--user-name", user, "--policy-name", "invoke-api", "--policy-document", json.dumps(invoke))
    key = aws("iam", "create-access-key", "--user-name", user)["AccessKey"]
    lines += [f"[{user}]", f"aws_access_key_id = {key['AccessKeyId']}", f"aws_secret_access_key = {key['SecretAccessKey']}", ""]
open(path, "w").write("\n".join(lines))
PY
done_step

# --- the local cloud --------------------------------------------------------------------
step "starting tools/LocalCloud on 127.0.0.1:$port"
ready="$state/logs/localcloud.ready"
rm -f "$ready"
dotnet "$REPO_ROOT/tools/LocalCloud/bin/Release/net10.0/LocalCloud.dll" \
  --moto "$MOTO_ENDPOINT" --manifest "$REPO_ROOT/functions/functions.json" --outputs "$cache/outputs.json" \
  --functions "$functions_dir" --port "$port" --logs "$state/logs" \
  > >(tee "$state/logs/localcloud.log" | python3 -u -c '
import json, sys
ready = sys.argv[1]
for line in sys.stdin:
    sys.stdout.write(line)
    try:
        if json.loads(line).get("event") == "ready":
            open(ready, "w").write(line)
    except ValueError:
        pass
' "$ready") 2>&1 &
local_cloud_pid=$!
for _ in $(seq 1 600); do
  [[ -s "$ready" ]] && break
  kill -0 "$local_cloud_pid" 2>/dev/null || die "tools/LocalCloud exited at start; see $state/logs/localcloud.log"
  sleep 0.1
done
[[ -s "$ready" ]] || die "tools/LocalCloud did not report ready within 60 s; see $state/logs/localcloud.log"
lambda_endpoint="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lambda_endpoint"])' "$ready")"
done_step

endpoint="http://127.0.0.1:$port"
python3 - "$state/credentials" "$endpoint" "$REPO_ROOT/functions/functions.json" "$lambda_endpoint" <<'PY'
import configparser, json, sys
creds, endpoint, manifest, lambda_endpoint = sys.argv[1:5]
c = configparser.ConfigParser(); c.read(creds)
alice = c["alice"]
sig = f"--aws-sigv4 'aws:amz:us-east-1:execute-api' --user '{alice['aws_access_key_id']}:{alice['aws_secret_access_key']}'"
examples = {
    "GET /objects": f"curl -s {sig} '{endpoint}/objects?prefix=files%2F&limit=10'",
    "POST /events": f"curl -s {sig} -H 'content-type: application/json' -d '{{\"id\":\"order-1\",\"type\":\"order.placed\",\"payload\":{{\"total\":12.5}}}}' '{endpoint}/events'",
    "GET /events/{id}": f"curl -s {sig} '{endpoint}/events/order-1'",
    "GET /events": f"curl -s {sig} '{endpoint}/events?type=order.placed&limit=10'",
    "POST /files": f"curl -s {sig} -H 'content-type: text/csv' --data-binary $'city,population\\nOslo,709037\\n' '{endpoint}/files?name=cities.csv'",
    "POST /files/uploads": f"curl -s {sig} -H 'content-type: application/json' -d '{{\"name\":\"big.csv\",\"size\":27,\"contentType\":\"text/csv\"}}' '{endpoint}/files/uploads'",
    "GET /files/{id}": f"curl -s {sig} '{endpoint}/files/<id from POST /files>'",
}
routes = [r for f in json.load(open(manifest))["functions"] for r in f.get("routes", [])]
print()
print(f"Local cloud ready: {endpoint}  (every route needs SigV4, service execute-api, region us-east-1)")
print(f"Lambda Invoke API: {lambda_endpoint}  (aws lambda invoke --endpoint-url {lambda_endpoint} ...)")
print(f"Credentials: {creds}  (profiles alice and bob may invoke the API; mallory may not)")
for user in ("alice", "bob", "mallory"):
    print(f"  {user}: {c[user]['aws_access_key_id']} / {c[user]['aws_secret_access_key']}")
print()
for route in routes:
    print(f"# {route}")
    print(examples.get(route, f"curl -s {sig} '{endpoint}{route.split(' ', 1)[1]}'"))
print()
print("Logs: .local/logs/ (one file per function). Ctrl-C stops everything.")
PY
echo "Local cloud ready in $((SECONDS - started)) s"
wait "$local_cloud_pid"
