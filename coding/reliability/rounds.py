"""Calibration pages: the PI's training set and rounds, a coder's round and comparisons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize

from coding import access
from coding.models import Assignment, CalibrationRound
from coding.models.assignments import AssignmentStatus
from coding.reliability import calibration
from coding.reliability.calibration import CalibrationError
from config.converters import parse_id


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(x) for x in values]
    except ValueError:
        raise CalibrationError("Source and coder ids are numbers.") from None


def _ticked(request: HttpRequest, action: str) -> set[int]:
    """The sources the PI ticked in the form of ``action`` ("mark" or "unmark"), to tick them
    again when the page comes back with an error (ids that are not numbers are dropped)."""
    if request.method != "POST" or request.POST.get("action") != action:
        return set()
    return {pk for x in request.POST.getlist("source") if (pk := parse_id(x)) is not None}


def _act(request: HttpRequest, project) -> str:
    """Apply one PI action from the page's forms; returns the message to show."""
    action = request.POST.get("action", "")
    if action == "mark":
        n = calibration.mark_training(project, _ids(request.POST.getlist("source")), request.user)
        return f"{n} source{pluralize(n)} added to the training set."
    if action == "unmark":
        n = calibration.unmark_training(project, _ids(request.POST.getlist("source")))
        return f"{n} source{pluralize(n)} removed from the training set."
    if action == "threshold":
        try:
            value = float(request.POST.get("threshold", ""))
        except ValueError:
            raise CalibrationError(calibration.THRESHOLD_RANGE) from None
        calibration.set_threshold(project, value)
        return f"Threshold set to {value:.2f}."
    if action in ("start", "admit"):
        if not request.POST.get("coder", "").strip():
            raise CalibrationError(
                "Choose a coder to give the training set to."
                if action == "start"
                else "Choose a coder to admit."
            )
        (coder_id,) = _ids([request.POST.get("coder", "")])
        if action == "start":
            calibration.start_round(project, coder_id, request.user)
            return "Training set assigned."
        calibration.admit(project, coder_id, request.user)
        return "Coder admitted to the main sample."
    raise CalibrationError("Unknown action.")


@login_required
def calibration_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    if not me.is_pi:
        if request.method == "POST":
            raise PermissionDenied("Only the project's PIs may do this.")
        return _coder_page(request, project, me)
    error = None
    if request.method == "POST":
        try:
            messages.success(request, _act(request, project))
            return redirect("calibration", slug=project.slug)
        except CalibrationError as exc:
            error = str(exc)
    training = list(
        project.sources.filter(training__isnull=False).only("id", "title").order_by("pk")
    )
    coders = calibration.trainees_and_candidates(project)
    context = {
        "project": project,
        "me": me,
        "error": error,
        "training": training,
        "candidates": calibration.adjudicated_sources(project),
        "coders": coders,
        "no_trainee": "" if coders else calibration.no_trainee_reason(project),
        "ticked_mark": _ticked(request, "mark"),
        "ticked_unmark": _ticked(request, "unmark"),
        "rows": calibration.overview(project),
        "variables": calibration.NOMINAL_VARIABLES,
    }
    return render(
        request, "coding/reliability/calibration.html", context, status=400 if error else 200
    )


def _coder_page(request: HttpRequest, project, me) -> HttpResponse:
    round_ = CalibrationRound.objects.filter(project=project, coder=request.user).first()
    assignments = []
    variables = []
    if round_ is not None:
        assignments = list(
            Assignment.objects.filter(source__training__project=project, coder=request.user)
            .select_related("source")
            .only("status", "source__id", "source__title")
            .order_by("source_id")
        )
        _done, variables = calibration.coder_agreement(project, request.user.pk)
    done = sum(1 for a in assignments if a.status == AssignmentStatus.DONE)
    return render(
        request,
        "coding/reliability/calibration_coder.html",
        {
            "project": project,
            "me": me,
            "round": round_,
            "assignments": assignments,
            "done": done,
            "variables": variables,
            "complete": bool(assignments) and done == len(assignments),
        },
    )


@login_required
def calibration_comparison(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A done training source: the coder's codings beside the reference. Coders see their own
    (only once done: blind coding), PIs anyone's (?coder=<id>)."""
    project, me = access.project_for(request.user, slug)
    coder_id = request.user.pk
    if me.is_pi and request.GET.get("coder"):
        coder_id = parse_id(request.GET["coder"])
        if coder_id is None:
            return HttpResponse("coder is a user id.", status=400, content_type="text/plain")
    assignment = (
        Assignment.objects.filter(
            source_id=pk, source__training__project=project, coder_id=coder_id
        )
        .select_related("source", "coder")
        .first()
    )
    if assignment is None:
        raise Http404("No such training source among yours.")
    if assignment.status != AssignmentStatus.DONE:
        raise PermissionDenied(
            "Mark the source as done first: the reference stays hidden until then."
        )
    _done, variables = calibration.coder_agreement(project, coder_id)
    return render(
        request,
        "coding/reliability/calibration_comparison.html",
        {
            "project": project,
            "me": me,
            "source": assignment.source,
            "coder": assignment.coder,
            # a PI looking at a coder's comparison reads their name where the coder reads "you"
            "who": "You" if coder_id == request.user.pk else assignment.coder.get_username(),
            "comparison": calibration.comparison(project, coder_id, pk),
            "variables": variables,
            "threshold": project.calibration_threshold,
        },
    )
