# A release version's own tree: its Terraform, manifest and scripts, as tagged. Source it after
# common.sh; do not run it.
#
# A version is code and infrastructure (docs/operations.md, "Versions"): deploying, promoting,
# rolling back or checking version V for drift applies the Terraform of tag vV, never HEAD's.

# version_tree REPO VERSION DEST: writes the tree of tag vVERSION of the git repository REPO to
# DEST (which must not exist). Stops naming the tag when REPO does not have it.
version_tree() {
  local repo="$1" version="$2" dest="$3"
  git -C "$repo" rev-parse -q --verify "refs/tags/v$version^{commit}" >/dev/null \
    || die "$repo has no tag v$version: every release is tagged when it is published (fetch the tags: actions/checkout with fetch-depth: 0)"
  mkdir -p "$dest"
  git -C "$repo" archive --format=tar "v$version^{commit}" | tar -x -C "$dest" \
    || die "could not write the tree of v$version to $dest"
}

# tf_init DIR [INIT_ARGS...]: terraform init of DIR for automation (backend settings in
# INIT_ARGS, e.g. -backend-config=environments/dev.backend.hcl). The output goes to DIR/init.log;
# on failure its tail is shown and the status returned.
tf_init() {
  local dir="$1"; shift
  terraform -chdir="$dir" init -input=false -no-color -reconfigure "$@" >"$dir/init.log" 2>&1 \
    || { tail -30 "$dir/init.log" >&2; return 1; }
}
