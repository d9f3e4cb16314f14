import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from coding.models import WorkerHeartbeat
from coding.tasks import heartbeat


class Command(BaseCommand):
    help = "Send a heartbeat task through the broker and wait until a worker has run it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args, timeout: float, **options):
        token = uuid.uuid4().hex
        try:
            heartbeat.delay(token)
        except Exception as exc:  # the broker is unreachable: one line, exit status 1
            reason = f"{type(exc).__name__}: {exc}"
            raise CommandError(f"Could not reach the task queue: {reason}") from None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if WorkerHeartbeat.objects.filter(token=token).exists():
                self.stdout.write(self.style.SUCCESS("A Celery worker is running tasks."))
                return
            time.sleep(0.5)
        raise CommandError(f"No worker ran the heartbeat task within {timeout:.0f} s.")
