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

import base64
import functools
import html
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as W

from .. import bottleneck, expected, hours_per_win, required_leads, simulate, viz
from ..i18n import normalize_lang, t
from ..results import SimResult
from ..scenario import Scenario, ScenarioError, load_scenario
from . import controls as C
from .figures import DEFAULT_RENDERER, FigureView, Renderer, make_view
from .lang import LanguageSwitch, lang_from_query, query_string

__all__ = ["DEFAULT_SCENARIO", "FunnelLab", "bottleneck_sentence"]

log = logging.getLogger(__name__)

DEFAULT_SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "funnel_basics.yaml"
FIGURES: dict[str, Callable[[SimResult, str], Any]] = {
    "funnel": viz.funnel_figure, "weekly": viz.weekly_figure, "utilization": viz.utilization_figure,
}

CSS = """<style>
.sdw-app { font-family: "Noto Sans CJK TC", "Noto Sans CJK SC", system-ui, sans-serif; }
.sdw-app h2.sdw-title { margin: 0.2em 0 0.1em 0; font-size: 1.6em; }
.sdw-app h4 { margin: 0.8em 0 0.2em 0; font-size: 1.05em; }
.sdw-app .sdw-muted { color: #555; }
.sdw-app .sdw-stage { font-weight: 600; margin: 0.6em 0 0 0; }
.sdw-app .sdw-error { background: #fdecea; color: #8a1c12; border: 1px solid #f5c2bd;
  border-radius: 4px; padding: 0.5em 0.8em; margin: 0.3em 0; white-space: pre-line; }
.sdw-app table.sdw-table { border-collapse: collapse; margin: 0.2em 0 0.4em 0; }
.sdw-app table.sdw-table th, .sdw-app table.sdw-table td { padding: 0.25em 0.8em;
  border-bottom: 1px solid #e3e3e3; text-align: right; }
.sdw-app table.sdw-table th:first-child { text-align: left; }
.sdw-app .sdw-bottleneck { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.5em 0.8em; }
.sdw-app .sdw-links a { margin-right: 1.2em; }
</style>"""


# -- text helpers -------------------------------------------------------------------------------------
def _count(v: float, digits: int = 0) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:,.{digits}f}"


def _ceil(v: float) -> str:
    """Whole deals needed: rounded up (a tolerance keeps 50.000000001 at 50)."""
    return "—" if v is None or not math.isfinite(v) else f"{math.ceil(v - 1e-9):,}"


def _pct(v: float, digits: int = 0) -> str:
    return "—" if v is None or not math.isfinite(v) else f"{v:.{digits}%}"


def _money(v: float, lang: str) -> str:
    return "—" if not math.isfinite(v) else t("ui.unit.yuan", lang, value=f"{v:,.0f}")


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


def _guarded(area: str):
    """Run a callback so that nothing escapes: errors go to the message area, in the page's language."""
    def deco(fn):
        @functools.wraps(fn)
        def wrapper(self: FunnelLab, *args, **kwargs):
            try:
                fn(self, *args, **kwargs)
            except ScenarioError as exc:
                self._errors[area] = exc
            except Exception as exc:
                log.info("Funnel Lab: %s failed", fn.__name__, exc_info=True)
                self.last_exception = exc
                self._errors[area] = exc
            else:
                self._errors[area] = None
            self._render_message()
        return wrapper
    return deco


def _data_link(text: str, filename: str, mime: str, content: str, kind: str) -> str:
    payload = base64.b64encode(content.encode("utf-8")).decode("ascii")
    return (f'<a class="sdw-download" data-kind="{kind}" download="{html.escape(filename)}" '
            f'href="data:{mime};charset=utf-8;base64,{payload}">⬇ {html.escape(text)}</a>')


class FunnelLab:
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
    """

    def __init__(self, scenario: Scenario | dict | str | Path | None = None, lang: str = "zh-Hant", *,
                 seed: int = 7, target_won: int | None = None, renderer: Renderer = DEFAULT_RENDERER):
        self.lang = normalize_lang(lang)
        self.base = load_scenario(scenario if scenario is not None else DEFAULT_SCENARIO)
        self.scenario: Scenario = self.base
        self.result: SimResult | None = None
        self.last_exception: Exception | None = None
        self._errors: dict[str, Exception | None] = {}
        self._relabelers: list[Callable[[str], None]] = []
        self.controls: dict[str, W.Widget] = {}
        if target_won is None:
            target_won = max(1, round(expected(self.base)["won"]))
        self._build(seed, int(target_won), renderer)
        self.run()

    @classmethod
    def from_query(cls, scenario: Scenario | dict | str | Path | None = None, **kwargs) -> FunnelLab:
        """The app in the language the page's URL asks for (``?lang=en``), zh-Hant by default.

        ``?renderer=output`` picks the other way of redrawing figures (for benchmarks).
        """
        query = query_string()
        renderer = parse_qs(query).get("renderer", [None])[-1]
        if renderer in ("widget", "output"):
            kwargs.setdefault("renderer", renderer)
        return cls(scenario, lang=lang_from_query(query), **kwargs)

    def show(self) -> None:
        """Display the app (the notebook's one output)."""
        from IPython.display import display
        for view in self.figures.values():
            view.sync()
        display(self.root)

    def _ipython_display_(self) -> None:
        self.show()

    # -- building -------------------------------------------------------------------------------------
    def _text(self, key: str, tag: str = "h4", cls: str = "", **params) -> W.HTML:
        """An HTML widget showing catalog ``key`` in ``tag``, relabelled when the language changes."""
        w = W.HTML()
        attr = f' class="{cls}"' if cls else ""

        def relabel(lang: str) -> None:
            w.value = f"<{tag}{attr}>{html.escape(t(key, lang, **params))}</{tag}>"
        relabel(self.lang)
        self._relabelers.append(relabel)
        return w

    def _slider(self, control: C.Control, value: float, path: str | None = None, **params) -> W.Widget:
        w = C.build_slider(control, value, self.lang, **params)
        self.controls[path or control.path_for(**params)] = w

        def relabel(lang: str) -> None:
            w.description = t(control.label, lang, **params)
        self._relabelers.append(relabel)
        return w

    def _build(self, seed: int, target_won: int, renderer: Renderer) -> None:
        sc = self.base
        self.switch = LanguageSwitch(self.lang, self.set_language)
        self._relabelers.append(self.switch.relabel)
        title = self._text("app.funnel_lab.title", "h2", "sdw-title")
        self._intro = W.HTML()
        self._relabelers.append(self._render_intro)
        self.message = W.HTML(layout=W.Layout(width="100%"))
        self.message.add_class("sdw-message")

        # controls column
        col: list[W.Widget] = [self._text("ui.section.leads"), self._slider(C.LEADS, sc.leads.per_week),
                               self._text("ui.section.stages")]
        for i, stage in enumerate(sc.funnel.stages):
            head = W.HTML()

            def relabel(lang: str, head=head, stage=stage) -> None:
                head.value = f'<div class="sdw-stage">{html.escape(stage.display(lang))}</div>'
            relabel(self.lang)
            self._relabelers.append(relabel)
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
        self.figures: dict[str, FigureView] = {name: make_view(name, renderer) for name in FIGURES}
        target = self._slider(C.TARGET_WON, target_won, path="target_won")
        target.observe(self._on_target, names="value")
        self.reverse = W.HTML()
        self.reverse.add_class("sdw-reverse")
        self.export_button = W.Button(icon="download", layout=W.Layout(width="auto"))
        self.export_button.add_class("sdw-export")
        self._relabelers.append(lambda lang: setattr(self.export_button, "description",
                                                     t("ui.export.prepare", lang)))
        self.export_button.on_click(self._on_export)
        self.downloads = W.HTML()
        self.downloads.add_class("sdw-links")

        def card(*children: W.Widget, basis: str = "440px") -> W.VBox:
            return W.VBox(list(children), layout=W.Layout(flex=f"1 1 {basis}", min_width="0", margin="0 0.5em"))

        def row(*children: W.Widget) -> W.Box:
            return W.Box(list(children), layout=W.Layout(display="flex", flex_flow="row wrap", width="100%"))

        results = W.VBox([
            row(card(self._text("ui.section.headline"), self.headline),
                card(self._text("ui.section.bottleneck"), self.bottleneck)),
            row(card(self.figures["funnel"].widget), card(self.figures["weekly"].widget)),
            row(card(self.figures["utilization"].widget),
                card(self._text("ui.section.reverse"), target, self.reverse)),
            row(card(self._text("ui.section.export"), W.HBox([self.export_button]), self.downloads)),
        ], layout=W.Layout(flex="1 1 auto", min_width="0"))
        header = W.HBox([title, self.switch.widget],
                        layout=W.Layout(justify_content="space-between", align_items="center", flex_flow="row wrap"))
        self.root = W.VBox([W.HTML(CSS), header, self._intro, self.message,
                            W.HBox([controls, results], layout=W.Layout(width="100%", align_items="flex-start"))],
                           layout=W.Layout(width="100%"))
        self.root.add_class("sdw-app")
        for relabel in self._relabelers:
            relabel(self.lang)

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

    @_guarded("run")
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

    @_guarded("reverse")
    def _update_reverse(self) -> None:
        self._render_reverse()

    @_guarded("export")
    def _on_export(self, button: W.Button | None = None) -> None:
        self.prepare_downloads()

    @_guarded("language")
    def set_language(self, lang: str) -> None:
        """Relabel every control, panel and figure in ``lang`` (from the switch, or directly)."""
        self.lang = normalize_lang(lang)
        if self.switch.value != self.lang:
            self.switch.value = self.lang  # calls back here once more, harmlessly
        for relabel in self._relabelers:
            relabel(self.lang)
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
            ("revenue", _money(s["revenue"], lang), _money(e["revenue"], lang)),
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
        bom = "\ufeff"  # so spreadsheet programs read the UTF-8 text as such
        links = [
            _data_link(t("ui.export.deals_csv", lang), f"{stem}_deals.csv", "text/csv",
                       bom + res.deals.to_csv(index=False), "deals"),
            _data_link(t("ui.export.weekly_csv", lang), f"{stem}_weekly.csv", "text/csv",
                       bom + res.weekly().to_csv(index=False), "weekly"),
            _data_link(t("ui.export.scenario_yaml", lang), "funnel_lab_scenario.yaml", "application/x-yaml",
                       self.scenario.to_yaml(), "scenario"),
        ]
        self.downloads.value = " ".join(links)

    def error_text(self) -> str:
        """The message area's text, in the page's language ('' when all is well)."""
        msgs = []
        for exc in self._errors.values():
            if isinstance(exc, ScenarioError):
                msgs.append(exc.message(self.lang))
            elif exc is not None:
                msgs.append(t("ui.error.unexpected", self.lang, kind=type(exc).__name__))
        return "\n".join(msgs)

    def _render_message(self) -> None:
        text = self.error_text()
        self.message.value = f'<div class="sdw-error" role="alert">{html.escape(text)}</div>' if text else ""
