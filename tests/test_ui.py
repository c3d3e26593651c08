"""Funnel Lab and the hub without a browser: widgets in, numbers, figures and messages out."""
from __future__ import annotations

import base64
import re
from html import unescape
from io import StringIO

import numpy as np
import pandas as pd
import pytest

import simlib
from simlib.base.i18n import t
from simlib.core.scenario import MAX_REPS
from simlib.ui import controls as C
from simlib.ui import funnel_lab as fl
from simlib.ui.funnel_lab import FunnelLab, bottleneck_sentence
from simlib.ui.hub import Hub
from simlib.ui.lang import lang_from_query

SCENARIO = fl.DEFAULT_SCENARIO
RENDERERS = ["widget", "output"]


@pytest.fixture(params=RENDERERS)
def lab(request):
    return FunnelLab(SCENARIO, lang="en", renderer=request.param)


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


def kpi(lab: FunnelLab, name: str) -> str:
    m = re.search(rf'data-kpi="{name}">([^<]*)<', lab.headline.value)
    assert m, name
    return unescape(m.group(1))


def funnel_x(lab: FunnelLab) -> list[float]:
    return [float(v) for v in lab.figures["funnel"].figure.data[0].x]


# -- the first run ------------------------------------------------------------------------------------
def test_first_run_matches_the_library(lab):
    res = simlib.simulate(simlib.load_scenario(SCENARIO), seed=7)
    assert lab.result.summary() == res.summary()
    assert kpi(lab, "leads-sim") == f"{res.summary()['leads']:,}"
    assert kpi(lab, "won-sim") == str(res.summary()["won"])
    assert kpi(lab, "won-analytic") == f"{simlib.expected(lab.scenario)['won']:,.1f}"
    assert lab.error_text() == ""
    assert lab.message.value == ""


def test_figures_show_simulated_beside_analytic(lab):
    fig = lab.figures["funnel"].figure
    sim, ana = fig.data
    assert list(sim.y) == ["Lead", "Opportunity", "Proposal", "Negotiation", "Won"]
    assert list(sim.x)[:-1] == list(lab.result.stage_counts()["entered"])
    assert list(ana.x)[-1] == pytest.approx(simlib.expected(lab.scenario)["won"])
    weekly = lab.figures["weekly"].figure
    assert list(weekly.data[0].y) == list(lab.result.weekly()["won"])
    assert len(weekly.data[0].x) == 13
    util = lab.figures["utilization"].figure
    assert len(util.data[0].x) == 15
    assert all(0 <= u <= 1 for u in util.data[0].y)


def test_figure_fonts_name_the_cjk_faces(lab):
    for view in lab.figures.values():
        assert "Noto Sans CJK TC" in view.figure.layout.font.family


# -- sliders ------------------------------------------------------------------------------------------
def test_moving_the_leads_slider_reruns_and_redraws(lab):
    before_x, before_won = funnel_x(lab), kpi(lab, "leads-sim")
    lab.controls["leads.per_week"].value = 90
    assert lab.result.scenario.leads.per_week == 90
    assert kpi(lab, "leads-sim") != before_won
    assert funnel_x(lab) != before_x
    assert simlib.expected(lab.scenario)["leads"] == 90 * 13
    if lab.figures["funnel"].__class__.__name__ == "WidgetFigure":  # the widget itself was updated in place
        assert [float(v) for v in lab.figures["funnel"].widget.data[0].x] == funnel_x(lab)


def test_stage_sliders_drive_their_stage(lab):
    lab.controls["funnel.stages[2].conversion"].value = 0.8
    lab.controls["funnel.stages[2].work_hours"].value = 3.5
    stage = lab.scenario.funnel.stages[2]
    assert (stage.conversion, stage.work_hours) == (0.8, 3.5)
    assert lab.scenario.funnel.stages[2].label == lab.base.funnel.stages[2].label  # labels survive


def test_team_and_horizon_sliders(lab):
    lab.controls["team.reps"].value = 20
    lab.controls["team.hours_per_week"].value = 35
    lab.controls["horizon_weeks"].value = 26
    assert len(lab.scenario.team.reps) == 20 and lab.scenario.team.hours_per_week == 35
    assert len(lab.figures["utilization"].figure.data[0].x) == 20
    assert len(lab.figures["weekly"].figure.data[0].x) == 26


def test_seed_changes_the_draw_and_is_reproducible(lab):
    first = lab.result.summary()
    lab.controls["seed"].value = 8
    assert lab.result.summary() != first
    lab.controls["seed"].value = 7
    assert lab.result.summary() == first


def test_untouched_controls_change_nothing():
    lab = FunnelLab(SCENARIO, lang="en")
    assert lab.changes() == {}
    assert lab.scenario is lab.base


def test_slider_ranges_come_from_the_schema(lab):
    conv = lab.controls["funnel.stages[0].conversion"]
    assert (conv.min, conv.max) == (0, 1)
    assert lab.controls["team.hours_per_week"].min > 0        # Field(gt=0)
    assert lab.controls["team.reps"].max <= MAX_REPS
    assert lab.controls["horizon_weeks"].min >= 1
    assert C.schema_bounds(simlib.core.scenario.Stage, "work_hours") == (0.0, 200.0)


def test_a_range_widens_to_hold_the_scenario_value():
    assert C.LEADS.limits(1000) == (0, 1000)
    assert C.REPS.limits(3) == (1, 50)


def test_reverse_calculation_follows_target_and_funnel(lab):
    lab.controls["target_won"].value = 12
    need = simlib.required_leads(lab.scenario, won=12)
    cells = re.findall(r'data-stage="(\w+)"><th>[^<]*</th><td>([^<]*)</td>', lab.reverse.value)
    assert dict(cells) == {k: f"{int(np.ceil(v - 1e-9)):,}" for k, v in need.items()}
    lab.controls["funnel.stages[3].conversion"].value = 0.2
    assert "lead" in lab.reverse.value and lab.error_text() == ""
    assert dict(re.findall(r'data-stage="(\w+)"><th>[^<]*</th><td>([^<]*)</td>', lab.reverse.value))[
        "negotiation"] == "60"


# -- errors: never a traceback, always a localised message ---------------------------------------------
def test_zero_conversion_with_a_target_shows_a_localised_message(lab):
    lab.controls["target_won"].value = 20
    lab.controls["funnel.stages[1].conversion"].value = 0.0
    msg = lab.error_text()
    assert "funnel.stages[1].conversion" in msg and "0 %" in msg
    assert 'role="alert"' in lab.message.value
    assert "Traceback" not in lab.message.value
    lab.set_language("zh-Hant")
    assert "轉化率為 0%" in lab.error_text()          # the message follows the page's language
    lab.controls["funnel.stages[1].conversion"].value = 0.5
    assert lab.error_text() == "" and lab.message.value == ""


def test_an_invalid_scenario_is_reported_and_the_last_run_kept(lab, monkeypatch):
    good = lab.result
    monkeypatch.setattr(lab, "changes", lambda: {"funnel.stages[0].conversion": 1.5})
    lab.run()
    assert lab.result is good
    assert "funnel.stages[0].conversion must be at most 1" in lab.error_text()
    lab.set_language("zh-Hans")
    assert "不能大于 1" in lab.error_text()


def test_an_unexpected_error_shows_a_notice_not_a_traceback(lab, monkeypatch, caplog):
    """The trainee reads a short notice in the page's language; whoever runs the server gets the traceback
    at ERROR in the log."""
    def boom(*a, **k):
        raise RuntimeError("internal detail")
    monkeypatch.setattr(fl, "simulate", boom)
    with caplog.at_level("ERROR", logger="simlib"):
        lab.controls["leads.per_week"].value = 61
    text = lab.error_text()
    assert text == t("ui.error.unexpected", "en", kind="RuntimeError")
    assert "internal detail" not in lab.message.value and "Traceback" not in lab.message.value
    assert isinstance(lab.last_exception, RuntimeError)
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.exc_info and record.exc_info[0] is RuntimeError and "internal detail" in caplog.text


def test_a_missing_placeholder_fails_instead_of_showing_a_template(monkeypatch, caplog):
    from simlib.base import i18n
    monkeypatch.setenv(i18n.STRICT_ENV, "1")
    with pytest.raises(i18n.MissingPlaceholder, match="ui.error.unexpected"):
        t("ui.error.unexpected", "en")                    # its {kind} is not given
    monkeypatch.setenv(i18n.STRICT_ENV, "0")              # a user's server: logged, the page goes on
    with caplog.at_level("ERROR", logger="simlib"):
        assert "{kind}" in t("ui.error.unexpected", "en")
    assert "ui.error.unexpected" in caplog.text


@pytest.mark.parametrize("end", ["min", "max"])
def test_every_slider_at_its_extremes_raises_nothing(end):
    lab = FunnelLab(SCENARIO, lang="en")
    for path, w in lab.controls.items():
        w.value = getattr(w, end)
        assert lab.last_exception is None, (path, lab.last_exception)
    assert "Traceback" not in lab.message.value
    for part in (lab.headline, lab.bottleneck, lab.reverse):
        assert part.value


def test_no_leads_reads_as_a_sentence():
    lab = FunnelLab(SCENARIO, lang="en")
    lab.controls["leads.per_week"].value = 0
    assert lab.error_text() == ""
    assert kpi(lab, "win_rate-sim") == "—"
    assert t("ui.bottleneck.no_leads", "en") in text_of(lab.bottleneck)


# -- bottleneck ---------------------------------------------------------------------------------------
def test_bottleneck_is_conversion_with_hours_to_spare():
    sc = simlib.load_scenario(SCENARIO)
    text = bottleneck_sentence(sc, simlib.simulate(sc, 1).summary(), "en")
    assert text.startswith("Conversion is the bottleneck") and "Negotiation" in text


def test_bottleneck_is_capacity_when_hours_run_out():
    sc = simlib.load_scenario(SCENARIO).with_changes({"leads.per_week": 150})
    text = bottleneck_sentence(sc, simlib.simulate(sc, 1).summary(), "zh-Hant")
    assert text.startswith("瓶頸在產能") and "方案設計" in text


def test_bottleneck_counts_simulated_queueing_as_capacity():
    sc = simlib.load_scenario(SCENARIO)
    assert simlib.bottleneck(sc)["kind"] == "conversion"
    text = bottleneck_sentence(sc, {"utilization": 0.97}, "en")
    assert text.startswith("Capacity is the bottleneck")


# -- language -----------------------------------------------------------------------------------------
def test_language_switch_relabels_everything(lab):
    assert "Funnel Lab" in lab.root.children[1].children[0].value
    lab.switch.widget.value = "zh-Hant"
    assert lab.lang == "zh-Hant"
    assert "漏斗實驗室" in lab.root.children[1].children[0].value
    assert lab.controls["leads.per_week"].description == "每周線索數"
    assert lab.figures["funnel"].figure.layout.title.text == "各階段進入的商機數"
    assert next(iter(lab.figures["funnel"].figure.data[0].y)) == "線索獲取"
    assert "模擬" in lab.headline.value and "元" in lab.headline.value
    assert lab.switch.widget.description == "語言"
    lab.switch.widget.value = "zh-Hans"
    assert lab.controls["leads.per_week"].description == "每周线索数"
    assert "瓶颈" in text_of(lab.bottleneck)
    lab.set_language("en")
    assert lab.switch.widget.value == "en"
    assert lab.controls["funnel.stages[0].conversion"].description == "Conversion"


def test_switch_names_each_language_in_itself():
    lab = FunnelLab(SCENARIO, lang="en")
    assert [label for label, _ in lab.switch.widget.options] == ["繁體中文", "简体中文", "English"]


def test_default_language_is_traditional_chinese():
    assert FunnelLab(SCENARIO).lang == "zh-Hant"


@pytest.mark.parametrize("query, lang", [
    ("lang=en", "en"), ("?lang=zh-Hans", "zh-Hans"), ("x=1&lang=zh-CN", "zh-Hans"), ("lang=zh-TW", "zh-Hant"),
    ("", "zh-Hant"), ("lang=fr", "zh-Hant"), ("lang=%3Cscript%3E", "zh-Hant"),
])
def test_lang_from_query(query, lang):
    assert lang_from_query(query) == lang


def test_from_query_reads_voilas_query_string(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=en&renderer=output")
    lab = FunnelLab.from_query(SCENARIO)
    assert lab.lang == "en" and lab.figures["funnel"].__class__.__name__ == "OutputFigure"
    assert lab.controls["reps" if False else "team.reps"].description == "Reps"
    monkeypatch.setenv("QUERY_STRING", "lang=zh-Hans")
    assert FunnelLab.from_query(SCENARIO).controls["team.reps"].description == "业务员人数"


# -- export -------------------------------------------------------------------------------------------
def _links(lab) -> dict[str, str]:
    found = re.findall(r'data-kind="(\w+)" download="[^"]+" href="data:[^;]+;charset=utf-8;base64,([^"]+)"',
                       lab.downloads.value)
    return {kind: base64.b64decode(b64).decode("utf-8-sig") for kind, b64 in found}


def test_downloads_hold_this_runs_tables_and_scenario(lab):
    lab.controls["leads.per_week"].value = 75
    assert "data:" not in lab.downloads.value       # prepared on request, not on every slider move
    lab.export_button.click()
    files = _links(lab)
    assert set(files) == {"deals", "weekly", "scenario"}
    deals = pd.read_csv(StringIO(files["deals"]))
    assert len(deals) == lab.result.summary()["leads"]
    assert (deals["outcome"] == "won").sum() == lab.result.summary()["won"]
    weekly = pd.read_csv(StringIO(files["weekly"]))
    assert list(weekly["won"]) == list(lab.result.weekly()["won"])
    again = simlib.load_scenario(files["scenario"])
    assert again == lab.scenario and again.leads.per_week == 75
    lab.controls["leads.per_week"].value = 76
    assert "data:" not in lab.downloads.value       # stale links are withdrawn


# -- hub ----------------------------------------------------------------------------------------------
def test_hub_lists_funnel_lab_in_the_page_language(monkeypatch):
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    hub = Hub(lang="en")
    assert 'href="funnel_lab.ipynb?lang=en"' in hub.page.value
    assert "Funnel Lab" in hub.page.value and "Sales Drill Workbook" in hub.page.value
    hub.switch.widget.value = "zh-Hant"
    assert 'href="funnel_lab.ipynb?lang=zh-Hant"' in hub.page.value
    assert "漏斗實驗室" in hub.page.value and "銷售目標演練工作簿" in hub.page.value


def test_hub_links_are_absolute_under_voila(monkeypatch):
    monkeypatch.setenv("SCRIPT_NAME", "/voila/render/index.ipynb")
    monkeypatch.setenv("QUERY_STRING", "lang=zh-Hans")
    hub = Hub.from_query()
    assert hub.lang == "zh-Hans"
    assert 'href="/voila/render/funnel_lab.ipynb?lang=zh-Hans"' in hub.page.value


def test_hub_reaches_every_page_of_the_workbook(monkeypatch):
    """No orphan page: every notebook under notebooks/ (exercises in notebooks/exercises/) is linked from the hub, every drill
    of COURSE.md §9 as an exercise, and every link leads to a notebook that exists."""
    import re
    from pathlib import Path

    from simlib.content.drills import DRILLS
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    root = Path(__file__).resolve().parents[1]
    html = Hub(lang="en").page.value
    links = {h.split("?")[0] for h in re.findall(r'href="([^"]+\.ipynb[^"]*)"', html)}
    pages = {str(p.relative_to(root / "notebooks")) for p in (root / "notebooks").rglob("*.ipynb")
             if p.name != "index.ipynb" and ".ipynb_checkpoints" not in p.parts}
    assert {f"exercises/{d}.ipynb" for d in DRILLS} <= pages
    assert pages <= links, sorted(pages - links)
    assert all((root / "notebooks" / link).is_file() for link in links), links
    exercises = set(re.findall(r'data-exercise="([^"]+)"', html))
    assert exercises == set(DRILLS)


# -- layering -----------------------------------------------------------------------------------------
def test_viz_needs_no_widgets():
    import subprocess
    import sys
    code = ("import sys, simlib.viz.funnel; bad = [m for m in ('ipywidgets', 'anywidget', 'voila') if m in sys.modules];"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
