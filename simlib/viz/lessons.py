"""Small figures of the lesson pages (:mod:`simlib.content.lessons`) that no app draws, labelled in the reader's
language (plotly only, no widgets; trace data as plain lists).

    >>> fig = ramp_figure(3.4, "en")
    >>> [tr.name for tr in fig.data]
    ['Without a mentor', 'With a mentor', 'Mean of the first 3 months: 60%', 'Mean of the first 3 months: 85%']
    >>> import simlib
    >>> w = simlib.simulate("scenarios/funnel_basics.yaml", seed=7).weekly()
    >>> fig = pace_figure(w, 2_600_000, "en")
    >>> fig.data[1].y[-1] == 2_600_000, len(fig.data[0].y)
    (True, 13)
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simlib.base.i18n import t
from simlib.core.people import Mentoring, Ramp, mean_ramp, ramp_curve
from simlib.viz.layout import COLORS, figure_layout

__all__ = ["pace_figure", "plan_outcome_figure", "ramp_figure"]

PLAIN, MENTORED, BEHIND = "#e07b39", "#2e8b57", "#c0392b"


def ramp_figure(speed: float, lang: str, months: float = 12.0) -> go.Figure:
    """A new hire's output (÷ a tenured rep's) by months in the job, without a mentor and with one who makes
    learning ``speed`` times faster during the mentoring months (:class:`simlib.models.team.Mentoring`), with each
    curve's mean over those first months (:func:`simlib.models.team.mean_ramp`; S0: 60 % → 85 %)."""
    ramp, span = Ramp(), Mentoring().months
    x = np.linspace(0.0, months, 121)
    plain = ramp_curve(x, ramp.start, ramp.tau_months)
    experience = np.where(x <= span, x * speed, span * speed + (x - span))
    fast = ramp_curve(experience, ramp.start, ramp.tau_months)
    means = (mean_ramp(span, ramp.start, ramp.tau_months), mean_ramp(span, ramp.start, ramp.tau_months, speed))
    xs = [round(float(v), 4) for v in x]
    traces = [
        go.Scatter(name=t("lessons.viz.ramp.plain", lang), x=xs, y=[round(float(v), 4) for v in plain], mode="lines",
                   line={"color": PLAIN, "width": 2.5}, hovertemplate="%{x:.1f}: %{y:.0%}<extra></extra>"),
        go.Scatter(name=t("lessons.viz.ramp.mentored", lang), x=xs, y=[round(float(v), 4) for v in fast],
                   mode="lines", line={"color": MENTORED, "width": 2.5},
                   hovertemplate="%{x:.1f}: %{y:.0%}<extra></extra>"),
    ]
    for m, color in zip(means, (PLAIN, MENTORED), strict=True):
        name = t("lessons.viz.ramp.mean", lang, months=f"{span:g}", mean=f"{m:.0%}")
        traces.append(go.Scatter(name=name, x=[0.0, float(span)], y=[round(m, 4), round(m, 4)], mode="lines",
                                 line={"color": color, "width": 2, "dash": "dash"},
                                 hovertemplate=f"{name}<extra></extra>"))
    return go.Figure(traces, figure_layout(
        lang, t("lessons.viz.ramp.title", lang),
        margin={"l": 60, "r": 20, "t": 50, "b": 90},
        legend={"orientation": "h", "yref": "container", "y": 0.01, "yanchor": "bottom", "xanchor": "left", "x": 0.0},
        xaxis={"title": {"text": t("lessons.viz.ramp.xaxis", lang)}, "range": [0, months]},
        yaxis={"title": {"text": t("lessons.viz.ramp.yaxis", lang)}, "tickformat": ".0%", "range": [0, 1.05]}))


def pace_figure(weekly: pd.DataFrame, target: float, lang: str) -> go.Figure:
    """The attainment board's question each week: cumulative revenue (bars; red where behind) against the
    even pace to ``target`` over the weeks of ``weekly`` (:meth:`simlib.SimResult.weekly`: ``week, revenue``)."""
    weeks = [int(w) for w in weekly["week"]]
    n = len(weeks)
    actual = [float(v) for v in np.cumsum(weekly["revenue"].to_numpy(dtype=float))]
    pace = [target * w / n for w in weeks] if n else []
    colors = [COLORS["simulated"] if a >= p - 1e-9 else BEHIND for a, p in zip(actual, pace, strict=True)]
    last = actual[-1] / target if n and target > 0 else float("nan")
    return go.Figure(
        [
            go.Bar(name=t("lessons.viz.pace.actual", lang), x=weeks, y=actual, marker={"color": colors},
                   hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
            go.Scatter(name=t("lessons.viz.pace.pace", lang), x=weeks, y=pace, mode="lines",
                       line={"color": "#333", "dash": "dash"}, hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
        ],
        figure_layout(lang, t("lessons.viz.pace.title", lang, attainment=f"{last:.0%}"),
                      xaxis={"title": {"text": t("viz.weekly.week", lang)}, "dtick": 1},
                      yaxis={"title": {"text": t("lessons.viz.pace.yaxis", lang)}, "tickformat": ",.0f",
                             "rangemode": "tozero"},
                      bargap=0.2))


def plan_outcome_figure(summary: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None) -> go.Figure:
    """What each plan got from the same team: revenue (bars in the lower half, labelled with the share of reps
    at quota) and pay cost ÷ revenue (diamonds in the upper half, right axis).
    ``summary`` is :attr:`simlib.analysis.whatif.PlanComparison.summary`."""
    labels = [str(k) for k in summary.index]
    x = [(names or {}).get(k, k) for k in labels]
    revenue = [float(v) for v in summary["revenue"]]
    cost = [float(v) for v in summary["pay_cost_ratio"]]
    reached = [float(v) for v in summary["quota_reached_share"]]
    text = [t("lessons.viz.plans.reached", lang, share=f"{r:.0%}") for r in reached]
    top_rev = max([*revenue, 1.0])
    top_cost = max([*[c for c in cost if math.isfinite(c)], 0.01])
    ticks = [0.0, round(top_cost / 2, 4), round(top_cost, 4)]
    return go.Figure(
        [
            go.Bar(name=t("lessons.viz.plans.revenue", lang), x=x, y=revenue, text=text, textposition="inside",
                   insidetextanchor="end", marker={"color": COLORS["simulated"]},
                   hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
            go.Scatter(name=t("lessons.viz.plans.cost", lang), x=x, y=cost, yaxis="y2", mode="markers+text",
                       text=[f"{c:.1%}" for c in cost], textposition="middle right",
                       marker={"color": COLORS["revenue"], "size": 14, "symbol": "diamond"},
                       hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        ],
        figure_layout(lang, t("lessons.viz.plans.title", lang), bargap=0.45,
                      xaxis={"type": "category"},
                      yaxis={"title": {"text": t("lessons.viz.plans.revenue", lang)}, "tickformat": ",.0f",
                             "range": [0, top_rev * 1.9]},
                      yaxis2={"title": {"text": t("lessons.viz.plans.cost", lang)}, "overlaying": "y",
                              "side": "right", "tickformat": ".1%", "range": [-1.5 * top_cost, 1.25 * top_cost],
                              "tickvals": ticks, "showgrid": False, "zeroline": False},
                      margin={"l": 70, "r": 70, "t": 50, "b": 45}))
