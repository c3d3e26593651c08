"""The trainer console's panels once a workshop is open (CONTRACT §5): the open round and who has submitted, closing
and publishing it with a progress bar, the leaderboard and its charts, the replay of a round, the downloads.

:class:`BoardPanels` is the console's base (:class:`simlib.ui.workshop_trainer.TrainerConsole`): it holds the
trainer's handle (``self.trainer``) and builds these panels with :meth:`_build_board`. Everything shown is the
handle's: :meth:`~simlib.workshop.Trainer.status`, :meth:`~simlib.workshop.Trainer.close_round` (its
``progress`` drives the bar), :meth:`~simlib.workshop.Trainer.leaderboard`,
:meth:`~simlib.workshop.Trainer.results`, :meth:`~simlib.workshop.Trainer.replay` and
:func:`simlib.workshop.debrief.debrief_tables` (as one Excel workbook). The charts download as PNG, drawn by
kaleido with the machine's chromium (``make app`` installs both), else together as one HTML file that opens
offline (plotly.js inside).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd
import plotly.io as pio

from simlib.base.fmt import number
from simlib.base.i18n import t
from simlib.ui.base import AppBase, card, data_link, esc, row, xlsx_link
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.ui.workshop_common import CSS, Notice, Poller, attempt, due_text, metric_table
from simlib.viz.workshop import CHART_METRICS, rounds_figure, score_figure
from simlib.workshop.debrief import debrief_tables
from simlib.workshop.spec import label

__all__ = ["BOARD_SHOWN", "POLL_SECONDS", "BoardPanels", "chart_pngs", "has_kaleido"]

log = logging.getLogger(__name__)

#: how often an open console reads the round's submissions again by itself
POLL_SECONDS = 4.0

#: the leaderboard's columns on the page (the Excel file has them all)
BOARD_SHOWN = ("rank", "team", "score", "gross_profit", "revenue", "attainment", "share", "fairness", "nps", "turnover")
FIGURES = (*CHART_METRICS, "score")


def has_kaleido() -> bool:
    """Whether kaleido is installed (it also needs a chromium to draw with: :func:`chart_pngs`)."""
    return importlib.util.find_spec("kaleido") is not None


def chart_pngs(figures: dict[str, Any]) -> dict[str, bytes] | None:
    """Each figure as PNG bytes, drawn in one kaleido session (about 1 s a chart), or None when kaleido
    cannot draw here (no chromium: the reason goes to the server's log)."""
    if not figures:
        return {}
    with tempfile.TemporaryDirectory() as folder:
        paths = [os.path.join(folder, f"{i}.png") for i in range(len(figures))]
        try:
            pio.write_images(list(figures.values()), paths, format="png", scale=2)
        except Exception:
            log.warning("PNG export failed; the charts are offered as HTML instead", exc_info=True)
            return None
        return {name: Path(p).read_bytes() for name, p in zip(figures, paths, strict=True)}


class BoardPanels(AppBase):
    """The console's panels after "create / open" (see the module's docstring)."""

    EXTRA_CSS = CSS

    def __init__(self, lang: str = "zh-Hant", *, renderer: Renderer = DEFAULT_RENDERER):
        super().__init__(lang)
        self.trainer = None
        self.status: dict | None = None
        self.board = pd.DataFrame()
        self.results = pd.DataFrame()
        self.last_close_seconds: float | None = None
        self.figures = {name: make_view(f"workshop_{name}", renderer) for name in FIGURES}
        self.poller = Poller(self.refresh, POLL_SECONDS)

    def _build_board(self) -> W.Widget:
        self.status_view = W.HTML()
        self.status_view.add_class("sdw-round-status")
        self.refresh_button = W.Button(icon="refresh", layout=W.Layout(width="auto"))
        self.refresh_button.add_class("sdw-refresh")
        self._label(self.refresh_button, "workshop_pages.refresh")
        self.refresh_button.on_click(lambda b: self.refresh())
        self.close_button = W.Button(icon="flag-checkered", button_style="danger", layout=W.Layout(width="auto"))
        self.close_button.add_class("sdw-close-round")
        self._label(self.close_button, "workshop_pages.round.close")
        self.close_button.on_click(lambda b: self.close_round())
        self.progress = W.IntProgress(value=0, min=0, max=1, layout=W.Layout(width="100%", visibility="hidden"))
        self.progress.add_class("sdw-progress")
        self.round_notice = Notice("sdw-round-notice")
        self.board_view = W.HTML()
        self.board_view.add_class("sdw-leaderboard")
        self.replay_round = W.Dropdown(options=[], layout=W.Layout(width="16em"), style={"description_width": "6em"})
        self.replay_round.add_class("sdw-replay-round")
        self._label(self.replay_round, "workshop_pages.replay.round")
        self.replay_button = W.Button(icon="repeat", layout=W.Layout(width="auto"))
        self.replay_button.add_class("sdw-replay")
        self._label(self.replay_button, "workshop_pages.replay.button")
        self.replay_button.on_click(lambda b: self.replay())
        self.replay_notice = Notice("sdw-replay-notice")
        self.export_button = W.Button(icon="download", layout=W.Layout(width="auto"))
        self.export_button.add_class("sdw-export")
        self._label(self.export_button, "workshop_pages.export.button")
        self.export_button.on_click(lambda b: self.prepare_downloads())
        self.export_notice = Notice("sdw-export-notice")
        self.downloads = W.HTML()
        self.downloads.add_class("sdw-links")
        for n in (self.round_notice, self.replay_notice, self.export_notice):
            self._relabel(n.render)
        f = self.figures
        self.share_row = row(card(f["share"].widget))      # a shared market's only
        self.board_box = W.VBox([
            self._text("workshop_pages.round.title", "h3", "sdw-section"),
            row(card(self.status_view, self._text("workshop_pages.refresh_note", "p", "sdw-muted"),
                     W.HBox([self.refresh_button, self.close_button]), self.progress, self.round_notice.widget)),
            self._text("workshop_pages.board.title", "h3", "sdw-section"), self.board_view,
            row(card(f["score"].widget), card(f["revenue"].widget)),
            row(card(f["gross_profit"].widget), card(f["attainment"].widget)),
            self.share_row,
            self._text("workshop_pages.replay.title", "h3", "sdw-section"),
            self._text("workshop_pages.replay.explain", "p", "sdw-muted"),
            W.HBox([self.replay_round, self.replay_button]), self.replay_notice.widget,
            self._text("workshop_pages.export.title", "h3", "sdw-section"),
            W.HBox([self.export_button]), self.export_notice.widget, self.downloads,
        ], layout=W.Layout(display="none"))
        return self.board_box

    # -- the round ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the round's status again: which teams have submitted."""
        if self.trainer is None:
            return

        def act() -> None:
            self.status = self.trainer.status()
        if attempt(self, self.round_notice, act):
            self._render_status()

    def _render_status(self) -> None:
        s, lang = self.status, self.lang
        if s is None:
            return
        if s["round"] > s["rounds"]:
            text = esc(t("workshop_pages.round.finished", lang, rounds=s["rounds"]))
            self.close_button.disabled = True
        else:
            text = esc(t("workshop_pages.round.status", lang, round=s["round"], rounds=s["rounds"],
                         submitted=len(s["submitted"]), teams=len(s["teams"])))
            names = {"submitted": ", ".join(s["submitted"]) or "—", "waiting": ", ".join(s["waiting"]) or "—"}
            text += "".join(f'<br><span class="sdw-{k}">{esc(t(f"workshop_pages.round.{k}", lang, names=v))}</span>'
                            for k, v in names.items())
            due = due_text(s.get("deadline"), lang)
            text += f'<br><span class="sdw-due">{esc(due)}</span>' if due else ""
            self.close_button.disabled = False
        self.status_view.value = f'<p data-submitted="{len(s["submitted"])}">{text}</p>'

    def close_round(self) -> bool:
        """Close the open round, run it for every team (the bar advances team by team) and publish it."""
        if self.trainer is None:
            return False
        teams = len(self.trainer.workshop.teams)
        self.progress.max, self.progress.value = teams, 0
        self.progress.layout.visibility = "visible"
        self.progress_seen: list[int] = []

        def progress(done: int, total: int) -> None:
            self.progress.max, self.progress.value = total, done
            self.progress_seen.append(done)
        out: dict = {}

        def act() -> None:
            start = time.perf_counter()
            out["round"] = self.trainer.workshop.round
            self.trainer.close_round(progress=progress)
            self.last_close_seconds = time.perf_counter() - start
        self.round_notice.clear()
        try:
            ok = attempt(self, self.round_notice, act)
        finally:
            self.progress.layout.visibility = "hidden"
        if ok:
            self.round_notice.ok("workshop_pages.round.closed", round=out["round"],
                                 seconds=number(self.last_close_seconds, digits=1))
            self.round_notice.render(self.lang)
        self.refresh()
        self.render_results()
        return ok

    # -- results -----------------------------------------------------------------------------------------
    def render_results(self) -> None:
        """Read the published rounds again and redraw the leaderboard, its charts and the replay's rounds."""
        if self.trainer is None:
            return

        def act() -> None:
            self.board = self.trainer.leaderboard()
            self.results = self.trainer.results("team")
        if attempt(self, self.round_notice, act):
            self._draw_results()

    def _draw_results(self) -> None:
        lang = self.lang
        if not len(self.results):
            self.board_view.value = f'<p class="sdw-muted">{esc(t("workshop_pages.board.empty", lang))}</p>'
        else:
            cols = [c for c in BOARD_SHOWN if c in self.board.columns]
            self.board_view.value = metric_table(self.board, cols, lang, "sdw-board-table")
        ws = self.trainer.workshop
        teams = ws.teams
        self.share_row.layout.display = None if ws.spec.settings.market == "shared" else "none"
        for m in CHART_METRICS:
            self.figures[m].show(rounds_figure(self.results, m, lang, teams))
        self.figures["score"].show(score_figure(self.board, lang))
        rounds = sorted({int(r) for r in self.results["round"]}) if len(self.results) else []
        value = self.replay_round.value
        self.replay_round.options = [(t("workshop_pages.replay.option", lang, round=r), r) for r in rounds]
        if rounds:
            self.replay_round.value = value if value in rounds else rounds[-1]
        self.replay_button.disabled = not rounds

    def replay(self, round_no: int | None = None) -> bool:
        """Re-run a published round from the stored decisions and say whether every number is identical."""
        if self.trainer is None:
            return False
        r = int(round_no if round_no is not None else self.replay_round.value or 0)
        self.replay_notice.clear()
        out: dict = {}

        def act() -> None:
            try:
                self.trainer.replay(r)
                out["same"] = True
            except RuntimeError:        # the round did not replay identically (it never should)
                out["same"] = False
        if not attempt(self, self.replay_notice, act):
            return False
        self.replay_notice.ok("workshop_pages.replay.identical" if out["same"] else "workshop_pages.replay.differs",
                              round=r)
        self.replay_notice.render(self.lang)
        return out["same"]

    # -- downloads ---------------------------------------------------------------------------------------
    def prepare_downloads(self) -> None:
        """Links: the debrief as one Excel workbook (decisions, results, reps, leaderboard), then the charts —
        each as PNG (kaleido and a chromium), else all of them in one HTML file that opens offline."""
        if self.trainer is None:
            return
        self.export_notice.clear()
        self.export_notice.ok("workshop_pages.export.preparing")
        self.export_notice.render(self.lang)
        self.downloads.value = ""
        links: list[str] = []

        def act() -> None:
            lang, ws = self.lang, self.trainer.workshop
            stem = f"workshop_{ws.id}"
            links.append(xlsx_link(t("workshop_pages.export.xlsx", lang), f"{stem}_debrief.xlsx",
                                   debrief_tables(self.trainer), "xlsx"))
            shared = ws.spec.settings.market == "shared"
            figs = {n: v.figure for n, v in self.figures.items() if v.figure is not None and (shared or n != "share")}
            pngs = chart_pngs(figs) if has_kaleido() else None
            if pngs is not None:
                for n, png in pngs.items():
                    links.append(data_link(t("workshop_pages.export.png", lang, chart=self._chart_name(n, lang)),
                                           f"{stem}_{n}.png", "image/png", png, f"png-{n}"))
                self.export_notice.ok("workshop_pages.export.as_png")
            else:
                parts = [pio.to_html(fig, full_html=False, include_plotlyjs=(i == 0))
                         for i, fig in enumerate(figs.values())]
                page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{esc(stem)}</title></head>'
                        f'<body>{"".join(parts)}</body></html>')
                links.append(data_link(t("workshop_pages.export.html", lang), f"{stem}_charts.html", "text/html",
                                       page, "html"))
                self.export_notice.ok("workshop_pages.export.as_html")
        attempt(self, self.export_notice, act)
        self.downloads.value = " ".join(links)

    @staticmethod
    def _chart_name(name: str, lang: str) -> str:
        return label("metric", name, lang)

    def _on_language(self) -> None:
        if self.trainer is not None:
            self._render_status()
            self._draw_results()
            self.downloads.value = ""
