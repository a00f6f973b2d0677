"""A stand-in for the deployed HTTP API, for testing scripts/smoke.sh and scripts/deploy.sh here.

It checks each request's SigV4 signature as API Gateway does for AWS_IAM routes (recomputed
with botocore from the test credentials; unsigned or wrongly signed requests get 403), and
answers every route of functions/functions.json with the status codes and body shapes of
docs/api.md, from memory — enough for the manifest's samples (scripts/lib/samples.py). It is not the functions: it proves the smoke script's requests,
signing and checks, and lets a test break one route.

A manifest route it has no code for is answered from the route's first sample in the manifest:
the expected status, and a body holding what the sample's checks ask for (an id for a value it
saves). That proves the smoke script's request, signing and checks for a new route at once;
teach this file the route when its round trip should behave like the function.

With --moto ENDPOINT --function NAME it reads, on each request, which release the function's
`live` alias runs (its RELEASE_VERSION environment variable in moto); while that release is
one of --broken, GET /events/{id} answers 500 — a deployed release that does not work.

Usage: python3 fake_api.py --port-file FILE [--moto URL --function NAME --broken V ...]
Binds 127.0.0.1 on a free port and writes the port to FILE once it listens.
"""
import argparse
import hashlib
import json
import os
import re
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$")


MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "functions", "functions.json")
VARIABLE = re.compile(r"^\{([a-z][a-z0-9]*)\}$")


def sampled_routes():
    """(method, path regex, route, first sample) for each manifest route; handle_any asks only
    when its own code has no answer."""
    routes = []
    for f in json.load(open(MANIFEST))["functions"]:
        for route in f.get("routes", []):
            sample = next((s for s in f.get("samples", []) if s["route"] == route), None)
            method, path = route.split(" ", 1)
            pattern = re.sub(r"\\\{([A-Za-z][A-Za-z0-9_]*)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
            routes.append((method, re.compile(pattern + "$"), route, sample))
    return routes


def put(document, path, value):
    """Sets document's member at a dotted path, making objects and arrays on the way."""
    parts = path.split(".")
    for part, following in zip(parts, parts[1:] + [None]):
        empty = None if following is None else ([] if following.isdigit() else {})
        if isinstance(document, list):
            index = int(part)
            while len(document) <= index:
                document.append(None)
            if following is None:
                document[index] = value
            elif document[index] is None:
                document[index] = empty
            document = document[index]
        else:
            if following is None:
                document[part] = value
            else:
                document = document.setdefault(part, empty)


def sampled_answer(sample, values):
    """The expected status, and a body that holds the sample's checks; values: {variable: value}
    known from the request's path parameters and query."""
    def resolve(v):
        if isinstance(v, str) and VARIABLE.match(v):
            return values.get(VARIABLE.match(v).group(1), str(uuid.uuid4()))
        if isinstance(v, dict):
            return {k: resolve(x) for k, x in v.items()}
        return v
    body = {}
    for name, path in sample.get("save", {}).items():
        put(body, path, str(uuid.uuid4()))
    for check in sample["expect"].get("members", []):
        empty = {"array": [], "object": {}, "string": "", "number": 0, "boolean": False, "null": None}
        if "equals" in check:
            put(body, check["member"], resolve(check["equals"]))
        elif "type" in check:
            put(body, check["member"], empty[check["type"]])
        elif "startsWith" in check:
            put(body, check["member"], check["startsWith"])
        elif "contains" in check:
            put(body, check["member"], [resolve(check["contains"])])
    if "until" in sample:
        put(body, sample["until"]["member"], sample["until"]["in"][0])
    return sample["expect"]["status"], (None if sample["expect"]["status"] == 204 else body)


class State:
    def __init__(self, args):
        self.args = args
        self.sampled = sampled_routes()
        self.events = {}
        self.files = {}
        self.lambda_client = None
        if args.moto:
            self.lambda_client = boto3.client("lambda", endpoint_url=args.moto, region_name=args.region,
                                              aws_access_key_id=args.access_key, aws_secret_access_key=args.secret_key)

    def live_release(self):
        if not self.lambda_client:
            return None
        config = self.lambda_client.get_function_configuration(FunctionName=self.args.function, Qualifier="live")
        return config.get("Environment", {}).get("Variables", {}).get("RELEASE_VERSION")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def verify(self, body):
        header = self.headers.get("authorization", "")
        m = AUTH.match(header)
        if not m:
            return "Missing Authentication Token"
        key, date, region, service, signed, signature = m.groups()
        args = self.server.state.args
        if key != args.access_key or service != "execute-api" or region != args.region:
            return "The security token included in the request is invalid."
        headers = {h: self.headers.get(h, "") for h in signed.split(";")}
        if "host" not in headers or "x-amz-date" not in headers:
            return "host and x-amz-date must be signed"
        request = AWSRequest(method=self.command, url=f"http://{headers['host']}{self.path}", data=body, headers=headers)
        request.context["timestamp"] = headers["x-amz-date"]
        token = self.headers.get("x-amz-security-token")
        auth = SigV4Auth(Credentials(args.access_key, args.secret_key, token), "execute-api", region)
        auth._expires_in = 300
        canonical = auth.canonical_request(request)
        expected = auth.signature(auth.string_to_sign(request, canonical), request)
        if expected != signature:
            return "The request signature we calculated does not match the signature you provided."
        return None

    def handle_any(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        problem = self.verify(body)
        if problem:
            return self.reply(403, {"message": problem})
        state = self.server.state
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        route = f"{self.command} {url.path}"
        if route == "GET /objects":
            return self.reply(200, {"items": [], "nextCursor": None})
        if route == "POST /events":
            event = json.loads(body)
            event.setdefault("id", str(uuid.uuid4()))
            event["status"] = "accepted"
            created = event["id"] not in state.events
            state.events.setdefault(event["id"], event)
            return self.reply(201 if created else 200, state.events[event["id"]])
        if route == "GET /events":
            items = [e for e in state.events.values() if e["type"] == query.get("type", [e["type"]])[0]]
            return self.reply(200, {"items": items, "nextCursor": None})
        m = re.fullmatch(r"GET /events/([^/]+)", route)
        if m:
            if state.live_release() in state.args.broken:
                return self.reply(500, {"type": "urn:functions:problem:internal", "status": 500})
            event = state.events.get(m.group(1))
            return self.reply(200, event) if event else self.reply(404, {"status": 404})
        if route == "POST /files":
            file_id = str(uuid.uuid4())
            state.files[file_id] = {"id": file_id, "name": query["name"][0], "size": len(body), "body": body.decode(),
                                    "sha256": hashlib.sha256(body).hexdigest(), "status": "uploaded", "polls": 0}
            return self.reply(201, {k: v for k, v in state.files[file_id].items() if k not in ("body", "polls")})
        if route == "POST /files/uploads":
            request = json.loads(body)
            return self.reply(201, {"id": str(uuid.uuid4()), "name": request["name"], "size": request["size"], "status": "pending",
                                    "upload": {"method": "PUT", "url": "http://127.0.0.1/upload", "headers": {}}})
        m = re.fullmatch(r"GET /files/([^/]+)", route)
        if m:
            f = state.files.get(m.group(1))
            if not f:
                return self.reply(404, {"status": 404})
            # Inspection is asynchronous: ready on the second look.
            f["polls"] += 1
            if f["polls"] >= 2:
                f["status"] = "ready"
            return self.reply(200, {k: v for k, v in f.items() if k not in ("body", "polls")})
        if route == "GET /files":
            wanted = query.get("status", [None])[0]
            items = [{k: v for k, v in f.items() if k not in ("body", "polls")} for f in state.files.values()
                     if wanted is None or f["status"] == wanted]
            return self.reply(200, {"items": items, "nextCursor": None})
        m = re.fullmatch(r"DELETE /files/([^/]+)", route)
        if m:
            if state.files.pop(m.group(1), None) is None:
                return self.reply(404, {"status": 404})
            return self.reply(204)
        if route == "POST /query":
            request = json.loads(body)
            (alias, file_id), = request["files"].items()
            f = state.files.get(file_id)
            if not f:
                return self.reply(404, {"status": 404})
            if f["status"] != "ready":
                return self.reply(409, {"status": 409})
            lines = f["body"].strip().split("\n")
            header = lines[0].split(",")
            # What the manifest's samples send: SELECT column FROM alias [WHERE column > number].
            m = re.fullmatch(r"SELECT (\w+) FROM " + alias + r"(?: WHERE (\w+) > (\d+))?", request["sql"])
            if not m:
                return self.reply(400, {"status": 400, "detail": "the stand-in API answers only SELECT column FROM alias [WHERE column > number]"})
            wanted, column, bound = m.groups()
            records = [line.split(",") for line in lines[1:]]
            if column:
                records = [r for r in records if float(r[header.index(column)]) > float(bound)]
            rows = [[r[header.index(wanted)]] for r in records]
            return self.reply(200, {"columns": [{"name": wanted, "type": "VARCHAR"}], "rows": rows, "rowCount": len(rows), "truncated": False, "elapsedMs": 1})
        for method, pattern, _, sample in state.sampled:
            m = pattern.match(url.path)
            if method == self.command and m and sample:
                values = {}
                for name, template in list(sample.get("pathParameters", {}).items()) + list(sample.get("query", {}).items()):
                    given = m.groupdict().get(name) or query.get(name, [None])[0]
                    if isinstance(template, str) and VARIABLE.match(template) and given:
                        values[VARIABLE.match(template).group(1)] = given
                return self.reply(*sampled_answer(sample, values))
        return self.reply(404, {"message": "Not Found"})

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = handle_any


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--region", default="us-east-1")
    p.add_argument("--access-key", default=os.environ.get("AWS_ACCESS_KEY_ID", "testing"))
    p.add_argument("--secret-key", default=os.environ.get("AWS_SECRET_ACCESS_KEY", "testing"))
    p.add_argument("--moto")
    p.add_argument("--function")
    p.add_argument("--broken", action="append", default=[])
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.state = State(args)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
