"""The reliability page, its progress endpoint and its downloads (PIs only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coding import access
from coding.projects import marked, member_marks
from coding.reliability import export, jobs
from coding.reliability.forms import ReliabilityFilterForm
from coding.reliability.names import labelled
from coding.reliability.report import MINIMUMS, VIEW_TITLES, alpha_text
from coding.screening.agreement import screening_agreement
from coding.suggestions.report import suggestions_summary


def _form(request: HttpRequest, project) -> ReliabilityFilterForm:
    return ReliabilityFilterForm(project, request.GET or {})


def _shown(rows: list[dict]) -> list[dict]:
    """Copies of these alpha rows (the cached report stays as it is) with the alpha as the page
    shows it, ``alpha_text``, and whether the page marks the row below the lower minimum: an
    alpha of 0.6665 shows as "0.6665", not as "0.667" in a row marked below 0.667."""
    shown = []
    for row in rows:
        value = row.get("alpha")
        shown.append({**row, "alpha_text": "" if value is None else alpha_text(value),
                      "below_minimum": value is not None and value < MINIMUMS[0]})  # fmt: skip
    return shown


@login_required
def reliability_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    form = _form(request, project)
    context = {"project": project, "me": me, "form": form, "view_titles": VIEW_TITLES}
    context["screening"] = screening_agreement(project) if project.screening_required else None
    context["summary"] = suggestions_summary(project)
    if not form.is_valid():
        return render(request, "coding/reliability/page.html", context, status=400)
    _key, report, progress = jobs.report_or_start(project, form.filters())
    context.update(report=report, progress=progress, query=request.GET.urlencode())
    if report is not None:
        variable = form.cleaned_data.get("heatmap") or "activity"
        # coders named as the dashboard and the review pages name them, by their membership
        # now (the report is cached: a coder removed since is marked all the same)
        marks = member_marks(project, report["coders"])
        # shown as <img src="data:image/svg+xml;..."> rather than inline: an SVG image runs no
        # script, and its style attributes need no exception in the Content-Security-Policy
        pair_key = f"presence:{variable}"
        named = labelled(report, marks)  # the heat map's axes: plain labels
        context["pair_svg"] = export.svg_data_uri(export.pair_heatmap(named, pair_key))
        context["confusion_svg"] = export.svg_data_uri(export.confusion_heatmap(report, variable))
        context["heatmap_variable"] = variable
        context["pairs"] = [
            {**p, "a_mark": marks.get(p["a"], ""), "b_mark": marks.get(p["b"], "")}
            for p in report["pairs"].get(pair_key, [])
        ]
        context["confusions"] = report["coincidence"].get(variable, {}).get("confusions", [])
        context["methods"] = export.methods_paragraph(report, markdown=False)
        context["has_intervals"] = export.has_intervals(report)
        clinic = report.get("clinic", {})
        context["reference"] = clinic.get("reference", {})
        left_out = context["reference"].get("left_out_by_coder", {})  # in undecided groups
        context["left_out"] = [
            (coder, marks.get(coder, ""), n) for coder, n in left_out.items() if n
        ]
        context["leave_one_out"] = [
            {**e, "mark": marks.get(e["coder"], "")}
            for e in clinic.get("leave_one_out", {}).get(variable, [])
        ]
        context["disagreements"] = [
            (coder, marks.get(coder, ""), items)
            for coder, items in context["reference"].get("disagreements", {}).items()
        ]
        context["drift"] = {
            "variables": clinic.get("drift", {}),
            "batch_size": clinic.get("batch_size"),
            "overall": {r["variable"]: r["alpha"] for r in report["rows"]
                        if r["view"] == "presence" and r["category"] is None},
        }  # fmt: skip
        context["formats"] = list(export.FORMATS)
        context["rows"] = _shown(report["rows"])
        context["reference_rows"] = {
            variable: [{**r, "mark": marks.get(r["label"], "")} for r in _shown(entries)]
            for variable, entries in context["reference"].get("rows", {}).items()
        }
    return render(request, "coding/reliability/page.html", context)


@login_required
def reliability_status(request: HttpRequest, slug: str) -> JsonResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    form = _form(request, project)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    key = jobs.fingerprint(project, form.filters(), jobs.N_RESAMPLES, jobs.SEED)
    ready = jobs.cached(key) is not None
    progress = jobs.progress_of(key) or {"state": "unknown", "done": 0, "total": 1}
    return JsonResponse({"ready": ready, **progress})


@login_required
def reliability_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    if fmt not in export.FORMATS:
        raise Http404("Unknown format.")
    form = _form(request, project)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    filters = form.filters()
    key = jobs.fingerprint(project, filters, jobs.N_RESAMPLES, jobs.SEED)
    report = jobs.cached(key) or jobs.compute(project, filters, key=key)
    report, marks = _named(project, filters, report)
    if fmt == "json":  # data: coders keep their usernames, their marks beside them
        report["meta"]["coder_marks"] = {name: mark for name, mark in marks.items() if mark}
    else:
        report = labelled(report, marks)
    content_type, extension = export.FORMATS[fmt]
    response = HttpResponse(export.render(report, fmt), content_type=content_type)
    filename = f"reliability-{project.slug}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _named(project, filters, report: dict) -> tuple[dict, dict[str, str]]:
    """The marks of the report's coders and of the chosen ones, read from the memberships now
    (one query), and a shallow copy of the (cached) report whose filters in words name the
    chosen coders as the page does: "coders alice, dan (former member)"."""
    chosen = jobs.chosen_coders(filters)
    marks = member_marks(project, [*report["coders"], *chosen])
    meta = dict(report.get("meta", {}))
    if "filters_text" in meta:
        meta["filters_text"] = jobs.filters_text(
            project, filters, coders=[marked(name, marks) for name in chosen]
        )
    return {**report, "meta": meta}, marks
