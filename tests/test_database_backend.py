"""config.postgresql: Django's PostgreSQL backend with a health check that reads the socket and
streamed timestamps read by psycopg's own loader."""

import datetime as dt
import time

import psycopg
import pytest
from django.db import connection

from coding.models import CodingChange
from tests.factories import CodingChangeFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the backend is PostgreSQL's"
)


def other_connection() -> psycopg.Connection:
    """A connection of its own to the test database, beside Django's."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def _last_query_of(pid: int) -> str:
    with other_connection() as other:
        return other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[
            0
        ]


@pytest.mark.django_db(transaction=True)
def test_a_kept_connection_is_checked_without_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'the last query'")
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    assert connection.is_usable()
    assert _last_query_of(pid) == "SELECT pg_backend_pid()"  # no SELECT 1 was sent


@pytest.mark.django_db(transaction=True)
def test_a_terminated_connection_is_found_unusable_and_replaced():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    for _ in range(100):  # until the server's goodbye reaches the socket
        if not connection.is_usable():
            break
        time.sleep(0.02)
    assert not connection.is_usable()
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:  # a new connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


@pytest.mark.django_db(transaction=True)
def test_streamed_timestamps_are_the_ones_read_at_once():
    for hour in (0, 13, 23):
        change = CodingChangeFactory()
        at = dt.datetime(2024, 2, 1, hour, 5, 7, 123456, tzinfo=dt.timezone(dt.timedelta(hours=3)))
        CodingChange.objects.filter(pk=change.pk).update(at=at)
    query = CodingChange.objects.order_by("pk").values_list("at", flat=True)
    at_once, streamed = list(query), list(query.iterator(chunk_size=2))
    assert streamed == at_once and len(streamed) == 3
    assert all(value.tzinfo is dt.UTC for value in streamed + at_once)
    assert [v.isoformat() for v in streamed] == [v.isoformat() for v in at_once]
    assert streamed[0].isoformat() == "2024-01-31T21:05:07.123456+00:00"
