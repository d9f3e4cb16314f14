import pytest
from django.db import DatabaseError, connection, transaction

from config.snapshot import one_snapshot
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's")


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


@postgresql_only
def test_reads_in_one_repeatable_read_transaction_planned_for_whole_results():
    with one_snapshot():
        assert connection.in_atomic_block
        assert show("transaction_isolation") == "repeatable read"
        assert show("transaction_read_only") == "on"
        assert float(show("cursor_tuple_fraction")) == 1
    assert not connection.in_atomic_block
    assert show("transaction_isolation") == "read committed"
    assert float(show("cursor_tuple_fraction")) == pytest.approx(0.1)


@postgresql_only
def test_nothing_can_be_written_inside():
    with pytest.raises(DatabaseError, match="read-only transaction"), one_snapshot():
        ProjectFactory()


@postgresql_only
def test_inside_a_transaction_already_it_keeps_that_transaction():
    with transaction.atomic():
        ProjectFactory()  # a query ran: the level could no longer be set
        with one_snapshot():
            assert show("transaction_isolation") == "read committed"


def test_on_sqlite_it_begins_no_transaction():
    """Ours begin IMMEDIATE there: an export would hold the write lock throughout. (Run on
    either database: on PostgreSQL it checks the other side of the same rule.)"""
    with one_snapshot():
        assert connection.in_atomic_block == (connection.vendor == "postgresql")
