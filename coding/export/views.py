"""The export page and its downloads (PIs only): the events zip, W3C annotations, REFI-QDA."""

import io
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from coding import access
from coding.export.annotations import iter_annotations_jsonld
from coding.export.archive import iter_export_zip
from coding.export.filters import EventFilter, describe_filters, filtered_events
from coding.export.refi import codebook_qdc, write_qdpx
from coding.models import Activity
from coding.reliability.training import study_events


def _name(project, suffix: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d")
    return f"{re.sub(r'[^A-Za-z0-9_-]', '-', project.slug)}-{suffix}-{stamp}"


@login_required
def export_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    filterset = EventFilter(data=request.GET or None, queryset=study_events(project))
    count = filterset.qs.count() if (not request.GET or filterset.is_valid()) else None
    codebook = project.codebook
    return render(
        request,
        "coding/export/page.html",
        {
            "project": project,
            "me": me,
            "filterset": filterset,
            "count": count,
            "total": study_events(project).count(),
            "query": request.GET.urlencode(),
            "areas": codebook.areas.order_by("order"),
            "activities": Activity.objects.filter(area__codebook=codebook).order_by(
                "area__order", "order"
            ),
            "actors": codebook.actors.all(),
        },
        status=200 if count is not None else 400,
    )


@login_required
def export_zip(request: HttpRequest, slug: str) -> HttpResponse:
    project, _me = access.project_for(request.user, slug, pi=True)
    try:
        events = filtered_events(study_events(project), request.GET)
    except ValidationError as e:
        return HttpResponse(
            "Bad filters: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = StreamingHttpResponse(
        iter_export_zip(project, events, describe_filters(request.GET)),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{_name(project, "events")}.zip"'
    return response


@login_required
def export_annotations(request: HttpRequest, slug: str) -> HttpResponse:
    project, _me = access.project_for(request.user, slug, pi=True)
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in iter_annotations_jsonld(project)),
        content_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    )
    name = _name(project, "annotations")
    response["Content-Disposition"] = f'attachment; filename="{name}.jsonld"'
    return response


@login_required
def export_qdpx(request: HttpRequest, slug: str) -> HttpResponse:
    project, _me = access.project_for(request.user, slug, pi=True)
    buffer = io.BytesIO()
    write_qdpx(project, buffer)
    buffer.seek(0)
    return FileResponse(
        buffer, as_attachment=True, filename=f"{_name(project, 'project')}.qdpx",
        content_type="application/zip",
    )  # fmt: skip


@login_required
def export_qdc(request: HttpRequest, slug: str) -> HttpResponse:
    project, _me = access.project_for(request.user, slug, pi=True)
    response = HttpResponse(codebook_qdc(project.codebook), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{_name(project, "codebook")}.qdc"'
    return response
