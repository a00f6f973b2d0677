"""moto_server's application, as the local cloud runs it.

usage: python3 moto_local.py HOST PORT [--serial]

What it does differently from `moto_server`, for scripts/local.sh and scripts/test.sh:
- --serial: one request at a time. Used while the stack is recorded: every request is handled
  before the next one starts, so the order moto draws its (seeded) identifiers in is the order
  the requests are recorded in, and a replay recreates the same identifiers.
- Without a Docker engine (there is none here), reading a Lambda function's Docker client
  raises an AttributeError instead of Docker's own error, so moto's state dump
  (/moto-api/data.json, which the local cloud reads IAM credentials from) leaves that one
  attribute out instead of failing as a whole.
- The state dump reads every model's attributes, checks each one's JSON form, then serializes
  the whole dump again, while other clients keep working: a request that adds a stream record
  or an object in between made the dump fail with a TypeError and a 500; a dict that grows while
  it is serialized, or a model deleted while it is read, fails it with another exception. A
  failed dump is built again after a short pause, up to 20 times (a lasting error still answers
  500), and each retry is logged.
- The dump can be limited to some services: `/moto-api/data.json?service=iam&service=sts` is
  the IAM and STS part only. The whole dump reads every attribute of every S3 object and
  DynamoDB item, so its time grew with the data (36 s for one IAM test in a full test run);
  the local cloud's IAM state asks for its two services.
- moto's SQS queues change their message list without a lock in ReceiveMessage (moving a
  message to the dead-letter queue), DeleteMessage (which rebuilds the list: a message sent
  at that moment was lost) and ChangeMessageVisibility, while SendMessage appends under the
  queue's own lock. Those calls take that lock here too, so each is atomic towards the others
  as in SQS. A long poll still releases it while it waits.
- moto's DynamoDB checks a write's condition, then stores the item, with no lock between: two
  concurrent PutItems of one key with attribute_not_exists could both succeed (seen in a full
  test run: two of fifty parallel creates answered 201). Item writes (PutItem, UpdateItem,
  DeleteItem, TransactWriteItems, BatchWriteItem) run one at a time here, so a conditional
  write is atomic as in DynamoDB. Reads do not wait.
moto's own files are not changed.
"""
import json
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from moto.utilities import docker_utilities
from werkzeug.serving import run_simple

_docker_client = docker_utilities.DockerModel.docker_client


def _docker_client_or_attribute_error(self):
    try:
        return _docker_client.fget(self)
    except Exception as error:  # docker.errors.DockerException and what it wraps
        raise AttributeError(f"no Docker engine: {error}") from error


docker_utilities.DockerModel.docker_client = property(_docker_client_or_attribute_error)

from moto.moto_api._internal.responses import MotoAPIResponse  # noqa: E402

def _model_data(services):
    # moto's own dump, limited to SERVICES when it names any.
    from moto.core.model_instances import model_data

    results = {}
    for service in sorted(name for name in model_data if not services or name in services):
        results[service] = {}
        for name, model in sorted(model_data[service].items()):
            results[service][name] = [_public_json_attributes(i) for i in model.instances_tracked]
    return 200, {"Content-Type": "application/javascript"}, json.dumps(results)


def _public_json_attributes(instance):
    found = {}
    for attr in dir(instance):
        if attr.startswith("_"):
            continue
        try:
            value = getattr(instance, attr)
            json.dumps(value)
        except (TypeError, AttributeError, ValueError):
            continue
        found[attr] = value
    return found


def _model_data_built_again_on_a_race(self, request, full_url, headers):
    # Under a busy machine's write load a dump raced five times in a row (a 500 in a full test
    # run): up to 20 attempts, each after a short pause that lets the writes in flight finish.
    services = set(parse_qs(urlsplit(full_url).query).get("service", []))
    attempts = 20
    for attempt in range(attempts):
        try:
            return _model_data(services)
        except Exception as error:  # noqa: BLE001 - any race; a lasting error is raised on the last try
            if attempt == attempts - 1:
                raise
            print(f"moto_local: the state dump raced a write ({type(error).__name__}: {error}); building it again",
                  file=sys.stderr, flush=True)
            time.sleep(0.01 * (attempt + 1))


MotoAPIResponse.model_data = _model_data_built_again_on_a_race

from moto.sqs import models as _sqs  # noqa: E402


def _under_the_queues_lock(method, queue_of):
    def locked(self, *args, **kwargs):
        # The queue's Condition wraps an RLock: a long poll inside (wait_for_messages) waits on
        # it, which releases it fully, and the DLQ move takes the other queue's lock inside.
        with queue_of(self, *args)._messages_lock:
            return method(self, *args, **kwargs)
    return locked


_backend_queue = lambda backend, queue_name, *rest: backend.get_queue(queue_name)  # noqa: E731
_sqs.SQSBackend.receive_message = _under_the_queues_lock(_sqs.SQSBackend.receive_message, _backend_queue)
_sqs.SQSBackend.change_message_visibility = _under_the_queues_lock(_sqs.SQSBackend.change_message_visibility, _backend_queue)
_sqs.SQSBackend.purge_queue = _under_the_queues_lock(_sqs.SQSBackend.purge_queue, _backend_queue)
_sqs.Queue.delete_message = _under_the_queues_lock(_sqs.Queue.delete_message, lambda queue, *rest: queue)

from moto.dynamodb import models as _dynamodb  # noqa: E402

_dynamodb_writes = threading.RLock()


def _one_write_at_a_time(method):
    def locked(self, *args, **kwargs):
        with _dynamodb_writes:
            return method(self, *args, **kwargs)
    return locked


for _name in ("put_item", "update_item", "delete_item", "transact_write_items", "batch_write_item"):
    if hasattr(_dynamodb.DynamoDBBackend, _name):
        setattr(_dynamodb.DynamoDBBackend, _name, _one_write_at_a_time(getattr(_dynamodb.DynamoDBBackend, _name)))

if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, app, threaded="--serial" not in sys.argv[3:], use_reloader=False)
