"""A release's signed manifest: what scripts/deploy.sh trusts, instead of anything an object's
writer chose (its metadata, its tag).

  release_manifest.py write  BUCKET VERSION Zip DIST KEY       after scripts/release.sh uploaded the zips
  release_manifest.py write  BUCKET VERSION Image DIGESTS KEY  DIGESTS: a file of "<Function> sha256:<hex>" lines
  release_manifest.py verify BUCKET VERSION TYPE KEY [NAME...] prints the verified artifacts as JSON

The manifest <VERSION>/release-<TYPE>.json names every function's artifact: the zip's SHA-256
(Zip) or the image's digest (Image). <VERSION>/release-<TYPE>.json.sig is its ECDSA_SHA_256
signature by the release signing key (terraform/bootstrap: only the release role may Sign;
the deploy and read-only roles may Verify). Both are written once (If-None-Match: *); a
second `write` of the same version checks that the stored manifest says the same thing.

`verify` checks the signature with KMS, then, for Zip, that every stored zip named (default:
all in the manifest) has the manifest's SHA-256 (it reads each one). It exits 1 naming the
first thing that does not match; nothing is deployed from a release that fails it.
Credentials, region and AWS_ENDPOINT_URL come from the environment.
"""
import json
import os
import sys

import boto3
from botocore.exceptions import ClientError

from artifacts import fail, sha256_stream

ALGORITHM = "ECDSA_SHA_256"


def keys(version, package_type):
    name = f"{version}/release-{package_type}.json"
    return name, name + ".sig"


def read(s3, bucket, key):
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as e:
        if e.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        fail(f"cannot read s3://{bucket}/{key}: {e}")


def document(version, package_type, artifacts):
    """The manifest's bytes: canonical JSON, so equal contents are equal bytes."""
    body = {"version": version, "package_type": package_type, "artifacts": dict(sorted(artifacts.items()))}
    return (json.dumps(body, indent=2, sort_keys=True) + "\n").encode()


def write(bucket, version, package_type, source, key_id):
    if package_type == "Zip":
        sums = {}
        with open(os.path.join(source, "SHA256SUMS")) as f:
            for line in f:
                digest, name = line.split()
                sums[name.lstrip("*").removesuffix(".zip")] = digest
        artifacts = sums
    else:
        artifacts = {}
        with open(source) as f:
            for line in f:
                name, digest = line.split()
                artifacts[name] = digest
    body = document(version, package_type, artifacts)
    s3, kms = boto3.client("s3"), boto3.client("kms")
    manifest_key, signature_key = keys(version, package_type)
    stored = read(s3, bucket, manifest_key)
    if stored is not None:
        if stored != body:
            fail(f"s3://{bucket}/{manifest_key} already holds another manifest for {version}: one version is only ever one build.")
        print(f"reused   s3://{bucket}/{manifest_key}")
        if read(s3, bucket, signature_key) is not None:
            print(f"reused   s3://{bucket}/{signature_key}")
            return
    else:
        put(s3, bucket, manifest_key, body, "application/json")
    signature = kms.sign(KeyId=key_id, Message=body, MessageType="RAW", SigningAlgorithm=ALGORITHM)["Signature"]
    put(s3, bucket, signature_key, signature, "application/octet-stream")


def put(s3, bucket, key, body, content_type):
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*", ContentType=content_type)
    except ClientError as e:
        fail(f"upload of s3://{bucket}/{key} failed (refused if another release wrote it meanwhile): {e}")
    print(f"uploaded s3://{bucket}/{key}", flush=True)


def verify(bucket, version, package_type, key_id, names):
    s3, kms = boto3.client("s3"), boto3.client("kms")
    manifest_key, signature_key = keys(version, package_type)
    body = read(s3, bucket, manifest_key)
    if body is None:
        fail(f"release {version} has no {package_type} manifest (s3://{bucket}/{manifest_key}): publish it with scripts/release.sh --package-type {package_type} {version}.")
    signature = read(s3, bucket, signature_key)
    if signature is None:
        fail(f"release {version} has no signature (s3://{bucket}/{signature_key}): refusing an unsigned release.")
    try:
        valid = kms.verify(KeyId=key_id, Message=body, MessageType="RAW", Signature=signature,
                           SigningAlgorithm=ALGORITHM)["SignatureValid"]
    except ClientError as e:
        if e.response["Error"]["Code"] != "KMSInvalidSignatureException":
            fail(f"cannot verify the signature of s3://{bucket}/{manifest_key} with {key_id}: {e}")
        valid = False
    if not valid:
        fail(f"the signature of s3://{bucket}/{manifest_key} does not verify with the release signing key {key_id}: "
             f"do not deploy {version}; find out who wrote it (bucket versions, CloudTrail).")
    try:
        manifest = json.loads(body)
    except ValueError:
        fail(f"s3://{bucket}/{manifest_key} is not JSON")
    if manifest.get("version") != version or manifest.get("package_type") != package_type:
        fail(f"s3://{bucket}/{manifest_key} is signed but describes {manifest.get('version')} {manifest.get('package_type')}, not {version} {package_type}.")
    artifacts = manifest.get("artifacts") or {}
    missing = [n for n in names if n not in artifacts]
    if missing:
        fail(f"release {version}'s manifest has no artifact for {', '.join(missing)}")
    wanted = names or sorted(artifacts)
    if package_type == "Zip":
        for name in wanted:
            key = f"{version}/{name}.zip"
            try:
                stored = sha256_stream(s3.get_object(Bucket=bucket, Key=key)["Body"].iter_chunks(1 << 20))
            except ClientError as e:
                fail(f"cannot read s3://{bucket}/{key}: {e}")
            if stored != artifacts[name]:
                fail(f"TAMPERED: s3://{bucket}/{key} has sha256 {stored} but the signed manifest of {version} says {artifacts[name]}. "
                     f"Do not deploy {version}; find out who wrote the object (bucket versions, CloudTrail).")
    print(json.dumps({name: artifacts[name] for name in wanted}, sort_keys=True))


if __name__ == "__main__":
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "write" and len(args) == 5 and args[2] in ("Zip", "Image"):
        write(*args)
    elif command == "verify" and len(args) >= 4 and args[2] in ("Zip", "Image"):
        verify(args[0], args[1], args[2], args[3], args[4:])
    else:
        fail(__doc__)
