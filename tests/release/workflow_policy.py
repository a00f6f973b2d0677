"""Checks the workflow files against the project's rules (design §5.10, issues 12 and 20).

Every workflow:
- top-level `permissions: {}`;
- every job has timeout-minutes (a job calling a reusable workflow cannot have one: the called
  workflow's jobs, checked in their own file, do);
- every `uses:` is pinned to a full 40-hex commit SHA with a version comment, in the workflows
  and in the repository's composite actions (../actions/*/action.yml); a local action or
  reusable workflow (`./.github/...`) is part of the commit itself;
- each job's permissions are exactly what its steps need: contents: read to check out,
  id-token: write only with a step that assumes an AWS role, contents: write only with a step
  that pushes to the repository (git push, scripts/promotion.sh record); a job calling a
  reusable workflow grants what the called jobs need together; nothing else;
- which role is assumed where: the release role only in release.yml's publish job, the deploy
  role only in deploy.yml's deploy job, read-only roles only in drift.yml;
- contents: write only in release.yml's publish job, deploy.yml's record job and the jobs of
  release.yml that call deploy.yml.

release.yml: on push to main and v* tags; publish (release role, no environment) runs
scripts/release.sh with the signing key after the Native AOT build and pushes the tag; dev then
stage through deploy.yml, stage after dev, never prod.

deploy.yml: reusable (workflow_call: environment, version) and workflow_dispatch (environment
dev|stage|prod, version required, override_reason empty by default); promotion check → deploy
(the job assuming the role runs in the GitHub environment, one concurrency group per
environment that never cancels, a step timeout on scripts/deploy.sh with a journal, a recover
step running whenever the deploy did not finish, the job timeout above both) → record.

drift.yml: schedule and workflow_dispatch, a matrix over dev, stage, prod with fail-fast off,
no GitHub environment, only read-only roles, scripts/drift.sh.

Usage: python3 workflow_policy.py WORKFLOW_DIR  (prints "ok"/"FAIL" lines; exits 1 on a failure)
"""
import re
import sys
from pathlib import Path

import yaml

USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)\s*(#.*)?$")
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
CREDENTIALS = "aws-actions/configure-aws-credentials@"
DEPLOY_CALL = "./.github/workflows/deploy.yml"
failures = []
checks = 0
workflows = {}


def check(condition, message):
    global checks
    checks += 1
    if condition:
        print(f"  ok   {message}")
    else:
        print(f"  FAIL {message}")
        failures.append(message)


def steps(job):
    return job.get("steps", []) or []


def assumes_role(job):
    return any(s.get("uses", "").startswith(CREDENTIALS) for s in steps(job))


def roles(job):
    """The role-to-assume expressions of a job's credential steps."""
    return [str((s.get("with") or {}).get("role-to-assume", "")) for s in steps(job) if s.get("uses", "").startswith(CREDENTIALS)]


def merge(into, granted):
    rank = {"none": 0, "read": 1, "write": 2}
    for scope, level in granted.items():
        if rank.get(level, 0) > rank.get(into.get(scope, "none"), 0):
            into[scope] = level
    return into


def needed_permissions(job):
    if job.get("uses", "").startswith("./.github/workflows/"):
        called = workflows.get(Path(job["uses"]).name)
        needed = {}
        for called_job in (called or {}).get("jobs", {}).values():
            merge(needed, needed_permissions(called_job))
        return needed
    needed = {}
    for step in steps(job):
        uses = step.get("uses", "")
        run = step.get("run", "")
        if uses.startswith("actions/checkout@"):
            needed.setdefault("contents", "read")
        if uses.startswith(CREDENTIALS):
            needed["id-token"] = "write"
        if re.search(r"\bgit push\b", run) or re.search(r"scripts/promotion\.sh record\b", run):
            needed["contents"] = "write"
    return needed


def check_pins(name, text):
    for number, line in enumerate(text.splitlines(), 1):
        m = USES.match(line)
        if m and not m.group(1).startswith("./"):
            ref, comment = m.group(1), m.group(2) or ""
            check(bool(PINNED.match(ref)) and re.search(r"#\s*v\d", comment) is not None,
                  f"{name}:{number}: {ref} pinned to a 40-hex SHA with a version comment")


def triggers(doc):
    return doc.get(True, doc.get("on")) or {}  # YAML 1.1 reads the key `on` as True


def run_text(job):
    return "\n".join(str(s.get("run", "")) for s in steps(job))


def check_every_workflow():
    for name, doc in workflows.items():
        check(doc.get("permissions") == {}, f"{name}: top-level permissions: {{}}")
        for job_id, job in doc["jobs"].items():
            where = f"{name}/{job_id}"
            if "uses" in job:
                check("timeout-minutes" not in job, f"{where}: calls {job['uses']}, whose jobs carry the timeouts")
            else:
                check(isinstance(job.get("timeout-minutes"), int) and job["timeout-minutes"] > 0, f"{where}: timeout-minutes")
            granted = job.get("permissions")
            check(isinstance(granted, dict), f"{where}: permissions listed per job")
            granted = granted if isinstance(granted, dict) else {}
            needed = needed_permissions(job)
            check(granted == needed, f"{where}: permissions {granted} are exactly what its steps need {needed}")
            if granted.get("id-token") == "write" and "uses" not in job:
                check(assumes_role(job), f"{where}: id-token: write only with a role to assume")
            if granted.get("contents") == "write":
                check(where in ("release.yml/publish", "deploy.yml/record") or job.get("uses") == DEPLOY_CALL,
                      f"{where}: contents: write only in release.yml/publish, deploy.yml/record and callers of deploy.yml")
            text = yaml.safe_dump(job)
            if "RELEASE_ROLE_ARN" in text:
                check(where == "release.yml/publish", f"{where}: the release role only in release.yml's publish job")
            if "AWS_DEPLOY_ROLE_ARN" in text:
                check(where == "deploy.yml/deploy", f"{where}: a deploy role only in deploy.yml's deploy job")
            if "AWS_READONLY_ROLE_ARN" in text:
                check(name == "drift.yml", f"{where}: read-only roles only in drift.yml")
            for role in roles(job):
                check(role.strip() != "", f"{where}: every credentials step names its role")


def check_release():
    doc = workflows.get("release.yml")
    check(doc is not None, "release.yml exists")
    if doc is None:
        return
    on = triggers(doc)
    check(set(on) == {"push"} and on["push"].get("branches") == ["main"] and on["push"].get("tags") == ["v*"],
          "release.yml: runs on pushes to main and of v* tags only")
    jobs = doc["jobs"]
    check(doc.get("concurrency", {}).get("cancel-in-progress") is False, "release.yml: a running release is never cancelled")
    publish = jobs.get("publish", {})
    check("environment" not in publish, "release.yml/publish: no GitHub environment (the release role trusts the file, main and v* tags)")
    check(roles(publish) == ["${{ vars.RELEASE_ROLE_ARN }}"], "release.yml/publish: assumes the release role")
    check(publish.get("permissions") == {"contents": "write", "id-token": "write"}, "release.yml/publish: id-token and contents: write")
    run = run_text(publish)
    check(re.search(r"scripts/release\.sh\b[^\n]*(\\\n[^\n]*)*--signing-key", run) is not None,
          "release.yml/publish: scripts/release.sh with the signing key")
    check(re.search(r"git tag \"\$tag\"", run) and re.search(r"git push origin \"refs/tags/\$tag\"", run),
          "release.yml/publish: creates and pushes tag v<version>")
    build = jobs.get("build", {})
    check("amazonlinux:2023@sha256:" in str(build.get("container", "")) and "scripts/check-glibc.sh" in run_text(build),
          "release.yml/build: Native AOT in the pinned AL2023 container, GLIBC checked")
    check("build" in publish.get("needs", []) and "version" in publish.get("needs", []), "release.yml/publish: after version and build")
    calls = {j: job for j, job in jobs.items() if job.get("uses") == DEPLOY_CALL}
    envs = {job.get("with", {}).get("environment"): j for j, job in calls.items()}
    check(sorted(envs) == ["dev", "stage"], f"release.yml: deploys dev and stage through deploy.yml, never prod ({sorted(map(str, envs))})")
    dev, stage = envs.get("dev"), envs.get("stage")
    if dev and stage:
        needs = calls[dev].get("needs", [])
        check("publish" in needs, "release.yml: dev is deployed after publish")
        check(dev in calls[stage].get("needs", []), "release.yml: stage is deployed after dev succeeded")
    for j, job in calls.items():
        check(job.get("with", {}).get("version") == "${{ needs.version.outputs.version }}", f"release.yml/{j}: deploys the published version")


def check_deploy():
    doc = workflows.get("deploy.yml")
    check(doc is not None, "deploy.yml exists")
    if doc is None:
        return
    on = triggers(doc)
    check(set(on) == {"workflow_call", "workflow_dispatch"}, "deploy.yml: reusable and run by hand only")
    call = (on.get("workflow_call") or {}).get("inputs", {})
    check(call.get("environment", {}).get("required") is True and call.get("version", {}).get("required") is True,
          "deploy.yml: workflow_call takes environment and version")
    inputs = (on.get("workflow_dispatch") or {}).get("inputs", {})
    check(inputs.get("environment", {}).get("options") == ["dev", "stage", "prod"], "deploy.yml: environment input is dev|stage|prod")
    check(inputs.get("version", {}).get("required") is True, "deploy.yml: version input is required (an existing release)")
    check(inputs.get("override_reason", {}).get("default") == "", "deploy.yml: override_reason is empty by default")
    jobs = doc["jobs"]
    for level, holder in [("workflow", doc)] + [(j, job) for j, job in jobs.items()]:
        c = holder.get("concurrency")
        if c is not None:
            check(isinstance(c, dict) and c.get("cancel-in-progress") is False, f"deploy.yml ({level}): concurrency never cancels a deploy")
    deploy_jobs = [j for j, job in jobs.items() if assumes_role(job)]
    with_env = [j for j, job in jobs.items() if "environment" in job]
    check(deploy_jobs == ["deploy"] and with_env == ["deploy"], "deploy.yml: the job assuming the role (deploy) runs in the GitHub environment, and only it")
    deploy = jobs.get("deploy", {})
    check("inputs.environment" in str(deploy.get("environment", "")), "deploy.yml/deploy: environment is the input (prod's reviewers gate it)")
    check(all(r == "${{ vars.AWS_DEPLOY_ROLE_ARN }}" for r in roles(deploy)), "deploy.yml/deploy: assumes the environment's deploy role")
    conc = deploy.get("concurrency") or doc.get("concurrency") or {}
    check("inputs.environment" in str(conc.get("group", "")) and conc.get("cancel-in-progress") is False,
          "deploy.yml/deploy: one deploy per environment, never cancelled")
    checkout = [s for s in steps(deploy) if s.get("uses", "").startswith("actions/checkout@")]
    check(bool(checkout) and (checkout[0].get("with") or {}).get("fetch-depth") == 0, "deploy.yml/deploy: checkout with every tag (fetch-depth: 0)")
    ids = [s.get("id") for s in steps(deploy)]
    step = next((s for s in steps(deploy) if s.get("id") == "deploy"), {})
    check("scripts/deploy.sh" in str(step.get("run", "")) and "--journal" in str(step.get("run", "")),
          "deploy.yml/deploy: the deploy step runs scripts/deploy.sh with a journal")
    step_timeout = step.get("timeout-minutes")
    check(isinstance(step_timeout, int) and step_timeout > 0, "deploy.yml/deploy: the deploy step has its own timeout-minutes")
    recover = next((s for s in steps(deploy) if "--recover" in str(s.get("run", ""))), {})
    condition = str(recover.get("if", ""))
    check("always()" in condition and "steps.deploy.outputs.finished != 'true'" in condition
          and "scripts/deploy.sh --recover --journal" in str(recover.get("run", ""))
          and ids.index(recover.get("id")) > ids.index("deploy") if recover and "deploy" in ids else False,
          "deploy.yml/deploy: a later step runs scripts/deploy.sh --recover whenever the deploy did not finish (cancel, timeout)")
    recover_timeout = recover.get("timeout-minutes", 0) if isinstance(recover.get("timeout-minutes", 0), int) else 0
    job_timeout = deploy.get("timeout-minutes", 0)
    check(isinstance(step_timeout, int) and isinstance(job_timeout, int) and job_timeout > step_timeout + recover_timeout,
          f"deploy.yml/deploy: the job's timeout ({job_timeout}) is above the deploy and recover steps' ({step_timeout} + {recover_timeout})")
    promotion = jobs.get("promotion", {})
    check("scripts/promotion.sh check" in run_text(promotion) and "override_reason" in yaml.safe_dump(promotion),
          "deploy.yml/promotion: scripts/promotion.sh check, with the override reason")
    check(deploy.get("needs") in ("promotion", ["promotion"]), "deploy.yml/deploy: after the promotion check")
    record = jobs.get("record", {})
    check("scripts/promotion.sh record" in run_text(record) and record.get("needs") in ("deploy", ["deploy"])
          and "if" not in record, "deploy.yml/record: scripts/promotion.sh record, only after a successful deploy")
    check("scripts/version.sh --check" in run_text(promotion), "deploy.yml: the version input is validated by scripts/version.sh")


def check_drift():
    doc = workflows.get("drift.yml")
    check(doc is not None, "drift.yml exists")
    if doc is None:
        return
    on = triggers(doc)
    check(set(on) == {"schedule", "workflow_dispatch"} and bool(on.get("schedule")), "drift.yml: on a schedule and by hand")
    for j, job in doc["jobs"].items():
        check("environment" not in job, f"drift.yml/{j}: no GitHub environment")
        strategy = job.get("strategy", {})
        matrix = strategy.get("matrix", {})
        include = matrix.get("include", [])
        envs = [i.get("environment") for i in include] or matrix.get("environment", [])
        check(envs == ["dev", "stage", "prod"], f"drift.yml/{j}: a matrix over dev, stage, prod")
        check(strategy.get("fail-fast") is False, f"drift.yml/{j}: fail-fast: false")
        for role in roles(job):
            if role == "${{ vars[matrix.role_variable] }}":
                ok = [i.get("role_variable") for i in include] == [f"AWS_READONLY_ROLE_ARN_{e.upper()}" for e in envs]
            else:
                ok = re.fullmatch(r"\$\{\{ vars\.AWS_READONLY_ROLE_ARN_(DEV|STAGE|PROD) \}\}", role) is not None
            check(ok, f"drift.yml/{j}: assumes only the read-only role of each environment ({role})")
        check("scripts/drift.sh" in run_text(job), f"drift.yml/{j}: runs scripts/drift.sh")
    text = yaml.safe_dump(doc)
    check("AWS_DEPLOY_ROLE_ARN" not in text and "RELEASE_ROLE_ARN" not in text, "drift.yml: no deploy or release role")


def main(directory):
    for action in sorted((Path(directory).parent / "actions").glob("*/action.yml")):
        check_pins(f"actions/{action.parent.name}/action.yml", action.read_text())
    files = sorted(Path(directory).glob("*.yml"))
    check(len(files) >= 4, f"workflow files found in {directory}: {[f.name for f in files]}")
    for path in files:
        text = path.read_text()
        workflows[path.name] = yaml.safe_load(text)
        check_pins(path.name, text)
    check_every_workflow()
    check_release()
    check_deploy()
    check_drift()
    print(f"workflow policy: {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
