#!/usr/bin/env bash
# Deploys a release to an environment and rolls it back automatically when the smoke test fails:
#   1. records the version the environment runs now (the stack's release_version output);
#   2. terraform plan, then apply of that plan, with -var release_version=VERSION;
#   3. smoke-tests the API (scripts/smoke.sh <api_endpoint output>);
#   4. on a failed apply or smoke test, plans and applies the recorded version again, smoke-tests
#      it, and fails loudly with both results in the summary ($GITHUB_STEP_SUMMARY in Actions).
# The Terraform directory must be initialised (its backend chosen) before.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"

usage() {
  cat <<USAGE
Usage: scripts/deploy.sh --environment ENV --version VERSION [--tf-dir DIR] [-- TERRAFORM_ARGS...]

  --environment  the environment (dev, prod, …): only named in the summary and outputs
  --version      the release to deploy (X.Y.Z or X.Y.Z-<pre>.N); its artifacts must exist
                 (scripts/release.sh)
  --tf-dir       the initialised Terraform root (default terraform/app)
  TERRAFORM_ARGS passed to every plan, e.g. -var-file=environments/dev.tfvars
                 -var package_type=Zip -var artifact_bucket=…

  SMOKE_COMMAND  the smoke test, given the API URL as its last argument (default scripts/smoke.sh)

Exit status: 0 deployed and smoke-tested; 1 failed (rolled back when a previous version was
recorded; the summary says whether the rollback's smoke test passed); 2 usage.
Writes previous_version, deployed_version and result to \$GITHUB_OUTPUT when set.
USAGE
}

env_name=""
version=""
tf_dir="$REPO_ROOT/terraform/app"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --environment) env_name="${2:?--environment needs a value}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --tf-dir) tf_dir="${2:?--tf-dir needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) usage >&2; exit 2 ;;
  esac
done
tf_args=("$@")
[[ -n "$env_name" && -n "$version" ]] || { usage >&2; exit 2; }
require_version "$version"
require_python
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
[[ -d "$tf_dir/.terraform" ]] || die "$tf_dir is not initialised: run terraform init with the environment's backend first."
read -r -a smoke <<<"${SMOKE_COMMAND:-$REPO_ROOT/scripts/smoke.sh}"

summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
work="$(mktemp -d "${TMPDIR:-/tmp}/deploy.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tf() { terraform -chdir="$tf_dir" "$@"; }
# output NAME: a root output's value, empty when there is none (no state yet, or not applied).
output() {
  tf output -no-color -json 2>/dev/null | python3 -c 'import json, sys
try:
    value = json.load(sys.stdin).get(sys.argv[1], {}).get("value")
except ValueError:
    value = None
print("" if value is None else value)' "$1"
}
set_output() { [[ -n "${GITHUB_OUTPUT:-}" ]] && echo "$1=$2" >>"$GITHUB_OUTPUT"; return 0; }

# apply VERSION: plan and apply that plan; 0 on success.
apply() {
  local v="$1"
  echo "== terraform plan (release_version=$v)"
  tf plan -input=false -no-color -out="$work/plan" -var "release_version=$v" ${tf_args[@]+"${tf_args[@]}"} >"$work/plan-$v.log" 2>&1 \
    || { tail -40 "$work/plan-$v.log"; return 1; }
  grep -E '^Plan:|No changes' "$work/plan-$v.log" || true
  echo "== terraform apply (release_version=$v)"
  tf apply -input=false -no-color -auto-approve "$work/plan" >"$work/apply-$v.log" 2>&1 \
    || { tail -40 "$work/apply-$v.log"; return 1; }
  grep -E '^Apply complete' "$work/apply-$v.log" || true
}

# smoke LABEL: runs the smoke test on the stack's API; its output goes to $work/smoke-LABEL.log.
smoke_test() {
  local url; url="$(output api_endpoint)"
  [[ -n "$url" ]] || { echo "no api_endpoint output" >"$work/smoke-$1.log"; return 1; }
  echo "== smoke test ($1) of $url"
  "${smoke[@]}" "$url" 2>&1 | tee "$work/smoke-$1.log"
  return "${PIPESTATUS[0]}"
}

smoke_result() { grep -E '^smoke: ' "$work/smoke-$1.log" 2>/dev/null | tail -1 || true; }
failures() { grep -E '^  FAIL ' "$work/smoke-$1.log" 2>/dev/null | sed 's/^  FAIL /- /' || true; }

previous="$(output release_version)"
if [[ -n "$previous" ]] && ! is_version "$previous"; then
  die "the stack reports release_version '$previous', which is not a release version"
fi
echo "== $env_name runs ${previous:-nothing yet}; deploying $version"
set_output previous_version "$previous"

deploy_ok=1
what=""
if ! apply "$version"; then
  deploy_ok=0; what="terraform apply of $version failed"
elif ! smoke_test deploy; then
  deploy_ok=0; what="the smoke test of $version failed"
fi

if [[ "$deploy_ok" -eq 1 ]]; then
  set_output deployed_version "$version"
  set_output result deployed
  {
    echo "## Deploy $env_name: $version ✅"
    echo
    echo "- previous version: ${previous:-none}"
    echo "- smoke test: $(smoke_result deploy)"
  } >>"$summary"
  exit 0
fi

echo "::error::$env_name: $what" >&2
if [[ -z "$previous" || "$previous" == "$version" ]]; then
  set_output deployed_version "$(output release_version)"
  set_output result failed-no-rollback
  {
    echo "## Deploy $env_name: $version ❌ (no rollback)"
    echo
    echo "- $what"
    echo "- no earlier version was recorded to roll back to (previous: ${previous:-none})"
    echo "- smoke test of $version: $(smoke_result deploy)"
    failures deploy
  } >>"$summary"
  exit 1
fi

echo "== rolling $env_name back to $previous"
rollback_ok=1
rollback_what="rolled back to $previous; its smoke test passed"
if ! apply "$previous"; then
  rollback_ok=0; rollback_what="the rollback apply of $previous FAILED: $env_name is in an unknown state, see docs/operations.md (an apply that fails half-way)"
elif ! smoke_test rollback; then
  rollback_ok=0; rollback_what="rolled back to $previous, but its smoke test FAILED too"
fi
set_output deployed_version "$(output release_version)"
set_output result "$([[ "$rollback_ok" -eq 1 ]] && echo rolled-back || echo rollback-failed)"
{
  echo "## Deploy $env_name: $version ❌ — $([[ "$rollback_ok" -eq 1 ]] && echo "rolled back to $previous" || echo "ROLLBACK FAILED")"
  echo
  echo "| step | version | result |"
  echo "| --- | --- | --- |"
  echo "| deploy | $version | $what; smoke: $(smoke_result deploy) |"
  echo "| rollback | $previous | $rollback_what; smoke: $(smoke_result rollback) |"
  echo
  echo "Failed checks of $version:"
  failures deploy
  if [[ "$rollback_ok" -eq 0 ]]; then echo; echo "Failed checks of $previous:"; failures rollback; fi
} >>"$summary"
echo "::error::$env_name: $version failed and was $([[ "$rollback_ok" -eq 1 ]] && echo "rolled back to $previous" || echo "NOT rolled back cleanly")" >&2
exit 1
