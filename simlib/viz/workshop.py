"""Figures of a workshop's published rounds (CONTRACT §5; :mod:`simlib.workshop.scoring`): each team's metric
round by round, the leaderboard's scores, and one team's own quarters — labelled in the reader's language
(plotly only, no widgets).

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"round": [1, 1, 2, 2], "team": ["A", "B", "A", "B"],
    ...                      "revenue": [1e6, 2e6, 1.5e6, 1.8e6], "target": [2e6] * 4})
    >>> [tr.name for tr in rounds_figure(rows, "revenue", "en").data]
    ['A', 'B']
    >>> rounds_figure(rows, "revenue", "en").layout.title.text
    'Revenue by round'
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simlib.base.i18n import t
from simlib.viz.layout import figure_layout
from simlib.workshop.spec import label

__all__ = ["CHART_METRICS", "TEAM_COLORS", "rounds_figure", "score_figure", "team_rounds_figure"]

#: the trainer's charts: one figure per metric, a line per team
CHART_METRICS: tuple[str, ...] = ("revenue", "gross_profit", "attainment", "share")
TEAM_COLORS = ("#1f6fb2", "#e07b39", "#2e8b57", "#c0392b", "#8e44ad", "#e0a100", "#16a085", "#6c7a89",
               "#d35400", "#2c3e50")
_PERCENT = {"attainment", "share", "win_rate", "turnover", "fairness"}


def _axis(metric: str, lang: str) -> dict:
    out: dict = {"title": {"text": label("metric", metric, lang)}}
    if metric in _PERCENT:
        out["tickformat"] = ".0%"
    else:
        out["separatethousands"] = True
    return out


def rounds_figure(results: pd.DataFrame, metric: str, lang: str, teams: Sequence[str] | None = None) -> go.Figure:
    """``metric`` of every team (a line each, in ``teams``' order) over the published rounds of ``results``
    (the trainer's rows: one per round and team). A metric with no value (share in a parallel market) gives
    an empty figure that says so in its title."""
    rows = results if len(results) else pd.DataFrame(columns=["round", "team", metric])
    names = list(teams) if teams is not None else list(dict.fromkeys(rows["team"]))
    values = pd.to_numeric(rows[metric], errors="coerce") if metric in rows else pd.Series(dtype=float)
    empty = bool(values.isna().all())
    traces = []
    for i, team in enumerate(names):
        mine = rows[rows["team"] == team].sort_values("round")
        y = pd.to_numeric(mine[metric], errors="coerce") if metric in mine else pd.Series(dtype=float)
        traces.append(go.Scatter(x=mine["round"].astype(int).tolist(), y=[None if np.isnan(v) else float(v) for v in y],
                                 name=str(team), mode="lines+markers",
                                 line={"color": TEAM_COLORS[i % len(TEAM_COLORS)]}))
    title = t("workshop_pages.viz.rounds", lang, metric=label("metric", metric, lang))
    if empty:
        title = t("workshop_pages.viz.no_values", lang, metric=label("metric", metric, lang))
    return go.Figure(traces, figure_layout(
        lang, title, hovermode="x unified",
        xaxis={"title": {"text": t("workshop_pages.viz.round", lang)}, "dtick": 1},
        yaxis=_axis(metric, lang)))


def score_figure(board: pd.DataFrame, lang: str) -> go.Figure:
    """The leaderboard's scores (0–100), best team first (a bar each)."""
    rows = board.sort_values("rank") if len(board) else board
    fig = go.Figure([go.Bar(x=rows["team"].astype(str).tolist() if len(rows) else [],
                            y=rows["score"].astype(float).tolist() if len(rows) else [],
                            marker={"color": "#1f6fb2"}, name=label("metric", "score", lang),
                            texttemplate="%{y:.0f}", textposition="outside")],
                    figure_layout(lang, t("workshop_pages.viz.score", lang),
                                  xaxis={"title": {"text": label("metric", "team", lang)}},
                                  yaxis={"title": {"text": label("metric", "score", lang)}, "range": [0, 110]}))
    return fig


def team_rounds_figure(results: pd.DataFrame, lang: str) -> go.Figure:
    """One team's quarters: revenue against target (bars) and gross profit (a line), round by round."""
    rows = results.sort_values("round") if len(results) else pd.DataFrame(
        columns=["round", "target", "revenue", "gross_profit"])
    x = rows["round"].astype(int).tolist()
    traces = [go.Bar(x=x, y=rows["target"].astype(float).tolist(), name=label("metric", "target", lang),
                     marker={"color": "#d5dbe1"}),
              go.Bar(x=x, y=rows["revenue"].astype(float).tolist(), name=label("metric", "revenue", lang),
                     marker={"color": "#1f6fb2"}),
              go.Scatter(x=x, y=rows["gross_profit"].astype(float).tolist(), mode="lines+markers",
                         name=label("metric", "gross_profit", lang), line={"color": "#e07b39"})]
    return go.Figure(traces, figure_layout(
        lang, t("workshop_pages.viz.team_rounds", lang), barmode="group", hovermode="x unified",
        xaxis={"title": {"text": t("workshop_pages.viz.round", lang)}, "dtick": 1},
        yaxis={"title": {"text": t("workshop_pages.viz.yuan", lang)}, "separatethousands": True}))
