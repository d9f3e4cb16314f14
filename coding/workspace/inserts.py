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
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction

from coding.models import Coding, CodingChange


def single_statement_insert_available() -> bool:
    return connection.vendor == "postgresql"


def _columns_and_values(obj, skip: set[str]) -> tuple[list[str], list[Any]]:
    columns, values = [], []
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.attname in skip:
            continue
        value = field.pre_save(obj, add=True)
        columns.append(connection.ops.quote_name(field.column))
        values.append(field.get_db_prep_save(value, connection))
    return columns, values


def insert_with_history(coding: Coding, change: CodingChange) -> None:
    """Store `coding` and `change` (its history row, whose coding and coding_pk are set from the
    new coding's id) in one statement; sets both primary keys."""
    coding_columns, coding_values = _columns_and_values(coding, set())
    change_columns, change_values = _columns_and_values(change, {"coding_id", "coding_pk"})
    qn = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * len(change_values))
    sql = (
        f"WITH c AS (INSERT INTO {qn(Coding._meta.db_table)} ({', '.join(coding_columns)}) "
        f"VALUES ({', '.join(['%s'] * len(coding_values))}) RETURNING id) "
        f"INSERT INTO {qn(CodingChange._meta.db_table)} "
        f"({', '.join(change_columns)}, {qn('coding_id')}, {qn('coding_pk')}) "
        f"SELECT {placeholders}, c.id, c.id FROM c RETURNING id, coding_id"
    )
    params = [*coding_values, *change_values]
    if connection.get_autocommit():  # the statement is its own transaction
        change_pk, coding_pk = _run(sql, params)
    else:  # inside a caller's transaction: a savepoint, so a unique violation leaves it usable
        with transaction.atomic():
            change_pk, coding_pk = _run(sql, params)
    coding.pk, change.pk = coding_pk, change_pk
    change.coding_id = change.coding_pk = coding_pk
    for obj in (coding, change):
        obj._state.adding, obj._state.db = False, connection.alias


def _run(sql: str, params: list[Any]) -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
