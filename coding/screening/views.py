"""Screening pages: the overview and settings (PIs), the screener's page (members)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from coding import access
from coding.detection.codebooks import detect
from coding.detection.highlight import segments
from coding.models import SourceScreening
from coding.screening.agreement import screening_agreement
from coding.screening.decisions import (
    ScreeningClosed,
    decide,
    rescore,
    send_unscreened,
    settles,
)
from coding.screening.forms import DecisionForm, ScreeningSettingsForm
from coding.screening.queue import conflicts, my_answer_counts, screening_queue, status_counts
from config.converters import parse_id
from config.methods import post_only


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=request.method == "POST")
    form = ScreeningSettingsForm(request.POST or None, instance=project) if me.is_pi else None
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Screening settings saved.")
        return redirect("screening", slug=project.slug)
    return render(
        request,
        "coding/screening/overview.html",
        {
            "project": project,
            "me": me,
            "form": form,
            # statuses depend on other screeners' answers: coders see only their own answers
            "counts": status_counts(project) if me.is_pi else None,
            "mine": my_answer_counts(project, request.user),
            "waiting_for_me": screening_queue(project, request.user).count(),
            "conflicts": conflicts(project) if me.is_pi else None,
            "agreement": screening_agreement(project) if me.is_pi else None,
            "unscreened": project.sources.filter(
                assignments__isnull=True, screening__isnull=True
            ).count(),
        },
    )


@login_required
@post_only
def send(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    action = request.POST.get("action")
    if action == "rescore":
        messages.success(request, f"Relevance recomputed for {rescore(project)} open source(s).")
    else:
        messages.success(request, f"{send_unscreened(project)} source(s) sent to screening.")
    return redirect("screening", slug=project.slug)


@login_required
def screen(request: HttpRequest, slug: str) -> HttpResponse:
    """The next source to screen, or `?source=<id>` (PIs settling a disagreement)."""
    project, me = access.project_for(request.user, slug)
    queue = screening_queue(project, request.user)
    wanted = request.GET.get("source")
    if wanted and me.is_pi:
        item = get_object_or_404(
            SourceScreening.objects.select_related("source"),
            source__project=project,
            source_id=parse_id(wanted) or -1,
        )
    else:
        item = queue.first()
    context = {"project": project, "me": me, "item": item, "left": queue.count()}
    if item is not None:
        text = item.source.text
        mentions = detect(project.codebook, text)
        names = dict(project.codebook.actors.values_list("iso3", "name"))
        order = {iso3: i % 8 for i, iso3 in enumerate(sorted(names))}
        context |= {
            "segments": [
                {
                    "text": seg.text,
                    "iso3": seg.iso3,
                    "start": seg.start,
                    "slot": order.get(seg.iso3, 0),
                }
                for seg in segments(text, mentions)
            ],
            "found": [(iso3, names.get(iso3, iso3), order.get(iso3, 0)) for iso3 in item.actors],
            "final": settles(item, is_pi=me.is_pi),
            "decisions": item.decisions.select_related("screener") if me.is_pi else None,
            "form": DecisionForm(),
        }
    return render(request, "coding/screening/screen.html", context)


@login_required
@post_only
def answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    item = get_object_or_404(SourceScreening, source__project=project, source_id=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Answer relevant or not relevant.")
        return redirect(reverse("screening-screen", args=[project.slug]) + f"?source={pk}")
    final = settles(item, is_pi=me.is_pi)
    try:
        decide(
            item,
            request.user,
            form.cleaned_data["relevant"],
            form.cleaned_data["note"],
            final=final,
        )
    except ScreeningClosed as exc:
        messages.error(request, str(exc))
    else:
        word = "relevant" if form.cleaned_data["relevant"] else "not relevant"
        messages.success(request, f"“{item.source.title}”: {word}.")
    if final:
        return redirect("screening", slug=project.slug)
    return redirect("screening-screen", slug=project.slug)
