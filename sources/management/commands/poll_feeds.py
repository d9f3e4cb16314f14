"""python manage.py poll_feeds [--project SLUG] [--all]: poll feeds now, in this process.

What Celery beat does every minute (sources.poll_feeds), for a cron job or by hand. The new
entries' items are queued for the workers, or run here with --run.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sources.feeds.polling import due_feeds, poll_feed
from sources.jobs.ingest import run_job
from sources.models import Feed


class Command(BaseCommand):
    help = "Poll the feeds that are due (or all with --all); queue or run their new entries."

    def add_arguments(self, parser):
        parser.add_argument("--project", help="only this project's feeds (slug)")
        parser.add_argument("--all", action="store_true", help="every active feed, due or not")
        parser.add_argument(
            "--run", action="store_true", help="ingest the new entries here instead of queueing"
        )

    def handle(self, *args, project, all, run, **options):
        feeds = Feed.objects.filter(paused=False) if all else due_feeds()
        if project:
            feeds = feeds.filter(project__slug=project)
            if not Feed.objects.filter(project__slug=project).exists():
                raise CommandError(f"No feeds in project {project!r}.")
        now = timezone.now()
        for feed in feeds.select_related("project", "added_by"):
            result = poll_feed(feed, now=now, enqueue=not run)
            if result.error:
                state = " (paused)" if Feed.objects.get(pk=feed.pk).paused else ""
                self.stdout.write(f"  failed  {feed}: {result.error}{state}")
                continue
            self.stdout.write(f"  polled  {feed}: {result.added} new")
            if run and result.job is not None:
                job = run_job(result.job)
                self.stdout.write(
                    f"          job #{job.pk}: {job.done} added or duplicate, {job.failed} failed"
                )
