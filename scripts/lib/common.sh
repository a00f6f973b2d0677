# Shared helpers for the scripts in this folder. Source it; do not run it.

# The repository root, whatever the caller's working directory.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO_ROOT

die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# require TOOL HOW-TO-INSTALL: stop with a message naming the tool and how to get it.
require() {
  local tool="$1" how="$2"
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not installed. $how"
}

require_dotnet() {
  require dotnet "Install the .NET SDK 10.0.4xx (https://dotnet.microsoft.com/download), then re-run."
}

require_python() {
  require python3 "Install Python 3.11+ (Debian: apt-get install python3), then re-run."
}

require_moto() {
  require moto_server "Install the AWS emulator: pip install 'moto[server]==5.2.1', then re-run."
}

# The manifest's function names, one per line (optionally only those given as arguments).
manifest_functions() {
  python3 - "$REPO_ROOT/functions/functions.json" "$@" <<'PY'
import json, sys
manifest = json.load(open(sys.argv[1]))
wanted = set(sys.argv[2:])
names = [f["name"] for f in manifest["functions"]]
unknown = wanted - set(names)
if unknown:
    sys.exit("unknown function(s): " + ", ".join(sorted(unknown)) + "; the manifest has: " + ", ".join(names))
for name in names:
    if not wanted or name in wanted:
        print(name)
PY
}

# The project path of a function in the manifest.
manifest_project() {
  python3 - "$REPO_ROOT/functions/functions.json" "$1" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["functions"]:
    if f["name"] == sys.argv[2]:
        print(f["project"])
PY
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# use_provider_mirror DIR: point Terraform at the offline provider mirror (/opt/tf-plugins, or
# TF_PLUGIN_DIR) through a CLI config written in DIR, never the user's ~/.terraformrc.
use_provider_mirror() {
  local dir="$1" plugin_dir="${TF_PLUGIN_DIR:-/opt/tf-plugins}"
  [[ -d "$plugin_dir/registry.terraform.io/hashicorp/aws" ]] \
    || die "the Terraform provider mirror is missing at $plugin_dir (hashicorp/aws 5.100.0). Set TF_PLUGIN_DIR to a filesystem mirror that has it."
  cat >"$dir/cli.tfrc" <<CFG
provider_installation {
  filesystem_mirror {
    path    = "$plugin_dir"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
CFG
  export TF_CLI_CONFIG_FILE="$dir/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
  terraform_gc
}

# terraform_gc: Terraform and its provider are Go programs that allocate heavily while they load
# the AWS provider's schema. With the collector off until a process holds 1 GiB, `terraform test`
# of terraform/app used 28.5 s of CPU instead of 40.5 s on the 2-core machine (max RSS 1.06 GB
# instead of 0.60 GB). A caller's own GOGC or GOMEMLIMIT wins.
terraform_gc() {
  export GOGC="${GOGC:-off}" GOMEMLIMIT="${GOMEMLIMIT:-1GiB}"
}

# deterministic_zip DIR ZIP: zips DIR's files with sorted entries, every timestamp at
# 1980-01-01 00:00 (the zip epoch), Unix modes taken from the files (package.sh fixes them
# first) and no extra fields, so the same contents always give the same bytes.
deterministic_zip() {
  python3 - "$1" "$2" <<'PY'
import os, stat, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
entries = []
for root, dirs, files in os.walk(src):
    for name in files:
        entries.append(os.path.relpath(os.path.join(root, name), src).replace(os.sep, "/"))
entries.sort()
tmp = dst + ".tmp"
with zipfile.ZipFile(tmp, "w") as z:
    for rel in entries:
        path = os.path.join(src, rel)
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            sys.exit(f"error: {path} is not a regular file; packages hold only files")
        info = zipfile.ZipInfo(rel, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3  # Unix, so unzip and Lambda read the mode bits
        info.external_attr = (stat.S_IFREG | stat.S_IMODE(st.st_mode)) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
os.replace(tmp, dst)
PY
}
