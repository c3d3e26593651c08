"""Target Setting as a trainee meets it: the Voilà page in headless chromium, edited with the keyboard and mouse."""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pandas as pd

APP = "voila/render/target_setting.ipynb"
SPLIT_DATA = """() => {
  const gd = document.querySelector('.sdw-fig-split.js-plotly-plot, .sdw-fig-split .js-plotly-plot');
  return gd && gd._fullData && gd._fullData.length ? JSON.stringify(Array.from(gd._fullData[0].y)) : null;
}"""
FULL_PAGE = {"width": 1400, "height": 4400}   # the whole app, for screenshots


def open_app(page, base: str, artifacts: Path, query: str = "") -> float:
    """Open the app and wait until its first chart has data; the seconds that took (first render, logged in
    ``artifacts``)."""
    start = time.monotonic()
    page.goto(base + APP + query)
    page.wait_for_selector(".sdw-app .sdw-annual input")
    page.wait_for_function(f"({SPLIT_DATA})() !== null")
    page.wait_for_function("document.querySelectorAll('.sdw-app .js-plotly-plot').length >= 5")
    page.wait_for_selector('.sdw-smart-report tr[data-criterion="achievable"]')
    seconds = time.monotonic() - start
    with open(artifacts / "target_setting_render.txt", "a", encoding="utf-8") as f:
        f.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {query or '(default)'} first render {seconds:.1f} s\n")
    return seconds


def type_into(page, selector: str, text: str):
    box = page.locator(f"{selector} input")
    box.fill(text)
    box.press("Enter")


def screenshot(page, path: Path):
    page.set_viewport_size(FULL_PAGE)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)


def test_target_setting_in_traditional_chinese_by_default(page, voila_url, artifacts, clean, message):
    seconds = open_app(page, voila_url, artifacts)
    print(f"first render: {seconds:.1f} s")
    for text in ("目標設定", "年度目標分解到季、月、周", "分解矩陣", "把團隊目標分配給業務員", "SMART 檢查",
                 "目標調整規則", "各月目標", "核心產品", "華東", "需要調整"):
        assert page.get_by_text(text).first.is_visible(), text
    check = page.locator('li[data-check="quarters"]')
    assert "100,000,000" in check.inner_text() and check.get_attribute("data-ok") == "true"
    before = page.evaluate(SPLIT_DATA)
    type_into(page, ".sdw-annual", "120000001")          # not a multiple of the 10,000 rounding unit
    text = message(page)
    assert "total" in text and "10000" in text
    page.locator(".sdw-unit select").select_option(label="1 元")   # round to 1 yuan instead
    page.wait_for_function("!document.querySelector('.sdw-message [role=alert]')")
    page.wait_for_function(f"({SPLIT_DATA})() !== {json.dumps(before)}")
    after = json.loads(page.evaluate(SPLIT_DATA))
    assert sum(after) == 120_000_001                      # the chart's months add up exactly
    for kind in ("quarters", "months", "weeks"):
        li = page.locator(f'li[data-check="{kind}"]')
        assert "120,000,001" in li.inner_text() and li.get_attribute("data-ok") == "true", kind
    assert page.locator('.sdw-pivot td[data-total="all"]').inner_text() == "120,000,001"
    clean(page)
    screenshot(page, artifacts / "target_setting_zh-Hant.png")


def test_target_setting_in_english_names_bad_shares_and_simulates(page, voila_url, artifacts, clean,
                                                                  message):
    open_app(page, voila_url, artifacts, "?lang=en")
    for text in ("Target Setting", "From the annual target to quarters, months and weeks", "Decomposition matrix",
                 "Targets by month", "Core products", "By capability", "The adjustment rule"):
        assert page.get_by_text(text).first.is_visible(), text
    assert page.get_by_text("目標設定").count() == 0
    type_into(page, ".sdw-share-region-east", "45")       # regions now add up to 110 %
    text = message(page)
    assert "dims.Region" in text and "'Region'" in text
    assert "110%" in page.locator(".sdw-sum-region").inner_text()
    assert page.locator(".sdw-share-region-east input").input_value() == "45"   # never fixed silently
    page.screenshot(path=str(artifacts / "target_setting_message.png"))
    type_into(page, ".sdw-share-region-east", "35")
    page.wait_for_function("!document.querySelector('.sdw-message [role=alert]')")
    assert page.locator('.sdw-pivot td[data-total="all"]').inner_text() == "100,000,000"

    achievable = page.locator('.sdw-smart-report tr[data-criterion="achievable"]')
    assert achievable.get_attribute("data-ok") in ("true", "false")
    type_into(page, ".sdw-smart-target", "5000000")        # far beyond a quarter's sales
    page.locator('.sdw-smart-report tr[data-criterion="achievable"][data-ok="none"]').wait_for()
    page.locator("button.sdw-simulate, .sdw-simulate button").first.click()
    page.locator('.sdw-smart-report tr[data-criterion="achievable"][data-ok="false"]').wait_for()
    assert "Reached in 0%" in achievable.inner_text()

    page.locator(".sdw-export button, button.sdw-export").first.click()
    link = page.locator("a.sdw-download[data-kind=xlsx]")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "target_setting_2026.xlsx"
    book = pd.read_excel(io.BytesIO(Path(info.value.path()).read_bytes()), sheet_name=None)
    assert book["Quarters"]["target"].sum() == book["Matrix"]["target"].sum() == 100_000_000
    with page.expect_download() as info:
        page.locator("a.sdw-download[data-kind=allocation]").click()
    alloc = pd.read_csv(info.value.path(), encoding="utf-8-sig")
    assert alloc["blend"].sum() == 5_000_000
    clean(page)
    screenshot(page, artifacts / "target_setting_en.png")


def test_language_switch_relabels_the_page_live(page, voila_url, artifacts, clean):
    open_app(page, voila_url, artifacts, "?lang=en")
    page.locator(".sdw-lang button", has_text="简体中文").click()
    page.locator("h2.sdw-title", has_text="目标设定").wait_for()
    page.locator(".sdw-app .gtitle", has_text="各月目标").wait_for()           # the chart's own title
    page.get_by_text("年度目标分解到季、月、周").first.wait_for()
    assert page.locator(".sdw-smart-text textarea").input_value().startswith("下季度通过优化产品线")
    assert page.get_by_text("Decomposition matrix").count() == 0
    clean(page)
    screenshot(page, artifacts / "target_setting_zh-Hans.png")
