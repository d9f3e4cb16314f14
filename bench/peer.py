"""Benchmark: this project beside doccano 1.8.4, same document, same client, same run.

    .venv/bin/python bench/peer.py [--runs 3] [--peers ../shared/peers] [--checkout .]

Uses the side-by-side harness in ../shared/peers/ (see its README): for every run it makes a
fresh doccano project (`doccano.sh`: doccano installed under /tmp/peers, gunicorn 2 workers,
its default SQLite) and a fresh copy of this project served the README's way (`ours.sh
CHECKOUT`: what is committed in CHECKOUT, PostgreSQL, gunicorn cores x 4 threads, DEBUG off),
then runs the same client (`loadsave.py`) against each: 500 sequential saves, 8 coders x 100
concurrent saves, 30 GETs of the document's 1,300 spans, and the RSS of gunicorn's master and
workers. It prints every run and then the ranges over the runs with our share of doccano's
figure, beside the aims of issue 20 (a save p50 and the 8 coders' p95 at most 1/3 of doccano's,
3x its saves/s, the span list at most 1/3 of its time and no larger, memory under 300 MiB).

The machine is shared: compare figures from the same run only, and read ranges, not one run.
Both servers are stopped afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path("/tmp/peers")
FLOOR_PORT = 8033


def run_pair(peers: Path, checkout: Path, out: Path) -> dict[str, dict]:
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.STDOUT, "check": True}
    subprocess.run(["bash", str(peers / "doccano.sh")], cwd="/tmp", **quiet)
    subprocess.run(["bash", str(peers / "ours.sh"), str(checkout)], cwd="/tmp", **quiet)
    found = {}
    for name in ("doccano", "ours"):
        found[name] = load(peers, SCRATCH / "targets" / f"{name}.json", out / f"{name}.json",
                           "--pidfile", str(SCRATCH / f"{name}-gunicorn.pid"))  # fmt: skip
    target = json.loads((SCRATCH / "targets" / "ours.json").read_text())
    target.update(name="empty app (the client's floor)", base=f"http://127.0.0.1:{FLOOR_PORT}")
    (out / "floor-target.json").write_text(json.dumps(target))
    with floor_server(out):
        found["floor"] = load(peers, out / "floor-target.json", out / "floor.json")
    return found


def load(peers: Path, target: Path, result: Path, *extra: str) -> dict:
    """The client's figures against `target`."""
    client = [sys.executable, str(peers / "loadsave.py"), str(target), *extra]
    subprocess.run([*client, "--json-out", str(result)], cwd="/tmp", check=False)
    return json.loads(result.read_text())


@contextlib.contextmanager
def floor_server(scratch: Path) -> Iterator[None]:
    """`bench/_floor_app.py` under gunicorn as ours.sh serves ours: cores x 4 threads, and
    gunicorn.conf.py (its worker; its post_worker_init loads our URLs, hence the settings)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
           "SECRET_KEY": "peers-bench-not-secret", "ALLOWED_HOSTS": "127.0.0.1",
           "VAR_DIR": str(scratch / "floor-var")}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench._floor_app:application",
         "--bind", f"127.0.0.1:{FLOOR_PORT}", "--workers", str(os.cpu_count()),
         "--threads", "4", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{FLOOR_PORT}/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the empty app did not start")
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def figures(run: dict) -> dict[str, float]:
    total = re.search(r"total=([\d.]+) MiB", run.get("rss", ""))
    return {
        "save_p50": run["sequential"]["p50_ms"],
        "save_p95": run["sequential"]["p95_ms"],
        "rate": run["concurrent"]["saves_per_s"],
        "conc_p95": run["concurrent"]["p95_ms"],
        "list_p50": run["list"]["p50_ms"],
        "list_kb": run["list"]["bytes"] / 1000,
        "list500_p50": run["list_after_sequential"]["p50_ms"],
        "rss": float(total.group(1)) if total else float("nan"),
    }


FLOOR_ROWS = {"save_p50", "save_p95", "rate", "conc_p95"}  # what the empty app's figures mean
ROWS = [  # key, label, format, aim for ours / doccano
    ("save_p50", "one save, p50", "{:.1f} ms", "<= 0.33x"),
    ("save_p95", "one save, p95", "{:.1f} ms", ""),
    ("rate", "8 coders, saves/s", "{:.0f}/s", ">= 3x"),
    ("conc_p95", "8 coders, p95", "{:.0f} ms", "<= 0.33x"),
    ("list_p50", "list of 1,300 spans, p50", "{:.1f} ms", "<= 0.33x"),
    ("list_kb", "list of 1,300 spans, size", "{:.0f} KB", "<= 1x"),
    ("list500_p50", "list of 500 spans, p50", "{:.1f} ms", ""),
    ("rss", "memory, 2 workers + master", "{:.0f} MiB", "< 300 MiB"),
]


def span(values: list[float], fmt: str) -> str:
    low, high = min(values), max(values)
    return fmt.format(low) if fmt.format(low) == fmt.format(high) else (
        f"{fmt.format(low).split()[0]}-{fmt.format(high)}"
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peers", type=Path, default=ROOT.parent / "shared" / "peers")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="what ours.sh serves")
    args = parser.parse_args()
    runs: list[dict[str, dict[str, float]]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
            for i in range(args.runs):
                print(f"== run {i + 1} of {args.runs}", flush=True)
                pair = run_pair(args.peers.resolve(), args.checkout.resolve(), Path(tmp))
                runs.append({name: figures(run) for name, run in pair.items()})
    finally:
        for name in ("ours", "doccano"):
            subprocess.run(["bash", str(args.peers / f"{name}.sh"), "stop"], cwd="/tmp",
                           stdout=subprocess.DEVNULL, check=False)  # fmt: skip
    print(f"\nSide by side, {len(runs)} runs on a shared machine (ranges over the runs; ratio:"
          " ours, or the empty app, / doccano within each run)\n")  # fmt: skip
    print(f"  {'measure':<28} {'doccano 1.8.4':>16} {'ours':>16} {'ratio':>13} {'aim':>10}"
          f" {'empty app':>16} {'ratio':>13}")  # fmt: skip
    for key, label, fmt, aim in ROWS:
        theirs = [r["doccano"][key] for r in runs]
        ours = [r["ours"][key] for r in runs]
        floor = ""
        if key in FLOOR_ROWS:
            empty = [r["floor"][key] for r in runs]
            floor = f"{span(empty, fmt):>16} {ratio_span(empty, theirs):>13}"
        print(f"  {label:<28} {span(theirs, fmt):>16} {span(ours, fmt):>16} "
              f"{ratio_span(ours, theirs):>13} {aim:>10} {floor}")  # fmt: skip


def ratio_span(values: list[float], theirs: list[float]) -> str:
    ratios = [v / t for v, t in zip(values, theirs, strict=True) if t]
    return f"{min(ratios):.2f}-{max(ratios):.2f}x" if ratios else ""


if __name__ == "__main__":
    main()
