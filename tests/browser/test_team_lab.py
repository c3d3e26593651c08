"""Team Lab as a trainee meets it: the Voilà page in headless chromium, driven by the mouse."""
from __future__ import annotations

import json

from .conftest import FIGURE_DATA

LAB = "voila/render/team_lab.ipynb"
HUB = "voila/render/index.ipynb"


def open_lab(page, base: str, query: str = ""):
    page.goto(base + LAB + query)
    page.wait_for_selector(".sdw-app .sdw-mentoring input[type=checkbox]")
    page.wait_for_selector(".sdw-app table.sdw-summary-table")
    for name in ("staffing", "ramp", "attainment"):
        page.wait_for_function(f"({FIGURE_DATA})({json.dumps(name)}) !== null")


def cell(page, metric: str, policy: str) -> str:
    return page.locator(f'table.sdw-summary-table tr[data-metric="{metric}"] td[data-policy="{policy}"]').inner_text()


def wait_cell_change(page, metric: str, policy: str, before: str) -> None:
    page.wait_for_function(
        "([m, p, b]) => document.querySelector(`table.sdw-summary-table tr[data-metric=\"${m}\"] "
        "td[data-policy=\"${p}\"]`).innerText !== b", arg=[metric, policy, before])


def test_team_lab_in_traditional_chinese_mentoring_off(page, voila_url, artifacts, clean):
    open_lab(page, voila_url)
    for text in ("團隊實驗室", "招聘、流失與角色", "培養人才", "新人一對一導師", "年流失率", "你的政策"):
        assert page.get_by_text(text).first.is_visible(), text
    page.locator(".sdw-app .gtitle", has_text="新人成長").wait_for()
    ramp_before = cell(page, "new_hire_ramp", "yours")
    assert cell(page, "new_hire_ramp", "scenario") == ramp_before       # the same policy at first
    page.locator(".sdw-mentoring input[type=checkbox]").uncheck()          # no mentors
    wait_cell_change(page, "new_hire_ramp", "yours", ramp_before)
    assert float(cell(page, "new_hire_ramp", "yours").rstrip("%")) < float(ramp_before.rstrip("%"))
    assert cell(page, "new_hire_ramp", "scenario") == ramp_before
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / "team_lab_zh-Hant.png"), full_page=True)


def test_team_lab_in_english_a_role_and_a_live_switch(page, voila_url, artifacts, clean):
    open_lab(page, voila_url, "?lang=en")
    for text in ("Team Lab", "Hiring, turnover and roles", "Developing people", "Annual turnover", "Your policy"):
        assert page.get_by_text(text).first.is_visible(), text
    assert page.get_by_text("團隊實驗室").count() == 0
    attainment = page.evaluate(FIGURE_DATA, "attainment")
    revenue = cell(page, "revenue", "yours")
    page.locator(".sdw-role select").nth(0).select_option(label="Hunter (new customers)")   # 張經理 hunts
    wait_cell_change(page, "revenue", "yours", revenue)
    page.wait_for_function(f"({FIGURE_DATA})('attainment') !== {json.dumps(attainment)}")
    page.locator(".sdw-lang button", has_text="简体中文").click()
    page.locator("h2.sdw-title", has_text="团队实验室").wait_for()
    page.locator(".sdw-app .gtitle", has_text="每位业务员的达成率").wait_for()
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / "team_lab_en_zh-Hans.png"), full_page=True)


def test_hub_leads_to_team_lab(page, voila_url, clean):
    page.goto(voila_url + HUB + "?lang=en")
    link = page.locator("ul.sdw-apps a", has_text="Team Lab")
    link.wait_for()
    link.click()
    page.wait_for_url("**/team_lab.ipynb?lang=en")
    page.locator("h2.sdw-title", has_text="Team Lab").wait_for()
    clean(page, allow_alert=False)
