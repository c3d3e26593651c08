"""A workshop as a class runs it, in real pages: a trainer and three teams, each in its own browser context
(its own cookies and kernel, as on four laptops), round after round. Used by test_workshop_*.py, one file a
language so that pytest-xdist runs them side by side.

Nothing here reads the database: the trainer starts from the hub, reads the join links off the console as a
class would scan them, the teams join by those links, and every number checked is one a page shows. The pages
follow the workshop by themselves (their pollers): no test presses Refresh.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from .conftest import RENDER_TIMEOUT_MS, assert_clean

HUB = "voila/render/index.ipynb"


@dataclass
class Words:
    """What a language's pages say, as the test looks for it."""
    lang: str
    teams: tuple[str, str, str]
    console_title: str
    created: str            # in the create notice
    status: str             # "{submitted} of {teams}" as the status line writes it, with {n}
    closed: str             # the round's notice, with {round}
    submitted: str          # the team's confirmation, with {version}
    identical: str
    team_header: str        # with {round}


ZH = Words("zh-Hant", ("紅隊", "藍隊", "綠隊"), "講師控制台", "已創建", "3 組中已有 {n} 組提交",
           "第 {round} 輪已結束並公布", "第 {version} 版", "完全相同", "第 {round} 輪")
EN = Words("en", ("Red", "Blue", "Green"), "trainer console", "created", "{n} of 3 teams have submitted",
           "Round {round} closed and published", "version {version}", "identical", "round {round} of")


def new_page(browser, artifacts, name: str):
    context = browser.new_context(viewport={"width": 1300, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.page_errors = []
    page.on("pageerror", lambda exc: page.page_errors.append(str(exc)))
    page.shot = lambda tag: page.screenshot(path=str(artifacts / f"workshop_{name}_{tag}.png"), full_page=True)
    return page


def start_from_hub(page, base: str, w: Words, rounds: int) -> dict[str, str]:
    """The trainer opens the hub, follows its workshop link, creates a workshop; returns {team: join link}."""
    page.goto(f"{base}{HUB}?lang={w.lang}")
    link = page.locator('a[href*="workshop/trainer.ipynb"]').first
    link.wait_for()
    link.click()
    page.wait_for_url(re.compile(r"workshop/trainer\.ipynb"))
    page.locator("button.sdw-create").wait_for()
    assert page.get_by_text(w.console_title).first.is_visible()
    page.locator(".sdw-create-teams textarea").fill("\n".join(w.teams))
    rounds_box = page.locator(".sdw-create-rounds input")
    rounds_box.fill(str(rounds))
    rounds_box.press("Enter")
    page.locator("button.sdw-create").click()
    page.locator(".sdw-create-notice .sdw-ok", has_text=w.created).wait_for()
    page.locator(".sdw-secrets table.sdw-codes").wait_for()
    links = {}
    for team in w.teams:
        row = page.locator(f'table.sdw-codes tr[data-team="{team}"]')
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", row.locator("code.sdw-join-code").inner_text())
        assert row.locator("img.sdw-qr").count() == 1
        links[team] = urljoin(page.url, row.locator("a").get_attribute("href"))
    page.shot("codes")
    page.locator("button.sdw-hide-secrets").click()          # "I have noted them"
    page.locator(".sdw-secrets table.sdw-codes").wait_for(state="detached")
    return links


def join(page, link: str, w: Words, team: str) -> None:
    """A team member opens the QR code's link, types a name and joins."""
    page.goto(link)
    page.locator("button.sdw-join").wait_for()
    page.locator(".sdw-display-name input").fill(f"{team} lead")
    page.locator("button.sdw-join").click()
    page.locator(".sdw-team-header", has_text=w.team_header.format(round=1)).wait_for()
    assert not page.locator("button.sdw-join").is_visible()            # joined: the form is put away
    page.locator(".sdw-cost table.sdw-cost-table").wait_for()


def decide(page, k: int, round_no: int) -> None:
    """Each team decides differently: the first keeps its decisions, the second raises its target, the third
    edits its pay plan (a higher rate above quota) in round 1 and changes its reps' focus after."""
    if k == 1:
        box = page.locator(".sdw-field-target input")
        box.fill(str(2_000_000 + 200_000 * round_no))
        box.press("Enter")
    elif k == 2 and round_no == 1:
        page.locator(".sdw-field-edit-plan input[type=checkbox]").check()
        rate = page.locator(".sdw-plan-tiers-value input").nth(1)
        rate.wait_for()
        rate.fill("4.5")
        rate.press("Enter")
    elif k == 2:
        page.locator(".sdw-field-focus select").select_option(index=2)


def submit(page, w: Words, version: int) -> None:
    page.locator("button.sdw-submit").click()
    page.locator(".sdw-submit-notice .sdw-ok", has_text=w.submitted.format(version=version)).wait_for()


def run_workshop(browser, base: str, artifacts, w: Words, rounds: int) -> None:
    trainer = new_page(browser, artifacts, f"{w.lang}_trainer")
    links = start_from_hub(trainer, base, w, rounds)
    teams = []
    for team in w.teams:
        page = new_page(browser, artifacts, f"{w.lang}_{team}")
        join(page, links[team], w, team)
        teams.append(page)
    for r in range(1, rounds + 1):
        for k, page in enumerate(teams):
            page.locator(".sdw-team-header", has_text=w.team_header.format(round=r)).wait_for()
            decide(page, k, r)
            submit(page, w, 1)
        submit(teams[0], w, 2)                               # a resubmission: the latest version counts
        # the console counts the teams by itself, then the trainer closes the round
        trainer.locator(".sdw-round-status", has_text=w.status.format(n=3)).wait_for()
        trainer.locator("button.sdw-close-round").click()
        trainer.locator(".sdw-round-notice .sdw-ok", has_text=w.closed.format(round=r)).wait_for()
        board = trainer.locator(".sdw-leaderboard table.sdw-board-table tr[data-team]")
        board.first.wait_for()
        assert sorted(board.evaluate_all("rows => rows.map(r => r.dataset.team)")) == sorted(w.teams)
        for k, page in enumerate(teams):                     # each team sees its own row for the round, by itself
            mine = page.locator(".sdw-results table.sdw-team-results tr[data-team]")
            page.wait_for_function(
                "n => document.querySelectorAll('.sdw-results table.sdw-team-results tr[data-team]').length === n", arg=r)
            assert set(mine.evaluate_all("rows => rows.map(r => r.dataset.team)")) == {w.teams[k]}
            body = page.locator("body").inner_text()
            assert not any(other in body for other in w.teams if other != w.teams[k]), "another team's name shows"
    for page in teams:
        page.shot("end")
        assert_clean(page)
    # the trainer replays round 1 and takes the debrief home
    trainer.locator(".sdw-replay-round select").select_option(index=0)
    trainer.locator("button.sdw-replay").click()
    notice = trainer.locator(".sdw-replay-notice .sdw-ok", has_text=w.identical)
    notice.wait_for()
    assert "1" in notice.inner_text()
    trainer.locator("button.sdw-export").click()
    xlsx = trainer.locator("a.sdw-download[data-kind=xlsx]")
    xlsx.wait_for()
    with trainer.expect_download() as got:
        xlsx.click()
    assert got.value.suggested_filename.endswith("_debrief.xlsx")
    assert trainer.locator("a.sdw-download[data-kind^=png]").count() == 4     # no market share: parallel
    trainer.shot("end")
    assert_clean(trainer)
    for page in (trainer, *teams):
        page.context.close()
