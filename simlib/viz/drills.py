"""Plotly figures of the drills (COURSE.md §9; :mod:`simlib.content.drills`): drill 03's dashboard at the mid-quarter
review and its projection of the quarter with and without the trainee's fixes, labelled in the reader's
language (``simlib/locales/exercise.<lang>.yaml``) with the CJK fonts of :func:`simlib.viz.layout.figure_layout`.
Plotly only, no widgets; every trace holds plain Python lists (a browser test reads ``gd.data``)::

    >>> from simlib.content.drills import review_dashboard, project_quarter
    >>> fig = review_pace_figure(review_dashboard(), "en")
    >>> [tr.name for tr in fig.data], fig.data[0].x[:3]
    (['Revenue so far', "The target's pace"], (1, 2, 3))
    >>> p = project_quarter({"hours_per_week": 8})
    >>> fig = projection_figure(p["table"], "zh-Hant")
    >>> [tr.name for tr in fig.data]
    ['實際（至復盤）', '不做調整', '採取你的措施', '目標進度']
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from simlib.base.i18n import t
from simlib.viz.layout import COLORS, figure_layout

__all__ = ["pitch_timing_figure", "projection_figure", "review_activity_figure", "review_funnel_figure",
           "review_pace_figure"]

_PLAN = "#9aa7b4"
_FIX = "#2e8b57"


def _floats(values: Iterable) -> list:
    """Plain Python floats, None for NaN (plotly leaves a gap; JSON has no NaN)."""
    out = []
    for v in values:
        f = float(v)
        out.append(f if math.isfinite(f) else None)
    return out


def _ints(values: Iterable) -> list[int]:
    return [int(v) for v in values]


def _week_axis(lang: str, weeks: int | None = None) -> dict:
    axis = {"title": {"text": t("exercise.viz.quarter_week", lang)}, "dtick": 1}
    if weeks:
        axis["range"] = [0.5, weeks + 0.5]
    return axis


def _money_axis(lang: str) -> dict:
    return {"title": {"text": t("exercise.viz.revenue_axis", lang)}, "tickformat": ",.0f", "rangemode": "tozero"}


def review_pace_figure(dash: Mapping, lang: str) -> go.Figure:
    """Drill 03's attainment board: revenue won so far, week by week (cumulative), against the target's
    even pace."""
    w: pd.DataFrame = dash["weekly"]
    x = _ints(w["quarter_week"])
    fig = go.Figure(
        [
            go.Scatter(name=t("exercise.viz.cum_revenue", lang), x=x, y=_floats(w["cum_revenue"]),
                       mode="lines+markers", line={"color": COLORS["simulated"], "width": 3},
                       hovertemplate="%{x}: %{y:,.0f}"),
            go.Scatter(name=t("exercise.viz.target_pace", lang), x=x, y=_floats(w["target_pace"]),
                       mode="lines", line={"color": _PLAN, "dash": "dash"}, hovertemplate="%{x}: %{y:,.0f}"),
        ],
        figure_layout(lang, t("exercise.viz.pace_title", lang), xaxis=_week_axis(lang), yaxis=_money_axis(lang)),
    )
    fig.update_layout(margin={"l": 80})
    return fig


def review_funnel_figure(dash: Mapping, lang: str, stage_labels: Mapping[str, str] | None = None) -> go.Figure:
    """Drill 03's funnel-health board: each stage's conversion so far beside the plan's; hover shows how
    many deals the stage has decided."""
    f: pd.DataFrame = dash["funnel"]
    labels = [str((stage_labels or {}).get(s, s)) for s in f["stage"]]
    decided = _ints(f["decided"])
    fig = go.Figure(
        [
            go.Bar(name=t("exercise.viz.plan_conversion", lang), x=labels, y=_floats(f["plan_conversion"]),
                   marker={"color": _PLAN}, hovertemplate="%{x}: %{y:.0%}"),
            go.Bar(name=t("exercise.viz.actual_conversion", lang), x=labels, y=_floats(f["conversion"]),
                   marker={"color": COLORS["simulated"]}, customdata=decided,
                   texttemplate="%{y:.0%}", textposition="outside",
                   hovertemplate="%{x}: %{y:.0%} (n = %{customdata})"),
        ],
        figure_layout(lang, t("exercise.viz.funnel_title", lang), barmode="group",
                      yaxis={"title": {"text": t("exercise.viz.conversion_axis", lang)}, "tickformat": ".0%",
                             "rangemode": "tozero"}),
    )
    return fig


def review_activity_figure(dash: Mapping, lang: str) -> go.Figure:
    """Drill 03's activity board: new leads a week (bars) against the plan, utilisation of the team's
    hours and the open deals at each week's end (lines, right axis)."""
    w: pd.DataFrame = dash["weekly"]
    s = dash["summary"]
    x = _ints(w["quarter_week"])
    fig = go.Figure(
        [
            go.Bar(name=t("exercise.viz.leads", lang), x=x, y=_floats(w["leads"]), marker={"color": COLORS["analytic"]},
                   hovertemplate="%{x}: %{y:,.0f}"),
            go.Scatter(name=t("exercise.viz.plan_leads", lang), x=x, y=[float(s["plan_leads_per_week"])] * len(x),
                       mode="lines", line={"color": _PLAN, "dash": "dash"}, hovertemplate="%{y:,.0f}"),
            go.Scatter(name=t("exercise.viz.open_deals", lang), x=x, y=_floats(w["open_end"]), mode="lines+markers",
                       line={"color": COLORS["revenue"]}, hovertemplate="%{x}: %{y:,.0f}"),
            go.Scatter(name=t("exercise.viz.utilization", lang), x=x, y=_floats(w["utilization"]), yaxis="y2",
                       mode="lines+markers", line={"color": COLORS["full"]}, hovertemplate="%{x}: %{y:.0%}"),
        ],
        figure_layout(lang, t("exercise.viz.activity_title", lang), xaxis=_week_axis(lang),
                      yaxis={"title": {"text": t("exercise.viz.count_axis", lang)}, "rangemode": "tozero"},
                      yaxis2={"title": {"text": t("exercise.viz.utilization", lang)}, "overlaying": "y",
                              "side": "right", "range": [0, 1.05], "tickformat": ".0%", "showgrid": False},
                      bargap=0.3),
    )
    fig.update_layout(margin={"r": 60})
    return fig


def _band(x: list, low: Iterable, high: Iterable, name: str, color: str, group: str) -> list[go.Scatter]:
    """A shaded interval: the lower edge (no legend entry), then the upper edge filled down to it."""
    rgba = "rgba({},{},{},0.16)".format(*(int(color[i:i + 2], 16) for i in (1, 3, 5)))
    return [go.Scatter(name=name, x=x, y=_floats(low), mode="lines", line={"width": 0}, showlegend=False,
                       legendgroup=group, hoverinfo="skip"),
            go.Scatter(name=name, x=x, y=_floats(high), mode="lines", line={"width": 0}, fill="tonexty",
                       fillcolor=rgba, legendgroup=group, hoverinfo="skip")]


def projection_figure(table: pd.DataFrame, lang: str, band: pd.DataFrame | None = None,
                      level: float = 0.8) -> go.Figure:
    """Drill 03's projection: cumulative revenue up to the review, then the rest of the quarter without
    and with the trainee's fixes, against the target's pace (a dotted line marks the review). ``band``
    (:func:`simlib.content.drills.project_quarter` with futures): the central ``level`` of the other futures,
    shaded, without and with the fixes."""
    x = _ints(table["quarter_week"])
    actual = _floats(table["actual"])
    review = max((w for w, a in zip(x, actual, strict=True) if a is not None), default=0)
    fig = go.Figure(
        [
            go.Scatter(name=t("exercise.viz.actual", lang), x=x, y=actual, mode="lines+markers",
                       line={"color": COLORS["simulated"], "width": 3}, hovertemplate="%{x}: %{y:,.0f}"),
            go.Scatter(name=t("exercise.viz.baseline", lang), x=x, y=_floats(table["baseline"]), mode="lines",
                       line={"color": COLORS["full"], "dash": "dot"}, hovertemplate="%{x}: %{y:,.0f}"),
            go.Scatter(name=t("exercise.viz.with_fixes", lang), x=x, y=_floats(table["with_fixes"]), mode="lines",
                       line={"color": _FIX, "width": 3}, hovertemplate="%{x}: %{y:,.0f}"),
            go.Scatter(name=t("exercise.viz.target_pace", lang), x=x, y=_floats(table["target_pace"]), mode="lines",
                       line={"color": _PLAN, "dash": "dash"}, hovertemplate="%{x}: %{y:,.0f}"),
        ],
        figure_layout(lang, t("exercise.viz.projection_title", lang), xaxis=_week_axis(lang, len(x)),
                      yaxis=_money_axis(lang)),
    )
    if band is not None:
        bx = _ints(band["quarter_week"])
        share = f"{level:.0%}"
        fig.add_traces(_band(bx, band["baseline_low"], band["baseline_high"],
                             t("exercise.viz.band_baseline", lang, share=share), COLORS["full"], "band-baseline")
                       + _band(bx, band["with_fixes_low"], band["with_fixes_high"],
                               t("exercise.viz.band_fixes", lang, share=share), _FIX, "band-fixes"))
    if review:
        fig.add_vline(x=review + 0.5, line={"color": "#555", "dash": "dot", "width": 1})
        fig.add_annotation(x=review + 0.5, y=1, yref="paper", text=t("exercise.viz.review", lang), showarrow=False,
                           xanchor="left", yanchor="top", font={"size": 11, "color": "#555"})
    fig.update_layout(margin={"l": 80})
    return fig


_PART_COLORS = ("#1f6fb2", "#4a9fd8", "#2e8b57", "#e0a339", "#b03a2e")


def pitch_timing_figure(parts: pd.DataFrame, lang: str, limit: float = 5.0,
                        labels: Mapping[str, str] | None = None) -> go.Figure:
    """S3 group work: how the trainee shares out the pitch's minutes — one stacked bar, a segment per
    5A part in order (``parts``: ``part``, ``minutes``, from the trainee's own answer; ``labels``: part
    → name in the reader's language), and the contest's limit as a dashed line.

        >>> df = pd.DataFrame({"part": ["attention", "desire"], "minutes": [1.0, 2.5]})
        >>> fig = pitch_timing_figure(df, "en", labels={"attention": "Attention"})
        >>> [(tr.name, tr.x) for tr in fig.data]
        [('Attention', (1.0,)), ('desire', (2.5,))]
    """
    minutes = _floats(parts["minutes"])
    total = float(sum(m for m in minutes if m is not None))
    bar = t("exercise.viz.your_pitch", lang)
    names = [str((labels or {}).get(p, p)) for p in parts["part"]]
    fig = go.Figure(
        [go.Bar(name=name, x=[m], y=[bar], orientation="h", marker={"color": _PART_COLORS[i % len(_PART_COLORS)]},
                text=[f"{m:g}"], textposition="inside", hovertemplate=f"{name}: %{{x:g}}<extra></extra>")
         for i, (name, m) in enumerate(zip(names, minutes, strict=True)) if m is not None],
        figure_layout(lang, t("exercise.viz.pitch_title", lang, total=f"{total:g}", limit=f"{limit:g}"),
                      barmode="stack", height=250, margin={"l": 20, "r": 20, "t": 50, "b": 90},
                      xaxis={"title": {"text": t("exercise.viz.minutes_axis", lang)},
                             "range": [0, max(limit, total) * 1.08], "dtick": 1},
                      yaxis={"showticklabels": False}, legend={"orientation": "h", "y": -0.55, "x": 0, "traceorder": "normal"}),
    )
    fig.add_vline(x=limit, line={"color": "#555", "dash": "dash", "width": 1.5})
    fig.add_annotation(x=limit, y=1, yref="paper", text=t("exercise.viz.pitch_limit", lang, limit=f"{limit:g}"),
                       showarrow=False, xanchor="right", yanchor="bottom", font={"size": 11, "color": "#555"})
    return fig
