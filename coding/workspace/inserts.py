"""A new coding and its history row in one SQL statement, on PostgreSQL.

Through the ORM a save's writes are four round trips to the database: BEGIN, INSERT the coding,
INSERT its CodingChange, COMMIT. On PostgreSQL one statement does both inserts (a data-modifying
CTE) and, run in autocommit mode, is atomic by itself: either both rows are stored or neither.
That is three round trips fewer on every save (issue 20). The rows are the same as the ORM's:
every concrete field's value goes through the field's own pre_save / get_db_prep_save (so
auto_now, defaults, UUIDs and JSON are what `Model.save` would write); a unique violation (a
retried client_id) raises the same IntegrityError, with nothing stored.

Other databases (SQLite has no INSERT in a CTE), codings with participants and the first save of
an assignment (which also moves it to in progress) take the ORM path in `codings.create_coding`.

`insert_if_lookup_unchanged` is the same inserts behind the save's lookup, asked again in the
same statement: they run only if its answer is the one the caller expects (`warm_saves`).
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection, transaction
from django.db.models import Field

from coding.models import Coding, CodingChange


def single_statement_insert_available() -> bool:
    return connection.vendor == "postgresql"


# The Python type of a value a field of these kinds stores as it is (integers only wrapped by the
# backend's `adapt_integerfield_value`, as `get_db_prep_save` does): `_values` skips the field's
# call chain for such a value or None, most of the cost of building a save's parameters (issue
# 20). Any other value still goes through the field.
PLAIN_TYPES = {
    "AutoField": int, "BigAutoField": int, "IntegerField": int, "BigIntegerField": int,
    "SmallIntegerField": int, "PositiveIntegerField": int, "PositiveSmallIntegerField": int,
    "PositiveBigIntegerField": int, "CharField": str, "TextField": str, "BooleanField": bool,
}  # fmt: skip


def plain_type(field) -> type | None:
    """The type whose values `field` stores unchanged (see PLAIN_TYPES), or None."""
    if type(field).pre_save is not Field.pre_save:  # auto_now and friends set the value
        return None
    target = field.target_field if field.is_relation else field
    if type(target).get_db_prep_save is not Field.get_db_prep_save:
        return None
    return PLAIN_TYPES.get(type(target).__name__)


@functools.cache
def _statement(vendor: str) -> tuple[str, list, list]:
    """The statement and the fields whose values it takes, built once per process."""
    qn = connection.ops.quote_name
    coding_fields = [f for f in Coding._meta.concrete_fields if not f.primary_key]
    change_fields = [
        f
        for f in CodingChange._meta.concrete_fields
        if not f.primary_key and f.attname not in ("coding_id", "coding_pk")
    ]

    def names(fields):
        return ", ".join(qn(f.column) for f in fields)

    def marks(fields):
        return ", ".join(["%s"] * len(fields))

    sql = (
        f"WITH c AS (INSERT INTO {qn(Coding._meta.db_table)} ({names(coding_fields)}) "
        f"VALUES ({marks(coding_fields)}) RETURNING id) "
        f"INSERT INTO {qn(CodingChange._meta.db_table)} "
        f"({names(change_fields)}, {qn('coding_id')}, {qn('coding_pk')}) "
        f"SELECT {marks(change_fields)}, c.id, c.id FROM c RETURNING id, coding_id"
    )
    return sql, _typed(coding_fields), _typed(change_fields)


Typed = list[tuple[Field, type | None, str | None]]


def _typed(fields) -> Typed:
    """Each field with its plain type and, for integers the backend adapts (not auto fields'
    keys, which Django passes as they are), the internal type they are adapted for."""
    typed = []
    for field in fields:
        plain = plain_type(field)
        internal = (field.target_field if field.is_relation else field).get_internal_type()
        adapted = internal if plain is int and not internal.endswith("AutoField") else None
        typed.append((field, plain, adapted))
    return typed


def _values(obj, fields: Typed) -> list[Any]:
    adapt_integer = connection.ops.adapt_integerfield_value
    values = []
    for field, plain, adapted in fields:
        if plain is not None:
            value = getattr(obj, field.attname)
            if value is None or type(value) is plain:
                values.append(value if adapted is None else adapt_integer(value, adapted))
                continue
        values.append(field.get_db_prep_save(field.pre_save(obj, add=True), connection))
    return values


def insert_with_history(coding: Coding, change: CodingChange) -> None:
    """Store `coding` and `change` (its history row, whose coding and coding_pk are set from the
    new coding's id) in one statement; sets both primary keys."""
    sql, coding_fields, change_fields = _statement(connection.vendor)
    params = [*_values(coding, coding_fields), *_values(change, change_fields)]
    _store(coding, change, sql, params)


def insert_if_lookup_unchanged(
    coding: Coding, change: CodingChange, lookup: tuple[str, list], guard: str
) -> bool:
    """As `insert_with_history`, in a statement that first runs `lookup` (a query answering
    one row, with its parameters) and inserts only if that row, as PostgreSQL writes it as
    text, is `guard`: whatever the lookup checks is checked in the same statement (and
    snapshot) as the insert (`warm_saves`). Whether it stored them."""
    head, coding_fields, change_fields = _guarded_statement(connection.vendor)
    lookup_sql, lookup_params = lookup
    sql = f"WITH g AS MATERIALIZED ({lookup_sql}), {head}"
    params = [
        *lookup_params, *_values(coding, coding_fields), guard, *_values(change, change_fields)
    ]  # fmt: skip
    return _store(coding, change, sql, params)


@functools.cache
def _guarded_statement(vendor: str) -> tuple[str, Typed, Typed]:
    """The inserts of `_statement` as INSERT .. SELECT from the lookup `g`, with each value
    cast to its column's type (a bare parameter in a SELECT list would be typed as text); text
    to varchar without a length, so that the column's own length check refuses a value too
    long, as it does in `_statement` (a cast to varchar(n) would cut it short, silently)."""
    _, coding_fields, change_fields = _statement(vendor)
    qn = connection.ops.quote_name

    def names(typed):
        return ", ".join(qn(f.column) for f, _, _ in typed)

    def cast_type(field) -> str:
        if (field.target_field if field.is_relation else field).get_internal_type() == "CharField":
            return connection.ops.cast_char_field_without_max_length
        return field.db_type(connection)

    def casts(typed):
        return ", ".join(f"CAST(%s AS {cast_type(f)})" for f, _, _ in typed)

    head = (
        f"c AS (INSERT INTO {qn(Coding._meta.db_table)} ({names(coding_fields)}) "
        f"SELECT {casts(coding_fields)} FROM g WHERE CAST(g AS text) = %s RETURNING id) "
        f"INSERT INTO {qn(CodingChange._meta.db_table)} "
        f"({names(change_fields)}, {qn('coding_id')}, {qn('coding_pk')}) "
        f"SELECT {casts(change_fields)}, c.id, c.id FROM c RETURNING id, coding_id"
    )
    return head, coding_fields, change_fields


def _store(coding: Coding, change: CodingChange, sql: str, params: list[Any]) -> bool:
    if connection.get_autocommit():  # the statement is its own transaction
        row = _run(sql, params)
    else:  # inside a caller's transaction: a savepoint, so a unique violation leaves it usable
        with transaction.atomic():
            row = _run(sql, params)
    if row is None:
        return False
    change_pk, coding_pk = row
    coding.pk, change.pk = coding_pk, change_pk
    change.coding_id = change.coding_pk = coding_pk
    for obj in (coding, change):
        obj._state.adding, obj._state.db = False, connection.alias
    return True


def _run(sql: str, params: list[Any]) -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
