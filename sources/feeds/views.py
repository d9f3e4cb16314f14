"""The feeds page: a project's PIs subscribe to feeds and see how each is doing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from coding import access
from config.methods import post_only
from sources.feeds.forms import FeedForm
from sources.feeds.subscriptions import pause, poll_soon, resume, save_settings, subscribe


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
def feed_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a feed's title, interval, coders and reliability share (its URL is set once:
    remove the feed and add the new one)."""
    project, me = access.project_for(request.user, slug, pi=True)
    feed = get_object_or_404(project.feeds, pk=pk)
    form = FeedForm(request.POST or None, instance=feed, project=project)
    if request.method == "POST" and form.is_valid():
        changed = form.save(commit=False)
        save_settings(changed, form.cleaned_data["coders"])
        messages.success(request, f"{changed} saved.")
        return redirect("feed-detail", slug=project.slug, pk=feed.pk)
    context = {"project": project, "me": me, "feed": feed, "form": form}
    return render(request, "sources/feeds/feed_edit.html", context)


FEED_ACTIONS = ("poll", "pause", "resume", "delete")


@login_required
@post_only
def feed_action(request: HttpRequest, slug: str, pk: int, action: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    feed = get_object_or_404(project.feeds, pk=pk)
    if action not in FEED_ACTIONS:
        raise Http404("No such feed action.")
    if action == "resume":
        resume(feed)
        messages.success(request, f"{feed} resumed: it is polled within a minute.")
    elif action == "pause":
        pause(feed)
        messages.success(request, f"{feed} paused: it is not polled until you resume it.")
    elif action == "poll":
        if feed.paused:
            messages.error(request, f"{feed} is paused: resume it to poll it.")
        else:
            poll_soon(feed)
            messages.success(request, f"{feed} is polled within a minute.")
    else:
        feed.delete()
        messages.success(request, "Feed removed; its sources stay.")
    return redirect("feed-list", slug=project.slug)
