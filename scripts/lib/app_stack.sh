# The app stack as the local cloud, the moto cycle and the tests use it. Source it; do not run it.
#
# terraform/app is applied once into a moto_server that handles one request at a time with
# seeded identifiers, and moto records every request. The recording, Terraform's state and the
# outputs are kept in .local/cache/stack-<key> (the key hashes terraform/, the manifest, the
# override and boundary templates and moto's version). Every later use replays the recording into a fresh moto seeded
# the same way, which recreates the same stack with the same identifiers in seconds; the kept
# state matches it (a second plan finds nothing to change beyond moto's known gaps), so the
# stack can also be planned, changed and destroyed. Needs common.sh.

APP_STACK_SEED=20261201
# The recording moto's PID while app_stack_record runs (for a caller's cleanup on interrupt).
APP_STACK_RECORDER_PID=""
# The variables the stack is applied with (and planned, changed or destroyed with later).
APP_STACK_VARS=(-var environment=local -var region=us-east-1 -var release_version=0.0.0 -var package_type=Zip
  -var artifact_bucket=functions-artifacts-local -var deletion_protection=false -var force_destroy_data=true
  -var log_retention_days=1)

# app_stack_dir [ROOT]: the cache folder of the stack ROOT's configuration describes (ROOT: a
# checkout; default this one).
app_stack_dir() {
  local root="${1:-$REPO_ROOT}"
  echo "$root/.local/cache/stack-$(python3 "$REPO_ROOT/scripts/lib/local_stack.py" key "$root")"
}

# app_stack_config WORK ENDPOINT [ROOT]: a scratch copy of ROOT's terraform/ (and the manifest
# files the app reads) in WORK/repo, with the test-only moto override pointing at ENDPOINT and
# the environment's permissions boundary (which the bootstrap stack creates in AWS), initialised
# from the provider mirror (TF_DATA_DIR=WORK/terraform-data). Prints the app folder.
app_stack_config() {
  local work="$1" endpoint="$2" root="${3:-$REPO_ROOT}"
  rm -rf "$work/repo" && mkdir -p "$work/repo/functions"
  cp -R "$root/terraform" "$work/repo/terraform"
  cp "$root/functions/functions.json" "$root/functions/metrics.json" "$work/repo/functions/"
  find "$work/repo/terraform" -name .terraform -type d -prune -exec rm -rf {} +
  sed "s|@ENDPOINT@|$endpoint|g" "$REPO_ROOT/tests/terraform/moto_override.tf.template" >"$work/repo/terraform/app/moto_override.tf"
  cp "$REPO_ROOT/tests/terraform/moto_boundary.tf.template" "$work/repo/terraform/app/moto_boundary.tf"
  use_provider_mirror "$work"
  (cd "$work/repo/terraform/app" && TF_DATA_DIR="$work/terraform-data" terraform init -input=false -no-color >"$work/terraform-init.log" 2>&1) \
    || { cat "$work/terraform-init.log" >&2; return 1; }
  echo "$work/repo/terraform/app"
}

# app_stack_terraform WORK COMMAND ARGS...: runs terraform in WORK's app copy with WORK's
# provider config and data folder.
app_stack_terraform() {
  local work="$1"; shift
  (terraform_gc && cd "$work/repo/terraform/app" && TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_DATA_DIR="$work/terraform-data" TF_IN_AUTOMATION=1 \
    CHECKPOINT_DISABLE=1 terraform "$@")
}

# app_stack_record LOG_DIR [ROOT]: records the stack into app_stack_dir unless it is there
# already. Logs go to LOG_DIR (terraform-init.log, terraform-apply.log, moto-recording.log).
# A complete cache or none: a concurrent or interrupted run never sees half of one.
app_stack_record() {
  local logs="$1" root="${2:-$REPO_ROOT}" cache work port endpoint pid status=0
  cache="$(app_stack_dir "$root")"
  [[ -f "$cache/recording.jsonl" && -f "$cache/outputs.json" && -f "$cache/terraform.tfstate" ]] && return 0
  work="$(dirname "$cache")/work-$$-$RANDOM"
  rm -rf "$work" && mkdir -p "$work" "$logs"
  port="$(free_port)"
  endpoint="http://127.0.0.1:$port"
  MOTO_RECORDER_FILEPATH="$work/recording.jsonl" python3 "$REPO_ROOT/scripts/lib/moto_local.py" 127.0.0.1 "$port" --serial \
    >"$logs/moto-recording.log" 2>&1 &
  pid=$!
  APP_STACK_RECORDER_PID=$pid
  local i
  for ((i = 0; i < 60; i++)); do curl -fsS "$endpoint/moto-api/" >/dev/null 2>&1 && break; sleep 0.25; done
  {
    curl -fsS -X POST "$endpoint/moto-api/seed?a=$APP_STACK_SEED" >/dev/null \
      && curl -fsS -X POST "$endpoint/moto-api/recorder/start-recording" >/dev/null \
      && app_stack_config "$work" "$endpoint" "$root" >/dev/null \
      && cp "$work/terraform-init.log" "$logs/terraform-init.log" \
      && AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
        python3 "$REPO_ROOT/scripts/lib/local_stack.py" artifacts "$endpoint" "$root/functions/functions.json" \
      && app_stack_terraform "$work" apply -auto-approve -input=false -no-color -state="$work/terraform.tfstate" "${APP_STACK_VARS[@]}" \
        >"$logs/terraform-apply.log" 2>&1 \
      && app_stack_terraform "$work" output -json -state="$work/terraform.tfstate" >"$work/outputs.json"
  } || status=$?
  curl -fsS -X POST "$endpoint/moto-api/recorder/stop-recording" >/dev/null 2>&1 || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  APP_STACK_RECORDER_PID=""
  if [[ "$status" -ne 0 ]]; then
    tail -40 "$logs/terraform-apply.log" 2>/dev/null || cat "$logs/terraform-init.log" 2>/dev/null || true
    rm -rf "$work"
    echo "error: terraform apply into moto failed (logs: $logs/terraform-init.log and terraform-apply.log)" >&2
    return 1
  fi
  mkdir -p "$work/stack"
  mv "$work/recording.jsonl" "$work/outputs.json" "$work/terraform.tfstate" "$work/stack/"
  mv -T "$work/stack" "$cache" 2>/dev/null || true
  rm -rf "$work"
}

# app_stack_replay ENDPOINT [ROOT]: recreates the recorded stack in the (fresh) moto_server at
# ENDPOINT, seeded as the recording was.
app_stack_replay() {
  local endpoint="$1" cache
  cache="$(app_stack_dir "${2:-$REPO_ROOT}")"
  curl -fsS -X POST "$endpoint/moto-api/seed?a=$APP_STACK_SEED" >/dev/null
  curl -fsS -X POST -H 'Content-Type: application/octet-stream' --data-binary "@$cache/recording.jsonl" \
    "$endpoint/moto-api/recorder/upload-recording" >/dev/null
  curl -fsS -X POST "$endpoint/moto-api/recorder/replay-recording" >/dev/null
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url "$endpoint" --region us-east-1 \
    dynamodb describe-table --table-name functions-local-events >/dev/null 2>&1 \
    || { echo "error: replaying the recorded stack did not recreate it (delete $cache, or run scripts/local.sh --fresh)" >&2; return 1; }
}
