#!/usr/bin/env bash
# terraform/app against moto_server on loopback, through a test-only override file: for Zip,
# the recorded app stack (scripts/lib/app_stack.sh: applied once into a recording moto, the
# same stack scripts/local.sh runs) replayed into a moto of its own; for Image, applied afresh.
# Each is read back, planned again (no changes beyond moto's known gaps) and destroyed.
# terraform/bootstrap is applied the same way to a moto_server of its own, where moto's IAM
# enforcement is switched on and the dev deploy, release and dev read-only roles are probed (tests/terraform/
# deploy_role_probes.py). Prints "terraform-moto: N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"
source "$(dirname "$0")/lib/app_stack.sh"

usage() {
  cat <<USAGE
Usage: scripts/terraform-moto.sh [Zip|Image|Bootstrap]...

Runs the read-back / second plan / destroy cycle against moto of terraform/app for each
package type given (Zip: the recorded app stack, recorded first when .local/cache has none;
Image: applied afresh), and of terraform/bootstrap with the deploy-role probes (default: all
three). Each runs on a moto_server of its own, side by side.
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
types=("$@")
[[ ${#types[@]} -gt 0 ]] || types=(Zip Image Bootstrap)

require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require aws "Install the AWS CLI v2 or 'pip install awscli', then re-run."
require curl "Install curl (Debian: apt-get install curl), then re-run."
require_python

work="$(mktemp -d "${TMPDIR:-/tmp}/functions-tfmoto.XXXXXX")"
cleanup() {
  if [[ -z "${KEEP_WORK:-}" ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT
use_provider_mirror "$work"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""

check() { # check NAME COMMAND...: one counted assertion
  local name="$1"; shift
  local log="$work/check-$BASHPID.log"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "  ok   $name"
  else
    failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' "$log" | tail -20
  fi
}

# image_artifacts FILE: what the Image stack points at, in the moto at MOTO_ENDPOINT: per function
# an ECR repository with a release image (moto computes its digest from the layers). Writes
# the digest of each function's image to FILE as a Terraform map, for -var image_digests=…
# (the app runs images by digest only).
image_artifacts() {
  local file="$1" name repo digest digests=()
  for name in $(manifest_functions); do
    repo="functions/$(tr '[:upper:]' '[:lower:]' <<<"$name")"
    aws ecr create-repository --repository-name "$repo" >/dev/null
    digest="$(aws ecr put-image --repository-name "$repo" --image-tag 0.0.1 --query image.imageId.imageDigest --output text --image-manifest "$(python3 -c '
import hashlib, json, sys
# moto derives the image digest from the layers: one layer of its own per function, so each
# function has a digest of its own.
layer = {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 1, "digest": "sha256:" + hashlib.sha256(b"layer " + sys.argv[1].encode()).hexdigest()}
print(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
  "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1, "digest": "sha256:" + hashlib.sha256(sys.argv[1].encode()).hexdigest()},
  "layers": [layer]}))' "$name")")"
    digests+=("\"$name\" = \"$digest\"")
  done
  (IFS=,; echo "{${digests[*]}}") >"$file"
}

cycle() {
  local type="$1" passed=0 failed=0 cw="$work/$1"
  mkdir -p "$cw"
  # A replay uploads the recording, which moto keeps in MOTO_RECORDER_FILEPATH (default: ./moto_recording).
  MOTO_RECORDER_FILEPATH="$cw/moto-replay.jsonl" moto_start "$cw/moto.log"
  trap moto_stop EXIT
  export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
  local app
  app="$(app_stack_config "$cw" "$MOTO_ENDPOINT")" || { echo "  FAIL $type: terraform init"; echo "0 1" >"$work/$type.result"; return; }
  local state="$cw/terraform.tfstate"
  local start=$SECONDS
  if [[ "$type" == "Zip" ]]; then
    env=local
    vars=("${APP_STACK_VARS[@]}")
    echo "== $type: the recorded app stack, replayed"
    check "$type: the recorded stack exists or is recorded now" app_stack_record "$cw/record-logs"
    check "$type: replayed into a fresh moto" app_stack_replay "$MOTO_ENDPOINT"
    cp "$(app_stack_dir)/terraform.tfstate" "$state"
    echo "   ready in $((SECONDS - start)) s"
  else
    env="moto$(tr '[:upper:]' '[:lower:]' <<<"$type")"
    vars=(-var "environment=$env" -var "region=us-east-1" -var "release_version=0.0.1" -var "package_type=$type"
          -var "deletion_protection=false" -var "force_destroy_data=true" -var "log_retention_days=1"
          -var "image_repository_prefix=123456789012.dkr.ecr.us-east-1.amazonaws.com/functions")
    image_artifacts "$cw/image-digests"
    vars+=(-var "image_digests=$(cat "$cw/image-digests")")
    echo "== $type: apply"
    check "$type: apply" app_stack_terraform "$cw" apply -auto-approve -input=false -no-color "${vars[@]}" -state="$state"
    echo "   applied in $((SECONDS - start)) s"
  fi
  api_id="$(app_stack_terraform "$cw" output -state="$state" -json | python3 -c 'import json,sys; print(json.load(sys.stdin)["api_id"]["value"])' 2>/dev/null || true)"
  bucket="$(app_stack_terraform "$cw" output -state="$state" -json | python3 -c 'import json,sys; print(json.load(sys.stdin)["data_bucket"]["value"])' 2>/dev/null || true)"
  table="$(app_stack_terraform "$cw" output -state="$state" -json | python3 -c 'import json,sys; print(json.load(sys.stdin)["events_table"]["value"])' 2>/dev/null || true)"
  env_prefix="functions-$env"

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

  check "$type: the sparse index unsettled (gsi3pk, gsi3sk, KEYS_ONLY)" bash -c "
    aws dynamodb describe-table --table-name '$table' --output json | python3 -c '
import json, sys
indexes = {i[\"IndexName\"]: i for i in json.load(sys.stdin)[\"Table\"][\"GlobalSecondaryIndexes\"]}
u = indexes[\"unsettled\"]
assert [k[\"AttributeName\"] for k in u[\"KeySchema\"]] == [\"gsi3pk\", \"gsi3sk\"], u
assert u[\"Projection\"][\"ProjectionType\"] == \"KEYS_ONLY\", u
print(sorted(indexes))'"
  check "$type: the reconcile schedule targets the live alias, retries and dead-letters" bash -c "
    aws scheduler get-schedule --name '$env_prefix-ProcessRecords-0' --output json | python3 -c '
import json, sys
t = json.load(sys.stdin)[\"Target\"]
assert t[\"Arn\"].endswith(\":function:$env_prefix-ProcessRecords:live\"), t
assert json.loads(t[\"Input\"]) == {\"action\": \"reconcile\", \"olderThanSeconds\": 900}, t
assert t[\"RetryPolicy\"][\"MaximumRetryAttempts\"] >= 1 and t[\"DeadLetterConfig\"][\"Arn\"].endswith(\":$env_prefix-schedule-dlq\"), t
assert \"/functions/$env/scheduler/\" in t[\"RoleArn\"], t
print(t[\"Arn\"])'"
  check "$type: every role is under /functions/$env/ with the boundary, which exists" python3 -c '
import boto3, json, sys
env, manifest = sys.argv[1], json.load(open(sys.argv[2]))["functions"]
iam = boto3.client("iam")
roles = iam.list_roles(PathPrefix=f"/functions/{env}/")["Roles"]
assert len(roles) == len(manifest) + 1, [r["Arn"] for r in roles]
for r in roles:
    boundary = iam.get_role(RoleName=r["RoleName"])["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"]
    assert boundary.endswith(f":policy/functions-boundary-{env}"), (r["Arn"], boundary)
# Created from the module the bootstrap stack uses (tests/terraform/moto_boundary.tf.template).
policy = iam.get_policy(PolicyArn=boundary)["Policy"]
document = iam.get_policy_version(PolicyArn=boundary, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
sids = [s["Sid"] for s in document["Statement"]]
assert "EnvironmentObjects" in sids and f"functions-{env}-" in json.dumps(document), document
print(len(roles), "roles, all bounded by", boundary, "with", len(sids), "statements")' "$env" "$REPO_ROOT/functions/functions.json"

  check "$type: monitoring: each function's four alarms, each DLQ and failures queue, every alarm to the encrypted topic on ALARM and OK, error-line filters, dashboard" python3 -c '
import boto3, json, sys
env, manifest = sys.argv[1], json.load(open(sys.argv[2]))["functions"]
prefix = f"functions-{env}"
cw, sns, logs = boto3.client("cloudwatch"), boto3.client("sns"), boto3.client("logs")
alarms = {a["AlarmName"]: a for page in cw.get_paginator("describe_alarms").paginate(AlarmNamePrefix=prefix + "-") for a in page["MetricAlarms"]}
topic = f"arn:aws:sns:us-east-1:123456789012:{prefix}-alarms"
assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"].startswith("arn:aws:kms:"), "topic not encrypted with the CMK"
for f in manifest:
    name = f["name"]
    for kind in ("errors", "throttles", "duration-p99", "error-logs"):
        assert f"{prefix}-{name}-{kind}" in alarms, (name, kind, sorted(alarms))
    assert alarms[f"{prefix}-{name}-duration-p99"]["Threshold"] == f["timeout"] * 800, name
    filters = logs.describe_metric_filters(logGroupName=f"/aws/lambda/{prefix}-{name}")["metricFilters"]
    assert len(filters) == 1 and filters[0]["metricTransformations"][0]["metricName"] == "ErrorLogLines", filters
queues = {a["Dimensions"][0]["Value"] for a in alarms.values() if a.get("MetricName") == "ApproximateNumberOfMessagesVisible"}
assert queues == {f"{prefix}-uploads-dlq", f"{prefix}-stream-failures", f"{prefix}-stream-failures-dlq", f"{prefix}-schedule-dlq"}, queues
for a in alarms.values():
    assert a["AlarmActions"] == [topic] and a["OKActions"] == [topic], a["AlarmName"]
body = json.loads(cw.get_dashboard(DashboardName=prefix)["DashboardBody"])
assert len(body["widgets"]) >= 10, len(body["widgets"])
print(len(alarms), "alarms,", len(body["widgets"]), "widgets")' "$env" "$REPO_ROOT/functions/functions.json"

  app_stack_terraform "$cw" output -state="$state" -json >"$cw/outputs.json" 2>/dev/null || true
  check "$type: outputs functions and canary_alarms name what moto holds (live on the version this apply published, existing alarms)" python3 -c '
import boto3, json, sys
outputs, manifest, image = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["functions"], sys.argv[3] == "Image"
functions, canary = outputs["functions"]["value"], outputs["canary_alarms"]["value"]
names = sorted(f["name"] for f in manifest)
assert sorted(functions) == names and sorted(canary) == names, (sorted(functions), sorted(canary))
lam, cw = boto3.client("lambda"), boto3.client("cloudwatch")
for name, f in functions.items():
    assert f["alias"] == "live", f
    alias = lam.get_alias(FunctionName=f["function_name"], Name="live")
    assert alias["FunctionVersion"] == f["version"] and not alias.get("RoutingConfig", {}).get("AdditionalVersionWeights"), (name, alias, f)
    if image:
        uri = lam.get_function(FunctionName=f["function_name"], Qualifier=f["version"])["Code"]["ImageUri"]
        repo = "functions/" + name.lower()
        digest = boto3.client("ecr").describe_images(repositoryName=repo)["imageDetails"][0]["imageDigest"]
        assert uri.endswith("/" + repo + "@" + digest), (name, uri, digest)
    found = {a["AlarmName"] for a in cw.describe_alarms(AlarmNames=canary[name])["MetricAlarms"]}
    assert found == set(canary[name]) and len(found) >= 4, (name, sorted(found), canary[name])
print(len(functions), "functions on their published versions,", sum(map(len, canary.values())), "canary alarm names, all existing")' \
    "$cw/outputs.json" "$REPO_ROOT/functions/functions.json" "$type"

  echo "== $type: second plan"
  second_plan() {
    app_stack_terraform "$cw" plan -input=false -no-color -out="$cw/second.plan" "${vars[@]}" -state="$state" >"$cw/second-plan.log" 2>&1 \
      || { tail -30 "$cw/second-plan.log"; return 1; }
    app_stack_terraform "$cw" show -json "$cw/second.plan" | python3 "$REPO_ROOT/tests/terraform/check_second_plan.py"
  }
  check "$type: second plan has no changes (beyond moto's known gaps)" second_plan

  echo "== $type: destroy"
  check "$type: destroy" app_stack_terraform "$cw" destroy -auto-approve -input=false -no-color "${vars[@]}" -state="$state"
  echo "$passed $failed" >"$work/$type.result"
}

# terraform/bootstrap on a moto_server of its own (IAM enforcement is global to a server),
# then the deploy-role probes with enforcement on.
bootstrap_cycle() {
  local passed=0 failed=0
  moto_start "$work/moto-bootstrap.log"
  trap moto_stop EXIT
  export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
  local root="$work/bootstrap-repo" state="$work/bootstrap.tfstate"
  mkdir -p "$root/functions"
  cp -R "$REPO_ROOT/terraform" "$root/terraform"
  cp "$REPO_ROOT/functions/functions.json" "$REPO_ROOT/functions/metrics.json" "$root/functions/"
  rm -rf "$root/terraform/bootstrap/.terraform"
  sed "s|@ENDPOINT@|$MOTO_ENDPOINT|g" "$REPO_ROOT/tests/terraform/moto_bootstrap_override.tf.template" >"$root/terraform/bootstrap/moto_override.tf"
  local dir="$root/terraform/bootstrap"
  local vars=(-var "repository=example-org/functions" -var "region=us-east-1"
              -var 'break_glass_role_arns=["arn:aws:iam::123456789012:role/break-glass"]')
  (cd "$dir" && TF_DATA_DIR="$work/bootstrap-data" terraform init -input=false -no-color >"$work/bootstrap-init.log" 2>&1) \
    || { cat "$work/bootstrap-init.log"; echo "0 1" >"$work/Bootstrap.result"; return; }
  export TF_DATA_DIR="$work/bootstrap-data"

  echo "== Bootstrap: apply"
  local start=$SECONDS
  check "Bootstrap: apply" bash -c "cd '$dir' && timeout 600 terraform apply -auto-approve -input=false -no-color ${vars[*]@Q} -state='$state'"
  echo "   applied in $((SECONDS - start)) s"

  echo "== Bootstrap: read back"
  check "Bootstrap: each deploy role has its managed policies, inline guardrails and one trusted environment" bash -c "
    for env in dev stage prod; do
      aws iam list-attached-role-policies --role-name functions-deploy-\$env --output json | python3 -c '
import json, sys
names = sorted(p[\"PolicyName\"] for p in json.load(sys.stdin)[\"AttachedPolicies\"])
env = sys.argv[1]
assert names == sorted(f\"functions-deploy-{env}-{c}\" for c in [\"api\", \"artifacts\", \"functions\", \"images\", \"keys\", \"monitoring\", \"roles\", \"state\", \"storage\"]), names
print(env, len(names), \"managed policies\")' \$env
      aws iam list-role-policies --role-name functions-deploy-\$env --output json | python3 -c '
import json, sys
assert json.load(sys.stdin)[\"PolicyNames\"] == [\"guardrails\"]'
      aws iam get-role --role-name functions-deploy-\$env --output json | python3 -c '
import json, sys
trust = json.load(sys.stdin)[\"Role\"][\"AssumeRolePolicyDocument\"]
sub = trust[\"Statement\"][0][\"Condition\"][\"StringEquals\"][\"token.actions.githubusercontent.com:sub\"]
assert sub in ([f\"repo:example-org/functions:environment:{sys.argv[1]}\"], f\"repo:example-org/functions:environment:{sys.argv[1]}\"), trust
print(sub)' \$env
      aws iam get-policy --policy-arn arn:aws:iam::123456789012:policy/functions-boundary-\$env >/dev/null
    done"
  check "Bootstrap: the release role (inline artifacts, images, signing; trusts main and v* tags), a read-only role per environment (trusts main), the signing key" bash -c "
    aws iam list-role-policies --role-name functions-release --output json | python3 -c '
import json, sys
assert sorted(json.load(sys.stdin)[\"PolicyNames\"]) == [\"artifacts\", \"images\", \"signing\"]'
    aws iam get-role --role-name functions-release --output json | python3 -c '
import json, sys
condition = json.load(sys.stdin)[\"Role\"][\"AssumeRolePolicyDocument\"][\"Statement\"][0][\"Condition\"]
assert condition[\"StringLike\"][\"token.actions.githubusercontent.com:sub\"] == [\"repo:example-org/functions:ref:refs/heads/main\", \"repo:example-org/functions:ref:refs/tags/v*\"], condition
print(condition[\"StringLike\"])'
    for env in dev stage prod; do
      aws iam get-role --role-name functions-readonly-\$env --output json | python3 -c '
import json, sys
sub = json.load(sys.stdin)[\"Role\"][\"AssumeRolePolicyDocument\"][\"Statement\"][0][\"Condition\"][\"StringEquals\"][\"token.actions.githubusercontent.com:sub\"]
assert sub in ([\"repo:example-org/functions:ref:refs/heads/main\"], \"repo:example-org/functions:ref:refs/heads/main\"), sub'
      aws iam list-attached-role-policies --role-name functions-readonly-\$env --output json | python3 -c '
import json, sys
names = sorted(p[\"PolicyName\"] for p in json.load(sys.stdin)[\"AttachedPolicies\"])
assert f\"functions-readonly-{sys.argv[1]}-state\" in names and len(names) == 9, names
print(sys.argv[1], names)' \$env
    done
    aws kms describe-key --key-id alias/functions-release-signing --output json | python3 -c '
import json, sys
k = json.load(sys.stdin)[\"KeyMetadata\"]
assert k[\"KeySpec\"] == \"ECC_NIST_P256\" and k[\"KeyUsage\"] == \"SIGN_VERIFY\", k
print(k[\"KeySpec\"], k[\"KeyUsage\"])'"
  check "Bootstrap: second plan has no changes (beyond moto's known gaps)" bash -c "cd '$dir' && terraform plan -input=false -no-color -out='$work/bootstrap.plan' ${vars[*]@Q} -state='$state' >'$work/bootstrap.plan.log' 2>&1 && terraform show -json '$work/bootstrap.plan' | python3 '$REPO_ROOT/tests/terraform/check_second_plan.py'"

  echo "== Bootstrap: the dev deploy, release and dev read-only roles under moto's IAM enforcement"
  local state_bucket artifact_bucket
  state_bucket="$(cd "$dir" && terraform output -state="$state" -raw state_bucket)"
  artifact_bucket="$(cd "$dir" && terraform output -state="$state" -raw artifact_bucket)"
  (cd "$dir" && terraform output -state="$state" -json backend_configs) | python3 -c 'import json,sys; print(json.load(sys.stdin)["dev"])' >"$work/dev.backend.hcl"
  local probe_log="$work/probes.log" p=0 f=0
  python3 "$REPO_ROOT/tests/terraform/deploy_role_probes.py" "$MOTO_ENDPOINT" 123456789012 "$state_bucket" "$artifact_bucket" \
    "$work/dev.backend.hcl" "$work/probes" >"$probe_log" 2>&1 || true
  cat "$probe_log"
  if read -r p f < <(sed -nE 's/^deploy-role-probes: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$probe_log"); then
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1)); echo "  FAIL the deploy-role probes did not finish"
  fi

  echo "== Bootstrap: destroy"
  check "Bootstrap: destroy" bash -c "cd '$dir' && terraform destroy -auto-approve -input=false -no-color ${vars[*]@Q} -state='$state'"
  echo "$passed $failed" >"$work/Bootstrap.result"
}

# The cycles run side by side, each on a moto of its own: most of an apply is the provider
# waiting on SQS and KMS.
pids=()
for type in "${types[@]}"; do
  if [[ "$type" == "Bootstrap" ]]; then
    (bootstrap_cycle) >"$work/$type.log" 2>&1 &
  else
    cycle "$type" >"$work/$type.log" 2>&1 &
  fi
  pids+=($!)
done
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
