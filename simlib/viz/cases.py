"""Figures of a case study (:mod:`simlib.analysis.cases`): each step's headline number, and how far each
simulated figure lies from the deck's, labelled in the reader's language (plotly only, no widgets).

    >>> from simlib import cases
    >>> run = cases.run_case("scenarios/cases/electronics_bottleneck.yaml", n=3)
    >>> fig = steps_figure(run, "en")
    >>> list(fig.data[0].x)
    ['Before training', 'After training', 'After training, hours to spare']
    >>> gap_figure(run, "en").layout.xaxis.title.text
    '(simulated − deck) ÷ tolerance'
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from simlib.analysis.cases import CaseRun, fmt_value, is_share, split_metric
from simlib.base.i18n import catalog, t
from simlib.viz.layout import COLORS, figure_layout

__all__ = ["gap_figure", "metric_label", "steps_figure"]

STEP_COLORS = ("#9aa7b4", "#1f6fb2", "#e07b39", "#2e8b57", "#8e44ad", "#c0392b")

def metric_label(metric: str, lang: str) -> str:
    """A metric's name for a reader: ``cases.metric.<name>`` (or the account table's column name),
    with its argument (``revenue:張明`` -> ``Revenue · 張明``).

        >>> metric_label("stage_conversion:visit", "en"), metric_label("renewal_rate_A", "en")
        ('Conversion · visit', 'Renewal rate A')
    """
    name, arg = split_metric(metric)
    cat = catalog(lang)
    text = cat.get(f"cases.metric.{name}")
    if text is None:
        base, _, tier = name.rpartition("_")
        if tier in ("A", "B", "C") and f"accounts.col.{base}" in cat:
            text = f"{cat[f'accounts.col.{base}']} {tier}"
        else:
            text = cat.get(f"accounts.col.{name}", name)
    return f"{text} · {arg}" if arg else text


def steps_figure(run: CaseRun, lang: str, metric: str | None = None) -> go.Figure:
    """The case's headline metric (or ``metric``) for every step, with a 95 % interval of the mean."""
    metric = metric or run.case.headlines[0]
    s = run.summary(lang)
    s = s[s.metric == metric]
    half = (s["high"] - s["mean"]).to_numpy(float)
    y = s["mean"].to_numpy(float)
    text = [fmt_value(metric, v) for v in y]
    bar = go.Bar(x=list(s.label), y=y.tolist(), text=text, textposition="inside", insidetextanchor="end",
                 error_y={"type": "data", "array": np.nan_to_num(half).tolist(), "visible": True, "color": "#333",
                          "thickness": 1.5},
                 marker={"color": [STEP_COLORS[i % len(STEP_COLORS)] for i in range(len(s))]},
                 hovertemplate="%{x}: %{y:,.4~g}<extra></extra>", name=metric_label(metric, lang))
    top = float(np.nanmax(y + np.nan_to_num(half))) if len(y) else 1.0
    yaxis = {"title": {"text": metric_label(metric, lang)}, "rangemode": "tozero",
             "range": [0, top * 1.18 if top > 0 else 1]}
    if is_share(metric):
        yaxis["tickformat"] = ".0%"
    else:
        yaxis["tickformat"] = ",.0f" if top >= 100 else ".2f"
    return go.Figure([bar], figure_layout(
        lang, t("cases.steps_title", lang, metric=metric_label(metric, lang)), showlegend=False, bargap=0.4,
        margin={"l": 75, "r": 20, "t": 50, "b": 60}, xaxis={"type": "category"}, yaxis=yaxis))


def gap_figure(run: CaseRun, lang: str) -> go.Figure:
    """Every check as (simulated − deck) ÷ tolerance with its 95 % interval: inside the shaded band
    (−1 to 1) the simulation reproduces the deck's figure within the tolerance the case states."""
    c = run.checks(lang)
    labels = list(c.check)[::-1]
    c = c.iloc[::-1]
    tol = c.tolerance.to_numpy(float)
    x = (c["mean"].to_numpy(float) - c.target.to_numpy(float)) / tol
    lo = x - (c.low.to_numpy(float) - c.target.to_numpy(float)) / tol
    hi = (c.high.to_numpy(float) - c.target.to_numpy(float)) / tol - x
    hover = [t("cases.hover", lang, target=fmt_value(r.metric, r.target, r.relative),
               mean=fmt_value(r.metric, r.mean, r.relative), low=fmt_value(r.metric, r.low, r.relative),
               high=fmt_value(r.metric, r.high, r.relative),
               tolerance=fmt_value(r.metric, r.tolerance, r.relative).lstrip("+"))
             for r in c.itertuples()]
    colors = [COLORS["simulated"] if w else COLORS["full"] for w in c.within]
    dots = go.Scatter(x=x.tolist(), y=labels, mode="markers", marker={"size": 11, "color": colors},
                      error_x={"type": "data", "symmetric": False, "array": np.nan_to_num(hi).tolist(),
                               "arrayminus": np.nan_to_num(lo).tolist(), "color": "#333", "thickness": 1.5},
                      hovertext=hover, hoverinfo="text", name=t("cases.simulated", lang))
    span = max(1.6, float(np.nanmax(np.abs(np.concatenate([x - lo, x + hi])))) * 1.15 if len(x) else 1.6)
    height = max(260, 70 + 38 * len(labels))
    layout = figure_layout(
        lang, t("cases.gap_title", lang), height=height, showlegend=False,
        margin={"l": 10, "r": 20, "t": 50, "b": 50},
        xaxis={"title": {"text": t("cases.gap_axis", lang)}, "range": [-span, span], "zeroline": True,
               "zerolinecolor": "#333", "zerolinewidth": 1},
        yaxis={"automargin": True, "type": "category"},
        shapes=[{"type": "rect", "xref": "x", "yref": "paper", "x0": -1, "x1": 1, "y0": 0, "y1": 1,
                 "fillcolor": "#dff0e3", "opacity": 0.6, "line": {"width": 0}, "layer": "below"}])
    return go.Figure([dots], layout)
