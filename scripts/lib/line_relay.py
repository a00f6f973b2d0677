"""Copies standard input to standard output and appends it to a file, a whole line per write.

scripts/local.sh relays the local cloud's output with it (as `tee` would), because local.sh
prints its own lines to the same terminal: `tee` writes whatever it has read, which can end in
the middle of a line, and another writer's output then lands inside that line.

usage: line_relay.py FILE
"""
import sys

# Bytes, not text: a function may print anything, and the relay must never stop on it.
with open(sys.argv[1], "ab") as log:
    for line in sys.stdin.buffer:
        sys.stdout.buffer.write(line)
        sys.stdout.buffer.flush()
        log.write(line)
        log.flush()
