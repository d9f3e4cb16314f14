"""One snapshot for a read made of several queries: the events export's four streams, the
annotations' total and items, the reliability report's codings.

Outside a transaction every query sees the database as of its own start (on PostgreSQL a
streamed query, `QuerySet.iterator()`, is a WITH HOLD cursor computed whole when declared): an
event approved between two of the export's declarations appeared in events.csv without its
evidence. Inside `one_snapshot()` the queries see the database as of the first of them, and
nothing can be written:
- PostgreSQL: one REPEATABLE READ, READ ONLY transaction. Its queries are also planned for their
  whole result (`cursor_tuple_fraction` 1, not 0.1 as for cursors): a reader that streams every
  row gains nothing from a plan that returns the first rows soonest and pays for it in all (0.2
  s of the 2.3 s the export of 100,000 events spends reading).
- SQLite: one deferred transaction (in WAL mode a read transaction keeps the snapshot it began
  with) under `query_only`. Not Django's `atomic()`: ours begin IMMEDIATE, which would hold the
  write lock, and every coder's save with it, for the whole read.
Inside a transaction already, nothing changes: whoever began it chose its isolation.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def one_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    connection = connections[using]
    if connection.in_atomic_block or connection.vendor not in ("postgresql", "sqlite"):
        yield
    elif connection.vendor == "sqlite":
        with _sqlite_read_transaction(connection):
            yield
    else:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
            yield


@contextmanager
def _sqlite_read_transaction(connection) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ROLLBACK")  # it wrote nothing; nothing to keep
            cursor.execute("PRAGMA query_only = OFF")
