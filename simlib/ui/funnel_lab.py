"""Funnel Lab (漏斗實驗室): move the funnel's and the team's sliders, see the simulated funnel beside the
analytic one, the weekly wins and revenue, each rep's utilization, the bottleneck in a sentence, the
reverse calculation for a target, and download what you made (COURSE.md §2).

In a notebook served by Voilà::

    from simlib.ui.funnel_lab import FunnelLab
    FunnelLab.from_query("../scenarios/funnel_basics.yaml").show()

Without a browser (tests, scripts) the same object can be driven through its widgets::

    >>> lab = FunnelLab(lang="en")
    >>> lab.controls["leads.per_week"].value = 90
    >>> lab.result.scenario.leads.per_week
    90.0
    >>> lab.error_text()
    ''

No input shows a traceback: every callback is guarded, a :class:`simlib.ScenarioError` is shown in
the page's language in the message area, anything else as a short localised notice.
"""
from __future__ import annotations

import html
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as W

from simlib.analysis.simulation import simulate
from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.base.paths import scenarios_dir
from simlib.base.schema import ScenarioError
from simlib.core.funnel import bottleneck, expected, hours_per_win, required_leads
from simlib.core.results import SimResult
from simlib.core.scenario import Scenario, load_scenario
from simlib.ui import controls as C
from simlib.ui.base import AppBase, card, csv_link, data_link, guarded, row
from simlib.ui.figures import DEFAULT_RENDERER, Renderer, make_view
from simlib.viz import funnel as viz

__all__ = ["DEFAULT_SCENARIO", "FunnelLab", "bottleneck_sentence"]


DEFAULT_SCENARIO = scenarios_dir() / "funnel_basics.yaml"
FIGURES: dict[str, Callable[[SimResult, str], Any]] = {
    "funnel": viz.funnel_figure, "weekly": viz.weekly_figure, "utilization": viz.utilization_figure,
}


# -- text helpers -------------------------------------------------------------------------------------
def _count(v: float, digits: int = 0) -> str:
    return number(v, digits=digits, fixed=True)


def _pct(v: float, digits: int = 0) -> str:
    return percent(v, digits=digits, fixed=True)


def _ceil(v: float) -> str:
    """Whole deals needed: rounded up (a tolerance keeps 50.000000001 at 50)."""
    return "—" if v is None or not math.isfinite(v) else f"{math.ceil(v - 1e-9):,}"


def bottleneck_sentence(sc: Scenario, summary: dict, lang: str) -> str:
    """One sentence naming what limits wins: the team's hours (capacity) or a stage's conversion.

    Uses :func:`simlib.bottleneck` (the funnel on paper) and the run's utilization: when reps are
    busy 95 % of their hours or more, deals queue, and capacity is the bottleneck even if on paper
    the hours suffice.
    """
    e = expected(sc)
    if e["leads"] <= 0:
        return t("ui.bottleneck.no_leads", lang)
    b = bottleneck(sc)
    labels = {s.name: s.display(lang) for s in sc.funnel.stages}
    sim_util = float(summary.get("utilization", 0.0))
    if (b["kind"] == "capacity" or sim_util >= 0.95) and e["hours_demanded"] > 0:
        hours = {s.name: e["stages"][s.name] * s.work_hours for s in sc.funnel.stages}
        heaviest = max(hours, key=hours.get)
        return t("ui.bottleneck.capacity", lang, sim_util=_pct(sim_util), demand=_pct(e["utilization"]),
                 stage=labels[heaviest], share=_pct(hours[heaviest] / sum(hours.values())))
    if b["conversion"] >= 1:
        return t("ui.bottleneck.clear", lang, sim_util=_pct(sim_util))
    return t("ui.bottleneck.conversion", lang, sim_util=_pct(sim_util), stage=labels[b["narrowest"]],
             conversion=_pct(b["conversion"]))


class FunnelLab(AppBase):
    """The Funnel Lab app: widgets, the current scenario and result, and the callbacks between them.

    Args:
        scenario: a scenario (path, dict or :class:`simlib.Scenario`); the funnel-basics drill by default.
        lang: the page's language (``zh-Hant``, ``zh-Hans`` or ``en``).
        seed: the first run's seed.
        target_won: the reverse calculation's target wins (default: the analytic wins, rounded).
        renderer: ``"widget"`` (FigureWidget updated in place) or ``"output"`` (redrawn in an Output).

    Attributes:
        controls: ``{path: slider}`` — scenario paths, plus ``"seed"`` and ``"target_won"``.
        scenario, result: what the page shows now (the last valid run).
        figures: ``{"funnel" | "weekly" | "utilization": FigureView}``; ``view.figure`` is the plotly figure.
        root: the top widget.

    The page frame (title, language switch, message area, guarded callbacks, ``from_query``, ``show``)
    comes from :class:`~simlib.ui.base.AppBase`.
    """

    KEY = "funnel_lab"

    def __init__(self, scenario: Scenario | dict | str | Path | None = None, lang: str = "zh-Hant", *,
                 seed: int = 7, target_won: int | None = None, renderer: Renderer = DEFAULT_RENDERER):
        self.base = load_scenario(scenario if scenario is not None else DEFAULT_SCENARIO)
        super().__init__(lang)
        self.scenario: Scenario = self.base
        self.result: SimResult | None = None
        self.controls: dict[str, W.Widget] = {}
        if target_won is None:
            target_won = max(1, round(expected(self.base)["won"]))
        self._build(seed, int(target_won), renderer)
        self.run()

    # -- building -------------------------------------------------------------------------------------
    def _slider(self, control: C.Control, value: float, path: str | None = None, **params) -> W.Widget:
        w = C.build_slider(control, value, self.lang, **params)
        self.controls[path or control.path_for(**params)] = w
        return self._label(w, control.label, **params)

    def _build(self, seed: int, target_won: int, renderer: Renderer) -> None:
        sc = self.base

        # controls column
        col: list[W.Widget] = [self._text("ui.section.leads"), self._slider(C.LEADS, sc.leads.per_week),
                               self._text("ui.section.stages")]
        for i, stage in enumerate(sc.funnel.stages):
            head = W.HTML()

            def relabel(lang: str, head=head, stage=stage) -> None:
                head.value = f'<div class="sdw-stage">{html.escape(stage.display(lang))}</div>'
            self._relabel(relabel)
            col += [head, self._slider(C.STAGE_CONVERSION, stage.conversion, i=i),
                    self._slider(C.STAGE_WORK_HOURS, stage.work_hours, i=i)]
        col += [self._text("ui.section.team"),
                self._slider(C.REPS, len(sc.team.reps)),
                self._slider(C.HOURS_PER_WEEK, sc.team.hours_per_week),
                self._text("ui.section.run"),
                self._slider(C.HORIZON, sc.horizon_weeks),
                self._slider(C.SEED, seed, path="seed")]
        for w in self.controls.values():
            w.observe(self._on_control, names="value")
        controls = W.VBox(col, layout=W.Layout(width="430px", min_width="340px", padding="0 1em 0 0"))
        controls.add_class("sdw-controls")

        # results column
        self.headline = W.HTML()
        self.headline.add_class("sdw-headline")
        self.bottleneck = W.HTML()
        self.bottleneck.add_class("sdw-bottleneck-box")
        self.figures = {name: make_view(name, renderer) for name in FIGURES}
        target = self._slider(C.TARGET_WON, target_won, path="target_won")
        target.observe(self._on_target, names="value")
        self.reverse = W.HTML()
        self.reverse.add_class("sdw-reverse")
        self.export_button = W.Button(icon="download", layout=W.Layout(width="auto"))
        self.export_button.add_class("sdw-export")
        self._label(self.export_button, "ui.export.prepare")
        self.export_button.on_click(self._on_export)
        self.downloads = W.HTML()
        self.downloads.add_class("sdw-links")

        results = W.VBox([
            row(card(self._text("ui.section.headline"), self.headline),
                card(self._text("ui.section.bottleneck"), self.bottleneck)),
            row(card(self.figures["funnel"].widget), card(self.figures["weekly"].widget)),
            row(card(self.figures["utilization"].widget),
                card(self._text("ui.section.reverse"), target, self.reverse)),
            row(card(self._text("ui.section.export"), W.HBox([self.export_button]), self.downloads)),
        ], layout=W.Layout(flex="1 1 auto", min_width="0"))
        self._finish_page(W.HBox([controls, results], layout=W.Layout(width="100%", align_items="flex-start")))

    # -- the model: slider values -> scenario -> result -------------------------------------------------
    def changes(self) -> dict[str, Any]:
        """``{dotted path: value}`` for every scenario control that differs from the base scenario."""
        base = self.base
        now = {"leads.per_week": base.leads.per_week, "team.reps": len(base.team.reps),
               "team.hours_per_week": base.team.hours_per_week, "horizon_weeks": base.horizon_weeks}
        for i, s in enumerate(base.funnel.stages):
            now[f"funnel.stages[{i}].conversion"] = s.conversion
            now[f"funnel.stages[{i}].work_hours"] = s.work_hours
        out = {}
        for path, old in now.items():
            w = self.controls.get(path)
            if w is not None and w.value != old:
                out[path] = w.value
        return out

    @property
    def seed(self) -> int:
        return int(self.controls["seed"].value)

    @guarded("run")
    def run(self) -> None:
        """Rebuild the scenario from the sliders, simulate it and redraw everything."""
        changes = self.changes()
        sc = self.base.with_changes(changes) if changes else self.base
        res = simulate(sc, seed=self.seed)
        self.scenario, self.result = sc, res
        self._render_results()

    def _on_control(self, change: dict) -> None:
        self.run()

    def _on_target(self, change: dict) -> None:
        self._update_reverse()

    @guarded("reverse")
    def _update_reverse(self) -> None:
        self._render_reverse()

    @guarded("export")
    def _on_export(self, button: W.Button | None = None) -> None:
        self.prepare_downloads()

    def _on_language(self) -> None:
        if self.result is not None:
            self._render_results()

    # -- views -------------------------------------------------------------------------------------------
    def _render_intro(self, lang: str) -> None:
        desc = self.base.description
        if isinstance(desc, dict):
            desc = desc.get(lang) or desc.get("zh-Hant") or next(iter(desc.values()), "")
        parts = [t("app.funnel_lab.blurb", lang)] + ([desc] if desc else [])
        self._intro.value = "".join(f'<p class="sdw-muted">{html.escape(p)}</p>' for p in parts)

    def _render_results(self) -> None:
        lang, res = self.lang, self.result
        for name, view in self.figures.items():  # the charts first: they are what the eye follows
            view.show(FIGURES[name](res, lang))
        self._render_headline()
        self.bottleneck.value = (f'<div class="sdw-bottleneck" data-kind="bottleneck">'
                                 f'{html.escape(bottleneck_sentence(res.scenario, res.summary(), lang))}</div>')
        self._update_reverse()
        self.downloads.value = f'<span class="sdw-muted">{html.escape(t("ui.export.hint", lang))}</span>'

    def _render_headline(self) -> None:
        lang, sc = self.lang, self.result.scenario
        s, e = self.result.summary(), expected(sc)
        analytic_rate = math.prod(st.conversion for st in sc.funnel.stages)
        rows = [
            ("leads", _count(s["leads"]), _count(e["leads"])),
            ("won", _count(s["won"]), _count(e["won"], 1)),
            ("won_capacity", "", _count(e["won_capacity_limited"], 1)),
            ("win_rate", _pct(s["win_rate"], 1), _pct(analytic_rate, 1)),
            ("revenue", money(s["revenue"], lang), money(e["revenue"], lang)),
            ("utilization", _pct(s["utilization"]), _pct(e["utilization"])),
        ]
        head = (f'<tr><th></th><th>{html.escape(t("ui.kpi.simulated", lang))}</th>'
                f'<th>{html.escape(t("ui.kpi.analytic", lang))}</th></tr>')
        body = "".join(
            f'<tr data-kpi="{k}"><th>{html.escape(t(f"ui.kpi.{k}", lang))}</th>'
            f'<td data-kpi="{k}-sim">{sim}</td><td data-kpi="{k}-analytic">{ana}</td></tr>'
            for k, sim, ana in rows)
        note = html.escape(t("ui.kpi.note", lang))
        self.headline.value = (f'<table class="sdw-table sdw-kpi">{head}{body}</table>'
                               f'<div class="sdw-muted">{note}</div>')

    def _render_reverse(self) -> None:
        lang, sc = self.lang, self.scenario
        won = int(self.controls["target_won"].value)
        try:
            # no wins need no deals (the library answers ∞ when a stage converts 0 %)
            need = required_leads(sc, won=won) if won > 0 else {n: 0.0 for n in sc.stage_names}
        except ScenarioError:
            self.reverse.value = '<div class="sdw-muted">—</div>'
            raise
        head = (f'<tr><th>{html.escape(t("ui.reverse.stage", lang))}</th>'
                f'<th>{html.escape(t("ui.reverse.need", lang))}</th></tr>')
        body = "".join(f'<tr data-stage="{html.escape(s.name)}"><th>{html.escape(s.display(lang))}</th>'
                       f'<td>{_ceil(need[s.name])}</td></tr>' for s in sc.funnel.stages)
        first = need[sc.stage_names[0]]
        weeks = sc.horizon_weeks
        hours = hours_per_win(sc) * won if won else 0.0
        available = sum(sc.team.hours()) * weeks
        lines = [t("ui.reverse.intro", lang, won=won),
                 t("ui.reverse.leads", lang, leads=_ceil(first), per_week=_count(first / weeks, 1),
                   weeks=weeks, current=_count(sc.leads.per_week)),
                 t("ui.reverse.hours", lang, hours=_count(hours), available=_count(available), weeks=weeks)]
        self.reverse.value = (f'<div>{html.escape(lines[0])}</div><table class="sdw-table">{head}{body}</table>'
                              + "".join(f'<div class="sdw-muted">{html.escape(x)}</div>' for x in lines[1:]))

    def prepare_downloads(self) -> None:
        """Fill the export panel with links: the deals and weekly tables as CSV, the scenario as YAML."""
        lang, res = self.lang, self.result
        stem = f"funnel_lab_seed{res.seed}"
        links = [
            csv_link(t("ui.export.deals_csv", lang), f"{stem}_deals.csv", res.deals, "deals"),
            csv_link(t("ui.export.weekly_csv", lang), f"{stem}_weekly.csv", res.weekly(), "weekly"),
            data_link(t("ui.export.scenario_yaml", lang), "funnel_lab_scenario.yaml", "application/x-yaml",
                      self.scenario.to_yaml(), "scenario"),
        ]
        self.downloads.value = " ".join(links)
