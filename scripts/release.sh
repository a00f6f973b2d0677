#!/usr/bin/env bash
# Publishes a release's artifacts, reusing what the version already has: per function the zip
# in the artifact bucket (its recorded checksum verified) or the image in ECR (by digest);
# otherwise uploads the packaged zip write-once with its checksum as metadata, or builds and
# pushes the image from the same packaged files. Writes a CycloneDX SBOM next to the artifacts.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"

usage() {
  cat <<USAGE
Usage: scripts/release.sh [--package-type Zip|Image] [--bucket NAME] [--repository-prefix PREFIX]
                          [--dist DIR] VERSION

  --package-type       Zip (default): <bucket>/<VERSION>/<Function>.zip.
                       Image: ECR <PREFIX>/<function, lower case>:<VERSION> (immutable tags).
  --bucket             Artifact bucket (default \$ARTIFACT_BUCKET; the bootstrap stack's
                       artifact_bucket output). Also holds <VERSION>/SHA256SUMS and
                       <VERSION>/sbom.cdx.json for both package types.
  --repository-prefix  ECR repository prefix (default functions, as terraform/bootstrap names them).
  --dist               Packaged files (default dist/<VERSION>, from scripts/package.sh).

A version whose artifacts all exist needs no local package (a rollback or a promotion reuses
them). A recorded checksum that does not match the stored zip, or a local package that differs
from the stored one, stops the release: one version is only ever one build.
Uses the AWS CLI with the ambient credentials (AWS_ENDPOINT_URL is honoured); Image needs Docker.
Prints one line per artifact: "reused …" or "uploaded …"/"pushed …".
USAGE
}

type=Zip
bucket="${ARTIFACT_BUCKET:-}"
prefix=functions
dist=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --package-type) type="${2:?--package-type needs a value}"; shift 2 ;;
    --bucket) bucket="${2:?--bucket needs a value}"; shift 2 ;;
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
[[ -n "$dist" ]] || dist="$REPO_ROOT/dist/$version"
require aws "Install the AWS CLI v2 (or 'pip install awscli'), then re-run."
require_python
export AWS_PAGER=""

work="$(mktemp -d "${TMPDIR:-/tmp}/release.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The local package's checksum of FILE from SHA256SUMS (empty when not packaged here).
local_sum() {
  [[ -f "$dist/SHA256SUMS" ]] || return 0
  awk -v f="$1" '$2 == f || $2 == "*"f { print $1 }' "$dist/SHA256SUMS"
}

# head KEY: prints the object's recorded sha256 metadata; exit 3 when there is no such object.
head_sha() {
  if aws s3api head-object --bucket "$bucket" --key "$1" --query 'Metadata.sha256' --output text >"$work/head" 2>"$work/head.err"; then
    local value; value="$(cat "$work/head")"
    [[ "$value" == None ]] && value=""
    printf '%s' "$value"
    return 0
  fi
  grep -q '(404)\|Not Found' "$work/head.err" && return 3
  cat "$work/head.err" >&2
  die "cannot read s3://$bucket/$1"
}

# publish_file KEY FILE LABEL: reuse a stored object after checking it against its recorded
# checksum (and against FILE when there is one), or upload FILE write-once.
publish_file() {
  local key="$1" file="$2" recorded actual wanted="" rc=0
  [[ -f "$file" ]] && wanted="$(sha256sum "$file" | cut -d' ' -f1)"
  recorded="$(head_sha "$key")" || rc=$?
  if [[ "$rc" -eq 0 ]]; then
    [[ "$recorded" =~ ^[0-9a-f]{64}$ ]] || die "s3://$bucket/$key has no recorded sha256 (metadata x-amz-meta-sha256): it was not written by this script; refusing to deploy it."
    aws s3api get-object --bucket "$bucket" --key "$key" "$work/object" >/dev/null
    actual="$(sha256sum "$work/object" | cut -d' ' -f1)"
    if [[ "$actual" != "$recorded" ]]; then
      die "TAMPERED: s3://$bucket/$key has sha256 $actual but its release recorded $recorded. Do not deploy $version; find out who wrote the object (bucket versions, CloudTrail)."
    fi
    if [[ -n "$wanted" && "$wanted" != "$recorded" ]]; then
      die "s3://$bucket/$key (sha256 $recorded) differs from the local package $file (sha256 $wanted): version $version was already released from other bytes. Bump VERSION, or deploy $version as released."
    fi
    echo "reused   s3://$bucket/$key sha256 $recorded"
    return 0
  fi
  [[ -n "$wanted" ]] || die "s3://$bucket/$key does not exist and there is no local $file: package version $version first (scripts/package.sh --version $version)."
  # Write-once: If-None-Match makes S3 refuse a second writer of the key.
  aws s3api put-object --bucket "$bucket" --key "$key" --body "$file" --if-none-match '*' \
    --metadata "sha256=$wanted" --content-type "${3:-application/octet-stream}" >/dev/null \
    || die "upload of s3://$bucket/$key failed (refused if another release wrote it meanwhile)"
  echo "uploaded s3://$bucket/$key sha256 $wanted"
}

functions="$(manifest_functions)"

# The packaged zips must be what SHA256SUMS says before any of them is published.
if [[ -f "$dist/SHA256SUMS" ]]; then
  (cd "$dist" && sha256sum --quiet -c SHA256SUMS) || die "$dist does not match its SHA256SUMS"
fi

echo "release $version ($type) → s3://$bucket/$version/"
if [[ "$type" == Zip ]]; then
  for name in $functions; do
    publish_file "$version/$name.zip" "$dist/$name.zip" application/zip
  done
else
  docker="${DOCKER:-docker}"
  logged_in=0
  for name in $functions; do
    repo="$prefix/$(tr '[:upper:]' '[:lower:]' <<<"$name")"
    if aws ecr describe-images --repository-name "$repo" --image-ids "imageTag=$version" \
      --query 'imageDetails[0].imageDigest' --output text >"$work/digest" 2>"$work/ecr.err"; then
      echo "reused   $repo:$version $(cat "$work/digest")"
      continue
    fi
    grep -q 'ImageNotFoundException' "$work/ecr.err" || { cat "$work/ecr.err" >&2; die "cannot read $repo in ECR"; }
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
    digest="$(aws ecr describe-images --repository-name "$repo" --image-ids "imageTag=$version" --query 'imageDetails[0].imageDigest' --output text)"
    echo "pushed   $repo:$version $digest"
  done
fi

# The release's checksums and SBOM, beside the zips (also for images: they carry the same files).
publish_file "$version/SHA256SUMS" "$dist/SHA256SUMS" text/plain
sbom_rc=0
head_sha "$version/sbom.cdx.json" >/dev/null || sbom_rc=$?
if [[ "$sbom_rc" -eq 3 && ! -f "$dist/sbom.cdx.json" ]]; then
  "$REPO_ROOT/scripts/sbom.sh" --version "$version" --out "$dist"
fi
publish_file "$version/sbom.cdx.json" "$dist/sbom.cdx.json" application/vnd.cyclonedx+json
echo "release $version done"
