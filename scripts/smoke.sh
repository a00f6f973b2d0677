#!/usr/bin/env bash
# Smoke test of a deployed API: SigV4-signed calls to every route of functions/functions.json
# and round trips (event create → get, file upload → get → query once ready). Prints one
# line per check and ends with "smoke: N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/smoke.sh API_URL

Signs every request with the caller's credentials from the environment (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN; the deploy workflow has them from its OIDC
role). The region is read from the URL (…execute-api.<region>.amazonaws.com) or AWS_REGION.
  SMOKE_READY_SECONDS  how long to wait for the uploaded file to be inspected (default 90)
A route in the manifest that this script has no call for is a failure: add its check here.
USAGE
}
[[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
[[ $# -eq 1 ]] || { usage >&2; exit 2; }
api="${1%/}"
[[ "$api" =~ ^https?://[^/]+(/[^?#]*)?$ ]] || die "API_URL must be an http(s) URL, not '$api'"

require curl "Install curl 7.75 or newer (Debian: apt-get install curl), then re-run."
require_python
curl --help all 2>/dev/null | grep -q -- '--aws-sigv4' || die "this curl cannot sign requests (--aws-sigv4 needs curl 7.75+): upgrade curl."
[[ -n "${AWS_ACCESS_KEY_ID:-}" && -n "${AWS_SECRET_ACCESS_KEY:-}" ]] \
  || die "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (with the AWS CLI v2: eval \"\$(aws configure export-credentials --format env)\")."
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
if [[ "$api" =~ \.execute-api\.([a-z0-9-]+)\.amazonaws\.com ]]; then region="${BASH_REMATCH[1]}"; fi
[[ -n "$region" ]] || die "no region: the URL does not name one; set AWS_REGION."

work="$(mktemp -d "${TMPDIR:-/tmp}/smoke.XXXXXX")"
trap 'rm -rf "$work"' EXIT
nonce="$(python3 -c 'import secrets; print(secrets.token_hex(6))')"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "  ok   $1"; }
fail() { failed=$((failed + 1)); echo "  FAIL $1"; [[ -s "$work/body" ]] && head -c 600 "$work/body" | sed 's/^/       /' && echo || true; }

# call [--unsigned] METHOD PATH [BODY_FILE CONTENT_TYPE]: sets $status; the body is $work/body.
call() {
  local sign=1
  if [[ "$1" == --unsigned ]]; then sign=0; shift; fi
  local method="$1" path="$2" body="${3:-}" type="${4:-}"
  local args=(-sS -o "$work/body" -w '%{http_code}' -X "$method" --max-time 35)
  if [[ "$sign" -eq 1 ]]; then
    args+=(--aws-sigv4 "aws:amz:$region:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY")
    [[ -n "${AWS_SESSION_TOKEN:-}" ]] && args+=(-H "x-amz-security-token: $AWS_SESSION_TOKEN")
  fi
  [[ -n "$body" ]] && args+=(--data-binary "@$body" -H "content-type: $type")
  # curl writes 000 as the code when it gets no response (and exits non-zero).
  status="$(curl "${args[@]}" "$api$path")" || true
  [[ -n "$status" ]] || status=000
}

# Query parameters are written sorted by name: curl before 8.1 signs them in the order given,
# while SigV4's canonical request sorts them, so unsorted ones fail with 403 on such curls.

# json EXPR: evaluates a Python expression over the last body parsed as JSON (as `b`).
json() {
  python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print("" if r is None else r)' "$work/body" "$1" 2>/dev/null || true
}

# Every route the manifest declares must have a check below.
known_routes=("GET /objects" "POST /events" "GET /events/{id}" "GET /events" "POST /files" "POST /files/uploads" "GET /files/{id}" "POST /query" "GET /files" "DELETE /files/{id}")
while IFS= read -r route; do
  found=0
  for k in "${known_routes[@]}"; do [[ "$k" == "$route" ]] && found=1; done
  if [[ "$found" -eq 1 ]]; then ok "manifest route $route has a smoke check"; else fail "manifest route $route has no smoke check in scripts/smoke.sh"; fi
done < <(python3 -c 'import json,sys; [print(r) for f in json.load(open(sys.argv[1]))["functions"] for r in f.get("routes", [])]' "$REPO_ROOT/functions/functions.json")

echo "smoke test of $api ($region), run $nonce"

call --unsigned GET "/objects"
if [[ "$status" == 403 ]]; then ok "GET /objects unsigned → 403"; else fail "GET /objects unsigned → $status, expected 403 (is the route AWS_IAM?)"; fi

call GET "/objects?limit=1"
if [[ "$status" == 200 && "$(json 'type(b["items"]).__name__')" == list ]]; then ok "GET /objects → 200 with items"; else fail "GET /objects → $status"; fi

event_id="smoke-$nonce"
printf '{"id":"%s","type":"smoke.check","payload":{"run":"%s"}}' "$event_id" "$nonce" >"$work/event.json"
call POST "/events" "$work/event.json" application/json
if [[ "$status" == 201 && "$(json 'b["id"]')" == "$event_id" ]]; then ok "POST /events → 201"; else fail "POST /events → $status"; fi

call GET "/events/$event_id"
if [[ "$status" == 200 && "$(json 'b["id"]')" == "$event_id" && "$(json 'b["payload"]["run"]')" == "$nonce" ]]; then
  ok "GET /events/{id} → 200, the event just stored"
else
  fail "GET /events/{id} → $status, expected the event just stored"
fi

call GET "/events?limit=5&type=smoke.check"
if [[ "$status" == 200 && "$(json 'type(b["items"]).__name__')" == list ]]; then ok "GET /events → 200 with items"; else fail "GET /events → $status"; fi

printf 'check,run\nsmoke,%s\n' "$nonce" >"$work/file.csv"
call POST "/files?name=smoke-$nonce.csv" "$work/file.csv" text/csv
file_id="$(json 'b["id"]')"
if [[ "$status" == 201 && -n "$file_id" ]]; then ok "POST /files → 201"; else fail "POST /files → $status"; fi

call GET "/files/${file_id:-missing}"
if [[ "$status" == 200 && "$(json 'b["id"]')" == "$file_id" && "$(json 'b["name"]')" == "smoke-$nonce.csv" ]]; then
  ok "GET /files/{id} → 200, the file just uploaded"
else
  fail "GET /files/{id} → $status, expected the file just uploaded"
fi

printf '{"name":"smoke-%s-upload.csv","size":16,"contentType":"text/csv"}' "$nonce" >"$work/upload.json"
call POST "/files/uploads" "$work/upload.json" application/json
if [[ "$status" == 201 && "$(json 'b["status"]')" == pending && "$(json 'b["upload"]["url"]')" == http* ]]; then
  ok "POST /files/uploads → 201 with a presigned URL"
else
  fail "POST /files/uploads → $status"
fi

# POST /query needs the file inspected (asynchronous: the uploads queue and ProcessRecords),
# so this also proves the processor runs.
state=""
deadline=$((SECONDS + ${SMOKE_READY_SECONDS:-90}))
while [[ -n "$file_id" ]]; do
  call GET "/files/$file_id"
  state="$(json 'b["status"]')"
  [[ "$state" == ready || "$state" == rejected || $SECONDS -ge $deadline ]] && break
  sleep 2
done
if [[ "$state" == ready ]]; then ok "the uploaded file became ready"; else fail "the uploaded file is '${state:-unknown}', not ready, after ${SMOKE_READY_SECONDS:-90} s"; fi

printf '{"sql":"SELECT run FROM t","files":{"t":"%s"}}' "$file_id" >"$work/query.json"
call POST "/query" "$work/query.json" application/json
if [[ "$status" == 200 && "$(json 'b["rowCount"]')" == 1 && "$(json 'b["rows"][0][0]')" == "$nonce" ]]; then
  ok "POST /query → 200 with the uploaded row"
else
  fail "POST /query → $status, expected the uploaded row"
fi

call GET "/files?limit=50&status=ready"
if [[ "$status" == 200 && "$(json "any(i['id'] == '${file_id:-missing}' for i in b['items'])")" == True ]]; then
  ok "GET /files → 200 listing the uploaded file"
else
  fail "GET /files → $status, expected the uploaded file among the ready ones"
fi

# The smoke test leaves nothing behind: its file is deleted (its event stays: events are immutable).
call DELETE "/files/${file_id:-missing}"
if [[ "$status" == 204 ]]; then ok "DELETE /files/{id} → 204"; else fail "DELETE /files/{id} → $status, expected 204"; fi
call GET "/files/${file_id:-missing}"
if [[ "$status" == 404 ]]; then ok "GET /files/{id} after the delete → 404"; else fail "GET /files/{id} after the delete → $status, expected 404"; fi

echo "smoke: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
