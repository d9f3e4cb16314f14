"""Benchmark: the PI dashboard page with 50,000 approved events.

    .venv/bin/python bench/dashboard.py [--events 50000] [--runs 7]

Creates the events with bulk_create in a temporary database (SQLite, or a new database on
the PostgreSQL server DATABASE_URL names, dropped afterwards; see bench/_database.py): pairs
of the four core states and of third states, every 10th event a directed transfer, every 20th a
multilateral event of three participants at one of six forums; 500 sources assigned to three
coders with 5,000 codings. Then it requests /projects/bench-dashboard/dashboard/ with Django's
test Client as the project's PI and prints the server time (median of the runs, after one
warm-up), the number of SQL queries, and the same for a filtered request and one CSV download.
The aim: under 300 ms at 50,000 events, with the same number of queries at any size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import setup_django

ENGINE, DROP_DATABASE = setup_django("bench-dashboard")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from coding.codebook_io import import_codebook, load_default_codebook_data  # noqa: E402
from coding.models import (  # noqa: E402
    Activity,
    Actor,
    Assignment,
    Coding,
    Event,
    Membership,
    Project,
    Role,
)
from sources.models import Source, hash_text  # noqa: E402

SLUG = "bench-dashboard"
BATCH = 5000
THIRD = [("India", "IND", 750), ("Syria", "SYR", 652), ("Belarus", "BLR", 370)]
FORUMS = ["SCO", "BRICS", "CSTO", "ASEAN Regional Forum", "Caspian summit", ""]


def build(n: int) -> Project:
    User = get_user_model()
    codebook = import_codebook(load_default_codebook_data())
    Project.objects.filter(slug=SLUG).delete()
    pi, _ = User.objects.get_or_create(username="bench-dashboard-pi")
    coders = [User.objects.get_or_create(username=f"bench-dash-coder-{i}")[0] for i in range(3)]
    project = Project.objects.create(slug=SLUG, name="Dashboard benchmark", codebook=codebook)
    Membership.objects.create(project=project, user=pi, role=Role.PI)
    for name, iso3, cow in THIRD:
        Actor.objects.get_or_create(
            codebook=codebook, iso3=iso3, defaults={"name": name, "cow_code": cow}
        )
    core = list(codebook.actors.filter(core=True).order_by("order"))
    third = list(codebook.actors.filter(core=False).order_by("pk"))[:6]
    activities = list(Activity.objects.filter(area__codebook=codebook).select_related("area"))
    directed = [a for a in activities if a.directed] or activities
    texts = [f"Article {i}: officials met in Moscow and Beijing." for i in range(500)]
    sources = Source.objects.bulk_create(
        Source(project=project, title=f"Headline {i}", outlet="Wire", text=t,
               text_hash=hash_text(t), url=f"https://example.org/a/{i}")
        for i, t in enumerate(texts)
    )  # fmt: skip
    Assignment.objects.bulk_create(
        Assignment(source=s, coder=c, status=["done", "in_progress", "not_started"][(i + j) % 3])
        for i, s in enumerate(sources)
        for j, c in enumerate(coders)
    )
    Coding.objects.bulk_create(
        Coding(source=sources[i % 500], coder=coders[i % 3], start=0, end=20,
               quote=sources[i % 500].text[:20], dyad_type="undirected", side_a=core[0],
               side_b=core[1], area=activities[i % len(activities)].area,
               activity=activities[i % len(activities)], confidence=2)
        for i in range(5000)
    )  # fmt: skip
    now = timezone.now()
    through = Event.participants.through
    for lo in range(0, n, BATCH):
        events = []
        for i in range(lo, min(n, lo + BATCH)):
            day = dt.date(2015, 1, 1) + dt.timedelta(days=i % 3650)
            common = dict(
                project=project,
                event_id=f"DASH-{i + 1:06d}",
                codebook=codebook,
                confidence=1 + i % 3,
                event_date=day,
                approved_by=pi,
                approved_at=now,
            )
            if i % 20 == 0:
                act = activities[i % len(activities)]
                events.append(
                    Event(
                        dyad_type="multilateral",
                        setting="multilateral",
                        forum=FORUMS[i % len(FORUMS)],
                        area=act.area,
                        activity=act,
                        **common,
                    )
                )
            elif i % 10 == 5:
                act = directed[i % len(directed)]
                events.append(
                    Event(
                        dyad_type="directed",
                        side_a=core[1],
                        side_b=(core + third)[2 + i % 5],
                        area=act.area,
                        activity=act,
                        **common,
                    )
                )
            else:
                act = activities[i % len(activities)]
                everyone = core + third
                a, b = everyone[i % 4], everyone[(i * 7 + 1) % len(everyone)]
                if a == b:
                    b = core[(i + 1) % 4]
                events.append(Event(dyad_type="undirected", side_a=a, side_b=b, area=act.area,
                                    activity=act, **common))  # fmt: skip
        Event.objects.bulk_create(events)
        through.objects.bulk_create(
            through(event_id=e.pk, actor_id=actor.pk)
            for e in events
            if e.dyad_type == "multilateral"
            for actor in core[:3]
        )
    return project


def measure(client: Client, url: str, runs: int) -> tuple[float, int, int]:
    client.get(url)  # warm-up
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
    assert response.status_code == 200, response.status_code
    return statistics.median(times) * 1000, len(ctx.captured_queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    project = build(args.events)
    print(f"created {args.events:,} events in {time.perf_counter() - started:.1f} s "
          f"({connection.vendor})")  # fmt: skip
    client = Client(SERVER_NAME="localhost")
    client.force_login(project.memberships.get(role=Role.PI).user)
    base = f"/projects/{SLUG}/dashboard/"
    rows = [
        ("dashboard page", base),
        ("page, filtered", f"{base}?min_confidence=2&date_from=2018-01-01"),
        ("matrix CSV", f"{base}csv/matrix/"),
    ]
    print(f"\n{'request':<16} {'median ms':>10} {'queries':>8} {'bytes':>9}   (aim: < 300 ms)")
    for label, url in rows:
        ms, queries, size = measure(client, url, args.runs)
        print(f"{label:<16} {ms:>10.1f} {queries:>8} {size:>9,}")
    DROP_DATABASE()


if __name__ == "__main__":
    main()
