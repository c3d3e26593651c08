"""Pay Plan Lab without a browser: widgets in; the library's numbers, figures, messages and files out."""
from __future__ import annotations

import base64
import io
import re
from html import unescape

import pandas as pd
import pytest
import yaml

import simlib
from simlib.analysis.whatif import compare_plans
from simlib.base.i18n import t
from simlib.formulas.incentives import CompPlan
from simlib.ui import pay_lab as pl
from simlib.ui.hub import Hub
from simlib.ui.pay_lab import PayLab, plan_library

BASE = pl.DEFAULT_SCENARIO
PLANS = plan_library()


@pytest.fixture
def lab():
    """A quick lab: one quarter, one replication."""
    return PayLab(lang="en", weeks=13, replications=1)


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


def payout_rows(lab: PayLab, slot: str) -> list[tuple[str, float]]:
    block = re.search(rf'<table class="sdw-table sdw-payout-table" data-slot="{slot}">(.*?)</table>',
                      lab.payout_view.value)
    assert block, slot
    return [(unescape(item), float(amount)) for item, amount in
            re.findall(r'<tr[^>]*><td>([^<]*)</td><td data-amount="([^"]+)"', block.group(1))]


def summary_cell(lab: PayLab, metric: str, slot: str) -> str:
    m = re.search(rf'<tr data-metric="{metric}">.*?<td data-plan="{slot}">([^<]*)</td>', lab.summary_view.value)
    assert m, (metric, slot)
    return unescape(m.group(1))


# -- the first run ---------------------------------------------------------------------------------------
def test_first_run_is_compare_plans_on_the_same_world():
    lab = PayLab(lang="en")
    assert (lab.weeks.value, lab.replications.value, lab.behaviour.value, lab.seed.value) == (26, 2, "rational", 3)
    ref = compare_plans(BASE, {"A": PLANS["linear"], "B": PLANS["s1_tiered_2_3_4"]}, seed=3, replications=2,
                        behaviour="rational", horizon_weeks=26)
    pd.testing.assert_frame_equal(lab.comparison.summary, ref.summary)
    pd.testing.assert_frame_equal(lab.comparison.pay, ref.pay)
    s = ref.summary
    assert summary_cell(lab, "pay_cost_ratio", "B") == f"{s.loc['B', 'pay_cost_ratio']:.2%}"
    assert summary_cell(lab, "period_end_share", "A") == f"{s.loc['A', 'period_end_share']:.1%}"
    assert summary_cell(lab, "revenue", "B") == f"¥{s.loc['B', 'revenue']:,.0f}"
    assert s.loc["B", "period_end_share"] > s.loc["A", "period_end_share"]     # the accelerator bunches
    assert lab.error_text() == "" and lab.message.value == ""
    assert lab.last_run_seconds > 0
    assert lab.progress.layout.visibility == "hidden" and lab.progress.value == lab.progress.max == 4


def test_the_payout_tables_are_the_plans_own(lab):
    lab.quota.value = 200_000
    lab.sales.value = 250_000
    for slot, key in (("A", "linear"), ("B", "s1_tiered_2_3_4")):
        p = PLANS[key].payout(sales=250_000, quota=200_000)
        table = p.table("en")
        assert payout_rows(lab, slot) == list(zip(table["item"], table["amount"], strict=True))
        assert lab.payouts[slot].total == p.total
    assert payout_rows(lab, "B")[-1] == ("Total", 18_000 + 4_000 + 1_200 + 400)
    rep = lab.figures["curve"].figure.data[3]
    assert list(rep.x) == [1.25] and list(rep.y) == [pytest.approx(0.03 * 250_000)]


def test_the_payout_follows_the_page_language(lab):
    lab.set_language("zh-Hans")
    table = PLANS["linear"].payout(sales=lab.sales.value, quota=lab.quota.value).table("zh-Hans")
    assert [item for item, _ in payout_rows(lab, "A")] == list(table["item"])
    assert payout_rows(lab, "A")[0][0] == "底薪"


# -- changing plans --------------------------------------------------------------------------------------
def test_changing_plan_b_reruns_and_redraws(lab):
    before = lab.comparison.summary.copy()
    curve_before = lab.figures["curve"].figure.data[4].name
    lab.choice["B"].value = "s1_coefficient_table"
    assert lab.plans["B"] == PLANS["s1_coefficient_table"]
    ref = compare_plans(BASE, {"A": PLANS["linear"], "B": PLANS["s1_coefficient_table"]}, seed=3, replications=1,
                        behaviour="rational", horizon_weeks=13)
    pd.testing.assert_frame_equal(lab.comparison.summary, ref.summary)
    assert not lab.comparison.summary.loc["B"].equals(before.loc["B"])
    assert lab.figures["curve"].figure.data[4].name != curve_before
    assert "B: Attainment-coefficient table (quarterly)" in lab.summary_view.value
    assert [a for a in lab.figures["curve"].figure.data[6].x] == [0.8, 1.0, 1.2]


def test_one_plan_only(lab):
    lab.choice["B"].value = pl.NONE
    assert list(lab.plans) == ["A"] and list(lab.comparison.summary.index) == ["A"]
    assert 'data-slot="B"' not in lab.payout_view.value
    assert len(lab.figures["curve"].figure.data) == 4
    assert len(lab.figures["closes"].figure.data) == 2
    assert 'data-plan="B"' not in lab.summary_view.value


def test_a_monthly_plan_gets_a_monthly_quota(lab):
    lab.choice["B"].value = "s3_tiers"
    scen = lab.scenarios()
    assert scen["A"].quotas.per_rep == 225_000 and scen["B"].quotas.per_rep == pytest.approx(75_000)
    assert "per month" in text_of(lab.payout_view)
    assert set(lab.comparison.closes[lab.comparison.closes.plan == "B"].week_in_period) <= set(range(1, 6))


def test_behaviour_preset_no_gaming_changes_pay_only(lab):
    lab.behaviour.value = "no_gaming"
    res = lab.comparison.results
    pd.testing.assert_frame_equal(res["A"].deals, res["B"].deals)
    assert lab.comparison.summary.loc["B", "discounted_share"] == 0
    assert "no deal is moved" in text_of(lab.behaviour_note)


def test_seed_weeks_and_replications_drive_the_run(lab):
    lab.seed.value = 11
    lab.weeks.value = 26
    lab.replications.value = 2
    ref = compare_plans(BASE, {"A": PLANS["linear"], "B": PLANS["s1_tiered_2_3_4"]}, seed=11, replications=2,
                        behaviour="rational", horizon_weeks=26)
    pd.testing.assert_frame_equal(lab.comparison.runs, ref.runs)


def test_the_sim_quota_sets_every_reps_quota(lab):
    lab.quota_sim.value = 300_000
    assert set(lab.comparison.pay.quota) == {300_000}


# -- editing a plan ----------------------------------------------------------------------------------------
def test_editing_tiers_cap_and_bonus_builds_a_valid_plan(lab):
    lab.edit["A"].value = True
    assert lab.form_box["A"].layout.display == ""
    form = lab.forms["A"]
    assert form.tiers.value == "0: 3" and form.cap.value == "" and form.base_pay.value == "18000"
    form.tiers.value = "0: 3, 100: 5"
    form.cap.value = "150"
    form.bonus_target.value = "5000"
    form.bonus_bands.value = "0: 0, 100: 1"
    plan = lab.plans["A"]
    assert [(x.from_, x.rate) for x in plan.commission.tiers] == [(0.0, 0.03), (1.0, 0.05)]
    assert plan.cap.attainment == 1.5 and plan.bonus.target == 5000
    assert lab.plan_name("A") == "A: Linear 3 % (edited)"
    p = plan.payout(sales=lab.sales.value, quota=lab.quota.value)
    assert lab.payouts["A"].total == p.total
    assert lab.comparison.results["A"].scenario.incentives == plan
    assert list(lab.figures["curve"].figure.data[2].x) == [1.0, 1.5]
    lab.forms["A"].mode.value = "retroactive"
    assert lab.plans["A"].commission.mode == "retroactive"
    lab.form_box["A"].children[-1].click()                  # undo my edits
    assert lab.plans["A"] == PLANS["linear"] and form.tiers.value == "0: 3" and lab.plan_name("A") == "A: Linear 3 %"


def test_choosing_another_plan_refills_the_form(lab):
    lab.choice["A"].value = "s1_coefficient_table"
    f = lab.forms["A"]
    assert f.mode.value == "retroactive"
    assert f.tiers.value == "0: 2, 80: 3, 100: 3.6, 120: 4.5"
    assert f.bonus_bands.value == "0: 0, 80: 1, 100: 1.5, 120: 2"
    assert f.bonus_target.value == "6000"
    assert lab.plans["A"] == PLANS["s1_coefficient_table"]


# -- bad input: a localised message naming the field, never a traceback ------------------------------------------
@pytest.mark.parametrize("field, value, en, zh", [
    ("tiers", "0: 2, 100: 300", "Plan B · commission.tiers[1].rate must be at most 1", "方案 B · commission.tiers[1].rate 不能大於 1"),
    ("tiers", "0: 2, 120: 3, 100: 4", "Plan B · commission.tiers", "方案 B · commission.tiers"),
    ("tiers", "two percent", "Plan B · commission.tiers: write pairs", "方案 B · commission.tiers：請以"),
    ("bonus_target", "lots", "Plan B · bonus.target must be a number", "方案 B · bonus.target 必須是數字"),
    ("cap", "0", "Plan B · cap.attainment must be greater than 0", "方案 B · cap.attainment 必須大於 0"),
    ("tiers", "10: 2", "Plan B · commission.tiers", "方案 B · commission.tiers"),
])
def test_a_bad_plan_value_names_the_field_in_the_pages_language(lab, field, value, en, zh):
    good_plan, good_run = lab.plans["B"], lab.comparison
    getattr(lab.forms["B"], field).value = value
    assert en in lab.error_text(), lab.error_text()
    assert 'role="alert"' in lab.message.value and "Traceback" not in lab.message.value
    assert lab.plans["B"] is good_plan and lab.comparison is good_run       # the last valid plan stays
    assert lab.last_exception is None
    lab.switch.widget.value = "zh-Hant"
    assert zh in lab.error_text(), lab.error_text()
    lab.form_box["B"].children[-1].click()
    assert lab.error_text() == "" and lab.message.value == ""


def test_bad_rep_and_sim_inputs_name_their_fields(lab):
    lab.sales.value = -5
    assert lab.error_text() == "Sales (this period) must be at least 0; got -5.0."
    lab.set_language("zh-Hant")
    assert lab.error_text() == "銷售額（本期） 不能小於 0；目前為 -5.0。"
    lab.sales.value = 100_000
    lab.quota.value = 0
    assert "目標（本期） 必須大於 0" in lab.error_text()
    lab.quota.value = 200_000
    assert lab.error_text() == ""
    lab.quota_sim.value = -1
    assert "每人每季度目標 必須大於 0" in lab.error_text()
    lab.set_language("en")
    assert "Quota per rep per quarter must be greater than 0" in lab.error_text()
    lab.quota_sim.value = 225_000
    assert lab.error_text() == ""


def test_an_unexpected_error_shows_a_notice_not_a_traceback(lab, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("internal detail")
    monkeypatch.setattr(pl, "compare_plans", boom)
    lab.seed.value = 4
    assert lab.error_text() == t("pay_lab.error.unexpected", "en", kind="RuntimeError")
    assert "internal detail" not in lab.message.value and "Traceback" not in lab.message.value
    assert isinstance(lab.last_exception, RuntimeError)
    assert lab.progress.layout.visibility == "hidden"


def test_an_unknown_start_plan_is_named():
    with pytest.raises(simlib.ScenarioError, match="plan_a"):
        PayLab(lang="en", plan_a="nope", run_now=False)


# -- language ---------------------------------------------------------------------------------------------
def test_language_switch_relabels_everything(lab):
    assert "Pay Plan Lab" in lab.title.value
    lab.switch.widget.value = "zh-Hant"
    assert "薪酬方案實驗室" in lab.title.value
    assert lab.choice["A"].description == "方案"
    assert dict(lab.choice["B"].options)["線性提成 3%"] == "linear"
    assert lab.forms["A"].tiers.description == "提成階梯（起點 %：提成率 %）"
    assert dict(lab.forms["A"].mode.options)["分段累進：各階梯的提成率只計該階梯內的銷售額"] == "marginal"
    assert lab.behaviour.options[1][0] == t("pay_lab.behaviour.rational", "zh-Hant")
    assert lab.quota_sim.description == "每人每季度目標" and lab.weeks.description == "模擬周數"
    assert "薪酬成本 ÷ 營收" in lab.summary_view.value and "A：線性提成 3%" in lab.summary_view.value
    assert lab.figures["closes"].figure.layout.title.text == "考核期內每周的成交"
    assert lab.figures["curve"].figure.layout.yaxis.title.text == "變動薪酬（元）"
    assert "元" in lab.plan_info["A"].value
    lab.switch.widget.value = "zh-Hans"
    assert lab.quota_sim.description == "每人每季度目标"
    assert lab.figures["attainment"].figure.layout.title.text == "各业务员各期的达成率"
    assert lab.choice["A"].value == "linear" and lab.behaviour.value == "rational"   # choices survive


def test_default_language_and_from_query(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=zh-Hans&renderer=output")
    lab = PayLab.from_query(weeks=13, replications=1)
    assert lab.lang == "zh-Hans" and lab.figures["curve"].__class__.__name__ == "OutputFigure"
    assert "薪酬方案实验室" in lab.title.value
    assert PayLab(run_now=False).lang == "zh-Hant"


# -- export -----------------------------------------------------------------------------------------------
def _links(lab) -> dict[str, bytes]:
    found = re.findall(r'data-kind="(\w+)" download="[^"]+" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"',
                       lab.downloads.value)
    return {kind: base64.b64decode(b64) for kind, b64 in found}


def test_exports_parse_and_hold_the_runs_numbers(lab):
    assert "data:" not in lab.downloads.value
    lab.export_button.click()
    files = _links(lab)
    assert set(files) == {"summary", "pay", "xlsx", "plan_a", "plan_b"}
    summary = pd.read_csv(io.StringIO(files["summary"].decode("utf-8-sig")))
    assert list(summary.plan) == ["A", "B"] and summary.name[0] == "A: Linear 3 %"
    pd.testing.assert_series_equal(summary.pay_cost_ratio, lab.comparison.summary.pay_cost_ratio.reset_index(drop=True),
                                   check_names=False)
    pay = pd.read_csv(io.StringIO(files["pay"].decode("utf-8-sig")))
    assert len(pay) == len(lab.comparison.pay) and pay.total.sum() == pytest.approx(lab.comparison.pay.total.sum())
    book = pd.read_excel(io.BytesIO(files["xlsx"]), sheet_name=None)
    assert list(book) == ["Summary", "Runs", "Pay", "Wins by week"]
    assert book["Wins by week"].won.sum() == lab.comparison.closes.won.sum()
    assert CompPlan.from_dict(yaml.safe_load(files["plan_b"].decode("utf-8"))) == PLANS["s1_tiered_2_3_4"]
    lab.seed.value = 5
    assert "data:" not in lab.downloads.value                # stale links are withdrawn


def test_exported_plan_is_the_edited_one(lab):
    lab.forms["A"].tiers.value = "0: 4"
    lab.export_button.click()
    plan = CompPlan.from_dict(yaml.safe_load(_links(lab)["plan_a"].decode("utf-8")))
    assert plan.commission.tiers[0].rate == 0.04 and plan == lab.plans["A"]


# -- hub ----------------------------------------------------------------------------------------------------
def test_hub_lists_pay_lab(monkeypatch):
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    hub = Hub(lang="zh-Hant")
    assert 'href="pay_lab.ipynb?lang=zh-Hant"' in hub.page.value and "薪酬方案實驗室" in hub.page.value
    hub.set_language("en")
    assert "Pay Plan Lab" in hub.page.value
