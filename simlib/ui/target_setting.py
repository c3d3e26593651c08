"""Target Setting (目標設定): split a year's target over time and over a product × region (× customer) matrix,
allocate a team target to reps by each method, check a written target against SMART with "achievable"
judged by simulation, and apply the adjustment rule (COURSE.md §1).

In a notebook served by Voilà::

    from simlib.ui.target_setting import TargetSetting
    TargetSetting.from_query().show()

Without a browser the same object is driven through its widgets; every number on the page comes from
:mod:`simlib.formulas.targets`, :mod:`simlib.formulas.seasonality` and :mod:`simlib.formulas.smart`::

    >>> app = TargetSetting(lang="en", simulate_now=False)
    >>> app.annual.value = 12_000_000
    >>> sum(app.split.attrs["quarters"].values()), int(app.matrix["target"].sum())
    (12000000, 12000000)
    >>> app.shares["region"]["east"].value = 45          # the regions now add up to 110 %
    >>> "dims.Region" in app.error_text()
    True

No input shows a traceback (see :class:`~simlib.ui.base.AppBase`): shares that do not add up to 100 %
are reported by name in the page's language, never fixed silently.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from simlib.analysis.simulation import replicate
from simlib.base.fmt import money, number, percent
from simlib.base.i18n import catalog, t
from simlib.base.paths import scenarios_dir
from simlib.base.schema import Issue, ScenarioError
from simlib.core.scenario import Scenario, load_scenario
from simlib.formulas.seasonality import SEASONALITY_PRESETS, split_time
from simlib.formulas.smart import ACHIEVABLE_AT, TOO_EASY_ABOVE, SmartReport, smart_check, wilson_interval
from simlib.formulas.targets import (
    ALLOCATION_METHODS,
    allocation_table,
    clamp_adjustment,
    needs_adjustment,
    split_matrix,
)
from simlib.ui.base import SectionedApp, card, esc, guarded, row
from simlib.ui.figures import Renderer, make_view
from simlib.viz import targets as VT

__all__ = ["ADJUST_PRESETS", "DEFAULT_SCENARIO", "DIMENSIONS", "TargetSetting"]

DEFAULT_SCENARIO = scenarios_dir() / "target_setting.yaml"
YEARS = tuple(range(2024, 2031))
UNITS = (1, 100, 1_000, 10_000)
LEVELS = ("quarter", "month", "week")
#: S1's example shares, in percent (COURSE.md §1): product × region × customer type
DIMENSIONS: dict[str, dict[str, float]] = {
    "product": {"core": 60, "new": 30, "accessories": 10},
    "region": {"east": 35, "south": 25, "north": 20, "other": 20},
    "customer": {"key": 50, "smb": 30, "new": 20},
}
REP_FIELDS = ("history", "skill", "tenure_months", "potential", "bottom_up")
#: each rep's own commitment for next year (the bottom-up side, S3); reps not named commit their history
COMMITMENTS = {"王芳": 900_000, "李偉": 780_000, "張敏": 650_000, "劉洋": 620_000, "陳靜": 540_000,
               "楊磊": 470_000, "趙婷": 300_000, "黃強": 200_000}
HORIZONS = {"quarter": 13, "half": 26, "year": 52}
METRICS = ("revenue", "won")
#: the thresholds :func:`simlib.formulas.smart.smart_check` judges "achievable" by (tests keep them in step)
#: monthly attainment (actual ÷ target) of twelve months, to try the adjustment rule on (S1)
ADJUST_PRESETS: dict[str, list[float]] = {
    "three_short": [0.98, 0.90, 0.62, 0.65, 0.60, 0.66, 0.72, 0.75, 0.80, 0.78, 0.82, 0.85],
    "one_bad": [1.02, 0.97, 0.55, 0.96, 1.03, 0.99, 1.01, 0.98, 1.04, 1.00, 0.97, 1.02],
    "near_miss": [0.95, 0.72, 0.75, 0.71, 0.74, 0.80, 0.85, 0.90, 0.92, 0.95, 0.97, 1.00],
    "running_hot": [1.10, 1.20, 1.40, 1.35, 1.50, 1.42, 1.38, 1.30, 1.25, 1.20, 1.15, 1.10],
    "on_track": [1.02, 0.95, 1.05, 0.98, 1.03, 0.97, 1.00, 1.04, 0.96, 1.01, 0.99, 1.02],
}
CUSTOM = "custom"
ADJUST_MONTHS, ADJUST_THRESHOLD, ADJUST_LIMIT = 3, 0.30, 0.20

EXTRA_CSS = """
.sdw-app h3.sdw-section { border-top: 2px solid #dfe6ee; padding-top: 0.7em; margin: 1.3em 0 0.1em 0;
  font-size: 1.3em; }
.sdw-app p.sdw-explain { color: #444; margin: 0 0 0.5em 0; }
.sdw-app .sdw-ok { color: #1e7b34; font-weight: 600; }
.sdw-app .sdw-bad { color: #b3261e; font-weight: 600; }
.sdw-app .sdw-unknown { color: #7a6400; font-weight: 600; }
.sdw-app table.sdw-table tr.sdw-total td, .sdw-app table.sdw-table tr.sdw-total th { border-top: 2px solid #9aa7b4;
  font-weight: 600; }
.sdw-app table.sdw-table td.sdw-off { background: #fdecea; }
.sdw-app ul.sdw-checks { list-style: none; padding-left: 0; margin: 0.3em 0; }
.sdw-app ul.sdw-checks li { margin: 0.1em 0; }
.sdw-app .sdw-grid .widget-text input { text-align: right; }
.sdw-app .sdw-cell { padding: 0.2em 0.3em; font-weight: 600; }
.sdw-app .sdw-verdict { background: #f3f7fb; border-left: 4px solid #1f6fb2; padding: 0.5em 0.8em; margin: 0.3em 0; }
.sdw-app .sdw-verdict.sdw-adjust { border-left-color: #c0392b; background: #fdf3f2; }
.sdw-app ul.sdw-hints { margin: 0.3em 0; padding-left: 1.2em; }
.sdw-app table.sdw-smart-report th { white-space: nowrap; }
"""


def _amount(v: float) -> float:
    """A money input as the library takes it: whole numbers as int (100000000.0 -> 100000000)."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _mark(ok: bool | None) -> str:
    """✓ / ✗ / ? as a coloured span."""
    if ok is None:
        return '<span class="sdw-unknown">?</span>'
    return '<span class="sdw-ok">✓</span>' if ok else '<span class="sdw-bad">✗</span>'


class TargetSetting(SectionedApp):
    """The Target Setting app: five sections, each a few inputs and what simlib makes of them.

    Args:
        scenario: the team (reps with history, skill, tenure, potential) and the funnel that the SMART
            checker simulates; ``scenarios/target_setting.yaml`` by default.
        lang: the page's language (``zh-Hant``, ``zh-Hans`` or ``en``).
        annual: the year's target (section 1, and the matrix of section 2).
        year: the calendar year of the split (seasonality follows its Spring Festival).
        team_target: the target section 3 allocates to the reps.
        smart_target: the numeric target the SMART checker simulates.
        smart_n, seed: replications and seed of the achievability simulation.
        simulate_now: run the achievability simulation once at start (otherwise on the button).
        renderer: ``"output"`` (default) or ``"widget"`` (see :mod:`simlib.ui.figures`). With five charts
            that change only when an input is edited, redrawing in an Output costs little, and it spares the
            page five FigureWidgets, each of which ships the 5 MB plotly.js bundle to the browser and
            must initialise within anywidget's 2 s limit (on a loaded machine some do not, and then stop
            updating). ``?renderer=widget`` picks the other.

    Attributes:
        split: :func:`simlib.formulas.targets.split_time` frame (one row per day; ``attrs`` quarters and months).
        matrix: :func:`simlib.formulas.targets.split_matrix` frame (localised dimension columns, ``share``, ``target``).
        allocation: :func:`simlib.formulas.targets.allocation_table` frame with the bottom-up gap.
        report: the :class:`simlib.formulas.smart.SmartReport` shown; ``achievability``: the last simulation.
        adjustment: ``{"needs", "attainment", "current", "proposed", "new"}`` of section 5.
        shares: ``{dimension: {member: input}}`` in percent; rep_inputs: ``{rep: {field: input}}``;
        adj_target, adj_actual: the twelve monthly inputs of section 5.
    """

    KEY = "target_setting"
    EXTRA_CSS = EXTRA_CSS
    UNEXPECTED_KEY = "target_setting.error.unexpected"

    def __init__(self, scenario: Scenario | dict | str | Path | None = None, lang: str = "zh-Hant", *,
                 annual: float = 100_000_000, year: int = 2026, team_target: float = 5_000_000,
                 smart_target: float = 1_320_000, smart_n: int = 200, seed: int = 0,
                 simulate_now: bool = True, renderer: Renderer = "output"):
        self.scenario = load_scenario(scenario if scenario is not None else DEFAULT_SCENARIO)
        super().__init__(lang)
        self.seed = int(seed)
        self.split: pd.DataFrame | None = None
        self.matrix: pd.DataFrame | None = None
        self.allocation: pd.DataFrame | None = None
        self.report: SmartReport | None = None
        self.achievability: dict | None = None
        self._sim_values: list[float] = []
        self._sim_key: tuple | None = None
        self.adjustment: dict | None = None
        self.figures = {name: make_view(name, renderer)
                        for name in ("split", "matrix", "allocation", "smart", "adjustment")}
        self._examples_lang = self.lang
        self._finish_page(
            self._build_split(annual, year),
            self._build_matrix(),
            self._build_allocation(team_target),
            self._build_smart(smart_target, smart_n),
            self._build_adjustment(),
            self._build_export(6),
        )
        self._ready = True
        self.update_split()          # also fills the matrix and the adjustment months
        self.update_allocation()
        self.update_smart()
        if simulate_now:
            self.simulate()

    # -- small builders ----------------------------------------------------------------------------------
    def _choice(self, cls: type, key: str, values: Sequence, label: Callable[[Any, str], str], value: Any,
                **kwargs) -> W.Widget:
        """A selection widget whose option labels and description follow the page's language."""
        w = cls(options=[(label(v, self.lang), v) for v in values], value=value,
                style={"description_width": "initial"}, **kwargs)

        def relabel(lang: str) -> None:
            with self._mute():
                current = w.value
                w.options = [(label(v, lang), v) for v in values]
                w.value = current
            if key:
                w.description = t(key, lang)
        self._relabel(relabel)
        return w

    def _number(self, key: str | None, value: float, cls: type = W.FloatText, width: str = "100%",
                **kwargs) -> W.Widget:
        w = cls(value=value, layout=W.Layout(width=width), style={"description_width": "initial"}, **kwargs)
        if key:
            self._label(w, key)
        return w

    def _cell(self, key: str | None = None, text: str = "", cls: str = "sdw-cell") -> W.HTML:
        w = W.HTML(f'<div class="{cls}">{esc(text)}</div>')
        if key:
            self._relabel(lambda lang: setattr(w, "value", f'<div class="{cls}">{esc(t(key, lang))}</div>'))
        return w

    # -- 1. time split ---------------------------------------------------------------------------------
    def _build_split(self, annual: float, year: int) -> W.Widget:
        self.annual = self._number("target_setting.split.annual", annual)
        self.annual.add_class("sdw-annual")
        self.year = self._choice(W.Dropdown, "target_setting.split.year", YEARS, lambda v, lang: str(v), year)
        self.preset = self._choice(W.Dropdown, "target_setting.split.preset", SEASONALITY_PRESETS,
                                   lambda v, lang: t(f"target_setting.preset.{v}", lang), "cn_retail",
                                   layout=W.Layout(width="100%"))
        self.preset.add_class("sdw-preset")
        self.unit = self._choice(W.Dropdown, "target_setting.split.unit", UNITS,
                                 lambda v, lang: money(v, lang), 10_000)
        self.year.add_class("sdw-year")
        self.unit.add_class("sdw-unit")
        self.level = self._choice(W.ToggleButtons, "", LEVELS, lambda v, lang: t(f"target_setting.level.{v}", lang),
                                  "month")
        self.level.add_class("sdw-level")
        for w in (self.annual, self.year, self.preset, self.unit):
            self._on(w, self.update_split)
        self._on(self.level, self._draw_split)
        self.split_view = W.HTML()
        self.split_view.add_class("sdw-split")
        inputs = W.VBox([self.annual, self.year, self.preset, self.unit], layout=W.Layout(max_width="30em"))
        return W.VBox([self._section(1, "split"),
                       row(card(inputs, self.split_view, basis="420px"),
                           card(self.level, self.figures["split"].widget, basis="520px"))])

    def update_split(self) -> None:
        """Split the annual target over time, then refresh what follows from it (matrix, adjustment months)."""
        self._update_split()
        self.update_matrix()
        if self.adj_preset.value != CUSTOM:
            self._apply_adjust_preset()
        self.update_adjustment()

    @guarded("split")
    def _update_split(self) -> None:
        """Split the annual target into quarters, months and days (weeks roll up) with the chosen calendar."""
        self._withdraw_downloads()
        self.split = None
        self.split_view.value = self._placeholder()
        unit = self.unit.value
        df = split_time(_amount(self.annual.value), int(self.year.value), self.preset.value, unit=(unit, unit, 1))
        self.split = df
        self._render_split()
        self._draw_split()

    def _render_split(self) -> None:
        lang, df = self.lang, self.split
        total = _amount(self.annual.value)
        quarters, months = df.attrs["quarters"], df.attrs["months"]
        weeks = VT.period_targets(df, "week")
        head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in (
            "target_setting.split.quarter", "target_setting.split.quarter_target", "target_setting.split.months",
            "target_setting.split.months_sum"))
        body = []
        for q, qt in quarters.items():
            ms = sorted(m for m in months if f"Q{(m - 1) // 3 + 1}" == q)
            parts = " + ".join(f'<span data-month="{m}">{esc(t(f"target_setting.month.{m}", lang))} '
                               f"{number(months[m], digits=0)}</span>" for m in ms)
            ok = sum(months[m] for m in ms) == qt
            body.append(f'<tr data-quarter="{q}"><th>{q}</th><td>{number(qt, digits=0)}</td>'
                        f'<td style="text-align:left">{parts}</td><td>{_mark(ok)}</td></tr>')
        body.append(f'<tr class="sdw-total"><th>{esc(t("target_setting.total", lang))}</th>'
                    f'<td data-total="quarters">{number(sum(quarters.values()), digits=0)}</td>'
                    f"<td></td><td></td></tr>")
        checks = [
            ("quarters", sum(quarters.values()) == total,
             t("target_setting.split.check_quarters", lang, sum=money(sum(quarters.values()), lang),
               total=money(total, lang))),
            ("months", sum(months.values()) == total,
             t("target_setting.split.check_months", lang, n=len(months), sum=money(sum(months.values()), lang))),
            ("weeks", int(weeks.sum()) == total,
             t("target_setting.split.check_weeks", lang, n=len(weeks), days=len(df),
               sum=money(weeks.sum(), lang))),
        ]
        items = "".join(f'<li data-check="{k}" data-ok="{str(ok).lower()}">{_mark(ok)} {esc(text)}</li>'
                        for k, ok, text in checks)
        self.split_view.value = (f'<table class="sdw-table sdw-quarters"><tr>{head}</tr>{"".join(body)}</table>'
                                 f'<ul class="sdw-checks">{items}</ul>'
                                 f'<div class="sdw-muted">{esc(t("target_setting.split.note", lang))}</div>')

    @guarded("split_chart")
    def _draw_split(self) -> None:
        if self.split is not None:
            self.figures["split"].show(VT.time_split_figure(self.split, self.level.value, self.lang))

    # -- 2. matrix ----------------------------------------------------------------------------------------
    def _dim_label(self, dim: str, lang: str | None = None) -> str:
        return t(f"target_setting.dim.{dim}", lang or self.lang)

    def _member_label(self, dim: str, member: str, lang: str | None = None) -> str:
        return t(f"target_setting.member.{dim}.{member}", lang or self.lang)

    def _build_matrix(self) -> W.Widget:
        self.shares: dict[str, dict[str, W.Widget]] = {}
        self.share_sums: dict[str, W.HTML] = {}
        editors = []
        for dim, members in DIMENSIONS.items():
            head = W.HTML()
            self._relabel(lambda lang, head=head, dim=dim: setattr(
                head, "value", f'<div class="sdw-stage">{esc(self._dim_label(dim, lang))} (%)</div>'))
            self.shares[dim] = {}
            boxes: list[W.Widget] = [head]
            for member, share in members.items():
                w = W.BoundedFloatText(value=share, min=0, max=100, step=1, layout=W.Layout(width="16em"),
                                       style={"description_width": "8.5em"})
                w.add_class(f"sdw-share-{dim}-{member}")
                self._relabel(lambda lang, w=w, dim=dim, member=member: setattr(
                    w, "description", self._member_label(dim, member, lang)))
                self._on(w, self.update_matrix)
                self.shares[dim][member] = w
                boxes.append(w)
            self.share_sums[dim] = W.HTML()
            self.share_sums[dim].add_class(f"sdw-sum-{dim}")
            boxes.append(self.share_sums[dim])
            editors.append(W.VBox(boxes, layout=W.Layout(margin="0 1.5em 0.5em 0")))
        self.use_customer = self._on(self._label(W.Checkbox(value=True, indent=False),
                                                 "target_setting.matrix.use_customer"), self.update_matrix)
        self.matrix_view = W.HTML()
        self.matrix_view.add_class("sdw-matrix")
        return W.VBox([self._section(2, "matrix"),
                       W.Box(editors, layout=W.Layout(display="flex", flex_flow="row wrap")),
                       self.use_customer,
                       row(card(self.matrix_view, basis="520px"), card(self.figures["matrix"].widget, basis="420px"))])

    def _dims(self) -> dict[str, dict[str, float]]:
        """``{dimension label: {member label: share}}`` as :func:`split_matrix` takes them (shares as fractions)."""
        used = [d for d in DIMENSIONS if d != "customer" or self.use_customer.value]
        return {self._dim_label(d): {self._member_label(d, m): w.value / 100 for m, w in self.shares[d].items()}
                for d in used}

    @guarded("matrix")
    def update_matrix(self) -> None:
        """Decompose the annual target over the matrix; shares that do not add up to 100 % are named."""
        self._withdraw_downloads()
        lang = self.lang
        for dim, inputs in self.shares.items():
            total = sum(w.value for w in inputs.values())
            ok = abs(total - 100) < 1e-7
            off = dim == "customer" and not self.use_customer.value
            for w in inputs.values():
                w.disabled = off
            text = t("target_setting.matrix.sum", lang, total=f"{total:g}%")
            self.share_sums[dim].value = (f'<div data-ok="{str(ok).lower()}">{_mark(None if off else ok)} '
                                          f"{esc(text)}</div>")
        self.matrix = None
        self.matrix_view.value = self._placeholder()
        m = split_matrix(_amount(self.annual.value), self._dims(), unit=self.unit.value)
        self.matrix = m
        self._render_matrix()

    def _render_matrix(self) -> None:
        lang, m = self.lang, self.matrix
        total = _amount(self.annual.value)
        rows_dim, cols_dim = self._dim_label("product"), self._dim_label("region")
        pivot = m.pivot_table(index=rows_dim, columns=cols_dim, values="target", aggfunc="sum", sort=False)
        tot = esc(t("target_setting.total", lang))
        head = (f"<tr><th>{esc(rows_dim)} \\ {esc(cols_dim)}</th>"
                + "".join(f"<th>{esc(c)}</th>" for c in pivot.columns) + f"<th>{tot}</th></tr>")
        body = "".join(
            f'<tr data-row="{esc(r)}"><th>{esc(r)}</th>'
            + "".join(f'<td data-col="{esc(c)}">{number(pivot.loc[r, c], digits=0)}</td>' for c in pivot.columns)
            + f'<td data-total="row">{number(pivot.loc[r].sum(), digits=0)}</td></tr>' for r in pivot.index)
        body += (f'<tr class="sdw-total"><th>{tot}</th>'
                 + "".join(f'<td data-total="col">{number(pivot[c].sum(), digits=0)}</td>' for c in pivot.columns)
                 + f'<td data-total="all">{number(m["target"].sum(), digits=0)}</td></tr>')
        extra = ""
        cust = self._dim_label("customer")
        if cust in m.columns:
            by = m.groupby(cust, sort=False)["target"].sum()
            extra = (f'<table class="sdw-table sdw-customer"><tr><th>{esc(cust)}</th>'
                     + "".join(f"<th>{esc(k)}</th>" for k in by.index) + f"</tr><tr><th>{tot}</th>"
                     + "".join(f"<td>{number(v, digits=0)}</td>" for v in by.values) + "</tr></table>")
        ok = m["target"].sum() == total
        check = t("target_setting.matrix.check", lang, n=len(m), sum=money(m["target"].sum(), lang),
                  total=money(total, lang))
        self.matrix_view.value = (f'<table class="sdw-table sdw-pivot">{head}{body}</table>{extra}'
                                  f'<ul class="sdw-checks"><li data-check="matrix" data-ok="{str(ok).lower()}">'
                                  f"{_mark(ok)} {esc(check)}</li></ul>"
                                  f'<div class="sdw-muted">{esc(t("target_setting.matrix.note", lang))}</div>')
        self.figures["matrix"].show(VT.matrix_figure(m, rows_dim, cols_dim, lang))

    # -- 3. allocation ------------------------------------------------------------------------------------
    def _build_allocation(self, team_target: float) -> W.Widget:
        self.team_target = self._on(self._number("target_setting.alloc.team_target", team_target,
                                                 width="24em"), self.update_allocation)
        self.team_target.add_class("sdw-team-target")
        bounds = {"history": (0, 1e10, 10_000), "skill": (0.1, 5, 0.05), "tenure_months": (0, 600, 1),
                  "potential": (0, 1e10, 10_000), "bottom_up": (0, 1e10, 10_000)}
        cells: list[W.Widget] = [self._cell("target_setting.alloc.rep")]
        cells += [self._cell(f"target_setting.alloc.field.{f}") for f in REP_FIELDS]
        self.rep_inputs: dict[str, dict[str, W.Widget]] = {}
        for rep in self.scenario.team.reps:
            history = rep.history[-1] if isinstance(rep.history, list) and rep.history else rep.history
            history = float(history) if isinstance(history, (int, float)) else 0.0
            values = {"history": history, "skill": rep.skill, "tenure_months": rep.tenure_months or 0,
                      "potential": rep.potential or 0, "bottom_up": COMMITMENTS.get(rep.name, history)}
            cells.append(self._cell(text=rep.name))
            self.rep_inputs[rep.name] = {}
            for f in REP_FIELDS:
                lo, hi, step = bounds[f]
                w = self._on(W.BoundedFloatText(value=float(values[f] or 0), min=lo, max=hi, step=step,
                                                layout=W.Layout(width="100%")), self.update_allocation)
                self.rep_inputs[rep.name][f] = w
                cells.append(w)
        grid = W.GridBox(cells, layout=W.Layout(grid_template_columns="4.5em repeat(5, minmax(6em, 8.5em))",
                                                grid_gap="2px 6px", width="auto"))
        grid.add_class("sdw-grid")
        grid.add_class("sdw-reps")
        self.gap_method = self._on(self._choice(W.Dropdown, "target_setting.alloc.gap_method", ALLOCATION_METHODS,
                                                lambda v, lang: t(f"target_setting.method.{v}", lang), "blend"),
                                   self._render_allocation_guarded)
        self.methods_note = W.HTML()
        self._relabel(self._render_methods_note)
        self.alloc_view = W.HTML()
        self.alloc_view.add_class("sdw-allocation")
        return W.VBox([self._section(3, "alloc"),
                       row(card(self.team_target, grid, self.methods_note, basis="600px"),
                           card(self.figures["allocation"].widget, basis="400px")),
                       row(card(self.gap_method, self.alloc_view, basis="700px"))])

    def _render_methods_note(self, lang: str) -> None:
        items = "".join(f"<li><b>{esc(t(f'target_setting.method.{m}', lang))}</b>: "
                        f"{esc(t(f'target_setting.method_explain.{m}', lang))}</li>" for m in ALLOCATION_METHODS)
        self.methods_note.value = f'<ul class="sdw-hints sdw-muted">{items}</ul>'

    def rep_records(self) -> tuple[list[dict], dict[str, float]]:
        """The rep table as :func:`simlib.formulas.targets.allocate` takes it, and the reps' own commitments."""
        recs, bottom_up = [], {}
        for name, inputs in self.rep_inputs.items():
            recs.append({"name": name, **{f: _amount(inputs[f].value) for f in REP_FIELDS if f != "bottom_up"}})
            bottom_up[name] = _amount(inputs["bottom_up"].value)
        return recs, bottom_up

    @guarded("allocation")
    def update_allocation(self) -> None:
        """Allocate the team target by every method side by side, with the gap to the reps' own commitments."""
        self._withdraw_downloads()
        self.allocation = None
        self.alloc_view.value = self._placeholder()
        recs, bottom_up = self.rep_records()
        self.allocation = allocation_table(_amount(self.team_target.value), recs, methods=ALLOCATION_METHODS,
                                           bottom_up=bottom_up)
        self._render_allocation()

    @guarded("allocation_view")
    def _render_allocation_guarded(self) -> None:
        if self.allocation is not None:
            self._render_allocation()

    def _render_allocation(self) -> None:
        lang, df = self.lang, self.allocation
        total = _amount(self.team_target.value)
        gm = self.gap_method.value
        labels = {m: t(f"target_setting.method.{m}", lang) for m in ALLOCATION_METHODS}
        head = (f'<tr><th>{esc(t("target_setting.alloc.rep", lang))}</th>'
                + "".join(f'<th data-method="{m}">{esc(labels[m])}</th>' for m in ALLOCATION_METHODS)
                + f'<th>{esc(t("target_setting.alloc.field.bottom_up", lang))}</th>'
                + f'<th>{esc(t("target_setting.alloc.gap", lang, method=labels[gm]))}</th></tr>')
        body = ""
        for _, r in df.iterrows():
            gap = r[f"gap_{gm}"]
            body += (f'<tr data-rep="{esc(r["rep"])}"><th>{esc(r["rep"])}</th>'
                     + "".join(f'<td data-method="{m}">{number(r[m], digits=0)}</td>' for m in ALLOCATION_METHODS)
                     + f'<td data-col="bottom_up">{number(r["bottom_up"], digits=0)}</td>'
                     + f'<td data-col="gap">{"+" if gap > 0 else ""}{number(gap, digits=0)}</td></tr>')
        sums = {m: df[m].sum() for m in ALLOCATION_METHODS}
        body += (f'<tr class="sdw-total"><th>{esc(t("target_setting.total", lang))}</th>'
                 + "".join(f'<td data-total="{m}">{number(sums[m], digits=0)} {_mark(sums[m] == total)}</td>'
                           for m in ALLOCATION_METHODS)
                 + f'<td data-total="bottom_up">{number(df["bottom_up"].sum(), digits=0)}</td>'
                 + f'<td data-total="gap">{number(df[f"gap_{gm}"].sum(), digits=0)}</td></tr>')
        bu = df["bottom_up"].sum()
        gap = total - bu
        key = "target_setting.alloc.summary_short" if gap > 0 else (
            "target_setting.alloc.summary_over" if gap < 0 else "target_setting.alloc.summary_equal")
        summary = t(key, lang, bottom_up=money(bu, lang), total=money(total, lang),
                    gap=money(abs(gap), lang), pct=percent(abs(gap) / total if total else math.nan, digits=1, fixed=True))
        widest = df.loc[df[f"gap_{gm}"].abs().idxmax()]
        worst = t("target_setting.alloc.widest", lang, method=labels[gm], rep=widest["rep"],
                  gap=("+" if widest[f"gap_{gm}"] > 0 else "−") + money(abs(widest[f"gap_{gm}"]), lang))
        self.alloc_view.value = (f'<table class="sdw-table sdw-alloc">{head}{body}</table>'
                                 f'<div class="sdw-verdict" data-kind="gap">{esc(summary)}</div>'
                                 f'<div class="sdw-muted">{esc(worst)}</div>')
        self.figures["allocation"].show(VT.allocation_figure(df, labels, lang))

    # -- 4. SMART ------------------------------------------------------------------------------------------
    def _build_smart(self, smart_target: float, smart_n: int) -> W.Widget:
        self.smart_text = W.Textarea(value=t("target_setting.smart.example", self.lang), rows=2,
                                     continuous_update=False, layout=W.Layout(width="100%"))
        self.smart_text.add_class("sdw-smart-text")
        self._label(self.smart_text, "target_setting.smart.placeholder", "placeholder")
        self.priorities = W.Text(value=t("target_setting.smart.priorities_example", self.lang),
                                 continuous_update=False, layout=W.Layout(width="100%"),
                                 style={"description_width": "initial"})
        self._label(self.priorities, "target_setting.smart.priorities")
        self._relabel(self._swap_examples, now=False)
        self.smart_target = self._number("target_setting.smart.target", smart_target, width="22em")
        self.smart_target.add_class("sdw-smart-target")
        self.smart_metric = self._choice(W.Dropdown, "target_setting.smart.metric", METRICS,
                                         lambda v, lang: t(f"target_setting.metric.{v}", lang), "revenue")
        self.smart_horizon = self._choice(W.Dropdown, "target_setting.smart.horizon", tuple(HORIZONS),
                                          lambda v, lang: t(f"target_setting.horizon.{v}", lang), "quarter")
        self.smart_n = self._label(W.IntSlider(value=smart_n, min=50, max=500, step=50, continuous_update=False,
                                               style={"description_width": "initial"}),
                                   "target_setting.smart.n")
        self.smart_button = W.Button(icon="play", button_style="primary", layout=W.Layout(width="auto"))
        self.smart_button.add_class("sdw-simulate")
        self._label(self.smart_button, "target_setting.smart.simulate")
        self.smart_button.on_click(lambda b: self.simulate())
        self.progress = W.IntProgress(value=0, min=0, max=smart_n, layout=W.Layout(width="14em", visibility="hidden"))
        self.progress.add_class("sdw-progress")
        self.progress_text = W.HTML()
        for w in (self.smart_text, self.priorities, self.smart_target, self.smart_metric, self.smart_horizon,
                  self.smart_n):
            self._on(w, self.update_smart)
        self.smart_view = W.HTML()
        self.smart_view.add_class("sdw-smart")
        sim_box = W.VBox([self.smart_target, self.smart_metric, self.smart_horizon, self.smart_n,
                          W.HBox([self.smart_button, self.progress, self.progress_text],
                                 layout=W.Layout(align_items="center"))])
        return W.VBox([self._section(4, "smart"), self.smart_text, self.priorities,
                       row(card(self.smart_view, basis="520px"),
                           card(sim_box, self.figures["smart"].widget, basis="440px"))])

    def _swap_examples(self, lang: str) -> None:
        """Untouched example texts follow the page's language; a trainee's own text is never replaced."""
        old = self._examples_lang
        with self._mute():
            for w, key in ((self.smart_text, "target_setting.smart.example"),
                           (self.priorities, "target_setting.smart.priorities_example")):
                if w.value == t(key, old):
                    w.value = t(key, lang)
        self._examples_lang = lang

    def _sim_inputs(self) -> tuple:
        return (_amount(self.smart_target.value), self.smart_metric.value, self.smart_horizon.value,
                int(self.smart_n.value), self.seed)

    def _sim_scenario(self) -> Scenario:
        weeks = HORIZONS[self.smart_horizon.value]
        return self.scenario if weeks == self.scenario.horizon_weeks else \
            self.scenario.with_changes({"horizon_weeks": weeks})

    @guarded("simulate")
    def simulate(self) -> None:
        """Simulate the team ``n`` times and count how often the numeric target is reached (Wilson 95 % CI).

        The same numbers as :func:`simlib.analysis.achievability.achievability`, computed through :func:`simlib.replicate` so the
        progress bar can follow the replications.
        """
        target, metric, _, n, seed = key = self._sim_inputs()
        if isinstance(target, bool) or not math.isfinite(target) or target < 0:
            raise ScenarioError([Issue(t("target_setting.smart.target", self.lang), "greater_than_equal",
                                       {"limit": 0, "input": target})])
        sc = self._sim_scenario()
        self.progress.max, self.progress.value = n, 0
        self.progress.layout.visibility = "visible"
        self.smart_button.disabled = True
        step = max(1, n // 40)

        def progress(done: int, total: int) -> None:
            if done % step == 0 or done == total:
                self.progress.value = done
                self.progress_text.value = (f'<span class="sdw-muted">'
                                            f'{esc(t("target_setting.smart.running", self.lang, done=done, n=total))}'
                                            f"</span>")
        try:
            df = replicate(sc, n=n, seed=seed, progress=progress)
        finally:
            self.smart_button.disabled = False
            self.progress.layout.visibility = "hidden"
            self.progress_text.value = ""
        hits = int((df[metric] >= target).sum())
        lo, hi = wilson_interval(hits, n)
        self.achievability = {"probability": hits / n, "low": lo, "high": hi, "n": n,
                              "mean": float(df[metric].mean()), "target": float(target), "metric": metric}
        self._sim_values = [float(v) for v in df[metric]]
        self._sim_key = key
        self._draw_smart_figure()
        self.update_smart()

    def _draw_smart_figure(self) -> None:
        if self.achievability is not None:
            label = t(f"target_setting.metric.{self.achievability['metric']}", self.lang)
            self.figures["smart"].show(VT.achievability_figure(self._sim_values, self.achievability["target"],
                                                               label, self.lang))

    def priority_list(self) -> list[str]:
        """The team's priorities as typed (separated by commas or 、)."""
        text = self.priorities.value.replace("、", ",").replace("，", ",")
        return [p.strip() for p in text.split(",") if p.strip()]

    def current_report(self) -> SmartReport:
        """The SMART report of the text in the page's language; "achievable" from the simulation when it is current."""
        report = smart_check(self.smart_text.value, self.lang, priorities=self.priority_list() or None)
        if self.achievability is not None and self._sim_key == self._sim_inputs():
            prob = self.achievability
            # smart_check with a scenario replaces these two text-only hints with the simulation's verdict
            ambitious = _template(catalog(self.lang)["smart.hint.ambitious"])
            unknown = t("smart.hint.achievable_unknown", self.lang)
            report.hints = [h for h in report.hints if h != unknown and not ambitious.fullmatch(h)]
            report.achievable = prob["probability"] >= ACHIEVABLE_AT
            key = "smart.hint.too_hard" if not report.achievable else (
                "smart.hint.too_easy" if prob["probability"] > TOO_EASY_ABOVE else "smart.hint.achievable")
            report.hints.append(t(key, self.lang, **{k: f"{prob[k]:.0%}" for k in ("probability", "low", "high")}))
            report.probability = prob
        return report

    @guarded("smart")
    def update_smart(self) -> None:
        """Check the written target and show the report (per letter ✓ / ✗ / ? and the hints)."""
        self.report = None
        self.smart_view.value = self._placeholder()
        report = self.current_report()
        self.report = report
        lang = self.lang
        letters = dict(zip(report.CRITERIA, "SMART", strict=True))
        sep = ", " if lang == "en" else "、"
        found = {"specific": report.found.get("metric", []) + report.found.get("scope", []),
                 "measurable": report.found.get("number", []), "time_bound": report.found.get("deadline", [])}
        rows = []
        for c in report.CRITERIA:
            ok = report[c]
            if c == "achievable":
                if report.probability:
                    p = report.probability
                    detail = t("target_setting.smart.probability", lang, probability=percent(p["probability"], digits=0),
                               low=percent(p["low"], digits=0), high=percent(p["high"], digits=0), n=p["n"],
                               mean=self._metric_value(p["mean"], p["metric"]),
                               target=self._metric_value(p["target"], p["metric"]))
                else:
                    detail = t("target_setting.smart.press_simulate", lang)
            elif c == "relevant":
                detail = t("target_setting.smart.no_priorities", lang) if ok is None else sep.join(self.priority_list())
            else:
                detail = sep.join(found.get(c, []))
            verdict = t("target_setting.smart." + ("unknown" if ok is None else "pass" if ok else "fail"), lang)
            rows.append(f'<tr data-criterion="{c}" data-ok="{"none" if ok is None else str(ok).lower()}">'
                        f"<th>{letters[c]} · {esc(t(f'smart.criterion.{c}', lang))}</th>"
                        f'<td style="text-align:left">{_mark(ok)} {esc(verdict)}</td>'
                        f'<td style="text-align:left" class="sdw-muted">{esc(detail)}</td></tr>')
        hints = "".join(f"<li>{esc(h)}</li>" for h in report.hints)
        overall = t("target_setting.smart.passed" if report.passed else "target_setting.smart.not_passed", lang)
        self.smart_view.value = (f'<table class="sdw-table sdw-smart-report">{"".join(rows)}</table>'
                                 f'<div class="sdw-verdict" data-passed="{str(report.passed).lower()}">'
                                 f"{esc(overall)}</div><ul class=\"sdw-hints\">{hints}</ul>")

    def _metric_value(self, v: float, metric: str) -> str:
        return money(v, self.lang) if metric == "revenue" else number(v, digits=1, fixed=True)

    # -- 5. adjustment -------------------------------------------------------------------------------------
    def _build_adjustment(self) -> W.Widget:
        self.adj_preset = self._choice(W.Dropdown, "target_setting.adjust.preset", (*ADJUST_PRESETS, CUSTOM),
                                       lambda v, lang: t(f"target_setting.adjust.presets.{v}", lang), "three_short",
                                       layout=W.Layout(width="100%"))
        self.adj_preset.add_class("sdw-adjust-preset")
        self._on(self.adj_preset, self._on_adjust_preset)
        self.adj_months = self._on(self._label(W.IntSlider(value=5, min=1, max=11, continuous_update=False,
                                                           style={"description_width": "initial"}),
                                               "target_setting.adjust.months"), self.update_adjustment)
        cells: list[W.Widget] = [self._cell("target_setting.adjust.month"), self._cell("target_setting.adjust.target"),
                                 self._cell("target_setting.adjust.actual"),
                                 self._cell("target_setting.adjust.attainment")]
        self.adj_target: list[W.Widget] = []
        self.adj_actual: list[W.Widget] = []
        self.adj_att: list[W.HTML] = []
        for m in range(1, 13):
            cells.append(self._cell(f"target_setting.month.{m}"))
            for store in (self.adj_target, self.adj_actual):
                w = self._on(W.BoundedFloatText(value=0, min=0, max=1e11, step=10_000, layout=W.Layout(width="100%")),
                             self._on_adjust_edit)
                store.append(w)
                cells.append(w)
            self.adj_att.append(W.HTML())
            cells.append(self.adj_att[-1])
        grid = W.GridBox(cells, layout=W.Layout(grid_template_columns="5em minmax(8em, 11em) minmax(8em, 11em) 6em",
                                                grid_gap="2px 6px", width="auto"))
        grid.add_class("sdw-grid")
        grid.add_class("sdw-months")
        self.adjust_view = W.HTML()
        self.adjust_view.add_class("sdw-adjust")
        return W.VBox([self._section(5, "adjust"),
                       row(card(self.adj_preset, self.adj_months, grid, basis="420px"),
                           card(self.adjust_view, self.figures["adjustment"].widget, basis="520px"))])

    def _apply_adjust_preset(self) -> None:
        """Fill the months: targets from section 1's monthly split, actuals at the preset's attainment."""
        pattern = ADJUST_PRESETS.get(self.adj_preset.value)
        if pattern is None or self.split is None:
            return
        months = self.split.attrs["months"]
        with self._mute():
            for i in range(12):
                self.adj_target[i].value = float(months[i + 1])
                self.adj_actual[i].value = float(round(months[i + 1] * pattern[i]))

    def _on_adjust_preset(self) -> None:
        self._apply_adjust_preset()
        self.update_adjustment()

    def _on_adjust_edit(self) -> None:
        with self._mute():
            self.adj_preset.value = CUSTOM
        self.update_adjustment()

    @guarded("adjust")
    def update_adjustment(self) -> None:
        """S1's rule: 3 months in a row more than 30 % off target ⇒ adjust, by at most ±20 %."""
        lang = self.lang
        self.adjustment = None
        self.adjust_view.value = self._placeholder()
        k = int(self.adj_months.value)
        months = [t(f"target_setting.month.{m}", lang) for m in range(1, 13)]
        tgt = [_amount(w.value) for w in self.adj_target]
        act = [_amount(w.value) for w in self.adj_actual]
        for i in range(k):
            if tgt[i] <= 0:
                raise ScenarioError([Issue(f"{months[i]} · {t('target_setting.adjust.target', lang)}",
                                           "greater_than", {"limit": 0, "input": tgt[i]})])
        att = [act[i] / tgt[i] for i in range(k)]
        for i in range(12):
            if i < k:
                off = abs(att[i] - 1) > ADJUST_THRESHOLD
                self.adj_att[i].value = (f'<div class="sdw-cell {"sdw-bad" if off else "sdw-ok"}" '
                                         f'data-month="{i + 1}">{percent(att[i], digits=0)}</div>')
            else:
                self.adj_att[i].value = '<div class="sdw-cell sdw-muted">—</div>'
            self.adj_actual[i].disabled = i >= k
        needs = needs_adjustment(att, months=ADJUST_MONTHS, threshold=ADJUST_THRESHOLD)
        recent = att[-ADJUST_MONTHS:]
        current = sum(tgt[k:])
        pace = sum(recent) / len(recent)
        proposed = round(current * pace)
        new = clamp_adjustment(current, proposed, ADJUST_LIMIT) if needs else current
        self.adjustment = {"needs": needs, "attainment": att, "current": current, "proposed": proposed, "new": new}
        last = ", ".join(f"{months[i]} {percent(att[i], digits=0)}" for i in range(max(0, k - ADJUST_MONTHS), k))
        rest = f"{months[k]}–{months[11]}" if k < 11 else months[11]
        if k < ADJUST_MONTHS:
            lines = [t("target_setting.adjust.too_few", lang, k=k, months=ADJUST_MONTHS)]
        elif needs:
            lines = [t("target_setting.adjust.needs", lang, months=last, pct=percent(ADJUST_THRESHOLD, digits=0)),
                     t("target_setting.adjust.proposal", lang, rest=rest, current=money(current, lang),
                       proposed=money(proposed, lang), change=_signed_pct(proposed, current)),
                     t("target_setting.adjust.clamped", lang, limit=percent(ADJUST_LIMIT, digits=0), new=money(new, lang),
                       change=_signed_pct(new, current)),
                     t("target_setting.adjust.process", lang)]
        else:
            lines = [t("target_setting.adjust.keep", lang, months=last, pct=percent(ADJUST_THRESHOLD, digits=0)),
                     t("target_setting.adjust.keep_rest", lang, rest=rest, current=money(current, lang))]
        cls = "sdw-verdict sdw-adjust" if needs else "sdw-verdict"
        self.adjust_view.value = (f'<div class="{cls}" data-needs="{str(needs).lower()}">{esc(lines[0])}</div>'
                                  + "".join(f"<div>{esc(x)}</div>" for x in lines[1:]))
        self.figures["adjustment"].show(VT.adjustment_figure(
            months, tgt, [act[i] if i < k else None for i in range(12)], lang, ADJUST_THRESHOLD))

    # -- exports ---------------------------------------------------------------------------------------------
    def export_tables(self) -> dict[str, pd.DataFrame]:
        """The tables the downloads hold: ``quarters, months, weeks, days`` (the split), ``matrix``, ``allocation``."""
        if self.split is None or self.matrix is None or self.allocation is None:
            raise ScenarioError([Issue(t("target_setting.export.title", self.lang), "generic",
                                       {"detail": t("target_setting.fix_inputs", self.lang)})])
        df = self.split
        months = df.attrs["months"]
        return {
            "quarters": pd.DataFrame({"quarter": list(df.attrs["quarters"]),
                                      "target": list(df.attrs["quarters"].values())}),
            "months": pd.DataFrame({"month": list(months), "quarter": [f"Q{(m - 1) // 3 + 1}" for m in months],
                                    "target": list(months.values())}),
            "weeks": VT.period_targets(df, "week").rename("target").rename_axis("week").reset_index(),
            "days": df.reset_index(drop=True),
            "matrix": self.matrix,
            "allocation": self.allocation,
        }

    @guarded("export")
    def prepare_downloads(self) -> None:
        """Links to the split (days, with quarter/month/week), the matrix and the allocation as CSV, and all
        of them as one Excel workbook (a sheet each)."""
        links = self._table_links(f"target_setting_{self.year.value}", self.export_tables(),
                                  {"split": "days", "matrix": "matrix", "allocation": "allocation"})
        self.downloads.value = " ".join(links)

    # -- language and messages ---------------------------------------------------------------------------------
    def _on_language(self) -> None:
        if not self._ready:
            return
        self.update_split()
        self.update_allocation()
        self._draw_smart_figure()
        self.update_smart()

    def _placeholder(self) -> str:
        return f'<div class="sdw-muted">{esc(t("target_setting.fix_inputs", self.lang))}</div>'


def _template(text: str) -> re.Pattern:
    """A regular expression matching catalog ``text`` with any value in its ``{placeholders}``."""
    parts = re.split(r"\{\w+\}", text)
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


def _signed_pct(new: float, old: float) -> str:
    if not old:
        return "—"
    change = new / old - 1
    return ("+" if change > 0 else "") + f"{change:.0%}"
