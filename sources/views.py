from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coding import access

from .access import source_for, visible_sources


@login_required
def source_list(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    sources = visible_sources(project, me).defer("text", "original_compressed")
    page = Paginator(sources.order_by("-published_date", "title"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "sources/source_list.html", {"project": project, "me": me, "page": page}
    )


@login_required
def source_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    source = source_for(project, me, pk)
    return render(
        request,
        "sources/source_detail.html",
        {"project": project, "me": me, "source": source, "paragraphs": source.text.split("\n\n")},
    )
