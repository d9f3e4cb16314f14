"""Who may add sources and follow ingestion jobs: PIs, and coders the PI allowed to."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from coding import access
from coding.models import Membership, Project
from sources.models import IngestJob


def can_ingest(member: Membership) -> bool:
    return member.is_pi or member.can_ingest


def project_for_ingest(user, slug: str) -> tuple[Project, Membership]:
    """The project and membership, or 404 (non-member) / 403 (coder without the right)."""
    project, me = access.project_for(user, slug)
    if not can_ingest(me):
        raise PermissionDenied("Only the project's PIs and coders they allow may add sources.")
    return project, me


def visible_jobs(project: Project, member: Membership) -> QuerySet[IngestJob]:
    """PIs see every job of the project; coders allowed to ingest see their own."""
    jobs = project.ingest_jobs.select_related("created_by")
    if not member.is_pi:
        jobs = jobs.filter(created_by=member.user)
    return jobs


def job_for(project: Project, member: Membership, pk: int) -> IngestJob:
    job = visible_jobs(project, member).filter(pk=pk).first()
    if job is None:
        raise Http404("No such ingestion job among yours.")
    return job
