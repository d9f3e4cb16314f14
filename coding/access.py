"""Who may see and do what. Every view and API endpoint goes through these functions.

Members reach a project's pages; only its PIs manage it. Non-members get a 404, so project
slugs do not leak. Creating projects needs the `coding.add_project` permission (the PI group).
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from coding.models import Codebook, Membership, Project, Role

PI_GROUP = "Principal investigators"


def projects_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return Project.objects.filter(memberships__user=user)


def can_create_projects(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.is_authenticated and user.has_perm("coding.add_project")


def codebooks_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Codebook]:
    """The codebooks a user may see and attach: every one for those who create projects, else
    those of the user's projects."""
    codebooks = Codebook.objects.all()
    if not can_create_projects(user):
        codebooks = codebooks.filter(projects__in=projects_for(user)).distinct()
    return codebooks


def project_for(user, slug: str, *, pi: bool = False) -> tuple[Project, Membership]:
    """The project with this slug and the user's membership, or 404 / 403."""
    found = (
        Membership.objects.select_related("project__codebook")
        .filter(project__slug=slug, user=user)
        .first()
        if user.is_authenticated
        else None
    )
    if found is None:
        raise Http404("No such project among yours.")
    if pi and found.role != Role.PI:
        raise PermissionDenied("Only the project's PIs may do this.")
    return found.project, found
