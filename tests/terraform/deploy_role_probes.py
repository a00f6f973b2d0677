"""Runs calls as the bootstrap stack's dev deploy role, its release role and the dev read-only
role against moto with IAM enforcement on.

Called by scripts/terraform-moto.sh after terraform/bootstrap was applied to a moto_server of
its own. What moto's enforcement (INITIAL_NO_AUTH_ACTION_COUNT, /moto-api/reset-auth) judges,
read from moto 5.2.1 (moto/iam/access_control.py, moto/core/responses.py, moto/s3/responses.py):

- the caller's identity policies only (an IAM user's inline, attached and group policies; an
  assumed role's inline and attached policies): no resource policies, no permissions
  boundaries, no SCPs, no session policies;
- the action as <service>:<API operation> (for S3 an operation table that mostly, not always,
  equals IAM's action names);
- the resource only for IAM calls on an existing role (its ARN), STS AssumeRole, SQS calls on
  an existing queue (its ARN) and S3 (bucket or object ARN); every other call is checked
  against "*", which a statement scoped to ARNs never matches;
- conditions: only StringEquals against values moto itself supplies (sts:ExternalId); every
  other operator or key counts as satisfied, so a conditional Allow acts as unconditional and a
  conditional Deny would deny always (the deploy policies put conditions on Allows only).

So the probes below use exactly those calls: S3 objects of the state and artifact buckets, IAM
calls on existing roles, SQS calls on existing queues, ECR's registry login (checked against
"*"), plus the Terraform S3 backend writing state with the backend configuration the bootstrap
stack outputs. Each probe must be allowed or denied as listed; a permission that goes missing,
or a grant that widens, fails one. KMS calls are checked against "*", which the signing-key
statements (scoped to the key's ARN) never match, so signing is not probed under enforcement:
tests/release.tftest.hcl reads the key policy instead, and the key is only shown to sign and
verify (ECDSA_SHA_256, RAW) before enforcement is on.

Usage: deploy_role_probes.py ENDPOINT ACCOUNT STATE_BUCKET ARTIFACT_BUCKET BACKEND_HCL_DEV WORKDIR
"""
import json
import os
import subprocess
import sys
import urllib.request

import boto3
from botocore.exceptions import ClientError

endpoint, account, state_bucket, artifact_bucket, backend_dev, workdir = sys.argv[1:7]
region = "us-east-1"


def client(service, creds=None):
    kwargs = dict(region_name=region, endpoint_url=endpoint)
    if creds:
        kwargs.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                      aws_session_token=creds["SessionToken"])
    else:
        kwargs.update(aws_access_key_id="testing", aws_secret_access_key="testing")
    return boto3.client(service, **kwargs)


def set_auth(count):
    request = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=str(count).encode(), method="POST",
                                     headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(request).read()


# --- Setup, before enforcement: what the probes act on. -------------------------------------
admin = {s: client(s) for s in ("iam", "s3", "sqs", "sts")}
boundary = {env: f"arn:aws:iam::{account}:policy/functions-boundary-{env}" for env in ("dev", "prod")}
admin["kms"] = client("kms")
trust = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
for env in ("dev", "prod"):
    admin["iam"].create_role(RoleName=f"functions-{env}-Probe", Path=f"/functions/{env}/lambda/",
                             AssumeRolePolicyDocument=trust, PermissionsBoundary=boundary[env])
    admin["sqs"].create_queue(QueueName=f"functions-{env}-probe")
admin["iam"].create_role(RoleName="admin", AssumeRolePolicyDocument=trust)
# moto cannot evaluate the buckets' Deny+Condition guards (it would deny every object call),
# and they are not what is probed here: the deploy role's identity policies are.
for bucket in (state_bucket, artifact_bucket):
    admin["s3"].delete_bucket_policy(Bucket=bucket)
admin["s3"].put_object(Bucket=state_bucket, Key="bootstrap.tfstate", Body=b"{}")
admin["s3"].put_object(Bucket=state_bucket, Key="app/prod.tfstate", Body=b"{}")
admin["s3"].put_object(Bucket=artifact_bucket, Key="0.0.1/ListObjects.zip", Body=b"zip")
queue = {env: admin["sqs"].get_queue_url(QueueName=f"functions-{env}-probe")["QueueUrl"] for env in ("dev", "prod")}
# moto does not check the OIDC trust before enforcement is on: assume the role directly.
creds = admin["sts"].assume_role(RoleArn=f"arn:aws:iam::{account}:role/functions-deploy-dev",
                                 RoleSessionName="probe")["Credentials"]
release_creds = admin["sts"].assume_role(RoleArn=f"arn:aws:iam::{account}:role/functions-release",
                                         RoleSessionName="probe")["Credentials"]
readonly_creds = admin["sts"].assume_role(RoleArn=f"arn:aws:iam::{account}:role/functions-readonly-dev",
                                          RoleSessionName="probe")["Credentials"]

# --- Probes, as the dev deploy role with enforcement on. -------------------------------------
dev = {s: client(s, creds) for s in ("iam", "s3", "sqs", "sts", "ecr")}
release = {s: client(s, release_creds) for s in ("iam", "s3", "ecr")}
readonly = {s: client(s, readonly_creds) for s in ("iam", "s3", "sqs", "ecr")}
policy = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]})


def backend_setting(name):
    for line in open(backend_dev):
        key, _, value = line.partition("=")
        if key.strip() == name:
            return value.strip().strip('"')
    raise KeyError(name)


def terraform_backend_writes_with_the_bootstrap_key():
    """Writes state with Terraform's S3 backend and the bootstrap stack's backend config, then
    reads back how S3 stored it. Runs before enforcement: under enforcement moto rejects the
    signatures of Terraform's Go SDK (SignatureDoesNotMatch on the backend's first call,
    ListObjectsV2), so the permission side is replayed with boto3 below."""
    directory = os.path.join(workdir, "state")
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "main.tf"), "w") as f:
        f.write('terraform {\n  backend "s3" {}\n}\n\noutput "probe" {\n  value = "state written"\n}\n')
    with open(os.path.join(directory, "moto.backend.hcl"), "w") as f:
        f.write(f'endpoints = {{ s3 = "{endpoint}" }}\nuse_path_style = true\nskip_credentials_validation = true\n'
                'skip_requesting_account_id = true\nskip_metadata_api_check = true\nskip_region_validation = true\n')
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               TF_DATA_DIR=os.path.join(directory, ".terraform"))
    env.pop("AWS_ENDPOINT_URL", None)
    for command in (["terraform", "init", "-input=false", "-no-color", f"-backend-config={backend_dev}",
                     "-backend-config=moto.backend.hcl"],
                    ["terraform", "apply", "-auto-approve", "-input=false", "-no-color"]):
        result = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError((result.stdout + result.stderr).strip().splitlines()[-1][:200])
    head = admin["s3"].head_object(Bucket=state_bucket, Key=backend_setting("key"))
    if head.get("ServerSideEncryption") != "aws:kms" or head.get("SSEKMSKeyId") != backend_setting("kms_key_id"):
        raise RuntimeError(f"state stored with {head.get('ServerSideEncryption')} / {head.get('SSEKMSKeyId')}")


def write_state(key):
    """The object calls Terraform's S3 backend makes (use_lockfile), with its SSE-KMS headers."""
    sse = dict(ServerSideEncryption="aws:kms", SSEKMSKeyId=backend_setting("kms_key_id"))
    dev["s3"].put_object(Bucket=state_bucket, Key=key + ".tflock", Body=b"{}", IfNoneMatch="*", **sse)
    dev["s3"].put_object(Bucket=state_bucket, Key=key, Body=b"{}", **sse)
    dev["s3"].get_object(Bucket=state_bucket, Key=key)
    dev["s3"].delete_object(Bucket=state_bucket, Key=key + ".tflock")


def signing_key_signs_and_verifies():
    """The release signing key as the release script and deploy use it: ECDSA_SHA_256 over the
    raw manifest, verified with the same key (admin credentials: KMS is not probed)."""
    key = "alias/functions-release-signing"
    spec = admin["kms"].describe_key(KeyId=key)["KeyMetadata"]
    if spec.get("KeySpec") != "ECC_NIST_P256" or spec.get("KeyUsage") != "SIGN_VERIFY":
        raise RuntimeError(f"key is {spec.get('KeySpec')} / {spec.get('KeyUsage')}")
    manifest = b'{"version": "0.0.1"}'
    signature = admin["kms"].sign(KeyId=key, Message=manifest, MessageType="RAW", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
    if not admin["kms"].verify(KeyId=key, Message=manifest, MessageType="RAW", Signature=signature,
                               SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"]:
        raise RuntimeError("signature did not verify")


PROBES = [
    # (role, allowed?, description, call)
    ("deploy role dev", True, "lock, write, read and unlock its own state as the S3 backend does", lambda: write_state("app/dev.tfstate")),
    ("deploy role dev", True, "list the state bucket", lambda: dev["s3"].list_objects_v2(Bucket=state_bucket)),
    ("deploy role dev", False, "publish a release artifact (the release role's alone)", lambda: dev["s3"].put_object(Bucket=artifact_bucket, Key="0.0.2/ListObjects.zip", Body=b"zip")),
    ("deploy role dev", True, "read a release artifact", lambda: dev["s3"].get_object(Bucket=artifact_bucket, Key="0.0.1/ListObjects.zip")),
    ("deploy role dev", True, "read a function role of its environment", lambda: dev["iam"].get_role(RoleName="functions-dev-Probe")),
    ("deploy role dev", True, "write a function role's policy in its environment", lambda: dev["iam"].put_role_policy(RoleName="functions-dev-Probe", PolicyName="probe", PolicyDocument=policy)),
    ("deploy role dev", True, "delete that policy again", lambda: dev["iam"].delete_role_policy(RoleName="functions-dev-Probe", PolicyName="probe")),
    ("deploy role dev", True, "tag a function role of its environment", lambda: dev["iam"].tag_role(RoleName="functions-dev-Probe", Tags=[{"Key": "Probe", "Value": "1"}])),
    ("deploy role dev", True, "change a queue of its environment", lambda: dev["sqs"].set_queue_attributes(QueueUrl=queue["dev"], Attributes={"VisibilityTimeout": "60"})),
    ("deploy role dev", False, "log in to the image registry (no push: nothing to log in for)", lambda: dev["ecr"].get_authorization_token()),
    ("deploy role dev", False, "lock and write prod's state", lambda: write_state("app/prod.tfstate")),
    ("deploy role dev", False, "read prod's state object", lambda: dev["s3"].get_object(Bucket=state_bucket, Key="app/prod.tfstate")),
    ("deploy role dev", False, "read the bootstrap stack's state", lambda: dev["s3"].get_object(Bucket=state_bucket, Key="bootstrap.tfstate")),
    ("deploy role dev", False, "delete its own state object", lambda: dev["s3"].delete_object(Bucket=state_bucket, Key="app/dev.tfstate")),
    ("deploy role dev", False, "delete a release artifact", lambda: dev["s3"].delete_object(Bucket=artifact_bucket, Key="0.0.1/ListObjects.zip")),
    ("deploy role dev", False, "give itself an inline policy", lambda: dev["iam"].put_role_policy(RoleName="functions-deploy-dev", PolicyName="probe", PolicyDocument=policy)),
    ("deploy role dev", False, "attach a managed policy to itself", lambda: dev["iam"].attach_role_policy(RoleName="functions-deploy-dev", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")),
    ("deploy role dev", False, "change its own trust policy", lambda: dev["iam"].update_assume_role_policy(RoleName="functions-deploy-dev", PolicyDocument=trust)),
    ("deploy role dev", False, "change the prod deploy role's trust policy", lambda: dev["iam"].update_assume_role_policy(RoleName="functions-deploy-prod", PolicyDocument=trust)),
    ("deploy role dev", False, "write a prod function role's policy", lambda: dev["iam"].put_role_policy(RoleName="functions-prod-Probe", PolicyName="probe", PolicyDocument=policy)),
    ("deploy role dev", False, "write another role's policy", lambda: dev["iam"].put_role_policy(RoleName="admin", PolicyName="probe", PolicyDocument=policy)),
    ("deploy role dev", False, "remove a role's permissions boundary", lambda: dev["iam"].delete_role_permissions_boundary(RoleName="functions-dev-Probe")),
    ("deploy role dev", False, "change a prod queue", lambda: dev["sqs"].set_queue_attributes(QueueUrl=queue["prod"], Attributes={"VisibilityTimeout": "60"})),
    ("deploy role dev", False, "assume the prod deploy role", lambda: dev["sts"].assume_role(RoleArn=f"arn:aws:iam::{account}:role/functions-deploy-prod", RoleSessionName="hop")),
    ("release role", True, "publish a new release artifact", lambda: release["s3"].put_object(Bucket=artifact_bucket, Key="0.0.2/ListObjects.zip", Body=b"zip")),
    ("release role", True, "read a release artifact", lambda: release["s3"].get_object(Bucket=artifact_bucket, Key="0.0.1/ListObjects.zip")),
    ("release role", True, "log in to the image registry", lambda: release["ecr"].get_authorization_token()),
    ("release role", False, "read an environment's state", lambda: release["s3"].get_object(Bucket=state_bucket, Key="app/dev.tfstate")),
    ("release role", False, "write an environment's state", lambda: release["s3"].put_object(Bucket=state_bucket, Key="app/dev.tfstate", Body=b"{}")),
    ("release role", False, "delete a release artifact", lambda: release["s3"].delete_object(Bucket=artifact_bucket, Key="0.0.1/ListObjects.zip")),
    ("release role", False, "read a function role", lambda: release["iam"].get_role(RoleName="functions-dev-Probe")),
    ("read-only role dev", True, "read its environment's state", lambda: readonly["s3"].get_object(Bucket=state_bucket, Key="app/dev.tfstate")),
    ("read-only role dev", True, "list the state bucket", lambda: readonly["s3"].list_objects_v2(Bucket=state_bucket)),
    ("read-only role dev", True, "read a function role of its environment", lambda: readonly["iam"].get_role(RoleName="functions-dev-Probe")),
    ("read-only role dev", True, "read a queue of its environment", lambda: readonly["sqs"].get_queue_attributes(QueueUrl=queue["dev"], AttributeNames=["All"])),
    ("read-only role dev", False, "write its environment's state", lambda: readonly["s3"].put_object(Bucket=state_bucket, Key="app/dev.tfstate", Body=b"{}")),
    ("read-only role dev", False, "take the state lock", lambda: readonly["s3"].put_object(Bucket=state_bucket, Key="app/dev.tfstate.tflock", Body=b"{}", IfNoneMatch="*")),
    ("read-only role dev", False, "read prod's state", lambda: readonly["s3"].get_object(Bucket=state_bucket, Key="app/prod.tfstate")),
    ("read-only role dev", False, "publish a release artifact", lambda: readonly["s3"].put_object(Bucket=artifact_bucket, Key="0.0.3/ListObjects.zip", Body=b"zip")),
    ("read-only role dev", False, "write a function role's policy", lambda: readonly["iam"].put_role_policy(RoleName="functions-dev-Probe", PolicyName="probe", PolicyDocument=policy)),
    ("read-only role dev", False, "change a queue of its environment", lambda: readonly["sqs"].set_queue_attributes(QueueUrl=queue["dev"], Attributes={"VisibilityTimeout": "61"})),
    ("read-only role dev", False, "log in to the image registry", lambda: readonly["ecr"].get_authorization_token()),
]

passed = failed = 0
try:
    terraform_backend_writes_with_the_bootstrap_key()
    passed += 1
    print("  ok   Terraform's S3 backend, with the bootstrap stack's backend config, stores state SSE-KMS under the bootstrap key", flush=True)
except Exception as e:  # noqa: BLE001 - any failure of this probe is reported, not raised
    failed += 1
    print(f"  FAIL Terraform's S3 backend with the bootstrap stack's backend config: {e}", flush=True)
try:
    signing_key_signs_and_verifies()
    passed += 1
    print("  ok   the release signing key (alias/functions-release-signing, ECC_NIST_P256) signs and verifies ECDSA_SHA_256 RAW", flush=True)
except Exception as e:  # noqa: BLE001 - any failure of this probe is reported, not raised
    failed += 1
    print(f"  FAIL the release signing key signs and verifies: {e}", flush=True)

set_auth(0)
try:
    for role, allowed, description, call in PROBES:
        try:
            call()
            outcome, detail = True, ""
        except ClientError as e:
            outcome = False
            detail = e.response["Error"]["Code"]
            if detail not in ("AccessDenied", "AccessDeniedException", "403"):
                detail = "unexpected error " + detail
        ok = outcome == allowed and not detail.startswith("unexpected")
        passed += ok
        failed += not ok
        verdict = "allowed" if outcome else f"denied ({detail})"
        print(f"  {'ok  ' if ok else 'FAIL'} {role}: {description}: {verdict}", flush=True)
finally:
    set_auth("inf")

# Empty the buckets version by version while they are still versioned: terraform destroy
# suspends versioning before it empties a force_destroy bucket, and moto 5.2.1 then crashes
# deleting a delete marker (AttributeError: 'FakeDeleteMarker' object has no attribute
# 'dispose'), so destroy would retry for an hour.
for bucket in (state_bucket, artifact_bucket):
    listing = admin["s3"].list_object_versions(Bucket=bucket)
    for entry in listing.get("Versions", []) + listing.get("DeleteMarkers", []):
        admin["s3"].delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])

print(f"deploy-role-probes: {passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
