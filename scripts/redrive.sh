#!/usr/bin/env bash
# Moves messages out of a dead-letter queue: back to the queue they came from (--to), or, once
# their cause is dealt with, deletes them (--delete). At-least-once: a message leaves the source
# only after it reached the destination, so a run stopped half-way loses nothing (a message may
# arrive twice; ProcessRecords handles every message idempotently).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/redrive.sh --from QUEUE_URL (--to QUEUE_URL | --delete) [--max N] [--dry-run]
                          [--region REGION] [--endpoint-url URL]

  --from          the dead-letter queue to empty
  --to            send each message here (the queue the DLQ serves), then delete it from --from
  --delete        delete the messages (for the stream failures and reconcile DLQs, after
                  scripts/reconcile.sh has settled what they point at)
  --max           stop after N messages (default: until --from is empty)
  --dry-run       print how many messages would go and a sample of up to 10; change nothing
  --region        AWS region (default: AWS_REGION / AWS_DEFAULT_REGION)
  --endpoint-url  an SQS endpoint other than AWS's (e.g. the local cloud's moto)

The runbook (docs/operations.md) says which queue to redrive where.
USAGE
}

from="" to="" delete=0 max=0 dry_run=0 cli=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --from) from="${2:?error: --from needs a queue URL}"; shift 2 ;;
    --to) to="${2:?error: --to needs a queue URL}"; shift 2 ;;
    --delete) delete=1; shift ;;
    --max) max="${2:?error: --max needs a number}"; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --region) cli+=(--region "${2:?error: --region needs a value}"); shift 2 ;;
    --endpoint-url) cli+=(--endpoint-url "${2:?error: --endpoint-url needs a URL}"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "error: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

[[ -n "$from" ]] || { usage >&2; echo "error: --from is required" >&2; exit 2; }
if [[ -n "$to" && "$delete" -eq 1 ]] || [[ -z "$to" && "$delete" -eq 0 ]]; then
  usage >&2; echo "error: give exactly one of --to and --delete" >&2; exit 2
fi
[[ "$max" =~ ^[0-9]+$ ]] || { echo "error: --max must be a whole number, not '$max'" >&2; exit 2; }
[[ "$from" != "$to" ]] || { echo "error: --from and --to are the same queue" >&2; exit 2; }
require aws "Install the AWS CLI ('pip install awscli' or AWS CLI v2), then re-run."
require_python
export AWS_PAGER=""

work="$(mktemp -d "${TMPDIR:-/tmp}/redrive.XXXXXX")"
trap 'rm -rf "$work"' EXIT
action="$([[ -n "$to" ]] && echo "moved to $to" || echo "deleted")"

# Prints one line per message of a receive-message answer (file $1) on stderr; with $2, also
# writes the send and delete batch entries (same ids) into that folder. Prints the count.
batches() {
  python3 - "$@" <<'PY'
import json, sys
text = open(sys.argv[1]).read().strip()
messages = json.loads(text).get("Messages", []) if text else []
send, delete = [], []
for i, m in enumerate(messages):
    entry = {"Id": str(i), "MessageBody": m["Body"]}
    if m.get("MessageAttributes"):
        entry["MessageAttributes"] = m["MessageAttributes"]
    send.append(entry)
    delete.append({"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]})
    received = m.get("Attributes", {}).get("ApproximateReceiveCount", "?")
    print(f"  {m['MessageId']} (received {received} times): {m['Body'][:160]}", file=sys.stderr)
if len(sys.argv) > 2:
    json.dump(send, open(sys.argv[2] + "/send.json", "w"))
    json.dump(delete, open(sys.argv[2] + "/delete.json", "w"))
print(len(messages))
PY
}

if [[ "$dry_run" -eq 1 ]]; then
  count="$(aws "${cli[@]}" sqs get-queue-attributes --queue-url "$from" --attribute-names ApproximateNumberOfMessages \
    --query 'Attributes.ApproximateNumberOfMessages' --output text)"
  if [[ "$max" -gt 0 && "$count" -gt "$max" ]]; then count="$max"; fi
  # A zero visibility timeout: the sample stays visible to every other reader.
  aws "${cli[@]}" sqs receive-message --queue-url "$from" --max-number-of-messages 10 --visibility-timeout 0 \
    --attribute-names All --message-attribute-names All --output json >"$work/sample.json"
  batches "$work/sample.json" >/dev/null
  echo "dry run: $count message(s) would be $action"
  exit 0
fi

moved=0
while [[ "$max" -eq 0 || "$moved" -lt "$max" ]]; do
  want=10
  if [[ "$max" -gt 0 && $((max - moved)) -lt 10 ]]; then want=$((max - moved)); fi
  aws "${cli[@]}" sqs receive-message --queue-url "$from" --max-number-of-messages "$want" \
    --visibility-timeout 30 --wait-time-seconds 1 --attribute-names All --message-attribute-names All \
    --output json >"$work/received.json"
  count="$(batches "$work/received.json" "$work")"
  [[ "$count" -gt 0 ]] || break
  if [[ -n "$to" ]]; then
    aws "${cli[@]}" sqs send-message-batch --queue-url "$to" --entries "file://$work/send.json" --output json >"$work/sent.json"
    if ! python3 -c 'import json,sys; f=json.load(open(sys.argv[1])).get("Failed",[]); [print("  not sent:",x,file=sys.stderr) for x in f]; sys.exit(1 if f else 0)' "$work/sent.json"; then
      echo "error: some messages were not sent; this batch stays in $from (visible again in 30 s)" >&2
      exit 1
    fi
  fi
  aws "${cli[@]}" sqs delete-message-batch --queue-url "$from" --entries "file://$work/delete.json" --output json >/dev/null
  moved=$((moved + count))
done

echo "$([[ -n "$to" ]] && echo "moved" || echo "deleted") $moved message(s) from $from$([[ -n "$to" ]] && echo " to $to" || true)"
