"""The work of scripts/erase-tenant.sh (argument checks happen there).

Items: a Query of the tenant's partition (pk = T#<key>), strongly consistent, deleted with
BatchWriteItem. Objects: ListObjectVersions of tenants/<key>/ (versions and delete markers),
deleted with DeleteObjects by version id. Both loops start from what is left, so a run that
stops anywhere is finished by the next one.
"""
import os
import signal
import sys

import boto3
from botocore.config import Config

tenant, table, bucket, dry_run, batch, region, endpoint = sys.argv[1:8]
dry_run = dry_run == "1"
batch = int(batch)
item_batch = min(batch, 25) if batch else 25
object_batch = batch if batch else 1000
partition = "T#" + tenant
prefix = "tenants/" + tenant + "/"

# A test hook: after this many delete batches the run kills itself (SIGKILL), as a crash would.
stop_after = int(os.environ.get("ERASE_TENANT_KILL_AFTER_BATCHES", "0") or 0)
batches_done = 0

session = boto3.session.Session(region_name=region or None)
config = Config(retries={"mode": "standard", "max_attempts": 8})
dynamo = session.client("dynamodb", endpoint_url=endpoint or None, config=config)
s3 = session.client("s3", endpoint_url=endpoint or None, config=config)


def out(line):
    print(line, flush=True)


def item_size(item):
    """DynamoDB's item size: attribute names plus values (close enough for a report)."""
    def value_size(v):
        (kind, data), = v.items()
        if kind in ("S", "N"):
            return len(str(data).encode("utf-8"))
        if kind == "B":
            return len(data)
        if kind == "L":
            return 3 + sum(value_size(x) + 1 for x in data)
        if kind == "M":
            return 3 + sum(len(k.encode("utf-8")) + value_size(x) + 1 for k, x in data.items())
        if kind in ("SS", "NS"):
            return sum(len(str(x).encode("utf-8")) for x in data)
        return 1
    return sum(len(k.encode("utf-8")) + value_size(v) for k, v in item.items())


def items(keys_only):
    start = None
    while True:
        request = {
            "TableName": table,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": partition}},
            "ConsistentRead": True,
        }
        if keys_only:
            request["ProjectionExpression"] = "pk, sk"
        if start:
            request["ExclusiveStartKey"] = start
        page = dynamo.query(**request)
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def versions():
    request = {"Bucket": bucket, "Prefix": prefix}
    while True:
        page = s3.list_object_versions(**request)
        for v in page.get("Versions", []):
            yield v["Key"], v["VersionId"], v.get("Size", 0), False
        for m in page.get("DeleteMarkers", []):
            yield m["Key"], m["VersionId"], 0, True
        if not page.get("IsTruncated"):
            return
        request["KeyMarker"] = page.get("NextKeyMarker")
        request["VersionIdMarker"] = page.get("NextVersionIdMarker")


def batch_done():
    global batches_done
    batches_done += 1
    if stop_after and batches_done >= stop_after:
        out(f"(test hook: killing this run after {batches_done} batch(es))")
        os.kill(os.getpid(), signal.SIGKILL)


def kind(sk):
    return {"E": "events", "F": "files"}.get(sk[:1], "other")


def report():
    counts = {"events": 0, "files": 0, "other": 0}
    item_bytes = 0
    for item in items(keys_only=False):
        sk = item["sk"]["S"]
        size = item_size(item)
        counts[kind(sk)] += 1
        item_bytes += size
        out(f"  item    {sk}  {size} bytes")
    total_items = sum(counts.values())
    keys = set()
    version_count = markers = object_bytes = 0
    for key, version, size, marker in versions():
        keys.add(key)
        version_count += 1
        markers += marker
        object_bytes += size
        out(f"  object  {key[len(prefix):]}  version {version}  {'delete marker' if marker else f'{size} bytes'}")
    out(f"items: {total_items} (events {counts['events']}, files {counts['files']}, other {counts['other']}), {item_bytes} bytes")
    out(f"objects: {len(keys)} keys, {version_count} versions ({markers} delete markers), {object_bytes} bytes")
    return total_items, version_count


def erase_items():
    deleted = 0
    while True:
        # Page by page from the start of what is left: a re-run resumes by construction.
        keys = []
        for item in items(keys_only=True):
            keys.append(item)
            if len(keys) == item_batch:
                break
        if not keys:
            return deleted
        pending = {table: [{"DeleteRequest": {"Key": k}} for k in keys]}
        while pending:
            response = dynamo.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}
        deleted += len(keys)
        out(f"deleted {len(keys)} item(s) ({deleted} so far)")
        batch_done()


def erase_objects():
    deleted = 0
    while True:
        chunk = []
        for key, version, _, _ in versions():
            chunk.append({"Key": key, "VersionId": version})
            if len(chunk) == object_batch:
                break
        if not chunk:
            return deleted
        response = s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
        errors = response.get("Errors", [])
        if errors:
            sys.exit(f"error: S3 refused to delete {len(errors)} version(s), e.g. {errors[0].get('Key')}: {errors[0].get('Code')} {errors[0].get('Message')}")
        deleted += len(chunk)
        out(f"deleted {len(chunk)} object version(s) ({deleted} so far)")
        batch_done()


out(f"tenant {tenant} in table {table} and bucket {bucket}")
if dry_run:
    report()
    out("dry run: nothing was deleted")
    sys.exit(0)

# Items first: once they are gone the API shows the tenant nothing, whatever objects remain.
items_deleted = erase_items()
versions_deleted = erase_objects()
left_items = sum(1 for _ in items(keys_only=True))
left_versions = sum(1 for _ in versions())
out(f"erased: {items_deleted} items, {versions_deleted} object versions in this run")
out(f"remaining: {left_items} items, {left_versions} object versions")
sys.exit(0 if left_items == 0 and left_versions == 0 else 1)
