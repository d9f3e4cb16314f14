"""The PI dashboard page, its per-figure CSV downloads and the edge-events JSON (PIs only)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from coding import access
from coding.dashboard import figures, tables
from coding.dashboard.forms import DashboardFilterForm, EdgeForm
from coding.export import cells


@login_required
def dashboard_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    form = DashboardFilterForm(project, request.GET or None)
    context = {"project": project, "me": me, "form": form}
    if request.GET and not form.is_valid():
        return render(request, "coding/dashboard/page.html", context, status=400)
    filters = form.filters() if form.is_bound else figures.EventFilters()
    query = request.GET.urlencode()
    context.update(
        events=figures.event_figures(project, filters),
        progress=figures.coding_progress(project),
        reliability=figures.latest_reliability(project),
        query=query,
        csv_links={
            f: reverse("dashboard-csv", args=[slug, f]) + (f"?{query}" if query else "")
            for f in tables.FIGURES
        },
        edge_url=reverse("dashboard-edge", args=[slug]),
        export_link=export_link(slug, filters),
    )
    return render(request, "coding/dashboard/page.html", context)


def export_link(slug: str, filters: figures.EventFilters) -> str:
    """The export page for the events the dashboard shows: the same filters under the export's
    names (`since`/`until` for the dashboard's From/To; both take the event's date)."""
    params = {
        "since": filters.date_from, "until": filters.date_to, "area": filters.area,
        "activity": filters.activity, "min_confidence": filters.min_confidence,
    }  # fmt: skip
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("export", args=[slug]) + (f"?{query}" if query else "")


@login_required
def dashboard_csv_view(request: HttpRequest, slug: str, figure: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    if figure not in tables.FIGURES:
        return HttpResponse(
            f"Unknown figure; choose one of {', '.join(tables.FIGURES)}.",
            status=400, content_type="text/plain",
        )  # fmt: skip
    form = DashboardFilterForm(project, request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    events = figures.event_figures(project, form.filters())
    progress = figures.coding_progress(project)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{project.slug}-{figure}.csv"'
    cells.writer(response).writerows(tables.rows(figure, events, progress))
    return response


@login_required
def dashboard_edge(request: HttpRequest, slug: str) -> JsonResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    form = DashboardFilterForm(project, request.GET)
    edge = EdgeForm(request.GET)
    if not (form.is_valid() & edge.is_valid()):
        errors = {**form.errors.get_json_data(), **edge.errors.get_json_data()}
        return JsonResponse({"errors": errors}, status=400)
    e = edge.cleaned_data
    a = e["a"] if e["kind"] == "multilateral" else e["a"].upper()
    events = figures.edge_events(
        project, form.filters(), e["kind"], a, e["b"].upper(), e["edge_area"] or None
    )
    return JsonResponse({"events": events, "limit": figures.EDGE_EVENTS_LIMIT})
