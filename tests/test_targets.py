"""Targets (CONTRACT §4, COURSE.md §1): exact splits, allocation, adjustment, OKR, seasonality."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import simlib
from simlib import targets

WEIGHTS = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), st.floats(0, 1000), min_size=1, max_size=12)


@given(st.integers(0, 10**12), WEIGHTS)
def test_split_always_sums_exactly(total, weights):
    if sum(weights.values()) == 0:
        with pytest.raises(simlib.ScenarioError):
            targets.split(total, weights)
        return
    parts = targets.split(total, weights)
    assert sum(parts.values()) == total
    assert list(parts) == list(weights)
    wsum = sum(weights.values())
    for k, v in parts.items():
        assert abs(v - total * weights[k] / wsum) < 1 + 1e-6      # each part within one unit of its share


def test_split_in_units_and_fen():
    q = targets.split(100_000_000, {"Q1": 0.2, "Q2": 0.25, "Q3": 0.25, "Q4": 0.3}, unit=10_000)
    assert q == {"Q1": 20_000_000, "Q2": 25_000_000, "Q3": 25_000_000, "Q4": 30_000_000}
    cents = targets.split(100, {"a": 1, "b": 1, "c": 1}, unit=0.01)
    assert round(sum(cents.values()), 2) == 100 and cents["a"] == 33.34


@pytest.mark.parametrize("args, path", [
    ((100, {"a": -1, "b": 2}), "weights.a"),
    ((100, {"a": 0, "b": 0}), "weights"),
    ((-5, {"a": 1}), "total"),
    ((1005, {"a": 1}, 10), "total"),
    ((100, {}), "weights"),
])
def test_split_refuses_bad_input_by_name(args, path):
    with pytest.raises(simlib.ScenarioError) as info:
        targets.split(*args)
    assert info.value.paths == [path]


def test_split_matrix_s1_shares():
    """S1: product 60/30/10 × region 35/25/20/20 × customer 50/30/20, of a 100 M target."""
    dims = {"product": {"core": .6, "new": .3, "accessories": .1},
            "region": {"East": .35, "South": .25, "North": .2, "other": .2},
            "customer": {"key": .5, "smb": .3, "new": .2}}
    m = targets.split_matrix(100_000_000, dims)
    assert len(m) == 36 and m.target.sum() == 100_000_000
    assert m.groupby("product").target.sum().to_dict() == {"accessories": 10_000_000, "core": 60_000_000,
                                                            "new": 30_000_000}
    bad = {**dims, "region": {"East": .35, "South": .25, "North": .2, "other": .1}}
    with pytest.raises(simlib.ScenarioError, match="dims.region"):
        targets.split_matrix(100, bad)


REPS = [{"name": "甲", "history": [80, 90, 100], "skill": 1.2, "tenure_months": 36, "potential": 5},
        {"name": "乙", "history": [60, 60, 60], "skill": 1.0, "tenure_months": 24, "potential": 3},
        {"name": "丙", "history": 10, "skill": 0.9, "tenure_months": 1, "potential": 2}]


@pytest.mark.parametrize("method", targets.ALLOCATION_METHODS)
def test_allocate_sums_exactly_with_every_method(method):
    alloc = targets.allocate(1_200_001, REPS, method=method)
    assert sum(alloc.values()) == 1_200_001 and set(alloc) == {"甲", "乙", "丙"}
    assert targets.allocate(1_200_001, pd.DataFrame(REPS), method=method) == alloc


def test_allocation_methods_differ_the_way_the_decks_say():
    eq = targets.allocate(900, REPS, "equal")
    cap = targets.allocate(900, REPS, "capability")
    assert eq == {"甲": 300, "乙": 300, "丙": 300}                     # 一刀切
    assert cap["甲"] > cap["乙"] > cap["丙"]                           # the strong get more, a new hire ramps
    hist = targets.allocate(900, REPS, "history")
    assert hist["甲"] > hist["乙"]


def test_allocate_names_the_missing_field():
    with pytest.raises(simlib.ScenarioError) as info:
        targets.allocate(100, [{"name": "a", "history": 1}, {"name": "b"}], method="history")
    assert info.value.paths == ["reps[1].history"]
    with pytest.raises(simlib.ScenarioError, match="method"):
        targets.allocate(100, REPS, method="gut_feel")
    with pytest.raises(simlib.ScenarioError, match="blend"):
        targets.allocate(100, REPS, method="blend", blend={"history": .5, "equal": .2})


def test_allocation_table_shows_top_down_vs_bottom_up_gap():
    df = targets.allocation_table(900, REPS, bottom_up={"甲": 350, "乙": 300, "丙": 150})
    assert {"equal", "history", "capability", "bottom_up", "gap_capability"} <= set(df)
    assert df.gap_equal.sum() == 900 - 800


def test_adjustment_rule_s1():
    assert targets.needs_adjustment([0.62, 0.65, 0.60])
    assert targets.needs_adjustment([1.0, 0.5, 0.6, 0.55])
    assert not targets.needs_adjustment([0.5, 0.6, 0.9])
    assert not targets.needs_adjustment([0.5, 0.6])
    assert targets.clamp_adjustment(1_000_000, 700_000) == 800_000
    assert targets.clamp_adjustment(1_000_000, 1_300_000) == 1_200_000
    assert targets.clamp_adjustment(1_000_000, 900_000) == 900_000


def test_okr_scores_clip_and_average():
    df = targets.okr_score([{"name": "a", "target": 30, "actual": 45}, {"name": "b", "target": 25, "actual": -5},
                            {"name": "c", "baseline": 100, "target": 140, "actual": 120}])
    assert df.score.tolist()[:3] == [1.0, 0.0, 0.5] and df.score.iloc[-1] == 0.5
    with pytest.raises(simlib.ScenarioError, match=r"key_results\[0\]\.target"):
        targets.okr_score([{"target": 0, "actual": 1}])


@pytest.mark.parametrize("preset", ["flat", "cn_retail", "cn_b2b"])
def test_time_split_is_exact_at_every_level(preset):
    df = targets.split_time(100_000_000, 2026, preset, unit=(10_000, 1_000, 1))
    assert df.target.sum() == 100_000_000
    q = df.attrs["quarters"]
    assert sum(q.values()) == 100_000_000 and all(v % 10_000 == 0 for v in q.values())
    months = df.groupby("month").target.sum()
    assert months.to_dict() == df.attrs["months"]
    for quarter, total in q.items():
        assert df[df.quarter == quarter].target.sum() == total
    assert df.groupby("week").target.sum().sum() == 100_000_000


def test_retail_calendar_has_its_trough_and_peaks():
    df = targets.split_time(36_500_000, 2026, "cn_retail")
    day = df.set_index("date").target
    import datetime as dt
    assert day[dt.date(2026, 2, 17)] < 0.5 * day[dt.date(2026, 3, 17)]     # Spring Festival 2026-02-17
    assert day[dt.date(2026, 11, 11)] > 3 * day[dt.date(2026, 10, 20)]      # Double 11
    months = df.groupby("month").target.sum()
    assert months[11] == months.max() and months[2] == months.min()
    b2b = targets.split_time(1_000_000, 2026, "cn_b2b")
    assert b2b[b2b.weekday >= 5].target.sum() == 0


def test_seasonality_from_three_years_of_history():
    idx = pd.date_range("2022-01-01", periods=36, freq="MS")
    hist = pd.Series([100.0] * 36, idx)
    hist[hist.index.month == 12] = 300.0
    df = targets.split_time(1_400_000, 2026, hist, unit=1)
    months = df.groupby("month").target.sum()
    assert months[12] == pytest.approx(3 * months[6], rel=0.01)
    with pytest.raises(simlib.ScenarioError, match="seasonality"):
        targets.split_time(100, 2026, [1] * 11)
    with pytest.raises(simlib.ScenarioError, match="year"):
        targets.split_time(100, 2050, "cn_retail")
