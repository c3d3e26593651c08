"""The apps as a trainee meets them: Voilà pages in headless chromium, driven by the keyboard and mouse."""
from __future__ import annotations

import json
from pathlib import Path

LAB = "voila/render/funnel_lab.ipynb"
HUB = "voila/render/index.ipynb"
FUNNEL_DATA = """() => {
  const gd = document.querySelector('.sdw-fig-funnel.js-plotly-plot, .sdw-fig-funnel .js-plotly-plot');
  return gd && gd.data ? JSON.stringify(gd.data.map(t => Array.from(t.x))) : null;
}"""


def open_lab(page, base: str, query: str = ""):
    page.goto(base + LAB + query)
    page.wait_for_selector(".sdw-app .widget-slider [role=slider]")
    page.wait_for_function("document.querySelectorAll('.sdw-app .js-plotly-plot .main-svg').length >= 3")
    page.wait_for_function(f"({FUNNEL_DATA})() !== null")


def headline(page, kpi: str) -> str:
    return page.locator(f'.sdw-kpi td[data-kpi="{kpi}"]').inner_text()


def slider(page, label: str, nth: int = 0):
    return page.locator(".sdw-controls .widget-slider", has_text=label).nth(nth).locator("[role=slider]")


def move_leads_and_check_redraw(page, label: str):
    leads_before, chart_before = headline(page, "leads-sim"), page.evaluate(FUNNEL_DATA)
    handle = slider(page, label)
    value_before = handle.get_attribute("aria-valuenow")
    handle.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"({FUNNEL_DATA})() !== {json.dumps(chart_before)}")
    page.wait_for_function(
        "before => document.querySelector('.sdw-kpi td[data-kpi=\"leads-sim\"]').innerText !== before", arg=leads_before)
    assert float(handle.get_attribute("aria-valuenow")) > float(value_before)
    assert headline(page, "leads-sim") != leads_before
    assert page.evaluate(FUNNEL_DATA) != chart_before


def test_funnel_lab_in_traditional_chinese_by_default(page, voila_url, artifacts, clean):
    open_lab(page, voila_url)
    for text in ("漏斗實驗室", "每周線索數", "關鍵數字", "瓶頸", "目標反推", "各階段進入的商機數", "線索獲取"):
        assert page.get_by_text(text).first.is_visible(), text
    move_leads_and_check_redraw(page, "每周線索數")
    clean(page)
    page.screenshot(path=str(artifacts / "funnel_lab_zh-Hant.png"), full_page=True)


def test_funnel_lab_in_english_from_the_query_string(page, voila_url, artifacts, clean):
    open_lab(page, voila_url, "?lang=en")
    for text in ("Funnel Lab", "Leads per week", "Headline numbers", "Reverse calculation",
                 "Deals entering each stage", "Negotiation"):
        assert page.get_by_text(text).first.is_visible(), text
    assert page.get_by_text("漏斗實驗室").count() == 0
    move_leads_and_check_redraw(page, "Leads per week")
    clean(page)
    page.screenshot(path=str(artifacts / "funnel_lab_en.png"), full_page=True)


def test_language_switch_relabels_the_page_live(page, voila_url, artifacts, clean):
    open_lab(page, voila_url, "?lang=en")
    page.locator(".sdw-lang button", has_text="简体中文").click()
    page.locator("h2.sdw-title", has_text="漏斗实验室").wait_for()
    page.get_by_text("每周线索数").first.wait_for()
    page.locator(".sdw-app .gtitle", has_text="各阶段进入的商机数").wait_for()   # the chart's own title
    assert page.get_by_text("Leads per week").count() == 0
    clean(page)
    page.screenshot(path=str(artifacts / "funnel_lab_zh-Hans.png"), full_page=True)
    page.locator(".sdw-lang button", has_text="English").click()
    page.locator("h2.sdw-title", has_text="Funnel Lab").wait_for()
    page.locator(".sdw-app .gtitle", has_text="Deals entering each stage").wait_for()


def test_an_impossible_target_shows_a_localised_message_not_a_traceback(page, voila_url, artifacts, message):
    open_lab(page, voila_url, "?lang=zh-Hans")
    conversion = slider(page, "转化率", nth=1)           # the opportunity stage
    conversion.focus()
    page.keyboard.press("Home")                           # 0 %: no number of leads reaches the target
    assert "转化率为 0%" in message(page)
    page.screenshot(path=str(artifacts / "funnel_lab_message.png"), full_page=True)
    conversion.focus()
    page.keyboard.press("End")
    page.wait_for_function("!document.querySelector('.sdw-message [role=alert]')")


def test_downloads_of_the_run(page, voila_url, clean):
    open_lab(page, voila_url, "?lang=en")
    page.locator(".sdw-export button, button.sdw-export").first.click()
    link = page.locator("a.sdw-download[data-kind=deals]")
    link.wait_for()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith("_deals.csv")
    assert Path(download.path()).read_text(encoding="utf-8-sig").startswith("deal_id,rep,")
    with page.expect_download() as info:
        page.locator("a.sdw-download[data-kind=scenario]").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "funnel:" in text and "horizon_weeks: 13" in text
    clean(page)


def test_hub_leads_to_funnel_lab_in_its_language(page, voila_url, artifacts, clean):
    page.goto(voila_url + HUB + "?lang=en")
    page.locator(".sdw-hub h1", has_text="Sales Drill Workbook").wait_for()
    page.locator(".sdw-lang button", has_text="繁體中文").click()
    page.locator(".sdw-hub h1", has_text="銷售目標演練工作簿").wait_for()
    link = page.locator("section[data-module=funnel] li[data-app=funnel_lab] a", has_text="漏斗實驗室")
    assert link.get_attribute("href").endswith("funnel_lab.ipynb?lang=zh-Hant")
    page.screenshot(path=str(artifacts / "hub_zh-Hant.png"), full_page=True)
    clean(page)
    page.locator(".sdw-lang button", has_text="English").click()
    link = page.locator("section[data-module=funnel] li[data-app=funnel_lab] a", has_text="Funnel Lab")
    link.wait_for()
    link.click()
    page.wait_for_url("**/funnel_lab.ipynb?lang=en")
    page.wait_for_selector(".sdw-app .widget-slider [role=slider]")
    page.locator("h2.sdw-title", has_text="Funnel Lab").wait_for()
    clean(page)
