"""Team Lab without a browser: widgets in; the library's numbers, figures, messages and files out."""
from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest
import yaml

import simlib
from simlib.analysis.whatif import compare_teams
from simlib.ui.hub import Hub
from simlib.ui.team_lab import DEFAULT_SCENARIO, TeamLab


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


def cell(lab: TeamLab, metric: str, policy: str) -> str:
    m = re.search(rf'<tr data-metric="{metric}">.*?<td data-policy="{policy}">([^<]*)</td>', lab.summary_view.value)
    assert m, (metric, policy)
    return unescape(m.group(1))


@pytest.fixture
def lab():
    return TeamLab(lang="en", replications=1, seed=4)


def test_first_run_is_compare_teams_and_your_policy_starts_as_the_scenarios(lab):
    base = simlib.load_scenario(DEFAULT_SCENARIO)
    ref = compare_teams({"scenario": base, "yours": base}, seed=4, replications=1)
    pd.testing.assert_frame_equal(lab.comparison.summary, ref.summary)
    # the widgets read back the scenario's own people block: "yours" is the same team
    assert lab.yours().people == base.people and lab.yours().team == base.team
    s = ref.summary
    assert cell(lab, "revenue", "yours") == f"¥{s.loc['yours', 'revenue']:,.0f}"
    assert cell(lab, "turnover_annual", "scenario") == f"{s.loc['scenario', 'turnover_annual']:.1%}"
    assert [tr.name for tr in lab.figures["attainment"].figure.data] == ["The scenario's policy", "Your policy"]


def test_levers_change_your_column_only(lab):
    before = lab.comparison.summary.copy()
    lab.mentoring.value = False
    after = lab.comparison.summary
    pd.testing.assert_series_equal(after.loc["scenario"], before.loc["scenario"])
    assert after.loc["yours", "new_hire_ramp"] < before.loc["yours", "new_hire_ramp"]
    assert after.loc["yours", "development_hours"] < before.loc["yours", "development_hours"]
    lab.attrition.value = 60                            # double the turnover
    assert lab.comparison.summary.loc["yours", "quits"] > before.loc["yours", "quits"]
    assert lab.yours().people.attrition.annual_rate == 0.6
    lab.training.value = False
    assert lab.yours().people.training == []
    assert not any(e == "training" for e in lab.comparison.results["yours"].events.event)


def test_roles_and_training_reach_the_scenario(lab):
    lab.roles["楊帆"].value = "hunter"
    lab.train_stage.value = "negotiation"
    lab.train_lift.value = 20
    sc = lab.yours()
    assert sc.team.reps[5].name == "楊帆" and sc.team.reps[5].role == "hunter"
    assert sc.people.training[0].stage == "negotiation" and sc.people.training[0].lift == 0.2
    lab.roles["張經理"].value = "none"
    assert lab.yours().team.reps[0].role is None
    assert lab.error_text() == ""


def test_language_switch_relabels_roles_charts_and_table():
    lab = TeamLab(lang="zh-Hant", replications=1)
    assert "團隊實驗室" in lab.title.value and "年流失率" in text_of(lab.summary_view)
    assert dict(lab.roles["李明"].options)["獵人型（新客戶開發）"] == "hunter"
    lab.set_language("zh-Hans")
    assert "团队实验室" in lab.title.value and "年流失率" in text_of(lab.summary_view)
    assert lab.figures["staffing"].figure.layout.title.text.startswith("每周")
    lab.set_language("en")
    assert lab.roles["李明"].value == "hunter" and lab.train_stage.label == "Proposal"
    assert "Annual turnover" in text_of(lab.summary_view) and lab.error_text() == ""


def test_a_scenario_without_people_gets_a_people_block():
    sc = simlib.load_scenario("scenarios/funnel_basics.yaml").with_changes({"horizon_weeks": 26})
    lab = TeamLab(sc, lang="en", replications=1)
    assert lab.base.people is None and lab.yours().people is not None
    assert lab.comparison.summary.loc["yours", "turnover_annual"] >= 0 and lab.error_text() == ""


def test_downloads_hold_the_tables_and_your_team(lab):
    lab.prepare_downloads()
    kinds = re.findall(r'data-kind="([^"]+)"', lab.downloads.value)
    assert kinds == ["summary", "people", "events", "xlsx", "scenario"]
    text = re.search(r'data-kind="scenario"[^>]*href="data:application/x-yaml;charset=utf-8;base64,([^"]+)"',
                     lab.downloads.value)
    import base64
    back = simlib.load_scenario(yaml.safe_load(base64.b64decode(text.group(1)).decode("utf-8")))
    assert back == lab.yours()
    assert set(lab.export_tables()) == {"summary", "runs", "attainment", "people", "events"}


def test_hub_lists_team_lab():
    hub = Hub(lang="en")
    assert 'data-app="team_lab"' in hub.page.value and "Team Lab" in hub.page.value
