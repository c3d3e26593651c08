"""Statistical validation against analytic results (seeded, so each test is deterministic).

The simulation must agree with the funnel's arithmetic where theory gives an answer:
expected wins when hours are ample, the capacity bound when they are not, Little's law in steady
state, the Poisson arrivals and lognormal values it draws, and each stage's conversion.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import simlib
from simlib.core.replication import describe


def test_mean_wins_match_expected_when_hours_are_ample(base):
    sc = base.with_changes({"team.hours_per_week": 80, "horizon_weeks": 26})
    df = simlib.replicate(sc, n=300, seed=2024)
    e = simlib.expected(sc)
    assert df.utilization.max() < 0.35                      # hours really are ample
    for key in ("won", "revenue", "leads"):
        d = describe(df, key)
        assert abs(d["mean"] - e[key]) < 3 * d["se"], (key, d, e[key])


def test_scarce_hours_bind(base):
    sc = base.with_changes({"team.hours_per_week": 4})
    df = simlib.replicate(sc, n=40, seed=7)
    bound = simlib.expected(sc)["hours_available"] / simlib.hours_per_win(sc)
    assert df.utilization.mean() > 0.97
    assert df.won.mean() < bound < simlib.expected(sc)["won"]
    assert simlib.expected(sc)["won_capacity_limited"] == pytest.approx(bound)


def test_littles_law_in_steady_state(base):
    """Deals in progress ≈ throughput × time in system (L = λW) over a window after warm-up."""
    sc = base.with_changes({"horizon_weeks": 160, "team.hours_per_week": 40,
                            "funnel.stages[1].wait_weeks": 1.0, "funnel.stages[2].wait_weeks": 2.0,
                            "funnel.stages[3].wait_weeks": 1.0})
    d = simlib.simulate(sc, seed=31).deals
    lo, hi = 30.0, 130.0
    end = d.closed_at.fillna(sc.horizon_weeks)
    overlap = (np.minimum(end, hi) - np.maximum(d.created_at, lo)).clip(lower=0)
    L = overlap.sum() / (hi - lo)
    arrived = d[(d.created_at >= lo) & (d.created_at < hi)]
    lam = len(arrived) / (hi - lo)
    W = (end[arrived.index] - arrived.created_at).mean()
    assert arrived.outcome.ne("open").mean() > 0.999
    assert L == pytest.approx(lam * W, rel=0.03)
    assert L > 50                                               # a real queue, not a trivial one


def test_observed_conversion_matches_each_stage(base):
    sc = base.with_changes({"team.hours_per_week": 60, "horizon_weeks": 52})
    counts = simlib.simulate(sc, seed=5).stage_counts()
    for row, stage in zip(counts.itertuples(), sc.funnel.stages, strict=True):
        n = row.passed + row.lost
        se = math.sqrt(stage.conversion * (1 - stage.conversion) / n)
        assert abs(row.conversion - stage.conversion) < 4 * se, row


def test_arrivals_are_poisson(base):
    sc = base.with_changes({"horizon_weeks": 2, "leads.per_week": 30})
    leads = np.array([simlib.simulate(sc, seed=s).summary()["leads"] for s in range(400)])
    assert abs(leads.mean() - 60) < 3 * math.sqrt(60 / 400)
    assert leads.var(ddof=1) / leads.mean() == pytest.approx(1.0, abs=0.2)


def test_deal_values_are_lognormal_with_the_given_mean_and_cv(base):
    sc = base.with_changes({"horizon_weeks": 100, "leads.per_week": 200, "funnel.deal_value.cv": 0.6})
    v = simlib.simulate(sc, seed=3).deals.potential_value
    assert abs(v.mean() - 50000) < 4 * 50000 * 0.6 / math.sqrt(len(v))
    assert v.std() / v.mean() == pytest.approx(0.6, rel=0.05)
    logs = np.log(v)
    skew = ((logs - logs.mean()) ** 3).mean() / logs.std() ** 3
    assert abs(skew) < 0.1                                     # log-values are symmetric


def test_required_leads_inverts_expected(base):
    req = simlib.required_leads(base, won=12)
    per_week = req["lead"] / base.horizon_weeks
    e = simlib.expected(base.with_changes({"leads.per_week": per_week}))
    assert e["won"] == pytest.approx(12)
    for stage, need in req.items():
        assert e["stages"][stage] == pytest.approx(need)


def test_required_leads_rejects_impossible_targets(base):
    with pytest.raises(simlib.ScenarioError):
        simlib.required_leads(base, won=-1)
    with pytest.raises(simlib.ScenarioError, match=r"funnel\.stages\[1\]\.conversion"):
        simlib.required_leads(base.with_changes({"funnel.stages[1].conversion": 0}), won=5)
    assert simlib.required_leads(base, won=0)["lead"] == 0


def test_bottleneck_names_capacity_or_the_narrowest_stage(base):
    b = simlib.bottleneck(base)
    assert b["kind"] == "conversion" and b["stage"] == "negotiation"
    tight = simlib.bottleneck(base.with_changes({"team.hours_per_week": 5}))
    assert tight["kind"] == "capacity" and tight["stage"] == "proposal" and tight["utilization"] > 1
