"""Checks the workflow files against the project's rules (design §5.10, issue 12).

- top-level `permissions: {}`;
- every job has timeout-minutes;
- every `uses:` is pinned to a full 40-hex commit SHA with a version comment, in the workflows
  and in the repository's composite actions (../actions/*/action.yml); a local action
  (`./.github/actions/...`) is part of the commit itself;
- each job's permissions are exactly what its steps need: contents: read to check out,
  id-token: write only with a step that assumes an AWS role, contents: write only with a step
  that pushes to the repository; nothing else;
- the deploy workflow: concurrency per environment without cancelling, the environment on the
  job that deploys, the inputs the runbook names, and inputs validated by scripts/version.sh.

Usage: python3 workflow_policy.py WORKFLOW_DIR  (prints "ok"/"FAIL" lines; exits 1 on a failure)
"""
import re
import sys
from pathlib import Path

import yaml

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$")
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if condition:
        print(f"  ok   {message}")
    else:
        print(f"  FAIL {message}")
        failures.append(message)


def needed_permissions(job):
    steps = job.get("steps", [])
    needed = {}
    for step in steps:
        uses = step.get("uses", "")
        run = step.get("run", "")
        if uses.startswith("actions/checkout@"):
            needed.setdefault("contents", "read")
        if uses.startswith("aws-actions/configure-aws-credentials@"):
            needed["id-token"] = "write"
        if re.search(r"\bgit push\b", run):
            needed["contents"] = "write"
    return needed


def check_pins(name, text):
    for number, line in enumerate(text.splitlines(), 1):
        m = USES.match(line)
        if m and not m.group(1).startswith("./"):
            ref, comment = m.group(1), m.group(2) or ""
            check(bool(PINNED.match(ref)) and re.search(r"#\s*v\d", comment) is not None,
                  f"{name}:{number}: {ref} pinned to a 40-hex SHA with a version comment")


def main(directory):
    for action in sorted((Path(directory).parent / "actions").glob("*/action.yml")):
        check_pins(f"actions/{action.parent.name}/action.yml", action.read_text())
    files = sorted(Path(directory).glob("*.yml"))
    check(len(files) >= 2, f"workflow files found in {directory}: {[f.name for f in files]}")
    for path in files:
        text = path.read_text()
        doc = yaml.safe_load(text)
        name = path.name
        check(doc.get("permissions") == {}, f"{name}: top-level permissions: {{}}")
        check_pins(name, text)
        for job_id, job in doc["jobs"].items():
            check(isinstance(job.get("timeout-minutes"), int) and job["timeout-minutes"] > 0, f"{name}/{job_id}: timeout-minutes")
            granted = job.get("permissions")
            check(isinstance(granted, dict), f"{name}/{job_id}: permissions listed per job")
            granted = granted if isinstance(granted, dict) else {}
            needed = needed_permissions(job)
            check(granted == needed, f"{name}/{job_id}: permissions {granted} are exactly what its steps need {needed}")
            if granted.get("id-token") == "write":
                check(any(s.get("uses", "").startswith("aws-actions/configure-aws-credentials@") for s in job.get("steps", [])),
                      f"{name}/{job_id}: id-token: write only with a role to assume")
    deploy = yaml.safe_load((Path(directory) / "deploy.yml").read_text())
    triggers = deploy.get(True, deploy.get("on"))  # YAML 1.1 reads the key `on` as True
    inputs = triggers["workflow_dispatch"]["inputs"]
    check(inputs["environment"]["options"] == ["dev", "prod"], "deploy.yml: environment input is dev|prod")
    check(inputs["package_type"]["options"] == ["Zip", "Image"], "deploy.yml: package_type input is Zip|Image")
    check(inputs["version"].get("required") is False, "deploy.yml: version input is optional")
    check(triggers["push"]["branches"] == ["main"], "deploy.yml: a push to main deploys")
    concurrency = deploy["concurrency"]
    check("inputs.environment" in concurrency["group"] and concurrency["cancel-in-progress"] is False,
          "deploy.yml: concurrency per environment, never cancelling a running deploy")
    with_env = [j for j, job in deploy["jobs"].items() if "environment" in job]
    assuming = [j for j, job in deploy["jobs"].items() if needed_permissions(job).get("id-token")]
    check(with_env == assuming and "inputs.environment" in deploy["jobs"][assuming[0]]["environment"],
          "deploy.yml: the job assuming the role runs in the GitHub environment (prod's reviewers gate it)")
    text = (Path(directory) / "deploy.yml").read_text()
    check("scripts/version.sh --check" in text, "deploy.yml: the version input is validated by scripts/version.sh")
    check("scripts/deploy.sh" in text and "scripts/release.sh" in text and "scripts/check-glibc.sh" in text,
          "deploy.yml: release, GLIBC check and deploy/rollback run the project scripts")
    print(f"workflow policy: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
