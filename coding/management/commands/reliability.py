"""python manage.py reliability --project SLUG --format json|md|txt|tex|csv|pdf [--out FILE]"""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coding.models import Project
from coding.reliability import export as reliability_export
from coding.reliability import jobs as reliability_jobs
from coding.reliability.data import Filters
from coding.reliability.forms import report_coders
from coding.reliability.report import N_RESAMPLES, SEED


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Intercoder reliability report of a project (the reliability page's figures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--project", required=True, help="the project's slug")
        parser.add_argument("--format", default="md", choices=list(reliability_export.FORMATS))
        parser.add_argument("--out", help="write to this file (default: standard output)")
        parser.add_argument("--coders", help="comma-separated usernames (default: all)")
        parser.add_argument("--codebook", type=int, help="codebook id (default: every version)")
        parser.add_argument("--date-from", type=_date, help="codings saved on or after YYYY-MM-DD")
        parser.add_argument("--date-to", type=_date, help="codings saved on or before YYYY-MM-DD")
        parser.add_argument("--sources", help="comma-separated source ids (default: all)")
        parser.add_argument("--resamples", type=int, default=N_RESAMPLES)
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument(
            "--method",
            default="units",
            choices=["units", "kalpha"],
            help="units: resamples of sources (default); kalpha: Hayes & Krippendorff (2007)",
        )

    def handle(self, *args, **options) -> None:
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"no project with the slug {options['project']!r}")
        coders: tuple[int, ...] = ()
        if options["coders"]:
            names = [n.strip() for n in options["coders"].split(",") if n.strip()]
            users = dict(
                report_coders(project).filter(username__in=names).values_list("username", "id")
            )
            unknown = sorted(set(names) - set(users))
            if unknown:
                raise CommandError(
                    f"not coders of {project.slug} (members who code, or former members who "
                    f"finished a source): {', '.join(unknown)}"
                )
            coders = tuple(users.values())
        sources: tuple[int, ...] = ()
        if options["sources"]:
            try:
                sources = tuple(int(x) for x in options["sources"].split(","))
            except ValueError:
                raise CommandError("--sources takes comma-separated source ids") from None
        if options["resamples"] < 1:
            raise CommandError("--resamples must be at least 1")
        filters = Filters(
            coders=coders,
            codebook=options["codebook"],
            date_from=options["date_from"],
            date_to=options["date_to"],
            sources=sources,
        )
        report = reliability_jobs.compute(
            project,
            filters,
            n_resamples=options["resamples"],
            seed=options["seed"],
            method=options["method"],
        )
        data = reliability_export.render(report, options["format"])
        if options["out"]:
            with open(options["out"], "wb") as handle:
                handle.write(data)
            self.stderr.write(f"Wrote {options['out']} ({len(data)} bytes).")
        elif options["format"] == "pdf":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
