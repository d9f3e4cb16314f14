"""Work done by another database connection, for tests of what a reader sees meanwhile."""

import threading
from collections.abc import Callable

from django.db import connections


def elsewhere(work: Callable[[], object]) -> None:
    """`work` on another thread, hence another connection, committed before this returns.
    Needs a transactional test (`django_db(transaction=True)`): other connections see only
    what is committed."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # re-raised on the test's thread
            failed.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
