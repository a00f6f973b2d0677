"""The artifact-bucket and ECR side of scripts/release.sh, in one process (one AWS CLI call
per object cost seconds each). Run by release.sh; not a command of its own.

  artifacts.py files BUCKET VERSION DIST NAME...   reuse or upload <VERSION>/<NAME> for each NAME
  artifacts.py images PREFIX VERSION NAME...       print "<name> <digest>" or "<name> -" per function

Credentials, region and AWS_ENDPOINT_URL come from the environment, as for the AWS CLI.
Exit status 1 with a message on stderr stops the release.
"""
import hashlib
import os
import sys

import boto3
from botocore.exceptions import ClientError

CONTENT_TYPES = {".zip": "application/zip", ".json": "application/vnd.cyclonedx+json"}


def fail(message):
    print("error: " + message, file=sys.stderr)
    sys.exit(1)


def sha256_stream(chunks):
    """The hex SHA-256 of an iterable of byte blocks (a file read in blocks, an S3 body's chunks)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def sha256_file(path):
    with open(path, "rb") as f:
        return sha256_stream(iter(lambda: f.read(1 << 20), b""))


def files(bucket, version, dist, names):
    s3 = boto3.client("s3")
    for name in names:
        key = f"{version}/{name}"
        local = os.path.join(dist, name)
        wanted = sha256_file(local) if os.path.isfile(local) else None
        try:
            obj = s3.get_object(Bucket=bucket, Key=key)
        except ClientError as e:
            if e.response["Error"]["Code"] not in ("NoSuchKey", "404"):
                fail(f"cannot read s3://{bucket}/{key}: {e}")
            obj = None
        if obj is not None:
            recorded = obj["Metadata"].get("sha256", "")
            if len(recorded) != 64 or any(c not in "0123456789abcdef" for c in recorded):
                fail(f"s3://{bucket}/{key} has no recorded sha256 (metadata x-amz-meta-sha256): it was not written by this script; refusing to deploy it.")
            actual = sha256_stream(obj["Body"].iter_chunks(1 << 20))
            if actual != recorded:
                fail(f"TAMPERED: s3://{bucket}/{key} has sha256 {actual} but its release recorded {recorded}. "
                     f"Do not deploy {version}; find out who wrote the object (bucket versions, CloudTrail).")
            if wanted is not None and wanted != recorded:
                fail(f"s3://{bucket}/{key} (sha256 {recorded}) differs from the local package {local} (sha256 {wanted}): "
                     f"version {version} was already released from other bytes. Bump VERSION, or deploy {version} as released.")
            print(f"reused   s3://{bucket}/{key} sha256 {recorded}", flush=True)
            continue
        if wanted is None:
            fail(f"s3://{bucket}/{key} does not exist and there is no local {local}: package version {version} first (scripts/package.sh --version {version}).")
        # Write-once: If-None-Match makes S3 refuse a second writer of the key.
        try:
            with open(local, "rb") as body:
                s3.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*", Metadata={"sha256": wanted},
                              ContentType=CONTENT_TYPES.get(os.path.splitext(name)[1], "text/plain"))
        except ClientError as e:
            fail(f"upload of s3://{bucket}/{key} failed (refused if another release wrote it meanwhile): {e}")
        print(f"uploaded s3://{bucket}/{key} sha256 {wanted}", flush=True)


def images(prefix, version, names):
    ecr = boto3.client("ecr")
    for name in names:
        repo = f"{prefix}/{name.lower()}"
        try:
            found = ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": version}])["imageDetails"]
            print(f"{name} {found[0]['imageDigest']}")
        except ClientError as e:
            if e.response["Error"]["Code"] != "ImageNotFoundException":
                fail(f"cannot read {repo} in ECR: {e}")
            print(f"{name} -")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "files":
        files(args[0], args[1], args[2], args[3:])
    elif command == "images":
        images(args[0], args[1], args[2:])
    else:
        fail("unknown command " + command)
