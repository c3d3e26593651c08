"""Section 5 of Target Setting: S1's adjustment rule — three months in a row more than 30 % off target
call for an adjustment of the rest of the year, by at most ±20 % (COURSE.md §1;
:func:`simlib.formulas.targets.needs_adjustment`, :func:`simlib.formulas.targets.clamp_adjustment`).

Twelve months of target and actual, filled from section 1's monthly split at a preset's attainment or typed
in; the months not reported yet are left out.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as W

from simlib.base.fmt import money, percent
from simlib.base.i18n import t
from simlib.base.schema import ScenarioError
from simlib.formulas.targets import clamp_adjustment, needs_adjustment
from simlib.ui.base import SectionedApp, card, esc, row
from simlib.ui.figures import FigureView
from simlib.ui.target_setting.panel import Panel, amount
from simlib.viz import targets as VT

__all__ = ["ADJUST_LIMIT", "ADJUST_MONTHS", "ADJUST_PRESETS", "ADJUST_THRESHOLD", "CUSTOM", "AdjustmentPanel"]

#: monthly attainment (actual ÷ target) of twelve months, to try the adjustment rule on (S1)
ADJUST_PRESETS: dict[str, list[float]] = {
    "three_short": [0.98, 0.90, 0.62, 0.65, 0.60, 0.66, 0.72, 0.75, 0.80, 0.78, 0.82, 0.85],
    "one_bad": [1.02, 0.97, 0.55, 0.96, 1.03, 0.99, 1.01, 0.98, 1.04, 1.00, 0.97, 1.02],
    "near_miss": [0.95, 0.72, 0.75, 0.71, 0.74, 0.80, 0.85, 0.90, 0.92, 0.95, 0.97, 1.00],
    "running_hot": [1.10, 1.20, 1.40, 1.35, 1.50, 1.42, 1.38, 1.30, 1.25, 1.20, 1.15, 1.10],
    "on_track": [1.02, 0.95, 1.05, 0.98, 1.03, 0.97, 1.00, 1.04, 0.96, 1.01, 0.99, 1.02],
}
#: the preset's value once a month is typed in
CUSTOM = "custom"
ADJUST_MONTHS, ADJUST_THRESHOLD, ADJUST_LIMIT = 3, 0.30, 0.20


def _signed_change(new: float, old: float, lang: str) -> str:
    return percent(new / old - 1, lang, digits=0, signed=True) if old else "—"


class AdjustmentPanel(Panel):
    """The twelve months, how many are reported, and the rule's verdict.

    Args:
        app: the page. figure: where target and actual are drawn. on_preset: called when a preset is chosen.
        on_change: called when the months reported or a month's figure changes (a typed figure also turns
            the preset to :data:`CUSTOM`).

    Attributes:
        adjustment: ``{"needs", "attainment", "current", "proposed", "new"}``, None while the inputs need fixing.
        adj_preset, adj_months: the inputs. adj_target, adj_actual: the twelve monthly inputs. adj_att: each
            month's attainment. view: the verdict.
    """

    def __init__(self, app: SectionedApp, figure: FigureView, on_preset: Callable[[], None],
                 on_change: Callable[[], None]):
        super().__init__(app)
        self.figure = figure
        self.on_change = on_change
        self.adjustment: dict | None = None
        self.adj_preset = self.choice(W.Dropdown, "target_setting.adjust.preset", (*ADJUST_PRESETS, CUSTOM),
                                      lambda v, lang: t(f"target_setting.adjust.presets.{v}", lang), "three_short",
                                      layout=W.Layout(width="100%"))
        self.adj_preset.add_class("sdw-adjust-preset")
        self.on(self.adj_preset, on_preset)
        self.adj_months = self.on(self.label(W.IntSlider(value=5, min=1, max=11, continuous_update=False,
                                                         style={"description_width": "initial"}),
                                             "target_setting.adjust.months"), on_change)
        cells: list[W.Widget] = [self.cell("target_setting.adjust.month"), self.cell("target_setting.adjust.target"),
                                 self.cell("target_setting.adjust.actual"), self.cell("target_setting.adjust.attainment")]
        self.adj_target: list[W.Widget] = []
        self.adj_actual: list[W.Widget] = []
        self.adj_att: list[W.HTML] = []
        for m in range(1, 13):
            cells.append(self.cell(f"target_setting.month.{m}"))
            for store in (self.adj_target, self.adj_actual):
                w = self.on(W.BoundedFloatText(value=0, min=0, max=1e11, step=10_000, layout=W.Layout(width="100%")),
                            self._edited)
                store.append(w)
                cells.append(w)
            self.adj_att.append(W.HTML())
            cells.append(self.adj_att[-1])
        grid = W.GridBox(cells, layout=W.Layout(grid_template_columns="5em minmax(8em, 11em) minmax(8em, 11em) 6em",
                                                grid_gap="2px 6px", width="auto"))
        grid.add_class("sdw-grid")
        grid.add_class("sdw-months")
        self.view = W.HTML()
        self.view.add_class("sdw-adjust")
        self.widget = W.VBox([self.section(5, "adjust"),
                              row(card(self.adj_preset, self.adj_months, grid, basis="420px"),
                                  card(self.view, figure.widget, basis="520px"))])

    def _edited(self) -> None:
        with self.mute():
            self.adj_preset.value = CUSTOM
        self.on_change()

    def apply_preset(self, months: Mapping[int, float] | None) -> None:
        """Fill the months: targets from section 1's monthly split ``months`` (1–12), actuals at the preset's
        attainment (nothing when the preset is :data:`CUSTOM` or there is no split)."""
        pattern = ADJUST_PRESETS.get(self.adj_preset.value)
        if pattern is None or months is None:
            return
        with self.mute():
            for i in range(12):
                self.adj_target[i].value = float(months[i + 1])
                self.adj_actual[i].value = float(round(months[i + 1] * pattern[i]))

    def update(self) -> None:
        """S1's rule: 3 months in a row more than 30 % off target ⇒ adjust, by at most ±20 %."""
        lang = self.lang
        self.adjustment = None
        self.view.value = self.placeholder()
        k = int(self.adj_months.value)
        months = [t(f"target_setting.month.{m}", lang) for m in range(1, 13)]
        tgt = [amount(w.value) for w in self.adj_target]
        act = [amount(w.value) for w in self.adj_actual]
        for i in range(k):
            if tgt[i] <= 0:
                raise ScenarioError.at(f"{months[i]} · {t('target_setting.adjust.target', lang)}", "greater_than",
                                       limit=0, input=tgt[i])
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
        threshold = percent(ADJUST_THRESHOLD, digits=0)
        if k < ADJUST_MONTHS:
            lines = [t("target_setting.adjust.too_few", lang, k=k, months=ADJUST_MONTHS)]
        elif needs:
            lines = [t("target_setting.adjust.needs", lang, months=last, pct=threshold),
                     t("target_setting.adjust.proposal", lang, rest=rest, current=money(current, lang),
                       proposed=money(proposed, lang), change=_signed_change(proposed, current, lang)),
                     t("target_setting.adjust.clamped", lang, limit=percent(ADJUST_LIMIT, digits=0),
                       new=money(new, lang), change=_signed_change(new, current, lang)),
                     t("target_setting.adjust.process", lang)]
        else:
            lines = [t("target_setting.adjust.keep", lang, months=last, pct=threshold),
                     t("target_setting.adjust.keep_rest", lang, rest=rest, current=money(current, lang))]
        cls = "sdw-verdict sdw-adjust" if needs else "sdw-verdict"
        self.view.value = (f'<div class="{cls}" data-needs="{str(needs).lower()}">{esc(lines[0])}</div>'
                           + "".join(f"<div>{esc(x)}</div>" for x in lines[1:]))
        self.figure.show(VT.adjustment_figure(
            months, tgt, [act[i] if i < k else None for i in range(12)], lang, ADJUST_THRESHOLD))
