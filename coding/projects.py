"""Creating projects and managing their members."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef

from coding.models import Assignment, Codebook, Coding, Membership, Project, Role
from coding.models.assignments import AssignmentStatus
from coding.reliability.training import study_events

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


def member_label(username: str, role: str | None) -> str:
    """A coder as the pages list them, whose work outlives their membership: "alice",
    "dan (former member)" (`role` None), "eve (now PI)"."""
    if role is None:
        return f"{username} (former member)"
    if role != Role.CODER:
        return f"{username} (now {Role(role).name})"
    return username


def member_marks(project: Project, usernames) -> dict[str, str]:
    """What follows each of these coders' names (`usernames`), by their membership now:
    "(former member)", "(now PI)" or "" (as `member_label` names them; a member who never had
    an assignment here, such as a PI coding as the reviewer, is unmarked). One query, however
    many coders. For pages showing work that outlives a membership (cached reports too): the
    mark is read when the page is shown, never stored with the work."""
    names = set(usernames)
    if not names:
        return {}
    assigned = Assignment.objects.filter(source__project=project, coder_id=OuterRef("user_id"))
    roles = {
        name: role if was_coder else Role.CODER  # a member who never coded: unmarked
        for name, role, was_coder in Membership.objects.filter(
            project=project, user__username__in=names
        )
        .annotate(was_coder=Exists(assigned))
        .values_list("user__username", "role", "was_coder")
    }
    return {name: member_label(name, roles.get(name))[len(name) :].strip() for name in names}


def marked(username: str, marks: dict[str, str]) -> str:
    """The name as text, where no markup can go: "dan (former member)" (`marks`: from
    `member_marks`)."""
    mark = marks.get(username, "")
    return f"{username} {mark}" if mark else username


@dataclass(frozen=True)
class RemovalSummary:
    """What removing a member leaves behind, for the PI to read before confirming."""

    username: str
    role: str  # the Role display name
    codings: int
    not_started: int
    in_progress: int
    done: int
    approved_events: int  # events with evidence from their codings
    refusal: str  # why removal is refused (the last PI), or ""

    @property
    def assignments(self) -> int:
        return self.not_started + self.in_progress + self.done

    @property
    def open_assignments(self) -> int:
        """Assignments not done: they stay under the former member's name until reassigned."""
        return self.not_started + self.in_progress


def removal_summary(project: Project, member: Membership) -> RemovalSummary:
    """The member's work in the project, none of which removal deletes: their codings stay in
    the study (reliability, events) and their assignments stay under their name. Training
    (calibration) sources count too: they are part of the project's data."""
    user = member.user
    by_status = dict(
        Assignment.objects.filter(source__project=project, coder=user)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    try:
        if member.role == Role.PI:
            _refuse_if_last_pi(project, member)
        refusal = ""
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    return RemovalSummary(
        username=user.get_username(),
        role=member.get_role_display(),
        codings=Coding.objects.filter(source__project=project, coder=user).count(),
        not_started=by_status.get(AssignmentStatus.NOT_STARTED, 0),
        in_progress=by_status.get(AssignmentStatus.IN_PROGRESS, 0),
        done=by_status.get(AssignmentStatus.DONE, 0),
        approved_events=study_events(project)  # not calibration's references
        .filter(evidence__coding__coder=user)
        .distinct()
        .count(),
        refusal=refusal,
    )


def remove_member(project: Project, member: Membership) -> None:
    """End a membership. Only the membership goes: codings, assignments and events stay."""
    with transaction.atomic():
        if member.role == Role.PI:
            _refuse_if_last_pi(project, member)
        member.delete()


def _refuse_if_last_pi(project: Project, member: Membership) -> None:
    others = Membership.objects.filter(project=project, role=Role.PI).exclude(pk=member.pk)
    if not others.exists():
        raise ValidationError("A project needs at least one PI: add another PI first.")
