"""Calibration rounds: a new coder codes adjudicated training sources, then sees their codings
beside the reference (the PI's approved events) and their agreement per variable; the PI sees
who reached the project's threshold and admits them to the main sample.

Agreement per variable is the presence view of the reliability report with two "coders", the
coder and the reference: for every training source the coder finished and every category of
the variable that either of them used there, is the category present (1) or not (0)?
Krippendorff's alpha (nominal) of that table, and the percent agreement, which stays defined
where alpha is not (no variation: e.g. both coded exactly the same single category). A coder
passes when every training source is done and, for every variable, alpha reaches the threshold,
or alpha is undefined and the percent agreement is 100%.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import Truncator

from coding.models import (
    Assignment,
    CalibrationRound,
    Coding,
    Event,
    Membership,
    Project,
    ReviewDecision,
    Role,
    TrainingSource,
)
from coding.models.assignments import AssignmentStatus
from coding.reliability.data import (
    NOMINAL_VARIABLES,
    dyad_key,
    dyad_label,
    load_adjudication,
    load_reference,
)
from coding.reliability.report import alpha_text
from coding.reliability.stats import alpha, percent_agreement

SOURCE_NAME_CHARS = 80
"""Titles longer than this are shortened (with …) where a message names sources."""


THRESHOLD_RANGE = "The pass mark is a number between 0 and 1, such as 0.80."
"""The one answer to a pass mark that is not a number from 0 to 1 ("abc", -0.1, 2, nan)."""


class CalibrationError(ValueError):
    """A request the PI can correct (shown as a form error, answered with 400)."""


@dataclass
class VariableAgreement:
    variable: str
    alpha: float | None
    percent: float | None
    units: int
    passed: bool
    threshold: float = 0.80  # the project's pass mark, which ``passed`` was decided against

    @property
    def alpha_text(self) -> str:
        """As the report prints alphas (``report.alpha_text``), against the pass mark: an alpha
        just below it never shows as the mark itself beside a failing check (0.79996, not
        0.800)."""
        if self.alpha is None:
            return "undefined"
        return alpha_text(self.alpha, (self.threshold,))

    @property
    def percent_text(self) -> str:
        return "-" if self.percent is None else f"{self.percent:.0%}"


@dataclass
class CoderProgress:
    coder: str
    coder_id: int
    round: CalibrationRound
    done: int
    total: int
    variables: list[VariableAgreement] = field(default_factory=list)
    done_ids: list[int] = field(default_factory=list)  # the finished sources, to compare

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    @property
    def passed(self) -> bool:
        return self.complete and bool(self.variables) and all(v.passed for v in self.variables)


# --- the training set ------------------------------------------------------------------------


def adjudicated_source_ids(project: Project) -> set[int]:
    """Sources whose review is finished: at least one group decided (a review decision not
    undone, or an approved event) and none left open. A training source is coded against its
    reference and leaves the review for good once marked, so a source with an undecided group
    would keep a reference that misses what the PI has not ruled on yet (the reliability
    report's ``load_adjudication`` rule: only decided groups form the reference)."""
    decided = ReviewDecision.objects.filter(project=project, undone_at__isnull=True).values_list(
        "source_id", flat=True
    )
    evidenced = Event.objects.filter(project=project).values_list(
        "evidence__coding__source_id", flat=True
    )
    touched = {s for s in (*decided, *evidenced) if s is not None}
    reference, undecided = load_adjudication(project, sorted(touched))
    still_open = Coding.objects.filter(pk__in=undecided).values_list("source_id", flat=True)
    return set(reference) - set(still_open)


def source_name(pk: int, title: str) -> str:
    """A source as a PI reads it in a message: “Title” (#12), a long title shortened. Plain
    text: the page escapes it (titles come from ingested documents)."""
    return f"“{Truncator(title).chars(SOURCE_NAME_CHARS)}” (#{pk})"


def source_names(project: Project, source_ids) -> str:
    """These sources of the project named as ``source_name`` does, in order of id, joined by
    commas (one query for the titles)."""
    titles = project.sources.filter(pk__in=source_ids).order_by("pk").values_list("pk", "title")
    return ", ".join(source_name(pk, title) for pk, title in titles)


def training_source_ids(project: Project) -> list[int]:
    return list(project.training_sources.values_list("source_id", flat=True))


@transaction.atomic
def mark_training(project: Project, source_ids: list[int], user) -> int:
    """Set these adjudicated sources aside as training sources; returns how many are new."""
    if not source_ids:
        raise CalibrationError("Choose at least one source.")
    own = set(project.sources.filter(pk__in=source_ids).values_list("pk", flat=True))
    if own != set(source_ids):
        raise CalibrationError("Some of these sources are not in this project.")
    existing = set(
        TrainingSource.objects.filter(source_id__in=own).values_list("source_id", flat=True)
    )
    missing = own - existing - adjudicated_source_ids(project)
    if missing:
        raise CalibrationError(
            "Only sources whose review is finished (every group of codings approved or "
            "rejected) can be training sources; these are not: "
            + source_names(project, missing)
            + "."
        )
    TrainingSource.objects.bulk_create(
        [
            TrainingSource(project=project, source_id=s, added_by=user)
            for s in sorted(own - existing)
        ]
    )
    return len(own - existing)


@transaction.atomic
def unmark_training(project: Project, source_ids: list[int]) -> int:
    """Put training sources back into the study, unless trainees have been given them: their
    assignments and codings (made after the source became a training source, having seen the
    references of the others) would enter the review, the reliability figures and the queue
    as the study's."""
    if not source_ids:
        raise CalibrationError("Choose at least one training source to remove.")
    training = TrainingSource.objects.select_for_update().filter(
        project=project, source_id__in=source_ids
    )
    since = F("source__training__added_at")
    given = sorted(
        set(
            Assignment.objects.filter(
                source__in=training.values("source_id"), assigned_at__gte=since
            ).values_list("source_id", flat=True)
        )
        | set(
            Coding.objects.filter(
                source__in=training.values("source_id"), created_at__gte=since
            ).values_list("source_id", flat=True)
        )
    )
    if given:
        raise CalibrationError(
            "Trainees have been given these training sources: "
            + source_names(project, given)
            + ". Their work on them would enter the study as coders' work, so they stay in the "
            "training set."
        )
    deleted, _ = training.delete()
    return deleted


def set_threshold(project: Project, threshold: float) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise CalibrationError(THRESHOLD_RANGE)
    if round(threshold, 2) != threshold:  # the pages show it with two decimals
        raise CalibrationError(
            f"The pass mark takes at most two decimals (0.80, 0.75), not {threshold}."
        )
    project.calibration_threshold = threshold
    project.save(update_fields=["calibration_threshold"])


# --- rounds ----------------------------------------------------------------------------------


@transaction.atomic
def start_round(project: Project, coder_id: int, by) -> CalibrationRound:
    """Give a coder of the project the training set (again: new training sources are added)."""
    member = Membership.objects.filter(project=project, user_id=coder_id, role=Role.CODER).first()
    if member is None:
        raise CalibrationError("Choose a coder of this project.")
    sources = training_source_ids(project)
    if not sources:
        raise CalibrationError("Mark some adjudicated sources as training sources first.")
    built = sorted(reference_builders(project).get(coder_id, ()))
    if built:
        raise CalibrationError(
            f"{member.user.get_username()} coded training source(s) "
            f"{source_names(project, built)} before they became training sources: their "
            "codings are part of the reference they would be compared with. Give the training "
            "set to a coder who has not coded them."
        )
    round_, _ = CalibrationRound.objects.get_or_create(
        project=project, coder_id=coder_id, defaults={"started_by": by}
    )
    Assignment.objects.bulk_create(
        [Assignment(source_id=s, coder_id=coder_id, assigned_by=by) for s in sources],
        ignore_conflicts=True,
    )
    return round_


def reference_builders(project: Project) -> dict[int, set[int]]:
    """Coders who coded a training source before it became one (their codings went into its
    review, and so into its reference): coder id -> those sources."""
    builders: dict[int, set[int]] = defaultdict(set)
    for coder_id, source_id in Coding.objects.filter(
        source__training__project=project, created_at__lt=F("source__training__added_at")
    ).values_list("coder_id", "source_id"):
        builders[coder_id].add(source_id)
    return builders


def admit(project: Project, coder_id: int, by) -> CalibrationRound:
    round_ = CalibrationRound.objects.filter(project=project, coder_id=coder_id).first()
    if round_ is None:
        raise CalibrationError("This coder has no calibration round.")
    if round_.admitted_at is None:
        round_.admitted_at, round_.admitted_by = timezone.now(), by
        round_.save(update_fields=["admitted_at", "admitted_by"])
    return round_


def done_training_ids(project: Project, coder_id: int) -> list[int]:
    return list(
        Assignment.objects.filter(
            source__training__project=project, coder_id=coder_id, status=AssignmentStatus.DONE
        )
        .order_by("source_id")
        .values_list("source_id", flat=True)
    )


# --- agreement -------------------------------------------------------------------------------


def coder_values(coder_id: int, source_ids: list[int]) -> dict[int, dict[str, set[str]]]:
    """source -> variable -> the categories the coder used there (dyads as in the report)."""
    values: dict[int, dict[str, set[str]]] = {
        s: {v: set() for v in NOMINAL_VARIABLES} for s in source_ids
    }
    rows = list(
        Coding.objects.filter(coder_id=coder_id, source_id__in=source_ids).values_list(
            "id",
            "source_id",
            "dyad_type",
            "side_a__iso3",
            "side_b__iso3",
            "area__slug",
            "activity__slug",
        )
    )
    members: dict[int, list[str]] = defaultdict(list)
    for coding_id, iso3 in Coding.participants.through.objects.filter(
        coding_id__in=[r[0] for r in rows if r[2] == "multilateral"]
    ).values_list("coding_id", "actor__iso3"):
        members[coding_id].append(iso3)
    for pk, source_id, dyad_type, side_a, side_b, area, activity in rows:
        mine = values[source_id]
        mine["dyad"].add(dyad_key(dyad_type, side_a, side_b, members.get(pk, ())))
        mine["area"].add(area)
        mine["activity"].add(activity)
    return values


def agreement(
    mine: dict[int, dict[str, set[str]]],
    reference: dict[int, dict[str, set[str]]],
    threshold: float,
) -> list[VariableAgreement]:
    """Per variable, the coder against the reference over these sources (module docstring)."""
    sources = sorted(s for s in mine if s in reference)
    result = []
    for variable in NOMINAL_VARIABLES:
        coder_row: list[int] = []
        reference_row: list[int] = []
        for s in sources:
            a, b = mine[s][variable], reference[s][variable]
            for category in sorted(a | b):
                coder_row.append(int(category in a))
                reference_row.append(int(category in b))
        value = percent = None
        if coder_row:
            percent = percent_agreement([coder_row, reference_row])
            try:
                value = alpha([coder_row, reference_row], "nominal")
            except ValueError:  # no variation: alpha = 1 - 0/0
                value = None
        passed = (value is not None and value >= threshold) or (
            value is None and percent is not None and percent == 1.0
        )
        result.append(
            VariableAgreement(variable, value, percent, len(coder_row), passed, threshold)
        )
    return result


def coder_agreement(project: Project, coder_id: int) -> tuple[list[int], list[VariableAgreement]]:
    """The training sources the coder finished and their agreement over them."""
    done = done_training_ids(project, coder_id)
    if not done:
        return done, []
    reference = load_reference(project, done)
    return done, agreement(coder_values(coder_id, done), reference, project.calibration_threshold)


def overview(project: Project) -> list[CoderProgress]:
    """Every coder with a calibration round: progress, agreement per variable, passed."""
    total = len(training_source_ids(project))
    rows = []
    for round_ in project.calibration_rounds.select_related("coder", "admitted_by"):
        done, variables = coder_agreement(project, round_.coder_id)
        rows.append(
            CoderProgress(
                coder=round_.coder.get_username(),
                coder_id=round_.coder_id,
                round=round_,
                done=len(done),
                total=total,
                variables=variables,
                done_ids=done,
            )
        )
    return rows


# --- the comparison a coder sees after marking a training source done -----------------------


def comparison(project: Project, coder_id: int, source_id: int) -> dict:
    """The coder's codings and the reference events of one training source, side by side: per
    variable the categories in both, only in the coder's codings, only in the reference."""
    mine = coder_values(coder_id, [source_id])[source_id]
    reference = load_reference(project, [source_id]).get(
        source_id, {v: set() for v in NOMINAL_VARIABLES}
    )
    labels = _labels(project)
    variables = []
    for variable in NOMINAL_VARIABLES:
        a, b = mine[variable], reference[variable]
        variables.append(
            {
                "variable": variable,
                "rows": [
                    {
                        "category": k,
                        "label": dyad_label(k)
                        if variable == "dyad"
                        else labels.get(variable, {}).get(k, k),
                        "mine": k in a,
                        "reference": k in b,
                        "agree": (k in a) == (k in b),
                    }
                    for k in sorted(a | b)
                ],
            }
        )
    # Each coding beside the reference events on its passage (an event's evidence overlapping
    # it), each event beside the coder's codings on its passages: a ✓ says the same value is
    # there, not merely somewhere in the source; nothing there to compare is said so.
    own = []
    for c in (
        Coding.objects.filter(coder_id=coder_id, source_id=source_id)
        .select_related("side_a", "side_b", "area", "activity")
        .prefetch_related("participants")
        .order_by("start", "id")
    ):
        dyad = dyad_key(c.dyad_type, _iso(c.side_a), _iso(c.side_b),
                        [p.iso3 for p in c.participants.all()])  # fmt: skip
        own.append((c, _values(c, dyad), [(c.start, c.end)]))
    reference_events = []
    for e in (
        Event.objects.filter(project=project, evidence__coding__source_id=source_id)
        .distinct()
        .select_related("side_a", "side_b", "area", "activity")
        .prefetch_related("participants", "evidence__coding")
        .order_by("event_id")
    ):
        dyad = dyad_key(e.dyad_type, _iso(e.side_a), _iso(e.side_b),
                        [p.iso3 for p in e.participants.all()])  # fmt: skip
        evidence = sorted(e.evidence.all(), key=lambda x: (not x.primary, x.coding_id))
        here = [x.coding for x in evidence if x.coding.source_id == source_id]
        spans = [(c.start, c.end) for c in here]
        quote = evidence[0].coding.quote if evidence else ""
        reference_events.append((e, _values(e, dyad), spans, quote))
    codings = [
        _side(c, values, [v for _, v, s, _ in reference_events if _overlap(spans, s)])
        for c, values, spans in own
    ]
    events = [
        {**_side(e, values, [v for _, v, s in own if _overlap(spans, s)]), "quote": quote}
        for e, values, spans, quote in reference_events
    ]
    return {"variables": variables, "codings": codings, "events": events}


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(s < e2 and s2 < e for s, e in a for s2, e2 in b)


def _values(item, dyad: str) -> dict[str, str]:
    return {"dyad": dyad, "area": item.area.slug, "activity": item.activity.slug}


def _iso(actor) -> str | None:
    return actor.iso3 if actor is not None else None


def _side(item, values: dict[str, str], there: list[dict[str, str]]) -> dict:
    """One coding or event with, per variable, whether one of `there` (what the other side
    coded on the same passage) has the same value; `matches` is None when there is nothing."""
    return {
        "quote": getattr(item, "quote", ""),
        "dyad": dyad_label(values["dyad"]),
        "area": item.area.label,
        "activity": item.activity.label,
        "confidence": item.confidence,
        "matches": {v: any(t[v] == values[v] for t in there) for v in NOMINAL_VARIABLES}
        if there
        else None,
    }


def _labels(project: Project) -> dict[str, dict[str, str]]:
    areas = dict(project.codebook.areas.values_list("slug", "label"))
    activities = {}
    for area in project.codebook.areas.prefetch_related("activities"):
        activities.update({a.slug: a.label for a in area.activities.all()})
    return {"area": areas, "activity": activities}


def trainees_and_candidates(project: Project) -> list[tuple[int, str]]:
    """Coders of the project (id, username) for the PI's "start a round" choice: not those
    whose own codings are part of the reference (`reference_builders`)."""
    builders = reference_builders(project)
    return [
        (pk, name)
        for pk, name in Membership.objects.filter(project=project, role=Role.CODER)
        .order_by("user__username")
        .values_list("user_id", "user__username")
        if pk not in builders
    ]


def no_trainee_reason(project: Project) -> str:
    """Why no coder is offered the training set (``trainees_and_candidates`` is empty): the
    project has no coders, or every coder's codings are part of the reference."""
    names = list(
        Membership.objects.filter(project=project, role=Role.CODER)
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )
    if not names:
        return (
            "No coder can be given the training set: the project has no coders yet. Add a "
            "coder to the project first."
        )
    who = "the project's only coder" if len(names) == 1 else "every coder of the project"
    return (
        f"No coder can be given the training set: {who} ({', '.join(names)}) coded training "
        "sources before they became training sources, so their codings are part of the "
        "reference they would be compared with. Add a new coder to the project first."
    )


def adjudicated_sources(project: Project):
    """Adjudicated sources that are not training sources yet (candidates for the set)."""
    ids = adjudicated_source_ids(project)
    return (
        project.sources.filter(pk__in=ids)
        .exclude(Q(training__isnull=False))
        .only("id", "title")
        .order_by("pk")
    )
