"""The review page's browser tests start from the same study: project "pilot", PI "pi", and two
coders who finished one source."""

from coding.models import Role
from tests.factories import (
    DoneAssignmentFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)


def two_coders_done(**source_fields):
    """(project, source, [coder1, coder2]): both coders have marked the source done."""
    project = ProjectFactory(slug="pilot", name="Security ties pilot")
    MembershipFactory(project=project, user=PIUserFactory(username="pi"), role=Role.PI)
    coders = [UserFactory(username=name) for name in ("coder1", "coder2")]
    for user in coders:
        MembershipFactory(project=project, user=user, role=Role.CODER)
    source = SourceFactory(project=project, **source_fields)
    for user in coders:
        DoneAssignmentFactory(source=source, coder=user)
    return project, source, coders
