#!/usr/bin/env bash
# Runs the reconciler by hand: invokes ProcessRecords with the schedule's input, so events
# still "accepted" and files still "uploaded" (or "pending" past their URL's expiry) that are
# older than --older-than are driven through the stream's own steps. Safe to run at any time
# and any number of times: every step is a conditional transition.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/reconcile.sh --function NAME [--older-than SECONDS] [--region REGION] [--endpoint-url URL]

  --function      the deployed ProcessRecords function, e.g. functions-dev-ProcessRecords
                  (terraform output function_names); the "live" alias is invoked
  --older-than    only items whose step began at least this long ago (default 900, 0 to 604800)
  --region        AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)
  --endpoint-url  a Lambda endpoint other than AWS's (the local cloud)

Prints the run's summary; exits 1 when an item failed or the run stopped at its deadline
(run it again: it continues where it stopped).
USAGE
}

function_name="" older_than=900 cli=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --function) function_name="${2:?error: --function needs a name}"; shift 2 ;;
    --older-than) older_than="${2:?error: --older-than needs seconds}"; shift 2 ;;
    --region) cli+=(--region "${2:?error: --region needs a value}"); shift 2 ;;
    --endpoint-url) cli+=(--endpoint-url "${2:?error: --endpoint-url needs a URL}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "error: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

[[ -n "$function_name" ]] || { usage >&2; echo "error: --function is required" >&2; exit 2; }
if ! [[ "$older_than" =~ ^[0-9]+$ ]] || [[ "$older_than" -gt 604800 ]]; then
  echo "error: --older-than must be a whole number of seconds from 0 to 604800, not '$older_than'" >&2
  exit 2
fi
require aws "Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
require_python
export AWS_PAGER=""

out="$(mktemp "${TMPDIR:-/tmp}/reconcile.XXXXXX")"
trap 'rm -f "$out" "$out.meta"' EXIT
payload="{\"action\":\"reconcile\",\"olderThanSeconds\":$older_than}"
# AWS CLI v2 reads --payload as base64 unless told otherwise; v1 takes it as it is.
binary=()
[[ "$(aws --version 2>&1)" == aws-cli/1.* ]] || binary=(--cli-binary-format raw-in-base64-out)
aws "${cli[@]}" lambda invoke --function-name "$function_name" --qualifier live \
  "${binary[@]}" --payload "$payload" "$out" --output json >"$out.meta"
python3 - "$out" "$out.meta" <<'PY'
import json, sys
meta = json.load(open(sys.argv[2]))
result = open(sys.argv[1]).read()
if meta.get("FunctionError"):
    sys.exit(f"the reconcile invocation failed ({meta['FunctionError']}): {result}")
summary = json.loads(result)
print("examined {examined}, settled {settled}, left for a later run {left}, failed {failed}, complete {complete}".format(**summary))
sys.exit(0 if summary["failed"] == 0 and summary["complete"] else 1)
PY
