"""The decks' plans as scenarios (COURSE.md §3): each loads, names its plan file, pays every rep."""
from __future__ import annotations

from pathlib import Path

import pytest

import simlib
from simlib.analysis.whatif import compare_plans, with_plan
from simlib.formulas.incentives import CompPlan

ROOT = Path(__file__).resolve().parents[1]
PAY = sorted((ROOT / "scenarios" / "pay").glob("*.yaml"))
DECK = {"s1_coefficient_table": "quarter", "s1_tiered_2_3_4": "quarter", "s3_tiers": "month"}


def test_every_deck_plan_has_a_scenario():
    assert set(DECK) <= {p.stem for p in PAY}


@pytest.mark.parametrize("path", PAY, ids=lambda p: p.stem)
def test_pay_scenario_runs_and_pays_every_rep(path):
    sc = simlib.load_scenario(path)
    assert sc.incentives is not None and sc.behaviour.preset == "rational"
    if path.stem in DECK:
        assert sc.incentives == CompPlan.from_yaml(ROOT / "scenarios" / "plans" / f"{path.stem}.yaml")
        assert sc.incentives.period == DECK[path.stem]
    res = simlib.simulate(with_plan(sc, horizon_weeks=26), seed=1)
    pay = res.pay()
    assert set(pay.rep) == {r.name for r in sc.team.reps}
    assert (pay.total >= sc.incentives.base_pay).all()
    assert 0 < res.summary()["pay_cost_ratio"] < 0.2


def test_a_plan_file_that_is_missing_is_named_in_the_readers_language(tmp_path):
    text = (ROOT / "scenarios" / "pay" / "s1_tiered_2_3_4.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("plans/s1_tiered_2_3_4.yaml", "plans/s1_tierd.yaml"), encoding="utf-8")
    with pytest.raises(simlib.ScenarioError) as err:
        simlib.load_scenario(bad)
    zh = err.value.message("zh-Hant")
    assert "plans/s1_tierd.yaml" in zh and "找不到薪酬方案文件" in zh and zh.startswith("incentives")
    assert err.value.paths == ["incentives"]


def test_a_plan_file_beside_the_scenario_is_found(tmp_path):
    plan = tmp_path / "my_plan.yaml"
    plan.write_text("period: quarter\ncommission: {tiers: [{from: 0, rate: 0.05}]}\n", encoding="utf-8")
    sc = (ROOT / "scenarios" / "pay" / "s1_tiered_2_3_4.yaml").read_text(encoding="utf-8")
    own = tmp_path / "own.yaml"
    own.write_text(sc.replace("plans/s1_tiered_2_3_4.yaml", "my_plan.yaml"), encoding="utf-8")
    assert simlib.load_scenario(own).incentives.commission.tiers[0].rate == 0.05


def test_s1_tiers_read_marginal_or_retroactive_cost_differently():
    """COURSE.md §3: the deck does not say whether 2 %/3 %/4 % are marginal or retroactive; on one
    seeded world the retroactive reading pays more for the same sales."""
    sc = simlib.load_scenario(ROOT / "scenarios" / "pay" / "s1_tiered_2_3_4.yaml")
    retro = sc.incentives.to_dict()
    retro["commission"]["mode"] = "retroactive"
    cmp = compare_plans(sc, {"marginal": sc.incentives, "retroactive": retro}, seed=2,
                        behaviour="no_gaming", horizon_weeks=26)
    s = cmp.summary
    assert s.loc["retroactive", "revenue"] == s.loc["marginal", "revenue"]
    assert s.loc["retroactive", "pay_variable"] > s.loc["marginal", "pay_variable"]


def test_simulated_pay_applies_the_discount_gate_and_contest_prizes():
    """The quality gate on discounts (S1) sees each rep's average discount in the period, and S0's
    quarterly champion prize goes to the period's best seller."""
    sc = simlib.load_scenario(ROOT / "scenarios" / "pay" / "s1_coefficient_table.yaml")
    plan = sc.incentives.to_dict() | {"gates": {"max_discount": 0.01, "quality_factor": 0.5},
                                      "prizes": [{"rank": 1, "amount": 5000, "label": "季度銷售冠軍"}]}
    res = simlib.simulate(with_plan(sc, plan, horizon_weeks=26), seed=4)
    pay = res.pay()
    gated = pay[pay.discount > 0.01]
    assert len(gated) > 0
    for row in gated.itertuples():
        full = sc.incentives.payout(sales=row.sales, quota=row.quota)
        assert row.commission + row.bonus == pytest.approx(0.5 * (full.commission + full.bonus), abs=0.02)
    champions = pay[pay["rank"] == 1]
    assert len(champions) == pay.period.nunique()
    again = CompPlan.from_dict(plan).payout(sales=champions.iloc[0].sales, quota=champions.iloc[0].quota,
                                             discount=champions.iloc[0].discount, rank=1)
    assert champions.iloc[0].total == again.total
    assert again.extras == 5000
    assert any("rank 1" in line.text("en") for line in again.lines)
