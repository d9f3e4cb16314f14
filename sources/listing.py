"""The source list's search, filters and sort, shared by the page and the API."""

from django.db.models import QuerySet

from coding.models import Assignment, Membership, Project
from coding.projects import member_marks
from sources.access import visible_sources
from sources.forms import SORTS, SourceFilterForm
from sources.models import Source
from sources.search import matching


def filtered_sources(
    project: Project, me: Membership, params
) -> tuple[SourceFilterForm, QuerySet[Source]]:
    """The member's visible sources narrowed by the list's search, filters and sort."""
    form = SourceFilterForm(project, params, pi=me.is_pi)
    sources = visible_sources(project, me)
    if not form.is_valid():  # nothing rather than a list that looks filtered and is not
        return form, sources.none()
    data = form.cleaned_data
    if data["q"]:
        q = data["q"]
        sources = sources.filter(matching(q, "title", "outlet", "text"))
    coder = data["coder"] if me.is_pi else me.user  # a coder's form has no coder field
    status = data["status"]
    if status == "unassigned":
        if me.is_pi:
            sources = sources.filter(assignments__isnull=True)
    elif status and coder is not None:
        sources = sources.filter(assignments__coder=coder, assignments__status=status)
    elif status:
        sources = sources.filter(assignments__status=status)
    elif coder is not None and me.is_pi:
        sources = sources.filter(assignments__coder=coder)
    return form, sources.distinct().order_by(*SORTS[data["sort"] or "date"])


def mark_coders(project: Project, assignments: list[Assignment]) -> None:
    """Give each assignment the mark of its coder (`coder_mark`) as the dashboard and the review
    pages name them: "(former member)" for a coder no longer a member, whose assignments stay
    under their name, "(now PI)", or "". One query, however many coders (`member_marks`)."""
    marks = member_marks(project, {a.coder.get_username() for a in assignments})
    for a in assignments:
        a.coder_mark = marks.get(a.coder.get_username(), "")
