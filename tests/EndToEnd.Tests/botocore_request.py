"""Sends one HTTP request signed by botocore's SigV4 signer (the AWS CLI's own), or deliberately
mis-signed, and prints {"status", "headers", "body"} as JSON. Used by the end-to-end tests, so
signatures come from a client this project did not write.

usage: botocore_request.py METHOD URL ACCESS_KEY SECRET [--service S] [--region R]
       [--body TEXT] [--content-type T] [--shift-seconds N] [--tamper-body] [--presign]
"""
import argparse, datetime, json, sys, urllib.error, urllib.request
from unittest import mock

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

parser = argparse.ArgumentParser()
for name in ("method", "url", "access_key", "secret"):
    parser.add_argument(name)
parser.add_argument("--service", default="execute-api")
parser.add_argument("--region", default="us-east-1")
parser.add_argument("--body", default=None)
parser.add_argument("--content-type", default=None)
parser.add_argument("--shift-seconds", type=int, default=0)
parser.add_argument("--tamper-body", action="store_true")
parser.add_argument("--presign", action="store_true")
args = parser.parse_args()

body = args.body.encode() if args.body is not None else None
headers = {"content-type": args.content_type} if args.content_type else {}
request = AWSRequest(method=args.method, url=args.url, data=body, headers=headers)
credentials = Credentials(args.access_key, args.secret)
signer = SigV4QueryAuth(credentials, args.service, args.region, expires=300) if args.presign else SigV4Auth(credentials, args.service, args.region)

# Sign as if the clock were shifted (an expired or future-dated request).
real_now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
shifted = real_now + datetime.timedelta(seconds=args.shift_seconds)
with mock.patch("botocore.auth.get_current_datetime", return_value=shifted):
    signer.add_auth(request)

prepared = request.prepare()
data = prepared.body
if args.tamper_body and data:
    data = data[:-1] + (b"X" if data[-1:] != b"X" else b"Y")
outgoing = urllib.request.Request(prepared.url, data=data, method=prepared.method, headers=dict(prepared.headers.items()))
try:
    with urllib.request.urlopen(outgoing, timeout=60) as response:
        status, answer_headers, answer = response.status, dict(response.headers.items()), response.read()
except urllib.error.HTTPError as error:
    status, answer_headers, answer = error.code, dict(error.headers.items()), error.read()
json.dump({"status": status, "headers": {k.lower(): v for k, v in answer_headers.items()}, "body": answer.decode("utf-8", "replace")}, sys.stdout)
