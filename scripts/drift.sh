#!/usr/bin/env bash
# Drift detection: does an environment still look like the release it runs?
#   1. reads the version the environment runs (the state's release_version output: HEAD's
#      Terraform root initialised with the environment's backend, `terraform output`; no lock);
#   2. writes that version's own tree (tag v<version>, scripts/lib/version_tree.sh) and plans it
#      read-only: -refresh=true -lock=false -detailed-exitcode, never applied;
#   3. lists every resource changed outside Terraform (the plan's resource_drift) or that an
#      apply would change (resource_changes other than no-op/read), with what changed.
# Runs with read-only credentials (the functions-readonly-<env> role in drift.yml).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"
source "$(dirname "$0")/lib/version_tree.sh"

usage() {
  cat <<USAGE
Usage: scripts/drift.sh --environment ENV [--repo DIR] [--tf-path PATH] [--backend-config VALUE]...
                        [-- TERRAFORM_ARGS...]

  --environment     the environment (dev, stage, prod, …)
  --repo            the git repository holding the release tags (default: this one)
  --tf-path         the Terraform root inside the repository (default terraform/app)
  --backend-config  passed to terraform init as -backend-config=VALUE (repeatable). Default:
                    environments/ENV.backend.hcl of the Terraform root; an environment without
                    that file is unknown.
  --image-release BUCKET KEY
                    for an environment running images: read the image digests the running
                    version released from its signed manifest in BUCKET (verified with the
                    release signing key KEY) and pass them as -var image_digests, as the
                    deploy does
  TERRAFORM_ARGS    passed to terraform plan, as the deploy passes them (e.g.
                    -var-file=environments/ENV.tfvars -var artifact_bucket=…); relative paths
                    are inside the Terraform root. release_version is set by this script.

Exit status: 0 no drift; 2 drift (each drifted resource listed with what changed, also in
\$GITHUB_STEP_SUMMARY when set); 1 error (including usage).
USAGE
}

# die: common.sh's, plus the error in the job summary, so a failed check says why there too.
die() {
  printf 'error: %s\n' "$*" >&2
  [[ -z "${GITHUB_STEP_SUMMARY:-}" ]] || printf '## Drift %s: not checked ❗\n\n%s\n' "${env_name:-?}" "$*" >>"$GITHUB_STEP_SUMMARY"
  exit 1
}

env_name=""
repo="$REPO_ROOT"
tf_path="terraform/app"
backend=()
image_bucket=""
image_key=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --environment) env_name="${2:?--environment needs a value}"; shift 2 ;;
    --repo) repo="${2:?--repo needs a value}"; shift 2 ;;
    --tf-path) tf_path="${2:?--tf-path needs a value}"; shift 2 ;;
    --backend-config) backend+=("-backend-config=${2:?--backend-config needs a value}"); shift 2 ;;
    --image-release) image_bucket="${2:?--image-release needs BUCKET KEY}"; image_key="${3:?--image-release needs BUCKET KEY}"; shift 3 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) usage >&2; exit 1 ;;
  esac
done
tf_args=("$@")
[[ -n "$env_name" ]] || { usage >&2; exit 1; }
[[ "$env_name" =~ ^[a-z][a-z0-9-]*$ ]] || die "'$env_name' is not an environment name (lowercase letters, digits, '-')"
require_python
require git "Install git (Debian: apt-get install git), then re-run."
require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
repo="$(cd "$repo" && pwd)"
git -C "$repo" rev-parse -q --verify "HEAD^{commit}" >/dev/null || die "$repo is not a git repository with a HEAD commit"
tf_path="${tf_path%/}"

work="$(mktemp -d "${TMPDIR:-/tmp}/drift.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export TF_IN_AUTOMATION=1

# 1. HEAD's Terraform root, initialised with the environment's backend, tells what runs.
mkdir -p "$work/head"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$work/head" || die "could not write HEAD's tree of $repo"
[[ -d "$work/head/$tf_path" ]] || die "HEAD of $repo has no $tf_path"
if [[ ${#backend[@]} -eq 0 ]]; then
  [[ -f "$work/head/$tf_path/environments/$env_name.backend.hcl" ]] \
    || die "unknown environment '$env_name': $tf_path has no environments/$env_name.backend.hcl (or pass --backend-config)"
  backend=("-backend-config=environments/$env_name.backend.hcl")
fi
echo "== $env_name: reading the version it runs (terraform output, HEAD's $tf_path)"
tf_init "$work/head/$tf_path" "${backend[@]}" || die "terraform init of HEAD's $tf_path with $env_name's backend failed"
terraform -chdir="$work/head/$tf_path" output -no-color -json >"$work/outputs.json" 2>"$work/outputs.err" \
  || { cat "$work/outputs.err" >&2; die "terraform output failed for $env_name"; }
version="$(python3 -c 'import json, sys
value = json.load(open(sys.argv[1])).get("release_version", {}).get("value")
print("" if value is None else value)' "$work/outputs.json")"
[[ -n "$version" ]] || die "$env_name has no release_version output in its state: nothing is deployed there, or the backend is not $env_name's (unknown environment?)"
is_version "$version" || die "$env_name's state reports release_version '$version', which is not a release version"
echo "== $env_name runs $version"

# 2. That version's own tree, planned read-only.
version_tree "$repo" "$version" "$work/tree"
[[ -d "$work/tree/$tf_path" ]] || die "v$version has no $tf_path"
tf_init "$work/tree/$tf_path" "${backend[@]}" || die "terraform init of v$version's $tf_path failed"
if [[ -n "$image_bucket" ]]; then
  digests="$(python3 "$REPO_ROOT/scripts/lib/release_manifest.py" verify "$image_bucket" "$version" Image "$image_key")" \
    || die "the image release of $version did not verify"
  tf_args+=(-var "image_digests=$digests")
fi
echo "== terraform plan of v$version (read-only: -lock=false, -refresh=true)"
plan_status=0
terraform -chdir="$work/tree/$tf_path" plan -detailed-exitcode -lock=false -input=false -refresh=true -no-color \
  -var "release_version=$version" ${tf_args[@]+"${tf_args[@]}"} -out="$work/plan" >"$work/plan.log" 2>&1 || plan_status=$?
if [[ "$plan_status" -ne 0 && "$plan_status" -ne 2 ]]; then
  tail -40 "$work/plan.log" >&2
  die "terraform plan of $env_name (v$version) failed"
fi
terraform -chdir="$work/tree/$tf_path" show -json -no-color "$work/plan" >"$work/plan.json" 2>"$work/show.err" \
  || { cat "$work/show.err" >&2; die "terraform show -json of the plan failed"; }

# 3. The drifted resources and what changed.
report_status=0
python3 - "$work/plan.json" "$env_name" "$version" "$work/report.md" <<'PY' || report_status=$?
import json, sys

plan_file, env, version, report_file = sys.argv[1:]
plan = json.load(open(plan_file))
MAX = 80


def show(value, sensitive):
    if sensitive is True:
        return "(sensitive)"
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= MAX else text[: MAX - 1] + "…"


def at(tree, key):
    if isinstance(tree, dict):
        return tree.get(key)
    if isinstance(tree, list) and isinstance(key, int) and key < len(tree):
        return tree[key]
    return tree if isinstance(tree, bool) else None


def empty(value):
    return value is None or value in ("", [], {})


def differences(before, after, unknown, before_sens, after_sens, path=""):
    """(path, before, after) for every leaf that differs; unknown leaves give after None."""
    if unknown is True:
        return [(path, show(before, before_sens), "(known after apply)")]
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        for key in sorted(set(before) | set(after)):
            out += differences(before.get(key), after.get(key), at(unknown, key), at(before_sens, key),
                               at(after_sens, key), f"{path}.{key}" if path else key)
        return out
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        out = []
        for i, (b, a) in enumerate(zip(before, after)):
            out += differences(b, a, at(unknown, i), at(before_sens, i), at(after_sens, i), f"{path}[{i}]")
        return out
    if empty(before) and empty(after) and not unknown:
        return []  # null, "", [] and {} alike: the provider's normalisation, not a change
    if before == after and not (isinstance(unknown, (dict, list)) and unknown):
        return []
    return [(path, show(before, before_sens), show(after, after_sens))]


def changed(change):
    diffs = differences(change.get("before"), change.get("after"), change.get("after_unknown") or {},
                        change.get("before_sensitive") or {}, change.get("after_sensitive") or {})
    known = [d for d in diffs if d[2] != "(known after apply)"]
    return known or diffs


entries = {}
for rc in plan.get("resource_drift", []):
    ch = rc["change"]
    if set(ch["actions"]) <= {"no-op", "read"}:
        continue
    outside = changed(ch)
    if not outside and ch["actions"] != ["delete"]:
        continue  # only normalisation differences
    e = entries.setdefault(rc["address"], {"outside": [], "planned": None, "actions": []})
    e["outside"] = outside or [("(object)", "exists", "deleted")]
    e["outside_actions"] = ch["actions"]
for rc in plan.get("resource_changes", []):
    ch = rc["change"]
    if set(ch["actions"]) <= {"no-op", "read"}:
        continue
    e = entries.setdefault(rc["address"], {"outside": [], "planned": None, "actions": []})
    e["actions"] = ch["actions"]
    e["planned"] = changed(ch)
    if rc.get("action_reason"):
        e["reason"] = rc["action_reason"]
for name, oc in (plan.get("output_changes") or {}).items():
    if set(oc["actions"]) <= {"no-op", "read"}:
        continue
    e = entries.setdefault(f"output.{name}", {"outside": [], "planned": None, "actions": []})
    e["actions"] = oc["actions"]
    e["planned"] = changed(oc)

lines = []
for address in sorted(entries):
    e = entries[address]
    what = []
    if e["outside"]:
        kind = "deleted" if e.get("outside_actions") == ["delete"] else "changed"
        what.append(f"{kind} outside Terraform: " + "; ".join(f"{p or '(object)'} {b} → {a}" for p, b, a in e["outside"]))
    if e["planned"] is not None:
        action = "+".join(e["actions"]) if e["actions"] else "none"
        detail = "; ".join(f"{p or '(object)'}: {b} → {a}" for p, b, a in e["planned"])
        what.append(f"an apply of {version} would {action}" + (f" ({e['reason']})" if e.get("reason") else "") + (f": {detail}" if detail else ""))
    elif e["outside"]:
        what.append("the configuration does not undo it (no planned change)")
    lines.append(f"- `{address}`: " + " — ".join(what))

with open(report_file, "w") as out:
    if lines:
        out.write(f"## Drift {env}: {len(lines)} resource(s) differ from {version} ❌\n\n")
        out.write("\n".join(lines) + "\n")
    else:
        out.write(f"## Drift {env}: none ✅\n\n{env} matches the Terraform of v{version}.\n")
sys.exit(2 if lines else 0)
PY
[[ "$report_status" -eq 0 || "$report_status" -eq 2 ]] || die "could not read the plan of $env_name"
cat "$work/report.md"
[[ -z "${GITHUB_STEP_SUMMARY:-}" ]] || cat "$work/report.md" >>"$GITHUB_STEP_SUMMARY"
if [[ "$report_status" -eq 2 ]]; then
  [[ "${GITHUB_ACTIONS:-}" != true ]] || echo "::error title=Drift in $env_name::$env_name differs from the Terraform of v$version: see the job summary"
  exit 2
fi
if [[ "$plan_status" -eq 2 ]]; then
  die "terraform plan reported changes but none could be listed: see the plan"
fi
exit 0
