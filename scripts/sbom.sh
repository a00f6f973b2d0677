#!/usr/bin/env bash
# Writes the CycloneDX SBOM of a release: DIR/sbom.cdx.json over what ships — the function
# projects of functions/functions.json and the packages they (and their shared libraries) use,
# not the tests, test helpers or benchmarks. scripts/release.sh calls it when a release has none.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"

usage() { echo "Usage: scripts/sbom.sh --version VERSION --out DIR"; }
version="" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) version="${2:?}"; shift 2 ;;
    --out) out="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n "$version" && -n "$out" ]] || { usage >&2; exit 2; }
require_version "$version"
require_dotnet
require_python
(cd "$REPO_ROOT" && dotnet tool run dotnet-CycloneDX --help >/dev/null 2>&1) \
  || die "the CycloneDX dotnet tool is missing: run 'dotnet tool restore' at the repository root (.config/dotnet-tools.json pins CycloneDX 6.3.1), then re-run."
work="$(mktemp -d "${TMPDIR:-/tmp}/sbom.XXXXXX")"
trap 'rm -rf "$work"' EXIT
python3 - "$REPO_ROOT" "$work/functions.slnf" <<'PY'
import json, sys
root, out = sys.argv[1], sys.argv[2]
projects = [f["project"] for f in json.load(open(root + "/functions/functions.json"))["functions"]]
json.dump({"solution": {"path": root + "/Functions.sln", "projects": projects}}, open(out, "w"))
PY
# Already restored (a build ran here): skip the tool's own restore, which is most of its time.
no_restore=(--disable-package-restore)
for project in $(python3 -c 'import json,sys; [print(f["project"]) for f in json.load(open(sys.argv[1]))["functions"]]' "$REPO_ROOT/functions/functions.json"); do
  [[ -f "$REPO_ROOT/$(dirname "$project")/obj/project.assets.json" ]] || no_restore=()
done
mkdir -p "$out"
(cd "$REPO_ROOT" && dotnet tool run dotnet-CycloneDX "$work/functions.slnf" \
  --output "$out" --filename sbom.cdx.json --output-format Json \
  --set-name functions --set-version "$version" ${no_restore[@]+"${no_restore[@]}"}) >"$work/log" 2>&1 \
  || { cat "$work/log" >&2; die "the SBOM could not be generated"; }
echo "  $out/sbom.cdx.json"
