"""The sample requests of functions/functions.json (each entry's "samples"; docs/functions-manifest.md).

Both lists that once named every route by hand come from here, so a new route appears in both
without editing either script:

  smoke API_URL REGION MANIFEST   scripts/smoke.sh's checks: every route has a sample and refuses an
                                  unsigned request (403); then every sample in step order, signed
                                  with the caller's credentials, its answer checked, values carried
                                  between steps. Exits non-zero on any failure.
  plan MANIFEST                   the checks smoke makes, in order, without calling anything
                                  (scripts/smoke.sh --list).

and examples(), the curl command of every route that scripts/lib/local_stack.py prints when the
local cloud is up.

Samples run in ascending "step" across the manifest. A string may name a value an earlier step
saved ("save": {"file": "id"} keeps the answer's id) as {file}; the printed examples keep it in a
shell variable, $file.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

VARIABLE = re.compile(r"\{([a-z][a-z0-9]*)\}")
PARAMETER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)\}")
JSON_TYPES = {"array": list, "object": dict, "string": str, "boolean": bool}
MISSING = object()


def load(manifest_path):
    """(every route in manifest order, every sample in step order with its function's name)."""
    with open(manifest_path) as f:
        functions = json.load(f)["functions"]
    routes = [r for f in functions for r in f.get("routes", [])]
    samples = sorted(({**s, "function": f["name"]} for f in functions for s in f.get("samples", [])),
                     key=lambda s: s["step"])
    return routes, samples


def printed(sample):
    return sample.get("example", True)


# --- Requests ------------------------------------------------------------------------------

def _encode(template):
    """URL-encodes a template's literal text, leaving its {variables} in place."""
    parts = VARIABLE.split(template)
    return "".join(urllib.parse.quote(p, safe="") if i % 2 == 0 else "{" + p + "}" for i, p in enumerate(parts))


def url_template(sample):
    """The path and query string, {variables} unresolved. Query parameters are sorted by name:
    curl before 8.1 signs them in the order given, SigV4's canonical request sorts them."""
    path_parameters = sample.get("pathParameters", {})
    path = PARAMETER.sub(lambda m: _encode(path_parameters[m.group(1)]), sample["route"].split(" ", 1)[1])
    query = sample.get("query", {})
    if query:
        path += "?" + "&".join(f"{urllib.parse.quote(k, safe='')}={_encode(str(query[k]))}" for k in sorted(query))
    return path


def body_template(sample):
    """(body text with {variables} unresolved, content type), or (None, None)."""
    if "json" in sample:
        return json.dumps(sample["json"], separators=(",", ":"), ensure_ascii=False), "application/json"
    if "body" in sample:
        return sample["body"], sample["contentType"]
    return None, None


def resolve(value, variables):
    """Replaces each {name} in the strings of value; a name no step saved becomes 'missing'."""
    if isinstance(value, str):
        return VARIABLE.sub(lambda m: str(variables.get(m.group(1), "missing")), value)
    if isinstance(value, list):
        return [resolve(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, variables) for k, v in value.items()}
    return value


def url_path(sample, variables):
    """The path and query string with the values of the variables, URL-encoded."""
    return VARIABLE.sub(lambda m: urllib.parse.quote(variables.get(m.group(1), "missing"), safe=""), url_template(sample))


def request_body(sample, variables):
    """(body, content type) with the values of the variables, or (None, None)."""
    if "json" in sample:
        return json.dumps(resolve(sample["json"], variables), separators=(",", ":"), ensure_ascii=False), "application/json"
    body, content_type = body_template(sample)
    return (resolve(body, variables) if body is not None else None), content_type


def uses(sample):
    """The variables a sample reads."""
    text = json.dumps({k: v for k, v in sample.items() if k not in ("route", "save", "note", "title")})
    return set(VARIABLE.findall(text))


# --- Answers -------------------------------------------------------------------------------

def member(document, path):
    """document's member at a dotted path (names and array indexes), or MISSING."""
    value = document
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return MISSING
    return value


def same(expected, actual):
    # JSON's true is not 1.
    return isinstance(expected, bool) == isinstance(actual, bool) and expected == actual


def has_type(value, name):
    if name == "null":
        return value is None
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, JSON_TYPES[name])


def failed_check(check, document):
    """None when the answer holds the check, else what was expected and what came."""
    path = check["member"]
    value = member(document, path) if document is not MISSING else MISSING
    got = "nothing" if value is MISSING else json.dumps(value)[:80]
    if "equals" in check:
        return None if same(check["equals"], value) else f"{path} = {json.dumps(check['equals'])}, got {got}"
    if "type" in check:
        return None if value is not MISSING and has_type(value, check["type"]) else f"{path} to be a JSON {check['type']}, got {got}"
    if "startsWith" in check:
        return None if isinstance(value, str) and value.startswith(check["startsWith"]) else f"{path} to start with {json.dumps(check['startsWith'])}, got {got}"
    wanted = check["contains"]
    if isinstance(value, list) and any(isinstance(i, dict) and all(same(v, i.get(k, MISSING)) for k, v in wanted.items()) for i in value):
        return None
    return f"{path} to hold an item with {json.dumps(wanted)}"


# --- The smoke test ------------------------------------------------------------------------

class Smoke:
    def __init__(self, api, region, work):
        self.api, self.region, self.work = api, region, work
        self.passed = self.failed = 0
        self.body = b""
        self.ready_seconds = int(os.environ.get("SMOKE_READY_SECONDS", "90"))

    def ok(self, text):
        self.passed += 1
        print(f"  ok   {text}", flush=True)

    def fail(self, text, show_body=True):
        self.failed += 1
        print(f"  FAIL {text}", flush=True)
        if show_body and self.body:
            print("\n".join("       " + line for line in self.body[:600].decode("utf-8", "replace").split("\n")), flush=True)

    def call(self, method, path, body=None, content_type=None, signed=True):
        """Sends one request with curl (it signs with SigV4); the status, '000' without an answer."""
        out = os.path.join(self.work, "body")
        if os.path.exists(out):
            os.remove(out)
        args = ["curl", "-sS", "-o", out, "-w", "%{http_code}", "-X", method, "--max-time", "35"]
        if signed:
            # The credentials go to curl in a config file only this user can read, not on its
            # command line, where any process could list them.
            args += ["--aws-sigv4", f"aws:amz:{self.region}:execute-api", "-K", self.credentials()]
        if body is not None:
            with open(os.path.join(self.work, "request"), "wb") as f:
                f.write(body.encode())
            args += ["--data-binary", "@" + os.path.join(self.work, "request"), "-H", f"content-type: {content_type}"]
        args.append(self.api + path)
        status = subprocess.run(args, stdout=subprocess.PIPE, text=True).stdout.strip() or "000"
        self.body = b""
        if os.path.exists(out):
            with open(out, "rb") as f:
                self.body = f.read()
        return int(status) if status.isdigit() else 0

    def credentials(self):
        path = os.path.join(self.work, "credentials.curlrc")
        if not os.path.exists(path):
            def quoted(value):
                return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
            lines = [f"user = {quoted(os.environ['AWS_ACCESS_KEY_ID'] + ':' + os.environ['AWS_SECRET_ACCESS_KEY'])}"]
            if os.environ.get("AWS_SESSION_TOKEN"):
                lines.append(f"header = {quoted('x-amz-security-token: ' + os.environ['AWS_SESSION_TOKEN'])}")
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as f:
                f.write("\n".join(lines) + "\n")
        return path

    def document(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return MISSING

    def run_sample(self, sample, variables):
        method = sample["route"].split(" ", 1)[0]
        path = url_path(sample, variables)
        body, content_type = request_body(sample, variables)
        status = self.call(method, path, body, content_type)
        until = sample.get("until")
        waited = ""
        if until and uses(sample) <= variables.keys():
            waited = f" within {self.ready_seconds} s"
            deadline = time.monotonic() + self.ready_seconds
            while member(self.document(), until["member"]) not in until["in"] and time.monotonic() < deadline:
                time.sleep(2)
                status = self.call(method, path, body, content_type)

        expect = resolve(sample["expect"], variables)
        title = sample.get("title")
        route = sample["route"]
        document = self.document()
        if status != expect["status"]:
            problem = str(expect["status"])
        else:
            problem = next((p for p in (failed_check(c, document) for c in expect.get("members", [])) if p), None)
        if problem is None:
            self.ok(f"{route} → {status}" + (f", {title}" if title else ""))
        else:
            self.fail(f"{route} → {status:03d}, expected {problem}{waited}" + (f" ({title})" if title else ""))
        for name, path in sample.get("save", {}).items():
            value = member(document, path) if document is not MISSING else MISSING
            if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
                variables[name] = str(value)


def smoke(api, region, manifest_path):
    routes, samples = load(manifest_path)
    with tempfile.TemporaryDirectory(prefix="smoke.") as work:
        run = Smoke(api.rstrip("/"), region, work)
        sampled = {s["route"] for s in samples}
        for route in routes:
            if route in sampled:
                run.ok(f"manifest route {route} has a sample")
            else:
                run.fail(f"manifest route {route} has no sample in functions/functions.json", show_body=False)

        print(f"smoke test of {run.api} ({region})", flush=True)
        # Every route is AWS_IAM: the gateway refuses its sample's request unsigned, before any
        # function runs (values no step has saved yet read "missing").
        first = {}
        for sample in samples:
            first.setdefault(sample["route"], sample)
        for route in routes:
            method, path = route.split(" ", 1)
            body, content_type = None, None
            if route in first:
                path = url_path(first[route], {})
                body, content_type = request_body(first[route], {})
            status = run.call(method, PARAMETER.sub("missing", path), body, content_type, signed=False)
            if status == 403:
                run.ok(f"{route} unsigned → 403")
            else:
                run.fail(f"{route} unsigned → {status:03d}, expected 403 (is the route AWS_IAM?)")

        variables = {}
        for sample in samples:
            run.run_sample(sample, variables)

        print(f"smoke: {run.passed} passed, {run.failed} failed", flush=True)
        return run.failed == 0


def plan(manifest_path):
    """The checks smoke() makes, in its order, without calling anything (smoke.sh --list)."""
    routes, samples = load(manifest_path)
    checks = [f"manifest route {route} has a sample" for route in routes]
    checks += [f"{route} unsigned → 403" for route in routes]
    checks += [f"{s['route']} → {s['expect']['status']}" + (f", {s['title']}" if s.get("title") else "") for s in samples]
    for check in checks:
        print(f"  {check}")
    print(f"smoke plan: {len(checks)} checks")
    return True


# --- The printed examples ------------------------------------------------------------------

def quote(text):
    """One shell word holding text exactly."""
    if any(ord(c) < 32 for c in text):
        escaped = text.replace("\\", "\\\\").replace("'", "\\'")
        for c, e in (("\n", "\\n"), ("\t", "\\t"), ("\r", "\\r")):
            escaped = escaped.replace(c, e)
        return "$'" + re.sub(r"[\x00-\x1f]", lambda m: f"\\x{ord(m.group()):02x}", escaped) + "'"
    return "'" + text.replace("'", "'\\''") + "'"


def word(template):
    """One shell word for a template: its literal text quoted, each {name} as $name."""
    parts = VARIABLE.split(template)
    literals, names = parts[0::2], parts[1::2]
    if not names:
        return quote(template)
    if all(not re.search(r'["\\$`!\x00-\x1f]', lit) for lit in literals):
        out = '"'
        for i, lit in enumerate(literals):
            out += lit
            if i < len(names):
                following = literals[i + 1][:1]
                out += "${" + names[i] + "}" if following and (following.isalnum() or following == "_") else "$" + names[i]
        return out + '"'
    return "".join((quote(lit) if lit else "") + (f'"${names[i]}"' if i < len(names) else "") for i, lit in enumerate(literals))


def command(sample, endpoint, sig):
    """The curl command of a sample, as printed."""
    method = sample["route"].split(" ", 1)[0]
    body, content_type = body_template(sample)
    parts = ["curl", "-s"]
    if sample["expect"]["status"] == 204:
        parts += ["-o", "/dev/null", "-w", quote("%{http_code}\\n")]
    if method != "GET" and not (method == "POST" and body is not None):
        parts += ["-X", method]
    parts.append(sig)
    if body is not None:
        parts += ["-H", quote(f"content-type: {content_type}"), "-d" if content_type == "application/json" else "--data-binary", word(body)]
    parts.append(word(endpoint + url_template(sample)))
    line = " ".join(parts)
    for name, path in sample.get("save", {}).items():
        index = "".join(f"[{p}]" if p.isdigit() else f'["{p}"]' for p in path.split("."))
        line = f"{name}=$({line} | tee /dev/stderr | python3 -c {quote('import json,sys; print(json.load(sys.stdin)' + index + ')')}); echo"
    return line


def note(sample):
    notes = [f"keeps its {path} in ${name}" for name, path in sample.get("save", {}).items()]
    if sample["expect"]["status"] == 204:
        notes.append(f"prints the status: {sample['expect']['status']}")
    if sample.get("note"):
        notes.append(sample["note"])
    return f" ({'; '.join(notes)})" if notes else ""


def examples(manifest_path, endpoint, sig):
    """[(comment line, command line)] for every route: its printed samples in step order, then
    any route without one (a generic call, so a half-added route still shows)."""
    routes, samples = load(manifest_path)
    lines = [(f"# {s['route']}{note(s)}", command(s, endpoint, sig)) for s in samples if printed(s)]
    shown = {s["route"] for s in samples if printed(s)}
    for route in routes:
        if route not in shown:
            method, path = route.split(" ", 1)
            lines.append((f"# {route} (no sample in functions/functions.json yet)", f"curl -s -X {method} {sig} {quote(endpoint + path)}"))
    return lines


if __name__ == "__main__":
    command_name, *arguments = sys.argv[1:] or [""]
    if command_name == "smoke" and len(arguments) == 3:
        sys.exit(0 if smoke(*arguments) else 1)
    if command_name == "plan" and len(arguments) == 1:
        sys.exit(0 if plan(*arguments) else 1)
    sys.exit(__doc__)
