"""The harness client's floor for `bench/peer.py`: a WSGI application that does nothing.

It reads the request's body and answers a POST with 201 and a stored coding's bytes (the size
of ours), anything else with an empty JSON list. Served as ours is (gunicorn cores x 4 threads,
gunicorn.conf.py's worker), the same client's figures against it are what no server under that
client and that worker can go below on the machine: the client's own CPU (eight threads under
one GIL) and gunicorn's share of the two cores.
"""

from collections.abc import Callable, Iterable

import django

django.setup()  # served with gunicorn.conf.py, whose post_worker_init loads our URLs

CODING = (
    b'{"id":1301,"source":1,"coder":"bench","version":1,"start":4851,"end":4853,"quote":"of",'
    b'"dyad_type":"undirected","side_a":1,"side_b":2,"participants":[],"setting":"bilateral",'
    b'"forum":"","area":1,"activity":2,"confidence":2,"event_date":null,'
    b'"date_precision":"unknown","note":"","prefix":"said the bank would remain cautious ",'
    b'"suffix":" the outlook for the coming quarter","updated_at":'
    b'"2026-12-05T11:41:13.919710+00:00","client_id":null}'
)


def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    environ["wsgi.input"].read()
    status, body = (
        ("201 Created", CODING) if environ["REQUEST_METHOD"] == "POST" else ("200 OK", b"[]")
    )
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
