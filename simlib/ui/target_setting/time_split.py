"""Section 1 of Target Setting: a year's target split over quarters, months, weeks and days on a seasonal
calendar (COURSE.md §1, time decomposition; :func:`simlib.formulas.seasonality.split_time`).

The panel shows each quarter with its months, checks that every level adds up exactly to the annual
target, and draws the targets by quarter, month or week.
"""
from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W
import pandas as pd

from simlib.base.fmt import money, number
from simlib.base.i18n import t
from simlib.formulas.seasonality import SEASONALITY_PRESETS, split_time
from simlib.ui.base import SectionedApp, card, esc, row
from simlib.ui.figures import FigureView
from simlib.ui.target_setting.panel import Panel, amount, check_mark
from simlib.viz import targets as VT

__all__ = ["LEVELS", "UNITS", "YEARS", "TimeSplitPanel"]

YEARS = tuple(range(2024, 2031))
UNITS = (1, 100, 1_000, 10_000)
LEVELS = ("quarter", "month", "week")


class TimeSplitPanel(Panel):
    """The annual target, its calendar and rounding unit, and the split over time.

    Args:
        app: the page. figure: where the chart is drawn. annual, year: the first values.
        on_change: called when the target, year, calendar or unit changes. on_level: when the chart's level does.

    Attributes:
        split: the :func:`~simlib.formulas.seasonality.split_time` frame (one row per day; ``attrs`` quarters and
            months), None while the inputs need fixing.
        annual, year, preset, unit, level: the inputs. view: the quarters table and the checks.
    """

    def __init__(self, app: SectionedApp, figure: FigureView, annual: float, year: int,
                 on_change: Callable[[], None], on_level: Callable[[], None]):
        super().__init__(app)
        self.figure = figure
        self.split: pd.DataFrame | None = None
        self.annual = self.number("target_setting.split.annual", annual)
        self.annual.add_class("sdw-annual")
        self.year = self.choice(W.Dropdown, "target_setting.split.year", YEARS, lambda v, lang: str(v), year)
        self.preset = self.choice(W.Dropdown, "target_setting.split.preset", SEASONALITY_PRESETS,
                                  lambda v, lang: t(f"target_setting.preset.{v}", lang), "cn_retail",
                                  layout=W.Layout(width="100%"))
        self.preset.add_class("sdw-preset")
        self.unit = self.choice(W.Dropdown, "target_setting.split.unit", UNITS, lambda v, lang: money(v, lang), 10_000)
        self.year.add_class("sdw-year")
        self.unit.add_class("sdw-unit")
        self.level = self.choice(W.ToggleButtons, "", LEVELS, lambda v, lang: t(f"target_setting.level.{v}", lang),
                                 "month")
        self.level.add_class("sdw-level")
        for w in (self.annual, self.year, self.preset, self.unit):
            self.on(w, on_change)
        self.on(self.level, on_level)
        self.view = W.HTML()
        self.view.add_class("sdw-split")
        inputs = W.VBox([self.annual, self.year, self.preset, self.unit], layout=W.Layout(max_width="30em"))
        self.widget = W.VBox([self.section(1, "split"),
                              row(card(inputs, self.view, basis="420px"),
                                  card(self.level, figure.widget, basis="520px"))])

    def total(self) -> float:
        """The annual target as the library takes it."""
        return amount(self.annual.value)

    def update(self) -> None:
        """Split the annual target into quarters, months and days (weeks roll up) with the chosen calendar."""
        self.split = None
        self.view.value = self.placeholder()
        unit = self.unit.value
        self.split = split_time(self.total(), int(self.year.value), self.preset.value, unit=(unit, unit, 1))
        self.render()

    def render(self) -> None:
        """The quarters with their months, and whether every level adds up to the annual target."""
        lang, df = self.lang, self.split
        total = self.total()
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
                        f'<td style="text-align:left">{parts}</td><td>{check_mark(ok)}</td></tr>')
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
        items = "".join(f'<li data-check="{k}" data-ok="{str(ok).lower()}">{check_mark(ok)} {esc(text)}</li>'
                        for k, ok, text in checks)
        self.view.value = (f'<table class="sdw-table sdw-quarters"><tr>{head}</tr>{"".join(body)}</table>'
                           f'<ul class="sdw-checks">{items}</ul>'
                           f'<div class="sdw-muted">{esc(t("target_setting.split.note", lang))}</div>')

    def draw(self) -> None:
        """The chart at the chosen level (quarter, month or week)."""
        if self.split is not None:
            self.figure.show(VT.time_split_figure(self.split, self.level.value, self.lang))

    def tables(self) -> dict[str, pd.DataFrame]:
        """The split as the downloads hold it: ``quarters``, ``months``, ``weeks`` and ``days``."""
        df = self.split
        months = df.attrs["months"]
        return {
            "quarters": pd.DataFrame({"quarter": list(df.attrs["quarters"]),
                                      "target": list(df.attrs["quarters"].values())}),
            "months": pd.DataFrame({"month": list(months), "quarter": [f"Q{(m - 1) // 3 + 1}" for m in months],
                                    "target": list(months.values())}),
            "weeks": VT.period_targets(df, "week").rename("target").rename_axis("week").reset_index(),
            "days": df.reset_index(drop=True),
        }
