"""List codings whose span splits a character as the reader sees it; --repair widens them."""

from django.core.management.base import BaseCommand, CommandError

from coding.models import Project
from coding.workspace.cluster_edges import find_split_codings, repair
from sources.models import Source


class Command(BaseCommand):
    help = (
        "List codings whose start or end falls inside a grapheme cluster (half a flag, an emoji "
        "without its modifier, a letter without its combining mark); --repair widens them to "
        "whole clusters, recorded in each coding's history. Exits 1 while any is left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--project", help="project slug (default: every project)")
        parser.add_argument("--repair", action="store_true", help="widen the spans found")

    def handle(self, *args, **options):
        project, widen = options["project"], options["repair"]
        sources = Source.objects.order_by("pk")
        if project is not None:
            if not Project.objects.filter(slug=project).exists():
                raise CommandError(f"No project with the slug {project!r}.")
            sources = sources.filter(project__slug=project)
        found = repaired = 0
        for source in sources.select_related("project").iterator(chunk_size=100):
            for split in find_split_codings([source]):
                found += 1
                coding = split.coding
                line = (
                    f"{source.project.slug}: source {source.pk} ({source.title}), coding "
                    f"{coding.pk} by {coding.coder.username}: [{coding.start}, {coding.end}) "
                    f"-> [{split.start}, {split.end})"
                )
                if widen:
                    left = repair(split, source.text)
                    repaired += left is None
                    line += ": repaired" if left is None else f": left ({left})"
                self.stdout.write(line)
        if not found:
            self.stdout.write("No coding splits a character.")
        elif not widen:
            raise CommandError(f"{found} coding(s) split a character; --repair widens them.")
        elif repaired < found:
            raise CommandError(f"{repaired} of {found} coding(s) repaired; the rest are listed.")
        else:
            self.stdout.write(f"{repaired} of {found} coding(s) repaired.")
