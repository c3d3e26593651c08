"""Plotly figures for target setting (COURSE.md §1), labelled in the reader's language (plotly only, no widgets).

Each figure is a pure function of tables that :mod:`simlib.formulas.targets` returns, so an app redraws it on every
edit and a test reads its data::

    >>> from simlib import targets
    >>> df = targets.split_time(12_000_000, 2026, "flat")
    >>> fig = time_split_figure(df, "quarter", "en")
    >>> list(fig.data[0].x), int(sum(fig.data[0].y))
    (['Q1', 'Q2', 'Q3', 'Q4'], 12000000)

Fonts name the Noto CJK faces first (:func:`simlib.viz.layout.font_family`) so Chinese renders in the browser
and in exported images. A figure keeps the same traces whatever the numbers, so it can be updated in place.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simlib.base.i18n import t
from simlib.viz.layout import COLORS, figure_layout

__all__ = [
    "PALETTE",
    "achievability_figure",
    "adjustment_figure",
    "allocation_figure",
    "matrix_figure",
    "period_labels",
    "period_targets",
    "time_split_figure",
]

#: colour-blind-safe qualitative colours (Okabe–Ito), one per series
PALETTE = ("#1f6fb2", "#e07b39", "#2a9d8f", "#c0392b", "#8e6cb4", "#b59a2b", "#5d6d7e", "#d35d96")
LEVELS = ("quarter", "month", "week")


def _layout(lang: str, title: str, **extra) -> dict:
    return figure_layout(lang, title, **{"margin": {"l": 70, "r": 20, "t": 50, "b": 45}, **extra})


def period_targets(df: pd.DataFrame, level: str) -> pd.Series:
    """The targets of a :func:`simlib.formulas.targets.split_time` frame rolled up to ``quarter``, ``month`` or ``week``.

    Quarters and months are the top-down targets the split stored (``df.attrs``); weeks are sums of days.
    """
    if level == "quarter":
        return pd.Series(df.attrs["quarters"])
    if level == "month":
        return pd.Series(df.attrs["months"])
    if level == "week":
        return df.groupby("week", sort=True)["target"].sum()
    raise ValueError(f"level must be one of {LEVELS}; got {level!r}")


def period_labels(index: Sequence, level: str, lang: str, year: int | None = None) -> list[str]:
    """Axis labels of periods: ``Q1``, the month's short name (``1月`` / ``Jan``), ``W01``.

    An ISO week of ``year`` drops the year; a week that belongs to the next or last ISO year keeps it
    (``2026-W01`` holds the last days of 2025).
    """
    if level == "month":
        return [t(f"target_setting.month.{int(m)}", lang) for m in index]
    if level == "week":
        own = f"{year}-" if year is not None else None
        return [str(w)[len(own):] if own and str(w).startswith(own) else str(w) for w in index]
    return [str(q) for q in index]


def time_split_figure(df: pd.DataFrame, level: str, lang: str) -> go.Figure:
    """Targets per period (bars) and the cumulative share of the year (line, right axis)."""
    s = period_targets(df, level)
    values = s.to_numpy(dtype=float)
    total = values.sum()
    cum = np.cumsum(values) / total if total > 0 else np.zeros(len(values))
    year = pd.Timestamp(df["date"].iloc[0]).year if len(df) else None
    labels = period_labels(list(s.index), level, lang, year)
    fig = go.Figure(
        [
            go.Bar(name=t("target_setting.viz.target", lang), x=labels, y=values,
                   marker={"color": COLORS["simulated"]}, hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
            go.Scatter(name=t("target_setting.viz.cumulative", lang), x=labels, y=cum, yaxis="y2",
                       mode="lines+markers" if len(labels) <= 12 else "lines", line={"color": COLORS["revenue"]},
                       hovertemplate="%{x}: %{y:.1%}<extra></extra>"),
        ],
        _layout(lang, t(f"target_setting.viz.split_title.{level}", lang),
                xaxis={"type": "category", "tickangle": 0 if len(labels) <= 12 else -60},
                yaxis={"title": {"text": t("target_setting.viz.amount", lang)}, "tickformat": ",.0f",
                       "rangemode": "tozero"},
                yaxis2={"overlaying": "y", "side": "right", "range": [0, 1.05], "tickformat": ".0%",
                        "dtick": 0.25, "showgrid": False},
                bargap=0.15),
    )
    fig.update_layout(margin={"r": 50})
    return fig


def matrix_figure(matrix: pd.DataFrame, rows: str, columns: str, lang: str) -> go.Figure:
    """A :func:`simlib.formulas.targets.split_matrix` frame as stacked bars: ``rows`` on the axis, ``columns`` stacked."""
    pivot = matrix.pivot_table(index=rows, columns=columns, values="target", aggfunc="sum", sort=False)
    x = [str(v) for v in pivot.index]
    traces = [go.Bar(name=str(col), x=x, y=pivot[col].to_numpy(dtype=float),
                     marker={"color": PALETTE[i % len(PALETTE)]},
                     hovertemplate=f"%{{x}} · {col}: %{{y:,.0f}}<extra></extra>")
              for i, col in enumerate(pivot.columns)]
    return go.Figure(traces, _layout(lang, t("target_setting.viz.matrix_title", lang, rows=rows, columns=columns),
                                     barmode="stack",
                                     yaxis={"title": {"text": t("target_setting.viz.amount", lang)},
                                            "tickformat": ",.0f", "rangemode": "tozero"}))


def allocation_figure(table: pd.DataFrame, methods: Mapping[str, str], lang: str,
                      bottom_up: str | None = "bottom_up") -> go.Figure:
    """Each rep's target by each method side by side (grouped bars), with each rep's own commitment.

    Args:
        table: :func:`simlib.formulas.targets.allocation_table` (``rep`` and one column per method).
        methods: ``{column: label}`` of the methods to draw, in order.
        bottom_up: the column of the reps' own commitments (drawn as markers), or None.
    """
    reps = [str(r) for r in table["rep"]]
    traces: list = [go.Bar(name=label, x=reps, y=table[m].to_numpy(dtype=float),
                           marker={"color": PALETTE[i % len(PALETTE)]},
                           hovertemplate=f"%{{x}} · {label}: %{{y:,.0f}}<extra></extra>")
                    for i, (m, label) in enumerate(methods.items())]
    if bottom_up is not None and bottom_up in table:
        name = t("target_setting.viz.bottom_up", lang)
        traces.append(go.Scatter(name=name, x=reps, y=table[bottom_up].to_numpy(dtype=float), mode="markers",
                                 marker={"symbol": "line-ew-open", "size": 26, "line": {"width": 3},
                                         "color": "#222"},
                                 hovertemplate=f"%{{x}} · {name}: %{{y:,.0f}}<extra></extra>"))
    return go.Figure(traces, _layout(lang, t("target_setting.viz.allocation_title", lang), barmode="group",
                                     xaxis={"type": "category"},
                                     legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.12,
                                             "yanchor": "top"},
                                     margin={"l": 70, "r": 20, "t": 50, "b": 20},
                                     yaxis={"title": {"text": t("target_setting.viz.amount", lang)},
                                            "tickformat": ",.0f", "rangemode": "tozero"},
                                     bargap=0.18, bargroupgap=0.05))


def achievability_figure(values: Sequence[float], target: float, metric_label: str, lang: str) -> go.Figure:
    """How the simulated outcomes fall around the target: a histogram and the target as a vertical line."""
    vals = np.asarray(values, dtype=float)
    name = t("target_setting.viz.target", lang)
    top = float(max(vals.max() if len(vals) else 0.0, target) * 1.05) or 1.0
    fig = go.Figure(
        [
            go.Histogram(name=t("target_setting.viz.runs", lang), x=vals, nbinsx=25,
                         marker={"color": COLORS["analytic"], "line": {"color": COLORS["simulated"], "width": 1}},
                         hovertemplate="%{x}: %{y}<extra></extra>"),
            go.Scatter(name=name, x=[target, target], y=[0, 1], yaxis="y2", mode="lines",
                       line={"color": COLORS["full"], "width": 3, "dash": "dash"},
                       hovertemplate=f"{name}: %{{x:,.0f}}<extra></extra>"),
        ],
        _layout(lang, t("target_setting.viz.achievability_title", lang),
                xaxis={"title": {"text": metric_label}, "tickformat": ",.0f", "range": [0, top]},
                yaxis={"title": {"text": t("target_setting.viz.runs", lang)}},
                yaxis2={"overlaying": "y", "range": [0, 1], "visible": False}, bargap=0.05),
    )
    return fig


def adjustment_figure(months: Sequence[str], target: Sequence[float], actual: Sequence[float | None],
                      lang: str, threshold: float = 0.30) -> go.Figure:
    """Monthly target and actual (bars) and attainment (line, right axis) inside the ±``threshold`` band."""
    tgt = np.asarray(target, dtype=float)
    act = np.asarray([np.nan if a is None else a for a in actual], dtype=float)
    att = np.divide(act, tgt, out=np.full(len(tgt), np.nan), where=(tgt > 0) & ~np.isnan(act))
    months = list(months)
    band = t("target_setting.viz.band", lang, pct=f"{threshold:.0%}")
    att_top = np.nanmax(att) if np.isfinite(att).any() else 1.0
    top = max(1.0 + threshold, float(att_top)) * 1.1
    fig = go.Figure(
        [
            go.Bar(name=t("target_setting.viz.target", lang), x=months, y=tgt, marker={"color": COLORS["analytic"]},
                   hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
            go.Bar(name=t("target_setting.viz.actual", lang), x=months, y=act, marker={"color": COLORS["simulated"]},
                   hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
            go.Scatter(name=t("target_setting.viz.attainment", lang), x=months, y=att, yaxis="y2",
                       mode="lines+markers", line={"color": COLORS["revenue"]},
                       hovertemplate="%{x}: %{y:.0%}<extra></extra>"),
            go.Scatter(name=band, x=months + months[::-1],
                       y=[1 + threshold] * len(months) + [1 - threshold] * len(months), yaxis="y2",
                       fill="toself", fillcolor="rgba(42,157,143,0.12)", line={"width": 0}, hoverinfo="skip"),
        ],
        _layout(lang, t("target_setting.viz.adjustment_title", lang), barmode="group",
                xaxis={"type": "category"},
                yaxis={"title": {"text": t("target_setting.viz.amount", lang)}, "tickformat": ",.0f",
                       "rangemode": "tozero"},
                yaxis2={"title": {"text": t("target_setting.viz.attainment", lang)}, "overlaying": "y",
                        "side": "right", "range": [0, top], "tickformat": ".0%", "dtick": 0.2 if top < 2 else 0.5,
                        "showgrid": False}),
    )
    fig.update_layout(margin={"r": 60})
    return fig
