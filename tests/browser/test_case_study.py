"""Case Studies as a trainee meets them: a case's Voilà page in headless chromium, driven by the mouse."""
from __future__ import annotations

import json

from .conftest import FIGURE_DATA

CASE = "voila/render/cases/electronics_bottleneck.ipynb"
HUB = "voila/render/index.ipynb"


def open_case(page, base: str, path: str = CASE, query: str = ""):
    page.goto(base + path + query)
    page.wait_for_selector(".sdw-app .sdw-case-choice select")
    page.wait_for_selector(".sdw-app table.sdw-checks")
    for name in ("steps", "gap"):
        page.wait_for_function(f"({FIGURE_DATA})({json.dumps(name)}) !== null")


def test_case_in_traditional_chinese_and_another_case(page, voila_url, artifacts, clean):
    open_case(page, voila_url)
    page.locator(".sdw-story-box h3", has_text="電子公司的漏斗瓶頸").wait_for()
    for text in ("案例研究", "各個步驟", "逐步模擬", "課程的數字彼此一致嗎?", "培訓前"):
        assert page.get_by_text(text).first.is_visible(), text
    assert "✓" in page.locator("table.sdw-checks").inner_text()
    steps = page.evaluate(FIGURE_DATA, "steps")
    assert json.loads(steps)[0][1] == ["培訓前", "培訓後", "培訓後+足夠工時"]
    page.locator(".sdw-case-choice select").select_option(label="客戶成功:A 類客戶的專屬經理")
    page.locator(".sdw-story-box h3", has_text="客戶成功").wait_for()
    page.wait_for_function(f"({FIGURE_DATA})('steps') !== {json.dumps(steps)}")
    page.locator("table.sdw-checks", has_text="A 類續約率").wait_for()
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / "case_study_zh-Hant.png"), full_page=True)


def test_case_in_english_run_again_with_more_replications(page, voila_url, artifacts, clean):
    open_case(page, voila_url, query="?lang=en")
    page.locator(".sdw-story-box h3", has_text="funnel bottleneck").wait_for()
    for text in ("Case Studies", "The steps", "Before training"):
        assert page.get_by_text(text).first.is_visible(), text
    assert page.get_by_text("案例研究").count() == 0
    gap = page.evaluate(FIGURE_DATA, "gap")
    page.locator(".sdw-seed input").fill("7")
    page.locator("button.sdw-run").click()
    page.wait_for_function(f"({FIGURE_DATA})('gap') !== {json.dumps(gap)}")
    note = page.locator(".sdw-checks-view p.sdw-muted").inner_text()
    assert "replications" in note and "within the case's tolerance" in note
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / "case_study_en.png"), full_page=True)


def test_hub_lists_every_case(page, voila_url, clean):
    page.goto(voila_url + HUB + "?lang=en")
    link = page.locator("li[data-case=electronics_bottleneck] a")
    link.wait_for()
    link.click()
    page.wait_for_url("**/cases/electronics_bottleneck.ipynb?lang=en")
    page.locator("h2.sdw-title", has_text="Case Studies").wait_for()
    clean(page, allow_alert=False)
