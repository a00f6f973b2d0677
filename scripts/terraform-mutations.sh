#!/usr/bin/env bash
# Mutation check of the Terraform tests: applies each mutation listed in
# tests/terraform/mutations.py, one at a time, to a scratch copy of terraform/ and shows that
# the named test file fails for it. Prints a table and "terraform-mutations: N passed, N failed"
# (N caught, N survived or no longer applicable) for scripts/test.sh to add up. Offline: the
# provider comes from the mirror at /opt/tf-plugins (or TF_PLUGIN_DIR).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/terraform-mutations.sh [--no-baseline]

Copies terraform/, functions/functions.json and functions/metrics.json to scratch directories (one per worker,
MUTATION_WORKERS, default 2), runs each mutation's test file once unmutated (it must pass),
then once per mutation (it must fail). Exits non-zero when a mutation survives.
  --no-baseline  skip the unmutated runs: the caller has just run these test files on this
                 tree (scripts/test.sh runs scripts/terraform-test.sh first, and a failure
                 there fails the suite).
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
baseline=1
case "${1:-}" in
  "") ;;
  --no-baseline) baseline=0 ;;
  *) usage >&2; exit 2 ;;
esac

require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
require_python

work="$(mktemp -d "${TMPDIR:-/tmp}/functions-tfmut.XXXXXX")"
trap 'rm -rf "$work"' EXIT
use_provider_mirror "$work"

# One scratch copy per worker (MUTATION_WORKERS, default 2: this machine's cores), each with
# the manifest and the metric list beside it (the app reads ../../functions/*.json).
workers="${MUTATION_WORKERS:-2}"
copies=()
for ((i = 0; i < workers; i++)); do
  mkdir -p "$work/copy$i/functions"
  cp -R "$REPO_ROOT/terraform" "$work/copy$i/terraform"
  cp "$REPO_ROOT/functions/functions.json" "$REPO_ROOT/functions/metrics.json" "$work/copy$i/functions/"
  find "$work/copy$i/terraform" -name .terraform -type d -prune -exec rm -rf {} +
  # Every directory a mutation names (tests/terraform/mutations.py).
  for dir in app bootstrap modules/lambda_function modules/kms_key; do
    if ! (cd "$work/copy$i/terraform/$dir" && TF_DATA_DIR="$work/data-$i-${dir//\//_}" terraform init -backend=false -input=false -no-color >"$work/init-$i-${dir//\//_}.log" 2>&1); then
      cat "$work/init-$i-${dir//\//_}.log"
      echo "terraform-mutations: 0 passed, 1 failed"
      exit 1
    fi
  done
  copies+=("$work/copy$i/terraform")
done

start=$SECONDS
status=0
MUTATION_WORK="$work" MUTATION_BASELINE="$baseline" python3 "$REPO_ROOT/tests/terraform/mutations.py" "${copies[@]}" || status=$?
echo "mutation check took $((SECONDS - start)) s"
exit "$status"
