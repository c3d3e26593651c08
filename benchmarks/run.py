"""Benchmark simlib: the SimPy engine against the plain-Python reference, and replications.

    .venv/bin/python benchmarks/run.py            # full run, a few minutes
    .venv/bin/python benchmarks/run.py --quick    # fewer repeats; 100 replications, extrapolated
    .venv/bin/python benchmarks/run.py --no-app   # skip benchmarks/app_latency.py

Prints a Markdown report and writes it to ``benchmarks/RESULTS.md``:

* ``simulate(sc, seed).summary()`` (simlib on SimPy) against ``reference.run`` (a plain-Python event
  heap, ``benchmarks/reference.py``; same world, same results) at three sizes built from
  ``scenarios/funnel_basics.yaml``: reps × weeks × leads a week, with ``team.hours_per_week`` =
  28 × (leads / 60) × (15 / reps) so utilization stays near the base's 56 %. Both include drawing
  the world and the summary. The machine is noisy, so the two are interleaved (alternating which
  goes first), each run gets a fresh seed shared by both, and the median and min are reported.
* ``replicate`` of the 50 × 52 × 200 scenario: 1,000 replications serial and with 2 workers (loky;
  worker start-up included). ``--quick`` runs 100 and multiplies by 10, and says so.
* The rows of ``benchmarks/app_latency.py``'s ``measure()`` if that module is there and works (run
  in a child process, at most ``--app-timeout`` seconds).

This is a script, not a test: nothing here fails on a missed target; the report says which are met.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import gc
import importlib.util
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import simlib
from simlib.core import engine
from simlib.core.results import SimResult


def _load(name: str):
    """Import ``benchmarks/<name>.py`` by path (``None`` if it is not there)."""
    path = HERE / f"{name}.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location(f"simlib_benchmarks_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


reference = _load("reference")

SIZES = [(15, 13, 60), (50, 52, 200), (500, 52, 2000)]   # reps, weeks, leads per week
RATIO_TARGET, RATIO_WORST = 2.0, 3.0                        # simulate ÷ reference at 50 × 52
REPLICATIONS, REPLICATE_TARGET_S = 1000, 60.0               # with 2 workers, 50 × 52 × 200


def scenario(reps: int, weeks: int, leads: int) -> simlib.Scenario:
    base = simlib.load_scenario(ROOT / "scenarios" / "funnel_basics.yaml")
    return base.with_changes({
        "team.reps": reps, "horizon_weeks": weeks, "leads.per_week": leads,
        "team.hours_per_week": 28 * (leads / 60) * (15 / reps),
    })


def _timed(fn) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def time_simulate(sc: simlib.Scenario, repeats: int) -> dict:
    """Interleaved timings of simlib and the reference on the same seeds; checks they agree."""
    def ours(seed):
        return simlib.simulate(sc, seed).summary()

    def theirs(seed):
        world = engine.draw_world(sc, seed)
        return SimResult(sc, world, reference.run(sc, world)).summary()

    a, b = ours(0), theirs(0)   # warm up, and make sure both do the same work
    if (a["won"], a["lost"], a["open"]) != (b["won"], b["lost"], b["open"]):
        raise AssertionError(f"simlib and the reference disagree: {a} vs {b}")
    sim, ref = [], []
    for r in range(repeats):
        seed = 1000 + r
        run_ours, run_theirs = (lambda s=seed: ours(s)), (lambda s=seed: theirs(s))
        if r % 2:
            ref.append(_timed(run_theirs))
            sim.append(_timed(run_ours))
        else:
            sim.append(_timed(run_ours))
            ref.append(_timed(run_theirs))
    return {"leads": a["leads"], "utilization": a["utilization"], "sim": sim, "ref": ref,
            "ratio": statistics.median(sim) / statistics.median(ref),
            "ratio_min": min(sim) / min(ref), "repeats": repeats}


def time_replicate(sc: simlib.Scenario, n: int, workers: int) -> float:
    gc.collect()
    t0 = time.perf_counter()
    df = simlib.replicate(sc, n=n, seed=0, workers=workers)
    dt = time.perf_counter() - t0
    assert len(df) == n
    return dt


def _loadavg() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def machine_info() -> list[tuple[str, str]]:
    import joblib
    import numpy
    import pandas
    import simpy
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10, check=False).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    load = _loadavg()
    return [
        ("date", _dt.datetime.now().isoformat(timespec="seconds")),
        ("CPUs", f"{os.cpu_count()} (usable: {affinity})"),
        ("machine", f"{platform.machine()} {platform.processor() or ''}".strip()),
        ("python", platform.python_version()),
        ("simpy", simpy.__version__),
        ("numpy / pandas / joblib", f"{numpy.__version__} / {pandas.__version__} / {joblib.__version__}"),
        ("simlib", f"{simlib.__version__} (commit {commit}, working tree may differ)"),
        ("load average at start", load),
    ]


def _ms(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1e3:,.1f} / {min(xs) * 1e3:,.1f}"


def _s(x: float) -> str:
    return f"{x:,.1f} s"


def report(info, sims, reps, app, quick: bool, seconds: float) -> str:
    out = ["# simlib benchmarks", ""]
    out.append(f"`.venv/bin/python benchmarks/run.py{' --quick' if quick else ''}` — took {seconds:,.0f} s.")
    out.append("")
    out += [f"- **{k}**: {v}" for k, v in info]
    out += ["", "## simulate vs the plain-Python reference", "",
            ("`simulate(sc, seed).summary()` (SimPy engine) against `reference.run` + `SimResult(...).summary()`"
             " on the same worlds (both include `draw_world`). Times in ms, **median / min** over interleaved"
             " runs, one seed per pair. Ratio = median simlib ÷ median reference (min ÷ min in brackets)."), "",
            ("| reps × weeks × leads/week | leads | utilization | runs | simlib ms | reference ms "
             "| ratio | target | status |"),
            "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for (r, w, l), res in sims:
        if (r, w, l) == (50, 52, 200):
            target = f"≤ {RATIO_TARGET:g}× (≤ {RATIO_WORST:g}× at worst)"
            status = ("met" if res["ratio"] <= RATIO_TARGET else
                      f"within {RATIO_WORST:g}×, not {RATIO_TARGET:g}×" if res["ratio"] <= RATIO_WORST else "MISSED")
        else:
            target, status = "—", ""
        out.append(f"| {r} × {w} × {l:,} | {res['leads']:,} | {res['utilization']:.1%} | {res['repeats']} "
                   f"| {_ms(res['sim'])} | {_ms(res['ref'])} | {res['ratio']:.2f}× ({res['ratio_min']:.2f}×) "
                   f"| {target} | {status} |")
    out += ["", "## replicate, 50 reps × 52 weeks × 200 leads/week", ""]
    if quick:
        out += [(f"**Quick mode: {reps['n']} replications were run and the times multiplied by "
                 f"{REPLICATIONS // reps['n']} (extrapolated, not measured).**"), ""]
    out += ["| replications | workers | wall time | per replication | load average after | target | status |",
            "|---:|---:|---:|---:|---:|---|---|"]
    label = f"{REPLICATIONS:,}" + (f" (extrapolated from {reps['n']})" if quick else "")
    scale = REPLICATIONS / reps["n"]
    for workers, t, load in reps["times"]:
        total = t * scale
        if workers == 2:
            target = f"≤ {REPLICATE_TARGET_S:g} s"
            status = "met" if total <= REPLICATE_TARGET_S else "MISSED"
        else:
            target, status = "—", ""
        out.append(f"| {label} | {workers} | {_s(total)} | {t / reps['n'] * 1e3:,.1f} ms | {load} | {target} "
                   f"| {status} |")
    out += ["", ("The load average is the machine's, other users included: a second worker helps only if "
                 "the second core is free.")]
    out += ["", "## App latency (benchmarks/app_latency.py)", ""]
    if isinstance(app, dict):
        target_ms = app.get("target_ms")
        out += ["| metric | value | target | status |", "|---|---:|---|---|"]
        for k, v in app.items():
            if k == "target_ms":
                continue
            target = status = ""
            if k == "slider_to_chart_ms_median" and isinstance(target_ms, (int, float)):
                target = f"≤ {target_ms:g} ms"
                status = "met" if isinstance(v, (int, float)) and v <= target_ms else "MISSED"
            out.append(f"| {k} | {v} | {target} | {status} |")
    else:
        out.append(f"_{app}_")
    out.append("")
    return "\n".join(out)


def run_app_latency(skip: bool, timeout_s: float):
    """``app_latency.measure()``'s dict, or a sentence saying why there is none.

    It runs in a child process with a time limit: a browser that never sees the chart change
    would otherwise hang the whole benchmark. On timeout the child is interrupted (its clean-up
    stops the Voilà server and the browser it started), then its process group is stopped.
    """
    if skip:
        return "skipped (--no-app)"
    if not (HERE / "app_latency.py").is_file():
        return "skipped: benchmarks/app_latency.py is not there"
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import app_latency; "
            "print('APP_LATENCY_JSON ' + json.dumps(app_latency.measure()))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(HERE)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        # Ctrl-C first, so that measure()'s own clean-up stops the Voilà server it started (in a
        # session of its own) and the browser; then the child's group, harder each time
        for sig, grace in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            with contextlib.suppress(ProcessLookupError):
                if sig == signal.SIGINT:
                    os.kill(proc.pid, sig)
                else:
                    os.killpg(proc.pid, sig)
            try:
                proc.communicate(timeout=grace)
                break
            except subprocess.TimeoutExpired:
                continue
        return f"skipped: measure() did not finish within {timeout_s:.0f} s"
    for line in out.splitlines():
        if line.startswith("APP_LATENCY_JSON "):
            rows = json.loads(line.split(" ", 1)[1])
            if isinstance(rows, dict):
                return rows
            return f"skipped: measure() returned {type(rows).__name__}, not a dict"
    last = (err.strip().splitlines() or ["no output"])[-1][:200]
    return f"skipped: measure() failed (exit {proc.returncode}): {last}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats; 100 replications, extrapolated")
    ap.add_argument("--no-app", action="store_true", help="skip benchmarks/app_latency.py")
    ap.add_argument("--app-timeout", type=float, default=600, help="seconds allowed for app_latency.measure()")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args(argv)
    if reference is None:
        raise SystemExit("benchmarks/reference.py is missing")
    t_start = time.perf_counter()
    info = machine_info()
    for k, v in info:
        print(f"{k}: {v}", flush=True)

    repeats = {15: 11, 50: 5, 500: 3} if args.quick else {15: 41, 50: 15, 500: 5}
    sims = []
    for size in SIZES:
        res = time_simulate(scenario(*size), repeats[size[0]])
        sims.append((size, res))
        print(f"simulate {size}: simlib {_ms(res['sim'])} ms, reference {_ms(res['ref'])} ms, "
              f"ratio {res['ratio']:.2f}", flush=True)

    n = 100 if args.quick else REPLICATIONS
    sc = scenario(50, 52, 200)
    times = []
    for workers in (1, 2):
        t = time_replicate(sc, n, workers)
        times.append((workers, t, _loadavg()))
        print(f"replicate n={n} workers={workers}: {t:.1f} s", flush=True)

    app = run_app_latency(args.no_app, args.app_timeout)
    print(f"app latency: {app}", flush=True)

    text = report(info, sims, {"n": n, "times": times}, app, args.quick, time.perf_counter() - t_start)
    args.out.write_text(text, encoding="utf-8")
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
