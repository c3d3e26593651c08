"""How long a team's submit takes in the workshop store (simlib.workshop.store): p50 / p95 / p99, and a read.

    .venv/bin/python benchmarks/store_latency.py                 # a temporary SQLite file and, when Debian's
                                                                 # PostgreSQL is installed, a throwaway server
    .venv/bin/python benchmarks/store_latency.py --url postgresql://user@host/db --n 500

One process submits ``--n`` times (alternating over 8 teams, 20 decisions each) after a few warm-up submits;
each submit is one committed transaction (WAL + synchronous=FULL on SQLite; PostgreSQL's defaults). Prints a
Markdown table; nothing is asserted.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simlib.workshop.store import Store

TEAMS = [f"T{i}" for i in range(8)]
WARMUP = 10


def measure(url: str, n: int) -> dict[str, float]:
    store = Store(url)
    ws = store.create_workshop({"benchmark": True}, "k", {t: "h" for t in TEAMS})
    decisions = {f"d{i}": i * 0.37 for i in range(20)}
    submits, reads = [], []
    for k in range(n + WARMUP):
        t0 = time.perf_counter()
        store.submit(ws, TEAMS[k % len(TEAMS)], 1, decisions, by="bench")
        t1 = time.perf_counter()
        store.latest(ws, 1)
        t2 = time.perf_counter()
        if k >= WARMUP:
            submits.append(t1 - t0)
            reads.append(t2 - t1)
    store.dispose()
    s50, s95, s99 = np.percentile(submits, [50, 95, 99]) * 1000
    return {"p50": s50, "p95": s95, "p99": s99, "read_p50": float(np.percentile(reads, 50) * 1000)}


def pg_server():
    """A throwaway PostgreSQL server from Debian's binaries (tests/pg.py), or None when there are none."""
    spec = importlib.util.spec_from_file_location("sdw_tests_pg", ROOT / "tests" / "pg.py")
    pg = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pg)
    try:
        return pg.PostgresServer.start()
    except pg.Unavailable as err:
        print(f"(PostgreSQL skipped: {err})")
        return None


@contextlib.contextmanager
def databases(urls: list[str]):
    """``urls``, or when none is given a temporary SQLite file and a throwaway PostgreSQL server (stopped on
    exit) — the databases both workshop benchmarks measure."""
    urls, server = list(urls), None
    if not urls:
        urls.append(f"sqlite:///{tempfile.mkdtemp(prefix='sdw-bench-')}/ws.sqlite")
        server = pg_server()
        if server is not None:
            urls.append(server.url(server.create_database()))
    try:
        yield urls
    finally:
        if server is not None:
            server.stop()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300, help="submits measured per database")
    ap.add_argument("--url", action="append", default=[], help="a database URL to measure (repeatable)")
    args = ap.parse_args(argv)
    with databases(args.url) as urls:
        print(f"| database | submit p50 (ms) | p95 | p99 | latest() p50 (ms) |   n = {args.n}")
        print("|---|---:|---:|---:|---:|")
        for url in urls:
            r = measure(url, args.n)
            print(f"| {url.split(':')[0]} | {r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | {r['read_p50']:.2f} |")


if __name__ == "__main__":
    main()
