"""Exercise pages as a trainee meets them: each drill's Voilà page (``notebooks/exercises/<drill>.ipynb``) in headless
chromium, in Traditional Chinese and in English — one field filled, "check my answer" pressed, the feedback
list shown and the attempt saved (with its downloads), no error text, a screenshot kept
(tests/artifacts/exercise_<drill>_<lang>.png).

Answers go to a temporary SQLite file: ``SDW_ANSWERS`` is set when the tests are collected (tests/conftest.py,
else here), so the Voilà server the session starts (and every kernel it runs) inherits it and never writes
to the home folder.
How long each page took from ``goto`` to its form drawn goes to tests/artifacts/exercise_render_times.json.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path

import pytest

from simlib.base.i18n import t
from simlib.content.drills import DRILLS, load_material

from .conftest import FIGURE_DATA

# tests/conftest.py points SDW_ANSWERS at a temporary file already; this keeps it so if run on its own
os.environ.setdefault("SDW_ANSWERS", str(Path(tempfile.mkdtemp(prefix="sdw-browser-answers-")) / "answers.sqlite"))

PAGE = "voila/render/exercises/{drill}.ipynb"
#: per drill, the one field a trainee fills: (how, selector, value, zh-Hant value if it differs)
INTERACTION = {
    "smart_target": ("fill", ".sdw-field-statement textarea", "Q3 2025 sales of 1,200,000 yuan by 30 September",
                     "2025 年第三季度(9 月 30 日前)實現銷售額 1,200,000 元"),
    "decomposition": ("fill", ".sdw-cell-m1-month_target input", "360000", None),
    "mid_quarter_review": ("check", ".sdw-option-capacity input[type=checkbox]", None, None),
    "self_check": ("fill", ".sdw-cell-new_visits-actual input", "8", None),
    "pitch_scoring": ("fill", ".sdw-cell-accuracy-score input", "18", None),
    "improvement_plan": ("fill", ".sdw-cell-analysis-first_day input", "1", None),
    "review_form": ("fill", ".sdw-field-strengths textarea", "Many visits", "拜訪很多"),
    "screening_341": ("select", ".sdw-cell-huada-size select", "4", None),
    "abc_tiering": ("select", ".sdw-cell-a1-tier select", "A", None),
    "coin_feedback": ("fill", ".sdw-field-context textarea", "At last Wednesday afternoon's demo at Huada Machinery,",
                      "上週三下午在華達機械的產品演示中,"),
    "okr_scoring": ("fill", ".sdw-cell-kr1-score input", "0.7", None),
    "target_check": ("select", ".sdw-cell-q2-answer select", "No", "否"),
    "objection_handling": ("select", ".sdw-field-model select", "LAER", "LAER 模型"),
    "group_work": ("fill", ".sdw-cell-desire-minutes input", "2", None),
}
CASES = [(drill, lang) for drill in DRILLS for lang in ("zh-Hant", "en")]
_TIMES: dict[str, float] = {}


def open_exercise(page, base: str, drill: str, lang: str) -> float:
    """Open the drill's page for a trainee of this test; wait until its form and check button are drawn."""
    start = time.perf_counter()
    query = f"?trainee=browser-{drill}-{lang}" + ("&lang=en" if lang == "en" else "")
    page.goto(base + PAGE.format(drill=drill) + query)
    page.locator("h2.sdw-title", has_text=t(f"app.exercise_{drill}.title", lang)).wait_for()
    page.locator("button.sdw-check").wait_for()
    page.locator(".sdw-form .sdw-field").first.wait_for()
    return time.perf_counter() - start


def record(artifacts: Path, drill: str, lang: str, seconds: float) -> None:
    path = artifacts / "exercise_render_times.json"
    try:
        times = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        times = {}
    times[f"{drill}/{lang}"] = round(seconds, 2)
    _TIMES.update(times)
    path.write_text(json.dumps(dict(sorted(times.items())), indent=1), encoding="utf-8")


@pytest.mark.parametrize(("drill", "lang"), CASES, ids=[f"{d}-{lang}" for d, lang in CASES])
def test_exercise_page_checks_an_answer(page, voila_url, artifacts, clean, drill, lang):
    seconds = open_exercise(page, voila_url, drill, lang)
    record(artifacts, drill, lang, seconds)
    task = page.locator(".sdw-material p.sdw-task")
    assert task.is_visible()
    assert page.locator(".sdw-feedback-view .sdw-no-feedback").is_visible()       # no feedback before a check
    assert not page.locator(".sdw-feedback-chart").is_visible()                     # nor an empty chart frame
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", page.locator("h2.sdw-title").inner_text())
        assert page.get_by_text(t("exercise.check", "zh-Hant")).count() == 0
    if drill == "mid_quarter_review":                                                # the dashboard at week 6
        for name in ("review-pace", "review-funnel", "review-activity"):
            page.wait_for_function(f"({FIGURE_DATA})({json.dumps(name)}) !== null")
        page.locator("table.sdw-review-funnel tr[data-stage='proposal']").wait_for()

    how, selector, value, zh_value = INTERACTION[drill]
    target = page.locator(selector).first
    if how == "fill":
        target.fill(zh_value if lang != "en" and zh_value else value)
    elif how == "select":
        target.select_option(label=zh_value if lang != "en" and zh_value else value)
    else:
        target.check()
    page.locator("button.sdw-check").click()

    items = page.locator(".sdw-feedback-view ul.sdw-feedback li")
    items.first.wait_for()
    assert items.count() >= 1
    assert page.locator(".sdw-feedback-view p.sdw-headline").inner_text().strip()
    levels = {items.nth(i).get_attribute("data-level") for i in range(items.count())}
    assert levels <= {"ok", "hint", "problem"} and levels & {"hint", "problem"}     # one field is not a whole answer
    page.locator(".sdw-feedback-view .sdw-attempt").wait_for()                       # saved as attempt 1
    page.locator("table.sdw-history tr[data-attempt='1']").wait_for()
    page.locator("a.sdw-download[data-kind='csv']").wait_for()
    assert page.locator("a.sdw-download[data-kind='xlsx']").count() == 1
    if drill == "mid_quarter_review":                                                # the projection, simulated
        page.wait_for_function(f"({FIGURE_DATA})('review-projection') !== null")
        names = [tr[0] for tr in json.loads(page.evaluate(FIGURE_DATA, "review-projection"))]
        assert names[:4] == [t(f"exercise.viz.{k}", lang) for k in ("actual", "baseline", "with_fixes", "target_pace")]
    if drill in ("mid_quarter_review", "group_work"):
        assert page.locator(".sdw-feedback-chart").is_visible()
    if drill == "group_work":                                                        # the pitch's minutes
        page.wait_for_function(f"({FIGURE_DATA})('pitch-timing') !== null")
        traces = json.loads(page.evaluate(FIGURE_DATA, "pitch-timing"))
        assert traces == [[load_material("group_work", lang)["pitch_parts"]["desire"], [2], [t("exercise.viz.your_pitch", lang)]]]
    clean(page, allow_alert=False)
    page.locator(".sdw-feedback-view").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"exercise_{drill}_{lang}.png"), full_page=True)
