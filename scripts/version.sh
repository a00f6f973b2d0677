#!/usr/bin/env bash
# Prints the release version of a commit, or checks that a string is one.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"

usage() {
  cat <<USAGE
Usage: scripts/version.sh [REV]          print the version of REV (default HEAD)
       scripts/version.sh --check VERSION  exit 0 when VERSION is a release version

The version comes from the VERSION file (X.Y.Z): the commit that last changed it is release
X.Y.Z; a commit N commits later is X.Y.(Z+1)-dev.N. See docs/operations.md, "Versions".
USAGE
}

case "${1:-}" in
  -h|--help) usage ;;
  --check) [[ $# -eq 2 ]] || { usage >&2; exit 2; }; require_version "$2"; echo "$2" ;;
  -*) usage >&2; exit 2 ;;
  *) [[ $# -le 1 ]] || { usage >&2; exit 2; }; require git "Install git (Debian: apt-get install git), then re-run."; commit_version "${1:-HEAD}" ;;
esac
