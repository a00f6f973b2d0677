# Starts and stops a moto_server on a free loopback port. Source it; do not run it.
# After moto_start: MOTO_ENDPOINT is exported and MOTO_PID holds the server's PID.
# MOTO_LAUNCHER, when set, is a Python script run as "python3 SCRIPT HOST PORT" instead.

MOTO_PID=""

moto_start() {
  require_moto
  local port log
  port="$(free_port)"
  log="${1:-/dev/null}"
  if [[ -n "${MOTO_LAUNCHER:-}" ]]; then
    # A launcher script serving moto's application (scripts/lib/moto_local.py).
    python3 "$MOTO_LAUNCHER" 127.0.0.1 "$port" >"$log" 2>&1 &
  else
    moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  fi
  MOTO_PID=$!
  export MOTO_ENDPOINT="http://127.0.0.1:$port"
  # Wait for it to answer (bounded: 60 tries, 0.25 s apart).
  local i
  for ((i = 0; i < 60; i++)); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/', timeout=1)" "$MOTO_ENDPOINT" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      die "moto_server exited at start; see $log"
    fi
    sleep 0.25
  done
  moto_stop
  die "moto_server did not answer on $MOTO_ENDPOINT within 15 s"
}

moto_stop() {
  if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  MOTO_PID=""
}
