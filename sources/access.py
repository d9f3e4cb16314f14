"""Which sources a member may open: PIs every source of the project, coders their assigned ones."""

from django.db.models import QuerySet
from django.http import Http404

from coding.models import Membership, Project
from sources.models import Source


def visible_sources(project: Project, member: Membership) -> QuerySet[Source]:
    sources = project.sources.all()
    if not member.is_pi:
        sources = sources.filter(assignments__coder=member.user)
    return sources


def source_for(project: Project, member: Membership, pk: int) -> Source:
    source = visible_sources(project, member).filter(pk=pk).first()
    if source is None:
        raise Http404("No such source among those you may open.")
    return source
