"""The API's list of a source's codings: compact by default, with an ETag.

`GET .../sources/<id>/codings/` is what a client reloads whenever it wants the current spans, so
it is kept small and cheap (issue 20):

- the default listing carries what drawing and summarising the highlights needs: id, coder,
  version, span and quote, and the codes; a field is left out when it holds its empty value
  (no participants, no forum, no date, no note), and the setting is left out because it follows
  from the dyad (validation.check_codes). The context (prefix, suffix), the source id, the time
  of the last save and the client_id come with `?full=1` (the earlier shape, every field) and on
  each coding's own page (`.../codings/<id>/`);
- every answer has an ETag computed from the visible codings' count, highest id, summed
  versions and latest save time, so a reload of an unchanged source (If-None-Match) costs one
  query and a 304. Any save changes one of the four: a create adds a higher id, an edit raises a
  version and the save time, a delete lowers the count unless creates made up for it, which
  then raised the highest id.

Who may read what is visibility.py's rule (a coder their own codings only, PIs everyone's or
one coder's with `?coder=`); it is applied here in SQL with the same outcome and the same 404s.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from django.contrib.auth import get_user_model
from django.db import connection

from coding.models import Assignment, Coding, Membership, Project, Role
from sources.models import Source

COMPACT_COLUMNS = (
    "id", "version", "start", "end", "quote", "dyad_type", "side_a_id", "side_b_id", "area_id",
    "activity_id", "confidence", "event_date", "date_precision", "forum", "note",
)  # fmt: skip


@dataclass(frozen=True)
class ListScope:
    """Whose codings on which source the asker may list, and their fingerprint."""

    source_pk: int
    coder_id: int | None  # only this coder's codings; None: everyone's (a PI)
    coder_name: str | None  # a PI's ?coder= filter
    fingerprint: str


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def list_scope(
    project_slug: str, source_pk: int, user_id: int, coder: str | None = None
) -> ListScope | None:
    """One query: the asker's role in the project, whether they may open the source (PIs any
    of the project's, coders those assigned to them), and the fingerprint of the codings they
    may read there. None: not a member, or no such source among those they may open."""
    User = get_user_model()
    qn = connection.ops.quote_name
    pi_sees = "1 = 1"  # a PI: everyone's codings, or one coder's
    params: list[Any] = [user_id, Role.PI]
    if coder:
        pi_sees = (
            f"c.coder_id IN (SELECT u.{qn(User._meta.pk.column)} FROM {_table(User)} u "
            f"WHERE u.{qn(User.USERNAME_FIELD)} = %s)"
        )
        params.append(coder)
    params += [user_id, source_pk, project_slug, user_id]
    sql = (
        f"SELECT m.role, s.id, "
        f"EXISTS (SELECT 1 FROM {_table(Assignment)} a "
        f"  WHERE a.source_id = s.id AND a.coder_id = %s), "
        f"(SELECT COUNT(*) || ':' || COALESCE(MAX(c.id), 0) || ':' || "
        f"   COALESCE(SUM(c.version), 0) || ':' || COALESCE(CAST(MAX(c.updated_at) AS TEXT), '') "
        f" FROM {_table(Coding)} c WHERE c.source_id = s.id AND "
        f" CASE WHEN m.role = %s THEN {pi_sees} ELSE c.coder_id = %s END) "
        f"FROM {_table(Membership)} m "
        f"JOIN {_table(Project)} p ON p.id = m.project_id "
        f"LEFT JOIN {_table(Source)} s ON s.project_id = p.id AND s.id = %s "
        f"WHERE p.slug = %s AND m.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    role, pk, assigned, fingerprint = row
    is_pi = role == Role.PI
    if pk is None or not (is_pi or assigned):
        return None
    return ListScope(
        source_pk=pk,
        coder_id=None if is_pi else user_id,
        coder_name=(coder or None) if is_pi else None,
        fingerprint=f"{'pi' if is_pi else user_id}:{coder or ''}:{fingerprint}",
    )


def etag(scope: ListScope, *, full: bool) -> str:
    digest = hashlib.blake2b(
        f"{scope.fingerprint}:{int(full)}".encode(), digest_size=12
    ).hexdigest()
    return f'W/"{digest}"'


def compact_codings(scope: ListScope) -> list[dict[str, Any]]:
    """The codings in `scope` in the compact shape (module docstring), ordered by span."""
    User = get_user_model()
    qn = connection.ops.quote_name
    columns = ", ".join(f"c.{qn(name)}" for name in COMPACT_COLUMNS)
    sql = (
        f"SELECT {columns}, u.{qn(User.USERNAME_FIELD)} FROM {_table(Coding)} c "
        f"JOIN {_table(User)} u ON u.{qn(User._meta.pk.column)} = c.coder_id "
        f"WHERE c.source_id = %s"
    )
    params: list[Any] = [scope.source_pk]
    if scope.coder_id is not None:
        sql += " AND c.coder_id = %s"
        params.append(scope.coder_id)
    elif scope.coder_name:
        sql += f" AND u.{qn(User.USERNAME_FIELD)} = %s"
        params.append(scope.coder_name)
    sql += f" ORDER BY c.{qn('start')}, c.{qn('end')}, c.id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    participants = _participants([row[0] for row in rows if row[5] == "multilateral"])
    return [_compact(row, participants) for row in rows]


def _participants(coding_ids: list[int]) -> dict[int, list[int]]:
    if not coding_ids:
        return {}
    found: dict[int, list[int]] = {}
    pairs = Coding.participants.through.objects.filter(coding_id__in=coding_ids)
    for coding_id, actor_id in pairs.values_list("coding_id", "actor_id").order_by("actor_id"):
        found.setdefault(coding_id, []).append(actor_id)
    return found


def _compact(row: tuple, participants: dict[int, list[int]]) -> dict[str, Any]:
    (pk, version, start, end, quote, dyad, side_a, side_b, area, activity, confidence, date,
     precision, forum, note, coder) = row  # fmt: skip
    item: dict[str, Any] = {
        "id": pk, "coder": coder, "version": version, "start": start, "end": end,
        "quote": quote, "dyad_type": dyad,
    }  # fmt: skip
    if side_a is not None:
        item["side_a"] = side_a
    if side_b is not None:
        item["side_b"] = side_b
    if pk in participants:
        item["participants"] = participants[pk]
    item["area"], item["activity"], item["confidence"] = area, activity, confidence
    if forum:
        item["forum"] = forum
    if date is not None:  # a date on PostgreSQL, ISO text on SQLite
        item["event_date"] = date if isinstance(date, str) else date.isoformat()
        item["date_precision"] = precision
    if note:
        item["note"] = note
    return item


def as_json(items: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    """Plain JSON data as the bytes DRF's JSONRenderer writes (UTF-8, compact, with U+2028 and
    U+2029 escaped as JavaScript wants them)."""
    body = orjson.dumps(items)
    if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
        body = body.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")
    return body
