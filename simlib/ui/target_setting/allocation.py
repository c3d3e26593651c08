"""Section 3 of Target Setting: a team target allocated to the reps by every method side by side, with the
gap to each rep's own commitment (COURSE.md §1, allocation methods and top-down vs bottom-up, S1 and S3;
:func:`simlib.formulas.targets.allocation_table`).

The reps come from the scenario's team (history, skill, tenure, potential), each editable, and every
method's column adds up exactly to the team target.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import ipywidgets as W
import pandas as pd

from simlib.base.fmt import money, number, percent
from simlib.base.i18n import t
from simlib.core.scenario import Scenario
from simlib.formulas.targets import ALLOCATION_METHODS, allocation_table
from simlib.ui.base import SectionedApp, card, esc, row
from simlib.ui.figures import FigureView
from simlib.ui.target_setting.panel import Panel, amount, check_mark
from simlib.viz import targets as VT

__all__ = ["COMMITMENTS", "REP_FIELDS", "AllocationPanel"]

REP_FIELDS = ("history", "skill", "tenure_months", "potential", "bottom_up")
#: each rep's own commitment for next year (the bottom-up side, S3); reps not named commit their history
COMMITMENTS = {"王芳": 900_000, "李偉": 780_000, "張敏": 650_000, "劉洋": 620_000, "陳靜": 540_000,
               "楊磊": 470_000, "趙婷": 300_000, "黃強": 200_000}
_BOUNDS = {"history": (0, 1e10, 10_000), "skill": (0.1, 5, 0.05), "tenure_months": (0, 600, 1),
           "potential": (0, 1e10, 10_000), "bottom_up": (0, 1e10, 10_000)}


class AllocationPanel(Panel):
    """The team target, the rep table, and the allocation by every method with the bottom-up gap.

    Args:
        app: the page. figure: where the allocation is drawn. scenario: whose team is allocated to.
        team_target: the first target. on_change: called when the target or a rep's figure changes.
        on_gap_method: when the method the gap is measured against changes.

    Attributes:
        allocation: the :func:`~simlib.formulas.targets.allocation_table` frame with the bottom-up gap, None
            while the inputs need fixing.
        team_target, gap_method: the inputs. rep_inputs: ``{rep: {field: input}}``. view: the allocation table.
    """

    def __init__(self, app: SectionedApp, figure: FigureView, scenario: Scenario, team_target: float,
                 on_change: Callable[[], None], on_gap_method: Callable[[], None]):
        super().__init__(app)
        self.figure = figure
        self.allocation: pd.DataFrame | None = None
        self.team_target = self.on(self.number("target_setting.alloc.team_target", team_target, width="24em"),
                                   on_change)
        self.team_target.add_class("sdw-team-target")
        cells: list[W.Widget] = [self.cell("target_setting.alloc.rep")]
        cells += [self.cell(f"target_setting.alloc.field.{f}") for f in REP_FIELDS]
        self.rep_inputs: dict[str, dict[str, W.Widget]] = {}
        for rep in scenario.team.reps:
            history = rep.history[-1] if isinstance(rep.history, list) and rep.history else rep.history
            history = float(history) if isinstance(history, (int, float)) else 0.0
            values = {"history": history, "skill": rep.skill, "tenure_months": rep.tenure_months or 0,
                      "potential": rep.potential or 0, "bottom_up": COMMITMENTS.get(rep.name, history)}
            cells.append(self.cell(text=rep.name))
            self.rep_inputs[rep.name] = {}
            for f in REP_FIELDS:
                lo, hi, step = _BOUNDS[f]
                w = self.on(W.BoundedFloatText(value=float(values[f] or 0), min=lo, max=hi, step=step,
                                               layout=W.Layout(width="100%")), on_change)
                self.rep_inputs[rep.name][f] = w
                cells.append(w)
        grid = W.GridBox(cells, layout=W.Layout(grid_template_columns="4.5em repeat(5, minmax(6em, 8.5em))",
                                                grid_gap="2px 6px", width="auto"))
        grid.add_class("sdw-grid")
        grid.add_class("sdw-reps")
        self.gap_method = self.on(self.choice(W.Dropdown, "target_setting.alloc.gap_method", ALLOCATION_METHODS,
                                              lambda v, lang: t(f"target_setting.method.{v}", lang), "blend"),
                                  on_gap_method)
        self.methods_note = W.HTML()
        self.relabel(self._render_methods_note)
        self.view = W.HTML()
        self.view.add_class("sdw-allocation")
        self.widget = W.VBox([self.section(3, "alloc"),
                              row(card(self.team_target, grid, self.methods_note, basis="600px"),
                                  card(figure.widget, basis="400px")),
                              row(card(self.gap_method, self.view, basis="700px"))])

    def _render_methods_note(self, lang: str) -> None:
        items = "".join(f"<li><b>{esc(t(f'target_setting.method.{m}', lang))}</b>: "
                        f"{esc(t(f'target_setting.method_explain.{m}', lang))}</li>" for m in ALLOCATION_METHODS)
        self.methods_note.value = f'<ul class="sdw-hints sdw-muted">{items}</ul>'

    def rep_records(self) -> tuple[list[dict], dict[str, float]]:
        """The rep table as :func:`simlib.formulas.targets.allocate` takes it, and the reps' own commitments."""
        recs, bottom_up = [], {}
        for name, inputs in self.rep_inputs.items():
            recs.append({"name": name, **{f: amount(inputs[f].value) for f in REP_FIELDS if f != "bottom_up"}})
            bottom_up[name] = amount(inputs["bottom_up"].value)
        return recs, bottom_up

    def update(self) -> None:
        """Allocate the team target by every method side by side, with the gap to the reps' own commitments."""
        self.allocation = None
        self.view.value = self.placeholder()
        recs, bottom_up = self.rep_records()
        self.allocation = allocation_table(amount(self.team_target.value), recs, methods=ALLOCATION_METHODS,
                                           bottom_up=bottom_up)
        self.render()

    def render(self) -> None:
        """The allocation table (each method's total checked), the gap summary and the chart."""
        lang, df = self.lang, self.allocation
        total = amount(self.team_target.value)
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
                 + "".join(f'<td data-total="{m}">{number(sums[m], digits=0)} {check_mark(sums[m] == total)}</td>'
                           for m in ALLOCATION_METHODS)
                 + f'<td data-total="bottom_up">{number(df["bottom_up"].sum(), digits=0)}</td>'
                 + f'<td data-total="gap">{number(df[f"gap_{gm}"].sum(), digits=0)}</td></tr>')
        bu = df["bottom_up"].sum()
        gap = total - bu
        key = "target_setting.alloc.summary_short" if gap > 0 else (
            "target_setting.alloc.summary_over" if gap < 0 else "target_setting.alloc.summary_equal")
        summary = t(key, lang, bottom_up=money(bu, lang), total=money(total, lang), gap=money(abs(gap), lang),
                    pct=percent(abs(gap) / total if total else math.nan, digits=1, fixed=True))
        widest = df.loc[df[f"gap_{gm}"].abs().idxmax()]
        worst = t("target_setting.alloc.widest", lang, method=labels[gm], rep=widest["rep"],
                  gap=("+" if widest[f"gap_{gm}"] > 0 else "−") + money(abs(widest[f"gap_{gm}"]), lang))
        self.view.value = (f'<table class="sdw-table sdw-alloc">{head}{body}</table>'
                           f'<div class="sdw-verdict" data-kind="gap">{esc(summary)}</div>'
                           f'<div class="sdw-muted">{esc(worst)}</div>')
        self.figure.show(VT.allocation_figure(df, labels, lang))
