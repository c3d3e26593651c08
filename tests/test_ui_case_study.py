"""Case Studies without a browser: widgets in; the library's numbers, figures, messages and files out."""
from __future__ import annotations

import copy
import re
from html import unescape

import pandas as pd
import pytest

from simlib.analysis import cases
from simlib.ui.case_study import CaseStudy, case_library
from simlib.ui.hub import Hub

from .conftest import BASE


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


@pytest.fixture(scope="module")
def app():
    return CaseStudy("electronics_bottleneck", lang="en", replications=4, seed=2)


def test_first_run_is_run_case_on_the_same_seeds(app):
    ref = cases.run_case("scenarios/cases/electronics_bottleneck.yaml", 4, 2)
    pd.testing.assert_frame_equal(app.run.table, ref.table)
    checks = ref.checks("en")
    shown = text_of(app.checks_view)
    for r in checks.itertuples():
        assert r.check in shown
    assert "+125.0 %" in shown                            # the deck's implied ceiling, as a change
    assert app.figures["steps"].figure.data[0].x == ("Before training", "After training",
                                                     "After training, hours to spare")
    assert len(app.figures["gap"].figure.data[0].y) == len(checks)


def test_the_page_tells_the_story_steps_and_notes(app):
    assert "rises from 20 % to 45 %" in text_of(app.story) and "Source: COURSE.md" in text_of(app.story)
    steps = app.steps.value
    assert 'data-variant="after"' in steps and "funnel.stages[0].conversion" in steps and "0.45" in steps
    assert "builds on: Before training" in text_of(app.steps)
    assert "90 %" in text_of(app.notes)


def test_language_switch_relabels_everything():
    page = CaseStudy("electronics_bottleneck", lang="zh-Hant", replications=2)
    assert "案例研究" in page.title.value and "電子公司" in text_of(page.story)
    page.set_language("zh-Hans")
    assert "案例研究" in page.title.value and "电子公司" in text_of(page.story)
    assert "培训前" in page.figures["steps"].figure.data[0].x
    page.set_language("en")
    assert "Case Studies" in page.title.value and "Figure" in text_of(page.checks_view)
    assert page.error_text() == ""


def test_choosing_another_case_shows_and_runs_it():
    page = CaseStudy("electronics_bottleneck", lang="en", replications=2)
    page.choice.value = "customer_success"
    assert page.case.id == "customer_success" and page.run.case.id == "customer_success"
    assert "dedicated" in text_of(page.story) and "A renewal after" in text_of(page.checks_view)
    assert page.replications.value == min(20, page.case.replications)
    assert set(case_library()) >= {"electronics_bottleneck", "customer_success"}


def test_a_case_that_cannot_run_shows_a_localised_message_not_a_traceback():
    spec = {"title": {"en": "No quotas"}, "source": "test", "scenario": copy.deepcopy(BASE),
            "variants": {"a": {"label": {"en": "A"}}},
            "checks": [{"metric": "attainment", "variant": "a", "target": 1, "tolerance": 0.1}]}
    page = CaseStudy(cases.load_case(spec), lang="zh-Hant", replications=2)
    assert page.run is None and "quotas" in page.error_text() and "達成率" in page.error_text()
    assert "Traceback" not in page.message.value and 'role="alert"' in page.message.value


def test_downloads_hold_the_figures_steps_and_every_replication(app):
    app.prepare_downloads()
    kinds = re.findall(r'data-kind="([^"]+)"', app.downloads.value)
    assert kinds == ["checks", "steps", "xlsx"]
    assert 'download="case_electronics_bottleneck_seed2_checks.csv"' in app.downloads.value
    tables = app.export_tables()
    assert len(tables["replications"]) == 4 and set(tables["steps"].variant) == set(app.case.variants)


def test_hub_lists_the_case_studies():
    hub = Hub(lang="zh-Hant")
    assert 'data-case="electronics_bottleneck"' in hub.page.value
    assert 'href="cases/electronics_bottleneck.ipynb?lang=zh-Hant"' in hub.page.value
    assert "電子公司的漏斗瓶頸" in hub.page.value


def test_finished_runs_are_cached_on_disk(tmp_path, monkeypatch):
    """A case run is deterministic: the second page to open a case reads it from the cache."""
    from simlib.ui import case_study as cs
    monkeypatch.setenv("SDW_CACHE", str(tmp_path))
    first = CaseStudy("mentoring", lang="en", replications=2)
    files = list((tmp_path / "cases").glob("mentoring-*.pkl"))
    assert len(files) == 1
    second = CaseStudy("mentoring", lang="en", replications=2)
    pd.testing.assert_frame_equal(first.run.table, second.run.table)
    pd.testing.assert_frame_equal(second.run.checks("en"), cases.run_case("mentoring", 2, 0).checks("en"))
    monkeypatch.setenv("SDW_CACHE", "off")
    assert cs.cache_dir() is None
