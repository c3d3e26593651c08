"""Plotly figures of a run's result tables, labelled in the reader's language (plotly only, no widgets).

Each figure is a pure function of a :class:`simlib.SimResult` (or its tables) and a language, so an
app can redraw it on every slider move, a notebook can show it, and a test can read its data::

    >>> import simlib
    >>> res = simlib.simulate(simlib.load_scenario("scenarios/funnel_basics.yaml"), seed=7)
    >>> fig = funnel_figure(res, "en")
    >>> [t.name for t in fig.data]
    ['Simulated', 'Analytic']
    >>> list(fig.data[0].y)
    ['Lead', 'Opportunity', 'Proposal', 'Negotiation', 'Won']

Fonts and layout come from :mod:`simlib.viz.layout`. A figure keeps the same traces whatever the data, so
an app can update a figure in place.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from simlib.base.i18n import t
from simlib.core.funnel import expected
from simlib.core.results import SimResult
from simlib.viz.layout import COLORS, figure_layout

__all__ = ["funnel_figure", "utilization_figure", "weekly_figure"]

def funnel_figure(res: SimResult, lang: str) -> go.Figure:
    """Deals entering each stage, simulated beside analytic (:func:`simlib.expected`), then the wins."""
    sc = res.scenario
    counts = res.stage_counts()
    exp = expected(sc)
    labels = [s.display(lang) for s in sc.funnel.stages] + [t("viz.won", lang)]
    simulated = [float(v) for v in counts["entered"]] + [float(res.summary()["won"])]
    analytic = [exp["stages"][n] for n in sc.stage_names] + [exp["won"]]
    fig = go.Figure(
        [
            go.Funnel(name=t("viz.simulated", lang), y=labels, x=simulated, marker={"color": COLORS["simulated"]},
                      texttemplate="%{x:,.0f}", textposition="inside", hovertemplate="%{y}: %{x:,.0f}"),
            go.Funnel(name=t("viz.analytic", lang), y=labels, x=analytic, marker={"color": COLORS["analytic"]},
                      texttemplate="%{x:,.0f}", textposition="inside", hovertemplate="%{y}: %{x:,.1f}"),
        ],
        figure_layout(lang, t("viz.funnel.title", lang), funnelmode="group"),
    )
    return fig


def weekly_figure(res: SimResult, lang: str) -> go.Figure:
    """Wins (bars) and revenue (line, right axis) week by week."""
    w = res.weekly()
    weeks = w["week"].to_numpy()
    fig = go.Figure(
        [
            go.Bar(name=t("viz.weekly.wins", lang), x=weeks, y=w["won"].to_numpy(),
                   marker={"color": COLORS["simulated"]}, hovertemplate="%{x}: %{y}"),
            go.Scatter(name=t("viz.weekly.revenue", lang), x=weeks, y=w["revenue"].to_numpy(), yaxis="y2",
                       mode="lines+markers", line={"color": COLORS["revenue"]}, hovertemplate="%{x}: %{y:,.0f}"),
        ],
        figure_layout(lang, t("viz.weekly.title", lang),
                      xaxis={"title": {"text": t("viz.weekly.week", lang)},
                             "dtick": max(1, math.ceil(len(weeks) / 26))},
                      yaxis={"title": {"text": t("viz.weekly.wins", lang)}, "rangemode": "tozero"},
                      yaxis2={"title": {"text": t("viz.weekly.revenue", lang)}, "overlaying": "y",
                              "side": "right", "rangemode": "tozero", "showgrid": False, "tickformat": ",.0f",
                              "tickmode": "auto", "nticks": 6},
                      bargap=0.2),
    )
    fig.update_layout(margin={"r": 60})
    return fig


def utilization_figure(res: SimResult, lang: str) -> go.Figure:
    """Share of each rep's hours worked over the run, beside the analytic demand for hours.

    The analytic line is demanded ÷ available hours (:func:`simlib.expected`); above 100 % the funnel
    asks for more work than the team can do, and deals queue.
    """
    rw = res.rep_weeks
    per_rep = rw.groupby("rep", sort=False)[["hours_worked", "hours_available"]].sum()
    avail = per_rep["hours_available"].to_numpy()
    util = np.divide(per_rep["hours_worked"].to_numpy(), avail, out=np.zeros(len(avail)), where=avail > 0)
    reps = list(per_rep.index)
    demand = expected(res.scenario)["utilization"]
    demand = demand if math.isfinite(demand) else 0.0
    top = max(1.05, min(demand, 3.0) * 1.05)
    fig = go.Figure(
        [
            go.Bar(name=t("viz.utilization.worked", lang), x=reps, y=util, marker={"color": COLORS["simulated"]},
                   hovertemplate="%{x}: %{y:.0%}"),
            go.Scatter(name=t("viz.utilization.demand", lang), x=reps, y=[demand] * len(reps), mode="lines",
                       line={"color": COLORS["full"], "dash": "dash"}, hovertemplate="%{y:.0%}"),
        ],
        figure_layout(lang, t("viz.utilization.title", lang),
                      xaxis={"title": {"text": t("viz.utilization.rep", lang)}, "type": "category"},
                      yaxis={"title": {"text": t("viz.utilization.yaxis", lang)}, "tickformat": ".0%",
                             "range": [0, top]}),
    )
    return fig
