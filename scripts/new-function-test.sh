#!/usr/bin/env bash
# Proves docs/adding-a-function.md: in a scratch copy of this checkout, adds a throwaway HTTP
# function exactly as the doc says (one project, added to the solution, one manifest entry) and
# shows that the build, Terraform and the local cloud pick it up with no other edit: the project
# builds; a plan against the recorded app stack (replayed into moto) creates its function, role,
# alias and route and destroys nothing; the apply succeeds; the local cloud serves its route
# behind SigV4 and IAM and prints its example, and scripts/smoke.sh checks it.
# Prints "new-function: N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"
source "$(dirname "$0")/lib/app_stack.sh"

usage() {
  cat <<USAGE
Usage: scripts/new-function-test.sh

Needs the solution built (dotnet build Functions.sln -c Release: the local cloud's own build is
used) and the recorded app stack (recorded first when .local/cache has none). Needs dotnet,
python3, moto_server, terraform with the provider mirror, the AWS CLI and curl 7.75+.
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
[[ $# -eq 0 ]] || { usage >&2; exit 2; }

require_dotnet
require_python
require_moto
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require aws "Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
require curl "Install curl 7.75+ (Debian: apt-get install curl), then re-run."
local_cloud="$REPO_ROOT/tools/LocalCloud/bin/Release/net10.0/LocalCloud.dll"
[[ -f "$local_cloud" ]] || die "no build of tools/LocalCloud: run 'dotnet build Functions.sln -c Release' first"

work="$(mktemp -d "${TMPDIR:-/tmp}/functions-newfn.XXXXXX")"
cloud_pid=""
cleanup() {
  if [[ -n "$cloud_pid" ]]; then kill "$cloud_pid" 2>/dev/null || true; wait "$cloud_pid" 2>/dev/null || true; fi
  moto_stop
  if [[ -z "${KEEP_WORK:-}" ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""

passed=0
failed=0
check() { # check NAME COMMAND...: one counted assertion; its output is shown when it fails
  local name="$1" log="$work/check.log"; shift
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "  ok   $name"
  else
    failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' "$log" | tail -30
  fi
}
finish() { echo "new-function: $passed passed, $failed failed"; [[ "$failed" -eq 0 ]]; exit; }

# The stack this checkout records (replayed below as the deployment the function is added to).
app_stack_record "$work/record-logs" || die "recording the app stack failed (logs in $work/record-logs)"

# --- 1. the project and the manifest entry, as docs/adding-a-function.md says ---------------
copy="$work/repo"
mkdir -p "$copy"
(cd "$REPO_ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$copy" 2>/dev/null) || true
scaffold() {
  mkdir -p "$copy/functions/Hello"
  cat >"$copy/functions/Hello/Hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
</Project>
XML
  cat >"$copy/functions/Hello/Function.cs" <<'CS'
using Functions.LambdaKit.Http;

namespace Functions.Hello;

/// <summary><c>GET /hello</c>: greets the calling tenant (the new-function test's throwaway function).</summary>
public sealed class Function : IHttpApiFunction<Function>
{
    /// <inheritdoc />
    public Task<APIGatewayHttpApiV2ProxyResponse> HandleAsync(HttpApiRequest request)
    {
        request.Query.RejectUnknown();
        return Task.FromResult(HttpResults.Json(200, "{\"hello\":\"" + request.Tenant.Key + "\"}"));
    }
}
CS
  (cd "$copy" && dotnet sln Functions.sln add --solution-folder functions functions/Hello/Hello.csproj)
  python3 - "$copy/functions/functions.json" <<'PY'
import json, sys
path = sys.argv[1]
manifest = json.load(open(path))
manifest["functions"].append({
    "name": "Hello",
    "project": "functions/Hello/Hello.csproj",
    "description": "Greets the calling tenant (a throwaway function of scripts/new-function-test.sh).",
    "memory": 128,
    "timeout": 5,
    "routes": ["GET /hello"],
    "samples": [{"step": 5, "route": "GET /hello", "title": "the greeting",
                 "expect": {"status": 200, "members": [{"member": "hello", "type": "string"}]}}],
    "environment": {},
    "permissions": [],
})
json.dump(manifest, open(path, "w"), indent=2)
open(path, "a").write("\n")
PY
}
echo "== the project, in the solution, and its manifest entry"
check "the function is scaffolded as the doc says and added to the solution" scaffold
check "the manifest with the entry matches its schema" python3 -c '
import json, sys, jsonschema
root = sys.argv[1]
jsonschema.validate(json.load(open(root + "/functions/functions.json")), json.load(open(root + "/functions/functions.schema.json")))
print("valid")' "$copy"

# --- 2. the build ----------------------------------------------------------------------------
echo "== build"
build() {
  # The libraries it references are this checkout's build (copied): only the new project compiles.
  local library
  for library in "$REPO_ROOT"/functions/Shared/*/; do
    library="${library%/}"
    [[ -d "$library/bin/Release" ]] || { echo "no build of $library: run 'dotnet build Functions.sln -c Release' first"; return 1; }
    # bin/ for the assemblies, obj/ for the reference assemblies the compiler reads.
    mkdir -p "$copy/functions/Shared/$(basename "$library")/bin" "$copy/functions/Shared/$(basename "$library")/obj"
    cp -R "$library/bin/Release" "$copy/functions/Shared/$(basename "$library")/bin/"
    cp -R "$library/obj/Release" "$copy/functions/Shared/$(basename "$library")/obj/"
  done
  (cd "$copy" && dotnet build functions/Hello/Hello.csproj -c Release --no-dependencies --nologo -v quiet -clp:ErrorsOnly -warnaserror) || return 1
  [[ -f "$copy/functions/Hello/bin/Release/net10.0/Hello.dll" ]]
}
check "the project builds with warnings as errors (entry point, namespace and kit from functions/Directory.Build.props)" build
[[ "$failed" -eq 0 ]] || finish

# --- 3. Terraform: planned and applied onto the recorded stack -------------------------------
echo "== Terraform against the recorded stack"
MOTO_RECORDER_FILEPATH="$work/moto-replay.jsonl" MOTO_LAUNCHER="$REPO_ROOT/scripts/lib/moto_local.py" moto_start "$work/moto.log"
tf="$work/tf"
mkdir -p "$tf"
app_stack_config "$tf" "$MOTO_ENDPOINT" "$copy" >/dev/null || die "terraform init of the scratch copy failed"
check "the recorded stack is replayed into moto" app_stack_replay "$MOTO_ENDPOINT"
cp "$(app_stack_dir)/terraform.tfstate" "$tf/terraform.tfstate"
# What a release of this version holds for the new function (scripts/release.sh uploads every
# manifest function's zip; moto runs none of them, so any zip will do).
artifact() {
  python3 - "$work/Hello.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("bootstrap", "#!/bin/sh\n")
PY
  aws --endpoint-url "$MOTO_ENDPOINT" s3api put-object --bucket functions-artifacts-local --key 0.0.0/Hello.zip --body "$work/Hello.zip"
}
check "the release's zip of the new function is in the artifact bucket" artifact
plan() {
  app_stack_terraform "$tf" plan -input=false -no-color -out="$tf/new.plan" -state="$tf/terraform.tfstate" "${APP_STACK_VARS[@]}" \
    >"$tf/plan.log" 2>&1 || { tail -30 "$tf/plan.log"; return 1; }
  app_stack_terraform "$tf" show -json "$tf/new.plan" | python3 -c '
import json, sys
changes = json.load(sys.stdin).get("resource_changes", [])
created = [c["address"] for c in changes if c["change"]["actions"] == ["create"]]
removed = [c["address"] for c in changes if "delete" in c["change"]["actions"]]
print("creates:", *created, sep="\n  ")
assert not removed, f"the plan destroys or replaces: {removed}"
others = [a for a in created if "hello" not in a.lower()]
assert not others, f"the plan creates what is not the new function: {others}"
for needed in ("aws_lambda_function.this", "aws_lambda_alias.live", "aws_iam_role.this", "aws_apigatewayv2_route.this[\"GET /hello\"]"):
    assert any(needed in a for a in created), f"nothing like {needed} is created"
print(len(created), "resources of the new function, nothing destroyed")'
}
check "terraform plan creates the function, its role, alias, log group and route, and destroys nothing" plan
check "terraform apply adds them to the running stack" \
  app_stack_terraform "$tf" apply -input=false -no-color -auto-approve -state="$tf/terraform.tfstate" "${APP_STACK_VARS[@]}"
app_stack_terraform "$tf" output -json -state="$tf/terraform.tfstate" >"$work/outputs.json"
[[ "$failed" -eq 0 ]] || finish

# --- 4. the local cloud ----------------------------------------------------------------------
echo "== the local cloud"
# As scripts/local.sh does after its replay: the data bucket goes without its policy in moto.
aws --endpoint-url "$MOTO_ENDPOINT" s3api delete-bucket-policy \
  --bucket "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data_bucket"]["value"])' "$work/outputs.json")"
python3 "$REPO_ROOT/scripts/lib/local_stack.py" tenants "$MOTO_ENDPOINT" "$work/outputs.json" "$work/credentials"
# The other functions run the checkout's own build (the scratch copy built only the new one).
for name in $(manifest_functions); do
  mkdir -p "$copy/functions/$name/bin/Release"
  cp -R "$REPO_ROOT/functions/$name/bin/Release/net10.0" "$copy/functions/$name/bin/Release/" \
    || die "no build of $name: run 'dotnet build Functions.sln -c Release' first"
done
port="$(free_port)"
mkdir -p "$work/logs"
dotnet "$local_cloud" --moto "$MOTO_ENDPOINT" --manifest "$copy/functions/functions.json" --outputs "$work/outputs.json" \
  --functions "$copy/functions" --port "$port" --concurrency 2 --logs "$work/logs" --ready-file "$work/localcloud.ready" \
  >"$work/localcloud.log" 2>&1 &
cloud_pid=$!
ready() {
  local i
  for ((i = 0; i < 600; i++)); do
    [[ -s "$work/localcloud.ready" ]] && break
    kill -0 "$cloud_pid" 2>/dev/null || { cat "$work/localcloud.log"; return 1; }
    sleep 0.1
  done
  cat "$work/localcloud.ready"
  python3 -c '
import json, sys
ready = json.loads(open(sys.argv[1]).read())
manifest = json.load(open(sys.argv[2]))["functions"]
assert ready["functions"] == len(manifest) and ready["routes"] == sum(len(f.get("routes", [])) for f in manifest), ready' \
    "$work/localcloud.ready" "$copy/functions/functions.json"
}
check "the local cloud starts every function of the manifest, the new one too" ready
[[ "$failed" -eq 0 ]] || finish
alice_key="$(python3 -c 'import configparser,sys; c=configparser.ConfigParser(); c.read(sys.argv[1]); print(c["alice"]["aws_access_key_id"])' "$work/credentials")"
alice_secret="$(python3 -c 'import configparser,sys; c=configparser.ConfigParser(); c.read(sys.argv[1]); print(c["alice"]["aws_secret_access_key"])' "$work/credentials")"
hello() {
  local body status
  body="$(curl -sS -w '\n%{http_code}' --aws-sigv4 'aws:amz:us-east-1:execute-api' --user "$alice_key:$alice_secret" "http://127.0.0.1:$port/hello")"
  status="${body##*$'\n'}"
  echo "$body"
  [[ "$status" == 200 ]] && grep -q '"hello":"' <<<"$body"
}
check "GET /hello, signed by a demo tenant, answers 200 from the new function" hello
unsigned() {
  [[ "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/hello")" == 403 ]]
}
check "GET /hello unsigned is refused as API Gateway refuses it (AWS_IAM)" unsigned
examples() {
  python3 "$REPO_ROOT/scripts/lib/local_stack.py" examples "$work" "http://127.0.0.1:$port" "$copy/functions/functions.json" | tee "$work/examples.txt"
  grep -q '^# GET /hello' "$work/examples.txt"
}
check "the local cloud's printed examples show the new route" examples
smoke() {
  # The smoke test's plan (smoke.sh --list: what it checks, in order). The end-to-end suite runs
  # the whole smoke test against the local cloud; here it is enough that the new route is in it.
  "$copy/scripts/smoke.sh" --list | tee "$work/smoke.txt"
  grep -qx '  manifest route GET /hello has a sample' "$work/smoke.txt" \
    && grep -qx '  GET /hello unsigned → 403' "$work/smoke.txt" \
    && grep -qx '  GET /hello → 200, the greeting' "$work/smoke.txt"
}
check "scripts/smoke.sh checks the new route: a sample, refused unsigned, its sample's answer" smoke

finish
