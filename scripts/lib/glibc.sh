# The symbol-version check every packaged ELF file passes. Source it; do not run it.
#
# provided.al2023 has glibc 2.34 and the libstdc++ of gcc 11 (GLIBCXX_3.4.29, CXXABI_1.3.13):
# a bootstrap or bundled .so that asks for a newer version fails to load in Lambda, while it
# runs fine on a newer build machine (Debian 12 has 2.36).
GLIBC_LIMITS="GLIBC=2.34 GLIBCXX=3.4.29 CXXABI=1.3.13"

# check_symbol_versions PATH...: every ELF file under the paths (files or folders) needs no
# symbol version above GLIBC_LIMITS. Prints the newest per file; fails naming each offender.
check_symbol_versions() {
  require objdump "Install binutils (Debian: apt-get install binutils), then re-run."
  python3 - "$GLIBC_LIMITS" "$@" <<'PY'
import os, re, subprocess, sys

limits = {k: tuple(int(p) for p in v.split(".")) for k, v in (x.split("=") for x in sys.argv[1].split())}
pattern = re.compile(r"\b(GLIBC|GLIBCXX|CXXABI)_(\d+(?:\.\d+)*)\b")

def elf_files(path):
    if os.path.isfile(path):
        yield path
        return
    if not os.path.isdir(path):
        sys.exit(f"error: {path} does not exist")
    for root, dirs, files in os.walk(path):
        dirs.sort()
        for name in sorted(files):
            yield os.path.join(root, name)

checked, bad = 0, []
for arg in sys.argv[2:]:
    for path in elf_files(arg):
        if os.path.islink(path):
            continue
        with open(path, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        out = subprocess.run(["objdump", "-T", path], capture_output=True, text=True)
        if out.returncode != 0:
            bad.append(f"{path}: objdump -T failed: {out.stderr.strip()}")
            continue
        checked += 1
        newest = {}
        for lib, ver in pattern.findall(out.stdout):
            v = tuple(int(p) for p in ver.split("."))
            if v > newest.get(lib, ()):
                newest[lib] = v
        shown = " ".join(f"{k}_{'.'.join(map(str, v))}" for k, v in sorted(newest.items()))
        print(f"  glibc check: {path}: {shown or 'no versioned libc symbols'}")
        for lib, v in newest.items():
            if v > limits[lib]:
                bad.append(f"{path} needs {lib}_{'.'.join(map(str, v))}; provided.al2023 has {lib}_{'.'.join(map(str, limits[lib]))}")
if checked == 0:
    bad.append("no ELF file found in " + " ".join(sys.argv[2:]))
if bad:
    print("error: symbol versions too new for provided.al2023:", file=sys.stderr)
    for b in bad:
        print("  " + b, file=sys.stderr)
    sys.exit(1)
PY
}
