import pytest
from django.db import DatabaseError, connection, transaction

from coding.models import Project
from config.snapshot import one_snapshot
from tests.elsewhere import elsewhere
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's settings")
def test_on_postgresql_one_repeatable_read_transaction_planned_for_whole_results():
    with one_snapshot():
        assert show("transaction_isolation") == "repeatable read"
        assert float(show("cursor_tuple_fraction")) == 1
    assert show("transaction_isolation") == "read committed"
    assert float(show("cursor_tuple_fraction")) == pytest.approx(0.1)


def test_a_later_commit_is_not_seen_inside():
    ProjectFactory()
    with one_snapshot():
        assert Project.objects.count() == 1
        elsewhere(ProjectFactory)
        assert Project.objects.count() == 1
    assert Project.objects.count() == 2


def test_others_may_write_meanwhile():
    """SQLite's IMMEDIATE transactions would hold its write lock: the save below would wait for
    the read to end, then fail ("database is locked")."""
    with one_snapshot():
        Project.objects.count()
        elsewhere(ProjectFactory)
    assert Project.objects.count() == 1


def test_nothing_can_be_written_inside_and_everything_after():
    with pytest.raises(DatabaseError, match=r"read-?only"), one_snapshot():
        ProjectFactory()
    assert not connection.in_atomic_block
    ProjectFactory()
    assert Project.objects.count() == 1


def test_inside_a_transaction_already_it_keeps_that_transaction():
    with transaction.atomic():
        ProjectFactory()
        with one_snapshot():
            ProjectFactory()
    assert Project.objects.count() == 2
