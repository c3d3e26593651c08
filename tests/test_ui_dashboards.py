"""The Dashboards app without a browser: data in (sample, simulated, uploaded), the boards out."""
from __future__ import annotations

import base64
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
import yaml

import simlib
from simlib.data import dashboards as D
from simlib.data.crm import read_deals
from simlib.ui.dashboards import SAMPLE_CSV, DashboardsApp
from simlib.ui.hub import Hub

BAD = Path(__file__).parent / "data" / "bad_deals.csv"


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


@pytest.fixture(scope="module")
def app():
    return DashboardsApp(lang="en")


def test_the_sample_boards_are_the_librarys(app):
    deals = read_deals(SAMPLE_CSV)
    board = D.attainment_board(deals, targets=300_000, period="quarter")
    pd.testing.assert_frame_equal(app.board.table, board.table)
    assert board.text("en") in text_of(app.board_view)
    assert D.funnel_health(deals).text("en", D.stage_labels(deals, "en")) in text_of(app.health_view)
    assert app.figures["attainment"].figure is not None and app.error_text() == ""
    assert list(app.rep.options) == list(board.table["rep"])


def test_stages_show_by_their_names_in_the_pages_language(app):
    """No raw stage ids on the page: a CRM export's usual stages get the course's names, a simulated
    team its scenario's labels; the drill-down table and the funnel charts follow the language."""
    app.set_language("zh-Hant")
    funnel = app.figures["funnel"].figure
    assert list(funnel.data[0].y)[:4] == ["線索獲取", "商機識別", "方案設計", "報價談判"]
    assert "negotiation" not in text_of(app.health_view) and "proposal" not in text_of(app.health_view)
    assert not any(w in text_of(app.drill_view) for w in ("lead", "opportunity", "proposal", "negotiation"))
    app.set_language("en")
    assert list(app.figures["stages"].figure.data[0].x)[:2] == ["Lead", "Opportunity"]
    app.source.value = "simulated"
    assert app.deals.attrs["source"] == "simulated" and app.error_text() == ""
    assert "Negotiation" in list(app.figures["funnel"].figure.data[0].y)


def test_period_target_and_drill_down(app):
    app.period.value = "month"
    assert app.board.period == "month"
    before = app.board.table.target.iloc[0]
    app.target.value = 600_000
    assert app.board.table.target.iloc[0] == pytest.approx(2 * before)
    app.rep.value = app.rep.options[-1]
    assert "deals in play" in text_of(app.drill_view)
    app.target.value = -1
    assert "Target per rep and quarter" in app.error_text()
    app.target.value = 300_000
    assert app.error_text() == ""


def test_a_bad_upload_names_rows_and_columns_in_the_pages_language():
    page = DashboardsApp(lang="zh-Hant")
    page.load_csv(BAD.read_bytes(), "bad.csv")
    msg = page.error_text()
    assert "第 4 行" in msg or "4" in msg
    assert "created" in msg and "amount" in msg and "Traceback" not in page.message.value
    assert page.deals.attrs["source"] == "sample"            # the last good data stays on screen
    good = SAMPLE_CSV.read_bytes()
    page.load_csv(good, "mine.csv")
    assert page.error_text() == "" and page.deals.attrs["source"] == "upload"
    assert page.source.value == "upload" and "mine.csv" in text_of(page.data_info)


def test_simulated_team_and_language_switch():
    page = DashboardsApp(lang="zh-Hans", source="simulated", seed=3)
    assert page.deals.attrs["source"] == "simulated" and page.error_text() == ""
    assert "数据看板" in page.title.value
    page.set_language("en")
    assert "Dashboards" in page.title.value and "The data" in page.root.children[4].children[0].value
    assert "Team:" in text_of(page.board_view)


def test_downloads_and_the_calibrated_scenario(app):
    app.prepare_downloads()
    kinds = re.findall(r'data-kind="([^"]+)"', app.downloads.value)
    assert kinds == ["deals", "board", "xlsx", "scenario"]
    b64 = re.search(r'data-kind="scenario"[^>]*href="data:application/x-yaml;charset=utf-8;base64,([^"]+)"',
                    app.downloads.value).group(1)
    sc = simlib.load_scenario(yaml.safe_load(base64.b64decode(b64).decode("utf-8")))
    assert [s.name for s in sc.funnel.stages] == ["lead", "opportunity", "proposal", "negotiation"]
    assert sc.funnel.stages[0].conversion == pytest.approx(0.5, abs=0.05)    # funnel_basics' 50 %


def test_hub_lists_the_dashboards():
    assert 'data-app="dashboards"' in Hub(lang="en").page.value
