"""Plotly figures of the account base (COURSE.md §6): renewal by tier, the Pareto (ABC) curve of profit
and complaints answered within their SLA, labelled in the reader's language (plotly only, no widgets).

Each figure is a pure function of tables :mod:`simlib.models.accounts` and :mod:`simlib.formulas.customers` return, so the
Customer Lab redraws it on every change and a test reads its data. Policies are keyed by a short label
(``"base"``, ``"yours"``) drawn in that label's colour; ``names`` maps a label to what the legend shows::

    >>> import pandas as pd
    >>> s = pd.DataFrame({"renewal_rate": [0.74, 0.76], "renewal_rate_A": [0.75, 0.93],
    ...                   "renewal_rate_B": [0.74, 0.74], "renewal_rate_C": [0.73, 0.71]}, index=["base", "yours"])
    >>> fig = renewal_figure(s, "en", names={"base": "Before", "yours": "After"})
    >>> [tr.name for tr in fig.data], list(fig.data[1].x), list(fig.data[1].y)
    (['Before', 'After'], ['All accounts', 'A', 'B', 'C'], [0.76, 0.93, 0.74, 0.71])
    >>> fig = pareto_figure([500, 200, 90, 60, 40, 30, 30, 20, 20, 10], {"yours": (0.2, 0.3, 0.5)}, "en")
    >>> [round(float(v), 2) for v in fig.data[2].x], [round(float(v), 2) for v in fig.data[2].y]
    ([0.2, 0.5], [0.7, 0.89])
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.formulas.customers import COMPLAINT_SLA_HOURS, abc_tiers
from simlib.models.accounts import sla_by_severity  # the tables the complaints figure draws (re-exported)
from simlib.viz.layout import HEIGHT, figure_layout

__all__ = [
    "POLICY_COLORS",
    "TIERS",
    "complaints_figure",
    "pareto_figure",
    "pareto_points",
    "renewal_figure",
    "sla_by_severity",
]

TIERS = ("A", "B", "C")
SEVERITIES = tuple(COMPLAINT_SLA_HOURS)           # general, urgent, major
#: one colour per policy label; other labels take the fallbacks in order
POLICY_COLORS = {"base": "#1f6fb2", "yours": "#e07b39"}
_FALLBACK = ("#2a9d8f", "#8e6cb4", "#9aa7b4")
_CURVE = "#444b55"
_MAX_POINTS = 600                                  # the Pareto curve is thinned to about this many points


def _color(label: str, i: int) -> str:
    return POLICY_COLORS.get(label, _FALLBACK[i % len(_FALLBACK)])


def _names(labels: Iterable[str], names: Mapping[str, str] | None) -> dict[str, str]:
    return {label: (names or {}).get(label, str(label)) for label in labels}


def _layout(lang: str, title: str, **extra) -> dict:
    return figure_layout(lang, title, **{
        "height": HEIGHT + 40,
        "margin": {"l": 65, "r": 20, "t": 45, "b": 90},
        "legend": {"orientation": "h", "yref": "container", "y": 0.01, "yanchor": "bottom", "xanchor": "left",
                   "x": 0.0},
        **extra,
    })


# -- renewal by tier ----------------------------------------------------------------------------------------
def renewal_figure(summary: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None) -> go.Figure:
    """Renewal rate of all accounts and of tiers A, B, C (bars), one group per policy.

    ``summary``: one row per policy label with ``renewal_rate`` and ``renewal_rate_A/_B/_C`` (means of
    :meth:`simlib.models.accounts.AccountsResult.summary`, 0–1).
    """
    names = _names(summary.index, names)
    cats = [t("customer_viz.renewal.overall", lang), *TIERS]
    cols = ["renewal_rate", *(f"renewal_rate_{k}" for k in TIERS)]
    traces = []
    for i, (label, row) in enumerate(summary.iterrows()):
        y = [float(row[c]) for c in cols]
        traces.append(go.Bar(
            name=names[label], x=cats, y=y, marker={"color": _color(str(label), i)},
            text=[percent(v, digits=1, fixed=True) for v in y], textposition="outside", cliponaxis=False,
            hovertemplate=f"{names[label]}<br>%{{x}}: %{{y:.1%}}<extra></extra>"))
    top = max([0.0, *(float(v) for tr in traces for v in tr.y if v is not None and math.isfinite(v))])
    return go.Figure(traces, _layout(
        lang, t("customer_viz.renewal.title", lang), barmode="group", bargap=0.25,
        xaxis={"title": {"text": t("customer_viz.renewal.xaxis", lang)}},
        yaxis={"title": {"text": t("customer_viz.renewal.yaxis", lang)}, "tickformat": ".0%",
               "range": [0, min(1.0, top + 0.12) if top > 0 else 1.0]}))


# -- Pareto / ABC ---------------------------------------------------------------------------------------------
def pareto_points(profit: Sequence[float], shares: Sequence[float]) -> pd.DataFrame:
    """Where tier A ends and where tier B ends on the Pareto curve, for tier ``shares`` (A, B, C) of the
    accounts: ``tier, account_share, profit_share`` (both cumulative), as :func:`simlib.formulas.customers.abc_tiers`
    tiers the book (by profit, cut by number of accounts).

        >>> pareto_points([500, 200, 90, 60, 40, 30, 30, 20, 20, 10], (0.2, 0.3, 0.5)).round(2).values.tolist()
        [['A', 0.2, 0.7], ['B', 0.5, 0.89]]
    """
    tiers = abc_tiers(pd.DataFrame({"profit": np.asarray(profit, dtype=float)}), by="profit",
                      shares=tuple(float(s) for s in shares))
    s = tiers.summary
    rows = []
    acc = val = 0.0
    for k in TIERS[:2]:
        acc += float(s.loc[k, "account_share"])
        val += float(s.loc[k, "value_share"])
        rows.append({"tier": k, "account_share": acc, "profit_share": val})
    return pd.DataFrame(rows)


def pareto_figure(profit: Sequence[float], shares: Mapping[str, Sequence[float]], lang: str,
                  names: Mapping[str, str] | None = None) -> go.Figure:
    """The cumulative share of profit against the share of accounts, best accounts first (the 80/20
    curve), a dotted diagonal (every account alike), and per policy label the points where tier A and
    tier B end for its tier ``shares`` (A, B, C); the first label's cuts are also vertical lines.

    Traces: the curve, the diagonal, then one marker trace per label (x: share of accounts, y: share of profit).
    """
    p = np.sort(np.asarray(profit, dtype=float))[::-1]
    n = p.size
    total = p.sum()
    cum = np.cumsum(p) / total if total > 0 else np.zeros(n)
    idx = np.unique(np.linspace(0, n - 1, min(n, _MAX_POINTS)).round().astype(int)) if n else np.zeros(0, int)
    x = np.concatenate([[0.0], (idx + 1) / n]) if n else np.zeros(1)
    y = np.concatenate([[0.0], cum[idx]]) if n else np.zeros(1)
    names = _names(shares, names)
    acc_t, prof_t = t("customer_viz.pareto.xaxis", lang), t("customer_viz.pareto.yaxis", lang)
    traces = [
        go.Scatter(name=t("customer_viz.pareto.curve", lang), x=x.round(6).tolist(), y=y.round(6).tolist(), mode="lines",
                   line={"color": _CURVE, "width": 2.5},
                   hovertemplate=f"{acc_t}: %{{x:.0%}}<br>{prof_t}: %{{y:.0%}}<extra></extra>"),
        go.Scatter(name=t("customer_viz.pareto.even", lang), x=[0, 1], y=[0, 1], mode="lines",
                   line={"color": "#9aa7b4", "width": 1, "dash": "dot"}, hoverinfo="skip"),
    ]
    shapes, annotations = [], []
    for i, (label, sh) in enumerate(shares.items()):
        pts = pareto_points(p, sh) if n else pd.DataFrame({"tier": [], "account_share": [], "profit_share": []})
        color = _color(str(label), i)
        text = [t("customer_viz.pareto.point", lang, tier=r.tier, accounts=percent(r.account_share, digits=0),
                  profit=percent(r.profit_share, digits=0)) for r in pts.itertuples()]
        traces.append(go.Scatter(
            name=t("customer_viz.pareto.cuts", lang, name=names[label]), x=pts.account_share.astype(float).tolist(),
            y=pts.profit_share.astype(float).tolist(), mode="markers", text=text,
            marker={"color": color, "size": 11, "symbol": "diamond", "line": {"color": "white", "width": 1}},
            hovertemplate=f"{names[label]}<br>%{{text}}<extra></extra>"))
        if i == 0:
            edges = [0.0, *pts.account_share.tolist(), 1.0]
            for xc in edges[1:-1]:
                shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": xc, "x1": xc, "y0": 0, "y1": 1,
                               "line": {"color": color, "width": 1, "dash": "dash"}})
            for k, a, b in zip(TIERS, edges[:-1], edges[1:], strict=True):
                annotations.append({"x": (a + b) / 2, "y": 0.04, "xref": "x", "yref": "paper", "text": f"<b>{k}</b>",
                                    "showarrow": False, "font": {"size": 14, "color": color}})
    return go.Figure(traces, _layout(
        lang, t("customer_viz.pareto.title", lang), shapes=shapes, annotations=annotations,
        xaxis={"title": {"text": acc_t}, "tickformat": ".0%", "range": [0, 1]},
        yaxis={"title": {"text": prof_t}, "tickformat": ".0%", "range": [0, 1.02]}))


# -- complaints ------------------------------------------------------------------------------------------------
def complaints_figure(sla: Mapping[str, pd.DataFrame], lang: str, names: Mapping[str, str] | None = None) -> go.Figure:
    """Share of complaints answered within their SLA by severity (general 24 h, urgent 4 h, major 1 h),
    one bar group per policy label; ``sla`` maps a label to a :func:`sla_by_severity` table.

    Data go in as plain lists (every figure of this module does), so a browser reads them back as numbers."""
    names = _names(sla, names)
    traces = []
    for i, (label, df) in enumerate(sla.items()):
        cats = [t("customer_viz.complaints.severity", lang, severity=t(f"customers.severity.{r.severity}", lang),
                  hours=f"{r.sla_hours:g}") for r in df.itertuples()]
        y = df.within_share.astype(float).tolist()
        text = [t("customer_viz.complaints.bar", lang, share=percent(v, digits=0), n=f"{int(c):,}")
                for v, c in zip(y, df.complaints, strict=True)]
        traces.append(go.Bar(
            name=names[label], x=cats, y=y, marker={"color": _color(str(label), i)}, text=text,
            textposition="outside", textfont={"size": 11}, cliponaxis=False,
            customdata=[[int(w), int(c)] for w, c in zip(df.within, df.complaints, strict=True)],
            hovertemplate=(f"{names[label]}<br>%{{x}}: %{{y:.1%}}<br>"
                           + t("customer_viz.complaints.hover", lang, within="%{customdata[0]:,}",
                               n="%{customdata[1]:,}") + "<extra></extra>")))
    return go.Figure(traces, _layout(
        lang, t("customer_viz.complaints.title", lang), barmode="group", bargap=0.25,
        xaxis={"title": {"text": t("customer_viz.complaints.xaxis", lang)}},
        yaxis={"title": {"text": t("customer_viz.complaints.yaxis", lang)}, "tickformat": ".0%",
               "range": [0, 1.12]}))
