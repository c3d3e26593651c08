"""The workshop's pages without a browser: a trainer console and three team pages on one SQLite database."""
from __future__ import annotations

import asyncio
import base64
import io
import re
from html import unescape
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from simlib.ui.hub import Hub
from simlib.ui.serve import CHROMIUM
from simlib.ui.workshop_board import has_kaleido
from simlib.ui.workshop_team import TeamPage
from simlib.ui.workshop_trainer import TrainerConsole, workshop_files
from simlib.workshop import Workshop
from simlib.workshop.access import MAX_FAILURES


def text_of(widget) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", widget.value))


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/workshops.sqlite"
    monkeypatch.setenv("SDW_DB", url)          # the pages use $SDW_DB when given no database
    return url


@pytest.fixture
def console(db):
    c = TrainerConsole(lang="en")
    c.c_file.value = next(f for f in workshop_files() if f.endswith("b2b_quarter.yaml"))
    c.c_teams.value = "紅隊\nBlue, Green"
    c.c_rounds.value, c.c_seed.value = 2, 7
    assert c.create(), c.create_notice.text("en")
    return c


def joined(console, team: str, lang: str = "en") -> TeamPage:
    page = TeamPage(lang=lang, workshop_id=console.workshop.id)
    page.display_name.value = f"{team} lead"
    assert page.join(console.secrets["codes"][team]), page.join_notice.text("en")
    return page


def test_the_console_starts_at_create_or_open_and_touches_no_database(tmp_path, monkeypatch):
    monkeypatch.setenv("SDW_DB", f"sqlite:///{tmp_path}/never.sqlite")
    c = TrainerConsole(lang="en")
    assert c.workshop is None and c.board_box.layout.display == "none"
    assert [o[0] for o in c.c_file.options] == ["b2b_quarter.yaml", "retail_channel.yaml"]
    assert c.c_rounds.value == 4 and c.c_market.value == "parallel" and c.c_demand.value == "growing"
    assert c.c_weights["gross_profit"].value == 0.4 and c.c_weights["nps"].value == 0.2
    assert not (tmp_path / "never.sqlite").exists()
    p = TeamPage(lang="en")
    assert p.team is None and p.team_box.layout.display == "none" and p.error_text() == ""


def test_create_shows_the_key_and_codes_once_with_qr_codes(console, db):
    ws, secrets = console.workshop, console.secrets
    assert ws.teams == ["紅隊", "Blue", "Green"] and ws.rounds == 2 and ws.seed == 7
    html = console.secrets_view.value
    assert "shown only this once" in text_of(console.secrets_view)
    assert secrets["key"] in html and ws.id in html
    for code in secrets["codes"].values():
        assert code in html and re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert len(re.findall(r'<img class="sdw-qr"[^>]*src="data:image/svg\+xml', html)) == 3
    assert f"ws={ws.id}" in console.team_link("X") and "code=X" in console.team_link("X")
    # the key works from any process, the codes join their teams
    assert Workshop.open(db, ws.id).as_trainer(secrets["key"]).status()["round"] == 1
    console.hide_secrets()
    assert console.secrets is None and secrets["key"] not in console.secrets_view.value
    assert console.secrets_box.layout.display == "none"


def test_a_bad_setting_is_named_beside_the_create_form(db):
    c = TrainerConsole(lang="en")
    c.c_teams.value = "A\nA"
    assert not c.create()
    assert "teams" in c.create_notice.text("en") and "same name" in c.create_notice.text("en")
    c.c_teams.value = "A\nB"
    c.c_budget.value = -5
    assert not c.create()
    assert "settings.budget" in c.create_notice.text("en") and c.workshop is None


def test_a_round_from_submissions_to_the_leaderboard(console):
    pages = {t: joined(console, t) for t in console.workshop.teams}
    red, blue, green = pages["紅隊"], pages["Blue"], pages["Green"]
    assert "round 1 of 2" in text_of(red.header_view)
    assert len(re.findall(r'<tr data-rep=', red.situation_view.value)) == 8   # the file's eight reps
    # 紅隊 submits the template; Blue changes the plan and hires; Green types a bad target
    assert red.submit() == 1 and red.submit() == 2          # a resubmission is a new version
    assert "version 2 of round 1" in red.submit_notice.text("en")
    assert "by 紅隊 lead" in red.submit_notice.text("en")
    blue.f_plan.value = "linear"
    blue.f_hires.value = 2
    assert "¥60,000" in text_of(blue.cost_view)            # two hires at 30,000 each (the file's costs.hire)
    assert blue.submit() == 1
    green.f_target.value = 0
    assert green.submit() is None
    assert "decisions.target" in green.submit_notice.text("en")
    assert green.submit_notice.text("en").startswith("decisions.target must be greater than 0")
    assert green.submit_notice.text("zh-Hant").startswith("decisions.target 必須大於 0")
    assert 'role="alert"' in green.submit_notice.widget.value
    stored = Workshop.open(None, console.workshop.id).store.latest_of(console.workshop.id, "Blue", 1)
    assert stored["plan"] == "linear" and stored["hires"] == 2
    # the console counts the submissions (on Refresh), closes the round with a progress bar
    console.refresh()
    assert 'data-submitted="2"' in console.status_view.value and "Still deciding: Green" in text_of(console.status_view)
    assert console.close_round(), console.round_notice.text("en")
    assert console.progress_seen == [1, 2, 3] and console.progress.max == 3
    assert "Round 1 closed and published" in console.round_notice.text("en")
    assert "Round 2 of 2 is open" in text_of(console.status_view)
    # the leaderboard: one row per team, ranked; the charts a line per team
    board = console.board
    assert sorted(board["team"]) == sorted(pages) and list(board["rank"]) == [1, 2, 3]
    assert set(re.findall(r'<tr data-team="([^"]+)"', console.board_view.value)) == set(pages)
    assert [tr.name for tr in console.figures["revenue"].figure.data] == ["紅隊", "Blue", "Green"]
    assert console.figures["share"].figure.layout.title.text.endswith("no values in this market")
    # each team sees its own row only, once published
    for name, page in pages.items():
        page.refresh()
        assert set(page.results["team"]) == {name} and len(page.results) == 1
        assert set(re.findall(r'<tr data-team="([^"]+)"', page.results_view.value)) == {name}
        assert "round 2 of 2" in text_of(page.header_view)
        assert page.figures["team"].figure.data[1].y == (float(page.results["revenue"].iloc[0]),)
    rows = console.results.set_index("team")
    # Blue's two hires are charged in its results (hiring cost at least 2 × 30,000); 紅隊 and Green hired none
    assert rows.loc["Blue", "hiring_cost"] >= 60_000 and rows.loc["Blue", "headcount"] == 10
    assert rows.loc["紅隊", "headcount"] == 8
    # same decisions, same world: Green kept the template (it never submitted a valid one), as 紅隊 did
    assert rows.loc["Green", "revenue"] == rows.loc["紅隊", "revenue"]
    # replay says identical
    assert console.replay(1) and "identical" in console.replay_notice.text("en")


def test_downloads_hold_the_debrief_and_the_charts(console):
    page = joined(console, "Blue")
    page.submit()
    console.close_round()
    console.prepare_downloads()
    kinds = re.findall(r'data-kind="([^"]+)"', console.downloads.value)
    if Path(CHROMIUM).exists() and has_kaleido():        # make app and make test install both
        assert kinds == ["xlsx", "png-revenue", "png-gross_profit", "png-attainment", "png-score"]   # no share:
        assert console.share_row.layout.display == "none"                                      # parallel market
        png = re.search(r'data-kind="png-score"[^>]*href="data:image/png;base64,([^"]+)"', console.downloads.value)
        assert base64.b64decode(png.group(1))[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert kinds == ["xlsx", "html"]
    payload = re.search(r'data-kind="xlsx"[^>]*href="data:[^;]+;base64,([^"]+)"', console.downloads.value).group(1)
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload)))
    assert book.sheetnames == ["decisions", "results", "reps", "leaderboard"]
    results = pd.read_excel(io.BytesIO(base64.b64decode(payload)), sheet_name="results")
    assert len(results) == 3 and set(results["team"]) == {"紅隊", "Blue", "Green"}
    assert "HTML" in console.export_notice.text("en") or "PNG" in console.export_notice.text("en")


def test_charts_come_as_html_when_png_cannot_be_drawn(console, monkeypatch, caplog):
    import plotly.io as pio

    def no_browser(*args, **kwargs):
        raise RuntimeError("no chromium here")
    monkeypatch.setattr(pio, "write_images", no_browser)
    page = joined(console, "Blue")
    page.submit()
    console.close_round()
    console.prepare_downloads()
    assert re.findall(r'data-kind="([^"]+)"', console.downloads.value) == ["xlsx", "html"]
    assert "HTML" in console.export_notice.text("en") and console.export_notice.error is None
    assert "PNG export failed" in caplog.text


def test_a_wrong_code_is_refused_in_the_pages_language_and_slowed_down(console):
    page = TeamPage(lang="zh-Hant", workshop_id=console.workshop.id)
    assert not page.join("AAAA-AAAA-AAAA")
    assert page.join_notice.text("zh-Hant") != "" and "Traceback" not in page.join_notice.widget.value
    assert page.join_notice.text("en").startswith("That code or key is not right")
    assert page.team is None and page.last_exception is None
    for _ in range(MAX_FAILURES - 1):
        page.join("AAAA-AAAA-AAAA")
    # now even the right code is refused from this page, for a minute
    assert not page.join(console.secrets["codes"]["Blue"])
    assert "Too many wrong codes" in page.join_notice.text("en")
    page.set_language("en")
    assert "Too many wrong codes" in text_of(page.join_notice.widget)
    # another page (another client) is not slowed down
    assert TeamPage(lang="en", workshop_id=console.workshop.id).join(console.secrets["codes"]["Blue"])
    # an unknown workshop says so
    lost = TeamPage(lang="en", workshop_id="no-such-workshop")
    assert not lost.join("AAAA-AAAA-AAAA") and "no such workshop" in lost.join_notice.text("en")


def test_the_console_opens_an_existing_workshop_with_its_key(console):
    other = TrainerConsole(lang="en")
    assert not other.open(console.workshop.id, "wrong key")
    assert other.open_notice.text("en").startswith("That code or key is not right") and other.workshop is None
    assert other.open(console.workshop.id, console.secrets["key"])
    assert other.secrets is None and other.o_key.value == ""        # the key is not kept in the form
    assert "Round 1 of 2 is open: 0 of 3" in text_of(other.status_view)


def test_over_budget_is_shown_beside_the_form(db):
    c = TrainerConsole(lang="en")
    c.c_teams.value = "A"
    c.c_budget.value = 300_000
    assert c.create()
    page = joined(c, "A")
    assert "Within the trainer's budget" in text_of(page.cost_view)
    page.f_managers.value = 3                                 # 3 × 45,000 more
    assert "decisions: this round's choices cost" in page.cost_notice.text("en")
    assert page.submit() is None and "more than the budget of 300,000" in page.submit_notice.text("en")


def test_language_switch_relabels_both_pages(console):
    page = joined(console, "Blue")
    console.set_language("zh-Hant")
    assert "講師控制台" in console.title.value and console.close_button.description == "結束本輪並公布"
    assert "第 1 輪（共 2 輪）開放中" in text_of(console.status_view)
    assert "只顯示這一次" in text_of(console.secrets_view)
    console.set_language("zh-Hans")
    assert "讲师控制台" in console.title.value and console.refresh_button.description == "刷新"
    page.set_language("zh-Hant")
    assert page.f_target.description == "季度目標（元）" and page.submit_button.description == "提交"
    assert dict(page.f_focus.options)["均衡"] == "balanced"
    assert "本輪決策" in page.form_title.value and "<th>業務員</th>" in page.situation_view.value
    assert "Blue 組 · 第 1 輪（共 2 輪）開放中" in text_of(page.header_view)
    page.set_language("en")
    assert page.f_target.description == "Quarter target (yuan)" and page.error_text() == ""


def test_the_hub_lists_both_workshop_pages():
    html = Hub(lang="en").page.value
    assert 'data-module="workshop"' in html
    assert 'data-app="workshop_trainer"' in html and 'data-app="workshop_team"' in html
    assert "Workshop: trainer console" in html and "workshop/team.ipynb?lang=en" in html


def test_a_typed_split_starts_from_the_method_and_must_add_up(console):
    page = joined(console, "Blue")
    by_method = dict(page._quotas)
    assert sum(by_method.values()) == page.f_target.value and "張經理" in text_of(page.quota_view)
    page.f_split.value = "__custom__"
    assert {k: w.value for k, w in page.split_inputs.items()} == {k: round(v) for k, v in by_method.items()}
    assert page.split_sum.value.count('data-diff="0"') == 1 and page.cost_notice.error is None
    page.split_inputs["李明"].value += 5000
    assert 'data-diff="5000"' in page.split_sum.value
    assert "decisions.split" in page.cost_notice.text("en") and "2,005,000" in page.cost_notice.text("en")
    page.f_hires.value = 1                      # a hire gets a box of its own, empty until typed
    assert list(page.split_inputs)[-1] == "H1-1" and page.split_inputs["H1-1"].value == 0
    assert "H1-1" in page.cost_notice.text("en")
    page.split_inputs["H1-1"].value = 95000
    page.split_inputs["王芳"].value -= 100000
    assert page.cost_notice.error is None and page.submit() == 1
    again = joined(console, "Blue", "zh-Hant")  # the typed amounts come back on a new page
    assert again.f_split.value == "__custom__" and again.split_inputs["H1-1"].value == 95000
    assert "等於目標" in text_of(again.split_sum)


def test_an_edited_plan_is_priced_submitted_and_reloaded(console):
    page = joined(console, "Green")
    before = page._cost["pay"]
    page.f_edit_plan.value = True
    assert page.plan_editor.widget.layout.display is None
    assert [(a.value, b.value) for a, b in page.plan_editor.tiers.rows] == [(0.0, 2.0), (100.0, 3.0), (120.0, 4.0)]
    page.plan_editor.tiers.rows[0][1].value = 2.5           # 2.5 % below quota instead of 2 %
    assert page._cost["pay"] > before
    page.plan_editor.cap.value = 150
    page.plan_editor.tiers.rows[2][0].value = 90             # bands out of order: named, beside the form
    assert "decisions.plan.tiers" in page.cost_notice.text("en")
    page.plan_editor.tiers.rows[2][0].value = 130
    assert page.cost_notice.error is None and page.submit() == 1
    plan = page.team.template()["plan"]
    assert plan["based_on"] == "s1_tiered" and plan["tiers"][0]["rate"] == 0.025 and plan["cap"]["attainment"] == 1.5
    again = joined(console, "Green")
    assert again.f_edit_plan.value and again.plan_editor.cap.value == 150.0
    assert again.plan_editor.tiers.rows[2][0].value == 130.0
    again.f_plan.value = "linear"                            # another menu plan: the editor shows it
    assert [(a.value, b.value) for a, b in again.plan_editor.tiers.rows] == [(0.0, 3.0)]


def test_a_poller_calls_again_on_a_running_loop_and_survives_an_error(caplog):
    from simlib.ui.workshop_common import Poller
    seen: list[int] = []

    def fn():
        seen.append(1)
        if len(seen) == 2:
            raise RuntimeError("a database hiccup")

    async def main():
        p = Poller(fn, 0.01)
        assert p.start() and p.start() and p.running        # started once
        await asyncio.sleep(0.15)
        p.stop()
        return p
    p = asyncio.run(main())
    assert len(seen) >= 4 and not p.running and "a database hiccup" in caplog.text
    assert not Poller(fn, 1).start()                         # no loop here: nothing starts


def test_a_team_page_reads_again_only_when_the_round_moves_on(console, monkeypatch):
    page = joined(console, "Blue")
    calls: list[int] = []
    real = page.refresh
    monkeypatch.setattr(page, "refresh", lambda: calls.append(1) or real())
    page.poll()
    page.submit()
    page.poll()
    assert calls == []                                       # a form being filled in is left alone
    console.close_round()
    page.poll()
    assert calls == [1] and page.round == 2 and len(page.results) == 1
    page.poll()
    assert calls == [1]


def test_both_pages_say_when_the_decisions_are_due(db):
    c = TrainerConsole(lang="en")
    c.c_deadline.value = 15
    assert c.create(), c.create_notice.text("en")
    assert "Decisions are due in 15 min." in text_of(c.status_view)
    page = TeamPage(lang="zh-Hant", workshop_id=c.workshop.id)
    page.join(c.secrets["codes"]["A"])
    assert "距離決策截止還有 15 分鐘" in text_of(page.due_view)
    page.deadline = pd.Timestamp.now(tz="UTC") - pd.Timedelta(minutes=4)    # as if four minutes late
    page.poll()
    assert "已超過截止時間 4 分鐘" in text_of(page.due_view)
