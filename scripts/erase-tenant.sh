#!/usr/bin/env bash
# Erases one tenant: every item in its partition of the events table (events, files, deleted
# files' tombstones) and every version of every object under its root in the data bucket
# (files, claim-checked payloads), delete markers included. Resumable: each run lists what is
# left and deletes it, so a run stopped anywhere is finished by running it again.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/erase-tenant.sh TENANT_KEY [--dry-run] [--table NAME] [--bucket NAME]
                               [--batch N] [--region REGION] [--endpoint-url URL]

  TENANT_KEY      the tenant's key: 64 lowercase hex characters, the SHA-256 of its principal
                  (docs/operations.md#erasing-a-tenant says how to compute it)
  --dry-run       list what would be deleted (items, object versions, counts, bytes); delete nothing
  --table         the events table (default: \$EVENTS_TABLE; terraform output events_table_name)
  --bucket        the data bucket (default: \$DATA_BUCKET; terraform output data_bucket_name)
  --batch         items or object versions per delete request (1-25 for items, default 25;
                  up to 1000 for objects, default 1000)
  --region        AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)
  --endpoint-url  an endpoint other than AWS's (a local emulator)

Without --dry-run it deletes, printing each batch, then counts what is left and prints
"remaining: 0 items, 0 object versions" when the tenant is gone. Exits 1 when anything is left.
Revoke the tenant's access first: writes it makes during the run may survive it.
USAGE
}

tenant="" dry_run=0 table="${EVENTS_TABLE:-}" bucket="${DATA_BUCKET:-}" batch="" region="" endpoint=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry_run=1; shift ;;
    --table) table="${2:?error: --table needs a name}"; shift 2 ;;
    --bucket) bucket="${2:?error: --bucket needs a name}"; shift 2 ;;
    --batch) batch="${2:?error: --batch needs a number}"; shift 2 ;;
    --region) region="${2:?error: --region needs a value}"; shift 2 ;;
    --endpoint-url) endpoint="${2:?error: --endpoint-url needs a URL}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; echo "error: unknown argument '$1'" >&2; exit 2 ;;
    *)
      [[ -z "$tenant" ]] || { usage >&2; echo "error: only one tenant key may be given" >&2; exit 2; }
      tenant="$1"; shift ;;
  esac
done

[[ -n "$tenant" ]] || { usage >&2; echo "error: the tenant key is required" >&2; exit 2; }
[[ "$tenant" =~ ^[0-9a-f]{64}$ ]] || { echo "error: the tenant key must be 64 lowercase hex characters (the SHA-256 of the principal), not '$tenant'" >&2; exit 2; }
[[ -n "$table" ]] || { echo "error: no table: pass --table or set EVENTS_TABLE" >&2; exit 2; }
[[ -n "$bucket" ]] || { echo "error: no bucket: pass --bucket or set DATA_BUCKET" >&2; exit 2; }
if [[ -n "$batch" ]] && { ! [[ "$batch" =~ ^[0-9]+$ ]] || (( batch < 1 || batch > 1000 )); }; then
  echo "error: --batch must be a whole number from 1 to 1000, not '$batch'" >&2
  exit 2
fi
require_python
python3 -c 'import boto3' 2>/dev/null || die "the Python package boto3 is required: pip install boto3, then re-run."

exec python3 "$REPO_ROOT/scripts/lib/erase_tenant.py" "$tenant" "$table" "$bucket" "$dry_run" "${batch:-0}" "$region" "$endpoint"
