"""Static checks of functions/Dockerfile (there is no Docker engine to build it here).

Usage: python3 dockerfile_test.py DOCKERFILE PACKAGE_ROOT
PACKAGE_ROOT is a package.sh output folder (dist/<version>): the Dockerfile's build context.
"""
import re
import sys
from pathlib import Path

failures, checks = [], 0


def check(condition, message):
    global checks
    checks += 1
    print(("  ok   " if condition else "  FAIL ") + message)
    if not condition:
        failures.append(message)


def instructions(text):
    joined = re.sub(r"\\\n", " ", text)
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            yield word.upper(), rest.strip()


def main(dockerfile, package_root):
    steps = list(instructions(Path(dockerfile).read_text()))
    froms = [rest for word, rest in steps if word == "FROM"]
    check(len(froms) == 1, "one stage: the image is the packaged files, no second build path")
    check(bool(froms) and re.fullmatch(r"public\.ecr\.aws/lambda/provided:al2023@sha256:[0-9a-f]{64}", froms[0]) is not None,
          "base is public.ecr.aws/lambda/provided:al2023 pinned by digest")
    check(("ARG", "FUNCTION") in steps, "parameterised by ARG FUNCTION")
    text = Path(dockerfile).read_text()
    check(re.search(r"\b(dotnet|publish|msbuild|dnf|yum|apt-get|curl|wget)\b", " ".join(r for w, r in steps if w == "RUN")) is None,
          "no RUN builds, downloads or installs anything")
    copies = [rest for word, rest in steps if word in ("COPY", "ADD")]
    check(all(word != "ADD" for word, _ in steps), "COPY only (no ADD)")
    sources = [c.split()[-2] for c in copies]
    check(bool(copies) and all(s.startswith("${FUNCTION}/") for s in sources),
          f"copies only the function's packaged files ({sources})")
    check(any("--chmod=0755" in c and c.split()[-2] == "${FUNCTION}/bootstrap" for c in copies), "bootstrap copied executable (0755)")
    check(all("--chown=0:0" in c for c in copies), "files owned by root, not writable by the runtime user")
    users = [rest for word, rest in steps if word == "USER"]
    check(bool(users) and users[-1].split(":")[0] not in ("0", "root"), f"runs as a non-root user ({users})")
    entry = [rest for word, rest in steps if word == "ENTRYPOINT"]
    check(entry == ['["/var/task/bootstrap"]'], "ENTRYPOINT is the packaged bootstrap")
    packaged = [d for d in Path(package_root).iterdir() if d.is_dir()]
    check(bool(packaged) and all((d / "bootstrap").is_file() for d in packaged),
          f"the build context {package_root} has <FUNCTION>/bootstrap for every packaged function")
    print(f"dockerfile: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
