"""python manage.py ingest --project SLUG URL_OR_PATH...: ingest URLs, files and folders."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coding.models import Project
from sources.fetching.decode import ENCODING_CHOICES, unsure_reason
from sources.inputs import FILE_SUFFIXES, InputError, ItemSpec, file_specs
from sources.jobs.ingest import (
    BrokerUnavailable,
    create_job,
    enqueue_job,
    release_held_item,
    run_job,
)
from sources.jobs.outcomes import duplicate_reason, held_candidates
from sources.models import ItemKind, ItemStatus

WANTED = (*FILE_SUFFIXES, ".zip")
BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Ingest URLs, files (.html, .txt, .md, .pdf, .zip) and folders of them into a project."

    def add_arguments(self, parser):
        parser.add_argument("inputs", nargs="*", metavar="URL_OR_PATH")
        parser.add_argument("--project", required=True, help="the project's slug")
        parser.add_argument(
            "--encoding",
            choices=[codec for _, codec in ENCODING_CHOICES],
            metavar="CODEC",
            help="decode the files with this encoding instead of detecting it "
            "(with --job: the encoding for the job's held items)",
        )
        parser.add_argument(
            "--job",
            type=int,
            help="resume this job's items held for an unsure encoding, with --encoding",
        )
        parser.add_argument("--user", help="username recorded as the ingester")
        parser.add_argument(
            "--async",
            dest="run_async",
            action="store_true",
            help="queue the job for the Celery workers instead of running it here",
        )

    def handle(self, *args, inputs, project, user, run_async, encoding, job, **options):
        try:
            project_obj = Project.objects.get(slug=project)
        except Project.DoesNotExist:
            raise CommandError(f"No project with slug {project!r}.") from None
        ingester = None
        if user:
            ingester = get_user_model().objects.filter(username=user).first()
            if ingester is None:
                raise CommandError(f"No user {user!r}.")
        if job is not None:
            job = self.release(project_obj, job, encoding)
        else:
            specs = self.collect(inputs)
            if not specs:
                raise CommandError("Nothing to ingest.")
            job = create_job(project_obj, ingester, specs, kind="cli", enqueue=False)
            if encoding:
                job.items.filter(status=ItemStatus.PENDING).update(encoding=encoding)
        if run_async:
            try:
                enqueue_job(job)
            except BrokerUnavailable as exc:  # exit status 1, one clear line, no traceback
                raise CommandError(exc.message()) from None
            self.stdout.write(f"Queued job #{job.pk} with {job.total} items.")
            return
        self.progress(job.done + job.failed, job.total)
        job = run_job(job, progress=lambda item: self.tick(job))
        self.stdout.write("")
        self.summary(job)

    def release(self, project, pk: int, encoding: str | None):
        found = project.ingest_jobs.filter(pk=pk).first()
        if found is None:
            raise CommandError(f"No job #{pk} in this project.")
        if not encoding:
            raise CommandError("--job needs --encoding: the encoding for its held items.")
        held = list(found.items.filter(status=ItemStatus.HELD))
        if not held:
            raise CommandError(f"Job #{pk} has no item waiting for an encoding.")
        for item in held:
            release_held_item(item, encoding, enqueue_it=False)
        return found

    def collect(self, inputs: list[str]) -> list[ItemSpec]:
        specs: list[ItemSpec] = []
        for value in inputs:
            if "://" in value:
                specs.append(ItemSpec(ItemKind.URL, value))
                continue
            path = Path(value)
            if path.is_dir():
                files = sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in WANTED and not p.name.startswith(".")
                )
            elif path.is_file():
                files = [path]
            else:
                raise CommandError(f"{value}: no such file or folder (URLs need http(s)://).")
            for file in files:
                try:
                    specs += file_specs(file.name, file.read_bytes())
                except InputError as exc:
                    raise CommandError(str(exc)) from None
        return specs

    def tick(self, job) -> None:
        job.refresh_from_db(fields=["done", "failed", "total"])
        self.progress(job.done + job.failed, job.total)

    def progress(self, finished: int, total: int) -> None:
        filled = BAR_WIDTH * finished // max(total, 1)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stdout.write(f"\r[{bar}] {finished}/{total}", ending="")
        self.stdout.flush()

    def summary(self, job) -> None:
        counts = {status: 0 for status in ItemStatus.values}
        items = job.items.select_related("source").defer(
            "payload_compressed", "source__text", "source__original_compressed"
        )
        for item in items.order_by("position"):
            counts[item.status] += 1
            if item.status == ItemStatus.OK:
                self.stdout.write(f"  added      {item.label} → #{item.source_id}")
            elif item.status == ItemStatus.HELD:
                offered = held_candidates(item)
                choices, reason = ", ".join(offered), unsure_reason(offered)
                self.stdout.write(
                    f"  held       {item.label}: {reason} — look at the text and run "
                    f"again with --job {job.pk} --encoding CODEC (one of {choices})"
                )
            elif item.status == ItemStatus.DUPLICATE:
                # the command runs on the server: its operator may see every source
                same = duplicate_reason(item.source) if item.source else item.reason
                self.stdout.write(f"  duplicate  {item.label}: {same} (#{item.source_id})")
            else:
                self.stdout.write(f"  failed     {item.label}: {item.reason}")
        self.stdout.write(
            f"Job #{job.pk}: {counts['ok']} added, {counts['duplicate']} duplicate, "
            f"{counts['failed']} failed, {counts['held']} held of {job.total}."
        )
