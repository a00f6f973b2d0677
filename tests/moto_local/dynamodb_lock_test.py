"""scripts/lib/moto_local.py makes a conditional DynamoDB write atomic.

moto's Table.put_item evaluates the condition, then stores the item: a second PutItem of the same
key in between finds no item, passes attribute_not_exists, and both writes succeed — where
DynamoDB lets exactly one win. moto_local.py runs item writes one at a time. A tracer pauses
100 ms right before the store to open the window every time; the test puts the same key with
attribute_not_exists during the pause and checks it is refused — and, to show the window is
real, that moto without moto_local.py's lock lets it through.

Usage: python3 dynamodb_lock_test.py   (prints "moto-local: N passed, N failed")
"""
import pathlib
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[2]


def second_put_during_the_first(patched):
    """Returns "refused" when the second conditional put of the key fails, "accepted" when both win."""
    if patched:
        source = (REPO / "scripts/lib/moto_local.py").read_text().split('if __name__ == "__main__":')[0]
        exec(compile(source, "moto_local.py", "exec"), {"__name__": "moto_local"})
    from moto.dynamodb import models
    from moto.dynamodb.exceptions import ConditionalCheckFailed
    from moto.dynamodb.models import table as table_module

    lines = pathlib.Path(table_module.__file__).read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("def put_item("))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("def "))
    store = [i + 1 for i in range(start, end) if lines[i].split("#")[0].strip() == "self.items[hash_value] = item"]
    assert len(store) == 1, "moto's Table.put_item changed: review the lock in moto_local.py"
    paused = threading.Event()

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == table_module.__file__ and frame.f_code.co_name == "put_item":
            def line(frame, event, arg):
                if event == "line" and frame.f_lineno == store[0]:
                    paused.set()
                    time.sleep(0.1)
                return line
            return line
        return None

    backend = models.dynamodb_backends["123456789012"]["us-east-1"]
    backend.create_table("t", schema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         attr=[{"AttributeName": "id", "AttributeType": "S"}], throughput=None,
                         billing_mode="PAY_PER_REQUEST", indexes=None, global_indexes=None, streams=None,
                         sse_specification=None, tags=None, deletion_protection_enabled=False, warm_throughput=None)

    def put(body):
        backend.put_item("t", {"id": {"S": "race"}, "body": {"S": body}},
                         condition_expression="attribute_not_exists(id)")

    first = threading.Thread(target=lambda: (sys.settrace(tracer), put("first")))
    first.start()
    assert paused.wait(10), "the first put never reached its store"
    try:
        put("second")
        outcome = "accepted"
    except ConditionalCheckFailed:
        outcome = "refused"
    first.join()
    return outcome


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(second_put_during_the_first(sys.argv[1] == "patched"))
        sys.exit(0)
    # Each case in a fresh interpreter: the patch changes moto's classes for good.
    results = {case: subprocess.run([sys.executable, __file__, case], capture_output=True, text=True) for case in ("patched", "unpatched")}
    checks = [
        ("with moto_local.py, a second conditional put of a key during the first is refused", results["patched"].stdout.strip() == "refused"),
        ("without it, moto accepts both (the window the lock closes is real)", results["unpatched"].stdout.strip() == "accepted"),
    ]
    for name, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    for case, result in results.items():
        if result.returncode != 0 or result.stdout.strip() not in ("refused", "accepted"):
            print(f"  {case}: {result.stdout}{result.stderr}")
    failed = sum(1 for _, ok in checks if not ok)
    print(f"moto-local: {len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
