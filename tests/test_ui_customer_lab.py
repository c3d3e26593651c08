"""Customer Lab without a browser: widgets in; the library's numbers, figures, messages and files out."""
from __future__ import annotations

import base64
import copy
import io
import re
from html import unescape

import pandas as pd
import pytest

import simlib
from simlib.base.i18n import t
from simlib.base.schema import read_source
from simlib.models.accounts import SUMMARY_KEYS, load_accounts, replicate_accounts
from simlib.ui import customer_lab as cl
from simlib.ui.customer_lab import CustomerLab, planned_visits

TIERING = "scenarios/customers/tiering.yaml"
SUCCESS = "scenarios/customers/customer_success.yaml"


@pytest.fixture
def lab():
    """A quick lab: one replication."""
    return CustomerLab(lang="en", replications=1)


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


def cell(lab: CustomerLab, metric: str, policy: str) -> str:
    m = re.search(rf'<tr data-metric="{metric}">.*?<td data-policy="{policy}"[^>]*>([^<]*)</td>', lab.summary_view.value)
    assert m, (metric, policy)
    return unescape(m.group(1))


def data_of(path: str, **changes) -> dict:
    """The scenario file's data with ``changes`` (``{"team": {...}}``) merged in, block by block."""
    data = copy.deepcopy(read_source(path)[0])
    for block, values in changes.items():
        data[block] = {**(data.get(block) or {}), **values} if isinstance(values, dict) else values
    return data


def assert_runs(run: cl.PolicyRun, ref: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(run.runs, ref)


# -- the first run ---------------------------------------------------------------------------------------
def test_first_run_is_replicate_accounts_on_the_same_seeds():
    lab = CustomerLab(lang="en")
    assert (lab.stem, lab.replications.value, lab.seed.value) == ("tiering", 3, 0)
    ref = replicate_accounts(TIERING, 3, 0, months=12)
    assert_runs(lab.runs["base"], ref)
    assert lab.runs["yours"] is lab.runs["base"]          # your policy starts as the scenario's: one run
    means = ref[list(SUMMARY_KEYS)].astype(float).mean()
    assert cell(lab, "renewal_rate_A", "base") == f"{means['renewal_rate_A']:.1%}"
    assert cell(lab, "revenue", "yours") == f"¥{means['revenue']:,.0f}"
    assert cell(lab, "renewal_rate", "diff") == "+0.0 pp"
    assert "still the scenario's own" in text_of(lab.summary_view)
    assert lab.error_text() == "" and lab.message.value == "" and lab.last_exception is None
    assert lab.progress.layout.visibility == "hidden" and lab.progress.value == lab.progress.max == 3
    assert lab.last_run_seconds > 0
    fig = lab.figures["renewal"].figure
    assert [tr.name for tr in fig.data] == ["Scenario's policy", "Your policy"]
    assert list(fig.data[0].y) == pytest.approx([means[k] for k in
                                                 ("renewal_rate", "renewal_rate_A", "renewal_rate_B", "renewal_rate_C")])


def test_complaints_within_sla_add_up_to_the_runs(lab):
    run = lab.runs["base"]
    assert run.sla.severity.tolist() == ["general", "urgent", "major"]
    assert run.sla.sla_hours.tolist() == [24.0, 4.0, 1.0]
    assert run.sla.complaints.sum() == run.runs.complaints.sum()
    assert run.sla.within.sum() == run.runs.complaints.sum() - run.runs.sla_breaches.sum()
    first = run.first.complaints
    assert run.sla.within.sum() == (~first.breached).sum()            # one replication: its own complaints
    fig = lab.figures["complaints"].figure
    assert list(fig.data[0].x) == ["General (24 h)", "Urgent (4 h)", "Major (1 h)"]
    assert list(fig.data[1].y) == pytest.approx(run.sla.within_share.tolist())


# -- changing the policy ---------------------------------------------------------------------------------
def test_the_focus_plan_runs_beside_the_scenarios_policy(lab):
    base = lab.runs["base"]
    assert lab.focus_box.layout.display == "none"
    lab.visit_plan.value = "focus"
    assert lab.focus_box.layout.display == ""
    assert lab.runs["base"] is base                               # the scenario's runs are kept, not rerun
    assert_runs(lab.runs["yours"], replicate_accounts(TIERING, 1, 0, months=12, policy="focus"))
    m = lab.means
    assert m.loc["yours", "renewal_rate_A"] > m.loc["base", "renewal_rate_A"]       # S3: hours on A
    assert m.loc["yours", "profit_kept"] > m.loc["base", "profit_kept"]
    d = m.loc["yours", "renewal_rate_A"] - m.loc["base", "renewal_rate_A"]
    assert cell(lab, "renewal_rate_A", "diff") == f"+{d * 100:.1f} pp"
    assert "Against the scenario's policy" in text_of(lab.summary_view)
    assert "Hours focused by tier (80/20) (A 80% / B 15% / C 5%)" in text_of(lab.summary_view)
    lab.focus["A"].value = 0.6
    lab.focus["B"].value = 0.35
    assert lab.spec.policy.focus.A == 0.6 and lab.error_text() == ""
    ref = replicate_accounts(data_of(TIERING, policy={"visit_plan": "focus", "focus": {"A": 0.6, "B": 0.35, "C": 0.05}}),
                             1, 0, months=12)
    assert_runs(lab.runs["yours"], ref)


def test_the_plan_table_is_what_the_model_visits_in_month_one(lab):
    lab.visit_plan.value = "focus"
    plan = planned_visits(lab.spec).set_index("tier")
    assert plan.planned.round(3).tolist() == [2.0, 0.25, 0.05]      # 80 % of 500 visits on 200 A accounts …
    acc = lab.runs["yours"].first.accounts
    first = acc[(acc.month == 1) & (acc.source == "base")]
    visits = first.groupby("tier").visits.mean()
    assert visits["A"] == 2.0
    assert visits["B"] == pytest.approx(0.25, abs=0.08) and visits["C"] == pytest.approx(0.05, abs=0.04)
    assert re.search(r'<tr data-tier="B">.*?<td class="sdw-planned">0.25</td>', lab.plan_view.value)
    assert "the hours cover 61% of it" in text_of(lab.plan_view)


def test_dedicated_managers_lift_a_renewal_in_customer_success(lab):
    lab.choice.value = "customer_success"
    assert lab.stem == "customer_success" and lab.hours.value == 1500 and lab.on_time.value == 0.85
    assert_runs(lab.runs["base"], replicate_accounts(SUCCESS, 1, 0, months=12))
    assert [v for _, v in lab.preset.options] == ["default", "before", "after"]
    lab.managers["A"].value = True
    assert_runs(lab.runs["yours"], replicate_accounts(SUCCESS, 1, 0, months=12, policy="after"))
    assert lab.means.loc["yours", "renewal_rate_A"] > lab.means.loc["base", "renewal_rate_A"] + 0.1
    assert "dedicated managers: A" in text_of(lab.summary_view)
    assert "a dedicated manager" in text_of(lab.plan_view)
    lab.managers["A"].value = False
    lab.preset.value = "after"                                    # the same policy from "start from"
    assert lab.managers["A"].value is True
    assert_runs(lab.runs["yours"], replicate_accounts(SUCCESS, 1, 0, months=12, policy="after"))


def test_hours_and_on_time_go_into_your_spec_only(lab):
    lab.hours.value = 1600
    lab.on_time.value = 0.95
    assert lab.spec.team.hours_per_month == 1600 and lab.spec.complaints.on_time == 0.95
    assert lab.base_spec.team.hours_per_month == 1000
    ref = replicate_accounts(data_of(TIERING, team={"hours_per_month": 1600}, complaints={"on_time": 0.95}),
                             1, 0, months=12)
    assert_runs(lab.runs["yours"], ref)
    assert lab.means.loc["yours", "sla_breach_rate"] < lab.means.loc["base", "sla_breach_rate"]
    assert "the hours cover 97% of it" in text_of(lab.plan_view)


def test_tier_shares_move_the_cuts_on_the_pareto_chart(lab):
    fig = lab.figures["pareto"].figure
    assert len(fig.data) == 3 and list(fig.data[2].x) == pytest.approx([0.2, 0.5])
    assert "A: 20% of accounts, 80% of profit" in text_of(lab.book_line)
    with lab._mute():
        lab.shares["A"].value = 0.1
        lab.shares["B"].value = 0.3
    lab.shares["C"].value = 0.6
    assert lab.error_text() == ""
    assert (lab.spec.tiers.A.share, lab.spec.tiers.C.share) == (0.1, 0.6)
    fig = lab.figures["pareto"].figure
    assert [tr.name for tr in fig.data[2:]] == ["Your policy: where A and B end", "Scenario's policy: where A and B end"]
    assert list(fig.data[2].x) == pytest.approx([0.1, 0.4]) and list(fig.data[3].x) == pytest.approx([0.2, 0.5])
    assert "A: 10% of accounts" in text_of(lab.book_line)
    shares = {"A": {"share": 0.1}, "B": {"share": 0.3}, "C": {"share": 0.6}}
    data = data_of(TIERING)
    data["tiers"] = {k: {**data["tiers"][k], **v} for k, v in shares.items()}
    assert_runs(lab.runs["yours"], replicate_accounts(data, 1, 0, months=12))
    assert lab.runs["yours"].first.summary()["account_share_A"] == 0.1


def test_seed_and_replications_drive_both_policies(lab):
    lab.visit_plan.value = "equal"
    lab.seed.value = 7
    lab.replications.value = 2
    assert_runs(lab.runs["base"], replicate_accounts(TIERING, 2, 7, months=12))
    assert_runs(lab.runs["yours"], replicate_accounts(TIERING, 2, 7, months=12, policy="equal"))
    assert lab.progress.max == 4


def test_reset_and_another_scenario_bring_back_the_files_values(lab):
    lab.visit_plan.value = "equal"
    lab.hours.value = 400
    lab.reset_button.click()
    assert (lab.visit_plan.value, lab.hours.value) == ("norm", 1000)
    assert lab.runs["yours"] is lab.runs["base"]
    lab.choice.value = "customer_success"
    assert [lab.shares[k].value for k in "ABC"] == [0.2, 0.3, 0.5] and lab.hours.value == 1500
    lab.choice.value = "tiering"
    assert lab.hours.value == 1000 and lab.preset.value == "default"


def test_start_from_a_named_policy():
    lab = CustomerLab("customer_success", lang="en", policy="after", replications=1)
    assert lab.managers["A"].value and lab.preset.value == "after"
    assert_runs(lab.runs["yours"], replicate_accounts(SUCCESS, 1, 0, months=12, policy="after"))
    with pytest.raises(simlib.ScenarioError, match="policy"):
        CustomerLab(lang="en", policy="nope", run_now=False)
    with pytest.raises(simlib.ScenarioError, match="scenario"):
        CustomerLab("nope", lang="en", run_now=False)


# -- bad input: a localised message naming the field, never a traceback, never a silent fix ----------------
@pytest.mark.parametrize("setup, en, zh", [
    ({"shares.A": 0.3}, "Share of accounts per tier (0–1) (tiers): the shares of 'A/B/C' add up to 1.1, not 1 (100 %).",
     "各類客戶比例（0–1） (tiers)：「A/B/C」的比例合計為 1.1，而不是 1（100%）。"),
    ({"shares.A": -0.1}, "Share of accounts per tier (0–1) · A (tiers.A.share) must be at least 0",
     "各類客戶比例（0–1） · A (tiers.A.share) 不能小於 0"),
    ({"visit_plan": "focus", "focus.A": 0.5},
     "Share of the team's hours per tier (0–1) (policy.focus): the shares of 'A/B/C' add up to 0.7",
     "各類分配的團隊工時比例（0–1） (policy.focus)：「A/B/C」的比例合計為 0.7"),
    ({"hours": -10}, "Team's visit hours a month (team.hours_per_month) must be at least 0",
     "團隊每月拜訪工時 (team.hours_per_month) 不能小於 0"),
    ({"on_time": 1.2}, "Complaints answered within their SLA (0–1) (complaints.on_time) must be at most 1",
     "在 SLA 內響應的投訴比例（0–1） (complaints.on_time) 不能大於 1"),
])
def test_a_bad_input_names_the_field_in_the_pages_language(lab, setup, en, zh):
    *first, last = setup.items()
    for name, value in [*first, (None, None), last]:
        if name is None:                                             # the bad value comes last
            good_spec, good_runs = lab.spec, lab.runs
            continue
        widget, _, tier = name.partition(".")
        w = getattr(lab, widget)
        (w[tier] if tier else w).value = value
    assert en in lab.error_text(), lab.error_text()
    assert 'role="alert"' in lab.message.value and "Traceback" not in lab.message.value
    assert lab.spec is good_spec and lab.runs is good_runs          # the last valid inputs and results stay
    assert lab.last_exception is None
    for name, value in setup.items():                                # nothing silently fixed
        widget, _, tier = name.partition(".")
        w = getattr(lab, widget)
        assert (w[tier] if tier else w).value == value
    lab.switch.widget.value = "zh-Hant"
    assert zh in lab.error_text(), lab.error_text()
    lab.reset_button.click()
    assert lab.error_text() == "" and lab.message.value == ""


def test_shares_made_whole_again_clear_the_message(lab):
    lab.shares["A"].value = 0.25
    assert "add up to 1.05" in lab.error_text()
    lab.shares["C"].value = 0.45
    assert lab.error_text() == "" and lab.spec.tiers.A.share == 0.25 and lab.spec.tiers.C.share == 0.45
    assert lab.runs["yours"].first.summary()["account_share_A"] == 0.25


def test_an_unexpected_error_shows_a_notice_not_a_traceback(lab, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("internal detail")
    monkeypatch.setattr(cl, "replicate_policy", boom)
    lab.seed.value = 4
    assert lab.error_text() == t("customer_lab.error.unexpected", "en", kind="RuntimeError")
    assert "internal detail" not in lab.message.value and "Traceback" not in lab.message.value
    assert isinstance(lab.last_exception, RuntimeError)
    assert lab.progress.layout.visibility == "hidden"


# -- language ---------------------------------------------------------------------------------------------
def test_language_switch_relabels_everything(lab):
    assert "Customer Lab" in lab.title.value
    lab.visit_plan.value = "focus"
    lab.switch.widget.value = "zh-Hant"
    assert "客戶經營" in lab.title.value
    assert lab.choice.description == "客戶群" and lab.hours.description == "團隊每月拜訪工時"
    assert dict(lab.choice.options)["A/B/C 客戶分級與 80/20 聚焦"] == "tiering"
    assert dict(lab.visit_plan.options)[t("accounts.plan.focus", "zh-Hant")] == "focus"
    assert lab.preset.options[0][0] == "情境原方案"
    assert "續約率：A 類" in lab.summary_view.value and "個百分點" in lab.summary_view.value
    assert "情境原方案" in lab.summary_view.value and "你的方案" in lab.summary_view.value
    assert "元" in cell(lab, "revenue", "base")
    assert lab.figures["renewal"].figure.layout.title.text == "各類續約率"
    assert lab.figures["complaints"].figure.data[0].x[0] == "一般（24 小時）"
    assert "每月計劃拜訪" in lab.plan_view.value and "1,000 個客戶" in lab.scenario_info.value
    lab.switch.widget.value = "zh-Hans"
    assert "客户经营" in lab.title.value
    assert lab.figures["pareto"].figure.layout.title.text == "利润的帕累托曲线（A/B/C）"
    assert lab.visit_plan.value == "focus" and lab.choice.value == "tiering"        # choices survive
    assert lab.error_text() == ""


def test_default_language_and_from_query(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=zh-Hans&renderer=output")
    lab = CustomerLab.from_query(replications=1)
    assert lab.lang == "zh-Hans" and lab.figures["pareto"].__class__.__name__ == "OutputFigure"
    assert "客户经营" in lab.title.value
    assert CustomerLab(run_now=False).lang == "zh-Hant"


# -- export -----------------------------------------------------------------------------------------------
def _links(lab) -> dict[str, bytes]:
    found = re.findall(r'data-kind="(\w+)" download="[^"]+" href="data:[^;]+(?:;charset=utf-8)?;base64,([^"]+)"',
                       lab.downloads.value)
    return {kind: base64.b64decode(b64) for kind, b64 in found}


def test_exports_parse_and_hold_the_runs_numbers(lab):
    lab.visit_plan.value = "focus"
    assert "data:" not in lab.downloads.value
    lab.export_button.click()
    files = _links(lab)
    assert set(files) == {"summary", "accounts", "xlsx", "months"}
    assert 'download="customer_lab_tiering_seed0_summary.csv"' in lab.downloads.value
    summary = pd.read_csv(io.StringIO(files["summary"].decode("utf-8-sig")))
    assert summary.columns.tolist() == ["Key", "Figure", "Scenario's policy", "Your policy", "Difference"]
    row = summary.set_index("Key").loc["renewal_rate_A"]
    assert row["Your policy"] == pytest.approx(lab.means.loc["yours", "renewal_rate_A"])
    assert row["Difference"] == pytest.approx(row["Your policy"] - row["Scenario's policy"])
    accounts = pd.read_csv(io.StringIO(files["accounts"].decode("utf-8-sig")))
    assert set(accounts["Policy"]) == {"Scenario's policy", "Your policy"}
    mine = accounts[accounts["Policy"] == "Your policy"]
    first = lab.runs["yours"].first
    assert mine["Profit in the run"].sum() == pytest.approx(first.summary()["profit"], rel=1e-6)
    assert mine["Visits"].sum() == first.summary()["visits"]
    assert (mine["Source"] == "Existing account").sum() == 1000
    months = pd.read_csv(io.StringIO(files["months"].decode("utf-8-sig")))
    assert len(months) == len(first.accounts) and "Lifecycle stage" in months.columns
    book = pd.read_excel(io.BytesIO(files["xlsx"]), sheet_name=None)
    assert list(book) == ["Summary", "By tier", "Replications", "Accounts", "Complaints", "Within SLA by severity"]
    assert len(book["Accounts"]) == len(accounts)
    assert book["Complaints"]["Severity"].isin(["General", "Urgent", "Major"]).all()
    assert book["Replications"].complaints.sum() == lab.runs["base"].runs.complaints.sum() * 2 - (
        lab.runs["base"].runs.complaints.sum() - lab.runs["yours"].runs.complaints.sum())
    lab.seed.value = 5
    assert "data:" not in lab.downloads.value                # stale links are withdrawn


def test_exports_follow_the_page_language(lab):
    lab.set_language("zh-Hant")
    lab.prepare_downloads()
    files = _links(lab)
    summary = pd.read_csv(io.StringIO(files["summary"].decode("utf-8-sig")))
    assert summary.columns.tolist() == ["代碼", "指標", "情境原方案", "你的方案", "差異"]
    assert next(iter(pd.read_excel(io.BytesIO(files["xlsx"]), sheet_name=None))) == "摘要"
    lab.set_language("en")
    assert "data:" not in lab.downloads.value


def test_nothing_to_export_before_a_run():
    lab = CustomerLab(lang="en", run_now=False)
    lab.prepare_downloads()
    assert "no simulation has run yet" in lab.error_text() and "data:" not in lab.downloads.value


def test_spec_of_the_scenario_is_the_file():
    lab = CustomerLab(lang="en", run_now=False)
    assert lab.base_spec == load_accounts(TIERING)
    assert lab.current_spec().model_dump() == load_accounts(TIERING).model_dump()
