"""The actor-names page: every member reads the aliases, PIs edit them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coding import access
from coding.detection.aliases import ALIAS_FIELDS
from coding.detection.codebooks import add_shipped_aliases, set_aliases
from coding.detection.forms import AliasesForm


def actor_aliases(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=request.method == "POST")
    codebook = project.codebook
    actors = list(codebook.actors.all())
    if request.method == "POST" and request.POST.get("action") == "add-shipped":
        changed = add_shipped_aliases([codebook.pk])
        messages.success(request, f"Shipped names added to {changed} actor(s); yours were kept.")
        return redirect("actor-aliases", slug=project.slug)
    form = AliasesForm(actors, request.POST or None)
    if request.method == "POST" and form.is_valid():
        for actor in actors:
            if form.aliases[actor.pk] != actor.aliases:
                set_aliases(actor, form.aliases[actor.pk])
        messages.success(request, "Actor names saved.")
        return redirect("actor-aliases", slug=project.slug)
    projects_sharing = codebook.projects.exclude(pk=project.pk).count()
    return render(
        request,
        "coding/detection/actor_aliases.html",
        {
            "project": project,
            "me": me,
            "codebook": codebook,
            "form": form,
            "languages": ALIAS_FIELDS,
            "projects_sharing": projects_sharing,
        },
    )
