"""Training a project's suggester on its approved codings, and scoring it on held-out sources.

Approved codings (evidence of an approved event) are the reference. The sources that have
them are split by a seeded draw: a fifth is held out. A first model trained on the rest is
scored on the held-out sources against the reference, like a coder (coding.suggestions.
evaluation), beside every human coder's own codings on the same sources; the model that is then
stored and used is trained on all approved codings.
"""

from __future__ import annotations

import logging
import random
import time
from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone

from coding.detection.codebooks import detector_for_codebook
from coding.models import Assignment, Coding, ModelStatus, Project, SuggestionModel
from coding.models.assignments import AssignmentStatus
from coding.models.codings import DyadType
from coding.reliability.training import training_q
from coding.suggestions.evaluation import Coded, evaluate
from coding.suggestions.examples import Labelled, propose, training_examples
from coding.suggestions.model import PassageClassifier
from sources.models import Source

HELD_OUT_SHARE = 0.2
MIN_HELD_OUT_SOURCES = 3
logger = logging.getLogger(__name__)
TRAINED_SOURCES = "trained_sources"  # key in SuggestionModel.evaluation: the sources learnt from
STEPS = ("collecting approved codings", "scoring on held-out sources", "training", "saving")

# sent when a project's new model is ready, with `project` and `model`:
# coding.screening rescores its open sources with it
model_ready = Signal()


def _approved(project: Project):
    """Codings whose labels the PI approved: evidence of an approved event that agrees with it
    on area, activity and dyad (its sides, in either order for an undirected pair; a
    multilateral coding's participants are not compared). A coding the PI overruled is
    evidence too, with labels the PI decided against: the model must not learn them. Training
    sources (calibration references) are not the study's. A coding on a source that another
    coder still codes (an open assignment) waits until that coder is done."""
    event = "evidence__event__"
    agrees = Q(
        **{f"{event}area": F("area"), f"{event}activity": F("activity"),
           f"{event}dyad_type": F("dyad_type")}
    ) & (
        Q(dyad_type=DyadType.MULTILATERAL)
        | Q(**{f"{event}side_a": F("side_a"), f"{event}side_b": F("side_b")})
        | Q(dyad_type=DyadType.UNDIRECTED,
            **{f"{event}side_a": F("side_b"), f"{event}side_b": F("side_a")})
    )  # fmt: skip
    return (
        Coding.objects.filter(agrees, source__project=project)
        .exclude(training_q())
        .exclude(Exists(others_still_coding()))
    )


def others_still_coding():
    """Open assignments (not done) on a coding's source held by someone other than its coder:
    while one exists, that coding is not learnt from (blind coding: nothing a coder sees on a
    source may depend on another coder's work on it). For use in ``Exists``."""
    return (
        Assignment.objects.filter(source_id=OuterRef("source_id"))
        .exclude(status=AssignmentStatus.DONE)
        .exclude(coder_id=OuterRef("coder_id"))
    )


def trained_source_ids(model: SuggestionModel) -> set[int]:
    """The sources whose approved codings `model` was trained on: no suggestions there. Models
    trained before the ids were stored count every source with approved evidence."""
    ids = (model.evaluation or {}).get(TRAINED_SOURCES)
    if ids is not None:
        return set(ids)
    return set(
        Coding.objects.filter(source__project_id=model.project_id, evidence__isnull=False)
        .values_list("source_id", flat=True)
        .distinct()
    )


def approved_codings(project: Project):
    return (
        _approved(project)
        .select_related("activity", "area", "side_a", "side_b")
        .prefetch_related("participants")
        .order_by("source_id", "start")
    )


def approvals_count(project: Project) -> int:
    return _approved(project).count()


def held_out(source_id: int) -> bool:
    return random.Random(f"held-out-{source_id}").random() < HELD_OUT_SHARE


def coded_of(coding: Coding) -> Coded:
    a = coding.side_a.iso3 if coding.side_a else ""
    b = coding.side_b.iso3 if coding.side_b else ""
    if coding.dyad_type == "multilateral":
        dyad = "+".join(sorted(actor.iso3 for actor in coding.participants.all()))
    elif coding.dyad_type == "directed":
        dyad = f"{a}>{b}"
    else:
        dyad = "-".join(sorted([a, b]))
    return Coded(
        coding.source_id, coding.start, coding.end, coding.activity.slug, coding.area.slug, dyad
    )


def start_training(project: Project) -> SuggestionModel:
    """A queued training run (the caller enqueues "coding.train_suggestions")."""
    return SuggestionModel.objects.create(project=project, total=len(STEPS))


def _step(run: SuggestionModel, index: int) -> None:
    run.step, run.done = STEPS[index], index
    run.save(update_fields=["step", "done", "status"])


def train(run: SuggestionModel) -> SuggestionModel:
    """Run one training: progress, evaluation and the fitted model go into `run`."""
    t0 = time.perf_counter()
    project = run.project
    run.status = ModelStatus.RUNNING
    _step(run, 0)
    codings = list(approved_codings(project))
    if not codings:
        raise ValueError("no approved codings to learn from yet")
    by_source: dict[int, list[Coding]] = defaultdict(list)
    for coding in codings:
        by_source[coding.source_id].append(coding)
    texts = dict(Source.objects.filter(pk__in=list(by_source)).values_list("pk", "text"))
    detector = detector_for_codebook(project.codebook)
    directed = dict(project.codebook.areas.values_list("activities__slug", "activities__directed"))
    area_of = dict(project.codebook.areas.values_list("activities__slug", "slug"))
    mentions = {pk: detector.find(text) for pk, text in texts.items()}

    def examples(source_ids):
        xs, ys = [], []
        for pk in source_ids:
            approved = [Labelled(c.start, c.end, c.activity.slug) for c in by_source[pk]]
            x, y = training_examples(texts[pk], mentions[pk], approved)
            xs += x
            ys += y
        return xs, ys

    _step(run, 1)
    test_ids = [pk for pk in by_source if held_out(pk)]
    train_ids = [pk for pk in by_source if not held_out(pk)]
    evaluation: dict = {"held_out_sources": len(test_ids), TRAINED_SOURCES: sorted(by_source)}
    if len(test_ids) >= MIN_HELD_OUT_SOURCES and train_ids:
        xs, ys = examples(train_ids)
        try:
            trial = PassageClassifier().fit(xs, ys)
        except ValueError as exc:
            evaluation["note"] = str(exc)
        else:
            evaluation |= score_on(
                trial, project, test_ids, texts, mentions, by_source, directed, area_of
            )
            evaluation["trained_on"] = sum(len(by_source[pk]) for pk in train_ids)
    else:
        evaluation["note"] = f"fewer than {MIN_HELD_OUT_SOURCES} adjudicated sources held out"

    _step(run, 2)
    xs, ys = examples(list(by_source))
    classifier = PassageClassifier().fit(xs, ys)

    _step(run, 3)
    run.blob = classifier.to_bytes()
    run.approvals = len(codings)
    run.passages = len(xs)
    run.evaluation = evaluation
    run.status = ModelStatus.READY
    run.done = len(STEPS)
    run.step = ""
    run.finished_at = timezone.now()
    run.seconds = round(time.perf_counter() - t0, 3)
    run.save()
    for _, error in model_ready.send_robust(sender=SuggestionModel, project=project, model=run):
        if error is not None:  # the model is ready all the same; rescoring can be redone
            logger.error("after training %s: %r", run.pk, error)
    return run


def score_on(
    classifier, project, source_ids, texts, mentions, by_source, directed, area_of
) -> dict:
    """The machine and every human coder against the reference on the held-out sources."""
    reference = [coded_of(c) for pk in source_ids for c in by_source[pk]]
    machine = []
    for pk in source_ids:
        for p in propose(classifier, texts[pk], mentions[pk], directed):
            machine.append(
                Coded(pk, p.start, p.end, p.activity, area_of.get(p.activity, ""), p.dyad.label)
            )
    humans = defaultdict(list)
    human_codings = (
        Coding.objects.filter(source_id__in=source_ids)
        .select_related("activity", "area", "side_a", "side_b", "coder")
        .prefetch_related("participants")
    )
    for coding in human_codings:
        humans[coding.coder.username].append(coded_of(coding))
    return {
        "machine": evaluate(machine, reference),
        "coders": {name: evaluate(rows, reference) for name, rows in sorted(humans.items())},
    }


def fail(run: SuggestionModel, error: str) -> None:
    SuggestionModel.objects.filter(pk=run.pk).update(
        status=ModelStatus.FAILED, error=error[:500], finished_at=timezone.now(), done=F("total")
    )


def current_model(project: Project) -> SuggestionModel | None:
    return (
        project.suggestion_models.filter(status=ModelStatus.READY)
        .defer("blob")
        .order_by("-finished_at", "-pk")
        .first()
    )
