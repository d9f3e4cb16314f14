"""gunicorn settings read from the working directory (`gunicorn config.wsgi` in the project).

Command-line flags (--workers, --threads, --bind, --timeout as in the README) still win. What
this adds: threaded workers that keep connections open between requests, so an API client (the
workspace, a script with a session) does not open a TCP connection for every save (issue 20);
on Linux, threads that take ready connections straight from epoll instead of through gthread's
main loop (`gunicorn_worker.py`); and workers that load every view before their first
request (`post_worker_init`).
"""

import select

worker_class = "gunicorn_worker.EpollThreadWorker" if hasattr(select, "epoll") else "gthread"
keepalive = 30  # seconds an idle keep-alive connection stays open (gunicorn's default is 2)


def post_worker_init(worker) -> None:
    """Import the URL configuration, and with it every view module, before the worker takes its
    first request. Django does it on the first request otherwise (about 0.1 s), while the
    worker's other threads wait for the interpreter: every save sent meanwhile waits too.

    Then move everything loaded so far (~140,000 objects: modules, classes, settings) out of
    the garbage collector's sight: they live as long as the worker, and every full collection
    scanned them all, a ~60 ms pause of every thread about once in 2,000 saves (0.5 ms now)."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the property imports the modules)
    gc.collect()
    gc.freeze()
