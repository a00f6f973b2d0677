#!/usr/bin/env bash
# Packages functions as Lambda custom-runtime zips for provided.al2023, reproducibly:
# dist/<version>/<Function>.zip (an executable `bootstrap` at the root, plus the native
# libraries a function needs), the unpacked contents beside each zip (dist/<version>/<Function>/),
# and dist/<version>/SHA256SUMS. Functions come from functions/functions.json.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"
source "$(dirname "$0")/lib/glibc.sh"

usage() {
  cat <<USAGE
Usage: scripts/package.sh [--mode Aot|ReadyToRun] [--arch x86_64|arm64] [--version VERSION]
                          [--out DIR] [FUNCTION...]

Publishes every function in functions/functions.json (or only those named) and zips each.
  --mode     Aot (default): Native AOT, the shipping mode (a 5 MB zip, ~35 ms to the first
             response). ReadyToRun: self-contained, trimmed, ReadyToRun; the fallback switch.
  --arch     Lambda architecture (default x86_64). arm64 Native AOT needs an arm64 build host
             (or a cross toolchain: clang, lld and an arm64 glibc 2.34 sysroot, see
             docs/operations.md); ReadyToRun cross-publishes from x86_64.
  --version  Release version (default: scripts/version.sh for HEAD); names the output folder.
  --out      Output folder (default: dist/<version>).

The same commit packaged twice gives the same bytes: deterministic compiler settings with
source paths mapped to /_/, zip entries sorted, timestamps fixed at 1980-01-01 00:00, modes
fixed (bootstrap 0755, everything else 0644). Every ELF file must need GLIBC <= 2.34
(scripts/check-glibc.sh), or packaging fails.
USAGE
}

mode=Aot
arch=x86_64
out=""
version=""
names=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mode) mode="${2:?--mode needs a value}"; shift 2 ;;
    --arch) arch="${2:?--arch needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done

case "$mode" in ReadyToRun|Aot) ;; *) die "--mode must be Aot or ReadyToRun, not '$mode'" ;; esac
case "$arch" in
  x86_64) rid=linux-x64 ;;
  arm64) rid=linux-arm64 ;;
  *) die "--arch must be x86_64 or arm64, not '$arch'" ;;
esac

require_dotnet
require_python
if [[ -z "$version" ]]; then
  require git "Install git (Debian: apt-get install git), then re-run."
  version="$(commit_version HEAD)"
fi
require_version "$version"
[[ -n "$out" ]] || out="$REPO_ROOT/dist/$version"

if [[ "$arch" == arm64 && "$mode" == Aot && "$(uname -m)" != aarch64 && -z "${ARM64_SYSROOT:-}" ]]; then
  die "Native AOT for arm64 on $(uname -m) needs a cross toolchain: clang and lld, and an arm64 sysroot with glibc <= 2.34 in ARM64_SYSROOT (or build on an arm64 host, e.g. an arm64 runner). --mode ReadyToRun cross-publishes without one."
fi
cross=()
if [[ -n "${ARM64_SYSROOT:-}" && "$arch" == arm64 && "$mode" == Aot ]]; then
  cross=(-p:SysRoot="$ARM64_SYSROOT" -p:LinkerFlavor=lld -p:CppCompilerAndLinker=clang)
fi

mkdir -p "$out"
out="$(cd "$out" && pwd)"
functions="$(manifest_functions "${names[@]+"${names[@]}"}")"
# One MSBuild run publishes them all, side by side (-m): the projects they share are built once,
# and one function's Native AOT compile overlaps another's build. A small traversal project in
# the output folder hands each function its own publish folder.
traversal="$out/.publish.proj"
{
  echo '<Project>'
  echo '  <ItemGroup>'
  for name in $functions; do
    rm -rf "${out:?}/$name" "$out/$name.zip"
    echo "    <Function Include=\"$REPO_ROOT/$(manifest_project "$name")\" AdditionalProperties=\"PublishDir=$out/$name/\" />"
  done
  echo '  </ItemGroup>'
  echo '  <Target Name="Restore"><MSBuild Projects="@(Function)" Targets="Restore" /></Target>'
  echo '  <Target Name="Publish"><MSBuild Projects="@(Function)" Targets="Publish" BuildInParallel="true" /></Target>'
  echo '</Project>'
} >"$traversal"
echo "packaging $(echo $functions | tr '\n' ' ')($mode, $rid, $version)"
# Global properties, so every function and what it references get them; _IsPublishing is what
# `dotnet publish` sets (the SDK derives self-contained and trimming defaults from it).
# ContinuousIntegrationBuild + PathMap: no machine path (worktree, home) lands in the binary, so
# two clones of one commit give the same bytes.
properties=(-p:Configuration=Release -p:RuntimeIdentifier="$rid" -p:_IsPublishing=true -p:LambdaPublishMode="$mode"
  -p:Deterministic=true -p:ContinuousIntegrationBuild=true -p:PathMap="$REPO_ROOT=/_/" ${cross[@]+"${cross[@]}"})
dotnet msbuild "$traversal" -t:Restore "${properties[@]}" -nologo -v:quiet -clp:ErrorsOnly \
  && dotnet msbuild "$traversal" -t:Publish -m "${properties[@]}" -nologo -v:quiet -clp:ErrorsOnly \
  || { rm -f "$traversal"; die "publishing failed (see the errors above)"; }
rm -f "$traversal"
for name in $functions; do
  dir="$out/$name"
  # The apphost locates its app by the name embedded at build time, so renaming it is safe;
  # Lambda's custom runtime starts the file named bootstrap.
  mv "$dir/$name" "$dir/bootstrap"
  rm -f "$dir"/*.pdb "$dir"/*.dbg
  find "$dir" -type d -exec chmod 755 {} +
  find "$dir" -type f -exec chmod 644 {} +
  chmod 755 "$dir/bootstrap"
  check_symbol_versions "$dir" || die "$name: a packaged file needs a symbol version provided.al2023 lacks (see above)"
  deterministic_zip "$dir" "$out/$name.zip"
  printf '  %s  %s bytes\n' "$out/$name.zip" "$(stat -c %s "$out/$name.zip")"
done

# SHA256SUMS over every zip in the folder, sorted by name ("sha256sum -c SHA256SUMS" checks them).
(cd "$out" && find . -maxdepth 1 -name '*.zip' -printf '%f\n' | LC_ALL=C sort | xargs -r sha256sum) >"$out/SHA256SUMS.tmp"
mv "$out/SHA256SUMS.tmp" "$out/SHA256SUMS"
echo "  $out/SHA256SUMS"
sed 's/^/    /' "$out/SHA256SUMS"
