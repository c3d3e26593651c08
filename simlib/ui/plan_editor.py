"""Editing a pay plan with form fields, not a mini-syntax: commission tiers and bonus bands as rows of numbers,
base pay, the commission's mode and a cap (CONTRACT §3 plans; COURSE.md §3 for the decks' plans).

The workshop's team page (:mod:`simlib.ui.workshop_team`) uses it for an edited plan: a menu plan
(``based_on``) with its tiers, bonus or cap changed — :class:`simlib.workshop.decisions.PlanEdit`. People type
percentages as they say them: "from 120 % of quota, 4 %", stored as ``{from: 1.2, rate: 0.04}``.

    >>> ed = PlanEditor()
    >>> ed.load({"base_pay": 18000, "commission": {"mode": "marginal", "tiers": [{"from": 0, "rate": 0.02},
    ...          {"from": 1.0, "rate": 0.03}]}})
    >>> ed.tiers.rows[1][0].value, ed.tiers.rows[1][1].value
    (100.0, 3.0)
    >>> ed.edit("s1_tiered")["tiers"]
    [{'from': 0.0, 'rate': 0.02}, {'from': 1.0, 'rate': 0.03}]
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as W

from simlib.base.i18n import t

__all__ = ["BandRows", "PlanEditor"]

_NUM = {"layout": W.Layout(width="9em")}
_DIGITS = 6    # a percentage typed as 3.25 is 0.0325 exactly, not 0.032500000000000001


def _fraction(percent: float) -> float:
    return round(float(percent) / 100.0, _DIGITS)


def _percent(fraction: float) -> float:
    return round(float(fraction) * 100.0, _DIGITS - 2)


class BandRows:
    """Rows of *from attainment (%)* and a value — a commission rate in % (``kind="rate"``) or a bonus
    multiplier (``kind="x"``) — with buttons to add and remove a row. :meth:`value` gives the bands as
    the plan stores them (fractions of quota; rates as fractions)."""

    def __init__(self, kind: str, cls: str, on_change: Callable[[], None] | None = None, max_rows: int = 20):
        self.kind, self.cls, self.max_rows = kind, cls, max_rows
        self.on_change = on_change
        self.rows: list[tuple[W.FloatText, W.FloatText]] = []
        self.head = W.HTML()
        self.body = W.VBox()
        self.add_button = W.Button(icon="plus", layout=W.Layout(width="auto"))
        self.remove_button = W.Button(icon="minus", layout=W.Layout(width="auto"))
        self.add_button.add_class(f"{cls}-add")
        self.remove_button.add_class(f"{cls}-remove")
        self.add_button.on_click(lambda b: self.add_row())
        self.remove_button.on_click(lambda b: self.remove_row())
        self.widget = W.VBox([self.head, self.body, W.HBox([self.add_button, self.remove_button])])
        self.widget.add_class(cls)

    def relabel(self, lang: str) -> None:
        value = t(f"plan_editor.{'rate' if self.kind == 'rate' else 'multiplier'}", lang)
        self.head.value = (f'<div class="sdw-band-head"><span>{t("plan_editor.from", lang)}</span>'
                           f"<span>{value}</span></div>")
        self.add_button.description = t("plan_editor.add_row", lang)
        self.remove_button.description = t("plan_editor.remove_row", lang)
        for i, (a, b) in enumerate(self.rows, 1):
            a.tooltip = b.tooltip = t("plan_editor.row", lang, n=i)

    def _changed(self, change: Any = None) -> None:
        if self.on_change is not None:
            self.on_change()

    def _new_row(self, start: float, value: float) -> tuple[W.FloatText, W.FloatText]:
        a, b = W.FloatText(value=start, **_NUM), W.FloatText(value=value, **_NUM)
        a.add_class(f"{self.cls}-from")
        b.add_class(f"{self.cls}-value")
        a.observe(self._changed, names="value")
        b.observe(self._changed, names="value")
        return a, b

    def set(self, bands: Sequence[Mapping]) -> None:
        """Show ``bands`` (``[{from: 1.0, rate: 0.03}, …]`` or ``[{from: 1.0, x: 1.5}, …]``)."""
        key = "rate" if self.kind == "rate" else "x"
        self.rows = [self._new_row(_percent(b["from"]),
                                   _percent(b[key]) if key == "rate" else float(b[key])) for b in bands]
        self._redraw()

    def _redraw(self) -> None:
        self.body.children = [W.HBox([a, b]) for a, b in self.rows]
        self.remove_button.disabled = len(self.rows) <= 1
        self.add_button.disabled = len(self.rows) >= self.max_rows

    def add_row(self) -> None:
        """A row after the last: 20 points of attainment further, the same value."""
        last_from, last_value = (self.rows[-1][0].value, self.rows[-1][1].value) if self.rows else (-20.0, 0.0)
        self.rows.append(self._new_row(last_from + 20.0, last_value))
        self._redraw()
        self._changed()

    def remove_row(self) -> None:
        if len(self.rows) > 1:
            self.rows.pop()
            self._redraw()
            self._changed()

    def value(self) -> list[dict]:
        key = "rate" if self.kind == "rate" else "x"
        return [{"from": _fraction(a.value), key: (_fraction(b.value) if key == "rate" else float(b.value))}
                for a, b in self.rows]


class PlanEditor:
    """A plan's editable parts (see the module's docstring): mode, base pay, tiers, bonus (on/off, target,
    bands), cap (% of quota; 0 for none). ``on_change()`` runs after each edit (not while :meth:`load` fills
    the fields). Labels follow :meth:`relabel`'s language."""

    def __init__(self, on_change: Callable[[], None] | None = None):
        self.on_change = on_change
        self._loading = False
        wide = {"layout": W.Layout(width="100%"), "style": {"description_width": "14em"}}
        self.mode = W.Dropdown(options=[("marginal", "marginal"), ("retroactive", "retroactive")], **wide)
        self.base_pay = W.FloatText(**wide)
        self.tiers = BandRows("rate", "sdw-plan-tiers", self._changed)
        self.has_bonus = W.Checkbox(indent=False)
        self.bonus_target = W.FloatText(**wide)
        self.bonus_bands = BandRows("x", "sdw-plan-bonus", self._changed)
        self.cap = W.FloatText(**wide)
        for name, w in (("mode", self.mode), ("base-pay", self.base_pay), ("has-bonus", self.has_bonus),
                        ("bonus-target", self.bonus_target), ("cap", self.cap)):
            w.add_class(f"sdw-plan-{name}")
            w.observe(self._changed, names="value")
        self.has_bonus.observe(lambda ch: self._show_bonus(), names="value")
        self.tiers_title, self.bonus_title, self.note = W.HTML(), W.HTML(), W.HTML()
        self.bonus_box = W.VBox([self.bonus_target, self.bonus_bands.widget])
        self.widget = W.VBox([self.mode, self.base_pay, self.tiers_title, self.tiers.widget, self.has_bonus,
                              self.bonus_box, self.cap, self.note])
        self.widget.add_class("sdw-plan-editor")
        self._show_bonus()

    def relabel(self, lang: str) -> None:
        mode = self.mode.value
        self.mode.options = [(t(f"plan_editor.mode_{m}", lang), m) for m in ("marginal", "retroactive")]
        self.mode.value = mode
        for w, key in ((self.mode, "mode"), (self.base_pay, "base_pay"), (self.has_bonus, "bonus"),
                       (self.bonus_target, "bonus_target"), (self.cap, "cap")):
            w.description = t(f"plan_editor.{key}", lang)
        self.tiers_title.value = f"<b>{t('plan_editor.tiers', lang)}</b>"
        self.note.value = f'<p class="sdw-muted">{t("plan_editor.note", lang)}</p>'
        self.tiers.relabel(lang)
        self.bonus_bands.relabel(lang)

    def _changed(self, change: Any = None) -> None:
        if not self._loading and self.on_change is not None:
            self.on_change()

    def _show_bonus(self) -> None:
        self.bonus_box.layout.display = None if self.has_bonus.value else "none"

    def load(self, plan: Mapping | Any) -> None:
        """Fill the fields from a plan (a :class:`simlib.formulas.incentives.CompPlan` or its dict)."""
        data = plan if isinstance(plan, Mapping) else plan.model_dump(mode="json", by_alias=True, exclude_none=True)
        comm = data.get("commission") or {"mode": "marginal", "tiers": [{"from": 0.0, "rate": 0.0}]}
        bonus, cap = data.get("bonus"), data.get("cap") or {}
        self._loading = True
        try:
            self.mode.value = comm.get("mode", "marginal")
            self.base_pay.value = float(data.get("base_pay", 0.0))
            self.tiers.set(comm["tiers"])
            self.has_bonus.value = bonus is not None
            self.bonus_target.value = float(bonus["target"]) if bonus else 0.0
            self.bonus_bands.set(bonus["bands"] if bonus else [{"from": 0.0, "x": 0.0}, {"from": 1.0, "x": 1.0}])
            self.cap.value = _percent(cap["attainment"]) if cap.get("attainment") else 0.0
        finally:
            self._loading = False
        self._show_bonus()

    def edit(self, based_on: str) -> dict:
        """The fields as an edited plan for the workshop (:class:`simlib.workshop.decisions.PlanEdit`)."""
        return {"based_on": based_on, "mode": self.mode.value, "base_pay": float(self.base_pay.value),
                "tiers": self.tiers.value(),
                "bonus": ({"target": float(self.bonus_target.value), "bands": self.bonus_bands.value()}
                          if self.has_bonus.value else False),
                "cap": {"attainment": _fraction(self.cap.value)} if self.cap.value else False}
