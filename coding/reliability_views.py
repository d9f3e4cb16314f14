"""The reliability page, its progress endpoint and its downloads (PIs only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from . import access, reliability_export, reliability_jobs
from .reliability_forms import ReliabilityFilterForm
from .reliability_report import VIEW_TITLES


def _form(request: HttpRequest, project) -> ReliabilityFilterForm:
    return ReliabilityFilterForm(project, request.GET or {})


@login_required
def reliability_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    form = _form(request, project)
    context = {"project": project, "me": me, "form": form, "view_titles": VIEW_TITLES}
    if not form.is_valid():
        return render(request, "coding/reliability.html", context, status=400)
    _key, report, progress = reliability_jobs.report_or_start(project, form.filters())
    context.update(report=report, progress=progress, query=request.GET.urlencode())
    if report is not None:
        variable = form.cleaned_data.get("heatmap") or "activity"
        # SVG we drew ourselves; labels are drawn as paths, so no text from the data is markup
        pair_key = f"presence:{variable}"
        context["pair_svg"] = mark_safe(
            reliability_export.to_svg(reliability_export.pair_heatmap(report, pair_key))
        )
        context["confusion_svg"] = mark_safe(
            reliability_export.to_svg(reliability_export.confusion_heatmap(report, variable))
        )
        context["heatmap_variable"] = variable
        context["pairs"] = report["pairs"].get(pair_key, [])
        context["confusions"] = report["coincidence"].get(variable, {}).get("confusions", [])
        context["methods"] = reliability_export.methods_paragraph(report, markdown=False)
        context["formats"] = list(reliability_export.FORMATS)
    return render(request, "coding/reliability.html", context)


@login_required
def reliability_status(request: HttpRequest, slug: str) -> JsonResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    form = _form(request, project)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    key = reliability_jobs.fingerprint(
        project, form.filters(), reliability_jobs.N_RESAMPLES, reliability_jobs.SEED
    )
    ready = reliability_jobs.cached(key) is not None
    progress = reliability_jobs.progress_of(key) or {"state": "unknown", "done": 0, "total": 1}
    return JsonResponse({"ready": ready, **progress})


@login_required
def reliability_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    if fmt not in reliability_export.FORMATS:
        raise Http404("Unknown format.")
    form = _form(request, project)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    filters = form.filters()
    key = reliability_jobs.fingerprint(
        project, filters, reliability_jobs.N_RESAMPLES, reliability_jobs.SEED
    )
    report = reliability_jobs.cached(key) or reliability_jobs.compute(project, filters, key=key)
    content_type, extension = reliability_export.FORMATS[fmt]
    response = HttpResponse(reliability_export.render(report, fmt), content_type=content_type)
    filename = f"reliability-{project.slug}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
