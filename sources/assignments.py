"""Assigning sources to coders, one by one, in bulk, or with a reliability sample.

Content-analysis studies budget double coding: a share of the sources (e.g. 20%) is coded by
every coder, so intercoder reliability can be computed on it; the rest is spread so each
source is coded once. The split is drawn with a seeded random generator (the same selection
and seed give the same plan) and the rest goes round-robin to the coder with the fewest
sources in this batch, so loads differ by at most one. Existing assignments are never
touched: a source already assigned to a chosen coder counts as covered. Sources held back by
screening (coding.screening.gate: sent to screening and not screened relevant) are skipped, so
they enter neither the coders' queues nor the reliability sample; so are training sources
(calibration rounds assign those themselves: coding.reliability.calibration).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models, transaction

from coding.models import Assignment
from coding.reliability.training import trainee_ids, training_ids
from coding.screening.gate import held_back_ids
from sources.models import Source


@dataclass(frozen=True)
class AssignmentResult:
    created: int
    already: int  # (source, coder) pairs that existed before
    reliability_sources: int
    held_back: int = 0  # sources skipped because screening holds them back
    trainees: int = 0  # coders skipped because their calibration round is not admitted yet


def plan_assignments(
    source_ids: Sequence[int],
    coder_ids: Sequence[int],
    *,
    reliability_share: float = 0.0,
    seed: int = 0,
    existing: set[tuple[int, int]] | frozenset = frozenset(),
) -> tuple[list[tuple[int, int]], set[int]]:
    """Pure planning: (source_id, coder_id) pairs to create, and the reliability sample."""
    if not 0.0 <= reliability_share <= 1.0:
        raise ValueError("reliability_share must be between 0 and 1")
    sources = sorted(set(source_ids))
    coders = sorted(set(coder_ids))
    if not sources or not coders:
        return [], set()
    shuffled = sources[:]
    random.Random(seed).shuffle(shuffled)
    n_sample = round(reliability_share * len(sources)) if len(coders) > 1 else 0
    sample = set(shuffled[:n_sample])
    pairs: list[tuple[int, int]] = []
    for source in sorted(sample):
        pairs += [(source, coder) for coder in coders if (source, coder) not in existing]
    load = dict.fromkeys(coders, 0)
    turn = 0
    for source in shuffled[n_sample:]:
        holders = [c for c in coders if (source, c) in existing]
        if holders:  # already with one of the chosen coders: covered
            continue
        # fewest so far in this batch; ties broken round-robin from the last pick
        order = coders[turn:] + coders[:turn]
        coder = min(order, key=lambda c: load[c])
        load[coder] += 1
        turn = (coders.index(coder) + 1) % len(coders)
        pairs.append((source, coder))
    return pairs, sample


def assign(
    sources: Sequence[Source],
    coders: Sequence,
    *,
    by=None,
    reliability_share: float = 0.0,
    seed: int | None = None,
) -> AssignmentResult:
    """Create the planned assignments; the seed defaults to the first source's id."""
    held = held_back_ids(s.pk for s in sources) | training_ids(s.pk for s in sources)
    source_ids = [s.pk for s in sources if s.pk not in held]
    project_id = sources[0].project_id if sources else None
    trainees = trainee_ids(project_id, [c.pk for c in coders]) if sources else set()
    coder_ids = [c.pk for c in coders if c.pk not in trainees]
    existing = set(
        Assignment.objects.filter(source_id__in=source_ids, coder_id__in=coder_ids).values_list(
            "source_id", "coder_id"
        )
    )
    pairs, sample = plan_assignments(
        source_ids,
        coder_ids,
        reliability_share=reliability_share,
        seed=min(source_ids, default=0) if seed is None else seed,
        existing=existing,
    )
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [Assignment(source_id=s, coder_id=c, assigned_by=by) for s, c in pairs],
            ignore_conflicts=True,
        )
    already = sum(1 for s in source_ids for c in coder_ids if (s, c) in existing)
    return AssignmentResult(len(pairs), already, len(sample), len(held), len(trainees))


def assign_new_source(source: Source, coders: Sequence, *, reliability_share: float, by=None):
    """Assign one new source (a feed's): to every coder for a `reliability_share` of the
    sources (drawn from the source's id, so the same source always draws the same), else to
    the coder with the fewest assignments in the project."""
    if held_back_ids([source.pk]):
        return  # a source waiting for screening (or screened out) reaches no coder yet
    trainees = trainee_ids(source.project_id, [c.pk for c in coders])
    coders = [c for c in coders if c.pk not in trainees]  # not admitted to the main sample yet
    if not coders:
        return
    if random.Random(source.pk).random() < reliability_share:
        chosen = list(coders)
    else:
        loads = {
            coder_id: count
            for coder_id, count in Assignment.objects.filter(
                source__project_id=source.project_id, coder__in=coders
            )
            .values_list("coder_id")
            .annotate(count=models.Count("id"))
        }
        chosen = [min(coders, key=lambda coder: (loads.get(coder.pk, 0), coder.pk))]
    Assignment.objects.bulk_create(
        [Assignment(source=source, coder=coder, assigned_by=by) for coder in chosen],
        ignore_conflicts=True,
    )
