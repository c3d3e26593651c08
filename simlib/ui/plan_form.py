"""A compact form for the parts of a pay plan trainees change most: tiers, bonus, cap and base pay.

The form shows rates and attainments in percent, as the decks write them ("達標前2%,達標後3%"), and
bands as pairs ``from %: value``::

    >>> format_pairs([(0.0, 0.02), (1.0, 0.03), (1.2, 0.036)], percent=True)
    '0: 2, 100: 3, 120: 3.6'
    >>> parse_pairs("0: 2, 100%: 3；120：3.6", "tiers", percent=True)
    [(0.0, 0.02), (1.0, 0.03), (1.2, 0.036)]
    >>> parse_pairs("0: 0, 80: 1, 100: 1.5", "bands", percent=False)
    [(0.0, 0.0), (0.8, 1.0), (1.0, 1.5)]

Text that cannot be read raises :class:`simlib.ScenarioError` naming the field; what the form builds is
validated by :meth:`CompPlan.from_dict`, so a rate above 100 % or bands out of order are reported
by the plan's own rules (the field's path, in the page's language). The widgets are relabelled by
the app that owns them (:class:`~simlib.ui.pay_lab.PayLab`).
"""
from __future__ import annotations

import copy
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import ipywidgets as W

from simlib.base.i18n import t
from simlib.base.schema import Issue, ScenarioError
from simlib.formulas.incentives import CompPlan

__all__ = ["FIELDS", "PlanForm", "edited_plan", "format_pairs", "parse_number", "parse_pairs"]

#: the form's fields: name -> catalog key of its label
FIELDS = {"mode": "pay_lab.form.mode", "tiers": "pay_lab.form.tiers", "base_pay": "pay_lab.form.base_pay",
          "bonus_target": "pay_lab.form.bonus_target", "bonus_bands": "pay_lab.form.bonus_bands",
          "cap": "pay_lab.form.cap"}
_SPLIT = re.compile(r"[,;，；、\n]+")
_PAIR = re.compile(r"\s*([^:：=→]+?)\s*[:：=→]\s*(.+?)\s*")


def _num(d: Decimal) -> str:
    s = f"{d:f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def _pct_text(x: float) -> str:
    """0.036 -> '3.6' (exact decimal, no float noise)."""
    d = (Decimal(repr(float(x))) * 100).normalize()
    return _num(d) if d != 0 else "0"


def _plain_text(x: float) -> str:
    d = Decimal(repr(float(x))).normalize()
    return _num(d) if d != 0 else "0"


def format_pairs(pairs: list[tuple[float, float]], percent: bool) -> str:
    """Pairs ``(from, value)`` as the form shows them: ``from`` in percent, ``value`` in percent or plain."""
    value = _pct_text if percent else _plain_text
    return ", ".join(f"{_pct_text(a)}: {value(b)}" for a, b in pairs)


def parse_number(text: str | float, path: str, percent: bool = False) -> float:
    """A number typed in the form (``"3.6"``, ``"3.6%"``, ``"225,000"``, ``"×1.5"``); percent divides by 100
    exactly. Raises :class:`ScenarioError` (``type_number``) naming ``path``."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text) / 100 if percent else float(text)
    s = str(text).strip().replace(",", "").replace("％", "%").replace("×", "").replace("x", "").rstrip("%").strip()
    try:
        d = Decimal(s)
        if not d.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise ScenarioError([Issue(path, "type_number", {"input": repr(str(text))})]) from None
    return float(d / 100) if percent else float(d)


def parse_pairs(text: str, path: str, percent: bool) -> list[tuple[float, float]]:
    """``"0: 2, 100: 3"`` -> ``[(0.0, 0.02), (1.0, 0.03)]``: ``from`` in percent; ``value`` in percent when
    ``percent`` else as written. Pairs are separated by commas, semicolons or new lines (full-width too)."""
    out = []
    for part in (p for p in _SPLIT.split(str(text)) if p.strip()):
        m = _PAIR.fullmatch(part)
        if not m:
            raise ScenarioError([Issue(path, "pay_pairs", {"input": repr(part.strip())})])
        out.append((parse_number(m.group(1), path, percent=True), parse_number(m.group(2), path, percent=percent)))
    if not out:
        raise ScenarioError([Issue(path, "pay_pairs", {"input": repr(str(text))})])
    return out


def edited_plan(base: CompPlan, *, mode: str, tiers: str, base_pay: str | float, bonus_target: str | float,
                bonus_bands: str, cap: str) -> CompPlan:
    """``base`` with the form's values, validated by :meth:`CompPlan.from_dict` (period, gates and the
    rest kept). A bonus target of 0 drops the bonus; an empty cap drops the attainment cap.

        >>> plan = CompPlan.from_yaml("scenarios/plans/linear.yaml")
        >>> p = edited_plan(plan, mode="marginal", tiers="0: 3, 100: 5", base_pay="18000", bonus_target="0",
        ...                 bonus_bands="0: 0", cap="150")
        >>> [tr.rate for tr in p.commission.tiers], p.cap.attainment, p.period
        ([0.03, 0.05], 1.5, 'quarter')
    """
    data = copy.deepcopy(base.to_dict())
    data["base_pay"] = parse_number(base_pay, "base_pay")
    data["commission"] = {**data.get("commission", {}), "mode": mode,
                          "tiers": [{"from": a, "rate": r} for a, r in parse_pairs(tiers, "commission.tiers", True)]}
    target = parse_number(bonus_target, "bonus.target") if str(bonus_target).strip() else 0.0
    if target:
        data["bonus"] = {"target": target,
                         "bands": [{"from": a, "x": x} for a, x in parse_pairs(bonus_bands, "bonus.bands", False)]}
    else:
        data.pop("bonus", None)
    cap_text = str(cap).strip()
    old_cap = {k: v for k, v in data.pop("cap", {}).items() if k != "attainment"}
    new_cap = old_cap | ({"attainment": parse_number(cap_text, "cap.attainment", percent=True)} if cap_text else {})
    if new_cap:
        data["cap"] = new_cap
    return CompPlan.from_dict(data)


class PlanForm:
    """The form's widgets for one plan. ``fill(plan)`` shows a plan; ``values()`` reads the form back;
    ``on_change`` is called when the user edits a field (not when :meth:`fill` writes them)."""

    def __init__(self, on_change: Callable[[], None], label: Callable[[W.Widget, str], W.Widget]):
        style = {"description_width": "16em"}
        wide = W.Layout(width="100%")
        self.mode = W.Dropdown(options=[("marginal", "marginal"), ("retroactive", "retroactive")], style=style,
                               layout=wide)
        self.tiers = W.Text(style=style, layout=wide, continuous_update=False)
        self.base_pay = W.Text(style=style, layout=wide, continuous_update=False)
        self.bonus_target = W.Text(style=style, layout=wide, continuous_update=False)
        self.bonus_bands = W.Text(style=style, layout=wide, continuous_update=False)
        self.cap = W.Text(style=style, layout=wide, continuous_update=False)
        self.widgets = {name: getattr(self, name) for name in FIELDS}
        for name, key in FIELDS.items():
            w = self.widgets[name]
            w.add_class(f"sdw-form-{name.replace('_', '-')}")
            label(w, key)
            w.observe(self._changed, names="value")
        self._filling = False
        self._on_change = on_change

    def relabel_modes(self, lang: str) -> None:
        self._filling = True
        try:
            current = self.mode.value
            self.mode.options = [(t(f"pay_lab.mode.{m}", lang), m) for m in ("marginal", "retroactive")]
            self.mode.value = current
        finally:
            self._filling = False

    def _changed(self, change: dict) -> None:
        if not self._filling:
            self._on_change()

    def fill(self, plan: CompPlan) -> None:
        """Show ``plan`` in the form without calling ``on_change``."""
        self._filling = True
        try:
            comm = plan.commission
            self.mode.value = comm.mode if comm else "marginal"
            self.tiers.value = format_pairs([(x.from_, x.rate) for x in comm.tiers], True) if comm else "0: 0"
            self.base_pay.value = _plain_text(plan.base_pay)
            self.bonus_target.value = _plain_text(plan.bonus.target) if plan.bonus else "0"
            self.bonus_bands.value = (format_pairs([(b.from_, b.x) for b in plan.bonus.bands], False)
                                      if plan.bonus else "0: 0, 100: 1")
            self.cap.value = _pct_text(plan.cap.attainment) if plan.cap and plan.cap.attainment is not None else ""
        finally:
            self._filling = False

    def values(self) -> dict[str, str]:
        return {name: w.value for name, w in self.widgets.items()}

    def plan(self, base: CompPlan) -> CompPlan:
        """The form's plan on top of ``base`` (see :func:`edited_plan`)."""
        return edited_plan(base, **self.values())
