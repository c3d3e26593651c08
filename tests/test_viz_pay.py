"""Pay-plan figures: their data are the library's numbers, labelled in the reader's language."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simlib.analysis.whatif import compare_plans
from simlib.base.i18n import t
from simlib.formulas.incentives import CompPlan
from simlib.viz.pay import (
    PLAN_COLORS,
    attainment_figure,
    closes_figure,
    cost_figure,
    full_periods,
    pay_curve,
    pay_curve_figure,
    thresholds,
)

BASE = "scenarios/pay/behaviour_base.yaml"
LINEAR = CompPlan.from_yaml("scenarios/plans/linear.yaml")
TIERED = CompPlan.from_yaml("scenarios/plans/s1_tiered_2_3_4.yaml")
TABLE = CompPlan.from_yaml("scenarios/plans/s1_coefficient_table.yaml")
CAPPED = CompPlan.from_dict(LINEAR.to_dict() | {"cap": {"attainment": 1.5}})


@pytest.fixture(scope="module")
def cmp():
    return compare_plans(BASE, {"A": LINEAR, "B": TIERED}, seed=3, replications=2, horizon_weeks=26,
                         behaviour="rational")


# -- pay curves ----------------------------------------------------------------------------------------
def test_pay_curve_is_the_plans_own_payout():
    df = pay_curve(TABLE, 200_000)
    ref = TABLE.curve(quota=200_000, up_to=2.0, points=201)
    merged = ref.merge(df, on="attainment", suffixes=("_ref", ""))
    assert len(merged) == 201
    np.testing.assert_allclose(merged.commission + merged.bonus, merged.commission_ref + merged.bonus_ref)
    rate = (df.variable / df.sales)[df.sales > 0]
    np.testing.assert_allclose(df.effective_rate.dropna(), rate)
    assert np.isnan(df.effective_rate.iloc[0])


def test_pay_curve_steps_at_a_retroactive_threshold():
    df = pay_curve(TABLE, 200_000).set_index("attainment")
    below, at = df.loc[1.0 - 1e-6, "variable"], df.loc[1.0, "variable"]
    assert at - below == pytest.approx(200_000 * (0.036 - 0.03) + 6000 * (1.5 - 1.0), abs=1)


def test_thresholds_name_tiers_bonus_bands_and_cap():
    assert [a for a, _ in thresholds(TIERED)] == [1.0, 1.2]
    assert [a for a, _ in thresholds(TABLE)] == [0.8, 1.0, 1.2]
    assert thresholds(CAPPED, "en") == [(1.5, "cap at 150%")]
    at_quota = dict(thresholds(TABLE, "zh-Hant"))[1.0]
    assert "提成 3.6%" in at_quota and "獎金 × 1.5" in at_quota
    assert thresholds(LINEAR) == []


def test_pay_curve_figure_traces_for_two_plans_and_a_rep():
    fig = pay_curve_figure({"A": LINEAR, "B": CAPPED}, 200_000, "en", sales=360_000,
                           names={"A": "A: linear", "B": "B: capped"})
    assert [tr.name for tr in fig.data] == [
        "A: linear", "A: linear · effective rate", "A: linear · thresholds", "A: linear · this rep",
        "B: capped", "B: capped · effective rate", "B: capped · thresholds", "B: capped · this rep"]
    assert fig.data[0].line.color == PLAN_COLORS[0] and fig.data[4].line.color == PLAN_COLORS[1]
    rep_a, rep_b = fig.data[3], fig.data[7]
    assert list(rep_a.x) == [pytest.approx(1.8)]
    assert list(rep_a.y) == [pytest.approx(0.03 * 360_000)]
    assert list(rep_b.y) == [pytest.approx(0.03 * 300_000)]              # capped at 150 % of quota
    assert list(fig.data[6].x) == [1.5]
    assert fig.data[5].yaxis == "y2"
    caps = [s for s in fig.layout.shapes if s.line.color == PLAN_COLORS[1]]
    assert len(caps) == 1 and caps[0].x0 == 1.5
    assert any(s.x0 == 1 and s.line.dash == "dash" for s in fig.layout.shapes)   # the quota
    assert fig.layout.xaxis.range[1] >= 1.8


def test_pay_curve_figure_without_a_rep_keeps_its_traces():
    fig = pay_curve_figure({"A": TIERED}, 200_000, "zh-Hant")
    assert len(fig.data) == 4 and len(fig.data[3].x) == 0
    assert fig.layout.title.text == t("pay_viz.curve.title", "zh-Hant", quota="200,000")
    assert "Noto Sans CJK TC" in fig.layout.font.family


# -- simulated outcomes -----------------------------------------------------------------------------------
def test_attainment_histogram_holds_whole_periods_per_plan(cmp):
    fig = attainment_figure(cmp.pay, "en", {"A": "linear", "B": "tiered"})
    assert [tr.type for tr in fig.data] == ["histogram", "histogram"]
    full = full_periods(cmp.pay)
    for tr, label in zip(fig.data, "AB", strict=True):
        expected = full.loc[full.plan == label, "attainment"].to_numpy()
        np.testing.assert_allclose(np.sort(tr.x), np.sort(np.minimum(expected, fig.layout.xaxis.range[1] - 1e-9)))
        assert tr.histnorm == "percent"
    share = cmp.summary.loc["B", "quota_reached_share"]
    assert fig.data[1].name == t("pay_viz.dist.name", "en", name="tiered", share=f"{share:.1%}".replace(".0%", "%"))
    assert any(s.x0 == 1 for s in fig.layout.shapes)


def test_full_periods_drop_a_period_cut_short():
    pay = pd.DataFrame({"plan": ["A"] * 3, "weeks": [13, 13, 5], "attainment": [1.0, 0.5, 0.1]})
    assert list(full_periods(pay).attainment) == [1.0, 0.5]


def test_closes_figure_shares_add_up_and_show_bunching(cmp):
    fig = closes_figure(cmp.closes, "en", {"A": "linear", "B": "tiered"})
    assert len(fig.data) == 4
    for k, label in enumerate("AB"):
        plain, disc = fig.data[2 * k], fig.data[2 * k + 1]
        d = cmp.closes[cmp.closes.plan == label].sort_values("week_in_period")
        assert list(plain.x) == list(d.week_in_period)
        total = d.won.sum()
        np.testing.assert_allclose(np.asarray(plain.y) + np.asarray(disc.y), d.won / total)
        np.testing.assert_allclose(disc.y, d.discounted / total)
        np.testing.assert_allclose(np.asarray(disc.base, float), np.asarray(plain.y, float))
        assert plain.offsetgroup == disc.offsetgroup == label
    late = {label: sum(np.asarray(fig.data[2 * k].y)[-2:]) + sum(np.asarray(fig.data[2 * k + 1].y)[-2:])
            for k, label in enumerate("AB")}
    assert late["B"] > late["A"] + 0.05                   # the accelerator bunches wins at quarter end
    assert sum(fig.data[1].y) == 0 and sum(fig.data[3].y) > 0   # only the accelerator's reps discount
    assert fig.layout.xaxis.range == (0.5, 13.5)


def test_cost_figure_is_the_summary_with_an_interval(cmp):
    fig = cost_figure(cmp.summary, "zh-Hans", {"A": "线性", "B": "阶梯"}, runs=cmp.runs)
    bar = fig.data[0]
    assert list(bar.x) == ["线性", "阶梯"]
    np.testing.assert_allclose(bar.y, cmp.summary.pay_cost_ratio)
    assert bar.y[0] == pytest.approx(0.03, abs=1e-6)          # linear 3 % (to the fen), no discounts
    assert bar.error_y.array is not None and len(bar.error_y.array) == 2
    assert fig.layout.title.text == t("pay_viz.cost.title", "zh-Hans")
    single = cost_figure(cmp.summary, "en")
    assert single.data[0].error_y.array is None and list(single.data[0].x) == ["A", "B"]


def test_figures_follow_the_language(cmp):
    for lang in ("zh-Hant", "zh-Hans", "en"):
        fig = closes_figure(cmp.closes, lang)
        assert fig.layout.title.text == t("pay_viz.closes.title", lang)
        assert fig.layout.xaxis.title.text == t("pay_viz.closes.xaxis", lang)
        assert attainment_figure(cmp.pay, lang).layout.yaxis.title.text == t("pay_viz.dist.yaxis", lang)


def test_figures_of_empty_tables_draw_without_error():
    empty_pay = pd.DataFrame(columns=["plan", "weeks", "attainment"])
    assert len(attainment_figure(empty_pay, "en").data) == 0
    empty_closes = pd.DataFrame(columns=["plan", "week_in_period", "won", "revenue", "discounted"])
    assert len(closes_figure(empty_closes, "en").data) == 0


def test_viz_pay_needs_no_widgets():
    import subprocess
    import sys
    code = ("import sys, simlib.viz.pay; bad = [m for m in ('ipywidgets', 'anywidget', 'voila') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
