"""Suggestions on one source for one coder: when they are shown, making them, and a coder's
accept (it becomes their own coding, with the suggestion's span and codes) or dismiss.

Suggestions are off on sources of the reliability sample (assigned to two or more coders)
unless the project switches them on there, so they cannot inflate agreement. They are made
once per source and model (stored, so accepts and dismisses can be counted) and shown to a
coder until that coder accepts or dismisses them.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import IntegrityError, transaction

from coding.detection.codebooks import detector_for_codebook
from coding.models import (
    Activity,
    Actor,
    Assignment,
    Project,
    Role,
    Suggestion,
    SuggestionDecision,
    SuggestionModel,
)
from coding.suggestions.examples import propose
from coding.suggestions.model import PassageClassifier
from coding.suggestions.training import current_model
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
    return list(rows), ""


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
        if SuggestionDecision.objects.filter(suggestion=suggestion, coder=coder).exists():
            raise SuggestionGone("You already accepted or dismissed this suggestion.")
        coding = create_coding(
            suggestion.source,
            coder,
            coding_data(suggestion),
            require_assignment=membership.role != Role.PI,
        )
        return SuggestionDecision.objects.create(
            suggestion=suggestion, coder=coder, accepted=True, coding=coding
        )


def dismiss(suggestion: Suggestion, coder) -> SuggestionDecision:
    try:
        with transaction.atomic():
            return SuggestionDecision.objects.create(
                suggestion=suggestion, coder=coder, accepted=False
            )
    except IntegrityError as exc:
        raise SuggestionGone("You already accepted or dismissed this suggestion.") from exc


def decision_rates(project: Project) -> list[dict]:
    """Accepted and dismissed suggestions per coder."""
    rows: dict[str, dict] = {}
    decisions = SuggestionDecision.objects.filter(suggestion__source__project=project).values_list(
        "coder__username", "accepted"
    )
    for name, accepted in decisions:
        row = rows.setdefault(name, {"coder": name, "accepted": 0, "dismissed": 0})
        row["accepted" if accepted else "dismissed"] += 1
    for row in rows.values():
        row["rate"] = row["accepted"] / (row["accepted"] + row["dismissed"])
    return [rows[name] for name in sorted(rows)]
