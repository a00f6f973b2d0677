"""scripts/lib/moto_local.py's state dump, limited to the services a caller names.

The local cloud's IAM state asks for `/moto-api/data.json?service=iam&service=sts`: the dump of
every service reads every attribute of every S3 object and DynamoDB item, and took 36 s for one
IAM test in a full run of the suite. The limited dump must be exactly moto's own dump of those
services, and the unlimited one moto's own dump of everything.

Usage: python3 state_dump_test.py   (prints "moto-local: N passed, N failed")
"""
import json
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]


def dumps():
    import boto3
    from moto import mock_aws
    from moto.moto_api._internal.responses import MotoAPIResponse

    moto_own = MotoAPIResponse.model_data
    source = (REPO / "scripts/lib/moto_local.py").read_text().split('if __name__ == "__main__":')[0]
    exec(compile(source, "moto_local.py", "exec"), {"__name__": "moto_local"})
    ours = MotoAPIResponse.model_data
    assert ours is not moto_own, "moto_local.py no longer replaces the state dump"

    def body(method, url):
        status, _, text = method(MotoAPIResponse(), None, url, {})
        assert status == 200, status
        return json.loads(text)

    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        iam.create_user(UserName="alice")
        iam.create_access_key(UserName="alice")
        sts = boto3.client("sts", region_name="us-east-1", aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        sts.assume_role(RoleArn=role, RoleSessionName="session")
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="state-dump-test")
        s3.put_object(Bucket="state-dump-test", Key="k", Body=b"data")
        url = "http://127.0.0.1/moto-api/data.json"
        return body(moto_own, url), body(ours, url + "?service=iam&service=sts"), body(ours, url)


if __name__ == "__main__":
    everything, limited, unlimited = dumps()
    checks = [
        ("the limited dump holds IAM and STS only", sorted(limited) == ["iam", "sts"]),
        ("its IAM and STS parts are moto's own", limited == {k: everything[k] for k in ("iam", "sts")}),
        ("it has the user, the access key and the session",
         any(u.get("name") == "alice" for u in limited["iam"].get("User", []))
         and any(k.get("user_name") == "alice" for k in limited["iam"].get("AccessKey", []))
         and len(limited["sts"].get("AssumedRole", [])) == 1),
        ("without a filter the dump is moto's own, S3 included", unlimited == everything and "s3" in unlimited),
    ]
    for name, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    failed = sum(1 for _, ok in checks if not ok)
    print(f"moto-local: {len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
