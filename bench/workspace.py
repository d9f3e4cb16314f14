"""Benchmark: saving codings through the real HTTP API, and drawing 1,000 highlights in Chromium.

    .venv/bin/python bench/workspace.py [--saves 500] [--coders 8] [--per-coder 100]
                                        [--workers CPUS] [--threads 4] [--no-browser]

Runs on the database DATABASE_URL names: on PostgreSQL it creates a temporary database on that
server (dropped afterwards); without DATABASE_URL (or on SQLite) a temporary SQLite file. It
migrates it, creates a project on the default codebook with one coder per concurrent client
(each with a token and a 100,000-character source assigned), and starts gunicorn itself on a
free 127.0.0.1 port (gunicorn.conf.py's threaded workers, or --worker-class, DEBUG off) — the
deployment docs/deployment.md describes:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/workspace.py

It then measures, with persistent HTTP connections and token authentication:
- one coder saving one coding at a time (POST .../codings/, with a fresh client_id as the page
  sends): p50 and p95 over --saves saves; then editing each of them once (PATCH);
- --coders coders saving at once, one process each (--per-coder saves each): saves/s, p50, p95;
and, unless --no-browser, opens in Chromium (a second gunicorn, serving the collected static
files) three 100,000-character sources with 1,000 codings each: one written as a single
paragraph (the worst case for the browser's layout), one in paragraphs of ~700 characters (as
news is), and one in lines of ~700 characters with single line breaks and no blank line (a
plain-text source: one paragraph of lines, which the page draws in blocks). For each it reports
the time from navigation to the page delivered (an upper bound of the server's time), to the
text and its highlights painted (the Largest Contentful Paint, which must be the reader's text)
and to the page ready (every handler wired, the panel fitted), and the median time of
redrawing all 1,000.

The peer figures are those quoted in issue 5 for a mature open-source annotation tool on the same
stack, measured on this machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _database import temporary_database  # noqa: E402

TMP = tempfile.TemporaryDirectory(prefix="bench-workspace-")
PEER = {"p50": "13-17 ms", "rate": "80-100 saves/s", "p95": "120-160 ms"}
AIM = {"p50": "< 5 ms", "rate": ">= 250 saves/s", "p95": "< 50 ms"}
SLUG = "bench-workspace"
PARAGRAPH = 700  # characters: a news paragraph is 400-1,000
SENTENCE = "Naval forces of China, Iran and Russia began an exercise 中俄 🙂 in the Gulf of Oman. "


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django(url: str) -> None:
    os.environ.update(
        DATABASE_URL=url, DEBUG="1", VAR_DIR=TMP.name, DJANGO_SETTINGS_MODULE="config.settings"
    )
    import django

    django.setup()


def build(coders: int) -> dict:
    """Project, coders with tokens, one source each, and a source with 1,000 codings."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from coding.codebook_io import import_codebook, load_default_codebook_data
    from coding.models import Activity, Assignment, Coding, Membership, Project, Role
    from sources.models import Source

    call_command("migrate", verbosity=0)
    codebook = import_codebook(load_default_codebook_data())
    User = get_user_model()
    project = Project.objects.create(slug=SLUG, name="Workspace bench", codebook=codebook)
    text = (SENTENCE * (100_000 // len(SENTENCE) + 1))[:100_000]
    activity = Activity.objects.get(area__codebook=codebook, slug="military_exercises")
    actors = {a.iso3: a.pk for a in codebook.actors.all()}
    clients = []
    for i in range(coders + 1):
        user = User.objects.create_user(f"bench-coder-{i}", password="bench-pw")
        Membership.objects.create(project=project, user=user, role=Role.CODER)
        source = Source.objects.create(project=project, title=f"Bench {i}", text=text + str(i))
        Assignment.objects.create(source=source, coder=user)
        clients.append({"token": Token.objects.create(user=user).key, "source": source.pk})
    viewer = clients.pop()
    one_paragraph = Source.objects.get(pk=viewer["source"])
    paragraphs = Source.objects.create(project=project, title="Bench paragraphs",
                                       text=with_paragraphs(text))  # fmt: skip
    lines = Source.objects.create(project=project, title="Bench lines",
                                  text=with_paragraphs(text, separator="\n"))  # fmt: skip
    for shape in (paragraphs, lines):
        Assignment.objects.create(source=shape, coder=one_paragraph.assignments.get().coder)
    span = len(SENTENCE)
    for big in (one_paragraph, paragraphs, lines):
        Coding.objects.bulk_create(
            Coding(
                source=big, coder=big.assignments.get().coder, start=(i * span) % 99_000,
                end=(i * span) % 99_000 + 40 + (i % 7) * 10, quote="", dyad_type="undirected",
                side_a_id=actors["CHN"], side_b_id=actors["RUS"], area_id=activity.area_id,
                activity=activity, confidence=2,
            )
            for i in range(1000)
        )  # fmt: skip
        for c in Coding.objects.filter(source=big):
            c.quote = big.text[c.start : c.end]
            c.save(update_fields=["quote"])
    return {
        "clients": clients,
        "viewer": {
            "username": f"bench-coder-{coders}",
            "source": one_paragraph.pk,
            "paragraphs": paragraphs.pk,
            "lines": lines.pk,
        },
        "payload": {
            "dyad_type": "undirected",
            "side_a": actors["CHN"],
            "side_b": actors["RUS"],
            "area": activity.area_id,
            "activity": activity.pk,
            "confidence": 3,
            "event_date": "2024-03-11",
            "date_precision": "day",
            "note": "Bench save.",
        },
        "text": text,
    }


def with_paragraphs(text: str, every: int = PARAGRAPH, separator: str = "\n\n") -> str:
    """The same text in paragraphs of about `every` characters: a blank line (or `separator`)
    after the first sentence that ends past each mark, cut back to the text's length."""
    parts, at = [], 0
    while (end := text.find(". ", at + every)) > 0:
        parts.append(text[at : end + 1])
        at = end + 2
    return separator.join([*parts, text[at:]])[: len(text)]


def start_gunicorn(
    url: str, port: int, *, workers: int, threads: int, debug: bool, static: Path | None = None,
    worker_class: str | None = None,
):  # fmt: skip
    env = {
        **os.environ, "DATABASE_URL": url, "DEBUG": "1" if debug else "0",
        "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0", "VAR_DIR": TMP.name, "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600", "STATIC_ROOT": str(static or Path(TMP.name) / "static"),
    }  # fmt: skip
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads),
               "--keep-alive", "30", "--log-level", "warning"]  # fmt: skip
    if worker_class:  # else gunicorn.conf.py's
        command += ["--worker-class", worker_class]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


def stop(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def save_many(args) -> tuple[list[float], list[int]]:
    """One coder: `n` saves over one persistent connection; returns each save's seconds and the
    ids of the codings stored."""
    port, client, payload, text, n, offset = args
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {client['token']}", "Content-Type": "application/json"}
    path = f"/api/projects/{SLUG}/sources/{client['source']}/codings/"
    times, ids = [], []
    for i in range(n):
        start = ((offset + i) * 97) % 99_000
        end = start + 30
        quote = text[start:end]  # the server trims surrounding whitespace itself
        # every save from the page carries a fresh client_id (its idempotency key)
        body = json.dumps(
            {**payload, "start": start, "end": end, "quote": quote, "client_id": str(uuid.uuid4())}
        )
        began = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        times.append(time.perf_counter() - began)
        if response.status != 201:
            raise RuntimeError(f"save failed: {response.status} {data[:300]!r}")
        ids.append(json.loads(data)["id"])
    conn.close()
    return times, ids


def edit_many(port: int, client: dict, ids: list[int]) -> list[float]:
    """Edit each coding once (PATCH its confidence and note, from version 1), as a coder does
    after opening a highlight; returns each edit's seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {client['token']}", "Content-Type": "application/json"}
    times = []
    for pk in ids:
        body = json.dumps({"confidence": 2, "note": "Edited in the bench.", "version": 1})
        began = time.perf_counter()
        conn.request("PATCH", f"/api/projects/{SLUG}/codings/{pk}/", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        times.append(time.perf_counter() - began)
        if response.status != 200:
            raise RuntimeError(f"edit failed: {response.status} {data[:300]!r}")
    conn.close()
    return times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


# When the browser painted the page's largest text (Largest Contentful Paint: the frame shown,
# not when our script finished), and whether that text is the reader's.
LARGEST_PAINT = """new Promise((done) => new PerformanceObserver((list) => {
    const last = list.getEntries().at(-1);
    done([last.startTime, !!last.element && !!last.element.closest("#reader")]);
}).observe({ type: "largest-contentful-paint", buffered: true }))"""


def browser(url: str, data: dict) -> dict[str, tuple] | None:
    from tests.services import CHROMIUM, chromium_available

    if not chromium_available():
        print("Chromium not found: skipping the browser figures")
        return None
    from playwright.sync_api import sync_playwright

    static_root = Path(TMP.name) / "static"
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "collectstatic-only-" + "x" * 40,
           "STATIC_ROOT": str(static_root), "ALLOWED_HOSTS": "localhost"}  # fmt: skip
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    port = free_port()
    server = start_gunicorn(url, port, workers=2, threads=2, debug=False, static=static_root)
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = chromium.new_page(viewport={"width": 1280, "height": 860})
            base = f"http://localhost:{port}"  # a secure context: Secure cookies work
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Username").fill(data["viewer"]["username"])
            page.get_by_label("Password").fill("bench-pw")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/projects/")
            figures = {}
            for name in ("source", "paragraphs", "lines"):
                loads, htmls = [], []
                for _ in range(3):
                    page.goto(f"{base}/projects/{SLUG}/sources/{data['viewer'][name]}/code/")
                    page.wait_for_selector("#reader[data-ready]", state="attached")
                    painted, in_reader = page.evaluate(LARGEST_PAINT)
                    assert in_reader, "the largest paint is not the reader's text"
                    loads.append(
                        (painted,
                         page.evaluate("performance.getEntriesByName('ws-rendered')[0].startTime"))
                    )  # fmt: skip
                    htmls.append(
                        page.evaluate(
                            "[performance.getEntriesByType('navigation')[0].responseEnd,"
                            " performance.getEntriesByName('ws-start')[0].startTime]"
                        )
                    )
                count = page.evaluate("document.querySelectorAll('#coding-list li').length")
                assert count == 1000, count
                redraws = [page.evaluate("window.workspace.redraw()") for _ in range(7)]
                painted, ready = zip(*loads, strict=True)
                after_start = min(p - h[1] for p, h in zip(painted, htmls, strict=True))
                figures[name] = (
                    min(htmls), (min(painted), min(ready), after_start), statistics.median(redraws)
                )  # fmt: skip
            chromium.close()
    finally:
        stop(server)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--coders", type=int, default=8)
    parser.add_argument("--per-coder", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--worker-class", help="gunicorn's worker class (default: gunicorn.conf.py's), e.g. gthread"
    )
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    url, drop = temporary_database("bench_ws", TMP.name)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    server = None
    try:
        setup_django(url)
        data = build(args.coders)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start_gunicorn(
            url, port, workers=args.workers, threads=args.threads, debug=False,
            worker_class=args.worker_class,
        )  # fmt: skip
        payload, text, clients = data["payload"], data["text"], data["clients"]
        save_many((port, clients[0], payload, text, 20, 10_000))  # warm up every worker
        single, saved = save_many((port, clients[0], payload, text, args.saves, 0))
        edits = edit_many(port, clients[0], saved)
        jobs = [
            (port, clients[i], payload, text, args.per_coder, 20_000 + i * 1000)
            for i in range(args.coders)
        ]
        with multiprocessing.Pool(args.coders) as pool:
            began = time.perf_counter()
            results = pool.map(save_many, jobs)
            wall = time.perf_counter() - began
        stop(server)
        server = None
        together = [t for times, _ in results for t in times]
        rendered = None if args.no_browser else browser(url, data)
    finally:
        if server is not None:
            stop(server)
        from django.db import connections

        connections.close_all()
        drop()

    print(
        f"\nSaving a coding: {engine} + gunicorn ({args.workers} workers x {args.threads} "
        f"threads, {args.worker_class or 'gunicorn.conf.py'}), {os.cpu_count()} CPUs, token "
        "auth, keep-alive\n"
    )
    rows = [
        ("", "ours", "peer", "aim"),
        (f"1 coder, p50 ({args.saves} saves)", f"{pct(single, 0.5):.1f} ms", "13-17 ms", "< 5 ms"),
        (f"1 coder, p95 ({args.saves} saves)", f"{pct(single, 0.95):.1f} ms", "", ""),
        ("1 coder, edits p50 / p95", f"{pct(edits, 0.5):.1f} / {pct(edits, 0.95):.1f} ms",
         "", ""),
        (f"{args.coders} coders, saves/s", f"{len(together) / wall:.0f} saves/s",
         PEER["rate"], AIM["rate"]),
        (f"{args.coders} coders, p50", f"{pct(together, 0.5):.1f} ms", "", ""),
        (f"{args.coders} coders, p95", f"{pct(together, 0.95):.1f} ms", PEER["p95"], AIM["p95"]),
    ]  # fmt: skip
    for row in rows:
        print(f"  {row[0]:<30} {row[1]:>14} {row[2]:>16} {row[3]:>16}")
    shapes = (
        ("source", "one paragraph"),
        ("paragraphs", f"paragraphs of ~{PARAGRAPH} characters"),
        ("lines", f"lines of ~{PARAGRAPH} characters (one paragraph of single line breaks)"),
    )
    for name, label in shapes:
        if not rendered:
            break
        html, load, redraw = rendered[name]
        print(f"\nDocument view, 100,000 characters in {label}, 1,000 highlights (Chromium)")
        print(f"  navigation start -> page delivered    {html[0]:>8.0f} ms (best of 3)")
        print(f"  navigation start -> scripts start     {html[1]:>8.0f} ms")
        print(f"  navigation start -> highlights painted {load[0]:>7.0f} ms (best of 3)")
        print(f"  navigation start -> page ready       {load[1]:>8.0f} ms (best of 3)")
        print(f"  scripts start -> highlights painted {load[2]:>9.0f} ms (best of 3)")
        print(f"  redraw of all 1,000 highlights       {redraw:>8.1f} ms (median of 7)")


if __name__ == "__main__":
    main()
