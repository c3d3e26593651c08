"""Every case study's page (``notebooks/cases/<id>.ipynb``) in headless chromium, in Traditional Chinese and
in English: the story, the steps chart and the deck's figures against the simulation are drawn, a run on
another seed redraws the gap chart, no error text shows, a screenshot is kept
(tests/artifacts/case_<id>_<lang>.png). The Case Studies app's own behaviour (switching case, the hub's
list) is in test_case_study.py; this file is about each page rendering and responding."""
from __future__ import annotations

import json
import re

import pytest

from simlib.analysis.cases import case_titles

from .conftest import FIGURE_DATA

PAGE = "voila/render/cases/{case}.ipynb"
CASES = [(case, lang) for case in sorted(case_titles()) for lang in ("zh-Hant", "en")]


@pytest.mark.parametrize(("case", "lang"), CASES, ids=[f"{c}-{lang}" for c, lang in CASES])
def test_case_page_renders_and_runs_another_seed(page, voila_url, artifacts, clean, case, lang):
    page.goto(voila_url + PAGE.format(case=case) + ("?lang=en" if lang == "en" else ""))
    page.locator(".sdw-story-box h3", has_text=case_titles(lang)[case]).wait_for()
    page.locator(".sdw-app table.sdw-checks tr").nth(1).wait_for()
    for name in ("steps", "gap"):
        page.wait_for_function(f"({FIGURE_DATA})({json.dumps(name)}) !== null")
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", page.locator("h2.sdw-title").inner_text())
    gap = page.evaluate(FIGURE_DATA, "gap")
    page.locator(".sdw-seed input").fill("11")
    page.locator("button.sdw-run").click()
    page.wait_for_function(f"({FIGURE_DATA})('gap') !== {json.dumps(gap)}")
    assert page.locator("table.sdw-checks tr").count() >= 2
    clean(page, allow_alert=False)
    page.screenshot(path=str(artifacts / f"case_{case}_{lang}.png"), full_page=True)
