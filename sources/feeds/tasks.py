"""Celery tasks for feeds: thin wrappers around sources.feeds.polling."""

from celery import shared_task

from sources.feeds.polling import poll_due_feeds


@shared_task(name="sources.poll_feeds")
def poll_feeds_task() -> int:
    """Sent by Celery beat every settings.FEED_BEAT_SECONDS: poll the feeds that are due."""
    return sum(result.added for result in poll_due_feeds())
