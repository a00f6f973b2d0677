"""The steps of scripts/deploy.sh (docs/operations.md, "Deploy"). Run by deploy.sh, which checks
the arguments and the tools first; not a command of its own.

A version is code and infrastructure: deploying version V applies the Terraform, manifest and
zips of tag vV (scripts/lib/version_tree.sh), after its signed release manifest verified
(scripts/lib/release_manifest.py). Rolling back to P applies tag vP's tree the same way. Each
function's `live` alias belongs to this script, not to Terraform (ignore_changes in
terraform/modules/lambda_function): the apply publishes new versions, then a canary gives the
new ones a share of the traffic while the alarms are watched, then all of it. Rolling back
re-points the aliases first (seconds), then applies P's tree.

Every exit (success, failed verification, failed plan, failed apply, alarm, failed smoke test,
failed rollback, SIGINT/SIGTERM from a cancel or a step timeout) writes the job summary with both
versions and what the environment runs afterwards. The journal (--journal) records each phase,
so `--recover` in a later step finishes the rollback of a run that was interrupted.
"""
import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.exceptions import BotoCoreError, ClientError

LIB = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(LIB))
ALIAS = "live"


class Failed(Exception):
    """A step failed: the message says which and why."""


class Interrupted(Exception):
    def __init__(self, signum):
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


class Signals:
    """SIGINT/SIGTERM (a cancel, a step timeout) stop the run at the next checkpoint: between
    steps, or at once while it only waits. Raising inside an AWS call or while a child runs
    would leave either half-done; Terraform gets the signal itself and stops cleanly."""

    def __init__(self):
        self.received = None
        self.waiting = False
        signal.signal(signal.SIGINT, self.handle)
        signal.signal(signal.SIGTERM, self.handle)

    def handle(self, signum, _frame):
        self.received = self.received or signum
        if self.waiting:
            self.waiting = False
            raise Interrupted(signum)

    def checkpoint(self):
        if self.received:
            raise Interrupted(self.received)

    def sleep(self, seconds):
        self.checkpoint()
        self.waiting = True
        try:
            time.sleep(seconds)
        finally:
            self.waiting = False

    def ignore(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


SIGNALS = None


STARTED = time.monotonic()


def log(message):
    """A line of the job log; a step's line ("== …") carries the seconds since the start."""
    if message.startswith("== "):
        message = f"== [{time.monotonic() - STARTED:6.1f} s] {message[3:]}"
    print(message, flush=True)


def lib_call(function, *args, out=None):
    """Runs a function of the bash libraries (common.sh, version_tree.sh)."""
    script = f'source "{LIB}/common.sh"; source "{LIB}/version_tree.sh"; {function} "$@"'
    return subprocess.run(["bash", "-c", script, function, *args], stdout=out, stderr=subprocess.STDOUT, text=True)


class Tree:
    """One version's tree, initialised against the environment's backend."""

    def __init__(self, deploy, version):
        self.deploy, self.version = deploy, version
        root = os.path.join(deploy.work, "v" + version)
        if not os.path.isdir(root):
            done = lib_call("version_tree", deploy.args.repo, version, root)
            if done.returncode != 0:
                raise Failed(f"no tree for {version} (tag v{version} in {deploy.args.repo})")
        self.root = root
        self.dir = os.path.join(root, deploy.args.tf_path)
        if not os.path.isdir(os.path.join(self.dir, ".terraform")):
            backend = [f"-backend-config={b}" for b in deploy.args.backend_config]
            if lib_call("tf_init", self.dir, *backend).returncode != 0:
                raise Failed(f"terraform init of v{version}'s {deploy.args.tf_path} failed")

    def tf(self, *args, log_name=None):
        path = os.path.join(self.deploy.work, log_name) if log_name else os.devnull
        with open(path, "w") as out:
            done = subprocess.run(["terraform", f"-chdir={self.dir}", *args], stdout=out, stderr=subprocess.STDOUT)
        return done.returncode, path

    def outputs(self):
        """The state's outputs; raises Failed when they cannot be read (never "no version")."""
        done = subprocess.run(["terraform", f"-chdir={self.dir}", "output", "-json", "-no-color"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise Failed(f"cannot read the state's outputs: {done.stderr.strip()[-600:]}")
        try:
            return {k: v.get("value") for k, v in json.loads(done.stdout or "{}").items()}
        except (ValueError, AttributeError):
            raise Failed("terraform output -json printed something that is not JSON")

    def smoke_command(self):
        configured = os.environ.get("SMOKE_COMMAND")
        return shlex.split(configured) if configured else [os.path.join(self.root, "scripts", "smoke.sh")]


class Deploy:
    def __init__(self, args):
        self.args = args
        self.work = tempfile.mkdtemp(prefix="deploy.", dir=os.environ.get("TMPDIR", "/tmp"))
        self.summary = os.environ.get("GITHUB_STEP_SUMMARY") or None
        self.steps = []          # (step, version, result) rows of the summary
        self.failed_checks = {}  # label -> failed smoke checks
        self.journal = dict(phase="start", environment=args.environment, version=args.version, previous=None,
                            previous_aliases={}, new_versions={},
                            args={k: v for k, v in vars(args).items() if k not in ("journal", "recover")})
        self.lambda_ = boto3.client("lambda")
        self.cloudwatch = boto3.client("cloudwatch")

    # --- journal and outputs -------------------------------------------------------------
    def record(self, **changes):
        """Records a phase in the journal; a checkpoint for a pending signal."""
        if SIGNALS:
            SIGNALS.checkpoint()
        self.journal.update(changes)
        if self.args.journal:
            tmp = self.args.journal + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.journal, f, indent=2)
            os.replace(tmp, self.args.journal)

    def set_output(self, name, value):
        path = os.environ.get("GITHUB_OUTPUT")
        if path:
            with open(path, "a") as f:
                f.write(f"{name}={value}\n")

    # --- release verification ------------------------------------------------------------
    def verified_vars(self, version):
        """-var arguments for the verified release (image digests for Image)."""
        a = self.args
        done = subprocess.run([sys.executable, os.path.join(LIB, "release_manifest.py"), "verify", a.artifact_bucket,
                               version, a.package_type, a.signing_key], capture_output=True, text=True)
        if done.returncode != 0:
            raise Failed(f"release {version} did not verify: {done.stderr.strip()}")
        log(f"== release {version}: signed manifest verified ({len(json.loads(done.stdout))} artifacts)")
        if a.package_type == "Image":
            return ["-var", "image_digests=" + done.stdout.strip()]
        return []

    # --- plan and apply ------------------------------------------------------------------
    def plan(self, tree, extra):
        log(f"== terraform plan of v{tree.version}")
        status, path = tree.tf("plan", "-input=false", "-no-color", f"-out={self.work}/plan-{tree.version}",
                               "-var", f"release_version={tree.version}", *extra, *self.args.terraform_args,
                               log_name=f"plan-{tree.version}.log")
        text = open(path).read()
        if status != 0:
            print(text[-4000:])
            return False
        for line in text.splitlines():
            if line.startswith("Plan:") or "No changes" in line:
                log(line)
        return True

    def apply(self, tree):
        log(f"== terraform apply of v{tree.version}")
        status, path = tree.tf("apply", "-input=false", "-no-color", "-auto-approve", f"{self.work}/plan-{tree.version}",
                               log_name=f"apply-{tree.version}.log")
        text = open(path).read()
        if status != 0:
            print(text[-4000:])
            return False
        for line in text.splitlines():
            if line.startswith("Apply complete"):
                log(line)
        return True

    # --- aliases and alarms --------------------------------------------------------------
    def alias_versions(self, functions):
        """{function_name: version the live alias points at} for the functions that have one."""
        found = {}
        for entry in functions.values():
            name = entry["function_name"]
            try:
                found[name] = self.lambda_.get_alias(FunctionName=name, Name=ALIAS)["FunctionVersion"]
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise Failed(f"cannot read the {ALIAS} alias of {name}: {e}")
        return found

    def point(self, targets, weights=None):
        """Points each function's alias at targets[name], with weights[name] = (version, share)
        extra. A function that no longer exists is skipped (the rollback's apply recreates it);
        returns how many aliases were moved."""
        moved = 0
        for name, version in targets.items():
            extra = (weights or {}).get(name)
            routing = {"AdditionalVersionWeights": {extra[0]: extra[1]} if extra else {}}
            try:
                self.lambda_.update_alias(FunctionName=name, Name=ALIAS, FunctionVersion=version, RoutingConfig=routing)
                moved += 1
            except ClientError as e:
                if e.response["Error"]["Code"] != "ResourceNotFoundException" or weights:
                    raise
        return moved

    def firing(self, alarms):
        """The alarms in ALARM; an alarm the stack names but CloudWatch does not have counts as
        firing (a canary watching nothing would pass blind)."""
        names = sorted(set(alarms))
        firing, seen = [], set()
        for i in range(0, len(names), 100):
            for alarm in self.cloudwatch.describe_alarms(AlarmNames=names[i:i + 100]).get("MetricAlarms", []):
                seen.add(alarm["AlarmName"])
                if alarm["StateValue"] == "ALARM":
                    firing.append(f"{alarm['AlarmName']} ({alarm.get('StateReason', '')})")
        firing += [f"{name} (no such alarm)" for name in names if name not in seen]
        return firing

    def canary(self, outputs):
        """Shifts the canary share to the new versions, watches the alarms, then moves the rest."""
        a = self.args
        functions = outputs.get("functions") or {}
        previous = self.journal["previous_aliases"]
        new = {e["function_name"]: str(e["version"]) for e in functions.values()}
        self.record(phase="applied", new_versions=new)
        shifting = {name: v for name, v in new.items() if name in previous and previous[name] != v}
        if not shifting:
            log("== no function has a new version to shift traffic to")
            self.record(phase="promoted")
            return
        share = a.canary_percent / 100.0
        alarms = [alarm for manifest_name, e in functions.items() if e["function_name"] in shifting
                  for alarm in (outputs.get("canary_alarms") or {}).get(manifest_name, [])]
        if share > 0 and a.canary_minutes > 0:
            log(f"== canary: {a.canary_percent:g} % of the traffic to the new versions of {len(shifting)} function(s) "
                f"for {a.canary_minutes:g} min, watching {len(set(alarms))} alarm(s)")
            self.record(phase="canary")
            self.point({n: previous[n] for n in shifting}, {n: (v, share) for n, v in shifting.items()})
            deadline = time.monotonic() + a.canary_minutes * 60
            while True:
                firing = self.firing(alarms)
                if firing:
                    raise Failed("alarm during the canary: " + "; ".join(firing))
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                SIGNALS.sleep(min(a.poll_seconds, left))
            self.steps.append(("canary", self.args.version, f"{a.canary_percent:g} % for {a.canary_minutes:g} min, no alarm"))
        self.point(shifting)
        log(f"== the {ALIAS} aliases point at the new versions: " + ", ".join(f"{n}:{v}" for n, v in sorted(shifting.items())))
        self.record(phase="promoted")

    def smoke(self, tree, outputs, label):
        url = outputs.get("api_endpoint")
        if not url:
            self.failed_checks[label] = ["no api_endpoint output"]
            return False, "no api_endpoint output"
        log(f"== smoke test ({label}) of {url}")
        try:
            done = subprocess.run([*tree.smoke_command(), url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        except OSError as e:
            self.failed_checks[label] = [f"cannot run the smoke test: {e}"]
            return False, f"cannot run the smoke test: {e}"
        print(done.stdout, end="", flush=True)
        lines = done.stdout.splitlines()
        total = next((l for l in reversed(lines) if l.startswith("smoke: ")), "no result line")
        self.failed_checks[label] = [l[len("  FAIL "):] for l in lines if l.startswith("  FAIL ")]
        return done.returncode == 0, total

    # --- the run -------------------------------------------------------------------------
    def run(self):
        a = self.args
        try:
            tree = Tree(self, a.version)
        except Failed as e:
            self.steps.append(("tree", a.version, str(e)))
            return self.finish("verify-failed", f"{a.version} was refused before any change: {e}")
        outputs = tree.outputs()
        previous = outputs.get("release_version") or None
        if previous is not None and not isinstance(previous, str):
            raise Failed(f"the stack reports release_version {previous!r}, which is not a version")
        previous_aliases = self.alias_versions(outputs.get("functions") or {}) if previous else {}
        self.record(previous=previous, previous_aliases=previous_aliases)
        self.set_output("previous_version", previous or "")
        log(f"== {a.environment} runs {previous or 'nothing yet'}; deploying {a.version}")

        try:
            extra = self.verified_vars(a.version)
        except Failed as e:
            self.steps.append(("verify", a.version, str(e)))
            return self.finish("verify-failed", f"{a.version} was refused before any change: {e}")
        self.record(phase="verified")
        if not self.plan(tree, extra):
            self.steps.append(("plan", a.version, "terraform plan failed; nothing was applied"))
            return self.finish("plan-failed", f"the plan of {a.version} failed: nothing changed")
        self.record(phase="planned")
        self.record(phase="applying")
        if not self.apply(tree):
            self.steps.append(("apply", a.version, "terraform apply failed"))
            return self.roll_back(f"terraform apply of {a.version} failed")
        self.steps.append(("apply", a.version, "applied"))
        try:
            outputs = tree.outputs()
            self.canary(outputs)
        except Failed as e:
            self.steps.append(("canary", a.version, str(e)))
            return self.roll_back(str(e))
        ok, total = self.smoke(tree, outputs, "deploy")
        self.steps.append(("smoke", a.version, total))
        if not ok:
            return self.roll_back(f"the smoke test of {a.version} failed")
        self.record(phase="done")
        return self.finish("deployed", f"{a.version} deployed and smoke-tested")

    def roll_back(self, why):
        a, previous = self.args, self.journal["previous"]
        log(f"::error::{a.environment}: {why}")
        if not previous or previous == self.journal["version"]:
            self.steps.append(("rollback", "-", f"none: no earlier version was recorded (previous: {previous or 'none'})"))
            return self.finish("failed-no-rollback", why)
        log(f"== rolling {a.environment} back to {previous}")
        self.record(phase="rolling-back")
        aliases = self.journal["previous_aliases"]
        if aliases:
            started = time.monotonic()
            try:
                moved = self.point(aliases)
                took = time.monotonic() - started
                log(f"== the {ALIAS} aliases point at {previous}'s versions again ({took:.1f} s)")
                self.steps.append(("re-point aliases", previous, f"{moved} alias(es) back on {previous}'s versions in {took:.1f} s"))
            except (ClientError, BotoCoreError) as e:
                self.steps.append(("re-point aliases", previous, f"FAILED: {e}"))
        try:
            tree = Tree(self, previous)
            extra = self.verified_vars(previous)
            if not self.plan(tree, extra) or not self.apply(tree):
                raise Failed(f"the rollback apply of {previous} FAILED")
        except Failed as e:
            self.steps.append(("rollback", previous, f"{e}: {a.environment} is in an unknown state, see docs/operations.md (an apply that fails half-way)"))
            return self.finish("rollback-failed", why)
        self.steps.append(("rollback", previous, f"v{previous}'s tree applied"))
        ok, total = self.smoke(tree, tree.outputs(), "rollback")
        self.steps.append(("smoke", previous, total))
        if not ok:
            self.steps.append(("rollback", previous, f"rolled back to {previous}, but its smoke test FAILED too"))
            return self.finish("rollback-failed", why)
        self.record(phase="rolled-back")
        return self.finish("rolled-back", why)

    def recover(self):
        """After an interrupted run: roll back what it started, or say that nothing changed."""
        phase = self.journal.get("phase")
        log(f"== recovering the interrupted deploy of {self.journal['version']} to {self.args.environment} (phase {phase})")
        self.steps.append(("interrupted", self.journal["version"], f"during {phase}"))
        if phase in ("done", "rolled-back"):
            return self.finish("deployed" if phase == "done" else "rolled-back", "the run had finished")
        if phase in ("start", "verified", "planned"):
            return self.finish("interrupted", "interrupted before any apply: nothing changed")
        return self.roll_back(f"the deploy of {self.journal['version']} was interrupted during {phase}")

    # --- the summary -----------------------------------------------------------------------
    def now_runs(self):
        """What the environment runs, read back: the state's release_version and each alias."""
        for candidate in (self.journal["version"], self.journal.get("previous")):
            if candidate and os.path.isdir(os.path.join(self.work, "v" + candidate, self.args.tf_path, ".terraform")):
                try:
                    outputs = Tree(self, candidate).outputs()
                    return outputs.get("release_version") or "nothing", self.alias_versions(outputs.get("functions") or {})
                except (Failed, ClientError, BotoCoreError) as e:
                    return f"unknown ({e})", {}
        return "unknown (no version's tree could be initialised)", {}

    def finish(self, result, why, final=True):
        a = self.args
        version, previous = self.journal["version"], self.journal.get("previous")
        runs, aliases = self.now_runs()
        good = result == "deployed"
        self.set_output("deployed_version", runs)
        self.set_output("result", result)
        if final:
            self.set_output("finished", "true")
        title = {"deployed": "✅", "rolled-back": f"❌ — rolled back to {previous}", "rollback-failed": "❌ — ROLLBACK FAILED",
                 "plan-failed": "❌ (plan failed, nothing changed)", "verify-failed": "❌ (refused, nothing changed)",
                 "failed-no-rollback": "❌ (no rollback)", "interrupted": "❌ (interrupted, nothing changed)",
                 "interrupted-applying": "❌ (interrupted after the apply began: the recovery step rolls back)"}[result]
        lines = [f"## Deploy {a.environment}: {version} {title}", "",
                 f"- previous version: {previous or 'none'}",
                 f"- result: {result} — {why}",
                 f"- {a.environment} now runs: **{runs}**" + (f" (aliases: {', '.join(f'{n}:{v}' for n, v in sorted(aliases.items()))})" if aliases else ""),
                 "", "| step | version | result |", "| --- | --- | --- |"]
        lines += [f"| {s} | {v} | {r} |" for s, v, r in self.steps]
        for label, checks in self.failed_checks.items():
            if checks:
                lines += ["", f"Failed checks ({label}):"] + [f"- {c}" for c in checks]
        text = "\n".join(lines) + "\n"
        if self.summary:
            with open(self.summary, "a") as f:
                f.write(text)
        print(text, flush=True)
        if not good:
            log(f"::error::{a.environment}: {version} {result}; {a.environment} runs {runs}")
        return 0 if good else 1


def parse_args():
    p = argparse.ArgumentParser(prog="scripts/deploy.sh", add_help=False)
    p.add_argument("--environment", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--repo", required=True)
    p.add_argument("--tf-path", required=True)
    p.add_argument("--backend-config", action="append", default=[])
    p.add_argument("--package-type", required=True)
    p.add_argument("--artifact-bucket", required=True)
    p.add_argument("--signing-key", required=True)
    p.add_argument("--canary-percent", type=float, required=True)
    p.add_argument("--canary-minutes", type=float, required=True)
    p.add_argument("--poll-seconds", type=float, required=True)
    p.add_argument("--journal", default="")
    p.add_argument("terraform_args", nargs="*")
    args = p.parse_args()
    args.recover = False
    return args


def main():
    journal = None
    if sys.argv[1:3] == ["--recover", "--journal"] and len(sys.argv) == 4:
        # The interrupted run's arguments come from its journal.
        with open(sys.argv[3]) as f:
            journal = json.load(f)
        args = argparse.Namespace(**journal["args"], journal=sys.argv[3], recover=True)
    else:
        args = parse_args()
    deploy = Deploy(args)
    if journal is not None:
        deploy.journal = journal
    global SIGNALS
    SIGNALS = Signals()
    try:
        return deploy.recover() if args.recover else deploy.run()
    except Interrupted as e:
        # What was started is in the journal; the summary is written with the signals ignored.
        SIGNALS.ignore()
        deploy.steps.append(("interrupted", deploy.journal["version"], f"{e} during {deploy.journal['phase']}"))
        before_apply = deploy.journal["phase"] in ("start", "verified", "planned")
        deploy.finish("interrupted" if before_apply else "interrupted-applying",
                      f"{e}; the recovery step (scripts/deploy.sh --recover --journal …) rolls back what was started",
                      final=before_apply)
        return 130
    except Failed as e:
        deploy.steps.append(("error", deploy.journal["version"], str(e)))
        return deploy.finish("failed-no-rollback" if deploy.journal["phase"] == "start" else "rollback-failed", str(e))
    except Exception as e:  # an AWS error, a bug: the recovery step finishes what was started
        deploy.steps.append(("error", deploy.journal["version"], f"{type(e).__name__}: {e}"))
        before_apply = deploy.journal["phase"] in ("start", "verified", "planned")
        deploy.finish("interrupted" if before_apply else "interrupted-applying",
                      f"{type(e).__name__}: {e}", final=before_apply)
        raise
    finally:
        shutil.rmtree(deploy.work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
