#!/usr/bin/env bash
# Applies terraform/app to moto_server on loopback through a test-only override file, reads
# the result back, checks that a second plan has no changes, and destroys it — for
# package_type Zip and Image. Starts its own moto_server unless MOTO_ENDPOINT is set.
# Prints "terraform-moto: N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"

usage() {
  cat <<USAGE
Usage: scripts/terraform-moto.sh [Zip|Image]...

Runs the apply / read-back / plan / destroy cycle of terraform/app against moto for each
package type given (default: Zip Image).
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
types=("$@")
[[ ${#types[@]} -gt 0 ]] || types=(Zip Image)

require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require aws "Install the AWS CLI v2 or 'pip install awscli', then re-run."
require_python

work="$(mktemp -d "${TMPDIR:-/tmp}/functions-tfmoto.XXXXXX")"
own_moto=0
cleanup() {
  if [[ "$own_moto" -eq 1 ]]; then moto_stop; fi
  if [[ -z "${KEEP_WORK:-}" ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT
if [[ -z "${MOTO_ENDPOINT:-}" ]]; then
  moto_start "$work/moto.log"
  own_moto=1
fi

use_provider_mirror "$work"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ENDPOINT_URL="$MOTO_ENDPOINT" AWS_PAGER=""

passed=0
failed=0
check() { # check NAME COMMAND...: one counted assertion
  local name="$1"; shift
  local log="$work/check-$BASHPID.log"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "  ok   $name"
  else
    failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' "$log" | tail -20
  fi
}

# A scratch copy keeps the override out of the repository (the manifest path is relative).
mkdir -p "$work/repo/functions"
cp -R "$REPO_ROOT/terraform" "$work/repo/terraform"
cp "$REPO_ROOT/functions/functions.json" "$work/repo/functions/"
rm -rf "$work/repo/terraform/app/.terraform"
sed "s|@ENDPOINT@|$MOTO_ENDPOINT|g" "$REPO_ROOT/tests/terraform/moto_override.tf.template" >"$work/repo/terraform/app/moto_override.tf"
app="$work/repo/terraform/app"
(cd "$app" && terraform init -input=false -no-color >"$work/init.log" 2>&1) || { cat "$work/init.log"; die "terraform init failed"; }

# Artifacts the functions point at: any zip will do, moto does not run them.
python3 - "$work/fn.zip" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("bootstrap", "#!/bin/sh\n")
PY
aws s3api create-bucket --bucket functions-artifacts-moto >/dev/null
for name in $(manifest_functions); do
  aws s3 cp --quiet "$work/fn.zip" "s3://functions-artifacts-moto/0.0.1/$name.zip"
done

cycle() {
  local type="$1" passed=0 failed=0
  env="moto-$(tr '[:upper:]' '[:lower:]' <<<"$type")"
  vars=(-var "environment=$env" -var "region=us-east-1" -var "release_version=0.0.1" -var "package_type=$type"
        -var "deletion_protection=false" -var "force_destroy_data=true" -var "log_retention_days=1")
  if [[ "$type" == "Zip" ]]; then
    vars+=(-var "artifact_bucket=functions-artifacts-moto")
  else
    vars+=(-var "image_repository_prefix=123456789012.dkr.ecr.us-east-1.amazonaws.com/functions")
  fi
  echo "== $type: apply"
  start=$SECONDS
  check "$type: apply" bash -c "cd '$app' && timeout 600 terraform apply -auto-approve -input=false -no-color ${vars[*]@Q} -state='$work/$env.tfstate'"
  echo "   applied in $((SECONDS - start)) s"
  api_id="$(cd "$app" && terraform output -state="$work/$env.tfstate" -raw api_id 2>/dev/null || true)"
  bucket="$(cd "$app" && terraform output -state="$work/$env.tfstate" -raw data_bucket 2>/dev/null || true)"
  table="$(cd "$app" && terraform output -state="$work/$env.tfstate" -raw events_table 2>/dev/null || true)"

  echo "== $type: read back"
  check "$type: every route is AWS_IAM" bash -c "
    aws apigatewayv2 get-routes --api-id '$api_id' --output json | python3 -c '
import json, sys
routes = json.load(sys.stdin)[\"Items\"]
manifest = json.load(open(\"$REPO_ROOT/functions/functions.json\"))[\"functions\"]
expected = sorted(r for f in manifest for r in f.get(\"routes\", []))
assert sorted(r[\"RouteKey\"] for r in routes) == expected, routes
assert all(r[\"AuthorizationType\"] == \"AWS_IAM\" for r in routes), routes
print(len(routes), \"routes, all AWS_IAM\")'"
  check "$type: integrations are AWS_PROXY payload 2.0" bash -c "
    aws apigatewayv2 get-integrations --api-id '$api_id' --output json | python3 -c '
import json, sys
items = json.load(sys.stdin)[\"Items\"]
assert items and all(i[\"IntegrationType\"] == \"AWS_PROXY\" and i[\"PayloadFormatVersion\"] == \"2.0\" for i in items), items
print(len(items), \"integrations\")'"
  check "$type: data bucket encrypted with the CMK" bash -c "
    aws s3api get-bucket-encryption --bucket '$bucket' --output json | python3 -c '
import json, sys
rule = json.load(sys.stdin)[\"ServerSideEncryptionConfiguration\"][\"Rules\"][0]
assert rule[\"ApplyServerSideEncryptionByDefault\"][\"SSEAlgorithm\"] == \"aws:kms\", rule
assert rule[\"ApplyServerSideEncryptionByDefault\"][\"KMSMasterKeyID\"].startswith(\"arn:aws:kms:\"), rule
print(\"aws:kms\")'"
  check "$type: table stream NEW_AND_OLD_IMAGES" bash -c "
    aws dynamodb describe-table --table-name '$table' --output json | python3 -c '
import json, sys
t = json.load(sys.stdin)[\"Table\"]
assert t[\"StreamSpecification\"][\"StreamEnabled\"] and t[\"StreamSpecification\"][\"StreamViewType\"] == \"NEW_AND_OLD_IMAGES\", t
print(t[\"LatestStreamArn\"])'"

  echo "== $type: second plan"
  check "$type: second plan has no changes (beyond moto's known gaps)" bash -c "cd '$app' && terraform plan -input=false -no-color -out='$work/$env.plan' ${vars[*]@Q} -state='$work/$env.tfstate' >'$work/$env.plan.log' 2>&1 && terraform show -json '$work/$env.plan' | python3 '$REPO_ROOT/tests/terraform/check_second_plan.py'"

  echo "== $type: destroy"
  check "$type: destroy" bash -c "cd '$app' && terraform destroy -auto-approve -input=false -no-color ${vars[*]@Q} -state='$work/$env.tfstate'"
  echo "$passed $failed" >"$work/$type.result"
}

# The two package types apply side by side (different names in one moto): most of an apply
# is the provider waiting on SQS and KMS, so this halves the wall time on two cores.
pids=()
for type in "${types[@]}"; do
  cycle "$type" >"$work/$type.log" 2>&1 &
  pids+=($!)
done
# Wait for the cycles only (moto_server, when started here, is a background job too).
for pid in "${pids[@]}"; do
  wait "$pid" || true
done
passed=0
failed=0
for type in "${types[@]}"; do
  cat "$work/$type.log"
  if [[ -f "$work/$type.result" ]]; then
    read -r p f <"$work/$type.result"
    passed=$((passed + p))
    failed=$((failed + f))
  else
    failed=$((failed + 1))
    echo "  FAIL $type: the cycle did not finish"
  fi
done

echo "terraform-moto: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
