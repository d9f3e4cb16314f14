"""The PI's suggestions page: settings, training, the machine as a coder, the learning curve."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coding import access
from coding.suggestions.forms import SuggestionSettingsForm
from coding.suggestions.report import suggestions_summary
from coding.suggestions.retraining import retrain
from config.methods import post_only


@login_required
def suggestions_page(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug, pi=True)
    form = SuggestionSettingsForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Suggestion settings saved.")
        return redirect("suggestions", slug=project.slug)
    latest = project.suggestion_models.defer("blob").first()
    return render(
        request,
        "coding/suggestions/page.html",
        {
            "project": project,
            "me": me,
            "form": form,
            "latest": latest,
            "summary": suggestions_summary(project),
        },
    )


@login_required
@post_only
def suggestions_retrain(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    retrain(project)
    messages.success(request, "Training queued; this page shows its progress.")
    return redirect("suggestions", slug=project.slug)
