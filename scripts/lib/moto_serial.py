"""moto_server's application served by one thread, for recording: every request is handled
before the next one starts, so the order moto draws its (seeded) identifiers in is the order
the requests are recorded in, and a replay of the recording recreates the same identifiers.

usage: python3 moto_serial.py HOST PORT
"""
import sys

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

if __name__ == "__main__":
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(sys.argv[1], int(sys.argv[2]), app, threaded=False, use_reloader=False)
