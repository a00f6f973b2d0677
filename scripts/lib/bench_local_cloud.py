"""Measures a running local cloud: the overhead its gateway adds to warm requests, what its
IAM-enforcing AWS endpoint adds to each AWS call the functions and pollers make, and each
function's cold start — all read from the local cloud's own log lines (tools/LocalCloud logs
`request` with overhead_ms, `aws-request` with overhead_ms = the call less moto's part of it, and
`cold-start` with spawn_to_first_response_ms).

usage: bench_local_cloud.py STATE_DIR ENDPOINT REQUESTS

Signs every request with botocore (the AWS CLI's signer) as the demo tenant alice and sends
them one after another on one keep-alive connection, after a warm-up that starts the instances.
Prints two markdown tables.
"""
import configparser, http.client, json, statistics, sys, time, urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

state, endpoint, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
profiles = configparser.ConfigParser()
profiles.read(f"{state}/credentials")
alice = Credentials(profiles["alice"]["aws_access_key_id"], profiles["alice"]["aws_secret_access_key"])
url = urllib.parse.urlsplit(endpoint)
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def send(method, path, body=None):
    headers = {"content-type": "application/json"} if body else {}
    request = AWSRequest(method=method, url=endpoint + path, data=body, headers=headers)
    SigV4Auth(alice, "execute-api", "us-east-1").add_auth(request)
    connection.request(method, path, body=body, headers=dict(request.headers))
    answer = connection.getresponse()
    answer.read()
    if answer.status >= 500:
        sys.exit(f"{method} {path} answered {answer.status}")
    return answer.status


def log_lines(event):
    with open(f"{state}/logs/localcloud.log", encoding="utf-8") as log:
        for line in log:
            if f'"source":"localcloud","event":"{event}"' in line:
                yield json.loads(line)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# Warm-up: one call per kind of request starts the instances (cold starts are logged then).
send("POST", "/events", b'{"type":"bench","payload":{"n":0}}')
send("GET", "/events?limit=1")
send("GET", "/objects?limit=1")
first_request = sum(1 for _ in log_lines("request"))
first_aws = sum(1 for _ in log_lines("aws-request"))

routes = [("GET", "/events?limit=1", None), ("GET", "/objects?limit=1", None),
          ("POST", "/events", b'{"type":"bench","payload":{"n":1}}')]
started = time.monotonic()
for i in range(count):
    send(*routes[i % len(routes)])
elapsed = time.monotonic() - started
# The gateway writes its request line after the response: wait for the last one to land.
deadline = time.monotonic() + 10
while sum(1 for _ in log_lines("request")) < first_request + count and time.monotonic() < deadline:
    time.sleep(0.05)
measured = list(log_lines("request"))[first_request:first_request + count]
if len(measured) < count:
    sys.exit(f"only {len(measured)} of {count} request lines were logged")

print(f"### Gateway overhead, {count} warm requests ({count / elapsed:.0f} requests/s, one connection)\n")
print("| route | requests | overhead p50 ms | overhead p99 ms | function p50 ms | whole request p50 ms | whole request p99 ms |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
groups = {}
for line in measured:
    groups.setdefault(line["route"], []).append(line)
groups["all"] = measured
for route, lines in groups.items():
    overhead = [l["overhead_ms"] for l in lines if l.get("overhead_ms") is not None]
    function = [l["function_ms"] for l in lines if l.get("function_ms") is not None]
    whole = [l["gateway_ms"] for l in lines]
    print(f"| {route} | {len(lines)} | {percentile(overhead, 50):.2f} | {percentile(overhead, 99):.2f} | "
          f"{percentile(function, 50):.2f} | {percentile(whole, 50):.2f} | {percentile(whole, 99):.2f} |")

aws = [l for l in list(log_lines("aws-request"))[first_aws:] if l.get("overhead_ms") is not None]
print(f"\n### IAM enforcement: what the AWS endpoint adds to each AWS call ({len(aws)} calls during the run)\n")
print("overhead = the call as the endpoint saw it less moto's part (SigV4, the map, the policies, implied KMS checks, forwarding).\n")
print("| caller | call | calls | overhead p50 ms | overhead p99 ms | moto p50 ms |")
print("| --- | --- | ---: | ---: | ---: | ---: |")
calls = {}
for line in aws:
    caller = (line.get("principal") or "?").split("/")[-1].replace("functions-local-", "")
    calls.setdefault((caller, f'{line["service"]}:{line["operation"]}'), []).append(line)
calls[("all", "")] = aws
for (caller, call), lines in sorted(calls.items(), key=lambda kv: (kv[0][0] == "all", kv[0])):
    overhead = [l["overhead_ms"] for l in lines]
    moto = [l["moto_ms"] for l in lines]
    print(f"| {caller} | {call} | {len(lines)} | {percentile(overhead, 50):.2f} | {percentile(overhead, 99):.2f} | {percentile(moto, 50):.2f} |")

print("\n### Cold starts (every instance this run started)\n")
print("| function | instances | spawn → ready (init) median ms | spawn → first response median ms | max ms |")
print("| --- | ---: | ---: | ---: | ---: |")
ready, first = {}, {}
for line in log_lines("instance-ready"):
    ready.setdefault(line["function"], []).append(line["init_ms"])
for line in log_lines("cold-start"):
    first.setdefault(line["function"], []).append(line["spawn_to_first_response_ms"])
for function in sorted(first):
    print(f"| {function} | {len(first[function])} | {statistics.median(ready.get(function, [0])):.1f} | "
          f"{statistics.median(first[function]):.1f} | {max(first[function]):.1f} |")
