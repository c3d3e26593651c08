"""S1's dashboards (COURSE.md §8) as pure functions of a CRM deal table: the attainment board, the
funnel-health board, the activity board, the forecast panel and the anomaly highlights.

Every function takes the tidy deal table of :mod:`simlib.data.crm` — from an upload
(:func:`simlib.data.crm.read_deals`) or from a simulation (:func:`simlib.data.crm.deals_from_result`; a
:class:`simlib.SimResult` is accepted and exported on the way in) — and returns tidy DataFrames and dicts,
with English column names; :func:`localise` turns a table into a trainee's, and each result's
``text(lang)`` says in one line what matters. No widgets, no plotting (:mod:`simlib.viz.dashboards` draws
them)::

    >>> from simlib.data.crm import read_deals
    >>> deals = read_deals("scenarios/crm/sample_deals.csv")        # funnel_basics, 26 weeks, 15 reps
    >>> board = attainment_board(deals, targets=300_000, period="quarter")
    >>> board.start.date(), board.asof.date(), round(board.elapsed, 2)
    (datetime.date(2025, 4, 1), datetime.date(2025, 6, 15), 0.84)
    >>> print(board.text("en"))
    Team: 1,514,462 of 4,500,000 (34%), 84% of the quarter gone. Status: Off track. 14 of 15 behind pace.
    >>> health = funnel_health(deals)
    >>> health.bottleneck["stage"], round(health.bottleneck["conversion"], 2)
    ('negotiation', 0.4)

Time: the period holding ``asof`` (default: the latest date in the table) — a calendar ``week``
(Monday to Sunday), ``month``, ``quarter`` or ``year``; ``asof`` counts as a whole day gone. A won deal
counts in the period its ``closed`` date falls in, for ``amount`` yuan.

One module per board (a module is not named like the function it holds, so ``dashboards.forecast`` is
always the function):

- :mod:`~simlib.data.dashboards.periods`: the day a board is seen at, calendar periods, the role-based
  selection of deals (:func:`select`) and each period's targets (:func:`period_targets`);
- :mod:`~simlib.data.dashboards.attainment`: the attainment board — target vs actual, ranking, change,
  warnings (:func:`pace_status`) and the drill-down (:func:`drill_down`);
- :mod:`~simlib.data.dashboards.funnel_board`: the funnel-health board — stages, conversion, dwell,
  SLA, bottleneck, loss reasons;
- :mod:`~simlib.data.dashboards.activity`: the activity board — activity per rep and week, self-check
  completion, the activity–result correlation;
- :mod:`~simlib.data.dashboards.forecast_panel`: the forecast panel — point, interval, chance of the target;
- :mod:`~simlib.data.dashboards.anomaly_highlights`: the anomaly highlights — robust z-scores of weeks,
  reps, rep-weeks and deal amounts;
- :mod:`~simlib.data.dashboards.labels`: the tables in a trainee's language (:func:`localise`) and the
  stage names (:func:`stage_labels`).
"""
from __future__ import annotations

from simlib.data.dashboards.activity import ACTIVITY_ITEMS, ActivityBoard, activity_board
from simlib.data.dashboards.anomaly_highlights import ROBUST_Z, Anomalies, anomalies, robust_z
from simlib.data.dashboards.attainment import (
    OFF_TRACK,
    PACE_MARGIN,
    STATUSES,
    AttainmentBoard,
    attainment_board,
    drill_down,
    pace_status,
)
from simlib.data.dashboards.forecast_panel import Forecast, forecast
from simlib.data.dashboards.funnel_board import SLA_DAYS, FunnelHealth, funnel_health
from simlib.data.dashboards.labels import localise, stage_labels
from simlib.data.dashboards.periods import PERIODS, period_bounds, period_targets, select

__all__ = [
    "ACTIVITY_ITEMS",
    "OFF_TRACK",
    "PACE_MARGIN",
    "PERIODS",
    "ROBUST_Z",
    "SLA_DAYS",
    "STATUSES",
    "ActivityBoard",
    "Anomalies",
    "AttainmentBoard",
    "Forecast",
    "FunnelHealth",
    "activity_board",
    "anomalies",
    "attainment_board",
    "drill_down",
    "forecast",
    "funnel_health",
    "localise",
    "pace_status",
    "period_bounds",
    "period_targets",
    "robust_z",
    "select",
    "stage_labels",
]
