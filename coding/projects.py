"""Creating projects and managing their members."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from coding.models import Codebook, Membership, Project, Role

User = get_user_model()


@transaction.atomic
def create_project(
    *, name: str, slug: str, codebook: Codebook, creator, description: str = ""
) -> Project:
    """A new project whose creator becomes its first PI."""
    project = Project.objects.create(
        name=name, slug=slug, codebook=codebook, description=description, created_by=creator
    )
    Membership.objects.create(project=project, user=creator, role=Role.PI)
    return project


def add_member(project: Project, user, role: str, *, can_ingest: bool = False) -> Membership:
    """A new member. Someone who is a member already is refused: adding them again would
    silently change their role and rights, which the members list changes on purpose."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(project=project, user=user)
        if member := current.first():
            raise ValidationError(
                f"{user.get_username()} is already a member ({member.get_role_display()})."
            )
        return set_member(project, user, role, can_ingest=can_ingest)


def set_member(project: Project, user, role: str, *, can_ingest: bool = False) -> Membership:
    """Add a member, or change the role of an existing one."""
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
    with transaction.atomic():
        member, created = Membership.objects.select_for_update().get_or_create(
            project=project, user=user, defaults={"role": role, "can_ingest": can_ingest}
        )
        if not created:
            if member.role == Role.PI and role != Role.PI:
                _refuse_if_last_pi(project, member)
            member.role = role
            member.can_ingest = can_ingest
            member.save(update_fields=["role", "can_ingest"])
    return member


def remove_member(project: Project, member: Membership) -> None:
    with transaction.atomic():
        if member.role == Role.PI:
            _refuse_if_last_pi(project, member)
        member.delete()


def _refuse_if_last_pi(project: Project, member: Membership) -> None:
    others = Membership.objects.filter(project=project, role=Role.PI).exclude(pk=member.pk)
    if not others.exists():
        raise ValidationError("A project needs at least one PI: add another PI first.")
