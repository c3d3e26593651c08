"""Pay plans (CONTRACT §3, COURSE.md §3): exact payouts, every plan feature, validation."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import simlib
from simlib.formulas.incentives import CompPlan, rank_prizes, team_award

from .conftest import ROOT

TIERS_234 = [{"from": 0.0, "rate": 0.02}, {"from": 1.0, "rate": 0.03}, {"from": 1.2, "rate": 0.04}]


def plan(**kw) -> CompPlan:
    data = {"period": "quarter", "base_pay": 18000, "commission": {"mode": "marginal", "tiers": TIERS_234}}
    data.update(kw)
    return CompPlan.from_dict(data)


def test_s1_two_three_four_percent_both_ways():
    m = plan().payout(sales=1_300_000, quota=1_000_000)
    assert m.commission == 20_000 + 6_000 + 4_000
    r = plan(commission={"mode": "retroactive", "tiers": TIERS_234}).payout(sales=1_300_000, quota=1_000_000)
    assert r.commission == 1_300_000 * 0.04
    assert m.total == 18_000 + 30_000 and r.total == 18_000 + 52_000


def test_s1_attainment_coefficient_table():
    """<80 %: base rate, no bonus; 80–100 %: standard rate, base bonus; 100–120 %: rate ×1.2, bonus ×1.5;
    >120 %: rate ×1.5, bonus ×2 (base rate 2 %, standard 3 %, bonus 6,000 here)."""
    p = CompPlan.from_yaml(ROOT / "scenarios" / "plans" / "s1_coefficient_table.yaml")
    cases = {0.7: (0.02, 0), 0.9: (0.03, 6000), 1.1: (0.036, 9000), 1.3: (0.045, 12000)}
    for att, (rate, bonus) in cases.items():
        out = p.payout(sales=att * 1_000_000, quota=1_000_000)
        assert out.commission == pytest.approx(att * 1_000_000 * rate, abs=0.005)
        assert out.bonus == bonus


def test_s3_eight_and_ten_percent():
    p = CompPlan.from_yaml(ROOT / "scenarios" / "plans" / "s3_tiers.yaml")
    assert p.payout(sales=1_000_000, quota=1_000_000).commission == 80_000
    assert p.payout(sales=1_200_000, quota=1_000_000).commission == 120_000


def test_every_shipped_plan_loads():
    files = sorted((ROOT / "scenarios" / "plans").glob("*.yaml"))
    assert len(files) >= 3
    for f in files:
        CompPlan.from_yaml(f).payout(sales=1_000_000, quota=1_000_000)


def test_cap_on_attainment_and_on_amount():
    capped = plan(cap={"attainment": 2.0})
    assert capped.payout(sales=2_500_000, quota=1_000_000).commission == \
        capped.payout(sales=2_000_000, quota=1_000_000).commission
    lines = capped.payout(sales=2_500_000, quota=1_000_000).lines
    assert any(ln.kind == "cap_attainment" for ln in lines)
    by_amount = plan(cap={"amount": 25_000}).payout(sales=1_300_000, quota=1_000_000)
    assert by_amount.commission + by_amount.bonus == 25_000 and by_amount.total == 43_000


def test_decelerator_lowers_the_rate_above_a_point():
    dec = plan(commission={"mode": "marginal", "tiers": [{"from": 0, "rate": 0.05}, {"from": 1.5, "rate": 0.01}]})
    curve = dec.curve(up_to=2.0, points=21)
    assert curve.marginal_rate.iloc[-1] == pytest.approx(0.01)


def test_minimum_attainment_gate():
    gated = plan(gates={"min_attainment": 0.5})
    assert gated.payout(sales=400_000, quota=1_000_000).commission == 0
    assert gated.payout(sales=500_000, quota=1_000_000).commission == 10_000


def test_quality_gates_cut_variable_pay():
    gated = plan(gates={"min_margin": 0.25, "max_discount": 0.1, "quality_factor": 0.5})
    ok = gated.payout(sales=1_000_000, quota=1_000_000, margin=0.3, discount=0.05)
    bad = gated.payout(sales=1_000_000, quota=1_000_000, margin=0.2, discount=0.05)
    assert ok.commission == 20_000 and bad.commission == 10_000
    assert any(ln.kind == "gate_quality" for ln in bad.lines)


def test_commission_on_collected_cash_with_clawback():
    cash = plan(commission={"mode": "marginal", "basis": "collected", "tiers": TIERS_234})
    p = cash.payout(sales=1_000_000, quota=1_000_000, collected=800_000, bad_debt=100_000)
    assert p.commission == 20_000 * 0.8 - 1_600
    with pytest.raises(simlib.ScenarioError, match="collected"):
        cash.payout(sales=100, quota=100, collected=200)


def test_recoverable_draw_is_paid_then_recovered():
    d = plan(base_pay=0, draw={"amount": 15_000, "recoverable": True})
    low = d.payout(sales=300_000, quota=1_000_000)            # earns 6,000: draw tops up 9,000
    assert low.total == 15_000 and low.draw_balance == 9_000
    high = d.payout(sales=1_300_000, quota=1_000_000, draw_balance=low.draw_balance)
    assert high.total == 30_000 - 9_000 + 0 and high.draw_balance == 0
    lost = plan(base_pay=0, draw={"amount": 15_000, "recoverable": False}).payout(sales=300_000, quota=1_000_000)
    assert lost.total == 15_000 and lost.draw_balance == 0


def test_spiffs_prizes_and_team_awards():
    p = plan(spiffs=[{"name": "new_product", "per_unit": 200, "max_units": 10}],
             prizes=[{"rank": 1, "amount": 5000, "label": "季度銷售冠軍"}],
             team_award={"attainment": 1.0, "amount": 3000})
    out = p.payout(sales=1_000_000, quota=1_000_000, units={"new_product": 12}, rank=1, team_attainment=1.05)
    assert out.extras == 2_000 + 5_000 + 3_000
    assert out.total == 18_000 + 20_000 + 10_000


def test_multi_measure_plan_sets_the_bonus_band():
    p = plan(bonus={"target": 6000, "bands": [{"from": 0, "x": 0}, {"from": 0.8, "x": 1}, {"from": 1.0, "x": 1.5}]},
             measures=[{"name": "revenue", "weight": 0.6}, {"name": "new_customers", "weight": 0.4}])
    out = p.payout(sales=900_000, quota=1_000_000, measures={"revenue": (900_000, 1_000_000),
                                                             "new_customers": (15, 10)})
    assert out.bonus == 9000                           # 0.6·0.9 + 0.4·1.5 = 1.14 ≥ 1.0
    with pytest.raises(simlib.ScenarioError, match="measures.new_customers"):
        p.payout(sales=1, quota=1, measures={"revenue": (1, 1)})


def test_rank_prizes_and_team_award_helpers():
    import pandas as pd
    df = pd.DataFrame({"rep": list("abcd"), "team": list("EEWW"), "sales": [9, 7, 7, 1]})
    assert rank_prizes(df, [5000, 2000, 1000]) == {"a": 5000, "b": 1500, "c": 1500, "d": 0}
    assert team_award(df, "team", {"E": 15, "W": 10}, 500) == {"a": 500, "b": 500, "c": 0, "d": 0}


@pytest.mark.parametrize("bad, path", [
    ({"commission": {"mode": "marginal", "tiers": [{"from": 0.5, "rate": 0.02}]}}, "commission.tiers"),
    ({"commission": {"mode": "marginal", "tiers": [{"from": 0, "rate": 0.02}, {"from": 0, "rate": .03}]}},
     "commission.tiers"),
    ({"commission": {"mode": "marginal", "tiers": [{"from": 0, "rate": 1.5}]}}, "commission.tiers[0].rate"),
    ({"commission": {"mode": "sideways", "tiers": [{"from": 0, "rate": .1}]}}, "commission.mode"),
    ({"commision": {}}, "commision"),
    ({"measures": [{"name": "a", "weight": 0.5}, {"name": "b", "weight": 0.4}]}, "measures"),
    ({"cap": {}}, "cap"),
])
def test_bad_plans_name_the_field(bad, path):
    with pytest.raises(simlib.ScenarioError) as info:
        CompPlan.from_dict({"period": "month", **bad})
    assert path in info.value.paths
    for lang in ("en", "zh-Hant", "zh-Hans"):
        assert path in info.value.message(lang)


def test_unknown_plan_key_suggests_the_right_one():
    with pytest.raises(simlib.ScenarioError, match="'commission'"):
        CompPlan.from_dict({"commision": {}})
    with pytest.raises(simlib.ScenarioError, match="'from'"):
        CompPlan.from_dict({"commission": {"tiers": [{"form": 0, "rate": 0.1}]}})


def test_payout_refuses_bad_numbers():
    with pytest.raises(simlib.ScenarioError, match="quota"):
        plan().payout(sales=1, quota=0)
    with pytest.raises(simlib.ScenarioError, match="sales"):
        plan().payout(sales=-1, quota=10)


def test_payout_lines_read_in_three_languages():
    p = plan(bonus={"target": 6000, "bands": [{"from": 0, "x": 0}, {"from": 1.0, "x": 1.5}]}).payout(
        sales=1_150_000, quota=1_000_000)
    for lang in ("en", "zh-Hant", "zh-Hans"):
        texts = [ln.text(lang) for ln in p.lines]
        assert all(not tx.startswith("pay.line.") for tx in texts)
        assert "3%" in texts[2]
    table = p.table("en")
    assert table.amount.iloc[-1] == p.total


AMOUNTS = st.floats(0, 5e7, allow_nan=False, allow_infinity=False)


@given(AMOUNTS, st.floats(1, 5e7), st.sampled_from(["marginal", "retroactive"]))
def test_lines_add_up_to_the_total_to_the_fen(sales, quota, mode):
    p = plan(commission={"mode": mode, "tiers": TIERS_234},
             bonus={"target": 6000, "bands": [{"from": 0, "x": 0}, {"from": 0.8, "x": 1}, {"from": 1.2, "x": 2}]},
             cap={"attainment": 2.0}).payout(sales=sales, quota=quota)
    assert sum((ln.amount for ln in p.lines), Decimal(0)) == Decimal(str(p.total)).quantize(Decimal("0.01"))
    assert p.total == round(p.total, 2) and p.commission == round(p.commission, 2)


@given(AMOUNTS, AMOUNTS, st.floats(1, 1e7))
def test_marginal_pay_never_falls_when_sales_rise_and_stays_below_retroactive(a, b, quota):
    lo, hi = sorted((a, b))
    m = plan()
    assert m.payout(sales=lo, quota=quota).commission <= m.payout(sales=hi, quota=quota).commission + 0.01
    r = plan(commission={"mode": "retroactive", "tiers": TIERS_234})
    assert m.payout(sales=hi, quota=quota).commission <= r.payout(sales=hi, quota=quota).commission + 0.01
