"""Suggestions on one source for one coder: when they are shown, making them, and a coder's
accept (it becomes their own coding, with the suggestion's span and codes) or dismiss.

Suggestions are off on sources of the reliability sample (assigned to two or more coders)
unless the project switches them on there, so they cannot inflate agreement. They are made
once per source and model (stored, so accepts and dismisses can be counted) and shown to a
coder until that coder accepts or dismisses them.

Blind coding: there are never suggestions on a source whose approved codings the current model
was trained on (they would hand a coder another coder's span and codes); training itself skips
codings on sources other coders still code (coding.suggestions.training). A coder is never
offered again what they accepted or dismissed (same source, span and codes, whichever model
proposed it), nor a passage their own coding already covers with the same activity.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import IntegrityError, transaction

from coding.detection.codebooks import detector_for_codebook
from coding.models import (
    Activity,
    Actor,
    Assignment,
    Coding,
    Project,
    Role,
    Suggestion,
    SuggestionDecision,
    SuggestionModel,
)
from coding.suggestions.examples import MIN_OVERLAP, overlap, propose
from coding.suggestions.model import PassageClassifier
from coding.suggestions.training import current_model, trained_source_ids
from coding.workspace.codings import create_coding

DEFAULT_CONFIDENCE = 2  # medium: a coder raises or lowers it when they accept


class SuggestionGone(Exception):
    """Already accepted or dismissed by this coder."""


def in_reliability_sample(source) -> bool:
    return Assignment.objects.filter(source_id=source.pk).count() >= 2


def why_off(project: Project, source) -> str:
    """Empty when suggestions may be shown on this source, else the reason."""
    if not project.suggestions_enabled:
        return "Suggestions are switched off in this project."
    if not project.suggestions_on_reliability_sample and in_reliability_sample(source):
        return "Suggestions are off on reliability-sample sources (several coders code them)."
    return ""


@lru_cache(maxsize=8)
def _classifier(model_pk: int) -> PassageClassifier:
    blob = SuggestionModel.objects.values_list("blob", flat=True).get(pk=model_pk)
    return PassageClassifier.from_bytes(bytes(blob))


def current_classifier(project: Project) -> PassageClassifier | None:
    """The project's ready model, loaded (cached per model), or None (none yet, or stored in
    an old format that needs a retraining)."""
    model = current_model(project)
    if model is None:
        return None
    try:
        return _classifier(model.pk)
    except ValueError:
        return None


def suggestions_for(project: Project, source, coder) -> tuple[list[Suggestion], str]:
    """The open suggestions for this coder on this source, and why there are none if so."""
    reason = why_off(project, source)
    if reason:
        return [], reason
    model = current_model(project)
    if model is None:
        return [], "No suggestion model yet: it is trained once codings are approved."
    if source.pk in trained_source_ids(model):
        return [], "No suggestions on a source the current model learnt from."
    made = Suggestion.objects.filter(model=model, source=source)
    if not made.exists():
        _make(project, model, source)
    rows = (
        Suggestion.objects.filter(model=model, source=source)
        .exclude(decisions__coder=coder)
        .select_related("activity", "area", "side_a", "side_b")
        .prefetch_related("participants")
        .order_by("start", "end")
    )
    decided = decided_keys(source, coder)
    own = list(
        Coding.objects.filter(source=source, coder=coder).values_list("start", "end", "activity_id")
    )
    return [s for s in rows if key_of(s) not in decided and not _covered(s, own)], ""


def key_of(suggestion: Suggestion) -> tuple:
    """What makes two suggestions the same for a coder: source, span and codes (the model
    that proposed them does not matter)."""
    return (
        suggestion.source_id,
        suggestion.start,
        suggestion.end,
        suggestion.area_id,
        suggestion.activity_id,
        suggestion.dyad_type,
        suggestion.side_a_id,
        suggestion.side_b_id,
        frozenset(a.pk for a in suggestion.participants.all()),
    )


def decided_keys(source, coder) -> set[tuple]:
    """The suggestions this coder already accepted or dismissed on this source, by any model."""
    decided = Suggestion.objects.filter(source=source, decisions__coder=coder).prefetch_related(
        "participants"
    )
    return {key_of(s) for s in decided}


def _covered(suggestion: Suggestion, own: list[tuple[int, int, int]]) -> bool:
    """Whether one of the coder's own codings already has this passage with this activity."""
    return any(
        activity == suggestion.activity_id
        and overlap(start, end, suggestion.start, suggestion.end) >= MIN_OVERLAP
        for start, end, activity in own
    )


def _make(project: Project, model: SuggestionModel, source) -> None:
    codebook = project.codebook
    activities = {a.slug: a for a in Activity.objects.filter(area__codebook=codebook, enabled=True)}
    actors = {a.iso3: a for a in Actor.objects.filter(codebook=codebook)}
    directed = {slug: a.directed for slug, a in activities.items()}
    text = source.text
    proposals = propose(
        _classifier(model.pk), text, detector_for_codebook(codebook).find(text), directed
    )
    with transaction.atomic():
        for p in proposals:
            activity = activities.get(p.activity)
            if activity is None:
                continue
            dyad = p.dyad
            try:
                with transaction.atomic():
                    row = Suggestion.objects.create(
                        model=model,
                        source=source,
                        start=p.start,
                        end=p.end,
                        quote=text[p.start : p.end],
                        area_id=activity.area_id,
                        activity=activity,
                        dyad_type=dyad.dyad_type,
                        side_a=actors.get(dyad.side_a),
                        side_b=actors.get(dyad.side_b),
                        score=round(p.score, 4),
                    )
            except IntegrityError:  # made meanwhile by another request
                continue
            if dyad.participants:
                row.participants.set([actors[i] for i in dyad.participants if i in actors])


def coding_data(suggestion: Suggestion) -> dict:
    """The suggestion as the body of a new coding (coding.workspace.codings.create_coding)."""
    participants = [a.pk for a in suggestion.participants.all()]
    return {
        "start": suggestion.start,
        "end": suggestion.end,
        "quote": suggestion.quote,
        "dyad_type": suggestion.dyad_type,
        "side_a": suggestion.side_a_id,
        "side_b": suggestion.side_b_id,
        "participants": participants,
        "setting": "multilateral" if suggestion.dyad_type == "multilateral" else "bilateral",
        "area": suggestion.area_id,
        "activity": suggestion.activity_id,
        "confidence": DEFAULT_CONFIDENCE,
        "date_precision": "unknown",
        "note": "",
    }


def accept(suggestion: Suggestion, coder, membership) -> SuggestionDecision:
    """The suggestion becomes the coder's own coding (validated and stored like any other)."""
    with transaction.atomic():
        _check_open(suggestion, coder)
        coding = create_coding(
            suggestion.source,
            coder,
            coding_data(suggestion),
            require_assignment=membership.role != Role.PI,
        )
        return SuggestionDecision.objects.create(
            suggestion=suggestion, coder=coder, accepted=True, coding=coding
        )


def _check_open(suggestion: Suggestion, coder) -> None:
    """Refuse a second decision on this suggestion, or on the same one made by another model."""
    if SuggestionDecision.objects.filter(suggestion=suggestion, coder=coder).exists() or (
        key_of(suggestion) in decided_keys(suggestion.source, coder)
    ):
        raise SuggestionGone("You already accepted or dismissed this suggestion.")


def dismiss(suggestion: Suggestion, coder) -> SuggestionDecision:
    try:
        with transaction.atomic():
            _check_open(suggestion, coder)
            return SuggestionDecision.objects.create(
                suggestion=suggestion, coder=coder, accepted=False
            )
    except IntegrityError as exc:
        raise SuggestionGone("You already accepted or dismissed this suggestion.") from exc


def decision_rates(project: Project) -> list[dict]:
    """Accepted and dismissed suggestions per coder: a suggestion (source, span and codes)
    counts once per coder, with their latest decision, however many models proposed it."""
    rows: dict[str, dict] = {}
    decisions = (
        SuggestionDecision.objects.filter(suggestion__source__project=project)
        .select_related("coder", "suggestion")
        .prefetch_related("suggestion__participants")
        .order_by("decided_at", "pk")
    )
    latest: dict[tuple, tuple[str, bool]] = {}
    for d in decisions:
        latest[(d.coder_id, key_of(d.suggestion))] = (d.coder.username, d.accepted)
    for name, accepted in latest.values():
        row = rows.setdefault(name, {"coder": name, "accepted": 0, "dismissed": 0})
        row["accepted" if accepted else "dismissed"] += 1
    for row in rows.values():
        row["rate"] = row["accepted"] / (row["accepted"] + row["dismissed"])
    return [rows[name] for name in sorted(rows)]
