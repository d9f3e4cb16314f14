"""Creating, changing and deleting codings, each with its CodingChange in the same transaction.

Concurrency is optimistic: every write names the version it was based on, and the UPDATE only
matches `WHERE id = .. AND version = expected`; a stale write raises StaleVersion carrying the
current state instead of overwriting someone else's save (two tabs, or a retried offline save).

Who may write: a coding's own coder only (PIs read everyone's, see coding.api). A coder writes
only on sources assigned to them, and not once the assignment is done ("reopen first"). The first
save moves the assignment from not started to in progress.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from coding.models import Assignment, Coding, CodingChange, EventEvidence
from coding.models.assignments import AssignmentStatus
from coding.workspace.inserts import insert_with_history, single_statement_insert_available
from coding.workspace.validation import (
    CodebookFacts,
    Codes,
    CodingInvalid,
    Span,
    SpanText,
    check_codebook,
    check_codes,
    check_span,
)

LOOKUP: Any = object()  # create_coding: look the assignment up

CODED_FIELDS = (
    "start", "end", "quote", "dyad_type", "side_a", "side_b", "participants", "setting",
    "forum", "area", "activity", "confidence", "event_date", "date_precision", "note",
)  # fmt: skip


class StaleVersion(Exception):
    """The coding changed (or was deleted) since the version the client based its edit on."""

    def __init__(self, current: dict[str, Any] | None):
        self.current = current
        super().__init__(
            "This coding was changed elsewhere (another tab or device) since you opened it."
            if current
            else "This coding was deleted elsewhere since you opened it."
        )


class CodingDeleted(Exception):
    """A create retried under a `client_id` whose coding was stored, then deleted (410 Gone)."""

    def __init__(self, pk: int):
        super().__init__(
            "The coding saved under this client_id was deleted since; it is not created again."
        )
        self.pk = pk


class AssignmentDone(Exception):
    """The coder marked this source as done; codings can change again after reopening it."""

    def __init__(self):
        super().__init__("You marked this source as done. Reopen it first to change codings.")


class CodingApproved(Exception):
    """The PI approved this coding into an event; the event, not the coding, changes now."""

    code = "approved"

    def __init__(self):
        super().__init__(
            "This coding was approved into an event by the PI and can no longer change."
        )


def _refuse_if_approved(coding: Coding, approved: bool | None) -> None:
    """`approved`: whether the caller found the coding approved; None: look it up."""
    if approved is None:
        approved = EventEvidence.objects.filter(coding_id=coding.pk).exists()
    if approved:
        raise CodingApproved


class NotAssigned(Exception):
    def __init__(self):
        super().__init__("This source is not assigned to you.")


def coding_state(coding: Coding, participants: list[int] | None = None) -> dict[str, Any]:
    """The coded fields as plain JSON data (the shape of CodingChange.before/after)."""
    if participants is None:
        participants = getattr(coding, "participant_ids", None)
    if participants is None:
        participants = sorted(p.pk for p in coding.participants.all())
    date = coding.event_date
    return {
        "start": coding.start,
        "end": coding.end,
        "quote": coding.quote,
        "dyad_type": coding.dyad_type,
        "side_a": coding.side_a_id,
        "side_b": coding.side_b_id,
        "participants": list(participants),
        "setting": coding.setting,
        "forum": coding.forum,
        "area": coding.area_id,
        "activity": coding.activity_id,
        "confidence": coding.confidence,
        "event_date": date.isoformat() if isinstance(date, datetime.date) else date,
        "date_precision": coding.date_precision,
        "note": coding.note,
    }


def _check_assignment(status: str | None, *, required: bool) -> None:
    if status is None and required:
        raise NotAssigned()
    if status == AssignmentStatus.DONE:
        raise AssignmentDone()


def validate_coding(
    text: SpanText, codebook_id: int, data: dict[str, Any], facts: CodebookFacts | None = None
) -> tuple[Span, Codes]:
    """The span and codes of `data` as they will be stored, or CodingInvalid with every rule
    broken (span and codes both checked)."""
    errors: dict[str, list[str]] = {}
    span = codes = None
    try:
        span = check_span(text, data.get("start"), data.get("end"), data.get("quote"))
    except CodingInvalid as exc:
        errors.update(exc.message_dict)
    try:
        codes = check_codes(data)
        check_codebook(codebook_id, codes, facts)
    except CodingInvalid as exc:
        errors.update(exc.message_dict)
    if errors:
        raise CodingInvalid(errors)
    return span, codes


def _apply(coding: Coding, span, codes: Codes) -> None:
    coding.start, coding.end, coding.quote = span.start, span.end, span.quote
    coding.prefix, coding.suffix = span.prefix, span.suffix
    coding.dyad_type, coding.side_a_id, coding.side_b_id = (
        codes.dyad_type,
        codes.side_a,
        codes.side_b,
    )
    coding.setting, coding.forum = codes.setting, codes.forum
    coding.area_id, coding.activity_id, coding.confidence = (
        codes.area,
        codes.activity,
        codes.confidence,
    )
    coding.event_date, coding.date_precision = codes.event_date, codes.date_precision
    coding.note = codes.note
    coding.participant_ids = list(codes.participants)


def _set_participants(coding: Coding, ids: list[int], *, clear: bool) -> None:
    through = Coding.participants.through
    if clear:
        through.objects.filter(coding_id=coding.pk).delete()
    if ids:
        through.objects.bulk_create([through(coding_id=coding.pk, actor_id=a) for a in ids])


def create_coding(
    source,
    coder,
    data: dict[str, Any],
    *,
    codebook_id: int | None = None,
    assignment_status: str | None = LOOKUP,
    require_assignment: bool = True,
    client_id: uuid.UUID | None = None,
    stored_under_client_id: int | None = LOOKUP,
    deleted_under_client_id: int | None = LOOKUP,
    text: SpanText | None = None,
    codebook_facts: CodebookFacts | None = None,
) -> Coding:
    """Validate and store a new coding by `coder` on `source`, with its history row.

    `source` is a Source with its text, or anything with a `pk` when `text` (the source's text,
    or a window of it) is given.
    `assignment_status` is the coder's assignment status (None: no assignment) when the caller
    already fetched it; otherwise it is looked up. PIs may code without an assignment
    (`require_assignment=False`).

    `client_id` is the browser's idempotency key for this new coding: if `coder` already stored a
    coding under it (a retried save whose answer was lost), that coding is returned unchanged,
    with `created = False`; a new one has `created = True`. Keys are unique per coder only, so
    another coder's key is never looked at. `stored_under_client_id` is that coding's pk (None:
    no such coding) when the caller already looked it up (`lookups.load_for_save`).

    A key stays spent once its coding is deleted: a retry then raises CodingDeleted rather than
    bring the coding back. `deleted_under_client_id` is the pk of the coding created under the
    key (from its history), when the caller looked it up. `codebook_facts`: the codebook facts the
    caller read for these codes (`lookups.load_for_save`), so that they are not read again.
    """
    if client_id is not None and stored_under_client_id is not None:
        existing = _by_client_id(coder, client_id)
        if existing is not None:
            return existing
        deleted_under_client_id = LOOKUP  # deleted meanwhile: look in the history
    if client_id is not None and deleted_under_client_id is LOOKUP:
        deleted_under_client_id = (
            CodingChange.objects.filter(
                user=coder, client_id=client_id, action=CodingChange.Action.CREATE
            )
            .values_list("coding_pk", flat=True)
            .first()
        )
        if deleted_under_client_id is not None:  # or stored by a concurrent retry since
            existing = _by_client_id(coder, client_id)
            if existing is not None:
                return existing
    if client_id is not None and deleted_under_client_id is not None:
        raise CodingDeleted(deleted_under_client_id)
    if assignment_status is LOOKUP:
        assignment_status = (
            Assignment.objects.filter(source_id=source.pk, coder=coder)
            .values_list("status", flat=True)
            .first()
        )
    _check_assignment(assignment_status, required=require_assignment)
    if codebook_id is None:
        codebook_id = source.project.codebook_id
    text = text or SpanText.of(source.text)
    span, codes = validate_coding(text, codebook_id, data, codebook_facts)
    coding, change = new_coding(source.pk, coder, client_id, span, codes)
    try:
        if (
            not codes.participants
            and assignment_status != AssignmentStatus.NOT_STARTED
            and single_statement_insert_available()
        ):
            insert_with_history(coding, change)  # PostgreSQL: one round trip, not four
        else:
            _insert_in_transaction(coding, change, codes.participants, assignment_status)
    except IntegrityError:
        # Two retries of one save raced and the other stored it first (the unique client_id):
        # nothing of ours was kept, so answer theirs.
        existing = _by_client_id(coder, client_id) if client_id is not None else None
        if existing is None:
            raise  # another constraint broke
        return existing
    coding.created = True
    return coding


def new_coding(
    source_pk: int, coder, client_id: uuid.UUID | None, span: Span, codes: Codes
) -> tuple[Coding, CodingChange]:
    """A new coding, not stored yet, and its history row."""
    coding = Coding(source_id=source_pk, coder=coder, client_id=client_id)
    _apply(coding, span, codes)
    change = CodingChange(
        source_id=source_pk, user=coder, action=CodingChange.Action.CREATE, version=1,
        after=coding_state(coding), client_id=client_id,
    )  # fmt: skip
    return coding, change


def _insert_in_transaction(
    coding: Coding, change: CodingChange, participants: list[int], assignment_status: str | None
) -> None:
    with transaction.atomic():
        coding.save(force_insert=True)
        _set_participants(coding, participants, clear=False)
        change.coding, change.coding_pk = coding, coding.pk
        change.save(force_insert=True)
        if assignment_status == AssignmentStatus.NOT_STARTED:
            Assignment.objects.filter(
                source_id=coding.source_id, coder_id=coding.coder_id,
                status=AssignmentStatus.NOT_STARTED,
            ).update(status=AssignmentStatus.IN_PROGRESS, updated_at=timezone.now())  # fmt: skip


def _by_client_id(coder, client_id: uuid.UUID) -> Coding | None:
    """`coder`'s coding stored under `client_id`, marked `created = False`, if there is one."""
    coding = (
        Coding.objects.filter(coder=coder, client_id=client_id)
        .prefetch_related("participants")
        .first()
    )
    if coding is not None:
        coding.created = False
    return coding


def _current_state(pk: int) -> dict[str, Any] | None:
    coding = Coding.objects.filter(pk=pk).prefetch_related("participants").first()
    if coding is None:
        return None
    return {"id": coding.pk, "version": coding.version, **coding_state(coding)}


def update_coding(
    coding: Coding,
    user,
    data: dict[str, Any],
    expected_version: int,
    *,
    text: SpanText | None = None,
    codebook_id: int | None = None,
    assignment_status: str | None = None,
    approved: bool | None = None,
) -> Coding:
    """Apply `data` (a partial change: missing fields keep their value) if the coding is still at
    `expected_version`; otherwise raise StaleVersion with the current state.

    `text` must cover the new span (`SpanText.around_stored` when it does not move); by default
    the source's whole text is loaded."""
    _check_assignment(assignment_status, required=False)
    _refuse_if_approved(coding, approved)
    before = coding_state(coding)
    if coding.version != expected_version:
        if _already_applied(coding, user, data, expected_version, before):
            return coding  # a retry of the edit that won: its answer was lost
        raise StaleVersion({"id": coding.pk, "version": coding.version, **before})
    merged = {**before, **data}
    if "setting" not in data:
        merged.pop("setting")  # derived from the dyad, which may have changed
    if text is None:
        text = SpanText.of(coding.source.text)
    if codebook_id is None:
        codebook_id = coding.source.project.codebook_id
    merged["event_date"] = _as_date(merged.get("event_date"))
    span, codes = validate_coding(text, codebook_id, merged)
    _apply(coding, span, codes)
    after = coding_state(coding)
    with transaction.atomic():
        fields = {
            name: getattr(coding, name)
            for name in ("start", "end", "quote", "prefix", "suffix", "dyad_type", "side_a_id",
                         "side_b_id", "setting", "forum", "area_id", "activity_id", "confidence",
                         "event_date", "date_precision", "note")
        }  # fmt: skip
        now = timezone.now()
        updated = Coding.objects.filter(pk=coding.pk, version=expected_version).update(
            **fields, version=F("version") + 1, updated_at=now
        )
        if not updated:
            raise StaleVersion(_current_state(coding.pk))
        coding.version = expected_version + 1
        coding.updated_at = now
        if after["participants"] != before["participants"]:
            _set_participants(coding, codes.participants, clear=True)
        CodingChange.objects.create(
            coding=coding, coding_pk=coding.pk, source_id=coding.source_id, user=user,
            action=CodingChange.Action.UPDATE, version=coding.version, before=before, after=after,
        )  # fmt: skip
    return coding


def _already_applied(
    coding: Coding, user, data: dict[str, Any], expected_version: int, current: dict[str, Any]
) -> bool:
    """Whether `user`'s edit from `expected_version` with this body is the coding's last change.

    Then a "stale" edit is that same edit sent again (its answer was lost): the caller answers
    with the stored coding instead of a conflict with the coder's own change. Only read on a
    version mismatch, so the save path keeps its one query.
    """
    if coding.version != expected_version + 1:
        return False
    change = (
        CodingChange.objects.filter(
            coding_pk=coding.pk, version=coding.version, action=CodingChange.Action.UPDATE
        )
        .values("user_id", "after")
        .first()
    )
    if change is None or change["user_id"] != user.pk or change["after"] != current:
        return False
    wanted = {
        name: (value.isoformat() if isinstance(value, datetime.date) else value)
        for name, value in data.items()
    }
    if "participants" in wanted:
        wanted["participants"] = sorted(wanted["participants"])
    return all(name in current and current[name] == value for name, value in wanted.items())


def delete_coding(
    coding: Coding,
    user,
    expected_version: int,
    *,
    assignment_status: str | None = None,
    approved: bool | None = None,
) -> None:
    """Delete the coding if it is still at `expected_version`, keeping its history."""
    _check_assignment(assignment_status, required=False)
    _refuse_if_approved(coding, approved)
    before = coding_state(coding)
    with transaction.atomic():
        claimed = Coding.objects.filter(pk=coding.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise StaleVersion(_current_state(coding.pk))
        CodingChange.objects.create(
            coding=None, coding_pk=coding.pk, source_id=coding.source_id, user=user,
            action=CodingChange.Action.DELETE, version=expected_version + 1, before=before,
        )  # fmt: skip
        Coding.objects.filter(pk=coding.pk).delete()  # history rows keep coding_pk


def _as_date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)
