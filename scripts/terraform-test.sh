#!/usr/bin/env bash
# Offline Terraform checks: fmt, then init + validate + `terraform test` (mocked provider)
# for every module and stack. Uses the provider mirror at /opt/tf-plugins (or TF_PLUGIN_DIR)
# through a CLI config of its own, never the user's ~/.terraformrc. Prints one line
# "terraform: N passed, N failed" for scripts/test.sh to add up.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/terraform-test.sh [DIR...]

Checks every directory under terraform/modules plus terraform/bootstrap and terraform/app
(or only the DIRs given, relative to the repository root).
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }

require terraform "Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install), then re-run."
work="$(mktemp -d "${TMPDIR:-/tmp}/functions-tf.XXXXXX")"
trap 'rm -rf "$work"' EXIT
use_provider_mirror "$work"

cd "$REPO_ROOT"
dirs=("$@")
if [[ ${#dirs[@]} -eq 0 ]]; then
  mapfile -t dirs < <(find terraform/modules -mindepth 1 -maxdepth 1 -type d | sort; echo terraform/bootstrap; echo terraform/app)
fi

passed=0
failed=0
echo "== terraform fmt -check -recursive terraform"
if terraform fmt -check -recursive terraform; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: terraform fmt"; fi

# check_dir DIR: init + validate + terraform test of one directory; writes its report to
# $work/<name>.report and "passed failed" to $work/<name>.result.
check_dir() {
  local dir="$1" name="${1//\//_}" passed=0 failed=0 status
  export TF_DATA_DIR="$work/$name"
  {
    echo "== $dir"
    if ! (cd "$dir" && terraform init -backend=false -input=false -no-color >"$work/$name.init.log" 2>&1); then
      cat "$work/$name.init.log"
      echo "FAIL: init $dir"
      echo "0 1" >"$work/$name.result"
      return
    fi
    if (cd "$dir" && terraform validate -no-color); then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: validate $dir"; fi
    if compgen -G "$dir/tests/*.tftest.hcl" >/dev/null; then
      local log="$work/$name.test.log"
      if (cd "$dir" && terraform test -no-color) >"$log" 2>&1; then status=0; else status=$?; fi
      grep -E '^(run|  run|Success!|Failure!)|fail|error' "$log" | tail -40 || true
      # One test per run, and per bad value in a rejection round (scripts/lib/tftest_counts.py).
      local p f
      read -r p f < <(python3 "$REPO_ROOT/scripts/lib/tftest_counts.py" "$dir" "$log")
      passed=$((passed + p))
      failed=$((failed + f))
      if [[ "$status" -ne 0 && "$f" -eq 0 ]]; then
        cat "$log"
        failed=$((failed + 1))
      fi
    else
      echo "FAIL: $dir has no tests/*.tftest.hcl"
      failed=$((failed + 1))
    fi
    echo "$passed $failed" >"$work/$name.result"
  } >"$work/$name.report" 2>&1
}

# Two directories at a time (this machine has two cores); reports print in order.
jobs_running=0
for dir in "${dirs[@]}"; do
  check_dir "$dir" &
  jobs_running=$((jobs_running + 1))
  if [[ "$jobs_running" -ge "${TERRAFORM_TEST_JOBS:-2}" ]]; then
    wait -n || true
    jobs_running=$((jobs_running - 1))
  fi
done
wait || true
for dir in "${dirs[@]}"; do
  name="${dir//\//_}"
  cat "$work/$name.report"
  if [[ -f "$work/$name.result" ]]; then
    read -r p f <"$work/$name.result"
    passed=$((passed + p))
    failed=$((failed + f))
  else
    echo "FAIL: $dir did not finish"
    failed=$((failed + 1))
  fi
done

echo "terraform: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
