#!/usr/bin/env bash
# The promotion record: a version reaches an environment only after it passed the one before it
# (dev → stage → prod). The record that version V passed environment E is the git tag
# passed/E/vV, on the commit of the release tag vV, pushed to origin by the deploy workflow's
# `record` job once E's deploy and smoke test succeeded (docs/operations.md, "Promotion").
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/version.sh"

usage() {
  cat <<USAGE
Usage: scripts/promotion.sh check  --environment ENV --version V [--override REASON] [--repo DIR]
       scripts/promotion.sh record --environment ENV --version V [--repo DIR]

  check   exit 0 when V may be deployed to ENV: dev needs nothing, stage needs the record
          passed/dev/vV, prod needs passed/stage/vV. Without it: exit 1 naming the missing
          record. --override REASON lets it through anyway with a loud warning (::warning:: in
          GitHub Actions); the reason and the actor (\$GITHUB_ACTOR) go to \$GITHUB_STEP_SUMMARY.
  record  creates the tag passed/ENV/vV on the commit of tag vV and pushes it to origin
          (git push origin). Idempotent: an existing record on the same commit is left as is.

  --repo  the git repository (default: this one). The record is looked up in its local tags,
          then on origin (git ls-remote) when it has one.
Environments: dev, stage, prod. Exit status: 0 ok, 1 refused or failed, 2 usage.
USAGE
}

# previous_environment ENV: the environment a version must have passed before ENV (empty: none).
previous_environment() {
  case "$1" in
    dev) echo "" ;;
    stage) echo dev ;;
    prod) echo stage ;;
    *) die "unknown environment '$1': the environments are dev, stage, prod" ;;
  esac
}

command="${1:-}"
case "$command" in
  check|record) shift ;;
  -h|--help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
env_name=""
version=""
override=""
repo="$REPO_ROOT"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --environment) env_name="${2:?--environment needs a value}"; shift 2 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --override) [[ "$command" == check && $# -ge 2 ]] || { usage >&2; exit 2; }; override="$2"; shift 2 ;;
    --repo) repo="${2:?--repo needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n "$env_name" && -n "$version" ]] || { usage >&2; exit 2; }
require_version "$version"
require git "Install git (Debian: apt-get install git), then re-run."
previous="$(previous_environment "$env_name")"
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not a git repository"

in_actions() { [[ "${GITHUB_ACTIONS:-}" == true ]]; }
# summary: appends stdin to the job summary when there is one (always reads it: a writer into a
# pipe nobody reads dies of SIGPIPE, which pipefail would turn into a failure).
summary() { if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then cat >>"$GITHUB_STEP_SUMMARY"; else cat >/dev/null; fi; }
has_origin() { git -C "$repo" remote get-url origin >/dev/null 2>&1; }

# local_commit REF: the commit a local tag points at (empty when there is no such tag).
local_commit() { git -C "$repo" rev-parse -q --verify "refs/tags/$1^{commit}" 2>/dev/null || true; }

# remote_commit TAG: the commit tag TAG points at on origin; empty when origin does not have it.
# Exit 1 when origin cannot be asked.
remote_commit() {
  local out status=0
  out="$(git -C "$repo" ls-remote --exit-code origin "refs/tags/$1" "refs/tags/$1^{}" 2>&1)" || status=$?
  if [[ "$status" -eq 2 ]]; then return 0; fi
  if [[ "$status" -ne 0 ]]; then echo "$out" >&2; return 1; fi
  # An annotated tag is listed twice: the tag object, then the commit (…^{}); prefer the latter.
  awk -v peeled="refs/tags/$1^{}" -v ref="refs/tags/$1" '
    $2 == peeled { c = $1 } $2 == ref && c == "" { t = $1 } END { print (c != "" ? c : t) }' <<<"$out"
}

# find_record TAG: prints the commit the record points at, looking at local tags then origin.
# Prints nothing when neither has it; exit 1 when origin cannot be asked.
find_record() {
  local commit; commit="$(local_commit "$1")"
  if [[ -z "$commit" ]] && has_origin; then
    commit="$(remote_commit "$1")" || return 1
  fi
  echo "$commit"
}

release_tag="v$version"

if [[ "$command" == check ]]; then
  if [[ -z "$previous" ]]; then
    echo "promotion: $env_name needs no earlier environment; $version may be deployed"
    printf '## Promotion check: %s %s ✅\n\n%s is the first environment: nothing to have passed before.\n' \
      "$env_name" "$version" "$env_name" | summary
    exit 0
  fi
  record="passed/$previous/$release_tag"
  errors="$(mktemp "${TMPDIR:-/tmp}/promotion.XXXXXX")"
  trap 'rm -f "$errors"' EXIT
  commit=""
  lookup_error=""
  commit="$(find_record "$record" 2>"$errors")" || lookup_error="$(tr '\n' ' ' <"$errors")"
  release_commit="$(local_commit "$release_tag")"
  problem=""
  if [[ -n "$lookup_error" ]]; then
    problem="$version has not passed $previous as far as can be told: there is no local tag $record, and origin could not be asked ($lookup_error)"
  elif [[ -z "$commit" ]]; then
    problem="$version has not passed $previous: there is no promotion record $record (deploy $version to $previous first; its record job creates the tag)"
  elif [[ -n "$release_commit" && "$commit" != "$release_commit" ]]; then
    problem="the record $record is on commit $commit, but $release_tag is on $release_commit: what passed $previous is not this release"
  fi
  if [[ -z "$problem" ]]; then
    echo "promotion: $version passed $previous ($record, commit $commit); it may be deployed to $env_name"
    printf '## Promotion check: %s %s ✅\n\n%s passed %s: record `%s` (commit `%s`).\n' \
      "$env_name" "$version" "$version" "$previous" "$record" "$commit" | summary
    exit 0
  fi
  if [[ -z "$override" ]]; then
    echo "promotion: REFUSED: $problem" >&2
    in_actions && echo "::error title=Promotion check::$env_name $version: $problem"
    printf '## Promotion check: %s %s ❌\n\n%s\n\nTo deploy anyway, run the workflow again with an `override_reason`.\n' \
      "$env_name" "$version" "$problem" | summary
    exit 1
  fi
  actor="${GITHUB_ACTOR:-$(id -un 2>/dev/null || echo unknown)}"
  {
    echo "************************************************************************"
    echo "PROMOTION OVERRIDE: $version goes to $env_name WITHOUT having passed $previous"
    echo "  missing:  $problem"
    echo "  reason:   $override"
    echo "  actor:    $actor"
    echo "************************************************************************"
  } >&2
  in_actions && echo "::warning title=Promotion override::$env_name $version deployed without passing $previous, by $actor: $override"
  {
    echo "## Promotion check: $env_name $version ⚠️ OVERRIDDEN"
    echo
    echo "| | |"
    echo "| --- | --- |"
    echo "| missing | $problem |"
    echo "| reason | $override |"
    echo "| actor | $actor |"
  } | summary
  exit 0
fi

# record
target="$(local_commit "$release_tag")"
[[ -n "$target" ]] || die "$repo has no tag $release_tag: every release is tagged when it is published (fetch the tags: actions/checkout with fetch-depth: 0)"
record="passed/$env_name/$release_tag"
existing="$(local_commit "$record")"
if [[ -n "$existing" && "$existing" != "$target" ]]; then
  die "the local tag $record is on commit $existing, not on $release_tag's $target: remove the wrong record first"
fi
if has_origin; then
  remote="$(remote_commit "$record")" || die "could not ask origin for $record"
  if [[ -n "$remote" && "$remote" != "$target" ]]; then
    die "origin's tag $record is on commit $remote, not on $release_tag's $target: remove the wrong record first"
  fi
  if [[ -n "$remote" ]]; then
    echo "promotion: $record exists on origin (commit $target): nothing to do"
    exit 0
  fi
fi
if [[ -z "$existing" ]]; then
  identity=()
  git -C "$repo" config user.email >/dev/null 2>&1 \
    || identity=(-c "user.name=github-actions[bot]" -c "user.email=41898282+github-actions[bot]@users.noreply.github.com")
  message="$version passed $env_name"
  [[ -z "${GITHUB_RUN_ID:-}" ]] || message+=" (run ${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}/actions/runs/$GITHUB_RUN_ID, actor ${GITHUB_ACTOR:-})"
  git -C "$repo" ${identity[@]+"${identity[@]}"} tag -a -m "$message" "$record" "$target"
fi
if has_origin; then
  git -C "$repo" push -q origin "refs/tags/$record" || die "could not push $record to origin"
  echo "promotion: recorded $record (commit $target) and pushed it to origin"
else
  echo "promotion: recorded $record (commit $target); the repository has no origin to push to"
fi
printf '## Promotion record: %s %s ✅\n\nTagged `%s` (commit `%s`).\n' "$env_name" "$version" "$record" "$target" | summary
