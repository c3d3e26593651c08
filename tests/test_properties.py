"""Property tests (hypothesis): any valid scenario simulates with balanced books; any invalid one
raises ScenarioError naming the field."""
from __future__ import annotations

import math
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simlib
from simlib.core.funnel import reverse_funnel
from simlib.core.scenario import Scenario

STAGE = st.fixed_dictionaries({
    "conversion": st.floats(0, 1),
    "work_hours": st.floats(0, 20),
    "wait_weeks": st.floats(0, 2),
})


@st.composite
def scenarios(draw):
    stages = draw(st.lists(STAGE, min_size=1, max_size=5))
    for i, s in enumerate(stages):
        s["name"] = f"s{i}"
    return {
        "horizon_weeks": draw(st.integers(1, 20)),
        "leads": {"per_week": draw(st.floats(0, 40))},
        "funnel": {"stages": stages,
                   "deal_value": {"mean": draw(st.floats(0, 1e6)), "cv": draw(st.floats(0, 2))}},
        "team": {"reps": draw(st.integers(1, 8)), "hours_per_week": draw(st.floats(0.5, 80)),
                 "assignment": draw(st.sampled_from(["round_robin", "least_loaded", "random"])),
                 "work_order": draw(st.sampled_from(["fifo", "late_stage_first"]))},
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32))
def test_any_valid_scenario_simulates(data, seed):
    res = simlib.simulate(data, seed=seed)
    s = res.summary()
    assert s["leads"] == s["won"] + s["lost"] + s["open"] == len(res.deals)
    assert 0 <= s["utilization"] <= 1
    assert math.isclose(s["revenue"], res.deals.value.sum(), rel_tol=1e-9, abs_tol=1e-6)
    rw = res.rep_weeks
    assert (rw.hours_worked <= rw.hours_available + 1e-6).all()
    assert res.stage_counts().entered.iloc[0] == s["leads"]
    again = simlib.simulate(res.scenario, seed=seed)
    assert again.deals.equals(res.deals)


INVALID = [
    (("funnel", "stages", 0, "conversion"), st.floats(1.0001, 1e6), "funnel.stages[0].conversion"),
    (("funnel", "stages", 0, "conversion"), st.floats(-1e6, -1e-9), "funnel.stages[0].conversion"),
    (("funnel", "stages", 0, "work_hours"), st.floats(-1e3, -1e-9), "funnel.stages[0].work_hours"),
    (("team", "hours_per_week"), st.floats(-80, 0), "team.hours_per_week"),
    (("team", "hours_per_week"), st.floats(80.001, 1e4), "team.hours_per_week"),
    (("horizon_weeks",), st.integers(521, 10**6) | st.integers(-100, 0), "horizon_weeks"),
    (("leads", "per_week"), st.text(min_size=1, max_size=5), "leads.per_week"),
    (("team", "assignment"), st.text(max_size=12).filter(
        lambda s: s not in ("round_robin", "least_loaded", "random")), "team.assignment"),
]


@settings(max_examples=80, deadline=None)
@given(scenarios(), st.data())
def test_any_invalid_scenario_names_the_field(data, draw):
    index = draw.draw(st.integers(0, len(INVALID) - 1))
    path, bad, shown = INVALID[index]
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = draw.draw(bad)
    try:
        simlib.load_scenario(data)
    except simlib.ScenarioError as err:
        assert shown in err.paths
        for lang in ("en", "zh-Hant", "zh-Hans"):
            assert shown in err.message(lang)
    else:
        raise AssertionError(f"{shown} = {node[path[-1]]!r} was accepted")


KEYS = st.text(string.ascii_lowercase + "_", min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(scenarios(), KEYS)
def test_unknown_keys_are_errors_never_ignored(data, key):
    if key in Scenario.model_fields:
        return
    data[key] = 1
    try:
        simlib.load_scenario(data)
    except simlib.ScenarioError as err:
        assert key in err.paths
    else:
        raise AssertionError(f"unknown key {key!r} accepted")


@given(st.floats(0, 1e4), st.lists(st.floats(0.01, 1), min_size=1, max_size=6))
def test_reverse_funnel_round_trip(won, convs):
    need = reverse_funnel(won, convs)
    flow = need[0]
    for p in convs:
        flow *= p
    assert math.isclose(flow, won, rel_tol=1e-9, abs_tol=1e-9)
    assert all(a <= b * (1 + 1e-12) + 1e-12 for a, b in zip(need[1:], need[:-1], strict=False))
