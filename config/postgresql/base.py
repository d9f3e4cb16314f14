"""Django's PostgreSQL backend, with two costs of every request taken out (issue 20).

- A health check that costs no round trip. With CONN_HEALTH_CHECKS on, Django checks a kept
  connection before the first query of every request by running `SELECT 1`. A server that
  restarts or terminates a backend says so on the socket (an error message, then end of file),
  so a kept connection with nothing to read is taken as usable, and only one with something
  waiting gets Django's `SELECT 1`. A network that dies without a word is not detected by either
  check before a query; DB_CONNECT_TIMEOUT and DB_STATEMENT_TIMEOUT bound that case (503, see
  config.unavailable).
- Timestamps streamed by a server-side cursor (`QuerySet.iterator()`: the export) are read by
  psycopg's own loader (compiled, with psycopg[binary]) when the session's time zone is UTC, as
  it is with USE_TZ and no database TIME_ZONE: Django's loader, written in Python to set the
  connection's time zone, took a seventh of the export of 100,000 events. In UTC psycopg's
  loader gives the same values, aware in `datetime.timezone.utc`.
"""

import datetime as dt
import functools
import select

import psycopg
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if name and self.timezone is dt.UTC:  # the session's TimeZone is UTC (timezone_name)
            cursor.adapters.register_loader("timestamptz", _timestamp_loader())
        return cursor

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            poller = select.poll()
            poller.register(connection.fileno(), select.POLLIN)
            waiting = poller.poll(0)
        except (OSError, ValueError):
            return False
        return not waiting or super().is_usable()


@functools.cache
def _timestamp_loader() -> type:
    """psycopg's own timestamptz loader: its compiled one when psycopg[binary] is installed."""
    oid = psycopg.postgres.types["timestamptz"].oid
    return psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)
