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

Modules:

- :mod:`~simlib.ui.target_setting.app`: :class:`TargetSetting`, which composes the panels and records
  each section's errors;
- :mod:`~simlib.ui.target_setting.panel`: what a section is built from (:class:`Panel`);
- one panel a section: :mod:`~simlib.ui.target_setting.time_split` (1, the split over time with
  seasonality), :mod:`~simlib.ui.target_setting.matrix` (2, the product × region × customer matrix),
  :mod:`~simlib.ui.target_setting.allocation` (3, the allocation methods and the bottom-up gap),
  :mod:`~simlib.ui.target_setting.smart_check` (4, the SMART check and its simulation) and
  :mod:`~simlib.ui.target_setting.adjustment` (5, the adjustment rule).
"""
from __future__ import annotations

from simlib.ui.target_setting.adjustment import (
    ADJUST_LIMIT,
    ADJUST_MONTHS,
    ADJUST_PRESETS,
    ADJUST_THRESHOLD,
    CUSTOM,
    AdjustmentPanel,
)
from simlib.ui.target_setting.allocation import COMMITMENTS, REP_FIELDS, AllocationPanel
from simlib.ui.target_setting.app import DEFAULT_SCENARIO, EXTRA_CSS, TargetSetting
from simlib.ui.target_setting.matrix import DIMENSIONS, MatrixPanel, dimension_label, member_label
from simlib.ui.target_setting.panel import Panel, amount, check_mark
from simlib.ui.target_setting.smart_check import HORIZONS, METRICS, SmartPanel
from simlib.ui.target_setting.time_split import LEVELS, UNITS, YEARS, TimeSplitPanel

__all__ = [
    "ADJUST_LIMIT",
    "ADJUST_MONTHS",
    "ADJUST_PRESETS",
    "ADJUST_THRESHOLD",
    "COMMITMENTS",
    "CUSTOM",
    "DEFAULT_SCENARIO",
    "DIMENSIONS",
    "EXTRA_CSS",
    "HORIZONS",
    "LEVELS",
    "METRICS",
    "REP_FIELDS",
    "UNITS",
    "YEARS",
    "AdjustmentPanel",
    "AllocationPanel",
    "MatrixPanel",
    "Panel",
    "SmartPanel",
    "TargetSetting",
    "TimeSplitPanel",
    "amount",
    "check_mark",
    "dimension_label",
    "member_label",
]
