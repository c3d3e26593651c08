"""Lesson pages as a trainee meets them: each module's Voilà page in headless chromium, in Traditional Chinese
and in English — every figure and table drawn, one slider moved with the keyboard and its block redrawn, no
error text, a screenshot kept (tests/artifacts/lesson_<module>_<lang>.png).

How long each page took from ``goto`` to its last figure drawn goes to tests/artifacts/lesson_render_times.json.
"""
from __future__ import annotations

import json
import time

import pytest

from simlib.base.i18n import t
from simlib.content.lessons import MODULES
from simlib.ui.lesson import figure_name

from .conftest import FIGURE_DATA

PAGE = "voila/render/modules/{key}.ipynb"
TABLE_TEXT = """block => {
  const el = document.querySelector(`table.sdw-lesson-table[data-block="${block}"]`);
  return el ? el.parentElement.innerText : null;
}"""
#: per module, the block whose slider each language's test moves: (zh-Hant, en), and how many key presses
INTERACTION = {
    "targets": (("split", "ArrowRight", 3), ("okr", "ArrowRight", 6)),
    "funnel": (("simulated", "ArrowRight", 4), ("reverse", "ArrowRight", 5)),
    "pay": (("curve", "ArrowLeft", 3), ("payout", "ArrowRight", 2)),
    "appraisal": (("pitch", "ArrowRight", 8), ("weights", "ArrowRight", 10)),
    "team": (("ramp", "ArrowLeft", 10), ("mentoring", "ArrowRight", 4)),
    "customers": (("tiers", "ArrowRight", 3), ("complaints", "ArrowRight", 6)),
    "data": (("pace", "ArrowRight", 4), ("stages", "ArrowRight", 3)),
}
CASES = [(key, lang) for key in MODULES for lang in ("zh-Hant", "en")]


def output_of(page, module: str, block: str) -> str | None:
    """What the browser shows of a block: its figure's data or its table's text."""
    if MODULES[module].block(block).kind == "figure":
        return page.evaluate(FIGURE_DATA, figure_name(module, block))
    return page.evaluate(TABLE_TEXT, block)


def open_lesson(page, base: str, key: str, lang: str) -> float:
    """Open the module's page; wait until every block's figure and table is drawn; seconds it took."""
    start = time.perf_counter()
    page.goto(base + PAGE.format(key=key) + f"?lang={lang}")
    page.locator("h2.sdw-title", has_text=MODULES[key].title(lang)).wait_for()
    for b in MODULES[key].blocks:
        arg = json.dumps(figure_name(key, b.key) if b.kind == "figure" else b.key)
        page.wait_for_function(f"({FIGURE_DATA if b.kind == 'figure' else TABLE_TEXT})({arg}) !== null")
    n = sum(b.kind == "figure" for b in MODULES[key].blocks)
    page.wait_for_function(f"document.querySelectorAll('.sdw-app .js-plotly-plot .main-svg').length >= {n}")
    return time.perf_counter() - start


def record(artifacts, key: str, lang: str, seconds: float) -> None:
    path = artifacts / "lesson_render_times.json"
    times = json.loads(path.read_text()) if path.is_file() else {}
    times[f"{key}/{lang}"] = round(seconds, 2)
    path.write_text(json.dumps(times, indent=1, sort_keys=True))


@pytest.mark.parametrize(("key", "lang"), CASES, ids=[f"{k}-{lang}" for k, lang in CASES])
def test_lesson_page_draws_and_a_slider_redraws_its_block(page, voila_url, artifacts, clean, key, lang):
    seconds = open_lesson(page, voila_url, key, lang)
    record(artifacts, key, lang, seconds)
    module = MODULES[key]
    for b in module.blocks:                                   # the narrative in the page's language
        assert page.get_by_text(t(b.title_key, lang), exact=True).first.is_visible(), b.key
    assert page.locator(".sdw-practise a").count() == len(module.pages)
    assert page.locator(".sdw-practise a").first.get_attribute("href").endswith(f"?lang={lang}")
    if lang == "en":
        assert page.get_by_text(module.title("zh-Hant"), exact=True).count() == 0

    block, key_name, presses = INTERACTION[key][0 if lang == "zh-Hant" else 1]
    param = module.block(block).params[0]
    before = output_of(page, key, block)
    handle = page.locator(f".sdw-param-{block}-{param.name} [role=slider]")
    value_before = float(handle.get_attribute("aria-valuenow"))
    handle.focus()
    for _ in range(presses):
        page.keyboard.press(key_name)
    if module.block(block).kind == "figure":
        page.wait_for_function(f"({FIGURE_DATA})({json.dumps(figure_name(key, block))}) !== {json.dumps(before)}")
    else:
        page.wait_for_function(f"({TABLE_TEXT})({json.dumps(block)}) !== {json.dumps(before)}")
    assert float(handle.get_attribute("aria-valuenow")) != value_before
    assert output_of(page, key, block) != before
    clean(page, allow_alert=False)
    height = page.evaluate("document.querySelector('.sdw-app').getBoundingClientRect().bottom")
    page.set_viewport_size({"width": 1400, "height": min(int(height) + 60, 9000)})   # the whole lesson
    page.screenshot(path=str(artifacts / f"lesson_{key}_{lang}.png"), full_page=True)
