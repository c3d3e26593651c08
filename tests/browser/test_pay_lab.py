"""Pay Plan Lab as a trainee meets it: the Voilà page in headless chromium, driven by the mouse and keyboard."""
from __future__ import annotations

import json

import pytest

from .conftest import FIGURE_DATA

LAB = "voila/render/pay_lab.ipynb"
HUB = "voila/render/index.ipynb"


def open_lab(page, base: str, query: str = ""):
    page.goto(base + LAB + query)
    page.wait_for_selector(".sdw-app .sdw-plan-b select")
    page.wait_for_selector(".sdw-app table.sdw-summary-table")
    page.wait_for_function("document.querySelectorAll('.sdw-app .js-plotly-plot .main-svg').length >= 4")
    for name in ("curve", "cost", "closes", "attainment"):
        page.wait_for_function(f"({FIGURE_DATA})({json.dumps(name)}) !== null")


def figure(page, name: str) -> str:
    return page.evaluate(FIGURE_DATA, name)


def summary_head(page, slot: str) -> str:
    return page.locator(f'table.sdw-summary-table th[data-plan="{slot}"]').inner_text()


def payout_total(page, slot: str) -> str:
    return page.locator(f'table.sdw-payout-table[data-slot="{slot}"] tr.sdw-total td').nth(1).inner_text()


def test_pay_lab_in_traditional_chinese_by_default(page, voila_url, artifacts, clean):
    open_lab(page, voila_url)
    for text in ("薪酬方案實驗室", "方案 A", "一位業務員的薪酬", "模擬團隊", "模擬結果", "薪酬成本 ÷ 營收",
                 "期末最後 2 周的成交比例", "底薪"):
        assert page.get_by_text(text).first.is_visible(), text
    page.locator(".sdw-app .gtitle", has_text="考核期內每周的成交").wait_for()
    page.locator(".sdw-app .gtitle", has_text="變動薪酬與達成率").wait_for()
    assert summary_head(page, "B") == "B：階梯提成 2% / 3% / 4%（按季）"
    curve, cost = figure(page, "curve"), figure(page, "cost")
    page.locator(".sdw-plan-b select").select_option(label="達成係數表（按季）")     # plan B: the coefficient table
    page.wait_for_function(
        "() => document.querySelector('table.sdw-summary-table th[data-plan=\"B\"]').innerText.includes('達成係數表')")
    page.wait_for_function(f"({FIGURE_DATA})('cost') !== {json.dumps(cost)}")
    assert figure(page, "curve") != curve
    assert "獎金" in page.locator('table.sdw-payout-table[data-slot="B"]').inner_text()   # the table pays a bonus
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / "pay_lab_zh-Hant.png"), full_page=True)


def test_pay_lab_in_english_and_a_reps_sales(page, voila_url, artifacts, clean):
    open_lab(page, voila_url, "?lang=en")
    for text in ("Pay Plan Lab", "Plan A", "One rep's pay", "Simulated results", "Pay cost ÷ revenue",
                 "Wins in the period's last 2 weeks", "Base pay"):
        assert page.get_by_text(text).first.is_visible(), text
    assert page.get_by_text("薪酬方案實驗室").count() == 0
    page.locator(".sdw-app .gtitle", has_text="Wins by week of the plan period").wait_for()
    before_a, before_b, curve = payout_total(page, "A"), payout_total(page, "B"), figure(page, "curve")
    assert before_a == "26,100.00"                    # 18,000 + 3 % of 270,000 (120 % of the quota)
    sales = page.locator(".sdw-sales input")
    sales.fill("300000")
    sales.press("Enter")
    page.wait_for_function(
        "before => document.querySelector('table.sdw-payout-table[data-slot=\"A\"] tr.sdw-total td:nth-child(2)')"
        ".innerText !== before", arg=before_a)
    assert payout_total(page, "A") == "27,000.00"     # 18,000 + 3 % of 300,000
    assert payout_total(page, "B") != before_b
    page.wait_for_function(f"({FIGURE_DATA})('curve') !== {json.dumps(curve)}")
    rep = json.loads(figure(page, "curve"))[3]
    assert rep[0] == "A: Linear 3 % · this rep" and rep[1] == [pytest.approx(300_000 / 225_000)]
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / "pay_lab_en.png"), full_page=True)


def test_a_bad_rate_shows_a_localised_message_not_a_traceback(page, voila_url, artifacts, clean, message):
    open_lab(page, voila_url, "?lang=zh-Hans")
    page.locator(".sdw-edit-b input[type=checkbox]").check()
    tiers = page.locator(".sdw-form-tiers input").nth(1)
    tiers.wait_for()
    tiers.fill("0: 2, 100: 300")
    tiers.press("Enter")
    assert "方案 B · commission.tiers[1].rate 不能大于 1" in message(page)
    page.screenshot(path=str(artifacts / "pay_lab_message.png"), full_page=True)
    tiers.fill("0: 2, 100: 5")
    tiers.press("Enter")
    page.wait_for_function("!document.querySelector('.sdw-message [role=alert]')")
    page.wait_for_function(
        "() => document.querySelector('table.sdw-summary-table th[data-plan=\"B\"]').innerText.includes('已修改')")
    clean(page, allow_alert=False)


def test_hub_leads_to_pay_lab(page, voila_url, clean):
    page.goto(voila_url + HUB + "?lang=en")
    link = page.locator("ul.sdw-apps a", has_text="Pay Plan Lab")
    link.wait_for()
    assert link.get_attribute("href").endswith("pay_lab.ipynb?lang=en")
    link.click()
    page.wait_for_url("**/pay_lab.ipynb?lang=en")
    page.locator("h2.sdw-title", has_text="Pay Plan Lab").wait_for()
    page.wait_for_selector(".sdw-app table.sdw-summary-table")
    clean(page, allow_alert=False)
