import os

from celery import Celery

import config.broker  # noqa: F401  (registers the embedded broker's transport with kombu)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("tiesdb")
app.config_from_object("django.conf:settings", namespace="CELERY")
# each capability keeps its tasks in its own package
app.autodiscover_tasks(
    ["coding", "coding.reliability", "coding.suggestions", "sources.jobs", "sources.feeds"]
)


def enqueue(task_name: str, *args) -> None:
    """Send a task by its registered name.

    Modules that enqueue work call this instead of importing the task module, so the task
    modules can import the functions they wrap without an import cycle.
    """
    app.signature(task_name, args=args).apply_async()
