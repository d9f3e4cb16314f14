"""The PI's decisions on a group of codings, each recorded and undoable.

Every decision stores a snapshot of the event it touched before and after (None: no event).
Undo puts the `before` snapshot back exactly, and refuses when a later decision has changed the
event since (undo that one first), so no undo silently discards another decision.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coding.models import (
    Coding,
    DecisionKind,
    Event,
    EventEvidence,
    EventSequence,
    Project,
    ReviewDecision,
)
from coding.models.codings import NOTE_MAX_LENGTH, TOO_LONG
from coding.reliability.training import is_training, training_event_q
from coding.review.fields import (
    EVENT_FIELDS,
    check_fields,
    fields_from_coding,
    normalize_sides,
    parse_fields,
)
from coding.review.grouping import groups_for_source

FK_FIELDS = ("side_a", "side_b", "area", "activity")
COMMENT_MAX_LENGTH = NOTE_MAX_LENGTH  # a decision's comment, as long as a coding's note


# --- snapshots ---------------------------------------------------------------------------------


def snapshot(event: Event | None) -> dict[str, Any] | None:
    """The event's state as JSON-able data (everything but last_modified)."""
    if event is None:
        return None
    event = Event.objects.get(pk=event.pk)
    return {
        "pk": event.pk,
        "event_id": event.event_id,
        "project": event.project_id,
        "codebook": event.codebook_id,
        "dyad_type": event.dyad_type,
        "side_a": event.side_a_id,
        "side_b": event.side_b_id,
        "participants": sorted(event.participants.values_list("pk", flat=True)),
        "setting": event.setting,
        "forum": event.forum,
        "area": event.area_id,
        "activity": event.activity_id,
        "confidence": event.confidence,
        "event_date": event.event_date.isoformat() if event.event_date else None,
        "event_date_end": event.event_date_end.isoformat() if event.event_date_end else None,
        "date_prec": event.date_prec,
        "note": event.note,
        "approved_by": event.approved_by_id,
        "approved_at": event.approved_at.isoformat(),
        "evidence": [
            [e.coding_id, e.primary, e.added_by_id, e.added_at.isoformat()]
            for e in event.evidence.order_by("coding_id")
        ],
    }


def _restore(event_pk: int | None, state: dict[str, Any] | None) -> None:
    if state is None:
        if event_pk is not None:
            Event.objects.filter(pk=event_pk).delete()
        return
    values = {
        "event_id": state["event_id"],
        "project_id": state["project"],
        "codebook_id": state["codebook"],
        "dyad_type": state["dyad_type"],
        "side_a_id": state["side_a"],
        "side_b_id": state["side_b"],
        "setting": state["setting"],
        "forum": state["forum"],
        "area_id": state["area"],
        "activity_id": state["activity"],
        "confidence": state["confidence"],
        "event_date": state["event_date"] and dt.date.fromisoformat(state["event_date"]),
        "event_date_end": state["event_date_end"]
        and dt.date.fromisoformat(state["event_date_end"]),
        "date_prec": state["date_prec"],
        "note": state["note"],
        "approved_by_id": state["approved_by"],
        "approved_at": dt.datetime.fromisoformat(state["approved_at"]),
    }
    event, _ = Event.objects.update_or_create(pk=state["pk"], defaults=values)
    event.participants.set(state["participants"])
    event.evidence.all().delete()
    EventEvidence.objects.bulk_create(
        EventEvidence(
            event=event,
            coding_id=coding_id,
            primary=primary,
            added_by_id=added_by,
            added_at=dt.datetime.fromisoformat(added_at),
        )
        for coding_id, primary, added_by, added_at in state["evidence"]
    )


# --- checks ------------------------------------------------------------------------------------


def _check_group(project: Project, codings: Sequence[Coding]) -> None:
    if not codings:
        raise ValidationError("Choose at least one coding.")
    sources = {c.source_id for c in codings}
    if len(sources) != 1:
        raise ValidationError("A decision concerns codings of one source.")
    if any(c.source.project_id != project.pk for c in codings):
        raise ValidationError("These codings are not in this project.")
    if is_training(next(iter(sources))):
        raise ValidationError(
            "This is a training source: its codings are compared with the reference and never "
            "become events."
        )
    taken = ReviewDecision.objects.filter(
        codings__in=[c.pk for c in codings], undone_at__isnull=True
    ).exists()
    if taken:
        raise ValidationError(
            "Some of these codings were decided already; undo that decision first."
        )


def is_reference(event_pk: int | None) -> bool:
    """Whether the event rests on codings of a training source: calibration's reference."""
    return Event.objects.filter(pk=event_pk).filter(training_event_q()).exists()


def _refuse_if_reference(event_pk: int | None, source_id: int | None = None) -> None:
    """A training source's reference stays as it was while the source is in the training set
    (docs/calibration.md): the trainees' agreement is computed against it."""
    if is_reference(event_pk) or (source_id is not None and is_training(source_id)):
        raise ValidationError(
            "This is the reference of a training source (calibration): it cannot change while "
            "the source is in the training set. Remove the source from the training set first."
        )


def _check_chosen(codings: Sequence[Coding], chosen: Coding) -> None:
    if chosen.pk not in {c.pk for c in codings}:
        raise ValidationError("The chosen coding is not in the group.")


# --- creating events ---------------------------------------------------------------------------


def next_event_id(project: Project) -> str:
    """The next stable event id: PROJECTSLUG-000001. The counter never goes back."""
    sequence, _ = EventSequence.objects.select_for_update().get_or_create(project=project)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{project.slug.upper()}-{sequence.last:06d}"


def _create_event(project: Project, fields: dict[str, Any], user) -> Event:
    participants = fields.get("participants") or []
    event = Event.objects.create(
        project=project,
        event_id=next_event_id(project),
        codebook=project.codebook,
        approved_by=user,
        approved_at=timezone.now(),
        **{k: v for k, v in fields.items() if k in EVENT_FIELDS and k != "participants"},
    )
    event.participants.set(participants)
    return event


def _add_evidence(event: Event, codings: Sequence[Coding], primary: Coding | None, user) -> None:
    EventEvidence.objects.bulk_create(
        EventEvidence(
            event=event,
            coding=c,
            primary=primary is not None and c.pk == primary.pk,
            added_by=user,
        )
        for c in codings
    )


def _record(
    user,
    project: Project,
    kind: str,
    codings: Sequence[Coding],
    *,
    chosen: Coding | None = None,
    event: Event | None = None,
    before: dict | None = None,
    comment: str = "",
    source=None,
) -> ReviewDecision:
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:  # the decision's work so far is rolled back with it
        raise ValidationError(
            {"comment": TOO_LONG.format(limit=COMMENT_MAX_LENGTH, length=len(comment))}
        )
    decision = ReviewDecision.objects.create(
        project=project,
        source=source if source is not None else (codings[0].source if codings else None),
        kind=kind,
        chosen=chosen,
        event=event,
        event_ref=event.event_id if event else "",
        before=before,
        after=snapshot(event),
        comment=comment,
        decided_by=user,
    )
    decision.codings.set(codings)
    return decision


def _approve(
    user,
    project: Project,
    kind: str,
    codings: Sequence[Coding],
    chosen: Coding,
    fields: dict[str, Any],
    comment: str,
) -> ReviewDecision:
    _check_group(project, codings)
    _check_chosen(codings, chosen)
    check_fields(fields)
    event = _create_event(project, normalize_sides(fields), user)
    _add_evidence(event, codings, chosen, user)
    return _record(user, project, kind, codings, chosen=chosen, event=event, comment=comment)


@transaction.atomic
def accept(
    user, project: Project, codings: Sequence[Coding], chosen: Coding, comment: str = ""
) -> ReviewDecision:
    """One click: the chosen coder's coding becomes the event; the group is its evidence."""
    return _approve(
        user, project, DecisionKind.ACCEPT, codings, chosen, fields_from_coding(chosen), comment
    )


@transaction.atomic
def edit_and_accept(
    user,
    project: Project,
    codings: Sequence[Coding],
    chosen: Coding,
    changes: dict[str, Any],
    comment: str = "",
) -> ReviewDecision:
    """The chosen coding with the PI's changes (ISO3 codes, slugs, ISO dates) as the event."""
    fields = parse_fields(project, changes, fields_from_coding(chosen))
    return _approve(user, project, DecisionKind.EDIT_ACCEPT, codings, chosen, fields, comment)


@transaction.atomic
def merge(
    user,
    project: Project,
    codings: Sequence[Coding],
    span_from: Coding,
    field_from: dict[str, Coding],
    changes: dict[str, Any] | None = None,
    comment: str = "",
) -> ReviewDecision:
    """One event from the group: the span of `span_from` as primary evidence, each field taken
    from the coding named in `field_from` (default: `span_from`), then the PI's changes."""
    _check_chosen(codings, span_from)
    fields = fields_from_coding(span_from)
    for name, coding in field_from.items():
        if name not in EVENT_FIELDS:
            raise ValidationError({name: "Not an event field."})
        _check_chosen(codings, coding)
        taken = fields_from_coding(coding)
        fields[name] = taken[name]
        if name == "event_date":
            fields["event_date_end"], fields["date_prec"] = (
                taken["event_date_end"],
                taken["date_prec"],
            )
        if name == "activity" and "area" not in field_from:
            fields["area"] = taken["area"]
    if changes:
        fields = parse_fields(project, changes, fields)
    return _approve(user, project, DecisionKind.MERGE, codings, span_from, fields, comment)


@transaction.atomic
def reject(user, project: Project, codings: Sequence[Coding], comment: str = "") -> ReviewDecision:
    _check_group(project, codings)
    return _record(user, project, DecisionKind.REJECT, codings, comment=comment)


@transaction.atomic
def attach(
    user,
    project: Project,
    codings: Sequence[Coding],
    event: Event,
    comment: str = "",
) -> ReviewDecision:
    """The group becomes more evidence for an existing event (the same event, another outlet)."""
    _check_group(project, codings)
    if event.project_id != project.pk:
        raise ValidationError("That event is not in this project.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    _refuse_if_reference(event.pk)
    before = snapshot(event)
    _add_evidence(event, codings, None, user)
    event.save(update_fields=["last_modified"])
    return _record(
        user, project, DecisionKind.ATTACH, codings, event=event, before=before, comment=comment
    )


@transaction.atomic
def edit_event(user, event: Event, changes: dict[str, Any], comment: str = "") -> ReviewDecision:
    """Change an approved event's fields; its event_id stays."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    _refuse_if_reference(event.pk)
    before = snapshot(event)
    base = {name: getattr(event, name) for name in EVENT_FIELDS if name != "participants"}
    base["participants"] = list(event.participants.all())
    fields = parse_fields(event.project, changes, base)
    for name, value in fields.items():
        if name != "participants":
            setattr(event, name, value)
    event.save()
    event.participants.set(fields["participants"])
    return _record(
        user,
        event.project,
        DecisionKind.EDIT_EVENT,
        [],
        event=event,
        before=before,
        comment=comment,
        source=None,
    )


def _check_overlaps_group(data: dict[str, Any], codings: Sequence[Coding]) -> None:
    """The PI's own passage must share at least one character with the group's codings (their
    span union): it may start or end elsewhere than the coders' spans, but a passage elsewhere
    in the text would make an unrelated quote the event's primary evidence. A span that is not
    a pair of numbers with start < end is left to create_coding's checks."""
    start, end = data.get("start"), data.get("end")
    if not codings or not isinstance(start, int) or not isinstance(end, int) or start >= end:
        return
    if not any(start < c.end and c.start < end for c in codings):  # as grouping.overlaps
        lo, hi = min(c.start for c in codings), max(c.end for c in codings)
        raise ValidationError(
            {
                "start": f"The passage does not overlap this group's codings ({lo}\u2013{hi}): "
                "select a passage within it."
            }
        )


@transaction.atomic
def add_own(
    user,
    project: Project,
    source,
    data: dict[str, Any],
    codings: Sequence[Coding] = (),
    comment: str = "",
) -> ReviewDecision:
    """The PI codes the passage themself (through the workspace's create_coding, so the same
    validation applies); that coding becomes the event, with the group as further evidence."""
    from coding.workspace.codings import create_coding

    if source.project_id != project.pk:
        raise ValidationError("That source is not in this project.")
    _check_overlaps_group(data, codings)
    own = create_coding(source, user, data, require_assignment=False)
    group = [*codings, own]
    return _approve(
        user, project, DecisionKind.ADD_OWN, group, own, fields_from_coding(own), comment
    )


@transaction.atomic
def bulk_accept(user, project: Project, source) -> list[ReviewDecision]:
    """Accept every open, fully agreeing group of a source (each an undoable decision)."""
    decisions = []
    for group in groups_for_source(source):
        if group.fully_agreed and not group.decisions:
            decisions.append(accept(user, project, group.codings, group.codings[0]))
    return decisions


@transaction.atomic
def undo(user, decision: ReviewDecision) -> ReviewDecision:
    decision = ReviewDecision.objects.select_for_update().get(pk=decision.pk)
    if decision.undone_at is not None:
        raise ValidationError("This decision was undone already.")
    event_pk = (decision.after or decision.before or {}).get("pk")
    _refuse_if_reference(event_pk, decision.source_id)
    if event_pk is not None:
        current = snapshot(Event.objects.filter(pk=event_pk).first())
        if current != decision.after:
            raise ValidationError("A later decision changed this event; undo that one first.")
        _restore(event_pk, decision.before)
    decision.undone_at = timezone.now()
    decision.undone_by = user
    decision.save(update_fields=["undone_at", "undone_by"])
    return decision
