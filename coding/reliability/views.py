"""The reliability page, its progress endpoint and its downloads (PIs only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coding import access
from coding.reliability import export, jobs
from coding.reliability.forms import ReliabilityFilterForm
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
        # shown as <img src="data:image/svg+xml;..."> rather than inline: an SVG image runs no
        # script, and its style attributes need no exception in the Content-Security-Policy
        pair_key = f"presence:{variable}"
        context["pair_svg"] = export.svg_data_uri(export.pair_heatmap(report, pair_key))
        context["confusion_svg"] = export.svg_data_uri(export.confusion_heatmap(report, variable))
        context["heatmap_variable"] = variable
        context["pairs"] = report["pairs"].get(pair_key, [])
        context["confusions"] = report["coincidence"].get(variable, {}).get("confusions", [])
        context["methods"] = export.methods_paragraph(report, markdown=False)
        context["has_intervals"] = export.has_intervals(report)
        clinic = report.get("clinic", {})
        context["reference"] = clinic.get("reference", {})
        left_out = context["reference"].get("left_out_by_coder", {})  # in undecided groups
        context["left_out"] = [(coder, n) for coder, n in left_out.items() if n]
        context["leave_one_out"] = clinic.get("leave_one_out", {}).get(variable, [])
        context["drift"] = {
            "variables": clinic.get("drift", {}),
            "batch_size": clinic.get("batch_size"),
            "overall": {r["variable"]: r["alpha"] for r in report["rows"]
                        if r["view"] == "presence" and r["category"] is None},
        }  # fmt: skip
        context["formats"] = list(export.FORMATS)
        context["rows"] = _shown(report["rows"])
        context["reference_rows"] = {
            variable: _shown(entries)
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
    content_type, extension = export.FORMATS[fmt]
    response = HttpResponse(export.render(report, fmt), content_type=content_type)
    filename = f"reliability-{project.slug}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
