"""The reads a coding save starts with, one plain-SQL query each.

Every save (create, change, delete) first needs to know who asks (membership and role in the
project), what they write on (the source or the coding, the assignment's status, whether the
coding was approved) and the text to check the quote against. Through the ORM that took four
or five queries whose compilation alone cost more than running them; a save must answer in a
few milliseconds (issue 5), so each of these reads is one query here. The rules stay with the
callers (coding.workspace.api.views) and in coding.workspace.codings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection

from coding.api.authentication import checked_token_user, token_tables, token_user_columns
from coding.models import (
    Assignment,
    Coding,
    CodingChange,
    EventEvidence,
    Membership,
    Project,
    Role,
)
from coding.models.codings import DyadType
from coding.workspace.inserts import single_statement_insert_available
from coding.workspace.source_texts import source_text
from coding.workspace.validation import CodebookFacts, CodebookProbe, SpanText
from sources.models import Source


@dataclass(frozen=True)
class SaveTarget:
    """What a save needs to know, read by `load_for_save`."""

    codebook_id: int | None  # None when the user is not a member of the project
    is_pi: bool
    pk: int | None  # the source's; None when the project has no such source
    text: SpanText | None
    my_status: str | None
    stored_under_client_id: int | None
    deleted_under_client_id: int | None  # a coding created under the key (spent if not stored)
    codebook_facts: CodebookFacts | None = None  # for the probe asked, if any
    user: AbstractBaseUser | None = None  # the token's user, when asked by token
    answer: tuple[tuple, str] | None = None  # PostgreSQL: the row and the row as text

    @property
    def is_member(self) -> bool:
        return self.codebook_id is not None


def load_for_save(lookup: SaveLookup) -> SaveTarget:
    """The hot read of every save, in one plain-SQL query: the user's membership of the project,
    the source if it is in the project, the user's assignment status, the pk of the user's
    coding already stored under `client_id` (a retried save) and of the coding ever created
    under it (from the history: if deleted, the key is spent). One round trip instead of four
    ORM queries, whose compilation alone costs more than the queries (issue 5's latency aim).

    The user is `lookup.user_id`, or the owner of the API token `lookup.token_key`: then the
    same query checks the token too (`authentication.checked_token_user`: AuthenticationFailed
    for an unknown, inactive or expired one) and the target carries the user, so a save by
    token makes no query for its authentication (issue 20). With a `lookup.probe`, the same
    query also reads the codebook facts the new coding's codes are judged on
    (`validation.check_codebook`), so the save needs no query of its own for them (issue 20).
    The text comes from `source_texts`, which keeps it between saves.

    On PostgreSQL the target also carries the row and the row as text (`answer`), which
    `warm_saves` keeps: the next such save checks it again inside its insert."""
    sql, params = lookup.sql()
    as_text = single_statement_insert_available()  # where warm_saves can check it again
    if as_text:
        sql = f"SELECT g.*, CAST(g AS text) FROM ({sql}) g"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if as_text and row is not None:
        return lookup.target(row[:-1], answer=(row[:-1], row[-1]))
    return lookup.target(row)


@dataclass(frozen=True)
class SaveLookup:
    """The question `load_for_save` asks, as SQL (also asked inside a save's insert by
    `warm_saves`), and how to read its answer."""

    project_slug: str
    source_pk: int
    user_id: int | None = None
    token_key: str | None = None
    client_id: uuid.UUID | None = None
    probe: CodebookProbe | None = None

    def sql(self) -> tuple[str, list]:
        probe = self.probe
        facts_sql, facts_params = probe.columns() if probe is not None else ("NULL", [])
        if self.token_key is not None:
            who = (
                f"(SELECT t.user_id AS uid, {token_user_columns()} "
                f"FROM {token_tables()} WHERE t.key = %s) w"
            )
            who_params, who_columns = [self.token_key], ", w.*"
        else:
            who = "(SELECT CAST(%s AS integer) AS uid) w"
            who_params, who_columns = [self.user_id], ""
        sql = (
            f"SELECT p.codebook_id, p.role, s.id, s.text_hash, {facts_sql}, "
            f"(SELECT a.status FROM {Assignment._meta.db_table} a "
            f"  WHERE a.source_id = s.id AND a.coder_id = w.uid), "
            f"(SELECT c.id FROM {Coding._meta.db_table} c "
            f"  WHERE c.coder_id = w.uid AND c.client_id = %s), "
            f"(SELECT h.coding_pk FROM {CodingChange._meta.db_table} h "
            f"  WHERE h.user_id = w.uid AND h.client_id = %s AND h.client_id IS NOT NULL "
            f"  AND h.action = %s LIMIT 1)"
            f"{who_columns} "
            f"FROM {who} "
            f"LEFT JOIN (SELECT m.user_id, m.role, p.id, p.codebook_id "
            f"  FROM {Membership._meta.db_table} m JOIN {Project._meta.db_table} p "
            f"  ON p.id = m.project_id WHERE p.slug = %s) p ON p.user_id = w.uid "
            f"LEFT JOIN {Source._meta.db_table} s ON s.project_id = p.id AND s.id = %s"
        )
        field = Coding._meta.get_field("client_id")
        client = field.get_db_prep_value(self.client_id, connection)
        params = [*facts_params, client, client, CodingChange.Action.CREATE, *who_params,
                  self.project_slug, self.source_pk]  # fmt: skip
        return sql, params

    def target(self, row, answer: tuple[tuple, str] | None = None) -> SaveTarget:
        """The answer read from the query's row (None: an unknown token)."""
        user = checked_token_user(row)[0] if self.token_key is not None else None
        codebook_id, role, pk, text_hash = row[:4]
        probe = self.probe
        facts_end = 4 + (CodebookProbe.COLUMNS if probe is not None else 1)  # or one NULL
        status, stored, created = row[facts_end : facts_end + 3]
        facts = CodebookFacts(probe, row[4:facts_end]) if probe is not None else None
        text = source_text(pk, text_hash) if pk is not None else None
        return SaveTarget(
            codebook_id=codebook_id,
            is_pi=role == Role.PI,
            pk=pk if text is not None else None,
            text=SpanText.of(text) if text is not None else None,
            my_status=status,
            stored_under_client_id=stored,
            deleted_under_client_id=created if stored is None else None,
            codebook_facts=facts,
            user=user,
            answer=answer,
        )


@dataclass(frozen=True)
class ChangeTarget:
    """A coding with what reading, changing or deleting it needs, read by `load_for_change`."""

    coding: Coding  # with `participant_ids`
    codebook_id: int
    is_pi: bool
    my_status: str | None  # the asking user's assignment on the coding's source
    approved: bool  # evidence of an event: the coding can no longer change
    coder_name: str
    text_hash: str  # of the source's text (`source_texts`)


def load_for_change(project_slug: str, coding_pk: int, user_id: int) -> ChangeTarget | None:
    """The coding `coding_pk` of project `project_slug` if `user_id` is a member of it (else
    None), with the user's role and assignment status and whether the coding was approved: one
    plain-SQL query (two for a multilateral coding's participants) instead of five ORM ones,
    for the same reason as `load_for_save`. Who may see or change it is the caller's rule."""
    User = get_user_model()
    sql = (
        f"SELECT c.*, p.codebook_id AS t_codebook_id, m.role AS t_role, "
        f"u.{User.USERNAME_FIELD} AS t_coder_name, s.text_hash AS t_text_hash, "
        f"(SELECT a.status FROM {Assignment._meta.db_table} a "
        f"  WHERE a.source_id = c.source_id AND a.coder_id = %s) AS t_status, "
        f"EXISTS (SELECT 1 FROM {EventEvidence._meta.db_table} e "
        f"  WHERE e.coding_id = c.id) AS t_approved "
        f"FROM {Coding._meta.db_table} c "
        f"JOIN {Source._meta.db_table} s ON s.id = c.source_id "
        f"JOIN {Project._meta.db_table} p ON p.id = s.project_id "
        f"JOIN {Membership._meta.db_table} m ON m.project_id = p.id AND m.user_id = %s "
        f"JOIN {User._meta.db_table} u ON u.{User._meta.pk.column} = c.coder_id "
        f"WHERE c.id = %s AND p.slug = %s"
    )
    coding = next(iter(Coding.objects.raw(sql, [user_id, user_id, coding_pk, project_slug])), None)
    if coding is None:
        return None
    # only multilateral codings have participants (validation.check_codes)
    coding.participant_ids = (
        sorted(
            Coding.participants.through.objects.filter(coding_id=coding.pk).values_list(
                "actor_id", flat=True
            )
        )
        if coding.dyad_type == DyadType.MULTILATERAL
        else []
    )
    return ChangeTarget(
        coding=coding,
        codebook_id=coding.t_codebook_id,
        is_pi=coding.t_role == Role.PI,
        my_status=coding.t_status,
        approved=bool(coding.t_approved),
        coder_name=coding.t_coder_name,
        text_hash=coding.t_text_hash,
    )
