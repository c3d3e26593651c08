"""Figures of a team over time (COURSE.md §5; :mod:`simlib.models.team`): who is in which state each week,
how new hires ramp up against the S0 curves, and each seat's attainment under two people policies —
labelled in the reader's language (plotly only, no widgets).

    >>> import simlib
    >>> res = simlib.simulate("scenarios/team/s0_it_company.yaml", seed=1)
    >>> [tr.name for tr in staffing_figure(res.people, "en").data]
    ['Active', 'Mentor', 'Mentee', 'In training', 'On a PIP', 'Vacant']
    >>> [tr.name for tr in ramp_figure(res.people, "en").data][-2:]
    ['Curve without a mentor', 'Curve with a mentor']
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simlib.base.i18n import t
from simlib.core.people import Mentoring, Ramp, label, ramp_curve
from simlib.viz.layout import figure_layout

__all__ = ["STATE_COLORS", "attainment_figure", "ramp_figure", "staffing_figure"]

STATE_COLORS = {"active": "#1f6fb2", "mentor": "#6fa8dc", "mentee": "#2e8b57", "training": "#e0a100",
                "pip": "#c0392b", "vacant": "#d5dbe1"}
POLICY_COLORS = ("#9aa7b4", "#e07b39", "#1f6fb2", "#2e8b57")
_ORDER = ("active", "mentor", "mentee", "training", "pip", "vacant")


def staffing_figure(people: pd.DataFrame, lang: str) -> go.Figure:
    """Seats by state, week by week (stacked): active, mentoring, mentored, in training, on a PIP, vacant."""
    weeks = np.arange(1, int(people.week.max()) + 1) if len(people) else np.arange(1, 2)
    counts = (people.groupby(["week", "state"]).size().unstack(fill_value=0)
              .reindex(index=weeks, columns=list(_ORDER), fill_value=0))
    traces = [go.Scatter(x=weeks.tolist(), y=counts[s].to_numpy().tolist(), name=label("state", s, lang), stackgroup="seats",
                         mode="lines", line={"width": 0.5, "color": STATE_COLORS[s]},
                         fillcolor=STATE_COLORS[s], hovertemplate=f"{label('state', s, lang)}: %{{y}}<extra></extra>")
              for s in _ORDER]
    return go.Figure(traces, figure_layout(
        lang, t("team_viz.staffing.title", lang), hovermode="x unified",
        xaxis={"title": {"text": t("team_viz.week", lang)}},
        yaxis={"title": {"text": t("team_viz.staffing.yaxis", lang)}, "rangemode": "tozero"}))


def ramp_figure(people: pd.DataFrame, lang: str, ramp: Ramp | None = None,
                mentoring: Mentoring | None = None, months: float = 12.0) -> go.Figure:
    """New hires' productivity (÷ a tenured rep's) by months in the job — each new hire's weeks as
    dots, mentored in green — over the S0 curves without and with a mentor (60 % and 85 % over the
    first three months)."""
    ramp = ramp or Ramp()
    mentoring = mentoring or Mentoring()
    speed, span = mentoring.ramp_speed, mentoring.months
    p = people[(people.state != "vacant") & people.tenure_months.notna() & (people.tenure_months <= months)]
    mentored = p.state == "mentee"
    traces = []
    for flag, key, color in ((False, "plain", "#e07b39"), (True, "mentored", "#2e8b57")):
        q = p[mentored == flag]
        traces.append(go.Scatter(x=q.tenure_months.to_numpy().tolist(), y=q.ramp.to_numpy().tolist(), mode="markers",
                                 name=t(f"team_viz.ramp.{key}", lang), marker={"size": 5, "color": color, "opacity": 0.6},
                                 text=q.occupant.tolist(),
                                 hovertemplate="%{text}: %{x:.1f} · %{y:.0%}<extra></extra>"))
    x = np.linspace(0, months, 121)
    plain = ramp_curve(x, ramp.start, ramp.tau_months)
    experience = np.where(x <= span, x * speed, span * speed + (x - span))   # faster while mentored
    fast = ramp_curve(experience, ramp.start, ramp.tau_months)
    traces.append(go.Scatter(x=x.tolist(), y=plain.tolist(), mode="lines", name=t("team_viz.ramp.curve_plain", lang),
                             line={"color": "#e07b39", "dash": "dot"}, hoverinfo="skip"))
    traces.append(go.Scatter(x=x.tolist(), y=fast.tolist(), mode="lines", name=t("team_viz.ramp.curve_mentored", lang),
                             line={"color": "#2e8b57", "dash": "dot"}, hoverinfo="skip"))
    return go.Figure(traces, figure_layout(
        lang, t("team_viz.ramp.title", lang),
        xaxis={"title": {"text": t("team_viz.ramp.xaxis", lang)}, "range": [0, months]},
        yaxis={"title": {"text": t("team_viz.ramp.yaxis", lang)}, "tickformat": ".0%", "range": [0, 1.05]}))


def attainment_figure(attainment: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None) -> go.Figure:
    """Each seat's mean attainment over full periods and replications, one bar per policy, with the
    100 % line."""
    full = attainment[attainment.weeks == attainment.weeks.max()] if len(attainment) else attainment
    seats = list(dict.fromkeys(full.seat)) if len(full) else []
    traces = []
    for i, (policy, g) in enumerate(full.groupby("policy", sort=False)):
        m = g.groupby("seat").attainment.mean().reindex(seats)
        name = (names or {}).get(policy, policy)
        traces.append(go.Bar(x=seats, y=m.to_numpy().tolist(), name=name, marker={"color": POLICY_COLORS[i % len(POLICY_COLORS)]},
                             hovertemplate=f"{name} · %{{x}}: %{{y:.0%}}<extra></extra>"))
    fig = go.Figure(traces, figure_layout(
        lang, t("team_viz.attainment.title", lang), barmode="group", bargap=0.25,
        xaxis={"type": "category", "tickangle": -45 if len(seats) > 10 else 0},
        yaxis={"title": {"text": t("team_viz.attainment.yaxis", lang)}, "tickformat": ".0%", "rangemode": "tozero"},
        shapes=[{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": 1, "y1": 1,
                 "line": {"color": "#333", "dash": "dash", "width": 1}}]))
    return fig
