"""Plotly figures for pay plans (COURSE.md §3), labelled in the reader's language (plotly only, no widgets).

Each figure is a pure function of a plan or of the tables :func:`simlib.analysis.whatif.compare_plans` returns, so the
Pay Plan Lab redraws it on every change and a test reads its data::

    >>> from simlib.formulas.incentives import CompPlan
    >>> plan = CompPlan.from_yaml("scenarios/plans/s1_tiered_2_3_4.yaml")
    >>> fig = pay_curve_figure({"A": plan}, quota=200_000, lang="en", sales=250_000)
    >>> [tr.name for tr in fig.data]
    ['A', 'A · effective rate', 'A · thresholds', 'A · this rep']
    >>> [float(x) for x in fig.data[2].x], float(fig.data[3].y[0])      # 2 % of 200k + 3 % of 40k + 4 % of 10k
    ([1.0, 1.2], 5600.0)

Plans are keyed by a short label (``"A"``, ``"B"``) and drawn in that label's colour; ``names`` maps a label
to what the legend shows. Fonts name the Noto CJK faces first (:func:`simlib.viz.layout.font_family`).
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.formulas.incentives import CompPlan
from simlib.viz.layout import HEIGHT, figure_layout

__all__ = [
    "PLAN_COLORS",
    "attainment_figure",
    "closes_figure",
    "cost_figure",
    "full_periods",
    "pay_curve",
    "pay_curve_figure",
    "thresholds",
]

#: one colour per plan, in order (Okabe–Ito blue and orange, then more)
PLAN_COLORS = ("#1f6fb2", "#e07b39", "#2a9d8f", "#8e6cb4")
DISCOUNT_COLORS = ("#0b3c66", "#8a3b0c", "#155a52", "#4b3270")
QUOTA_COLOR = "#c0392b"


def _layout(lang: str, title: str, **extra) -> dict:
    return figure_layout(lang, title, **{
        "height": HEIGHT + 90,
        "margin": {"l": 70, "r": 20, "t": 45, "b": 125},
        # below the plot: plan names are long, and a legend above would cover the title
        "legend": {"orientation": "h", "yref": "container", "y": 0.01, "yanchor": "bottom", "xanchor": "left",
                   "x": 0.0},
        **extra,
    })


def _names(labels, names: Mapping[str, str] | None) -> dict[str, str]:
    return {label: (names or {}).get(label, str(label)) for label in labels}


# -- pay curves ---------------------------------------------------------------------------------------------
def thresholds(plan: CompPlan, lang: str = "en") -> list[tuple[float, str]]:
    """Attainments above 0 where the plan's pay changes shape, each with what happens there.

    Commission tiers, bonus bands, an attainment gate and an attainment cap; two events at the same
    attainment share one entry (their texts joined by ``"; "``).

        >>> plan = CompPlan.from_yaml("scenarios/plans/s1_coefficient_table.yaml")
        >>> [a for a, _ in thresholds(plan)]
        [0.8, 1.0, 1.2]
        >>> thresholds(plan)[1][1]
        'commission 3.6% from 100%; bonus × 1.5 from 100%'
    """
    events: dict[float, list[str]] = {}
    if plan.commission:
        for tier in plan.commission.tiers:
            if tier.from_ > 0:
                events.setdefault(tier.from_, []).append(
                    t("pay_viz.threshold.tier", lang, rate=percent(tier.rate), at=percent(tier.from_)))
    if plan.bonus:
        for band in plan.bonus.bands:
            if band.from_ > 0:
                events.setdefault(band.from_, []).append(
                    t("pay_viz.threshold.bonus", lang, x=f"{band.x:g}", at=percent(band.from_)))
    if plan.gates and plan.gates.min_attainment:
        events.setdefault(plan.gates.min_attainment, []).append(
            t("pay_viz.threshold.gate", lang, at=percent(plan.gates.min_attainment)))
    if plan.cap and plan.cap.attainment is not None:
        events.setdefault(plan.cap.attainment, []).append(t("pay_viz.threshold.cap", lang, at=percent(plan.cap.attainment)))
    return [(a, "; ".join(texts)) for a, texts in sorted(events.items())]


def pay_curve(plan: CompPlan, quota: float, up_to: float = 2.0, points: int = 201) -> pd.DataFrame:
    """Variable pay (commission + bonus) against attainment 0 … ``up_to``, for a rep with ``quota``.

    The grid of :meth:`CompPlan.curve` plus each threshold and a point just below it, so a jump (a
    bonus band, a retroactive tier) draws as a vertical step. Columns: ``attainment, sales, commission,
    bonus, variable, effective_rate`` (variable pay ÷ sales; NaN at zero sales).

        >>> plan = CompPlan.from_yaml("scenarios/plans/linear.yaml")
        >>> df = pay_curve(plan, 100_000, points=5)
        >>> list(df.attainment), list(df.variable), list(df.effective_rate.round(4))[1:]
        ([0.0, 0.5, 1.0, 1.5, 2.0], [0.0, 1500.0, 3000.0, 4500.0, 6000.0], [0.03, 0.03, 0.03, 0.03])
    """
    grid = set(np.linspace(0.0, up_to, points).round(12).tolist())
    for a, _ in thresholds(plan):
        if 0 < a <= up_to:
            grid.update((a, a - 1e-6))
    rows = []
    for a in sorted(grid):
        p = plan.payout(sales=a * quota, quota=quota)
        rows.append({"attainment": a, "sales": a * quota, "commission": p.commission, "bonus": p.bonus})
    df = pd.DataFrame(rows)
    df["variable"] = df.commission + df.bonus
    df["effective_rate"] = (df.variable / df.sales).where(df.sales > 0)
    return df


def _variable(plan: CompPlan, sales: float, quota: float) -> float:
    p = plan.payout(sales=sales, quota=quota)
    return p.commission + p.bonus


def pay_curve_figure(plans: Mapping[str, CompPlan], quota: float, lang: str, *, sales: float | None = None,
                     names: Mapping[str, str] | None = None, up_to: float | None = None) -> go.Figure:
    """Each plan's variable pay against attainment (left axis) and its effective rate (dotted, right axis).

    Per plan, four traces: the pay curve, the effective rate, markers at its thresholds (hover says what
    starts there) and the rep at ``sales`` (empty without it). The quota is a dashed vertical line; an
    attainment cap is a vertical line in the plan's colour.
    """
    names = _names(plans, names)
    at_rep = sales / quota if sales is not None and quota > 0 else None
    if up_to is None:
        top = max([2.0, *[a for p in plans.values() for a, _ in thresholds(p)]])
        up_to = min(max(top * 1.1 if top > 2.0 else 2.0, (at_rep or 0) * 1.1), 10.0)
    traces, shapes, annotations = [], [], []
    rate_name = t("pay_viz.curve.rate", lang)
    for i, (label, plan) in enumerate(plans.items()):
        color, name = PLAN_COLORS[i % len(PLAN_COLORS)], names[label]
        df = pay_curve(plan, quota, up_to)
        traces.append(go.Scatter(
            name=name, x=df.attainment, y=df.variable, mode="lines", line={"color": color, "width": 2.5},
            legendgroup=label,
            hovertemplate=f"{name}<br>%{{x:.0%}}: ¥%{{y:,.0f}}<extra></extra>"))
        traces.append(go.Scatter(
            name=f"{name} · {rate_name}", x=df.attainment, y=df.effective_rate, yaxis="y2", mode="lines",
            line={"color": color, "width": 1.5, "dash": "dot"}, legendgroup=label,
            hovertemplate=f"{name} · {rate_name}<br>%{{x:.0%}}: %{{y:.2%}}<extra></extra>"))
        th = [(a, text) for a, text in thresholds(plan, lang) if a <= up_to]
        traces.append(go.Scatter(
            name=f"{name} · {t('pay_viz.curve.thresholds', lang)}", x=[a for a, _ in th],
            y=[_variable(plan, a * quota, quota) for a, _ in th], mode="markers", legendgroup=label,
            showlegend=False, marker={"color": color, "size": 9, "symbol": "diamond",
                                      "line": {"color": "white", "width": 1}},
            text=[text for _, text in th], hovertemplate=f"{name}<br>%{{text}}<extra></extra>"))
        rep_x = [at_rep] if at_rep is not None else []
        rep_y = [_variable(plan, sales, quota)] if at_rep is not None else []
        traces.append(go.Scatter(
            name=f"{name} · {t('pay_viz.curve.rep', lang)}", x=rep_x, y=rep_y, mode="markers", legendgroup=label,
            showlegend=False, marker={"color": color, "size": 13, "symbol": "circle",
                                      "line": {"color": "#222", "width": 2}},
            hovertemplate=f"{name} · {t('pay_viz.curve.rep', lang)}<br>%{{x:.1%}}: ¥%{{y:,.0f}}<extra></extra>"))
        if plan.cap and plan.cap.attainment is not None and plan.cap.attainment <= up_to:
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": plan.cap.attainment,
                           "x1": plan.cap.attainment, "y0": 0, "y1": 1, "line": {"color": color, "width": 2}})
            annotations.append({"x": plan.cap.attainment, "y": 1 - 0.07 * i, "xref": "x", "yref": "paper",
                                "text": t("pay_viz.curve.cap", lang, name=name), "showarrow": False,
                                "xanchor": "left", "yanchor": "top", "font": {"color": color}})
    shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
                   "line": {"color": QUOTA_COLOR, "width": 1, "dash": "dash"}})
    annotations.append({"x": 1, "y": 1, "xref": "x", "yref": "paper", "text": t("pay_viz.quota", lang),
                        "showarrow": False, "xanchor": "right", "yanchor": "top", "font": {"color": QUOTA_COLOR}})
    fig = go.Figure(traces, _layout(
        lang, t("pay_viz.curve.title", lang, quota=f"{quota:,.0f}"),
        xaxis={"title": {"text": t("pay_viz.attainment", lang)}, "tickformat": ".0%", "range": [0, up_to]},
        yaxis={"title": {"text": t("pay_viz.curve.variable", lang)}, "tickformat": ",.0f", "rangemode": "tozero"},
        yaxis2={"title": {"text": rate_name}, "overlaying": "y", "side": "right", "tickformat": ".1%",
                "rangemode": "tozero", "showgrid": False},
        shapes=shapes, annotations=annotations))
    fig.update_layout(margin={"r": 65})
    return fig


# -- simulated outcomes -------------------------------------------------------------------------------------
def full_periods(pay: pd.DataFrame) -> pd.DataFrame:
    """Rows of a pay table (:attr:`PlanComparison.pay`) for whole plan periods: per plan, the periods as
    long as its longest (a period cut short by the horizon is not judged, as in ``SimResult.summary``)."""
    if pay.empty:
        return pay
    longest = pay.groupby("plan", sort=False).weeks.transform("max")
    return pay[pay.weeks == longest]


def attainment_figure(pay: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None,
                      bin_width: float = 0.1) -> go.Figure:
    """How attainment falls: a histogram per plan (share of rep-periods, whole periods only), the quota
    as a dashed line. ``pay`` is :attr:`PlanComparison.pay` (columns ``plan, weeks, attainment``)."""
    full = full_periods(pay)
    labels = list(dict.fromkeys(pay.plan)) if len(pay) else []
    names = _names(labels, names)
    top = max(2.0, float(full.attainment.quantile(0.99)) * 1.05 if len(full) else 2.0)
    top = min(math.ceil(top / bin_width) * bin_width, 5.0)
    traces = []
    for i, label in enumerate(labels):
        att = full.loc[full.plan == label, "attainment"].to_numpy(dtype=float)
        reached = float((att >= 1 - 1e-9).mean()) if len(att) else math.nan
        name = t("pay_viz.dist.name", lang, name=names[label], share=percent(reached) if len(att) else "—")
        traces.append(go.Histogram(
            name=name, x=np.minimum(att, top - 1e-9), histnorm="percent", legendgroup=label,
            xbins={"start": 0, "end": top, "size": bin_width}, opacity=0.6,
            marker={"color": PLAN_COLORS[i % len(PLAN_COLORS)]},
            hovertemplate=f"{names[label]}<br>%{{x}}: %{{y:.1f}}%<extra></extra>"))
    return go.Figure(traces, _layout(
        lang, t("pay_viz.dist.title", lang), barmode="overlay", bargap=0.05,
        xaxis={"title": {"text": t("pay_viz.attainment", lang)}, "tickformat": ".0%", "range": [0, top]},
        yaxis={"title": {"text": t("pay_viz.dist.yaxis", lang)}, "ticksuffix": "%"},
        shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": 1, "x1": 1, "y0": 0, "y1": 1,
                 "line": {"color": QUOTA_COLOR, "width": 2, "dash": "dash"}}],
        annotations=[{"x": 1, "y": 1, "xref": "x", "yref": "paper", "text": t("pay_viz.quota", lang),
                      "showarrow": False, "xanchor": "left", "yanchor": "top", "font": {"color": QUOTA_COLOR}}]))


def closes_figure(closes: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None,
                  last_weeks: int = 2) -> go.Figure:
    """Wins by week of the plan period, as each plan's share of its wins (bunching at the period's end).

    Per plan two stacked bars in one group: wins at full price and wins pulled in at a discount (dark).
    The last ``last_weeks`` weeks of the period are shaded; a dotted line is an even spread.
    ``closes`` is :attr:`PlanComparison.closes` (``plan, week_in_period, won, discounted``).
    """
    labels = list(dict.fromkeys(closes.plan)) if len(closes) else []
    names = _names(labels, names)
    traces = []
    week, wins, discounted = (t(f"pay_viz.closes.{k}", lang) for k in ("week", "wins", "discounted"))
    length = int(closes.week_in_period.max()) if len(closes) else 13
    for i, label in enumerate(labels):
        d = closes[closes.plan == label].sort_values("week_in_period")
        total = float(d.won.sum()) or 1.0
        x = d.week_in_period.to_numpy()
        won = d.won.to_numpy(dtype=float)
        disc = d.discounted.to_numpy(dtype=float)
        late = float(won[x > x.max() - last_weeks].sum() / total) if len(x) else math.nan
        name = t("pay_viz.closes.name", lang, name=names[label], share=percent(late) if len(x) else "—",
                 weeks=last_weeks)
        custom = np.column_stack([won, disc])
        hover = (f"{names[label]} · {week} %{{x}}<br>%{{y:.1%}}<br>{wins}: %{{customdata[0]:.0f}}"
                 f" · {discounted}: %{{customdata[1]:.0f}}<extra></extra>")
        traces.append(go.Bar(
            name=name, x=x, y=(won - disc) / total, offsetgroup=label, legendgroup=label,
            marker={"color": PLAN_COLORS[i % len(PLAN_COLORS)]}, customdata=custom, hovertemplate=hover))
        traces.append(go.Bar(
            name=f"{names[label]} · {discounted}", x=x, y=disc / total, base=(won - disc) / total,
            offsetgroup=label, legendgroup=label,
            marker={"color": DISCOUNT_COLORS[i % len(DISCOUNT_COLORS)],
                    "pattern": {"shape": "/", "fillmode": "overlay", "fgcolor": "rgba(255,255,255,0.7)",
                                "size": 6}},
            customdata=custom, hovertemplate=hover))
    shapes = [{"type": "rect", "xref": "x", "yref": "paper", "x0": length - last_weeks + 0.5, "x1": length + 0.5,
               "y0": 0, "y1": 1, "fillcolor": "rgba(192,57,43,0.08)", "line": {"width": 0}, "layer": "below"},
              {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 1 / length, "y1": 1 / length,
               "line": {"color": "#555", "width": 1, "dash": "dot"}}]
    annotations = [{"x": length + 0.5, "y": 1, "xref": "x", "yref": "paper", "xanchor": "right", "yanchor": "top",
                    "text": t("pay_viz.closes.last", lang, weeks=last_weeks), "showarrow": False,
                    "font": {"color": QUOTA_COLOR}},
                   {"x": 0, "y": 1 / length, "xref": "paper", "yref": "y", "xanchor": "left", "yanchor": "bottom",
                    "text": t("pay_viz.closes.even", lang), "showarrow": False, "font": {"color": "#555"}}]
    return go.Figure(traces, _layout(
        lang, t("pay_viz.closes.title", lang), barmode="group", bargap=0.2, bargroupgap=0.05,
        xaxis={"title": {"text": t("pay_viz.closes.xaxis", lang)}, "dtick": 1, "range": [0.5, length + 0.5]},
        yaxis={"title": {"text": t("pay_viz.closes.yaxis", lang)}, "tickformat": ".0%", "rangemode": "tozero"},
        shapes=shapes, annotations=annotations))


def cost_figure(summary: pd.DataFrame, lang: str, names: Mapping[str, str] | None = None,
                runs: pd.DataFrame | None = None) -> go.Figure:
    """Pay cost ÷ revenue (variable pay ÷ revenue) per plan, one bar each, with a 95 % interval of the mean
    over replications when ``runs`` (:attr:`PlanComparison.runs`) holds more than one per plan."""
    labels = list(summary.index)
    names = _names(labels, names)
    y = summary.pay_cost_ratio.to_numpy(dtype=float)
    error = None
    if runs is not None and len(runs) and runs.groupby("plan").size().min() > 1:
        g = runs.groupby("plan", sort=False).pay_cost_ratio
        half = (1.96 * g.std(ddof=1) / np.sqrt(g.size())).reindex(labels).to_numpy(dtype=float)
        error = {"type": "data", "array": half, "visible": True, "color": "#333", "thickness": 1.5}
    custom = np.column_stack([summary.pay_variable.to_numpy(dtype=float), summary.revenue.to_numpy(dtype=float)])
    bar = go.Bar(
        name=t("pay_viz.cost.name", lang), x=[names[k] for k in labels], y=y, error_y=error,
        marker={"color": [PLAN_COLORS[i % len(PLAN_COLORS)] for i in range(len(labels))]},
        text=[percent(v) if math.isfinite(v) else "—" for v in y], textposition="outside", customdata=custom,
        hovertemplate=(f"%{{x}}: %{{y:.2%}}<br>{t('pay_viz.cost.variable', lang)} ¥%{{customdata[0]:,.0f}}"
                       f"<br>{t('pay_viz.cost.revenue', lang)} ¥%{{customdata[1]:,.0f}}<extra></extra>"))
    finite = y[np.isfinite(y)]
    top = float(finite.max()) * 1.3 if len(finite) and finite.max() > 0 else 0.05
    return go.Figure([bar], _layout(
        lang, t("pay_viz.cost.title", lang), showlegend=False, bargap=0.45,
        margin={"l": 70, "r": 20, "t": 45, "b": 60},
        xaxis={"type": "category"},
        yaxis={"title": {"text": t("pay_viz.cost.yaxis", lang)}, "tickformat": ".1%", "range": [0, top]}))
