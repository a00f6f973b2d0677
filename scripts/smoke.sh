#!/usr/bin/env bash
# Smoke test of a deployed API: every route of functions/functions.json refuses an unsigned
# call (403), then the manifest's samples run in step order, SigV4-signed, each answer
# checked, values carried between steps (event create → get, file upload → get → ready →
# query → list → delete). Prints one line per check and ends with "smoke: N passed, N failed";
# exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/smoke.sh API_URL
       scripts/smoke.sh --list

Signs every request with the caller's credentials from the environment (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN; the deploy workflow has them from its OIDC
role). The region is read from the URL (…execute-api.<region>.amazonaws.com) or AWS_REGION.
  SMOKE_READY_SECONDS  how long a sample with "until" (the uploaded file becoming ready)
                       repeats its request (default 90)
The checks are the "samples" of each function in functions/functions.json
(docs/functions-manifest.md#samples): a route without one is a failure; add it there.
--list prints the checks in the order they run, without calling anything.
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
if [[ "${1:-}" == "--list" && $# -eq 1 ]]; then
  require_python
  exec python3 "$REPO_ROOT/scripts/lib/samples.py" plan "$REPO_ROOT/functions/functions.json"
fi
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
api="${1%/}"
[[ "$api" =~ ^https?://[^/]+(/[^?#]*)?$ ]] || die "API_URL must be an http(s) URL, not '$api'"

require curl "Install curl 7.75 or newer (Debian: apt-get install curl), then re-run."
require_python
curl --help all 2>/dev/null | grep -q -- '--aws-sigv4' || die "this curl cannot sign requests (--aws-sigv4 needs curl 7.75+): upgrade curl."
[[ -n "${AWS_ACCESS_KEY_ID:-}" && -n "${AWS_SECRET_ACCESS_KEY:-}" ]] \
  || die "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (with the AWS CLI v2: eval \"\$(aws configure export-credentials --format env)\")."
[[ "${SMOKE_READY_SECONDS:-90}" =~ ^[0-9]+$ ]] || die "SMOKE_READY_SECONDS must be a whole number of seconds, not '${SMOKE_READY_SECONDS}'"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [[ "$api" =~ \.execute-api\.([a-z0-9-]+)\.amazonaws\.com ]]; then region="${BASH_REMATCH[1]}"; fi
[[ -n "$region" ]] || die "no region: the URL does not name one; set AWS_REGION."

# The checks come from the samples beside each function in the manifest (scripts/lib/samples.py).
exec python3 "$REPO_ROOT/scripts/lib/samples.py" smoke "$api" "$region" "$REPO_ROOT/functions/functions.json"
