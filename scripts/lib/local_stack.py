"""Helpers of scripts/local.sh (one subcommand each). Not meant to be run by hand.

  key ROOT                         the recorded stack's cache key
  artifacts ENDPOINT MANIFEST      the versioned artifact bucket and a placeholder zip per function
  slnf ROOT OUT PROJECT...         a solution filter that builds just these projects
  tenants ENDPOINT OUTPUTS OUT     the demo IAM users (alice, bob may invoke the API; mallory not)
  examples STATE ENDPOINT MANIFEST the endpoint, credentials and a curl example per route (the
                                   manifest's samples, scripts/lib/samples.py)
"""
import configparser
import hashlib
import importlib.metadata
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import samples


def key(root):
    root = pathlib.Path(root)
    h = hashlib.sha256(importlib.metadata.version("moto").encode())
    h.update(b"recording format 4")  # change when the recording steps in scripts/lib/app_stack.sh change
    # The configuration, not its tests: editing a .tftest.hcl must not cost a new recording.
    files = sorted(p for p in (root / "terraform").rglob("*")
                   if p.is_file() and ".terraform" not in p.parts and "tests" not in p.relative_to(root).parts
                   and p.suffix in (".tf", ".hcl", ".json"))
    files += [root / "functions/functions.json", root / "functions/metrics.json", root / "tests/terraform/moto_override.tf.template",
              root / "tests/terraform/moto_boundary.tf.template"]
    for p in files:
        h.update(str(p.relative_to(root)).encode())
        h.update(p.read_bytes() if p.name != "functions.json" else without_samples(p))
    print(h.hexdigest()[:16])


def without_samples(manifest):
    # The stack does not read the samples: editing one must not cost a new recording.
    document = json.loads(manifest.read_text())
    for f in document["functions"]:
        f.pop("samples", None)
    return json.dumps(document, sort_keys=True).encode()


def aws(endpoint, *args, body=None):
    out = subprocess.run(["aws", "--endpoint-url", endpoint, *args, "--output", "json"],
                         check=True, capture_output=True, text=True, input=body).stdout
    return json.loads(out) if out.strip() else {}


def artifacts(endpoint, manifest):
    zip_path = pathlib.Path(tempfile.mkdtemp()) / "placeholder.zip"
    with zipfile.ZipFile(zip_path, "w") as z:
        z.writestr("bootstrap", "#!/bin/sh\n")
    aws(endpoint, "s3api", "create-bucket", "--bucket", "functions-artifacts-local")
    aws(endpoint, "s3api", "put-bucket-versioning", "--bucket", "functions-artifacts-local",
        "--versioning-configuration", "Status=Enabled")
    for f in json.load(open(manifest))["functions"]:
        aws(endpoint, "s3api", "put-object", "--bucket", "functions-artifacts-local",
            "--key", f"0.0.0/{f['name']}.zip", "--body", str(zip_path))


def slnf(root, out, *projects):
    json.dump({"solution": {"path": f"{root}/Functions.sln", "projects": [p.replace("/", "\\") for p in projects]}},
              open(out, "w"), indent=2)


def tenants(endpoint, outputs, out):
    # botocore (the AWS CLI's own library) in this process: one CLI process per call took 7 s.
    import botocore.session
    iam = botocore.session.get_session().create_client(
        "iam", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing")
    api_id = json.load(open(outputs))["api_id"]["value"]
    invoke = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "execute-api:Invoke",
        "Resource": f"arn:aws:execute-api:us-east-1:123456789012:{api_id}/*"}]}
    lines = []
    for user, allowed in (("alice", True), ("bob", True), ("mallory", False)):
        iam.create_user(UserName=user)
        if allowed:
            iam.put_user_policy(UserName=user, PolicyName="invoke-api", PolicyDocument=json.dumps(invoke))
        created = iam.create_access_key(UserName=user)["AccessKey"]
        lines += [f"[{user}]", f"aws_access_key_id = {created['AccessKeyId']}",
                  f"aws_secret_access_key = {created['SecretAccessKey']}", ""]
    pathlib.Path(out).write_text("\n".join(lines))


def examples(state, endpoint, manifest):
    state = pathlib.Path(state)
    ready = json.loads((state / "localcloud.ready").read_text())
    lambda_endpoint = ready["lambda_endpoint"]
    (state / "lambda-endpoint").write_text(lambda_endpoint + "\n")
    c = configparser.ConfigParser()
    c.read(state / "credentials")
    alice = c["alice"]
    sig = f"--aws-sigv4 'aws:amz:us-east-1:execute-api' --user '{alice['aws_access_key_id']}:{alice['aws_secret_access_key']}'"
    # One example per route, from the samples beside each function in the manifest, in the
    # order a new user would try them; values an example keeps ($file) feed the later ones.
    lines = samples.examples(manifest, endpoint, sig)
    print()
    print(f"Local cloud ready: {endpoint}  (every route needs SigV4: service execute-api, region us-east-1)")
    print(f"Lambda Invoke API: {lambda_endpoint}  (aws lambda invoke --endpoint-url {lambda_endpoint} ...;"
          f" scripts/reconcile.sh --function functions-local-ProcessRecords --endpoint-url {lambda_endpoint})")
    print(f"Credentials: {state / 'credentials'}  (alice and bob may invoke the API; mallory may not)")
    for user in ("alice", "bob", "mallory"):
        print(f"  {user}: {c[user]['aws_access_key_id']} / {c[user]['aws_secret_access_key']}")
    print()
    print("Every route, as alice:")
    for comment, line in lines:
        print(comment)
        print(line)
    print()
    print(f"Logs: {state / 'logs'} (one file per function). Ctrl-C stops everything.")


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"key": key, "artifacts": artifacts, "slnf": slnf, "tenants": tenants, "examples": examples}[command](*arguments)
