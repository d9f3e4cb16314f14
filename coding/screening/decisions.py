"""Sending sources to screening, recording screeners' answers, and what they add up to.

A source added while its project requires screening gets a SourceScreening (pending). Each
screener answers once, and for good: whether a screener could still change an answer would
tell them whether another screener agreed (blind screening; a PI settles disagreements). A
share of sources, drawn by a seeded coin per source, is screened by two people: they need two
answers; agreeing answers settle the status, disagreeing ones make a conflict that a PI
settles with a final answer. Only sources screened relevant (or never sent to screening) go to
coders: sources.assignments skips the others and coding.workspace.queue hides them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.db import transaction

from coding.detection.codebooks import detector_for_codebook
from coding.models import Project, ScreeningDecision, ScreeningStatus, SourceScreening
from coding.screening.relevance import relevance
from coding.suggestions.serving import current_classifier

ANSWERED = "answered"  # what screeners see of a double-screened source they answered


class ScreeningClosed(Exception):
    """The answer comes too late (the source is settled) or from the wrong person."""


def drawn_for_double(source_id: int, percent: int) -> bool:
    """The seeded coin of one source: the same source always gets the same draw."""
    return random.Random(f"double-screening-{source_id}").random() < percent / 100


def send_to_screening(project: Project, sources: Iterable) -> int:
    """Create pending screenings (with relevance) for these sources; returns how many."""
    detector = detector_for_codebook(project.codebook)
    classifier = current_classifier(project)
    have = set(
        SourceScreening.objects.filter(source__project=project).values_list("source_id", flat=True)
    )
    rows = []
    for source in sources:
        if source.pk in have:
            continue
        found = relevance(detector, source.text, classifier)
        rows.append(
            SourceScreening(
                source_id=source.pk,
                relevance=found.score,
                actors=found.actors,
                double=drawn_for_double(source.pk, project.screening_double_percent),
            )
        )
    SourceScreening.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def send_unscreened(project: Project) -> int:
    """Send the project's sources that nobody codes yet (no assignment) to screening."""
    sources = project.sources.filter(assignments__isnull=True, screening__isnull=True).only(
        "pk", "text"
    )
    return send_to_screening(project, sources)


def rescore(project: Project) -> int:
    """Recompute relevance of open screenings (after the actors' names changed, or a new
    suggestion model: its scores replace the co-mention scores)."""
    detector = detector_for_codebook(project.codebook)
    classifier = current_classifier(project)
    open_items = SourceScreening.objects.filter(
        source__project=project, status=ScreeningStatus.PENDING
    ).select_related("source")
    for item in open_items:
        found = relevance(detector, item.source.text, classifier)
        item.relevance, item.actors = found.score, found.actors
    SourceScreening.objects.bulk_update(open_items, ["relevance", "actors"])
    return len(open_items)


def status_for_screener(screening: SourceScreening) -> str:
    """The status a screener (not a PI) is shown beside their own answer: a single-screened
    source's status follows from their answer (or a PI's); a double-screened one's depends on
    the other screener, so it is just ANSWERED."""
    return ANSWERED if screening.double else screening.status


def status_of(decisions: list[ScreeningDecision], needed: int) -> str:
    """What the answers add up to (pure)."""
    final = [d for d in decisions if d.final]
    if final:
        return ScreeningStatus.RELEVANT if final[-1].relevant else ScreeningStatus.NOT_RELEVANT
    answers = {d.relevant for d in decisions}
    if len(answers) > 1:
        return ScreeningStatus.CONFLICT
    if len(decisions) < needed:
        return ScreeningStatus.PENDING
    return ScreeningStatus.RELEVANT if answers.pop() else ScreeningStatus.NOT_RELEVANT


def settles(screening: SourceScreening, *, is_pi: bool) -> bool:
    """A PI's answer on a source that is no longer pending settles it; any other answer is a
    screener's."""
    return is_pi and screening.status != ScreeningStatus.PENDING


def decide(
    screening: SourceScreening, screener, relevant: bool, note: str = "", *, final: bool = False
) -> ScreeningDecision:
    """Record a screener's answer (a PI's final one may replace their own) and update the status.

    `final` is a PI settling a disagreement (always taken); ordinary answers are taken while
    the source is pending, once per screener (a second answer is refused whatever the others
    answered, so the refusal tells a screener nothing about them)."""
    with transaction.atomic():
        screening = SourceScreening.objects.select_for_update().get(pk=screening.pk)
        decisions = list(screening.decisions.all())
        mine = next((d for d in decisions if d.screener_id == screener.pk), None)
        if not final and mine is not None:
            raise ScreeningClosed("You already answered this source.")
        if not final and screening.status != ScreeningStatus.PENDING:
            raise ScreeningClosed("This source is already screened.")
        if mine is None:
            mine = ScreeningDecision(screening=screening, screener=screener)
            decisions.append(mine)
        mine.relevant, mine.note, mine.final = relevant, note.strip(), final or mine.final
        mine.save()
        screening.status = status_of(decisions, screening.needed)
        screening.save(update_fields=["status", "updated_at"])
    return mine
