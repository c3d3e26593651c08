"""S1 drill 03 (COURSE.md §1, §2, §9): the mid-quarter review at 35 % completion, simulated.

A seeded world (the key's ``world``, a scenario the trainee never sees) runs up to the review; the trainee sees
only its dashboard (:func:`review_dashboard`: the attainment, funnel-health and activity boards of COURSE.md §8),
names the causes (checked against :func:`diagnose_review`) and picks fixes, which are simulated over the rest
of the quarter on the same world (:func:`project_quarter`: every decision made before the review is kept, so
the weeks so far stay as they were — common random numbers) and on other futures of the same past.

Every draw of the review's other futures and extra leads comes from the ``futures`` stream of
:class:`simlib.base.rng.Streams` built from the key's seed, one child per kind of draw and future, so the
same key always gives the same projection.
"""
from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import yaml

from simlib.analysis.simulation import simulate
from simlib.base.fmt import number, percent
from simlib.base.rng import Streams
from simlib.base.schema import ScenarioError
from simlib.content.drills.feedback import Feedback, Ref
from simlib.content.drills.inputs import (
    as_choice,
    as_list,
    as_mapping,
    as_number_in,
    reject_unknown_keys,
)
from simlib.content.drills.material import key_and_material, pick_text
from simlib.core import engine
from simlib.core.results import SimResult
from simlib.core.scenario import load_scenario

__all__ = ["FUTURE_DRAWS", "check_mid_quarter_review", "diagnose_review", "project_quarter", "review_dashboard"]

#: the kinds of draw the review's other futures make, each from its own child of the ``futures`` stream
FUTURE_DRAWS: tuple[str, ...] = ("other_world", "decisions", "extra_leads")


# ---------------------------------------------------------------------------------------------
# The world of the review
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _world_run(world_yaml: str, seed: int) -> SimResult:
    res = simulate(load_scenario(yaml.safe_load(world_yaml)), seed)
    _ = res.deals, res.visits          # built once here, so that each copy handed out carries them
    return res


def _world(key: Mapping) -> tuple[Any, int, float, SimResult]:
    """(scenario, seed, first week of the quarter as a time, the base run). The base run is the caller's own
    copy of the cached run: changing its tables never changes what the next caller gets."""
    world = key["world"]
    text = yaml.safe_dump(world, allow_unicode=True, sort_keys=True)
    sc = load_scenario(world)
    for part in ("incentives", "people"):
        if getattr(sc, part) is not None:
            raise ScenarioError.at(f"world.{part}", "drills_world")
    seed = int(key.get("seed", 0))
    return sc, seed, float(key.get("quarter_start_week", 0)), copy.deepcopy(_world_run(text, seed))


def _future_rng(seed: int, draw: str, future: int | None = None) -> np.random.Generator:
    """The generator of one kind of ``draw`` (:data:`FUTURE_DRAWS`) of one ``future`` of the review world
    (``None``: the seeded future itself): the ``draw`` branch of the ``futures`` stream of ``Streams(seed)``
    (:meth:`simlib.base.rng.Streams.branches`), spawned again into one child per future — the same whatever
    else was drawn before, and sharing no numbers with any other draw.

        >>> float(_future_rng(7, "decisions", 2).random()) == float(_future_rng(7, "decisions", 2).random())
        True
        >>> float(_future_rng(7, "decisions", 2).random()) == float(_future_rng(7, "decisions", 3).random())
        False
    """
    by_draw = Streams(seed).branches("futures", FUTURE_DRAWS)[draw]
    return by_draw if future is None else by_draw.spawn(future + 1)[future]


def _seed_from(gen: np.random.Generator) -> int:
    """A world's seed drawn from ``gen``."""
    return int(gen.integers(2**32))


def _window_funnel(res: Any, t0: float, t1: float) -> pd.DataFrame:
    """Per stage, the deals decided there (the stage's work finished) in weeks ``[t0, t1)``, how
    many passed, and the observed conversion."""
    v = res.visits
    v = v[(v["finished_at"] >= t0) & (v["finished_at"] < t1)]
    d = res.deals
    idx = v["deal_id"].to_numpy() - 1
    k = v["stage"].map({s: i for i, s in enumerate(res.scenario.stage_names)}).to_numpy()
    passed = (d["stage_index"].to_numpy()[idx] > k) | (d["outcome"].to_numpy()[idx] == "won")
    rows = []
    for i, s in enumerate(res.scenario.stage_names):
        mask = k == i
        n = int(mask.sum())
        p = int(passed[mask].sum())
        rows.append({"stage": s, "decided": n, "passed": p, "conversion": p / n if n else math.nan})
    return pd.DataFrame(rows)


def review_dashboard(*, key: Mapping | None = None, material: Mapping | None = None,
                     lang: str | None = None) -> dict:
    """The funnel dashboard at the mid-quarter review (COURSE.md §8: attainment, funnel-health and
    activity boards) — only what a manager sees up to the review, never the world's parameters.

    Returns ``weekly`` (one row per week of the quarter so far: leads, won, revenue, cumulative
    revenue, the target's pace, hours available and worked, utilisation, open deals at the week's
    end), ``funnel`` (per stage: plan conversion, deals decided so far, passed, observed conversion)
    and ``summary`` (completion, time elapsed, leads a week, utilisation, average won value, the
    backlog, each beside the plan).

        >>> d = review_dashboard()
        >>> round(d["summary"]["completion"], 2), round(d["summary"]["elapsed"], 2)
        (0.34, 0.46)
    """
    key, mat = key_and_material("mid_quarter_review", key, material)
    plan = mat["plan"]
    _sc, _seed, q0, res = _world(key)
    review = int(plan["review_week"])
    target = float(plan["quarter_target"])
    w = res.weekly()
    w = w[(w["week"] > q0) & (w["week"] <= q0 + review)].copy()
    w.insert(0, "quarter_week", (w["week"] - q0).astype(int))
    w["cum_revenue"] = w["revenue"].cumsum()
    w["target_pace"] = target * w["quarter_week"] / int(plan["weeks"])
    w["completion"] = w["cum_revenue"] / target
    weekly = w.drop(columns=["week"]).reset_index(drop=True)
    funnel = _window_funnel(res, q0, q0 + review)
    plan_conv = {s["name"]: float(s["conversion"]) for s in plan["stages"]}
    funnel.insert(1, "plan_conversion", funnel["stage"].map(plan_conv))
    if lang:
        labels = {s["name"]: pick_text(s["label"], lang) for s in plan["stages"]}
        funnel.insert(1, "label", funnel["stage"].map(labels))
    deals = res.deals
    won = deals[(deals["outcome"] == "won") & (deals["closed_at"] >= q0) & (deals["closed_at"] < q0 + review)]
    plan_rev = float(plan["leads_per_week"]) * int(plan["weeks"]) * float(plan["deal_value"])
    for s in plan["stages"]:
        plan_rev *= float(s["conversion"])
    summary = {
        "target": target, "revenue": float(weekly["revenue"].sum()),
        "completion": float(weekly["revenue"].sum()) / target, "elapsed": review / int(plan["weeks"]),
        "leads_per_week": float(weekly["leads"].mean()), "plan_leads_per_week": float(plan["leads_per_week"]),
        "utilization": float(weekly["hours_worked"].sum() / weekly["hours_available"].sum()),
        "hours_available_per_week": float(weekly["hours_available"].mean()),
        "plan_hours_per_week": float(plan["reps"]) * float(plan["hours_per_week"]),
        "won": len(won), "avg_won_value": float(won["value"].mean()) if len(won) else math.nan,
        "plan_deal_value": float(plan["deal_value"]),
        "open_start": int(weekly["open_end"].iloc[0]), "open_end": int(weekly["open_end"].iloc[-1]),
        "plan_revenue": plan_rev,
    }
    return {"weekly": weekly, "funnel": funnel, "summary": summary}


def diagnose_review(*, key: Mapping | None = None, material: Mapping | None = None) -> list[str]:
    """The world's actual causes, read from the dashboard by the key's ``diagnosis`` rules (leads
    below plan, a stage's conversion well below plan on enough deals, hours fully used, deal value
    below plan, a target above the plan funnel). For checkers and trainers."""
    key, mat = key_and_material("mid_quarter_review", key, material)
    d = review_dashboard(key=key, material=mat)
    s, rules = d["summary"], key.get("diagnosis", {})
    causes = []
    if s["leads_per_week"] < float(rules.get("leads_ratio", 0.9)) * s["plan_leads_per_week"]:
        causes.append("leads")
    for r in d["funnel"].itertuples():
        if r.decided >= int(rules.get("min_decided", 30)) and \
                r.conversion < r.plan_conversion - float(rules.get("conversion_gap", 0.08)):
            causes.append(f"conversion:{r.stage}")
    if s["utilization"] >= float(rules.get("utilization", 0.95)):
        causes.append("capacity")
    if s["won"] and s["avg_won_value"] < float(rules.get("value_ratio", 0.9)) * s["plan_deal_value"]:
        causes.append("deal_value")
    if s["target"] > float(rules.get("target_ratio", 1.1)) * s["plan_revenue"]:
        causes.append("target_too_high")
    return causes


# ---------------------------------------------------------------------------------------------
# The fixes, simulated over the rest of the quarter
# ---------------------------------------------------------------------------------------------
_LEVERS = ("leads_pct", "conversion_pp", "hours_per_week")


def _fixes(raw: Any, mat: Mapping) -> dict:
    """Validated fixes: ``{leads_pct, conversion_pp: {stage: points}, hours_per_week}`` within the levers."""
    f = as_mapping(raw, "fixes")
    reject_unknown_keys(f, _LEVERS, "fixes")
    lv = mat["levers"]
    stages = [s["name"] for s in mat["plan"]["stages"]]
    out = {"leads_pct": as_number_in(f.get("leads_pct"), "fixes.leads_pct", 0, float(lv["leads_pct"]["max"])) or 0.0,
           "hours_per_week": as_number_in(f.get("hours_per_week"), "fixes.hours_per_week", 0,
                                          float(lv["hours_per_week"]["max"])) or 0.0,
           "conversion_pp": {}}
    conv = as_mapping(f.get("conversion_pp"), "fixes.conversion_pp")
    for s, v in conv.items():
        as_choice(s, "fixes.conversion_pp", stages)
        x = as_number_in(v, f"fixes.conversion_pp.{s}", 0, float(lv["conversion_pp"]["max"])) or 0.0
        if x > 0:
            out["conversion_pp"][s] = x
    most = int(lv["conversion_pp"].get("max_stages", len(stages)))
    if len(out["conversion_pp"]) > most:
        raise ScenarioError.at("fixes.conversion_pp", "drills_max_stages", max=most, input=len(out["conversion_pp"]))
    return out


def _pin_decisions(sc: Any, uniforms: np.ndarray, base: Any, start: float) -> None:
    """Decisions the base run made before ``start`` are kept: passed -> uniform 0 (passes at any
    rate), lost -> 1 (fails at any rate)."""
    v = base.visits
    v = v[v["finished_at"] < start]
    i = v["deal_id"].to_numpy() - 1
    k = v["stage"].map({s: n for n, s in enumerate(sc.stage_names)}).to_numpy()
    d = base.deals
    passed = (d["stage_index"].to_numpy()[i] > k) | (d["outcome"].to_numpy()[i] == "won")
    uniforms[i, k] = np.where(passed, 0.0, 1.0)


def _future_world(sc: Any, seed: int, start: float, base: Any, k: int) -> engine.World:
    """Another future after ``start`` on the same past: the deals that arrived before ``start`` keep
    their values, waits and reps and every decision already made (:func:`_pin_decisions`); their
    decisions still to come get fresh draws, and the leads after ``start`` come from another world
    (future ``k``'s own children of the ``futures`` stream, :func:`_future_rng`)."""
    w = engine.draw_world(sc, seed)
    other = engine.draw_world(sc, _seed_from(_future_rng(seed, "other_world", k)))
    pre, post = w.arrivals < start, other.arrivals >= start
    fresh = _future_rng(seed, "decisions", k).random(w.uniforms[pre].shape)
    uniforms = np.vstack([fresh, other.uniforms[post]])
    _pin_decisions(sc, uniforms, base, start)

    def join(a: Any, b: Any) -> Any:
        return None if a is None else np.concatenate([a[pre], b[post]])
    return engine.World(join(w.arrivals, other.arrivals), join(w.values, other.values), uniforms,
                        None if w.waits is None else np.vstack([w.waits[pre], other.waits[post]]),
                        join(w.random_reps, other.random_reps), w.seed, w.skills, w.people)


def _run_with_fixes(sc: Any, seed: int, start: float, fixes: Mapping, base: Any, *, world: Any = None,
                    future: int | None = None) -> SimResult:
    """The world run again with ``fixes`` in force from time ``start`` (weeks): every decision made
    before ``start`` is kept as it was (its deal's uniform pinned), extra leads arrive only from
    ``start`` (a world of their own, seeded from the ``futures`` stream), extra hours count from the week
    ``start`` begins. Before ``start`` the run is the base run, deal for deal (common random numbers).
    ``world``: run in this world instead of the seed's (another future, :func:`_future_world`; ``future`` is
    its index, which also gives the extra leads a world of their own)."""
    conv, extra_leads, extra_hours = fixes["conversion_pp"], fixes["leads_pct"], fixes["hours_per_week"]
    if not conv and not extra_leads and not extra_hours:
        return base
    w = world if world is not None else engine.draw_world(sc, seed)
    arrivals, values, uniforms = w.arrivals, w.values, w.uniforms.copy()
    waits, random_reps = w.waits, w.random_reps
    _pin_decisions(sc, uniforms, base, start)
    new_sc = sc
    if conv:
        new_sc = sc.with_changes({f"funnel.stages[{sc.stage_names.index(s)}].conversion":
                                  min(1.0, sc.funnel.stages[sc.stage_names.index(s)].conversion + pp / 100)
                                  for s, pp in conv.items()})
    if extra_leads:
        extra_seed = _seed_from(_future_rng(seed, "extra_leads", future))
        ew = engine.draw_world(sc.with_changes({"leads.per_week": sc.leads.per_week * extra_leads / 100}), extra_seed)
        keep = ew.arrivals >= start
        arrivals = np.concatenate([arrivals, ew.arrivals[keep]])
        values = np.concatenate([values, ew.values[keep]])
        uniforms = np.vstack([uniforms, ew.uniforms[keep]])
        if waits is not None:
            waits = np.vstack([waits, ew.waits[keep]])
        if random_reps is not None:
            random_reps = np.concatenate([random_reps, ew.random_reps[keep]])
        order = np.argsort(arrivals, kind="stable")
        arrivals, values, uniforms = arrivals[order], values[order], uniforms[order]
        waits = waits[order] if waits is not None else None
        random_reps = random_reps[order] if random_reps is not None else None
    caps = np.repeat(np.asarray(sc.team.hours(), float)[:, None], sc.horizon_weeks, axis=1)
    caps[:, math.ceil(start):] += extra_hours
    world = engine.World(arrivals, values, uniforms, waits, random_reps, w.seed, w.skills, w.people)
    return SimResult(new_sc, world, engine.run(new_sc, world, caps=caps))


def _quarter_cum(res: Any, q0: float, weeks: int) -> np.ndarray:
    """Cumulative revenue per week of the quarter that starts at ``q0``."""
    w = res.weekly()
    w = w[(w["week"] > q0) & (w["week"] <= q0 + weeks)]
    return w["revenue"].cumsum().to_numpy()


def project_quarter(fixes: Mapping | None = None, *, futures: int = 0, level: float = 0.8,
                    key: Mapping | None = None, material: Mapping | None = None) -> dict:
    """Simulate the rest of the quarter after the review, with ``fixes`` in force from the next
    week and without them, on the same world (COURSE.md §9 drill 3): what an app charts.

    ``fixes``: ``{leads_pct: % more new leads a week, conversion_pp: {stage: points}, hours_per_week:
    extra selling hours per rep}`` within the material's levers. Returns ``table`` (one row per
    week of the quarter: ``actual`` cumulative revenue up to the review, ``baseline`` and
    ``with_fixes`` cumulative revenue, ``target_pace``), the projected completions ``baseline`` and
    ``with_fixes`` (share of the target) and ``gain_pp``.

    The rest of the quarter is one seeded future; ``futures`` > 0 also runs that many other futures on
    the same past (:func:`_future_world`: the weeks before the review stay as they were, the
    decisions still to come and the new leads are drawn again), each with and without the fixes
    (common random numbers), and adds ``band`` — per week the central ``level`` interval of cumulative
    revenue without and with the fixes (``baseline_low`` … ``with_fixes_high``) — and ``spread``:
    per scenario the interval of the quarter's completion and ``better``, the share of futures where
    the fixes end higher.

        >>> p = project_quarter({"hours_per_week": 8})
        >>> p["with_fixes"] > p["baseline"], list(p["table"].columns)
        (True, ['quarter_week', 'actual', 'baseline', 'with_fixes', 'target_pace'])
        >>> p = project_quarter({"hours_per_week": 8}, futures=10)
        >>> p["spread"]["better"], p["spread"]["with_fixes"][0] <= p["spread"]["with_fixes"][1]
        (1.0, True)
    """
    key, mat = key_and_material("mid_quarter_review", key, material)
    plan = mat["plan"]
    fx = _fixes(fixes, mat)
    sc, seed, q0, base = _world(key)
    weeks, review = int(plan["weeks"]), int(plan["review_week"])
    target = float(plan["quarter_target"])
    fixed = _run_with_fixes(sc, seed, q0 + review, fx, base)
    b, f = _quarter_cum(base, q0, weeks), _quarter_cum(fixed, q0, weeks)
    qw = np.arange(1, weeks + 1)
    table = pd.DataFrame({"quarter_week": qw, "actual": np.where(qw <= review, b, np.nan), "baseline": b,
                          "with_fixes": f, "target_pace": target * qw / weeks})
    out = {"table": table, "baseline": float(b[-1]) / target, "with_fixes": float(f[-1]) / target}
    out["gain_pp"] = (out["with_fixes"] - out["baseline"]) * 100
    if futures > 0:
        if not 0 < level < 1:
            raise ScenarioError.at("level", "drills_range", low=0, high=1, input=number(level))
        out.update(_futures(sc, seed, q0, review, weeks, target, fx, base, int(futures), level))
    return out


def _futures(sc: Any, seed: int, q0: float, review: int, weeks: int, target: float, fx: Mapping, base: Any,
             n: int, level: float) -> dict:
    """``n`` other futures after the review, each without and with the fixes: the bands and the spread."""
    start = q0 + review
    bases, fixed = [], []
    for k in range(n):
        world = _future_world(sc, seed, start, base, k)
        b_k = SimResult(sc, world, engine.run(sc, world))
        bases.append(_quarter_cum(b_k, q0, weeks))
        fixed.append(_quarter_cum(_run_with_fixes(sc, seed, start, fx, b_k, world=world, future=k), q0, weeks))
    lo, hi = (1 - level) / 2, (1 + level) / 2
    bs, fs = np.vstack(bases), np.vstack(fixed)
    band = pd.DataFrame({"quarter_week": np.arange(1, weeks + 1),
                         "baseline_low": np.quantile(bs, lo, axis=0), "baseline_high": np.quantile(bs, hi, axis=0),
                         "with_fixes_low": np.quantile(fs, lo, axis=0), "with_fixes_high": np.quantile(fs, hi, axis=0)})
    band.loc[band["quarter_week"] <= review, ["baseline_low", "baseline_high", "with_fixes_low",
                                              "with_fixes_high"]] = np.nan     # the past is not uncertain
    spread = {"futures": n, "level": level,
              "baseline": (float(np.quantile(bs[:, -1], lo)) / target, float(np.quantile(bs[:, -1], hi)) / target),
              "with_fixes": (float(np.quantile(fs[:, -1], lo)) / target, float(np.quantile(fs[:, -1], hi)) / target),
              "better": float(np.mean(fs[:, -1] > bs[:, -1]))}
    return {"band": band, "spread": spread}


# ---------------------------------------------------------------------------------------------
# The checker
# ---------------------------------------------------------------------------------------------
def _lever_list(fx: Mapping, stage_labels: Mapping) -> list[tuple[dict, str, Any]]:
    """Each lever a fix moves: (the fix alone, the cause it answers, its label)."""
    out = []
    if fx["leads_pct"]:
        out.append(({"leads_pct": fx["leads_pct"]}, "leads", Ref("drills.mid_quarter_review.lever.leads")))
    for s, pp in fx["conversion_pp"].items():
        out.append(({"conversion_pp": {s: pp}}, f"conversion:{s}",
                    Ref("drills.mid_quarter_review.lever.conversion", {"stage": stage_labels[s]})))
    if fx["hours_per_week"]:
        out.append(({"hours_per_week": fx["hours_per_week"]}, "capacity", Ref("drills.mid_quarter_review.lever.hours")))
    return out


def check_mid_quarter_review(answer: Mapping, *, key: Mapping | None = None,
                             material: Mapping | None = None, futures: int | None = None) -> Feedback:
    """S1 drill 03 (COURSE.md §1, §2, §9): the review at 35 % completion.

    ``answer``: ``{causes: [cause ids of the material], fixes: {leads_pct, conversion_pp: {stage:
    points}, hours_per_week}}``. The causes are judged as a set against the world's actual ones
    (:func:`diagnose_review`: what the dashboard shows): they score the right picks less the wrong ones (out of
    the actual causes, never below 0 — ticking every box scores nothing), and each pick is named right only
    when no pick is wrong; otherwise the feedback says how many are right and wrong, not which, so ticking
    everything reveals nothing. The fixes are simulated over the rest of the
    quarter (:func:`project_quarter`) and each lever also alone, so the feedback can say which lever
    does little, and on ``futures`` other futures of the same quarter (default: the key's ``futures``,
    20; 0 for none) to say how sure the gain is. ``data``: ``projection`` (the table to chart),
    ``completion`` (baseline, with fixes), ``by_lever`` (points each lever adds alone), and with
    futures ``band`` and ``spread`` (:func:`project_quarter`). Passed: exactly the actual causes, and
    fixes that lift the projected completion by the key's minimum.
    """
    key, mat = key_and_material("mid_quarter_review", key, material)
    a = as_mapping(answer, "answer")
    reject_unknown_keys(a, ("causes", "fixes"), "")
    valid = list(mat["causes"])
    picked = list(dict.fromkeys(as_choice(c, f"causes[{i}]", valid)
                                for i, c in enumerate(as_list(a.get("causes"), "causes"))))
    fx = _fixes(a.get("fixes"), mat)
    fb = Feedback("mid_quarter_review")
    actual = diagnose_review(key=key, material=mat)
    cause = {c: v["label"] for c, v in mat["causes"].items()}
    panel = {c: mat["panels"][v["panel"]] for c, v in mat["causes"].items()}
    # -- the diagnosis, as a set: right picks less wrong ones, out of the actual causes
    right = [c for c in picked if c in actual]
    wrong = [c for c in picked if c not in actual]
    missed = [c for c in actual if c not in picked]
    fb.total += len(actual)
    fb.done += max(0, len(right) - len(wrong))
    if not picked:
        fb.problem("drills.mid_quarter_review.no_causes")
    elif not wrong:                       # nothing to hide: every pick is right
        for c in right:
            fb.ok("drills.mid_quarter_review.cause_right", cause=cause[c], panel=panel[c])
    else:
        fb.problem("drills.mid_quarter_review.cause_wrong", picked=len(picked), right=len(right), wrong=len(wrong))
        if len(picked) > len(valid) / 2:
            fb.hint("drills.mid_quarter_review.cause_guess", n=len(picked), total=len(valid))
    if missed and picked:
        fb.problem("drills.mid_quarter_review.cause_missed", n=len(missed))
        for p in dict.fromkeys(mat["causes"][c]["panel"] for c in missed):
            fb.hint("drills.mid_quarter_review.look_again", panel=mat["panels"][p])
    # -- the fixes
    levers = _lever_list(fx, {s["name"]: s["label"] for s in mat["plan"]["stages"]})
    n_futures = int(key.get("futures", 20) if futures is None else futures)
    proj = project_quarter(fx, futures=n_futures if levers else 0, key=key, material=mat)
    fb.data.update(projection=proj["table"], completion={"baseline": proj["baseline"], "with_fixes": proj["with_fixes"]})
    if "band" in proj:
        fb.data.update(band=proj["band"], spread=proj["spread"])
    min_gain = float(key.get("min_gain_pp", 5))
    if not levers:
        fb.check(False, None, "drills.mid_quarter_review.no_fixes", baseline=percent(proj["baseline"]))
    else:
        for _, c, lab in levers:
            if c not in picked:
                fb.hint("drills.mid_quarter_review.fix_unlinked", fix=lab)
        fixed_causes = {c for _, c, _ in levers}
        for c in picked:
            if (c in ("leads", "capacity") or c.startswith("conversion:")) and c not in fixed_causes:
                fb.hint("drills.mid_quarter_review.cause_unfixed", cause=cause[c])
        p = {"baseline": percent(proj["baseline"]), "with_fixes": percent(proj["with_fixes"]),
             "gain": number(proj["gain_pp"], digits=1, fixed=True, signed=True)}
        fb.check(proj["gain_pp"] >= min_gain, "drills.mid_quarter_review.projection",
                 "drills.mid_quarter_review.fix_weak", **p)
        if "spread" in proj:
            sp = proj["spread"]
            fb.add("ok" if sp["better"] >= 0.8 else "hint", "drills.mid_quarter_review.futures", n=sp["futures"],
                   review=int(mat["plan"]["review_week"]), share=percent(sp["level"]),
                   baseline=f"{percent(sp['baseline'][0])}–{percent(sp['baseline'][1])}",
                   with_fixes=f"{percent(sp['with_fixes'][0])}–{percent(sp['with_fixes'][1])}",
                   better=percent(sp["better"]))
        by_lever = {}
        for alone, c, lab in levers:
            gain = proj["gain_pp"] if len(levers) == 1 else project_quarter(alone, key=key, material=mat)["gain_pp"]
            by_lever[c] = gain
            if gain < 1.0:
                fb.hint("drills.mid_quarter_review.lever_idle", fix=lab,
                        gain=number(gain, digits=1, fixed=True, signed=True))
        fb.data["by_lever"] = by_lever
        if proj["with_fixes"] >= 1:
            fb.ok("drills.mid_quarter_review.on_track")
    fb.passed = set(picked) == set(actual) and bool(levers) and proj["gain_pp"] >= min_gain
    return fb
