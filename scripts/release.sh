#!/usr/bin/env bash
# Publishes a release's artifacts, reusing what the version already has: per function the zip
# in the artifact bucket (its recorded checksum verified) or the image in ECR (by digest);
# otherwise uploads the packaged zip write-once with its checksum as metadata, or builds and
# pushes the image from the same packaged files. Writes a CycloneDX SBOM next to the artifacts,
# and the release's manifest signed with the release signing key (scripts/lib/release_manifest.py):
# what scripts/deploy.sh verifies before it applies anything. Runs as the release role, the only
# writer of the artifact bucket and the repositories (terraform/bootstrap).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"

usage() {
  cat <<USAGE
Usage: scripts/release.sh [--package-type Zip|Image] [--bucket NAME] [--signing-key KEY]
                          [--repository-prefix PREFIX] [--dist DIR] VERSION

  --package-type       Zip (default): <bucket>/<VERSION>/<Function>.zip.
                       Image: ECR <PREFIX>/<function, lower case>:<VERSION> (immutable tags).
  --bucket             Artifact bucket (default \$ARTIFACT_BUCKET; the bootstrap stack's
                       artifact_bucket output). Also holds <VERSION>/SHA256SUMS and
                       <VERSION>/sbom.cdx.json for both package types.
  --signing-key        The release signing key (default \$RELEASE_SIGNING_KEY; the bootstrap
                       stack's release_signing_key_arn output). Signs <VERSION>/release-<TYPE>.json.
  --repository-prefix  ECR repository prefix (default functions, as terraform/bootstrap names them).
  --dist               Packaged files (default dist/<VERSION>, from scripts/package.sh).

A version whose artifacts all exist needs no local package (a rollback or a promotion reuses
them). A recorded checksum that does not match the stored zip, or a local package that differs
from the stored one, stops the release: one version is only ever one build.
Uses boto3 and the AWS CLI with the ambient credentials (AWS_ENDPOINT_URL is honoured); Image
needs Docker.
Prints one line per artifact: "reused …" or "uploaded …"/"pushed …".
The manifest names each function's zip SHA-256 (Zip) or image digest (Image); it and its
signature are written once, and a second run for the version checks that it says the same.
USAGE
}

type=Zip
bucket="${ARTIFACT_BUCKET:-}"
signing_key="${RELEASE_SIGNING_KEY:-}"
prefix=functions
dist=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --package-type) type="${2:?--package-type needs a value}"; shift 2 ;;
    --bucket) bucket="${2:?--bucket needs a value}"; shift 2 ;;
    --signing-key) signing_key="${2:?--signing-key needs a value}"; shift 2 ;;
    --repository-prefix) prefix="${2:?--repository-prefix needs a value}"; shift 2 ;;
    --dist) dist="${2:?--dist needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage >&2; die "unknown option $1" ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ ${#args[@]} -eq 1 ]] || { usage >&2; exit 2; }
version="${args[0]}"
require_version "$version"
case "$type" in Zip|Image) ;; *) die "--package-type must be Zip or Image, not '$type'" ;; esac
[[ -n "$bucket" ]] || die "no artifact bucket: pass --bucket or set ARTIFACT_BUCKET (terraform/bootstrap output artifact_bucket)."
[[ -n "$signing_key" ]] || die "no signing key: pass --signing-key or set RELEASE_SIGNING_KEY (terraform/bootstrap output release_signing_key_arn)."
[[ -n "$dist" ]] || dist="$REPO_ROOT/dist/$version"
require aws "Install the AWS CLI v2 (or 'pip install awscli'), then re-run."
require_python
python3 -c 'import boto3' 2>/dev/null || die "python3 cannot import boto3: pip install boto3, then re-run."
export AWS_PAGER=""

work="$(mktemp -d "${TMPDIR:-/tmp}/release.XXXXXX")"
trap 'rm -rf "$work"' EXIT

functions="$(manifest_functions)"

# The packaged zips must be what SHA256SUMS says before any of them is published.
if [[ -f "$dist/SHA256SUMS" ]]; then
  (cd "$dist" && sha256sum --quiet -c SHA256SUMS) || die "$dist does not match its SHA256SUMS"
fi

artifacts() { python3 "$REPO_ROOT/scripts/lib/artifacts.py" "$@"; }

echo "release $version ($type) → s3://$bucket/$version/"
if [[ "$type" == Zip ]]; then
  zips=()
  for name in $functions; do zips+=("$name.zip"); done
  artifacts files "$bucket" "$version" "$dist" "${zips[@]}"
else
  docker="${DOCKER:-docker}"
  logged_in=0
  artifacts images "$prefix" "$version" $functions >"$work/digests"
  : >"$work/released-digests"
  while read -r name digest <&3; do
    repo="$prefix/$(tr '[:upper:]' '[:lower:]' <<<"$name")"
    if [[ "$digest" != - ]]; then
      echo "reused   $repo:$version $digest"
      echo "$name $digest" >>"$work/released-digests"
      continue
    fi
    [[ -x "$dist/$name/bootstrap" ]] || die "$repo:$version does not exist and there is no packaged $dist/$name/bootstrap: package version $version first."
    require "$docker" "Install Docker (an engine is needed to build images; the deploy workflow's runner has one), then re-run."
    uri="$(aws ecr describe-repositories --repository-names "$repo" --query 'repositories[0].repositoryUri' --output text)"
    if [[ "$logged_in" -eq 0 ]]; then
      aws ecr get-login-password | "$docker" login --username AWS --password-stdin "${uri%%/*}" >/dev/null
      logged_in=1
    fi
    "$docker" build -f "$REPO_ROOT/functions/Dockerfile" --build-arg "FUNCTION=$name" \
      --label "org.opencontainers.image.version=$version" -t "$uri:$version" "$dist"
    "$docker" push "$uri:$version"
    digest="$(artifacts images "$prefix" "$version" "$name" | cut -d' ' -f2)"
    [[ "$digest" == sha256:* ]] || die "$repo:$version was pushed but ECR does not list it"
    echo "pushed   $repo:$version $digest"
    echo "$name $digest" >>"$work/released-digests"
  done 3<"$work/digests"
fi

# The release's checksums and SBOM, beside the zips (also for images: they carry the same files).
if ! artifacts files "$bucket" "$version" "$dist" SHA256SUMS sbom.cdx.json 2>"$work/meta.err"; then
  if grep -q "sbom.cdx.json does not exist" "$work/meta.err"; then
    "$REPO_ROOT/scripts/sbom.sh" --version "$version" --out "$dist"
    artifacts files "$bucket" "$version" "$dist" sbom.cdx.json
  else
    cat "$work/meta.err" >&2
    exit 1
  fi
fi

# The signed manifest last: a release is deployable only once every artifact it names exists.
manifest() { python3 "$REPO_ROOT/scripts/lib/release_manifest.py" "$@"; }
if [[ "$type" == Image ]]; then
  manifest write "$bucket" "$version" Image "$work/released-digests" "$signing_key"
elif [[ -f "$dist/SHA256SUMS" ]]; then
  manifest write "$bucket" "$version" Zip "$dist" "$signing_key"
else
  manifest verify "$bucket" "$version" Zip "$signing_key" >/dev/null
  echo "reused   s3://$bucket/$version/release-Zip.json (signature verified)"
fi
echo "release $version done"
