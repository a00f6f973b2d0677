#!/usr/bin/env bash
# Deploys a release to an environment — its code and its infrastructure — with a canary, and rolls
# it back automatically (docs/operations.md, "Deploy"):
#   1. reads the version the environment runs and where each function's live alias points;
#   2. writes tag vVERSION's tree and verifies the release's signed manifest;
#   3. terraform plan of that tree (a failed plan changes nothing), then apply of that plan;
#   4. canary: the live aliases give the new versions a share of the traffic while the alarms
#      are watched, then all of it; smoke test of the API;
#   5. on a failed apply, alarm or smoke test: the aliases go back to the earlier versions
#      (seconds), then the earlier tag's tree is applied and smoke-tested.
# Every exit writes the job summary ($GITHUB_STEP_SUMMARY) with both versions and what the
# environment runs afterwards. The steps are in scripts/lib/deploy.py.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"

usage() {
  cat <<USAGE
Usage: scripts/deploy.sh --environment ENV --version VERSION [options] [-- TERRAFORM_ARGS...]
       scripts/deploy.sh --recover --journal FILE

  --environment       the environment (dev, stage, prod, …)
  --version           the release to deploy (X.Y.Z or X.Y.Z-<pre>.N): tag v<VERSION> must exist,
                      and its signed manifest in the artifact bucket (scripts/release.sh)
  --repo DIR          the git repository holding the release tags (default: this one)
  --tf-path PATH      the Terraform root inside a version's tree (default terraform/app)
  --backend-config V  passed to terraform init as -backend-config=V, relative to the root
                      (repeatable; e.g. environments/dev.backend.hcl)
  --package-type T    Zip (default) or Image: which signed manifest to verify; Image passes
                      -var image_digests=… from it
  --artifact-bucket B the artifact bucket (default \$ARTIFACT_BUCKET)
  --signing-key KEY   the release signing key (default \$RELEASE_SIGNING_KEY)
  --canary-percent N  share of the traffic the new versions get first (default 10; 0: none)
  --canary-minutes M  how long the canary runs before all traffic moves (default 10)
  --journal FILE      where each phase is recorded, for --recover (default: none)
  --recover           finish the interrupted run recorded in --journal (which holds its
                      arguments): roll back what it started, or say that nothing changed, and
                      write the summary
  TERRAFORM_ARGS      passed to every plan, relative to the root, e.g.
                      -var-file=environments/dev.tfvars -var artifact_bucket=…

  SMOKE_COMMAND        the smoke test, given the API URL as its last argument (default: the
                       version's own scripts/smoke.sh)
  CANARY_POLL_SECONDS  how often the alarms are read during the canary (default 30)

Exit status: 0 deployed and smoke-tested; 1 failed (the summary says what the environment runs
now); 2 usage; 130 interrupted (run --recover --journal FILE next).
Writes previous_version, deployed_version, result and finished=true to \$GITHUB_OUTPUT when set
(finished is missing when an interrupted run left work for --recover).
USAGE
}

env_name=""
version=""
repo="$REPO_ROOT"
tf_path="terraform/app"
backend=()
package_type=Zip
bucket="${ARTIFACT_BUCKET:-}"
signing_key="${RELEASE_SIGNING_KEY:-}"
canary_percent=10
canary_minutes=10
journal=""
recover=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --environment) env_name="${2:?--environment needs a value}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --repo) repo="${2:?--repo needs a value}"; shift 2 ;;
    --tf-path) tf_path="${2:?--tf-path needs a value}"; shift 2 ;;
    --backend-config) backend+=(--backend-config "${2:?--backend-config needs a value}"); shift 2 ;;
    --package-type) package_type="${2:?--package-type needs a value}"; shift 2 ;;
    --artifact-bucket) bucket="${2:?--artifact-bucket needs a value}"; shift 2 ;;
    --signing-key) signing_key="${2:?--signing-key needs a value}"; shift 2 ;;
    --canary-percent) canary_percent="${2:?--canary-percent needs a value}"; shift 2 ;;
    --canary-minutes) canary_minutes="${2:?--canary-minutes needs a value}"; shift 2 ;;
    --journal) journal="${2:?--journal needs a value}"; shift 2 ;;
    --recover) recover=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) usage >&2; exit 2 ;;
  esac
done
require_python
if [[ "$recover" -eq 1 ]]; then
  [[ -n "$journal" ]] || die "--recover needs --journal FILE (the interrupted run's)"
  [[ -f "$journal" ]] || { echo "no journal at $journal: the run never started, nothing to recover"; exit 0; }
  python3 -c 'import boto3' 2>/dev/null || die "python3 cannot import boto3: pip install boto3, then re-run."
  exec python3 "$REPO_ROOT/scripts/lib/deploy.py" --recover --journal "$journal"
fi
[[ -n "$env_name" && -n "$version" ]] || { usage >&2; exit 2; }
require_version "$version"
case "$package_type" in Zip|Image) ;; *) die "--package-type must be Zip or Image, not '$package_type'" ;; esac
[[ -n "$bucket" ]] || die "no artifact bucket: pass --artifact-bucket or set ARTIFACT_BUCKET (terraform/bootstrap output artifact_bucket)."
[[ -n "$signing_key" ]] || die "no release signing key: pass --signing-key or set RELEASE_SIGNING_KEY (terraform/bootstrap output release_signing_key_arn)."
[[ "$canary_percent" =~ ^[0-9]+(\.[0-9]+)?$ ]] && python3 -c 'import sys; sys.exit(not 0 <= float(sys.argv[1]) < 100)' "$canary_percent" \
  || die "--canary-percent must be a number from 0 to less than 100, not '$canary_percent'"
[[ "$canary_minutes" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--canary-minutes must be a number of minutes, not '$canary_minutes'"
poll="${CANARY_POLL_SECONDS:-30}"
[[ "$poll" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "CANARY_POLL_SECONDS must be a number of seconds, not '$poll'"
require git "Install git (Debian: apt-get install git), then re-run."
python3 -c 'import boto3' 2>/dev/null || die "python3 cannot import boto3: pip install boto3, then re-run."
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not a git repository (--repo): the release tags live there."

args=(--environment "$env_name" --repo "$repo" --tf-path "$tf_path" --package-type "$package_type"
  --artifact-bucket "$bucket" --signing-key "$signing_key" --canary-percent "$canary_percent"
  --canary-minutes "$canary_minutes" --poll-seconds "$poll" ${backend[@]+"${backend[@]}"})
args+=(--version "$version")
[[ -z "$journal" ]] || args+=(--journal "$journal")
exec python3 "$REPO_ROOT/scripts/lib/deploy.py" "${args[@]}" -- "$@"
