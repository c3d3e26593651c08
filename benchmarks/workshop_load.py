"""A workshop under a class's load (simlib.workshop): 50 teams submitting within a minute, and real team pages.

    .venv/bin/python benchmarks/workshop_load.py --out benchmarks/WORKSHOP_LOAD.md     # 50 teams, 60 s, 10 pages
    .venv/bin/python benchmarks/workshop_load.py --window 15 --pages 3                 # a quick run
    .venv/bin/python benchmarks/workshop_load.py --url postgresql://user@host/db --no-pages

**library** — a workshop of ``--teams`` teams in a temporary SQLite file and, when Debian's PostgreSQL is
installed (tests/pg.py), on a throwaway server (``--url``: these databases instead). Each team is its own OS
process (multiprocessing, "spawn"); once all have started (imported and opened the workshop), each team, at
three times of its own drawn uniformly over ``--window`` seconds (seeded), joins with its code, submits its
template with its own target and focus, and resubmits once with a higher target (the last version counts);
the join and each submit call are timed (perf_counter), as is the load meanwhile (CPU busy %).
Then the trainer closes the round in a fresh process (time and peak RSS), for the ``parallel`` market of the
workshop file and again for a second workshop with ``settings={"market": "shared"}`` whose teams submit their
templates one after another from this process.

**pages** — ``--pages`` team pages served as ``make app`` serves them (:func:`simlib.ui.serve.voila_server`,
``$SDW_DB`` pointing at the workshop's SQLite file), opened one after the other in Debian's chromium (a browser
context each) and joined; with all of them open, each page's Submit is clicked in turn: the time from the click
until the page shows its confirmation. Memory per open page is the RSS (and USS) of the Voilà server's kernels
divided by the number of pages. Then the trainer closes the round through the library.

Prints a Markdown report (``--out FILE`` also writes it). Nothing is asserted except that nothing was lost
(every team submitted, both versions of each are stored, the latest is version 2, every page's team submitted);
a failed check is listed in the report and the exit status is 1.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import multiprocessing as mp
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simlib.workshop import Workshop
from simlib.workshop.decisions import FOCUS

sys.path.insert(0, str(ROOT / "benchmarks"))   # the same databases as the store benchmark
from store_latency import databases

TEAM_PAGE = "voila/render/workshop/team.ipynb"
PAGE_TIMEOUT_MS = 180_000          # a cold kernel on a busy 2-core machine
SEED = 2024


def _variant(tpl: dict, i: int, rng: random.Random) -> dict:
    """Team ``i``'s first decisions: the template with its own target and focus."""
    return tpl | {"target": float(round(tpl["target"] * rng.uniform(0.9, 1.15), -3)), "focus": FOCUS[i % len(FOCUS)]}


def _team_process(url, ws_id, i, name, code, times, go, t0, queue) -> None:
    """One team (its own process): when told to go, join, submit and resubmit at its ``times`` (seconds after
    ``t0``); sends its timings to ``queue``."""
    try:
        ws = Workshop.open(url, ws_id)
        queue.put(("ready", name, None))
        go.wait()
        at = iter(times)
        time.sleep(max(0.0, t0.value + next(at) - time.time()))
        s, c = time.perf_counter(), time.process_time()
        team = ws.join(code, client=f"bench-{i}")
        join = (time.perf_counter() - s, time.process_time() - c)
        first = _variant(team.template(), i, random.Random(SEED + i))
        second = first | {"target": first["target"] + 50_000.0}
        submits = []
        for decisions in (first, second):
            time.sleep(max(0.0, t0.value + next(at) - time.time()))
            s, c = time.perf_counter(), time.process_time()
            version = team.submit(decisions, by=f"bench {name}")
            submits.append((time.perf_counter() - s, time.process_time() - c, version))
        queue.put(("done", name, {"join": join, "submits": submits, "target": second["target"]}))
    except Exception as exc:  # noqa: BLE001 — a team that fails is reported and counted as lost
        queue.put(("error", name, f"{type(exc).__name__}: {exc}"))


def _peak_rss_mb() -> float:
    """This process's peak RSS (``VmHWM``: since its exec, unlike ``ru_maxrss``, which a spawned child
    inherits from the parent it was forked from)."""
    line = next(ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _close_round(url: str, ws_id: str, key: str) -> dict:
    """Close the open round in this (fresh) process: seconds, teams run, RSS before it and peak RSS."""
    trainer = Workshop.open(url, ws_id).as_trainer(key)
    before = psutil.Process().memory_info().rss / 2**20
    s = time.perf_counter()
    result = trainer.close_round()
    seconds = time.perf_counter() - s
    return {"seconds": seconds, "teams": len(result.teams), "rss_before_mb": before,
            "rss_peak_mb": _peak_rss_mb(),
            "status": trainer.status()["status"][1]}


def _timed_close(ctx, url: str, ws: Workshop) -> dict:
    with cf.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        return pool.submit(_close_round, url, ws.id, ws.trainer_key).result()


def _ms(values) -> tuple[float, float, float]:
    p50, p95 = np.percentile(values, [50, 95]) * 1000
    return float(p50), float(p95), float(max(values) * 1000)


def library_part(url: str, args, problems: list[str]) -> dict:
    kind = url.split(":")[0].split("+")[0]
    teams = [f"Team {i + 1:02d}" for i in range(args.teams)]
    s = time.perf_counter()
    ws = Workshop.create(args.spec, teams=teams, rounds=2, seed=7, db=url)
    create_s = time.perf_counter() - s
    rng = random.Random(SEED)
    plan = {name: sorted(rng.uniform(0, args.window) for _ in range(3)) for name in teams}   # join, submit, again
    ctx = mp.get_context("spawn")
    queue, go, t0 = ctx.Queue(), ctx.Event(), ctx.Value("d", 0.0)
    procs = [ctx.Process(target=_team_process, args=(url, ws.id, i, n, ws.team_codes[n], plan[n], go, t0, queue))
             for i, n in enumerate(teams)]
    s = time.perf_counter()
    for p in procs:
        p.start()
    ready, done, errors = set(), {}, {}
    while len(ready) + len(errors) < len(teams):
        what, name, data = queue.get(timeout=600)
        if what == "ready":
            ready.add(name)
        else:
            errors[name] = data
    ready_s = time.perf_counter() - s
    load = os.getloadavg()[0]
    psutil.cpu_percent()
    t0.value = time.time() + 1.0
    go.set()
    while len(done) + len(errors) < len(teams):
        what, name, data = queue.get(timeout=args.window + 300)
        (done if what == "done" else errors)[name] = data
    span_s, cpu = time.time() - t0.value, psutil.cpu_percent()
    for p in procs:
        p.join(timeout=30)
    for name, err in errors.items():
        problems.append(f"{kind}: {name} failed: {err}")
    submits = [d["submits"][k] for d in done.values() for k in range(2)]
    joins = [d["join"] for d in done.values()]
    # what the store kept
    trainer = Workshop.open(url, ws.id).as_trainer(ws.trainer_key)
    status, history, latest = trainer.status(), trainer.decisions(), ws.store.latest(ws.id, 1)
    if status["waiting"]:
        problems.append(f"{kind}: teams without a submission: {status['waiting']}")
    if len(history) != 2 * len(teams):
        problems.append(f"{kind}: {len(history)} rows stored, {2 * len(teams)} expected")
    if (history.groupby("team")["version"].max() != 2).any() or len(history.groupby("team")) != len(teams):
        problems.append(f"{kind}: some team's latest version is not 2")
    stale = [n for n, d in done.items() if latest.get(n, {}).get("target") != d["target"]]
    if stale:
        problems.append(f"{kind}: the latest decisions are not the last submitted for {stale}")
    parallel = _timed_close(ctx, url, ws)
    # the shared market: a second workshop, its teams' templates submitted from here
    shared_ws = Workshop.create(args.spec, teams=teams, rounds=2, seed=7, db=url, settings={"market": "shared"})
    for i, name in enumerate(teams):
        team = Workshop.open(url, shared_ws.id).join(shared_ws.team_codes[name])
        team.submit(_variant(team.template(), i, random.Random(SEED + i)), by="bench")
    shared = _timed_close(ctx, url, shared_ws)
    for mode, close in (("parallel", parallel), ("shared", shared)):
        if close["teams"] != len(teams) or close["status"] != "published":
            problems.append(f"{kind}: the {mode} round ran {close['teams']} teams, round 1 is {close['status']}")
    return {"db": kind, "teams": len(teams), "create_s": create_s, "ready_s": ready_s, "span_s": span_s,
            "load": load, "cpu": cpu, "joins": len(joins), "submits": len(submits),
            "join": _ms([j[0] for j in joins]), "join_cpu": _ms([j[1] for j in joins]),
            "submit": _ms([x[0] for x in submits]), "submit_cpu": _ms([x[1] for x in submits]),
            "stored": len(history), "parallel": parallel, "shared": shared}


def _voila_process(base: str) -> psutil.Process:
    port = base.rstrip("/").rsplit(":", 1)[1]
    return next(p for p in psutil.Process().children() if f"--port={port}" in " ".join(p.cmdline()))


def pages_part(args, problems: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    from simlib.ui.serve import CHROMIUM, CHROMIUM_ARGS, PAGES, voila_server

    url = f"sqlite:///{tempfile.mkdtemp(prefix='sdw-bench-')}/ws.sqlite"
    os.environ["SDW_DB"] = url                        # the kernels inherit it: the pages use this database
    teams = [f"Page team {i + 1:02d}" for i in range(args.pages)]
    ws = Workshop.create(args.spec, teams=teams, rounds=2, seed=7, db=url)
    renders, joins, clicks, pages = [], [], [], []
    with voila_server(PAGES, timeout=90) as base, sync_playwright() as p:
        voila = _voila_process(base)
        idle_mb = voila.memory_info().rss / 2**20
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name in teams:
            page = browser.new_context(viewport={"width": 1400, "height": 1700}).new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            s = time.perf_counter()
            page.goto(f"{base}{TEAM_PAGE}?ws={ws.id}&code={ws.team_codes[name]}&lang=en")
            page.locator(".sdw-code input").wait_for()
            renders.append(time.perf_counter() - s)
            page.locator(".sdw-display-name input").fill(f"bench {name}")
            s = time.perf_counter()
            page.locator("button.sdw-join").click()
            page.locator("button.sdw-submit").wait_for()
            page.locator(".sdw-cost table").wait_for()
            joins.append(time.perf_counter() - s)
            pages.append(page)
        s0 = time.perf_counter()
        for page in pages:
            s = time.perf_counter()
            page.locator("button.sdw-submit").click()
            page.locator(".sdw-submit-notice .sdw-ok").wait_for()
            clicks.append(time.perf_counter() - s)
        submit_span = time.perf_counter() - s0
        kernels = [k for k in voila.children(recursive=True) if "ipykernel" in " ".join(k.cmdline())]
        kernel_rss = sum(k.memory_info().rss for k in kernels) / 2**20
        kernel_uss = sum(k.memory_full_info().uss for k in kernels) / 2**20
        server_mb = voila.memory_info().rss / 2**20
        browser.close()
    trainer = Workshop.open(url, ws.id).as_trainer(ws.trainer_key)
    waiting = trainer.status()["waiting"]
    if waiting:
        problems.append(f"pages: teams without a submission: {waiting}")
    s = time.perf_counter()
    trainer.close_round()
    close_s = time.perf_counter() - s
    if len(kernels) != len(teams):
        problems.append(f"pages: {len(kernels)} kernels for {len(teams)} open pages")
    return {"pages": len(teams), "render_median_s": float(np.median(renders)), "render_max_s": max(renders),
            "join_median_s": float(np.median(joins)), "click": _ms(clicks), "submit_span_s": submit_span,
            "kernels": len(kernels), "kernel_rss_mb": kernel_rss / len(teams), "kernel_uss_mb": kernel_uss / len(teams),
            "server_idle_mb": idle_mb, "server_mb": server_mb, "close_s": close_s}


def report(argv: list[str], libs: list[dict], pages: dict | None, problems: list[str], started: str) -> str:
    mem = psutil.virtual_memory().total / 2**30
    out = ["# Workshop load", "", f"`.venv/bin/python benchmarks/workshop_load.py {' '.join(argv)}`", "",
           f"- **date**: {started}",
           (f"- **machine**: {os.cpu_count()} CPUs, {mem:.1f} GiB RAM, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}"),
           f"- **load average at end**: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", ""]
    for lib in libs:
        out.append(f"- **{lib['db']}**: {lib['teams']} team processes started in {lib['ready_s']:.1f} s (load average "
                   f"then {lib['load']:.1f}); {lib['joins']} joins and {lib['submits']} submits over "
                   f"{lib['span_s']:.1f} s, CPU {lib['cpu']:.0f} % busy meanwhile; {lib['stored']} versions stored")
    if pages:
        out.append(f"- **pages**: {pages['pages']} pages, {pages['kernels']} kernels; the {pages['pages']} submits "
                   f"took {pages['submit_span_s']:.1f} s in all")
    out += ["", "**Checks**: " + ("nothing lost." if not problems else "FAILED"), *[f"- {p}" for p in problems], ""]
    rows = []
    for lib in libs:
        db, n = lib["db"], lib["teams"]
        rows += [(db, "create the workshop (s)", f"{lib['create_s']:.2f}"),
                 (db, f"join p50 / p95 / max (ms), {lib['joins']} joins",
                  "{:.0f} / {:.0f} / {:.0f}".format(*lib["join"])),
                 (db, "  CPU time of a join p50 / p95 / max (ms)", "{:.0f} / {:.0f} / {:.0f}".format(*lib["join_cpu"])),
                 (db, f"submit p50 / p95 / max (ms), {lib['submits']} submits",
                  "{:.1f} / {:.1f} / {:.1f}".format(*lib["submit"])),
                 (db, "  CPU time of a submit p50 / p95 / max (ms)",
                  "{:.1f} / {:.1f} / {:.1f}".format(*lib["submit_cpu"]))]
        for mode in ("parallel", "shared"):
            c = lib[mode]
            rows += [(db, f"close_round, {mode} market, {n} teams (s)", f"{c['seconds']:.2f}"),
                     (db, f"  per team (ms), {mode}", f"{c['seconds'] / n * 1000:.0f}"),
                     (db, f"  peak RSS of the closing process (MB), {mode}",
                      f"{c['rss_peak_mb']:.0f} (before: {c['rss_before_mb']:.0f})")]
    if pages:
        rows += [("pages", "first render of a team page, median / max (s)",
                  f"{pages['render_median_s']:.1f} / {pages['render_max_s']:.1f}"),
                 ("pages", "join on the page → form and cost shown, median (s)", f"{pages['join_median_s']:.1f}"),
                 ("pages", "Submit click → confirmation p50 / p95 / max (ms)", "{:.0f} / {:.0f} / {:.0f}".format(
                     *pages["click"])),
                 ("pages", "kernel RSS per open page (MB)", f"{pages['kernel_rss_mb']:.0f}"),
                 ("pages", "kernel USS per open page (MB)", f"{pages['kernel_uss_mb']:.0f}"),
                 ("pages", "Voilà server RSS idle / with the pages open (MB)",
                  f"{pages['server_idle_mb']:.0f} / {pages['server_mb']:.0f}"),
                 ("pages", f"close_round, {pages['pages']} teams, from this process (s)", f"{pages['close_s']:.2f}")]
    out += ["| part | figure | value |", "|---|---|---:|", *[f"| {a} | {b} | {c} |" for a, b, c in rows], ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", default=str(ROOT / "scenarios" / "workshop" / "b2b_quarter.yaml"),
                    help="the workshop file (default: b2b_quarter.yaml)")
    ap.add_argument("--teams", type=int, default=50, help="teams of the library part (one process each)")
    ap.add_argument("--window", type=float, default=60.0, help="seconds over which the teams submit")
    ap.add_argument("--url", action="append", default=[], help="a database URL for the library part (repeatable)")
    ap.add_argument("--no-library", dest="library", action="store_false", help="skip the library part")
    ap.add_argument("--pages", type=int, default=10, help="team pages opened in the browser")
    ap.add_argument("--no-pages", dest="pages", action="store_const", const=0, help="skip the pages part")
    ap.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    args = ap.parse_args(argv)
    started = dt.datetime.now().isoformat(timespec="seconds")
    problems: list[str] = []
    libs = []
    if args.library:
        with databases(args.url) as urls:
            libs = [library_part(url, args, problems) for url in urls]
    pages = pages_part(args, problems) if args.pages else None
    text = report(argv, libs, pages, problems, started)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
