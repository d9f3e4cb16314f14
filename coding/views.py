from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from coding import access
from coding.forms import MemberForm, MemberRoleForm, ProjectForm
from coding.health import health_report
from coding.models import Activity, Membership
from coding.projects import (
    add_member,
    create_project,
    removal_summary,
    remove_member,
    set_member,
)
from config.methods import post_only


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect("project-list")


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("project__codebook")
        .annotate(source_count=Count("project__sources", distinct=True))
        .order_by("project__name")
    )
    return render(
        request,
        "coding/project_list.html",
        {"memberships": memberships, "can_create": access.can_create_projects(request.user)},
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    if not access.can_create_projects(request.user):
        raise PermissionDenied("Only principal investigators can create projects.")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = create_project(creator=request.user, **form.cleaned_data)
        messages.success(request, f"Project “{project.name}” created. Add its members below.")
        return redirect(project)
    return render(request, "coding/project_form.html", {"form": form})


@login_required
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    codebook = project.codebook
    areas = codebook.areas.annotate(  # what a coder can choose, as the workspace offers it
        activity_count=Count("activities", filter=Q(activities__enabled=True)),
        disabled_count=Count("activities", filter=Q(activities__enabled=False)),
    )
    members = project.memberships.select_related("user").order_by("role", "user__username")
    return render(
        request,
        "coding/project_detail.html",
        {
            "project": project,
            "me": me,
            "areas": areas,
            "actors": codebook.actors.all(),
            "members": members,
            "member_form": MemberForm() if me.is_pi else None,
            "source_count": project.sources.count(),
        },
    )


@login_required
def codebook_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project, me = access.project_for(request.user, slug)
    codebook = project.codebook
    areas = codebook.areas.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("order", "label"))
    )
    return render(
        request,
        "coding/codebook_detail.html",
        {
            "project": project,
            "me": me,
            "codebook": codebook,
            "areas": areas,
            "actors": codebook.actors.all(),
            "confidence_levels": codebook.confidence_levels.all(),
        },
    )


@login_required
@post_only
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            add_member(
                project,
                form.user,
                form.cleaned_data["role"],
                can_ingest=form.cleaned_data["can_ingest"],
            )
            messages.success(request, f"{form.user.username} is now a member of {project.name}.")
        except ValidationError as exc:
            messages.error(request, f"{' '.join(exc.messages)} Change it in the list of members.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(project)


@login_required
@post_only
def member_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    project, _ = access.project_for(request.user, slug, pi=True)
    member = get_object_or_404(Membership, project=project, pk=pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
        return redirect(project)
    try:
        set_member(
            project,
            member.user,
            form.cleaned_data["role"],
            can_ingest=form.cleaned_data["can_ingest"],
        )
        messages.success(request, f"Updated {member.user.username}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(project)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what removing the member leaves behind, and a button to confirm; POST: remove."""
    project, me = access.project_for(request.user, slug, pi=True)
    member = get_object_or_404(Membership.objects.select_related("user"), project=project, pk=pk)
    if request.method == "GET":
        return render(
            request,
            "coding/member_remove_confirm.html",
            {
                "project": project,
                "me": me,
                "member": member,
                "summary": removal_summary(project, member),
            },
        )
    try:
        remove_member(project, member)
        messages.success(request, f"Removed {member.user.username} from {project.name}.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(project)


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make run`: no login, and nothing about the study's data."""
    report, status = health_report()
    response = JsonResponse(report, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = "30"
    return response
