#!/usr/bin/env bash
# Tests of the release machinery (issues 12 and 20): workflow files, versions, the Dockerfile,
# the GLIBC check, reproducible packaging, scripts/release.sh against moto's S3 and ECR,
# scripts/deploy.sh's automatic rollback against moto with a smoke test made to fail,
# scripts/drift.sh against moto, and scripts/promotion.sh against a local bare origin.
# Prints "release: N passed, N failed" for scripts/test.sh to add up.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/moto.sh"

usage() {
  cat <<USAGE
Usage: scripts/release-test.sh [SECTION...]

Sections: workflows versions dockerfile glibc reproducible release image deploy drift promotion smoke
(default: all).
  ARTIFACTS_DIR  a scripts/package.sh --mode Aot output holding ListObjects (scripts/test.sh sets
                 it); the reproducibility check packages ListObjects again from a fresh clone of
                 this commit and compares the checksums; dockerfile and glibc check its files.
                 Without it those sections package ListObjects first.
Needs python3 (PyYAML, boto3), moto_server, terraform with the provider mirror, the AWS CLI,
gcc, node/npm (installs @action-validator/cli into .tools/npm), dotnet (CycloneDX tool restore).
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
sections=("$@")
[[ ${#sections[@]} -gt 0 ]] || sections=(workflows versions dockerfile glibc reproducible release image deploy drift promotion smoke)
want() { local s; for s in "${sections[@]}"; do [[ "$s" == "$1" ]] && return 0; done; return 1; }

require_python
work="$(mktemp -d "${TMPDIR:-/tmp}/functions-release-test.XXXXXX")"
pids=()
cleanup() {
  local pid
  for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  moto_stop
  if [[ -z "${KEEP_WORK:-}" ]]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0
failed=0
n=0
# check NAME COMMAND...: one counted assertion; the command's output is shown when it fails.
check() {
  local name="$1"; shift
  n=$((n + 1))
  if "$@" >"$work/check-$n.log" 2>&1; then
    passed=$((passed + 1)); echo "  ok   $name"
  else
    failed=$((failed + 1)); echo "  FAIL $name"; sed 's/^/       /' "$work/check-$n.log" | tail -25
  fi
}
# fails_with TEXT COMMAND...: the command exits non-zero and its output contains TEXT.
fails_with() {
  local text="$1" status=0; shift
  "$@" >"$work/out" 2>&1 || status=$?
  cat "$work/out"
  [[ "$status" -ne 0 ]] || { echo "expected a failure, got exit 0"; return 1; }
  grep -qF -- "$text" "$work/out" || { echo "expected the output to contain: $text"; return 1; }
}
# succeeds_with TEXT COMMAND...: the command exits 0 and its output contains TEXT.
succeeds_with() {
  local text="$1"; shift
  "$@" >"$work/out" 2>&1 || { cat "$work/out"; echo "expected exit 0"; return 1; }
  cat "$work/out"
  grep -qF -- "$text" "$work/out" || { echo "expected the output to contain: $text"; return 1; }
}
count_in() { grep -c -- "$1" "$2" || true; }

artifacts="${ARTIFACTS_DIR:-}"
ensure_artifacts() {
  if [[ -z "$artifacts" || ! -f "$artifacts/ListObjects.zip" ]]; then
    artifacts="$work/artifacts"
    echo "   packaging ListObjects (no ARTIFACTS_DIR)"
    "$REPO_ROOT/scripts/package.sh" --mode Aot --version 0.0.0 --out "$artifacts" ListObjects >"$work/package.log" 2>&1 \
      || { cat "$work/package.log"; die "packaging failed"; }
  fi
}

# --- reproducible packaging: the second build starts first and runs while the other sections
# (mostly waiting on moto and Terraform) go on; its result is checked at the end.
repro_pid=""
if want reproducible; then
  ensure_artifacts
  # A fresh clone of this commit (plus uncommitted changes) in another path, built from scratch.
  clone="$work/clone"
  git clone -q --no-hardlinks "$REPO_ROOT" "$clone"
  git -C "$clone" checkout -q "$(git -C "$REPO_ROOT" rev-parse HEAD)"
  git -C "$REPO_ROOT" diff HEAD --binary | git -C "$clone" apply --allow-empty 2>/dev/null || true
  (cd "$REPO_ROOT" && git ls-files --others --exclude-standard -z | xargs -0 -r cp --parents -t "$clone")
  "$clone/scripts/package.sh" --mode Aot --version 0.0.0 --out "$work/repro" ListObjects >"$work/repro.log" 2>&1 &
  repro_pid=$!
  pids+=("$repro_pid")
fi

# --- workflows ---------------------------------------------------------------------------
if want workflows; then
  echo "== workflow files"
  validator="$REPO_ROOT/.tools/npm/node_modules/.bin/action-validator"
  if [[ ! -x "$validator" ]]; then
    require npm "Install Node.js 20 and npm (Debian: apt-get install nodejs npm), then re-run."
    mkdir -p "$REPO_ROOT/.tools/npm"
    npm install --prefix "$REPO_ROOT/.tools/npm" --no-audit --no-fund --silent @action-validator/cli@0.6.0 >"$work/npm.log" 2>&1 \
      || { cat "$work/npm.log"; die "npm could not install @action-validator/cli@0.6.0 into .tools/npm"; }
  fi
  for f in "$REPO_ROOT"/.github/workflows/*.yml "$REPO_ROOT"/.github/actions/*/action.yml; do
    check "action-validator ${f#"$REPO_ROOT/.github/"}" "$validator" "$f"
  done
  check "action-validator rejects a broken workflow" fails_with "" "$validator" "$REPO_ROOT/tests/release/broken-workflow.yml"
  check "pins, timeouts, least permissions, id-token only where a role is assumed, deploy rules" \
    python3 "$REPO_ROOT/tests/release/workflow_policy.py" "$REPO_ROOT/.github/workflows"
  # The policy check must notice each kind of violation: weakened copies of the workflows.
  # mutate NAME [expect:TEXT] OLD|||NEW|||FILE...: a copy of the workflows with these changes (each
  # the first OLD in FILE replaced by NEW) must fail the policy, with a FAIL line containing TEXT.
  mutate() {
    local dir="$work/mutant-$1" expect="" spec specs=(); shift
    mkdir -p "$dir"; cp "$REPO_ROOT"/.github/workflows/*.yml "$dir/"
    for spec in "$@"; do
      if [[ "$spec" == expect:* ]]; then expect="${spec#expect:}"; else specs+=("$spec"); fi
    done
    python3 - "$dir" "${specs[@]}" <<'PY'
import sys, pathlib
d = sys.argv[1]
for spec in sys.argv[2:]:
    old, new, file = spec.split("|||")
    p = pathlib.Path(d) / file
    s = p.read_text()
    assert old in s, f"{old!r} not in {file}"
    p.write_text(s.replace(old, new, 1))
PY
    [[ $? -eq 0 ]] || { echo "the mutation did not apply"; return 1; }
    fails_with "FAIL" python3 "$REPO_ROOT/tests/release/workflow_policy.py" "$dir" || return 1
    grep -F "FAIL" "$work/out" | grep -qF -- "$expect" || { echo "expected a FAIL line containing: $expect"; return 1; }
  }
  check "policy catches an action pinned to a tag" mutate tag "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2|||actions/checkout@v4|||ci.yml"
  check "policy catches a job without timeout-minutes" mutate timeout "    timeout-minutes: 5
    permissions:
      contents: write|||    permissions:
      contents: write|||deploy.yml"
  check "policy catches id-token: write on a job assuming no role" mutate idtoken "    permissions:
      contents: read
    outputs:
      version|||    permissions:
      contents: read
      id-token: write
    outputs:
      version|||release.yml"
  check "policy catches a broader permission than needed" mutate broad "    permissions:
      contents: read
    env:
      DOTNET_CLI|||    permissions:
      contents: write
    env:
      DOTNET_CLI|||ci.yml"
  unpinned_composite() { # the composite action's pins are checked too
    local dir="$work/mutant-composite"
    mkdir -p "$dir"
    cp -R "$REPO_ROOT/.github/workflows" "$REPO_ROOT/.github/actions" "$dir/"
    sed -i 's|actions/setup-python@[0-9a-f]\{40\} # v5.6.0|actions/setup-python@v5|' "$dir/actions/setup/action.yml"
    grep -q 'setup-python@v5$' "$dir/actions/setup/action.yml" || { echo "the mutation did not apply"; return 1; }
    fails_with "FAIL actions/setup/action.yml" python3 "$REPO_ROOT/tests/release/workflow_policy.py" "$dir/workflows"
  }
  check "policy catches an unpinned action in the composite setup action" unpinned_composite
  check "policy catches a cancelling deploy concurrency" mutate cancel "  cancel-in-progress: false|||  cancel-in-progress: true|||deploy.yml"
  check "policy catches top-level permissions" mutate top "permissions: {}

concurrency:
  group: ci|||permissions: read-all

concurrency:
  group: ci|||ci.yml"
  # Issue 20: who may assume which role, where contents: write is allowed, the deploy's
  # recovery, the promotion gate, the release pipeline's order, drift's read-only roles.
  check "policy catches the release role in the deploy job" mutate release-role "expect:the release role only" \
    'role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}|||role-to-assume: ${{ vars.RELEASE_ROLE_ARN }}|||deploy.yml'
  check "policy catches the release role in a job other than publish" mutate release-role-build "expect:the release role only" \
    '      - name: GLIBC check (nothing above 2.34)|||      - name: GLIBC check (nothing above 2.34)
        env:
          ROLE: ${{ vars.RELEASE_ROLE_ARN }}|||release.yml'
  check "policy catches a GitHub environment on the publish job" mutate publish-env "expect:release.yml/publish: no GitHub environment" \
    '    # No GitHub environment: the release role|||    environment: release
    # No GitHub environment: the release role|||release.yml'
  check "policy catches contents: write (and a push) in the deploy job" mutate deploy-push "expect:contents: write only in" \
    '    permissions:
      contents: read
      id-token: write
    env:
      AWS_REGION|||    permissions:
      contents: write
      id-token: write
    env:
      AWS_REGION|||deploy.yml' \
    'run: python3 -m pip install --user boto3|||run: python3 -m pip install --user boto3 && git push origin HEAD|||deploy.yml'
  check "policy catches a deploy job outside the GitHub environment" mutate no-env "expect:runs in the GitHub environment" \
    '    environment: ${{ inputs.environment }}
|||
|||deploy.yml'
  check "policy catches a cancelling deploy job concurrency" mutate cancel-job "expect:never cancel" \
    '      cancel-in-progress: false|||      cancel-in-progress: true|||deploy.yml'
  check "policy catches a deploy step without its own timeout" mutate step-timeout "expect:the deploy step has its own timeout-minutes" \
    '        id: deploy
        timeout-minutes: 45
|||        id: deploy
|||deploy.yml'
  check "policy catches a job timeout not above the deploy and recover steps'" mutate job-timeout "expect:the job's timeout" \
    '    timeout-minutes: 90|||    timeout-minutes: 60|||deploy.yml'
  check "policy catches a recover step that a cancel or timeout skips" mutate recover "expect:--recover whenever the deploy did not finish" \
    '        id: recover
        if: always() && |||        id: recover
        if: failure() && |||deploy.yml'
  check "policy catches a skipped promotion check" mutate no-promotion "expect:scripts/promotion.sh check" \
    'run: scripts/promotion.sh check --environment|||run: echo check --environment|||deploy.yml'
  check "policy catches a record after a failed deploy" mutate record-always "expect:only after a successful deploy" \
    '    needs: deploy
|||    needs: deploy
    if: always()
|||deploy.yml'
  check "policy catches an optional version input" mutate optional-version "expect:version input is required" \
    '        description: Published release to deploy (X.Y.Z or X.Y.Z-pre.N; a promotion, redeploy or rollback)
        type: string
        required: true|||        description: Published release to deploy (X.Y.Z or X.Y.Z-pre.N; a promotion, redeploy or rollback)
        type: string
        required: false|||deploy.yml'
  check "policy catches a deploy started by a push" mutate deploy-push-trigger "expect:reusable and run by hand only" \
    'on:
  workflow_call:|||on:
  push:
    branches: [main]
  workflow_call:|||deploy.yml'
  check "policy catches stage deployed before dev passed" mutate stage-order "expect:stage is deployed after dev" \
    'needs: [version, deploy-dev]|||needs: [version, publish]|||release.yml'
  check "policy catches prod deployed by the release pipeline" mutate release-prod "expect:never prod" \
    '      environment: stage|||      environment: prod|||release.yml'
  check "policy catches a release without the signing key" mutate unsigned "expect:with the signing key" \
    ' \
            --signing-key "$RELEASE_SIGNING_KEY" "$VERSION"||| "$VERSION"|||release.yml'
  check "policy catches a caller of deploy.yml granting less than its jobs need" mutate caller-perms "expect:release.yml/deploy-stage: permissions" \
    'needs: [version, deploy-dev]
    permissions:
      contents: write
      id-token: write|||needs: [version, deploy-dev]
    permissions:
      contents: write|||release.yml'
  check "policy catches a GitHub environment on the drift job" mutate drift-env "expect:drift.yml/drift: no GitHub environment" \
    '    strategy:|||    environment: ${{ matrix.environment }}
    strategy:|||drift.yml'
  check "policy catches a deploy role in the drift job" mutate drift-role "expect:drift.yml" \
    'role-to-assume: ${{ vars[matrix.role_variable] }}|||role-to-assume: ${{ vars.AWS_DEPLOY_ROLE_ARN }}|||drift.yml'
  check "policy catches a matrix entry pointing at another role" mutate drift-matrix "expect:read-only role of each environment" \
    'role_variable: AWS_READONLY_ROLE_ARN_PROD|||role_variable: AWS_READONLY_ROLE_ARN_DEV|||drift.yml'
  check "policy catches a fail-fast drift matrix" mutate drift-failfast "expect:fail-fast: false" \
    '      fail-fast: false|||      fail-fast: true|||drift.yml'
  check "policy catches a drift matrix without prod" mutate drift-prod "expect:a matrix over dev, stage, prod" \
    '          - environment: prod
            role_variable: AWS_READONLY_ROLE_ARN_PROD
|||
|||drift.yml'
fi

# --- versions ----------------------------------------------------------------------------
if want versions; then
  echo "== versions"
  for v in 1.2.3 0.0.0 10.20.30 1.5.0-rc.1 1.4.3-dev.7; do
    check "version $v is accepted" "$REPO_ROOT/scripts/version.sh" --check "$v"
  done
  for v in v1.2.3 1.2 1.2.3.4 01.2.3 1.2.3-rc 1.2.3-RC.1 1.2.3-rc.01 1.2.3+build.1 "" "1.2.3 "; do
    check "version '$v' is refused" fails_with "is not a release version" "$REPO_ROOT/scripts/version.sh" --check "$v"
  done
  # commit_version on a scratch repository: the VERSION change is X.Y.Z, later commits X.Y.(Z+1)-dev.N.
  repo="$work/version-repo"
  git init -q "$repo" && git -C "$repo" config user.email t@example.invalid && git -C "$repo" config user.name t
  mkdir -p "$repo/scripts/lib" && cp "$REPO_ROOT/scripts/version.sh" "$repo/scripts/" && cp "$REPO_ROOT"/scripts/lib/*.sh "$repo/scripts/lib/"
  echo 1.4.2 >"$repo/VERSION" && git -C "$repo" add -A && git -C "$repo" commit -qm release
  check "the commit that sets VERSION is release 1.4.2" succeeds_with "1.4.2" "$repo/scripts/version.sh"
  git -C "$repo" commit -q --allow-empty -m one && git -C "$repo" commit -q --allow-empty -m two
  check "two commits later it is 1.4.3-dev.2" succeeds_with "1.4.3-dev.2" "$repo/scripts/version.sh"
  check "an earlier commit keeps its version" succeeds_with "1.4.3-dev.1" "$repo/scripts/version.sh" HEAD~1
  echo 1.4.x >"$repo/VERSION" && git -C "$repo" commit -qam bad
  check "a VERSION that is not X.Y.Z is refused" fails_with "must hold X.Y.Z" "$repo/scripts/version.sh"
  check "the repository's VERSION gives a valid version" bash -c "'$REPO_ROOT/scripts/version.sh' --check \"\$('$REPO_ROOT/scripts/version.sh')\""
  check "package.sh refuses a bad version" fails_with "is not a release version" "$REPO_ROOT/scripts/package.sh" --version 1.2 ListObjects
  check "release.sh refuses a bad version" fails_with "is not a release version" "$REPO_ROOT/scripts/release.sh" --bucket b v1.2.3
  check "deploy.sh refuses a bad version" fails_with "is not a release version" "$REPO_ROOT/scripts/deploy.sh" --environment dev --version 1.2.3-rc
fi

# --- Dockerfile --------------------------------------------------------------------------
if want dockerfile; then
  echo "== Dockerfile (static: no Docker engine here)"
  ensure_artifacts
  check "functions/Dockerfile: pinned provided.al2023, packaged bootstrap, non-root" \
    python3 "$REPO_ROOT/tests/release/dockerfile_test.py" "$REPO_ROOT/functions/Dockerfile" "$artifacts"
  sed 's/@sha256:[0-9a-f]*//' "$REPO_ROOT/functions/Dockerfile" >"$work/Dockerfile.unpinned"
  check "the Dockerfile check rejects an unpinned base" fails_with "FAIL" python3 "$REPO_ROOT/tests/release/dockerfile_test.py" "$work/Dockerfile.unpinned" "$artifacts"
  grep -v '^USER' "$REPO_ROOT/functions/Dockerfile" >"$work/Dockerfile.root"
  check "the Dockerfile check rejects an image running as root" fails_with "FAIL" python3 "$REPO_ROOT/tests/release/dockerfile_test.py" "$work/Dockerfile.root" "$artifacts"
fi

# --- GLIBC check -------------------------------------------------------------------------
if want glibc; then
  echo "== GLIBC check"
  require gcc "Install gcc (Debian: apt-get install gcc), then re-run."
  ensure_artifacts
  mkdir -p "$work/glibc/new" "$work/glibc/old"
  # arc4random is versioned GLIBC_2.36: a binary calling it cannot load on AL2023 (2.34).
  printf '#include <stdlib.h>\nint main(void) { return (int)(arc4random() & 1); }\n' >"$work/glibc/new.c"
  printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n' >"$work/glibc/old.c"
  gcc -o "$work/glibc/new/bootstrap" "$work/glibc/new.c"
  gcc -shared -fPIC -o "$work/glibc/new/libnew.so" "$work/glibc/new.c"
  gcc -o "$work/glibc/old/bootstrap" "$work/glibc/old.c"
  check "a bootstrap needing GLIBC_2.36 is rejected, named" fails_with "bootstrap needs GLIBC_2.36; provided.al2023 has GLIBC_2.34" "$REPO_ROOT/scripts/check-glibc.sh" "$work/glibc/new/bootstrap"
  check "a .so needing GLIBC_2.36 beside a good bootstrap is rejected" fails_with "libnew.so needs GLIBC_2.36" bash -c "cp '$work/glibc/old/bootstrap' '$work/glibc/new/bootstrap' && '$REPO_ROOT/scripts/check-glibc.sh' '$work/glibc/new'"
  check "a binary needing at most GLIBC_2.34 passes" "$REPO_ROOT/scripts/check-glibc.sh" "$work/glibc/old"
  check "the packaged Native AOT ListObjects passes" "$REPO_ROOT/scripts/check-glibc.sh" "$artifacts/ListObjects"
  check "package.sh runs the check on what it packages" grep -q 'check_symbol_versions "$dir" || die' "$REPO_ROOT/scripts/package.sh"
fi

# --- release.sh against moto ---------------------------------------------------------------
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_PAGER=""
# make_dist DIR VERSION [SALT]: a package.sh-shaped folder for every function (small stand-in
# bootstraps: release.sh handles bytes, not builds), with SHA256SUMS and a pre-made SBOM.
make_dist() {
  local dir="$1" salt="${3:-}" name
  mkdir -p "$dir"
  for name in $(manifest_functions); do
    mkdir -p "$dir/$name"
    printf '#!/bin/sh\n# %s %s %s\n' "$name" "$2" "$salt" >"$dir/$name/bootstrap"
    chmod 755 "$dir/$name/bootstrap"
    deterministic_zip "$dir/$name" "$dir/$name.zip"
  done
  (cd "$dir" && sha256sum -- *.zip >SHA256SUMS)
  [[ -n "${4:-}" ]] || echo '{"bomFormat":"CycloneDX","specVersion":"1.7","components":[]}' >"$dir/sbom.cdx.json"
}
nfun="$(manifest_functions | wc -l)"

if want release || want image || want deploy || want drift; then
  moto_start "$work/moto.log"
  export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"
  # The release signing key, as terraform/bootstrap makes it (ECC_NIST_P256, SIGN_VERIFY).
  RELEASE_SIGNING_KEY="$(aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --query KeyMetadata.Arn --output text)"
  export RELEASE_SIGNING_KEY
fi

if want release; then
  echo "== release.sh against moto S3 ($MOTO_ENDPOINT)"
  bucket=artifacts-release-test
  aws s3api create-bucket --bucket "$bucket" >/dev/null
  aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
  make_dist "$work/dist-1.2.3" 1.2.3 "" no-sbom
  (cd "$REPO_ROOT" && dotnet tool restore >"$work/tool-restore.log" 2>&1) || { cat "$work/tool-restore.log"; die "dotnet tool restore failed"; }
  rel() { "$REPO_ROOT/scripts/release.sh" --bucket "$bucket" "$@"; }
  object_versions() {
    python3 -c 'import boto3, sys
for v in sorted((v["Key"], v["VersionId"]) for v in boto3.client("s3").list_object_versions(Bucket=sys.argv[1]).get("Versions", [])):
    print(*v)' "$bucket"
  }

  first_run() {
    rel --dist "$work/dist-1.2.3" 1.2.3 >"$work/first.log" 2>&1 || { cat "$work/first.log"; return 1; }
    cat "$work/first.log"
    [[ "$(count_in '^uploaded s3://.*/1.2.3/.*\.zip sha256 [0-9a-f]\{64\}$' "$work/first.log")" -eq "$nfun" ]] || return 1
    grep -q '^uploaded s3://.*/1.2.3/SHA256SUMS' "$work/first.log" || return 1
    grep -q '^uploaded s3://.*/1.2.3/sbom.cdx.json' "$work/first.log" || return 1
    grep -q '^uploaded s3://.*/1.2.3/release-Zip.json$' "$work/first.log" || return 1
    grep -q '^uploaded s3://.*/1.2.3/release-Zip.json.sig$' "$work/first.log" || return 1
    if grep -q '^reused' "$work/first.log"; then return 1; fi
  }
  check "first run uploads every zip, SHA256SUMS and a generated CycloneDX SBOM" first_run
  check "the uploaded objects carry their sha256 and equal the local zips" python3 - "$bucket" "$work/dist-1.2.3" "$MOTO_ENDPOINT" <<'PY'
import boto3, hashlib, sys
bucket, dist, endpoint = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
sums = dict(reversed(l.split()) for l in open(dist + "/SHA256SUMS"))
assert len(sums) >= 9, sums
for name, digest in sums.items():
    obj = s3.get_object(Bucket=bucket, Key="1.2.3/" + name)
    assert obj["Metadata"]["sha256"] == digest, (name, obj["Metadata"])
    assert hashlib.sha256(obj["Body"].read()).hexdigest() == digest, name
    assert obj.get("VersionId"), name
print(len(sums), "zips verified")
PY
  sbom_ok() {
    aws s3 cp "s3://$bucket/1.2.3/sbom.cdx.json" "$work/sbom.json" >/dev/null || return 1
    python3 - "$work/sbom.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
assert b["bomFormat"] == "CycloneDX", b.get("bomFormat")
assert b["metadata"]["component"]["version"] == "1.2.3", b["metadata"]["component"]
names = {c["name"] for c in b["components"]}
assert {"AWSSDK.S3", "AWSSDK.DynamoDBv2", "DuckDB.NET.Bindings.Full"} <= names, sorted(names)
assert not any(n.startswith("xunit") or n.startswith("FluentAssertions") for n in names), "test packages in the SBOM"
print(len(names), "components")
PY
  }
  check "the SBOM is CycloneDX for this release and lists the shipped NuGet packages, not test ones" sbom_ok
  object_versions >"$work/versions-before"
  second_run() {
    rel --dist "$work/dist-1.2.3" 1.2.3 >"$work/second.log" 2>&1 || { cat "$work/second.log"; return 1; }
    cat "$work/second.log"
    [[ "$(count_in '^reused   s3://' "$work/second.log")" -eq $((nfun + 4)) ]] || return 1
    if grep -q '^uploaded' "$work/second.log"; then return 1; fi
    object_versions | diff - "$work/versions-before"
  }
  check "second run reuses everything and writes nothing" second_run
  check "the signed manifest verifies and names every zip's sha256" python3 - "$bucket" "$work/dist-1.2.3" "$RELEASE_SIGNING_KEY" "$REPO_ROOT" <<'PY'
import json, subprocess, sys
bucket, dist, key, root = sys.argv[1:]
out = subprocess.run([sys.executable, root + "/scripts/lib/release_manifest.py", "verify", bucket, "1.2.3", "Zip", key],
                     check=True, capture_output=True, text=True).stdout
sums = {name.removesuffix(".zip"): digest for digest, name in (l.split() for l in open(dist + "/SHA256SUMS"))}
assert json.loads(out) == sums, (out, sums)
print(len(sums), "artifacts verified")
PY
  check "a release without a signing key stops before anything is written" fails_with "no signing key" \
    env -u RELEASE_SIGNING_KEY "$REPO_ROOT/scripts/release.sh" --bucket "$bucket" --dist "$work/dist-1.2.3" 1.2.3
  check "a rollback without local packages reuses the stored release" succeeds_with "release 1.2.3 done" rel --dist "$work/empty" 1.2.3
  check "a version with nothing stored and nothing packaged stops" fails_with "package version 9.9.9 first" rel --dist "$work/empty" 9.9.9
  make_dist "$work/dist-1.2.3-other" 1.2.3 rebuilt
  check "other local bytes for a released version stop the release" fails_with "was already released from other bytes" rel --dist "$work/dist-1.2.3-other" 1.2.3
  # Tamper: overwrite a stored zip keeping its recorded checksum (moto does not enforce the
  # bucket policy that forbids overwriting).
  recorded="$(aws s3api head-object --bucket "$bucket" --key 1.2.3/GetEvent.zip --query Metadata.sha256 --output text)"
  printf 'not the release' >"$work/evil.zip"
  aws s3api put-object --bucket "$bucket" --key 1.2.3/GetEvent.zip --body "$work/evil.zip" --metadata "sha256=$recorded" >/dev/null
  check "a tampered zip stops the release loudly" fails_with "TAMPERED: s3://$bucket/1.2.3/GetEvent.zip" rel --dist "$work/dist-1.2.3" 1.2.3
  check "a tampered zip stops a rollback too" fails_with "TAMPERED" rel --dist "$work/empty" 1.2.3
  aws s3api put-object --bucket "$bucket" --key 1.3.0/ListObjects.zip --body "$work/evil.zip" >/dev/null
  check "a zip without a recorded checksum is refused" fails_with "has no recorded sha256" rel --dist "$work/empty" 1.3.0
  bad_version() {
    local before; before="$(object_versions)"
    fails_with "is not a release version" rel --dist "$work/dist-1.2.3" "$1" || return 1
    [[ "$(object_versions)" == "$before" ]]
  }
  for bad in v1.2.3 1.2 1.2.3-rc 1.2.3-RC.1; do
    check "malformed version '$bad' is refused before anything is written" bad_version "$bad"
  done
fi

if want image; then
  echo "== release.sh --package-type Image against moto ECR (Docker CLI replaced by tests/release/fake-docker)"
  bucket=artifacts-image-test
  aws s3api create-bucket --bucket "$bucket" >/dev/null
  aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
  python3 -c 'import boto3, sys
ecr = boto3.client("ecr")
for name in sys.argv[1:]:
    ecr.create_repository(repositoryName="functions/" + name.lower(), imageTagMutability="IMMUTABLE")' $(manifest_functions)
  make_dist "$work/dist-img" 2.0.0
  export FAKE_DOCKER_LOG="$work/docker.log" FAKE_DOCKER_STATE="$work/docker-state"
  mkdir -p "$FAKE_DOCKER_STATE"; : >"$FAKE_DOCKER_LOG"
  img() { DOCKER="$REPO_ROOT/tests/release/fake-docker" "$REPO_ROOT/scripts/release.sh" --package-type Image --bucket "$bucket" "$@"; }
  image_first() {
    img --dist "$work/dist-img" 2.0.0 >"$work/img1.log" 2>&1 || { cat "$work/img1.log"; return 1; }
    cat "$work/img1.log" "$FAKE_DOCKER_LOG"
    [[ "$(count_in '^pushed   functions/[a-z]*:2.0.0 sha256:[0-9a-f]\{64\}$' "$work/img1.log")" -eq "$nfun" ]] || return 1
    [[ "$(count_in "^build -f $REPO_ROOT/functions/Dockerfile --build-arg FUNCTION=" "$FAKE_DOCKER_LOG")" -eq "$nfun" ]] || return 1
    [[ "$(count_in '^login' "$FAKE_DOCKER_LOG")" -eq 1 ]] || return 1
    # The signed manifest holds the pushed digests.
    python3 "$REPO_ROOT/scripts/lib/release_manifest.py" verify "$bucket" 2.0.0 Image "$RELEASE_SIGNING_KEY" >"$work/img-manifest.json" || return 1
    diff <(grep '^pushed' "$work/img1.log" | awk '{split($2, r, ":"); print r[1], $3}' | sort) \
      <(python3 -c 'import json, sys; [print("functions/" + k.lower(), v) for k, v in json.load(open(sys.argv[1])).items()]' "$work/img-manifest.json" | sort)
  }
  check "first run builds and pushes an image per function from the packaged files" image_first
  image_second() {
    : >"$FAKE_DOCKER_LOG"
    img --dist "$work/dist-img" 2.0.0 >"$work/img2.log" 2>&1 || { cat "$work/img2.log"; return 1; }
    cat "$work/img2.log"
    [[ "$(count_in '^reused   functions/[a-z]*:2.0.0 sha256:[0-9a-f]\{64\}$' "$work/img2.log")" -eq "$nfun" ]] || return 1
    [[ ! -s "$FAKE_DOCKER_LOG" ]] || { echo "docker was called:"; cat "$FAKE_DOCKER_LOG"; return 1; }
    diff <(grep '^pushed' "$work/img1.log" | awk '{print $2, $3}') <(grep '^reused   functions' "$work/img2.log" | awk '{print $2, $3}')
  }
  check "second run reuses every image by digest and builds nothing" image_second
  check "an image version with nothing in ECR and nothing packaged stops" fails_with "package version 2.1.0 first" img --dist "$work/empty" 2.1.0
  make_dist "$work/dist-img3" 2.2.0
  check "building an image without Docker stops naming it" fails_with "'docker-missing' is required" \
    env DOCKER=docker-missing "$REPO_ROOT/scripts/release.sh" --package-type Image --bucket "$bucket" --dist "$work/dist-img3" 2.2.0
fi

# --- deploy.sh against moto: a version is its tag's tree; canary; automatic rollback -----------
if want deploy; then
  echo "== deploy.sh against moto: versions as tags, signed releases, canary, automatic rollback"
  require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
  use_provider_mirror "$work"
  # Every version's tree is initialised on its own: the plugin cache links the provider once.
  export TF_PLUGIN_CACHE_DIR="$work/plugin-cache"
  mkdir -p "$TF_PLUGIN_CACHE_DIR"
  bucket=artifacts-deploy-test
  aws s3api create-bucket --bucket "$bucket" >/dev/null
  aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
  # The same stand-in bytes for every version (what differs between them is their tree).
  make_dist "$work/dist-d" 1.0.0
  for v in 1.0.0 2.0.0 2.1.0 3.0.0; do
    "$REPO_ROOT/scripts/release.sh" --bucket "$bucket" --dist "$work/dist-d" "$v" >"$work/release-$v.log" 2>&1 \
      || { cat "$work/release-$v.log"; die "release $v failed"; }
  done
  # The releases: tags of a scratch repository holding the stand-in stack (tests/release/deploy_stack),
  # as the app's releases are tags of this one. release_stack VERSION FUNCTIONS_JSON
  repo="$work/releases"
  git init -q "$repo"
  release_stack() {
    rm -rf "$repo/stack" && cp -R "$REPO_ROOT/tests/release/deploy_stack" "$repo/stack"
    printf '%s\n' "$2" >"$repo/stack/functions.json"
    git -C "$repo" add -A && git -C "$repo" -c user.name=test -c user.email=test@localhost commit -qm "release $1" --allow-empty
    git -C "$repo" tag "v$1"
  }
  one='{"functions": [{"name": "ListObjects", "route": "GET /objects", "memory": 256}]}'
  two='{"functions": [{"name": "ListObjects", "route": "GET /objects", "memory": 256}, {"name": "GetEvent", "route": "GET /events/{id}", "memory": 256}]}'
  release_stack 1.0.0 "$one"
  release_stack 2.0.0 "$two"
  # 2.1.0 cannot be planned: Lambda's smallest memory size is 128 MB.
  release_stack 2.1.0 '{"functions": [{"name": "ListObjects", "route": "GET /objects", "memory": 64}]}'
  release_stack 3.0.0 '{"functions": [{"name": "ListObjects", "route": "GET /objects", "memory": 512}, {"name": "GetEvent", "route": "GET /events/{id}", "memory": 256}]}'

  api_pid=""
  api_starts=0
  # start_api BROKEN...: the stand-in API, answering 500 on GET /events/{id} while the live
  # function runs one of the BROKEN releases.
  start_api() {
    api_starts=$((api_starts + 1))
    local port_file="$work/api-port-$api_starts" v args=()
    for v in "$@"; do args+=(--broken "$v"); done
    python3 "$REPO_ROOT/tests/release/fake_api.py" --port-file "$port_file" --moto "$MOTO_ENDPOINT" \
      --function functions-test-ListObjects ${args[@]+"${args[@]}"} >"$work/api.log" 2>&1 &
    api_pid=$!
    pids+=("$api_pid")
    local i
    for ((i = 0; i < 200; i++)); do
      [[ -s "$port_file" ]] && break
      kill -0 "$api_pid" 2>/dev/null || { cat "$work/api.log"; die "the stand-in API exited"; }
      sleep 0.1
    done
    [[ -s "$port_file" ]] || die "the stand-in API did not start"
    api_url="http://127.0.0.1:$(cat "$port_file")"
  }
  stop_api() { kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; }
  live_release() {
    aws lambda get-function-configuration --function-name functions-test-ListObjects --qualifier live \
      --query 'Environment.Variables.RELEASE_VERSION' --output text
  }
  # deploy VERSION [OPTIONS...]: deploy.sh with the job summary and outputs in files.
  deploy_args() {
    echo --environment test --repo "$repo" --tf-path stack --backend-config "path=$work/test.tfstate" \
      --artifact-bucket "$bucket" --canary-minutes 0.05
  }
  tf_vars=(-var "endpoint=$MOTO_ENDPOINT" -var "artifact_bucket=$bucket")
  deploy() {
    local v="$1"; shift
    : >"$work/summary.md"; : >"$work/outputs"
    # shellcheck disable=SC2046
    GITHUB_STEP_SUMMARY="$work/summary.md" GITHUB_OUTPUT="$work/outputs" CANARY_POLL_SECONDS=0.5 SMOKE_COMMAND="$REPO_ROOT/scripts/smoke.sh" \
      "$REPO_ROOT/scripts/deploy.sh" $(deploy_args) --version "$v" "$@" -- "${tf_vars[@]}" -var "api_endpoint=$api_url" \
      >"$work/deploy-$v.log" 2>&1
  }
  show() { cat "$work/deploy-$1.log" "$work/summary.md" "$work/outputs"; }
  # What the environment is: functions (memory), the version each live alias points at and its
  # release, routes, roles. Printed sorted, to compare before and after.
  snapshot() {
    python3 - <<'PY'
import boto3
lam, api, iam = boto3.client("lambda"), boto3.client("apigatewayv2"), boto3.client("iam")
for f in sorted(lam.list_functions()["Functions"], key=lambda f: f["FunctionName"]):
    name = f["FunctionName"]
    alias = lam.get_alias(FunctionName=name, Name="live")
    live = lam.get_function_configuration(FunctionName=name, Qualifier="live")
    print("function", name, f["MemorySize"], "live", alias["FunctionVersion"], live["Environment"]["Variables"]["RELEASE_VERSION"],
          "routing", alias.get("RoutingConfig", {}).get("AdditionalVersionWeights", {}))
for a in api.get_apis()["Items"]:
    for r in sorted(x["RouteKey"] for x in api.get_routes(ApiId=a["ApiId"])["Items"]):
        print("route", r)
for r in sorted(r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("deploy-test-")):
    print("role", r)
PY
  }
  out_is() { grep -qx "$1" "$work/outputs" || { echo "outputs lack $1:"; cat "$work/outputs"; return 1; }; }
  summary_has() { grep -qF -- "$1" "$work/summary.md" || { echo "summary lacks: $1"; return 1; }; }

  start_api 2.0.0
  first_deploy() {
    deploy 1.0.0 || { show 1.0.0; return 1; }
    show 1.0.0
    summary_has 'Deploy test: 1.0.0 ✅' && summary_has 'test now runs: **1.0.0**' || return 1
    out_is 'previous_version=' && out_is 'result=deployed' && out_is 'finished=true' || return 1
    [[ "$(live_release)" == 1.0.0 ]]
  }
  check "first deploy of 1.0.0 (tag v1.0.0's tree) passes its smoke test; the live alias runs 1.0.0" first_deploy
  snapshot >"$work/env-1.0.0"
  check "the canary counts an alarm the stack names but CloudWatch lacks as firing (it would watch nothing)" \
    python3 - "$REPO_ROOT/scripts/lib" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import boto3, deploy
watcher = deploy.Deploy.__new__(deploy.Deploy)
watcher.cloudwatch = boto3.client("cloudwatch")
firing = watcher.firing(["functions-test-ListObjects-errors", "functions-test-Missing-errors"])
assert firing == ["functions-test-Missing-errors (no such alarm)"], firing
print(firing)
PY

  added_function_rolled_back() {
    if deploy 2.0.0; then show 2.0.0; echo "deploy.sh exited 0"; return 1; fi
    show 2.0.0; snapshot
    grep -q '^== \[ *[0-9.]* s\] test runs 1.0.0; deploying 2.0.0' "$work/deploy-2.0.0.log" || return 1
    grep -q '^== \[ *[0-9.]* s\] rolling test back to 1.0.0' "$work/deploy-2.0.0.log" || return 1
    out_is 'previous_version=1.0.0' && out_is 'result=rolled-back' && out_is 'deployed_version=1.0.0' || return 1
    summary_has 'Deploy test: 2.0.0 ❌ — rolled back to 1.0.0' && summary_has 'test now runs: **1.0.0**' || return 1
    summary_has '| smoke | 2.0.0 | smoke: ' && summary_has '| rollback | 1.0.0 | v1.0.0'"'"'s tree applied |' || return 1
    summary_has 'GET /events/{id} → 500' || return 1
    # Its canary passed (no alarm) and moved ListObjects' alias to 2.0.0's version before the smoke test.
    grep -q '^== \[ *[0-9.]* s\] canary: 10 % of the traffic to the new versions of 1 function(s)' "$work/deploy-2.0.0.log" || return 1
    grep -q '^== \[ *[0-9.]* s\] the live aliases point at the new versions: functions-test-ListObjects:[0-9]*$' "$work/deploy-2.0.0.log" || return 1
    summary_has '| canary | 2.0.0 | 10 % for 0.05 min, no alarm |' || return 1
    # v1.0.0's functions, routes and roles: the function, route and role 2.0.0 added are gone.
    diff <(snapshot | sed 's/ live [0-9]* / live N /') <(sed 's/ live [0-9]* / live N /' "$work/env-1.0.0")
  }
  check "2.0.0 adds a function, passes its canary, fails its smoke test: rolled back to v1.0.0's tree, the added function, route and role are gone" added_function_rolled_back

  snapshot >"$work/env-before-plan"
  plan_failure() {
    if deploy 2.1.0; then show 2.1.0; echo "deploy.sh exited 0"; return 1; fi
    show 2.1.0
    out_is 'result=plan-failed' && out_is 'deployed_version=1.0.0' || return 1
    summary_has 'the plan of 2.1.0 failed: nothing changed' && summary_has 'test now runs: **1.0.0**' || return 1
    if grep -q 'terraform apply' "$work/deploy-2.1.0.log"; then echo "something was applied"; return 1; fi
    diff <(snapshot) "$work/env-before-plan"
  }
  check "2.1.0's plan fails: nothing is applied, nothing changed, the summary says test runs 1.0.0" plan_failure

  # Overwrite a zip of 2.1.0 after it was signed (moto does not enforce the bucket's write-once
  # policy, and the release role could not do this in AWS: the point is that deploy notices).
  printf 'not the release' >"$work/evil.zip"
  aws s3api put-object --bucket "$bucket" --key 2.1.0/ListObjects.zip --body "$work/evil.zip" >/dev/null
  tampered() {
    if deploy 2.1.0; then show 2.1.0; echo "deploy.sh exited 0"; return 1; fi
    show 2.1.0
    out_is 'result=verify-failed' || return 1
    if grep -q 'terraform plan' "$work/deploy-2.1.0.log"; then echo "it was planned"; return 1; fi
    summary_has 'TAMPERED: s3://'"$bucket"'/2.1.0/ListObjects.zip' && summary_has 'test now runs: **1.0.0**' || return 1
    diff <(snapshot) "$work/env-before-plan"
  }
  check "a release whose zip changed after signing is refused before any plan; nothing changed" tampered
  # forge VERSION: the release's manifest, changed after signing (other checksums).
  forge() {
    aws s3api get-object --bucket "$bucket" --key "$1/release-Zip.json" "$work/manifest.json" >/dev/null || return 1
    sed -i 's/"[0-9a-f]\{64\}"/"'"$(printf 'f%.0s' {1..64})"'"/' "$work/manifest.json"
    aws s3api put-object --bucket "$bucket" --key "$1/release-Zip.json" --body "$work/manifest.json" >/dev/null
  }
  check "a manifest changed after signing (other checksums) is refused" fails_with "does not verify with the release signing key" \
    bash -c "$(declare -f forge); bucket='$bucket' work='$work' forge 2.1.0 && python3 '$REPO_ROOT/scripts/lib/release_manifest.py' verify '$bucket' 2.1.0 Zip '$RELEASE_SIGNING_KEY'"
  no_tag() {
    if deploy 9.9.9; then show 9.9.9; echo "deploy.sh exited 0"; return 1; fi
    show 9.9.9
    grep -q "has no tag v9.9.9" "$work/deploy-9.9.9.log" && out_is 'result=verify-failed' && summary_has 'refused before any change'
  }
  check "a version without a tag is refused, naming the tag; nothing changes" no_tag
  # An alarm goes off while 3.0.0 takes 10 % of the traffic: set by a watcher that waits for the
  # routing to appear (bounded: 120 s), as a real error alarm would.
  alarm_during_canary() {
    python3 - "$work/alarm-set" <<'PY' &
import boto3, sys, time
lam, cw = boto3.client("lambda"), boto3.client("cloudwatch")
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    if lam.get_alias(FunctionName="functions-test-ListObjects", Name="live").get("RoutingConfig", {}).get("AdditionalVersionWeights"):
        cw.set_alarm_state(AlarmName="functions-test-ListObjects-errors", StateValue="ALARM", StateReason="Errors >= 1 (test)")
        open(sys.argv[1], "w").write("set\n")
        break
    time.sleep(0.2)
PY
    local watcher=$!
    pids+=("$watcher")
    local status=0
    deploy 3.0.0 --canary-minutes 1 || status=$?
    wait "$watcher" || true
    show 3.0.0
    cp "$work/deploy-3.0.0.log" "$work/deploy-3.0.0-alarm.log"; cp "$work/summary.md" "$work/summary-3.0.0-alarm.md"
    [[ "$status" -ne 0 && -s "$work/alarm-set" ]] || { echo "exit $status; alarm set: $(cat "$work/alarm-set" 2>/dev/null)"; return 1; }
    out_is 'result=rolled-back' && out_is 'deployed_version=1.0.0' || return 1
    summary_has 'alarm during the canary: functions-test-ListObjects-errors (Errors >= 1 (test))' || return 1
    grep -E '^\| re-point aliases \| 1\.0\.0 \| 1 alias\(es\) back on 1\.0\.0.s versions in [0-9.]+ s \|$' "$work/summary.md" || return 1
    summary_has 'test now runs: **1.0.0**' || return 1
    diff <(snapshot | sed 's/ live [0-9]* / live N /') <(sed 's/ live [0-9]* / live N /' "$work/env-1.0.0")
  }
  check "3.0.0's canary meets an alarm: the alias points back at 1.0.0's version in seconds, v1.0.0's tree is re-applied" alarm_during_canary
  aws cloudwatch set-alarm-state --alarm-name functions-test-ListObjects-errors --state-value OK --state-reason "reset (test)"

  # Cancelled (SIGTERM, as a cancel or a step timeout sends) during the canary of 3.0.0: the run
  # writes its summary and leaves the rest to --recover, which rolls back.
  cancelled() {
    : >"$work/summary.md"; : >"$work/outputs"; rm -f "$work/journal.json"
    # shellcheck disable=SC2046
    GITHUB_STEP_SUMMARY="$work/summary.md" GITHUB_OUTPUT="$work/outputs" CANARY_POLL_SECONDS=0.5 SMOKE_COMMAND="$REPO_ROOT/scripts/smoke.sh" \
      "$REPO_ROOT/scripts/deploy.sh" $(deploy_args) --version 3.0.0 --canary-minutes 5 --journal "$work/journal.json" \
      -- "${tf_vars[@]}" -var "api_endpoint=$api_url" >"$work/deploy-cancel.log" 2>&1 &
    local run=$! i status=0
    pids+=("$run")
    for ((i = 0; i < 1200; i++)); do
      grep -q '"phase": "canary"' "$work/journal.json" 2>/dev/null && break
      kill -0 "$run" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$run"
    wait "$run" || status=$?
    cat "$work/deploy-cancel.log" "$work/summary.md" "$work/outputs"
    [[ "$status" -eq 130 ]] || { echo "exit $status, not 130"; return 1; }
    summary_has 'interrupted by SIGTERM during canary' || return 1
    if grep -q '^finished=' "$work/outputs"; then echo "finished set: the recovery step would not run"; return 1; fi
    : >"$work/summary.md"; : >"$work/outputs"
    # shellcheck disable=SC2046
    GITHUB_STEP_SUMMARY="$work/summary.md" GITHUB_OUTPUT="$work/outputs" SMOKE_COMMAND="$REPO_ROOT/scripts/smoke.sh" \
      "$REPO_ROOT/scripts/deploy.sh" --recover --journal "$work/journal.json" >"$work/deploy-recover.log" 2>&1 || true
    cat "$work/deploy-recover.log"
    out_is 'result=rolled-back' && out_is 'finished=true' && out_is 'deployed_version=1.0.0' || return 1
    summary_has 'the deploy of 3.0.0 was interrupted during canary' && summary_has 'test now runs: **1.0.0**' || return 1
    diff <(snapshot | sed 's/ live [0-9]* / live N /') <(sed 's/ live [0-9]* / live N /' "$work/env-1.0.0")
  }
  check "a run cancelled during its canary writes its summary; --recover rolls back to 1.0.0" cancelled
  stop_api

  # 3.0.0 fails its smoke test and 1.0.0's release no longer verifies: the rollback stops before
  # any apply of 1.0.0, and the run says the environment is in an unknown state.
  start_api 3.0.0
  forge 1.0.0
  rollback_fails() {
    if deploy 3.0.0; then show 3.0.0; echo "deploy.sh exited 0"; return 1; fi
    show 3.0.0
    out_is 'result=rollback-failed' || return 1
    summary_has 'ROLLBACK FAILED' && summary_has 'release 1.0.0 did not verify' && summary_has 'is in an unknown state' || return 1
    summary_has '| re-point aliases | 1.0.0 | 1 alias(es) back on 1.0.0'
  }
  check "when the rollback cannot be applied (1.0.0 no longer verifies), the run says ROLLBACK FAILED and what runs" rollback_fails
  stop_api
fi

# --- drift.sh: one apply to moto, then drift read back from a version's own tree ----------
if want drift; then
  echo "== drift.sh against moto: no drift, a change behind Terraform's back, unknown environment, missing tag"
  require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
  use_provider_mirror "$work"
  # The deploy section's stack uses the same names: start from an empty moto.
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/moto-api/reset", method="POST"), timeout=10)' "$MOTO_ENDPOINT"
  bucket=artifacts-drift-test
  aws s3api create-bucket --bucket "$bucket" >/dev/null
  aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
  mkdir -p "$work/drift-zip"
  printf '#!/bin/sh\n# drift test\n' >"$work/drift-zip/bootstrap" && chmod 755 "$work/drift-zip/bootstrap"
  deterministic_zip "$work/drift-zip" "$work/drift.zip"
  aws s3api put-object --bucket "$bucket" --key 1.0.0/ListObjects.zip --body "$work/drift.zip" >/dev/null
  # A repository whose release v1.0.0 is the test stack (at stack/), and one plain apply of it.
  drift_repo="$work/drift-repo"
  git init -q "$drift_repo" && git -C "$drift_repo" config user.email t@example.invalid && git -C "$drift_repo" config user.name t
  cp -R "$REPO_ROOT/tests/release/deploy_stack" "$drift_repo/stack"
  git -C "$drift_repo" add -A && git -C "$drift_repo" commit -qm "release 1.0.0" && git -C "$drift_repo" tag v1.0.0
  drift_state="$work/drift.tfstate"
  drift_vars=(-var "endpoint=$MOTO_ENDPOINT" -var "api_endpoint=http://127.0.0.1:9" -var "artifact_bucket=$bucket")
  cp -R "$drift_repo/stack" "$work/drift-apply"
  (terraform -chdir="$work/drift-apply" init -input=false -no-color -backend-config="path=$drift_state" \
    && terraform -chdir="$work/drift-apply" apply -input=false -no-color -auto-approve -var release_version=1.0.0 "${drift_vars[@]}") \
    >"$work/drift-apply.log" 2>&1 || { tail -40 "$work/drift-apply.log"; die "the drift test's apply failed"; }
  # A commit after the release: drift.sh reads the state with HEAD's tree, plans v1.0.0's.
  git -C "$drift_repo" commit -q --allow-empty -m "after 1.0.0"
  drift() { # drift ENV [ARGS...]: drift.sh on the test repository; its summary in $work/drift-summary.md
    local env_name="$1"; shift
    : >"$work/drift-summary.md"
    env GITHUB_ACTIONS= GITHUB_STEP_SUMMARY="$work/drift-summary.md" "$REPO_ROOT/scripts/drift.sh" \
      --environment "$env_name" --repo "$drift_repo" --tf-path stack "$@" -- "${drift_vars[@]}"
  }
  # exits_with STATUS TEXT COMMAND...: the command exits with exactly STATUS and its output
  # contains TEXT.
  exits_with() {
    local want="$1" text="$2" status=0; shift 2
    "$@" >"$work/out" 2>&1 || status=$?
    cat "$work/out"
    [[ "$status" -eq "$want" ]] || { echo "expected exit $want, got $status"; return 1; }
    grep -qF -- "$text" "$work/out" || { echo "expected the output to contain: $text"; return 1; }
  }
  sha256sum "$drift_state" >"$work/drift-state.sum"
  no_drift() {
    exits_with 0 "" drift test --backend-config "path=$drift_state" || return 1
    grep -q '^== test runs 1.0.0' "$work/out" || return 1
    grep -q 'Drift test: none ✅' "$work/drift-summary.md"
  }
  check "a fresh apply has no drift (exit 0; v1.0.0's tree planned, the summary says none)" no_drift
  aws lambda update-function-configuration --function-name functions-test-ListObjects --timeout 42 >/dev/null
  drifted() {
    exits_with 2 "" drift test --backend-config "path=$drift_state" || return 1
    grep -q '^- `aws_lambda_function.fn\["ListObjects"\]`: .*timeout.*42' "$work/out" || return 1
    grep -q 'an apply of 1.0.0 would update' "$work/out" || return 1
    grep -q 'aws_lambda_function.fn\["ListObjects"\]' "$work/drift-summary.md" && grep -q 'Drift test: [0-9]* resource(s) differ from 1.0.0' "$work/drift-summary.md"
  }
  check "a timeout changed behind Terraform's back is drift (exit 2) naming the function aws_lambda_function.fn[\"ListObjects\"] and the timeout" drifted
  check "drift.sh leaves the state as it was (plan only, never applied)" sha256sum -c "$work/drift-state.sum"
  check "an environment with nothing in its state fails clearly (exit 1)" exits_with 1 \
    "nowhere has no release_version output" drift nowhere --backend-config "path=$work/nowhere.tfstate"
  check "an environment without a backend file is unknown (exit 1)" exits_with 1 \
    "unknown environment 'nowhere'" drift nowhere
  drift_key="$(aws kms create-key --key-spec ECC_NIST_P256 --key-usage SIGN_VERIFY --query KeyMetadata.Arn --output text)"
  check "an image environment whose running version has no signed image release fails (exit 1)" exits_with 1 \
    "release 1.0.0 has no Image manifest" drift test --backend-config "path=$drift_state" --image-release "$bucket" "$drift_key"
  git -C "$drift_repo" tag -d v1.0.0 >/dev/null
  no_tag() {
    exits_with 1 "has no tag v1.0.0" drift test --backend-config "path=$drift_state" || return 1
    grep -q 'Drift test: not checked' "$work/drift-summary.md" && grep -q 'has no tag v1.0.0' "$work/drift-summary.md"
  }
  check "a running version without its tag fails naming the tag (exit 1), in the summary too" no_tag
fi

# --- promotion.sh: the record that a version passed dev, then stage ----------------------
if want promotion; then
  echo "== promotion.sh: checks and records against a bare origin"
  promo() { env GITHUB_ACTIONS= GITHUB_STEP_SUMMARY= GITHUB_ACTOR= GITHUB_RUN_ID= "$REPO_ROOT/scripts/promotion.sh" "$@"; }
  origin="$work/promo-origin.git"
  git init -q --bare "$origin" && git --git-dir="$origin" symbolic-ref HEAD refs/heads/main
  seed="$work/promo-seed"
  git init -q "$seed" && git -C "$seed" config user.email t@example.invalid && git -C "$seed" config user.name t
  git -C "$seed" commit -q --allow-empty -m one && git -C "$seed" tag v1.0.0
  git -C "$seed" commit -q --allow-empty -m two && git -C "$seed" tag v1.1.0
  git -C "$seed" remote add origin "$origin" && git -C "$seed" push -q origin HEAD:refs/heads/main --tags
  # Two runners' checkouts of origin: a record one makes is seen by the other through origin.
  git clone -q "$origin" "$work/promo-a" && git clone -q "$origin" "$work/promo-b"
  a="$work/promo-a" b="$work/promo-b"
  origin_commit() { git --git-dir="$origin" rev-parse -q --verify "refs/tags/$1^{commit}"; }
  v1="$(origin_commit v1.0.0)"
  check "dev needs nothing" succeeds_with "dev needs no earlier environment" promo check --environment dev --version 1.0.0 --repo "$a"
  check "stage refuses a version that has not passed dev, naming the record" \
    fails_with "1.0.0 has not passed dev: there is no promotion record passed/dev/v1.0.0" promo check --environment stage --version 1.0.0 --repo "$a"
  check "prod refuses a version that has not passed stage, naming the record" \
    fails_with "there is no promotion record passed/stage/v1.0.0" promo check --environment prod --version 1.0.0 --repo "$a"
  recorded() {
    succeeds_with "recorded passed/dev/v1.0.0 (commit $v1) and pushed it" promo record --environment dev --version 1.0.0 --repo "$a" || return 1
    [[ "$(origin_commit passed/dev/v1.0.0)" == "$v1" ]]
  }
  check "record tags passed/dev/v1.0.0 on v1.0.0's commit and pushes it to origin" recorded
  again() {
    local before; before="$(git --git-dir="$origin" show-ref)"
    succeeds_with "exists on origin" promo record --environment dev --version 1.0.0 --repo "$a" || return 1
    succeeds_with "exists on origin" promo record --environment dev --version 1.0.0 --repo "$b" || return 1
    [[ "$(git --git-dir="$origin" show-ref)" == "$before" ]]
  }
  check "record again (the same or another checkout) changes nothing" again
  check "another checkout without the tag locally finds the record on origin: stage passes" \
    succeeds_with "1.0.0 passed dev (passed/dev/v1.0.0, commit $v1)" promo check --environment stage --version 1.0.0 --repo "$b"
  check "passing dev is not enough for prod" fails_with "passed/stage/v1.0.0" promo check --environment prod --version 1.0.0 --repo "$b"
  override() {
    : >"$work/promo-summary.md"
    env GITHUB_ACTIONS=true GITHUB_ACTOR=alice GITHUB_STEP_SUMMARY="$work/promo-summary.md" \
      "$REPO_ROOT/scripts/promotion.sh" check --environment prod --version 1.0.0 --repo "$b" --override "hotfix for incident 42" \
      >"$work/out" 2>&1 || { cat "$work/out"; echo "expected exit 0"; return 1; }
    cat "$work/out" "$work/promo-summary.md"
    grep -q '^::warning title=Promotion override::prod 1.0.0 deployed without passing stage, by alice: hotfix for incident 42' "$work/out" || return 1
    grep -q 'PROMOTION OVERRIDE' "$work/out" || return 1
    grep -q '| reason | hotfix for incident 42 |' "$work/promo-summary.md" || return 1
    grep -q '| actor | alice |' "$work/promo-summary.md" && grep -q 'OVERRIDDEN' "$work/promo-summary.md"
  }
  check "--override lets prod through with a ::warning:: and the reason and actor in the summary" override
  check "an empty override reason is no override" fails_with "REFUSED" promo check --environment prod --version 1.0.0 --repo "$b" --override ""
  check "record stage from the other checkout" succeeds_with "recorded passed/stage/v1.0.0" promo record --environment stage --version 1.0.0 --repo "$b"
  check "then prod passes" succeeds_with "1.0.0 passed stage" promo check --environment prod --version 1.0.0 --repo "$a"
  # A record on the wrong commit: passed/dev/v1.1.0 pushed on v1.0.0's commit.
  git -C "$a" tag passed/dev/v1.1.0 v1.0.0 && git -C "$a" push -q origin refs/tags/passed/dev/v1.1.0
  check "a record on another commit than the release is refused by check" \
    fails_with "what passed dev is not this release" promo check --environment stage --version 1.1.0 --repo "$b"
  check "and by record" fails_with "not on v1.1.0's" promo record --environment dev --version 1.1.0 --repo "$b"
  check "record needs the release tag" fails_with "has no tag v9.9.9" promo record --environment dev --version 9.9.9 --repo "$a"
  check "an unknown environment is refused" fails_with "unknown environment 'qa'" promo check --environment qa --version 1.0.0 --repo "$a"
  check "a malformed version is refused" fails_with "is not a release version" promo check --environment stage --version v1.0.0 --repo "$a"
  check "an unreachable origin without a local record refuses (fails closed)" \
    fails_with "origin could not be asked" bash -c "git -C '$b' remote set-url origin '$work/no-such-origin.git' && \
      env GITHUB_ACTIONS= GITHUB_STEP_SUMMARY= '$REPO_ROOT/scripts/promotion.sh' check --environment prod --version 1.1.0 --repo '$b'"
fi

# --- smoke.sh against the stand-in API (no moto: every route answers) ----------------------
if want smoke; then
  echo "== smoke.sh: SigV4 signing and checks, against the stand-in API"
  python3 "$REPO_ROOT/tests/release/fake_api.py" --port-file "$work/smoke-port" >"$work/smoke-api.log" 2>&1 &
  smoke_api=$!
  pids+=("$smoke_api")
  for ((i = 0; i < 200; i++)); do [[ -s "$work/smoke-port" ]] && break; sleep 0.1; done
  smoke_url="http://127.0.0.1:$(cat "$work/smoke-port")"
  # Two checks per route of the manifest (it has a sample; it refuses an unsigned call), then
  # one per sample (10 routes and 12 samples today: 32).
  smoke_checks="$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["functions"]; print(sum(2*len(x.get("routes",[]))+len(x.get("samples",[])) for x in f))' "$REPO_ROOT/functions/functions.json")"
  check "every route answers and the round trips hold" succeeds_with "smoke: $smoke_checks passed, 0 failed" "$REPO_ROOT/scripts/smoke.sh" "$smoke_url"
  check "a wrong secret key fails every signed call (403)" fails_with "FAIL GET /objects → 403" \
    env AWS_SECRET_ACCESS_KEY=wrong "$REPO_ROOT/scripts/smoke.sh" "$smoke_url"
  check "missing credentials stop the smoke test naming them" fails_with "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set" \
    env -u AWS_ACCESS_KEY_ID "$REPO_ROOT/scripts/smoke.sh" "$smoke_url"
  check "the region comes from an execute-api URL" fails_with "(eu-west-1)" \
    env SMOKE_READY_SECONDS=0 "$REPO_ROOT/scripts/smoke.sh" "http://127.0.0.1:9/.execute-api.eu-west-1.amazonaws.com"
  kill "$smoke_api" 2>/dev/null || true
fi

# --- reproducible packaging: the result ---------------------------------------------------
if want reproducible; then
  echo "== reproducible packaging (ListObjects, from a fresh clone in another path; one function: each Native AOT build takes minutes on 2 cores)"
  repro_status=0
  wait "$repro_pid" || repro_status=$?
  first="$(awk '$2 == "ListObjects.zip" { print $1 }' "$artifacts/SHA256SUMS")"
  second="$(awk '$2 == "ListObjects.zip" { print $1 }' "$work/repro/SHA256SUMS" 2>/dev/null || true)"
  echo "   first  $first  ListObjects.zip ($artifacts)"
  echo "   second $second  ListObjects.zip ($work/repro, fresh clone)"
  check "the second packaging of ListObjects succeeded" bash -c "cat '$work/repro.log'; exit $repro_status"
  check "ListObjects.zip packaged twice from one commit has one sha256" test -n "$first" -a "$first" == "$second"
  check "zip entries: sorted, 1980-01-01 00:00, bootstrap 0755, the rest 0644" python3 - "$artifacts/ListObjects.zip" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [i.filename for i in z.infolist()]
assert names == sorted(names), names
assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
modes = {i.filename: (i.external_attr >> 16) & 0o7777 for i in z.infolist()}
assert modes["bootstrap"] == 0o755, modes
assert all(m == 0o644 for n, m in modes.items() if n != "bootstrap"), modes
PY
fi

echo "release: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
