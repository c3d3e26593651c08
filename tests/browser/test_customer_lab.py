"""Customer Lab as a trainee meets it: the Voilà page in headless chromium, driven by the mouse and keyboard."""
from __future__ import annotations

import json
import time

from .conftest import FIGURE_DATA

LAB = "voila/render/customer_lab.ipynb"
FIGURES = ("pareto", "renewal", "complaints")
FULL_PAGE = {"width": 1400, "height": 3000}   # the whole app, for screenshots
CELL = "table.sdw-summary-table tr[data-metric=\"{metric}\"] td[data-policy=\"{policy}\"]"


def open_lab(page, base: str, artifacts, query: str = "") -> float:
    """Open the lab and wait until its table and three charts have data; the seconds that took (logged)."""
    start = time.monotonic()
    page.goto(base + LAB + query)
    page.wait_for_selector(".sdw-app .sdw-visit-plan select")
    page.wait_for_selector(".sdw-app table.sdw-summary-table")
    for name in FIGURES:
        page.wait_for_function(f"({FIGURE_DATA})({json.dumps(name)}) !== null")
    seconds = time.monotonic() - start
    with open(artifacts / "customer_lab_render.txt", "a", encoding="utf-8") as f:
        f.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {query or '(default)'} first render {seconds:.1f} s\n")
    return seconds


def screenshot(page, path) -> None:
    page.set_viewport_size(FULL_PAGE)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)


def figure(page, name: str) -> str:
    return page.evaluate(FIGURE_DATA, name)


def cell(page, metric: str, policy: str) -> str:
    return page.locator(CELL.format(metric=metric, policy=policy)).inner_text()


def wait_cell_changes(page, metric: str, policy: str, before: str) -> None:
    page.wait_for_function("([sel, before]) => { const c = document.querySelector(sel); "
                           "return c && c.innerText !== before; }",
                           arg=[CELL.format(metric=metric, policy=policy), before])


def type_into(page, selector: str, text: str) -> None:
    box = page.locator(f"{selector} input")
    box.fill(text)
    box.press("Enter")


def test_customer_lab_in_traditional_chinese_by_default(page, voila_url, artifacts, clean):
    open_lab(page, voila_url, artifacts)
    for text in ("客戶經營", "客戶群", "你的服務方案", "模擬一年", "模擬結果", "續約率：A 類", "超過 SLA 的投訴比例",
                 "情境原方案", "你的方案"):
        assert page.get_by_text(text).first.is_visible(), text
    for title in ("各類續約率", "利潤的帕累托曲線（A/B/C）", "在 SLA 內響應的投訴"):
        page.locator(".sdw-app .gtitle", has_text=title).wait_for()
    assert cell(page, "renewal_rate_A", "diff") == "+0.0 個百分點"       # your policy starts as the scenario's
    renewal, before = figure(page, "renewal"), cell(page, "renewal_rate_A", "yours")
    page.locator(".sdw-visit-plan select").select_option(label="按等級集中時間（80/20）")   # S3: 80 % of hours on A
    wait_cell_changes(page, "renewal_rate_A", "yours", before)
    page.wait_for_function(f"({FIGURE_DATA})('renewal') !== {json.dumps(renewal)}")
    assert cell(page, "renewal_rate_A", "diff").startswith("+") and cell(page, "renewal_rate_A", "diff") != "+0.0 個百分點"
    assert cell(page, "renewal_rate_C", "diff").startswith("−")              # … and fewer small accounts renew
    assert page.locator(".sdw-focus-a input").is_visible()
    assert page.locator('.sdw-plan-table tr[data-tier="A"] td.sdw-planned').inner_text() == "2.00"
    clean(page, allow_alert=False)
    screenshot(page, artifacts / "customer_lab_zh-Hant.png")


def test_customer_lab_in_english_with_dedicated_managers(page, voila_url, artifacts, clean):
    open_lab(page, voila_url, artifacts, "?lang=en")
    for text in ("Customer Lab", "The account base", "Your service policy", "Renewal rate: A", "Scenario's policy",
                 "Complaints past their SLA"):
        assert page.get_by_text(text).first.is_visible(), text
    assert page.get_by_text("客戶經營").count() == 0
    page.locator(".sdw-app .gtitle", has_text="Renewal rate by tier").wait_for()
    before = cell(page, "revenue", "base")
    page.locator(".sdw-scenario select").select_option(label="Customer success: dedicated managers for A")
    wait_cell_changes(page, "revenue", "base", before)
    assert page.locator(".sdw-hours input").input_value() == "1500"
    renewal, complaints = figure(page, "renewal"), figure(page, "complaints")
    before = cell(page, "renewal_rate_A", "yours")
    page.locator(".sdw-manager-a input[type=checkbox]").check()          # S0: a dedicated manager for every A
    wait_cell_changes(page, "renewal_rate_A", "yours", before)
    page.wait_for_function(f"({FIGURE_DATA})('renewal') !== {json.dumps(renewal)}")
    page.wait_for_function(f"({FIGURE_DATA})('complaints') !== {json.dumps(complaints)}")
    base_a = float(cell(page, "renewal_rate_A", "base").rstrip("%"))
    yours_a = float(cell(page, "renewal_rate_A", "yours").rstrip("%"))
    assert yours_a > base_a + 10                                           # 75 % -> about 93 %
    assert "a dedicated manager" in page.locator(".sdw-plan-table").inner_text()
    page.locator("button.sdw-export").click()
    page.locator("a.sdw-download[data-kind=xlsx]").wait_for()
    kinds = page.locator("a.sdw-download").evaluate_all("links => links.map(a => a.dataset.kind)")
    assert kinds == ["summary", "accounts", "xlsx", "months"]
    clean(page, allow_alert=False)
    screenshot(page, artifacts / "customer_lab_en.png")


def test_shares_that_do_not_add_up_show_a_localised_message(page, voila_url, artifacts, clean, message):
    open_lab(page, voila_url, artifacts, "?lang=zh-Hans")
    type_into(page, ".sdw-share-a", "0.3")
    text = message(page)
    assert "各类客户比例（0–1） (tiers)：“A/B/C”的比例合计为 1.1，而不是 1（100%）。" in text, text
    assert page.locator(".sdw-share-a input").input_value() == "0.3"      # not silently fixed
    screenshot(page, artifacts / "customer_lab_message.png")
    pareto = figure(page, "pareto")
    type_into(page, ".sdw-share-c", "0.4")                                 # 0.3 + 0.3 + 0.4
    page.wait_for_function("!document.querySelector('.sdw-message [role=alert]')")
    page.wait_for_function(f"({FIGURE_DATA})('pareto') !== {json.dumps(pareto)}")
    cuts = json.loads(figure(page, "pareto"))[2]
    assert [round(x, 2) for x in cuts[1]] == [0.3, 0.6]
    clean(page, allow_alert=False)
