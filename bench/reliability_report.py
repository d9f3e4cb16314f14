"""Benchmark: the reliability report for 2,000 sources x 3 coders (48,000 codings).

    .venv/bin/python bench/reliability_report.py [--sources 2000] [--profile]

Creates, in a temporary database (SQLite, or a new database on the PostgreSQL server that
DATABASE_URL names, dropped afterwards; see bench/_database.py), 2,000 sources of eight
sentences, each marked done by three coders who code every sentence (8 codings per coder and
source: 48,000 codings); a coder gives the "true" activity with probability 0.8. Then it
times the report as the page computes it (``jobs.compute``: loading the codings, the three
views, 10,000 bootstrap resamples of sources for every alpha and alpha_U), split into loading
and statistics. The aim: under 5 s (9.5 s before issue 16, with KALPHA's bootstrap and no
interval for alpha_U). ``--profile`` prints the 25 most expensive functions.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import setup_django

ENGINE, DROP_DATABASE = setup_django("bench-reliability")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from coding.codebook_io import import_codebook, load_default_codebook_data  # noqa: E402
from coding.models import Activity, Assignment, Coding, Membership, Project, Role  # noqa: E402
from coding.reliability import jobs  # noqa: E402
from coding.reliability.data import Filters, load_codings  # noqa: E402
from coding.reliability.report import build_report  # noqa: E402
from sources.models import Source, hash_text  # noqa: E402

SLUG = "bench-reliability"
SENTENCE = "Officials of Russia and China met in Moscow to discuss joint naval drills."


def build(n_sources: int) -> Project:
    rng = random.Random(16)
    User = get_user_model()
    codebook = import_codebook(load_default_codebook_data())
    pi = User.objects.create(username="bench-rel-pi")
    coders = [User.objects.create(username=f"bench-rel-coder-{i}") for i in range(3)]
    project = Project.objects.create(slug=SLUG, name="Reliability benchmark", codebook=codebook)
    Membership.objects.create(project=project, user=pi, role=Role.PI)
    for c in coders:
        Membership.objects.create(project=project, user=c, role=Role.CODER)
    core = list(codebook.actors.filter(core=True).order_by("order"))
    activities = list(Activity.objects.filter(area__codebook=codebook).select_related("area"))
    texts = [" ".join([SENTENCE] * 8) + f"\nSource {i}." for i in range(n_sources)]
    sources = Source.objects.bulk_create(
        Source(project=project, title=f"Source {i}", outlet="Wire", text=text,
               text_hash=hash_text(text), url=f"https://example.org/r/{i}")
        for i, text in enumerate(texts)
    )  # fmt: skip
    Assignment.objects.bulk_create(
        Assignment(source=s, coder=c, status="done") for s in sources for c in coders
    )
    codings = []
    for s in sources:
        for k in range(8):
            truth = rng.choice(activities)
            start = k * (len(SENTENCE) + 1)
            for c in coders:
                act = truth if rng.random() < 0.8 else rng.choice(activities)
                codings.append(Coding(
                    source=s, coder=c, start=start, end=start + len(SENTENCE), quote=SENTENCE,
                    dyad_type="undirected", side_a=core[0], side_b=core[1], area=act.area,
                    activity=act, confidence=rng.choice((1, 2, 3)),
                ))  # fmt: skip
    Coding.objects.bulk_create(codings, batch_size=5000)
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    project = build(args.sources)
    n = Coding.objects.filter(source__project=project).count()
    print(f"{args.sources:,} sources x 3 coders, {n:,} codings ({ENGINE})")
    started = time.perf_counter()
    cs = load_codings(project, Filters())
    loaded = time.perf_counter()
    report = build_report(cs)
    computed = time.perf_counter()
    print(f"  load codings        {loaded - started:6.2f} s")
    print(f"  statistics          {computed - loaded:6.2f} s   ({len(report['rows'])} alphas, "
          f"{report['settings']['n_resamples']:,} resamples of sources each)")  # fmt: skip
    started = time.perf_counter()
    jobs.compute(project, Filters())
    total = time.perf_counter() - started
    print(f"  report (jobs.compute, as the page) {total:6.2f} s   (aim: < 5 s; 9.5 s before)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        build_report(load_codings(project, Filters()))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    DROP_DATABASE()


if __name__ == "__main__":
    main()
