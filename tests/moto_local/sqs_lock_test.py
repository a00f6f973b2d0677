"""scripts/lib/moto_local.py keeps a message sent while moto deletes another.

moto's Queue.delete_message builds a new message list, then assigns it: a message SendMessage
appended in between is lost. moto_local.py runs the delete under the queue's lock, which
SendMessage takes too. A tracer pauses 100 ms right before that assignment to open the window
every time; the test sends a message during the pause and checks that it is still there — and,
to show the window is real, that moto without moto_local.py's patch loses it.

Usage: python3 sqs_lock_test.py   (prints "moto-local: N passed, N failed")
"""
import pathlib
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[2]


def one_delete_with_a_send_in_the_window(patched):
    """Returns True when the message sent during the delete is still in the queue."""
    if patched:
        source = (REPO / "scripts/lib/moto_local.py").read_text().split('if __name__ == "__main__":')[0]
        exec(compile(source, "moto_local.py", "exec"), {"__name__": "moto_local"})
    import moto.sqs.models as models
    lines = pathlib.Path(models.__file__).read_text().splitlines()
    assignment = [i + 1 for i, line in enumerate(lines) if line.strip() == "self._messages = new_messages"]
    assert len(assignment) == 1, "moto's delete_message changed: review the lock in moto_local.py"
    paused = threading.Event()

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == models.__file__ and frame.f_code.co_name == "delete_message":
            def line(frame, event, arg):
                if event == "line" and frame.f_lineno == assignment[0]:
                    paused.set()
                    time.sleep(0.1)
                return line
            return line
        return None

    backend = models.sqs_backends["123456789012"]["us-east-1"]
    backend.create_queue("q")
    backend.send_message("q", "first")
    received = backend.receive_message("q", 10, 0, 30)[0]

    def delete():
        sys.settrace(tracer)
        backend.delete_message("q", received.receipt_handle)

    deleter = threading.Thread(target=delete)
    deleter.start()
    assert paused.wait(10), "the delete never reached its assignment"
    sent = backend.send_message("q", "sent while the list is rebuilt")
    deleter.join()
    return any(m.id == sent.id for m in backend.get_queue("q")._messages)


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print("kept" if one_delete_with_a_send_in_the_window(sys.argv[1] == "patched") else "lost")
        sys.exit(0)
    # Each case in a fresh interpreter: the patch changes moto's classes for good.
    results = {case: subprocess.run([sys.executable, __file__, case], capture_output=True, text=True) for case in ("patched", "unpatched")}
    checks = [
        ("with moto_local.py, a message sent during a delete is kept", results["patched"].stdout.strip() == "kept"),
        ("without it, moto loses that message (the window the lock closes is real)", results["unpatched"].stdout.strip() == "lost"),
    ]
    for name, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    for case, result in results.items():
        if result.returncode != 0 or result.stdout.strip() not in ("kept", "lost"):
            print(f"  {case}: {result.stdout}{result.stderr}")
    failed = sum(1 for _, ok in checks if not ok)
    print(f"moto-local: {len(checks) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
