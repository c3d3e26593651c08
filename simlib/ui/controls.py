"""Controls declared as data: which scenario field a slider drives, its label key and its range.

A slider's hard limits come from the scenario schema's validation bounds (``Field(ge=0, le=1)``);
a declaration may narrow them to a range that suits a classroom app, and the range always widens
to hold the scenario's own value. Labels are catalog keys, so a new app is mostly declarations::

    >>> from simlib.core.scenario import Stage
    >>> schema_bounds(Stage, "conversion")
    (0.0, 1.0)
    >>> c = Control("ui.control.conversion", "funnel.stages[{i}].conversion", "float", 0, 1, 0.01,
    ...             schema=(Stage, "conversion"), readout=".0%")
    >>> c.path_for(i=2), c.limits(0.5)
    ('funnel.stages[2].conversion', (0.0, 1.0))
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types as at
import ipywidgets as W
from pydantic import BaseModel

from simlib.base.i18n import t
from simlib.core.scenario import Leads, Scenario, Stage, Team

__all__ = [
    "HORIZON",
    "HOURS_PER_WEEK",
    "LEADS",
    "REPS",
    "SEED",
    "SLIDER_STYLE",
    "STAGE_CONVERSION",
    "STAGE_WORK_HOURS",
    "TARGET_WON",
    "Control",
    "build_slider",
    "schema_bounds",
]

SLIDER_STYLE = {"description_width": "10em"}
#: the validation annotations that bound a field: (annotation, its attribute, 0 = low bound or 1 = high)
_BOUNDS = ((at.Ge, "ge", 0), (at.Gt, "gt", 0), (at.MinLen, "min_length", 0),
           (at.Le, "le", 1), (at.Lt, "lt", 1), (at.MaxLen, "max_length", 1))


def schema_bounds(model: type[BaseModel], name: str) -> tuple[float, float]:
    """``(low, high)`` allowed by the field's validators (``-inf``/``inf`` when unbounded).

    A strict bound (``gt``/``lt``) is reported as is; :meth:`Control.limits` steps inside it.
    """
    bounds = [-math.inf, math.inf]
    for m in model.model_fields[name].metadata:
        for kind, attr, side in _BOUNDS:
            if isinstance(m, kind):
                bounds[side] = float(getattr(m, attr))
                break
    return bounds[0], bounds[1]


def _strict(model: type[BaseModel], name: str) -> tuple[bool, bool]:
    meta = model.model_fields[name].metadata
    return any(isinstance(m, at.Gt) for m in meta), any(isinstance(m, at.Lt) for m in meta)


@dataclass(frozen=True)
class Control:
    """One slider: ``label`` (catalog key) drives ``path`` (dotted scenario path, ``{i}`` = stage index).

    Attributes:
        kind: ``"int"`` or ``"float"`` — the type the scenario field takes.
        low, high, step: the app's range, narrowed further by ``schema`` bounds when given.
        schema: ``(model, field)`` whose validation bounds clamp the range.
        readout: d3 format of the value shown beside the slider.
    """
    label: str
    path: str
    kind: Literal["int", "float"]
    low: float
    high: float
    step: float
    schema: tuple[type[BaseModel], str] | None = None
    readout: str | None = None

    def path_for(self, **params: Any) -> str:
        return self.path.format(**params)

    def limits(self, value: float | None = None) -> tuple[float, float]:
        """The slider's ``(min, max)``: the app range inside the schema bounds, widened to hold ``value``."""
        lo, hi = float(self.low), float(self.high)
        if self.schema is not None:
            s_lo, s_hi = schema_bounds(*self.schema)
            gt, lt = _strict(*self.schema)
            lo = max(lo, s_lo + self.step if gt else s_lo)
            hi = min(hi, s_hi - self.step if lt else s_hi)
        if value is not None and math.isfinite(value):
            lo, hi = min(lo, value), max(hi, value)
        if self.kind == "int":
            lo, hi = math.floor(lo), math.ceil(hi)
        return lo, hi


def build_slider(control: Control, value: float, lang: str, **label_params: Any) -> W.Widget:
    """A slider for ``control`` at ``value``, labelled in ``lang``; it reports only on release."""
    lo, hi = control.limits(value)
    common = {"description": t(control.label, lang, **label_params), "continuous_update": False,
              "style": SLIDER_STYLE, "layout": W.Layout(width="100%")}
    if control.kind == "int":
        w = W.IntSlider(value=int(value), min=int(lo), max=int(hi), step=int(control.step), **common)
    else:
        w = W.FloatSlider(value=float(value), min=lo, max=hi, step=control.step,
                          readout_format=control.readout or ".2f", **common)
    w.add_class("sdw-control")
    return w


# -- the Funnel Lab's controls -------------------------------------------------------------------------
LEADS = Control("ui.control.leads_per_week", "leads.per_week", "float", 0, 300, 1,
                schema=(Leads, "per_week"), readout=".0f")
STAGE_CONVERSION = Control("ui.control.conversion", "funnel.stages[{i}].conversion", "float", 0, 1, 0.01,
                           schema=(Stage, "conversion"), readout=".0%")
STAGE_WORK_HOURS = Control("ui.control.work_hours", "funnel.stages[{i}].work_hours", "float", 0, 40, 0.5,
                           schema=(Stage, "work_hours"), readout=".1f")
REPS = Control("ui.control.reps", "team.reps", "int", 1, 50, 1, schema=(Team, "reps"))
HOURS_PER_WEEK = Control("ui.control.hours_per_week", "team.hours_per_week", "float", 0, 60, 1,
                         schema=(Team, "hours_per_week"), readout=".0f")
HORIZON = Control("ui.control.horizon_weeks", "horizon_weeks", "int", 1, 104, 1,
                  schema=(Scenario, "horizon_weeks"))
SEED = Control("ui.control.seed", "seed", "int", 0, 999, 1)
TARGET_WON = Control("ui.control.target_won", "target_won", "int", 0, 500, 1)
