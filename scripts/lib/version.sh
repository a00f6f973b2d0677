# Release versions. Source it; do not run it.
#
# A release version is X.Y.Z or X.Y.Z-<pre>.N: numbers without leading zeros, a prerelease
# of one lowercase identifier and one number (1.4.2, 1.5.0-rc.1, 1.4.3-dev.7). No leading
# "v": the git tag of a deployed release is v<version>. The same pattern is enforced by
# terraform/app (variable release_version) and by the deploy workflow (through these scripts).
SEMVER_RE='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[a-z][a-z0-9]*\.(0|[1-9][0-9]*))?$'

# is_version V: true when V is a release version.
is_version() {
  [[ "$1" =~ $SEMVER_RE ]]
}

# require_version V: stop unless V is a release version.
require_version() {
  is_version "$1" || die "'$1' is not a release version: use X.Y.Z or X.Y.Z-<pre>.N (e.g. 1.4.2, 1.5.0-rc.1), without a leading 'v'."
}

# commit_version [REV]: the version of a commit (default HEAD), from the VERSION file at the
# repository root, the one source of versions (docs/operations.md, "Versions"):
#   - the commit that last changed VERSION is the release X.Y.Z written in it;
#   - a commit N commits after it is X.Y.(Z+1)-dev.N, a prerelease of the next patch, so it
#     sorts after X.Y.Z and before whatever release comes next.
# Needs the history back to that change (actions/checkout with fetch-depth: 0).
commit_version() {
  local rev="${1:-HEAD}" base changed count major minor patch
  base="$(git -C "$REPO_ROOT" show "$rev:VERSION" 2>/dev/null | tr -d '[:space:]')" \
    || die "no VERSION file at $rev"
  [[ "$base" =~ ^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] \
    || die "VERSION at $rev must hold X.Y.Z, not '$base'"
  changed="$(git -C "$REPO_ROOT" log -1 --format=%H "$rev" -- VERSION)"
  [[ -n "$changed" ]] || die "the history of VERSION is missing (shallow clone? fetch with depth 0)"
  count="$(git -C "$REPO_ROOT" rev-list --count "$changed..$rev")"
  if [[ "$count" -eq 0 ]]; then
    printf '%s\n' "$base"
  else
    IFS=. read -r major minor patch <<<"$base"
    printf '%s.%s.%s-dev.%s\n' "$major" "$minor" "$((patch + 1))" "$count"
  fi
}
