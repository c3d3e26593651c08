"""The SimPy engine against ``benchmarks/reference.py``, an independent plain-Python event heap.

Both read the same world (``engine.draw_world``), so every deal must come out the same: owner,
furthest stage, outcome, close time; and every rep-week the same hours. Work hours are positive
throughout, so no two events coincide and the order of ties cannot matter.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import simlib
from simlib.core import engine
from simlib.core.results import SimResult

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("simlib_benchmark_reference", ROOT / "benchmarks" / "reference.py")
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

BASE = simlib.load_scenario(ROOT / "scenarios" / "funnel_basics.yaml")


def _waits(*weeks: float) -> dict:
    return {f"funnel.stages.{k}.wait_weeks": w for k, w in enumerate(weeks)}


SCENARIOS = {
    "funnel_basics": {},
    "starved": {"team.hours_per_week": 3},                       # queues grow all quarter
    "waits": _waits(0.5, 1.0, 0.25, 2.0),
    "waits_later_only": {**_waits(0, 1.5, 0, 0.5), "team.hours_per_week": 12},
    "random": {"team.assignment": "random", "team.hours_per_week": 15},
    "late_stage_first": {"team.work_order": "late_stage_first", "team.hours_per_week": 9},
    "late_stage_first_waits": {"team.work_order": "late_stage_first", "team.assignment": "random",
                               "team.hours_per_week": 10, **_waits(0.3, 1.0, 0.5, 0)},
    "least_loaded": {"team.assignment": "least_loaded", "team.hours_per_week": 14},
    "least_loaded_lsf_waits": {"team.assignment": "least_loaded", "team.work_order": "late_stage_first",
                               "team.hours_per_week": 8, **_waits(0.2, 0.7, 0, 1.0)},
    "uneven_reps": {"team.reps": [{"name": "A", "hours_per_week": 4}, {"name": "B"},
                                  {"name": "C", "hours_per_week": 35.5}, {"name": "D", "hours_per_week": 9}],
                    "leads.per_week": 25, "funnel.stages.1.work_hours": 2.7, "team.hours_per_week": 14},
    "least_loaded_uneven": {"team.assignment": "least_loaded", "leads.per_week": 30, "team.hours_per_week": 14,
                            "team.reps": [{"name": "A", "hours_per_week": 5}, {"name": "B"},
                                          {"name": "C", "hours_per_week": 30}]},
    "long_year": {"team.reps": 20, "horizon_weeks": 52, "leads.per_week": 80,
                  "team.hours_per_week": 28 * (80 / 60) * (15 / 20)},
}
SEEDS = [0, 7, 12345]


def _scenario(name: str) -> simlib.Scenario:
    return BASE.with_changes(SCENARIOS[name]) if SCENARIOS[name] else BASE


def _assert_same(sc, world, ours: dict, theirs: dict) -> None:
    a, b = SimResult(sc, world, ours), SimResult(sc, world, theirs)
    # every deal: rep, stage, outcome, value, close time (floats to 1e-9 weeks: SimPy's clock may
    # differ from a ready time in the last bit after a wait)
    pd.testing.assert_frame_equal(a.deals, b.deals, check_exact=False, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours["hours"], theirs["hours"], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(ours["caps"], theirs["caps"])
    # every stage visit, in any order
    key = ["deal_id", "stage"]
    va = a.visits.sort_values(key).reset_index(drop=True)
    vb = b.visits.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(va, vb, check_exact=False, rtol=0, atol=1e-9)
    sa, sb = a.summary(), b.summary()
    for k in ("leads", "won", "lost", "open", "revenue", "seed"):
        assert sa[k] == sb[k], k
    assert math.isclose(sa["hours_worked"], sb["hours_worked"], abs_tol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_engine_matches_reference(name, seed):
    sc = _scenario(name)
    world = engine.draw_world(sc, seed)
    ours = engine.run(sc, world)
    _assert_same(sc, world, ours, reference.run(sc, world))
    if sc.team.assignment != "least_loaded":       # run() already is run_shared() for those
        _assert_same(sc, world, ours, reference.run_shared(sc, world))


def test_simulate_matches_reference():
    """The public entry point, not only the engine: same deals as the reference."""
    res = simlib.simulate(BASE, seed=7)
    world = engine.draw_world(BASE, 7)
    _assert_same(BASE, world, res._raw, reference.run(BASE, world))
    assert (res.summary()["won"], res.summary()["lost"], res.summary()["open"]) == (53, 732, 21)


def test_scenarios_are_not_trivial():
    """The comparisons above mean something: deals win, get lost and stay open, queues form."""
    for name in ("funnel_basics", "starved", "waits", "late_stage_first"):
        res = simlib.simulate(_scenario(name), seed=0)
        s = res.summary()
        assert s["won"] > 0 and s["lost"] > 0 and s["open"] > 0, name
        assert (res.visits.queue_weeks > 0.01).any(), name
    assert simlib.simulate(_scenario("starved"), seed=0).summary()["utilization"] > 0.95


def test_reference_refuses_weekly_varying_caps():
    world = engine.draw_world(BASE, 1)
    caps = np.full((15, 13), 28.0)
    caps[0, 3] = 0.0
    with pytest.raises(NotImplementedError):
        reference.run(BASE, world, caps)
    # constant caps given explicitly are fine
    _assert_same(BASE, world, engine.run(BASE, world, np.full((15, 13), 20.0)),
                 reference.run(BASE, world, np.full((15, 13), 20.0)))


@pytest.mark.parametrize("assignment", ["round_robin", "least_loaded"])
def test_rep_absent_all_quarter(assignment):
    """A rep with no hours in any week (an absence covering the horizon) works nothing; the others
    carry on as usual. (The engine used to divide by the zero hours.)"""
    sc = BASE.with_changes({"team.assignment": assignment, "team.work_order": "late_stage_first"})
    world = engine.draw_world(sc, 5)
    caps = np.full((15, 13), 28.0)
    caps[3] = 0.0
    ours = engine.run(sc, world, caps)
    assert ours["hours"][3].sum() == 0.0
    mine = ours["owner"] == 3
    assert (ours["outcome"][mine] == 0).all() and (ours["stage"][mine] == 0).all()
    _assert_same(sc, world, ours, reference.run(sc, world, caps))
