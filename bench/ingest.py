"""Benchmark: our whole ingest path (with database writes) against bare trafilatura.extract.

    .venv/bin/python bench/ingest.py [--items 1000] [--workers 2]     # mixed, parallel
    .venv/bin/python bench/ingest.py --single [--n 200] [--rounds 3] [--steps]

Mixed (the default): a job of ITEMS uploaded items, 60% HTML pages, 20% two-column PDF
reports, 20% text files (each distinct), run by WORKERS processes that share the job as
Celery workers do (each calls `ingest_item`, the task's body, on its share of the items;
SQLite, or a throwaway PostgreSQL database when DATABASE_URL names a server). It prints
items per second overall and per kind, the peak RSS of each worker, and beside them bare
`trafilatura.extract` over the HTML share with the same number of processes.

Single (--single), the earlier comparison, in one process:

The stored article pages (tests/sources/pages, via bench/ingest_extract.py) are replicated to
N documents, each with a distinct sentence so that none is a duplicate. In the same process
and on the same documents it times:

* ours: an ingestion job of N uploaded HTML files, run as the `ingest` command runs it
  (`run_job`: each item through `ingest_item`: claim, decode, extract with metadata,
  duplicate checks, a Source row with the compressed original, the item outcome and the
  job counters), on a fresh SQLite database in a temporary folder;
* bare: a `trafilatura.extract(html)` loop over the same pages (decoded once beforehand);
* the same loop with `with_metadata=True`: the metadata a source needs is part of our cost,
  and this shows how much of the ratio is trafilatura's own metadata step.

It prints sources per second for both, the ratio (our overhead; the target is < 1.2x), the
peak RSS of the process and the tracemalloc peak of our run. With --steps, one more round
with timers around the steps of `ingest_item` prints where our time goes, in ms per source.

With --queue, it also runs a job of N uploaded HTML files through a real Celery worker (two
pool processes, as `make run` starts it) on each broker: the embedded default (kombu's
SQLAlchemy transport on a SQLite file) and, when REDIS_URL is set, Redis; and prints items/s
from the first task sent to the job's end (the aim: 20 items/s or more on the embedded default).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ingest_extract import PAGES, SKIP, peak_rss_mb  # noqa: E402

_FIRST_PROSE = re.compile(r"<p[^>]*>([^<]{80,})")


def distinct_pages(n: int) -> list[tuple[str, bytes]]:
    """N (name, UTF-8 bytes) documents, each with its own first-paragraph sentence."""
    from sources.fetching.decode import decode_html

    pages = [
        (path.name, decode_html(path.read_bytes(), None))
        for path in sorted(PAGES.glob("*.html"))
        if path.name not in SKIP
    ]
    docs = []
    for i in range(n):
        name, html = pages[i % len(pages)]
        # into the first long paragraph, which is article text, not a banner or menu
        at = _FIRST_PROSE.search(html).start(1)
        marked = f"{html[:at]}Benchmark copy number {i} of this page. {html[at:]}"
        docs.append((f"{i:05d}-{name}", marked.encode("utf-8")))
    return docs


# Redis is only the other broker of --queue: the benchmark's own process uses the defaults
REDIS_URL = os.environ.pop("REDIS_URL", "")


def setup_django(folder: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["VAR_DIR"] = folder
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnop")
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_ours(docs: list[tuple[str, bytes]], round_no: int) -> float:
    from coding.models import Codebook, Project
    from sources.inputs import ItemSpec
    from sources.jobs.ingest import create_job, run_job
    from sources.models import ItemKind, ItemStatus

    project = Project.objects.create(
        slug=f"bench-{round_no}", name=f"Bench {round_no}", codebook=Codebook.objects.first()
    )
    specs = [ItemSpec(ItemKind.HTML, name, data) for name, data in docs]
    job = create_job(project, None, specs, enqueue=False)
    start = time.perf_counter()
    run_job(job)  # what the `ingest` command does: loads the items, runs `ingest_item` on each
    elapsed = time.perf_counter() - start
    ok = job.items.filter(status=ItemStatus.OK).count()
    if ok != len(docs):
        reasons = set(job.items.exclude(status=ItemStatus.OK).values_list("reason", flat=True))
        raise SystemExit(f"only {ok} of {len(docs)} ingested: {reasons}")
    return elapsed


# (label, module, function): the steps of ingest_item, nested by indentation. Private names:
# a step that no longer exists is reported as not timed, the others are still timed.
STEPS = [
    ("claim the item (SQL UPDATE, autocommit)", "sources.jobs.ingest", "_claim"),
    ("prepare (read payload, decode, extract)", "sources.jobs.ingest", "_prepare"),
    ("  decode (charset checked)", "sources.jobs.ingest", "decode_html_bytes"),
    ("  extract_html", "sources.jobs.ingest", "extract_html"),
    ("    trafilatura bare_extraction", "sources.extraction.extract", "bare_extraction"),
    ("      of which metadata", "trafilatura.core", "extract_metadata"),
    ("  remove boilerplate (outlet lines query)", "sources.jobs.ingest", "remove_boilerplate"),
    ("store and finish (one transaction)", "sources.jobs.ingest", "_store_and_finish"),
    ("  store_source (Source INSERT, savepoint)", "sources.jobs.ingest", "store_source"),
    ("  item outcome + job counter (SQL)", "sources.jobs.ingest", "_record"),
    ("  count the outlet's lines (SQL)", "sources.jobs.ingest", "count_lines"),
]


def time_steps(docs: list[tuple[str, bytes]], round_no: int) -> tuple[float, dict[str, float]]:
    """Run `run_ours` once with a timer around each step; (total, seconds per step)."""
    import importlib

    spent: dict[str, float] = {}
    patched = []

    def timer(label, func):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

        return timed

    for label, module_name, name in STEPS:
        module = importlib.import_module(module_name)
        func = getattr(module, name, None)
        if func is None:
            continue
        patched.append((module, name, func))
        setattr(module, name, timer(label, func))
    try:
        total = run_ours(docs, round_no)
    finally:
        for module, name, func in patched:
            setattr(module, name, func)
    return total, spent


def run_queued(docs: list[tuple[str, bytes]], broker: str, folder: str, round_no: int) -> float:
    """Seconds a real worker (prefork, 2 processes) takes to finish a job of `docs`."""
    import uuid

    from celery import Celery

    from coding.models import Codebook, Project
    from sources.inputs import ItemSpec
    from sources.jobs.ingest import create_job
    from sources.models import IngestJob, ItemKind, JobStatus

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CELERY_QUEUE": queue, "VAR_DIR": folder}
    if broker == "redis":
        env["REDIS_URL"] = REDIS_URL
        sender = Celery(broker=REDIS_URL, set_as_current=False)
    else:
        from django.conf import settings

        sender = Celery(
            broker=settings.CELERY_BROKER_URL,
            broker_transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            set_as_current=False,
        )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--concurrency=2", "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        # warm the worker up (its pool processes import Django) before timing
        project = Project.objects.create(
            slug=f"queue-{broker}-{round_no}", name="Queue", codebook=Codebook.objects.first()
        )
        for batch in (docs[:4], docs):
            specs = [ItemSpec(ItemKind.HTML, name, data) for name, data in batch]
            if batch is docs:
                project = Project.objects.create(
                    slug=f"queue-{broker}-{round_no}-t", name="Q", codebook=project.codebook
                )
            job = create_job(project, None, specs, enqueue=False)
            ids = list(job.items.values_list("pk", flat=True))
            start = time.perf_counter()
            for pk in ids:
                sender.send_task("sources.ingest_item", args=[pk], queue=queue)
            while IngestJob.objects.get(pk=job.pk).status != JobStatus.DONE:
                if time.perf_counter() - start > 600:
                    raise SystemExit(f"the worker on {broker} did not finish in 10 minutes")
                time.sleep(0.05)
            elapsed = time.perf_counter() - start
        return elapsed
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def run_bare(texts: list[str], *, with_metadata: bool = False) -> float:
    import trafilatura

    start = time.perf_counter()
    for html in texts:
        trafilatura.extract(html, with_metadata=with_metadata)
    return time.perf_counter() - start


def mixed_items(n: int) -> list[tuple[str, str, bytes]]:
    """(kind, name, bytes): 60% HTML, 20% PDF, 20% text, all with distinct text."""
    from sources.models import ItemKind
    from tests.sources.extraction.pdfs import two_column_report

    n_pdf = n_text = n // 5
    n_html = n - n_pdf - n_text
    items = [(ItemKind.HTML, name, data) for name, data in distinct_pages(n_html)]
    items += [
        (ItemKind.PDF, f"report-{i:05d}.pdf", two_column_report(note=f"Benchmark copy {i}."))
        for i in range(n_pdf)
    ]
    note = (
        "Итоги визита в Пхеньян: стороны подписали договор о всеобъемлющем стратегическом "  # noqa: RUF001
        "партнёрстве. Officials in Seoul said the text had not been published in full."
    )
    items += [
        (ItemKind.TEXT, f"note-{i:05d}.txt", f"Note {i}\n\n{note}\n\nCopy {i}.".encode())
        for i in range(n_text)
    ]
    return items


def _worker(index: int, workers: int, job_pk: int, results) -> None:
    """One worker process: ingest its share of the job's items, report time and memory."""
    from django.db import connections

    connections.close_all()  # never share the parent's connection across a fork
    from sources.jobs.ingest import ingest_item
    from sources.models import IngestItem

    items = IngestItem.objects.select_related("job__project", "job__created_by").filter(
        job_id=job_pk
    )
    mine = [item for item in items.order_by("position") if item.position % workers == index]
    per_kind: dict[str, list[float]] = {}
    start = time.perf_counter()
    for item in mine:
        began = time.perf_counter()
        ingest_item(item)
        spent = per_kind.setdefault(item.kind, [0, 0.0])
        spent[0] += 1
        spent[1] += time.perf_counter() - began
    results.put((index, len(mine), time.perf_counter() - start, peak_rss_mb(), per_kind))
    connections.close_all()


def _bare_worker(index: int, workers: int, texts: list[str], results) -> None:
    import trafilatura

    mine = texts[index::workers]
    start = time.perf_counter()
    for html in mine:
        trafilatura.extract(html)
    results.put((index, len(mine), time.perf_counter() - start, peak_rss_mb(), {}))


def _in_processes(target, workers: int, *args) -> tuple[float, list[tuple]]:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [
        context.Process(target=target, args=(i, workers, *args, results)) for i in range(workers)
    ]
    start = time.perf_counter()
    for process in processes:
        process.start()
    reports = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return time.perf_counter() - start, sorted(reports)


def run_mixed(n: int, workers: int) -> None:
    from _database import setup_django as setup_bench_django

    engine, drop = setup_bench_django("bench-ingest")
    try:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from coding.models import Codebook, Project
        from sources.inputs import ItemSpec
        from sources.jobs.ingest import create_job
        from sources.models import IngestItem, ItemKind, ItemStatus

        items = mixed_items(n)
        project = Project.objects.create(
            slug="bench-mixed", name="Bench", codebook=Codebook.objects.first()
        )
        specs = [ItemSpec(kind, name, data) for kind, name, data in items]
        job = create_job(project, None, specs, enqueue=False)
        from django.db import connections

        connections.close_all()
        elapsed, reports = _in_processes(_worker, workers, job.pk)
        outcomes = {}
        for kind, status in IngestItem.objects.filter(job=job).values_list("kind", "status"):
            outcomes.setdefault(kind, {}).setdefault(status, 0)
            outcomes[kind][status] += 1
        html = [data.decode("utf-8") for kind, _, data in items if kind == ItemKind.HTML]
        bare_elapsed, bare_reports = _in_processes(_bare_worker, workers, html)
    finally:
        drop()
    ok = sum(counts.get(ItemStatus.OK, 0) for counts in outcomes.values())
    print(f"{n} mixed items ({engine}), {workers} worker processes")
    print(f"  ours, all items        {n / elapsed:8.1f} items/s   ({elapsed:.1f} s, {ok} added)")
    for kind, counts in sorted(outcomes.items()):
        done = sum(r[4].get(kind, [0, 0.0])[0] for r in reports)
        busy = sum(r[4].get(kind, [0, 0.0])[1] for r in reports)
        rate = workers * done / busy if busy else 0.0
        print(
            f"    {kind:6s} {sum(counts.values()):5d} items {rate:8.1f} items/s "
            f"({1000 * busy / max(done, 1):.1f} ms each in a worker) {counts}"
        )
    for index, count, seconds, rss, _ in reports:
        print(
            f"    worker {index}: {count} items in {seconds:.1f} s "
            f"({count / seconds:.1f} items/s), peak RSS {rss:.0f} MB"
        )
    print(
        f"  bare trafilatura.extract, HTML share ({len(html)} pages): "
        f"{len(html) / bare_elapsed:8.1f} pages/s ({bare_elapsed:.1f} s)"
    )
    for index, count, seconds, rss, _ in bare_reports:
        print(
            f"    process {index}: {count} pages in {seconds:.1f} s "
            f"({count / seconds:.1f} pages/s), peak RSS {rss:.0f} MB"
        )
    if ok != n:
        raise SystemExit(f"only {ok} of {n} items were added")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--single", action="store_true", help="the one-process HTML comparison")
    parser.add_argument("--items", type=int, default=1000, help="mixed items (default mode)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--n", type=int, default=200, help="documents per round (--single)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", action="store_true", help="also time the steps of ours")
    parser.add_argument(
        "--queue", action="store_true", help="also time a job through a real worker per broker"
    )
    args = parser.parse_args()
    if not args.single:
        run_mixed(args.items, args.workers)
        return

    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        docs = distinct_pages(args.n)
        texts = [data.decode("utf-8") for _, data in docs]
        run_bare(texts[:20])  # warm-up of both paths
        run_ours(docs[:20], 0)
        best_ours = best_bare = best_meta = float("inf")
        for round_no in range(1, args.rounds + 1):
            best_bare = min(best_bare, run_bare(texts))
            best_meta = min(best_meta, run_bare(texts, with_metadata=True))
            best_ours = min(best_ours, run_ours(docs, round_no))
        # memory in a separate, untimed round: tracemalloc slows everything down
        tracemalloc.start()
        run_ours(docs[:50], args.rounds + 1)
        traced_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rss = peak_rss_mb()
        if args.steps:
            steps_total, steps = time_steps(docs, args.rounds + 2)
        queued = {}
        if args.queue:
            brokers = ["embedded"] + (["redis"] if REDIS_URL else [])
            for broker in brokers:
                queued[broker] = run_queued(docs, broker, folder, args.rounds + 3)

    n = len(docs)
    print(f"{n} distinct documents, best of {args.rounds} rounds")
    print(
        f"  {'run_job/ingest_item (ours, DB)':37}{n / best_ours:8.1f} sources/s "
        f"{1000 * best_ours / n:6.2f} ms/source"
    )
    print(
        f"  {'trafilatura.extract (bare)':37}{n / best_bare:8.1f} pages/s   "
        f"{1000 * best_bare / n:6.2f} ms/page"
    )
    print(
        f"  {'trafilatura.extract(with_metadata)':37}{n / best_meta:8.1f} pages/s   "
        f"{1000 * best_meta / n:6.2f} ms/page  (title, author, site, date: what a source needs)"
    )
    print(f"  ratio ours / bare: {best_ours / best_bare:.2f}x (target < 1.2x)")
    print(
        f"  ratio bare with metadata / bare: {best_meta / best_bare:.2f}x "
        f"(trafilatura's own metadata step; ours / it: {best_ours / best_meta:.2f}x)"
    )
    print(f"  peak RSS of the process: {rss:.0f} MB")
    print(
        f"  tracemalloc peak over 50 sources (Python objects only): "
        f"{traced_peak / 1024 / 1024:.1f} MB"
    )
    if queued:
        print(f"through a real worker (prefork, 2 processes), {n} items from send to job done:")
        labels = {
            "embedded": "embedded default (SQLAlchemy on SQLite)",
            "redis": "Redis",
        }
        for broker, seconds in queued.items():
            print(f"  {labels[broker]:44s} {n / seconds:8.1f} items/s")
        if "redis" not in queued:
            print("  Redis: set REDIS_URL to compare")
        print("  aim: 20 items/s or more on the embedded default")
    if args.steps:
        ms = 1000 * steps_total / n
        print(f"steps of ours, one more round with timers ({ms:.2f} ms/source):")
        for label, _, _ in STEPS:
            if label in steps:
                print(f"  {label:44s} {1000 * steps[label] / n:6.3f} ms/source")
            else:
                print(f"  {label:44s} (not timed: renamed, or never called)")


if __name__ == "__main__":
    main()
