"""The Dashboards page as a trainer meets it: boards on the sample export, a period change, an upload."""
from __future__ import annotations

import json
from pathlib import Path

from .conftest import FIGURE_DATA

APP = "voila/render/dashboards.ipynb"
DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "crm" / "sample_deals.csv"


def upload(page, path: Path) -> None:
    """Choose a file through the upload button (its file input is not always in the page's DOM)."""
    with page.expect_file_chooser() as chooser:
        page.locator("button.sdw-upload, .sdw-upload").first.click()
    chooser.value.set_files(str(path))


def open_app(page, base: str, query: str = ""):
    page.goto(base + APP + query)
    page.wait_for_selector(".sdw-app table.sdw-board")
    for name in ("attainment", "funnel", "forecast"):
        page.wait_for_function(f"({FIGURE_DATA})({json.dumps(name)}) !== null")


def test_dashboards_in_traditional_chinese_change_the_period(page, voila_url, artifacts, clean):
    open_app(page, voila_url)
    for text in ("數據看板", "達成率看板", "漏斗健康", "活動量、預測與異常", "示例 CRM 導出"):
        assert page.get_by_text(text).first.is_visible(), text
    before = page.evaluate(FIGURE_DATA, "attainment")
    page.locator(".sdw-period select").select_option(label="月")
    page.wait_for_function(f"({FIGURE_DATA})('attainment') !== {json.dumps(before)}")
    assert "月" in page.locator(".sdw-board-text").inner_text()
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / "dashboards_zh-Hant.png"), full_page=True)


def test_dashboards_in_english_upload_a_bad_then_a_good_file(page, voila_url, artifacts, clean, message):
    open_app(page, voila_url, "?lang=en")
    assert page.get_by_text("Attainment board").first.is_visible()
    upload(page, DATA / "bad_deals.csv")
    text = message(page)
    assert "Row 4, column created" in text and "column amount" in text
    page.screenshot(path=str(artifacts / "dashboards_en_bad_upload.png"), full_page=True)
    upload(page, SAMPLE)
    page.wait_for_function("!document.querySelector('.sdw-message [role=alert]')")
    page.locator(".sdw-data-info", has_text="sample_deals.csv").wait_for()
    clean(page, allow_alert=False)
