"""The feeds page: a project's PIs subscribe to feeds and see how each is doing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coding import access
from sources.feeds.forms import FeedForm
from sources.feeds.subscriptions import poll_soon, resume, subscribe


@login_required
def feed_list(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    form = FeedForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        subscribe(form.save(commit=False), project, request.user)
        form.save_m2m()
        messages.success(request, "Feed added: it is polled within a minute.")
        return redirect("feed-list", slug=project.slug)
    feeds = project.feeds.prefetch_related("coders")
    context = {"project": project, "me": me, "form": form, "feeds": feeds}
    return render(request, "sources/feeds/feed_list.html", context)


@login_required
def feed_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    feed = get_object_or_404(project.feeds, pk=pk)
    jobs = feed.jobs.order_by("-created_at")[:20]
    entries = feed.entries.order_by("-seen_at")[:50]
    context = {"project": project, "me": me, "feed": feed, "jobs": jobs, "entries": entries}
    return render(request, "sources/feeds/feed_detail.html", context)


@login_required
@require_POST
def feed_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    feed = get_object_or_404(project.feeds, pk=pk)
    if action == "resume":
        resume(feed)
        messages.success(request, f"{feed} resumed: it is polled within a minute.")
    elif action == "poll":
        poll_soon(feed)
        messages.success(request, f"{feed} is polled within a minute.")
    elif action == "delete":
        feed.delete()
        messages.success(request, "Feed removed; its sources stay.")
    return redirect("feed-list", slug=project.slug)
