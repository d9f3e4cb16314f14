"""The single-statement insert's parameters (coding.workspace.inserts)."""

import datetime as dt
import uuid

import pytest
from django.db import DataError, connection

from coding.models import Coding, CodingChange
from coding.models.codings import DyadType
from coding.workspace.codings import coding_state
from coding.workspace.inserts import (
    _statement,
    _values,
    insert_if_lookup_unchanged,
    insert_with_history,
    plain_type,
)
from tests.factories import CodingFactory

pytestmark = pytest.mark.django_db


def _by_the_fields(obj, typed) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f, _, _ in typed]


def test_the_parameters_are_what_each_field_would_write():
    """The shortcut for plain values must give what the fields' own get_db_prep_save gives, for
    every kind of value a save carries: enum members, bools for integers, dates, UUIDs, JSON,
    text in several scripts, None."""
    stored = CodingFactory()
    coding = Coding(
        source_id=stored.source_id, coder_id=stored.coder_id, start=3, end=9,
        quote="中俄 ✊🏽 пакт", prefix="ایران\u200cو", suffix="e\u0301",
        dyad_type=DyadType.DIRECTED,
        side_a_id=stored.side_a_id, side_b_id=None, forum="", area_id=stored.area_id,
        activity_id=stored.activity_id, confidence=True, event_date=dt.date(2024, 2, 1),
        note="", client_id=uuid.uuid4(),
    )  # fmt: skip
    change = CodingChange(
        source_id=stored.source_id, user_id=stored.coder_id, action=CodingChange.Action.CREATE,
        version=1, after=coding_state(coding, []), client_id=coding.client_id,
    )  # fmt: skip
    _, coding_fields, change_fields = _statement(connection.vendor)
    for obj, typed in ((coding, coding_fields), (change, change_fields)):
        fast = _values(obj, typed)
        slow = _by_the_fields(obj, typed)
        for (field, _, _), a, b in zip(typed, fast, slow, strict=True):
            if field.attname in ("created_at", "updated_at", "at"):
                continue  # auto_now: "now", read twice
            assert type(a) is type(b) and str(a) == str(b), field.attname


def test_only_fields_that_store_a_value_unchanged_take_the_shortcut():
    fields = {f.attname: plain_type(f) for f in Coding._meta.concrete_fields}
    assert fields["start"] is int and fields["quote"] is str and fields["source_id"] is int
    for name in ("event_date", "updated_at", "created_at", "client_id"):
        assert fields[name] is None, name


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL only")
@pytest.mark.parametrize("statement", ["plain", "guarded"])
def test_a_value_too_long_for_its_column_is_refused_not_cut(statement):
    """Both statements must write what the ORM writes: text too long for a varchar column is an
    error, never cut to the column's length (an explicit CAST to varchar(n) would cut it)."""
    stored = CodingFactory()
    forum = "f" * (Coding._meta.get_field("forum").max_length + 1)
    coding = Coding(
        source_id=stored.source_id, coder_id=stored.coder_id, start=0, end=1, quote="x",
        dyad_type=DyadType.UNDIRECTED, side_a_id=stored.side_a_id, side_b_id=stored.side_b_id,
        forum=forum, area_id=stored.area_id, activity_id=stored.activity_id, confidence=2,
    )  # fmt: skip
    change = CodingChange(
        source_id=stored.source_id, user_id=stored.coder_id, action=CodingChange.Action.CREATE,
        version=1, after=coding_state(coding, []),
    )  # fmt: skip
    with pytest.raises(DataError):
        if statement == "plain":
            insert_with_history(coding, change)
        else:  # a lookup whose answer is the guard: the insert runs
            insert_if_lookup_unchanged(coding, change, ("SELECT 1 AS one", []), "(1)")
    assert not Coding.objects.filter(forum__startswith="f").exists()
