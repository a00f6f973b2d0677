#!/usr/bin/env bash
# Publishes functions as Lambda custom-runtime packages: artifacts/<Name>/bootstrap (+ files)
# and artifacts/<Name>.zip, ready for provided.al2023.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/package.sh [--mode ReadyToRun|Aot] [--arch x86_64|arm64] [--out DIR] [FUNCTION...]

Publishes every function in functions/functions.json (or only those named) and zips each.
  --mode   ReadyToRun (default): self-contained, trimmed, ReadyToRun; builds anywhere.
           Aot: Native AOT; needs the ILCompiler packages (release CI).
  --arch   Lambda architecture (default x86_64).
  --out    Output folder (default: artifacts/).
USAGE
}

mode=ReadyToRun
arch=x86_64
out="$REPO_ROOT/artifacts"
names=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mode) mode="${2:?--mode needs a value}"; shift 2 ;;
    --arch) arch="${2:?--arch needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done

case "$mode" in ReadyToRun|Aot) ;; *) die "--mode must be ReadyToRun or Aot, not '$mode'" ;; esac
case "$arch" in
  x86_64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) die "--arch must be x86_64 or arm64, not '$arch'" ;;
esac

require_dotnet
require_python
require zip "Install zip (Debian: apt-get install zip), then re-run."

mkdir -p "$out"
functions="$(manifest_functions "${names[@]+"${names[@]}"}")"
for name in $functions; do
  project="$(manifest_project "$name")"
  dir="$out/$name"
  rm -rf "$dir" "$out/$name.zip"
  echo "packaging $name ($mode, $rid)"
  dotnet publish "$REPO_ROOT/$project" -c Release -r "$rid" -p:LambdaPublishMode="$mode" \
    -o "$dir" --nologo -v quiet -clp:ErrorsOnly
  # The apphost locates its app by the name embedded at build time, so renaming it is safe;
  # Lambda's custom runtime starts the file named bootstrap.
  mv "$dir/$name" "$dir/bootstrap"
  chmod 755 "$dir/bootstrap"
  rm -f "$dir"/*.pdb "$dir"/*.dbg
  (cd "$dir" && zip -q -X -r "$out/$name.zip" .)
  printf '  %s  %s bytes\n' "$out/$name.zip" "$(stat -c %s "$out/$name.zip")"
done
