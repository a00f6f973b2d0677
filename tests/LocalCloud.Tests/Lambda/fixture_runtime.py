#!/usr/bin/env python3
"""A tiny Lambda runtime for FunctionHostTests: speaks the Runtime API at AWS_LAMBDA_RUNTIME_API.

FIXTURE_BEHAVIOUR chooses what it does:
  echo        answer every event with {"pid": <its pid>, "event": <the event as text>,
              "access_key": <its AWS_ACCESS_KEY_ID>}
  sleep       the same after sleeping FIXTURE_SLEEP_SECONDS (default 1) per invocation
  crash       exit (code 3) on receiving an invocation, without answering
  init-error  post /runtime/init/error and exit (code 1) before asking for work
With FIXTURE_ONCE_DIR set, the misbehaviour happens only in the first process to claim it (a
marker file in that folder): instances started after it echo, so a test sees the replacement work.
Its first output line says it started, with its pid.
"""
import json
import os
import sys
import time
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
BEHAVIOUR = os.environ.get("FIXTURE_BEHAVIOUR", "echo")


def claimed():
    once_dir = os.environ.get("FIXTURE_ONCE_DIR")
    if not once_dir:
        return True
    try:
        os.close(os.open(os.path.join(once_dir, BEHAVIOUR), os.O_CREAT | os.O_EXCL))
        return True
    except FileExistsError:
        return False


def post(path, body, headers=None):
    request = urllib.request.Request(API + path, data=body.encode(), method="POST", headers=headers or {})
    with urllib.request.urlopen(request) as response:
        response.read()


behaviour = BEHAVIOUR if BEHAVIOUR == "echo" or claimed() else "echo"
print(json.dumps({"fixture": "started", "pid": os.getpid(), "behaviour": behaviour}), flush=True)
if behaviour == "init-error":
    post("/init/error", json.dumps({"errorMessage": "fixture init failed", "errorType": "Fixture.InitError"}),
         {"Lambda-Runtime-Function-Error-Type": "Fixture.InitError"})
    sys.exit(1)

while True:
    with urllib.request.urlopen(API + "/invocation/next") as response:
        request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
        event = response.read().decode()
    if behaviour == "crash":
        os._exit(3)
    if behaviour == "sleep":
        time.sleep(float(os.environ.get("FIXTURE_SLEEP_SECONDS", "1")))
    post(f"/invocation/{request_id}/response", json.dumps({"pid": os.getpid(), "event": event, "access_key": os.environ.get("AWS_ACCESS_KEY_ID")}))
