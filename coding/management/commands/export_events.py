"""python manage.py export_events --project SLUG --out FILE.zip [filters]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coding.export.archive import write_export_zip
from coding.export.filters import describe_filters, filtered_events
from coding.models import Project


class Command(BaseCommand):
    help = "Export a project's approved events (CSV, JSON, XLSX, datapackage) as one zip."

    def add_arguments(self, parser):
        parser.add_argument("--project", required=True, help="Project slug.")
        parser.add_argument("--out", required=True, help="Path of the zip to write.")
        parser.add_argument("--dyad", help="CHN-RUS (both take part) or RUS>PRK (directed).")
        parser.add_argument("--area", help="Area slug.")
        parser.add_argument("--activity", help="Activity slug.")
        parser.add_argument("--since", help="Events on or after yyyy-mm-dd.")
        parser.add_argument("--until", help="Events on or before yyyy-mm-dd.")
        parser.add_argument("--min-confidence", dest="min_confidence", help="1-3.")
        parser.add_argument(
            "--no-xlsx", action="store_true", help="Leave out events.xlsx (much faster)."
        )

    def handle(self, *args, **options):
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"No project with the slug {options['project']!r}.")
        params = {
            k: options[k]
            for k in ("dyad", "area", "activity", "since", "until", "min_confidence")
            if options.get(k) not in (None, "")
        }
        try:
            events = filtered_events(project.events.all(), params)
        except ValidationError as e:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in e.message_dict.items())
            raise CommandError(f"Bad filters: {problems}") from e
        with open(options["out"], "wb") as out:
            count = write_export_zip(
                project, events, out, describe_filters(params), xlsx=not options["no_xlsx"]
            )
        self.stdout.write(f"Wrote {count} events to {options['out']}.")
