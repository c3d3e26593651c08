"""Plotly figures of S1's dashboards (:mod:`simlib.data.dashboards`, COURSE.md §8), labelled in the reader's
language (``simlib/locales/dashboards.<lang>.yaml``), with the CJK fonts of :func:`simlib.viz.layout.figure_layout`.
Plotly only, no widgets; every trace holds plain Python lists (a browser test reads ``gd.data``), and a
figure keeps the same traces whatever the data (an absent target is an empty trace), so an app can
update it in place::

    >>> from simlib.data.crm import read_deals
    >>> from simlib.data import dashboards
    >>> deals = read_deals("scenarios/crm/sample_deals.csv")
    >>> fig = attainment_figure(dashboards.attainment_board(deals, targets=100_000), "en")
    >>> [tr.name for tr in fig.data], fig.data[0].x[:3], fig.data[1].y[:2]
    (['Actual', 'Target'], ('R14', 'R06', 'R03'), (100000.0, 100000.0))
    >>> fig = funnel_figure(dashboards.funnel_health(deals), "zh-Hant")
    >>> list(fig.data[0].y), list(fig.data[0].x)
    (['lead', 'opportunity', 'proposal', 'negotiation', '贏單'], [1597, 796, 490, 232, 92])

Stage names are shown as they are in the table unless ``stage_labels`` maps them (e.g.
``{s.name: s.display(lang) for s in scenario.funnel.stages}``).
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from simlib.base.i18n import t
from simlib.data.crm import loss_reason_label
from simlib.data.dashboards import ActivityBoard, Anomalies, AttainmentBoard, Forecast, FunnelHealth
from simlib.viz.layout import COLORS, figure_layout

__all__ = [
    "STATUS_COLORS",
    "activity_figure",
    "anomaly_figure",
    "attainment_figure",
    "completion_figure",
    "cycle_time_figure",
    "deal_amounts_figure",
    "forecast_figure",
    "funnel_figure",
    "loss_reasons_figure",
    "stage_figure",
    "trend_figure",
]

STATUS_COLORS = {"met": "#2e8b57", "on_pace": COLORS["simulated"], "behind_pace": "#e0a339",
                 "off_track": COLORS["full"], "no_target": "#9aa7b4"}
_GREY = "#b9c2cc"
_PASSED, _LOST, _OPEN = "#2e8b57", "#c0392b", "#9aa7b4"


def _floats(values) -> list:
    """Plain Python floats, None for NaN (plotly leaves a gap; JSON has no NaN)."""
    out = []
    for v in values:
        f = float(v)
        out.append(f if math.isfinite(f) else None)
    return out


def _labels(names, stage_labels: Mapping[str, str] | None) -> list[str]:
    return [str((stage_labels or {}).get(n, n)) for n in names]


def _money_axis(title: str) -> dict:
    return {"title": {"text": title}, "tickformat": ",.0f", "rangemode": "tozero"}


# ---------------------------------------------------------------------------------------------
# Attainment board
# ---------------------------------------------------------------------------------------------
def attainment_figure(board: AttainmentBoard, lang: str) -> go.Figure:
    """Actual per rep (or region/product) as bars coloured by status, best first, with the target as a
    marker; hover shows attainment and status."""
    tab = board.table
    keys = [str(k) for k in tab[board.by]]
    status = [str(s) for s in tab["status"]]
    labels = [t(f"dashboards.status.{s}", lang) for s in status]
    att = ["—" if not math.isfinite(a) else f"{a:.0%}" for a in tab["attainment"]]
    actual_name = t("dashboards.viz.actual", lang)
    target_name = t("dashboards.viz.target", lang)
    fig = go.Figure(
        [
            go.Bar(name=actual_name, x=keys, y=_floats(tab["actual"]),
                   marker={"color": [STATUS_COLORS.get(s, _GREY) for s in status]},
                   customdata=[[a, lab] for a, lab in zip(att, labels, strict=True)],
                   hovertemplate="%{x}: %{y:,.0f} (%{customdata[0]}) · %{customdata[1]}<extra></extra>"),
            go.Scatter(name=target_name, x=keys, y=_floats(tab["target"]), mode="markers",
                       marker={"symbol": "line-ew-open", "size": 24, "line": {"width": 3}, "color": "#222"},
                       hovertemplate=f"%{{x}} · {target_name}: %{{y:,.0f}}<extra></extra>"),
        ],
        figure_layout(lang, t("dashboards.viz.attainment_title", lang,
                              period=t(f"dashboards.period.{board.period}", lang)),
                      xaxis={"type": "category"}, yaxis=_money_axis(t("dashboards.viz.amount", lang)), bargap=0.25),
    )
    return fig


def trend_figure(board: AttainmentBoard, lang: str) -> go.Figure:
    """The team's won amount per period (bars; the period under way and a first period the data starts
    inside are lighter) and the team target (line)."""
    tr = board.trend
    g = tr.groupby("period", sort=True).agg(actual=("actual", "sum"), partial=("partial", "any"),
                                            target=("target", lambda s: s.sum(min_count=len(s))))
    periods = [str(p) for p in g.index]
    colors = [COLORS["analytic"] if p else COLORS["simulated"] for p in g["partial"]]
    traces = [go.Bar(name=t("dashboards.viz.actual", lang), x=periods, y=_floats(g["actual"]),
                     marker={"color": colors}, hovertemplate="%{x}: %{y:,.0f}<extra></extra>")]
    traces.append(go.Scatter(name=t("dashboards.viz.target", lang), x=periods, y=_floats(g["target"]),
                             mode="lines", line={"color": COLORS["full"], "dash": "dash"},
                             showlegend=bool(g["target"].notna().any()),
                             hovertemplate="%{x}: %{y:,.0f}<extra></extra>"))
    return go.Figure(traces, figure_layout(
        lang, t("dashboards.viz.trend_title", lang, period=t(f"dashboards.period.{board.period}", lang)),
        xaxis={"type": "category"}, yaxis=_money_axis(t("dashboards.viz.amount", lang)), bargap=0.2))


# ---------------------------------------------------------------------------------------------
# Funnel-health board
# ---------------------------------------------------------------------------------------------
def funnel_figure(health: FunnelHealth, lang: str, stage_labels: Mapping[str, str] | None = None) -> go.Figure:
    """Deals entering each stage, then the wins, as a funnel; the text shows each stage's conversion."""
    st = health.stages
    y = [*_labels(st["stage"], stage_labels), t("dashboards.viz.won", lang)]
    x = [int(v) for v in st["entered"]] + [int(health.summary["won"])]
    conv = ["" if not math.isfinite(c) else f" · {c:.0%}" for c in st["conversion"]] + [""]
    text = [f"{v:,}{c}" for v, c in zip(x, conv, strict=True)]
    fig = go.Figure(
        [go.Funnel(name=t("dashboards.viz.deals", lang), y=y, x=x, text=text, textinfo="text",
                   textposition="inside", marker={"color": COLORS["simulated"]},
                   hovertemplate="%{y}: %{x:,}<extra></extra>")],
        figure_layout(lang, t("dashboards.viz.funnel_title", lang), showlegend=False),
    )
    return fig


def stage_figure(health: FunnelHealth, lang: str, stage_labels: Mapping[str, str] | None = None) -> go.Figure:
    """Per stage: passed, lost and open deals (stacked bars) and the conversion (line, right axis),
    with the benchmark as markers when there is one; the bottleneck's label is bold."""
    st = health.stages
    names = _labels(st["stage"], stage_labels)
    bott = health.bottleneck.get("stage")
    if bott is not None:
        names = [f"<b>{n}</b>" if s == bott else n for n, s in zip(names, st["stage"], strict=True)]
    traces = [
        go.Bar(name=t("dashboards.viz.passed", lang), x=names, y=[int(v) for v in st["passed"]],
               marker={"color": _PASSED}, hovertemplate="%{x}: %{y:,}<extra></extra>"),
        go.Bar(name=t("dashboards.viz.lost", lang), x=names, y=[int(v) for v in st["lost"]],
               marker={"color": _LOST}, hovertemplate="%{x}: %{y:,}<extra></extra>"),
        go.Bar(name=t("dashboards.viz.open", lang), x=names, y=[int(v) for v in st["open"]],
               marker={"color": _OPEN}, hovertemplate="%{x}: %{y:,}<extra></extra>"),
        go.Scatter(name=t("dashboards.viz.conversion", lang), x=names, y=_floats(st["conversion"]), yaxis="y2",
                   mode="lines+markers", line={"color": COLORS["revenue"]},
                   hovertemplate="%{x}: %{y:.0%}<extra></extra>"),
    ]
    traces.append(go.Scatter(name=t("dashboards.viz.benchmark", lang), x=names, y=_floats(st["benchmark"]),
                             yaxis="y2", mode="markers", showlegend=bool(st["benchmark"].notna().any()),
                             marker={"symbol": "line-ew-open", "size": 22, "line": {"width": 3}, "color": "#222"},
                             hovertemplate="%{x}: %{y:.0%}<extra></extra>"))
    fig = go.Figure(traces, figure_layout(
        lang, t("dashboards.viz.stages_title", lang), barmode="stack", xaxis={"type": "category"},
        yaxis={"title": {"text": t("dashboards.viz.deals", lang)}, "rangemode": "tozero"},
        yaxis2={"title": {"text": t("dashboards.viz.conversion", lang)}, "overlaying": "y", "side": "right",
                "range": [0, 1.05], "tickformat": ".0%", "tickmode": "linear", "tick0": 0, "dtick": 0.2,
                "showgrid": False}))
    fig.update_layout(margin={"r": 60})
    return fig


def cycle_time_figure(health: FunnelHealth, lang: str, stage_labels: Mapping[str, str] | None = None
                      ) -> go.Figure:
    """Median days in each stage (bars, whiskers from the 25th to the 75th percentile) and the SLA."""
    st = health.stages
    names = _labels(st["stage"], stage_labels)
    med = _floats(st["dwell_median_days"])
    up = [None if m is None or not math.isfinite(h) else max(h - m, 0.0)
          for m, h in zip(med, st["dwell_p75_days"], strict=True)]
    down = [None if m is None or not math.isfinite(lo) else max(m - lo, 0.0)
            for m, lo in zip(med, st["dwell_p25_days"], strict=True)]
    traces = [go.Bar(name=t("dashboards.viz.cycle_median", lang), x=names, y=med,
                     error_y={"type": "data", "symmetric": False, "array": up, "arrayminus": down,
                              "color": "#444b55"},
                     marker={"color": COLORS["simulated"]}, hovertemplate="%{x}: %{y:.1f}<extra></extra>")]
    sla = _floats(st["sla_days"])
    traces.append(go.Scatter(name=t("dashboards.viz.sla", lang), x=names, y=sla, mode="lines+markers",
                             line={"color": COLORS["full"], "dash": "dash"}, showlegend=any(v is not None for v in sla),
                             hovertemplate="%{x}: %{y:.0f}<extra></extra>"))
    return go.Figure(traces, figure_layout(
        lang, t("dashboards.viz.cycle_title", lang), xaxis={"type": "category"},
        yaxis={"title": {"text": t("dashboards.viz.cycle_days", lang)}, "rangemode": "tozero"}))


def loss_reasons_figure(health: FunnelHealth, lang: str) -> go.Figure:
    """Lost deals by reason, most frequent on top (horizontal bars), with each reason's share."""
    r = health.reasons.iloc[::-1]
    labels = [loss_reason_label(str(x), lang) for x in r["reason"]]
    counts = [int(v) for v in r["lost"]]
    share = [f"{s:.0%}" for s in r["share"]]
    fig = go.Figure(
        [go.Bar(name=t("dashboards.viz.lost", lang), x=counts, y=labels, orientation="h", text=share,
                textposition="auto", marker={"color": _LOST}, hovertemplate="%{y}: %{x:,} (%{text})<extra></extra>")],
        figure_layout(lang, t("dashboards.viz.reasons_title", lang), showlegend=False,
                      yaxis={"type": "category", "automargin": True},
                      xaxis={"title": {"text": t("dashboards.viz.deals", lang)}, "rangemode": "tozero"}),
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Activity board
# ---------------------------------------------------------------------------------------------
def activity_figure(board: ActivityBoard, lang: str) -> go.Figure:
    """Each rep's activities per week against revenue per week (the activity–result correlation), with
    a least-squares line."""
    tab = board.table
    x = _floats(tab["activities_per_week"])
    y = _floats(tab["revenue_per_week"])
    reps = [str(r) for r in tab["rep"]]
    traces = [go.Scatter(name=t("dashboards.viz.reps", lang), x=x, y=y, text=reps, mode="markers+text",
                         textposition="top center", marker={"color": COLORS["simulated"], "size": 10},
                         hovertemplate="%{text}: %{x:.1f} · %{y:,.0f}<extra></extra>")]
    xs, ys = np.asarray(tab["activities_per_week"], float), np.asarray(tab["revenue_per_week"], float)
    fit_x: list = []
    fit_y: list = []
    if len(xs) >= 3 and np.std(xs) > 0:
        slope, icpt = np.polyfit(xs, ys, 1)
        fit_x = [float(xs.min()), float(xs.max())]
        fit_y = [float(icpt + slope * v) for v in fit_x]
    traces.append(go.Scatter(name=t("dashboards.viz.fit", lang), x=fit_x, y=fit_y, mode="lines",
                             line={"color": COLORS["revenue"], "dash": "dash"}, hoverinfo="skip"))
    r = board.correlation["pearson"]
    return go.Figure(traces, figure_layout(
        lang, t("dashboards.viz.activity_title", lang, r="—" if not math.isfinite(r) else f"{r:+.2f}"),
        xaxis={"title": {"text": t("dashboards.viz.activity_x", lang)}},
        yaxis=_money_axis(t("dashboards.viz.activity_y", lang))))


def completion_figure(board: ActivityBoard, lang: str) -> go.Figure:
    """A heat map of each rep's completion of each self-check item (capped at 150 % for the colour)."""
    c = board.completion
    reps = [str(r) for r in board.table["rep"]]
    items = list(dict.fromkeys(c["item"]))
    piv = c.pivot(index="rep", columns="item", values="completion").reindex(index=reps, columns=items)
    z = [[None if not math.isfinite(v) else float(v) for v in row] for row in piv.to_numpy(float)]
    text = [["—" if v is None else f"{v:.0%}" for v in row] for row in z]
    labels = [t(f"dashboards.item.{i}", lang) for i in items]
    fig = go.Figure(
        [go.Heatmap(x=labels, y=reps, z=z, text=text, texttemplate="%{text}", zmin=0, zmax=1.5,
                    colorscale=[[0, "#c0392b"], [0.5, "#f4e3b2"], [2 / 3, "#8fc79f"], [1, "#2e8b57"]],
                    colorbar={"tickformat": ".0%", "len": 0.8}, hovertemplate="%{y} · %{x}: %{text}<extra></extra>")],
        figure_layout(lang, t("dashboards.viz.completion_title", lang), showlegend=False,
                      yaxis={"type": "category", "autorange": "reversed"}, xaxis={"type": "category"},
                      height=max(330, 22 * len(reps) + 120)),
    )
    return fig


# ---------------------------------------------------------------------------------------------
# Forecast panel
# ---------------------------------------------------------------------------------------------
def forecast_figure(fc: Forecast, lang: str) -> go.Figure:
    """A waterfall: won so far + expected from the pipeline + expected from new deals = the forecast,
    with its interval (whisker) and the target (dashed line)."""
    tot = fc.total
    steps = [t("dashboards.viz.forecast_won", lang), t("dashboards.viz.forecast_pipeline", lang),
             t("dashboards.viz.forecast_new", lang), t("dashboards.viz.forecast_point", lang)]
    vals = [float(tot["actual"]), float(tot["pipeline"]), float(tot["new_business"]), float(tot["point"])]
    traces = [
        go.Waterfall(name=t("dashboards.viz.forecast_point", lang), x=steps,
                     measure=["relative", "relative", "relative", "total"], y=vals,
                     text=[f"{v:,.0f}" for v in vals], textposition="inside", showlegend=False,
                     increasing={"marker": {"color": COLORS["simulated"]}},
                     totals={"marker": {"color": COLORS["revenue"]}}, connector={"line": {"color": "#9aa7b4"}},
                     hovertemplate="%{x}: %{y:,.0f}<extra></extra>"),
        go.Scatter(name=t("dashboards.viz.forecast_interval", lang, level=f"{tot['level']:.0%}"), x=[steps[-1]],
                   y=[float(tot["point"])], mode="markers", marker={"color": "#222", "size": 6},
                   error_y={"type": "data", "symmetric": False, "array": [float(tot["high"] - tot["point"])],
                            "arrayminus": [float(tot["point"] - tot["low"])], "color": "#222", "thickness": 2},
                   hovertemplate=f"{tot['low']:,.0f} – {tot['high']:,.0f}<extra></extra>"),
    ]
    has_target = math.isfinite(tot["target"])
    traces.append(go.Scatter(name=t("dashboards.viz.target", lang), x=[steps[0], steps[-1]] if has_target else [],
                             y=[float(tot["target"])] * 2 if has_target else [], mode="lines",
                             line={"color": COLORS["full"], "dash": "dash"}, showlegend=has_target,
                             hovertemplate=f"{t('dashboards.viz.target', lang)}: %{{y:,.0f}}<extra></extra>"))
    top = max(float(tot["high"]), float(tot["target"]) if math.isfinite(tot["target"]) else 0.0) * 1.12 or 1.0
    return go.Figure(traces, figure_layout(
        lang, t("dashboards.viz.forecast_title", lang, period=t(f"dashboards.period.{fc.period}", lang)),
        xaxis={"type": "category"}, yaxis={**_money_axis(t("dashboards.viz.amount", lang)), "range": [0, top]}))


# ---------------------------------------------------------------------------------------------
# Anomaly highlights
# ---------------------------------------------------------------------------------------------
def anomaly_figure(an: Anomalies, lang: str) -> go.Figure:
    """Every rep-week's value (grey dots), the outliers among them (red, named), and the team's weekly
    outliers (red diamonds at the top)."""
    rw = an.rep_weeks
    weeks = [str(w.date()) for w in rw["week"]]
    vals = _floats(rw["value"])
    out = rw["outlier"].to_numpy(bool)
    traces = [
        go.Scatter(name=t("dashboards.viz.anomaly_cells", lang), x=weeks, y=vals, mode="markers",
                   text=[str(r) for r in rw["rep"]], marker={"color": _GREY, "size": 6},
                   hovertemplate="%{text} · %{x}: %{y:,.2f}<extra></extra>"),
        go.Scatter(name=t("dashboards.viz.anomaly_outliers", lang), x=[w for w, o in zip(weeks, out, strict=True) if o],
                   y=[v for v, o in zip(vals, out, strict=True) if o],
                   text=[str(r) for r, o in zip(rw["rep"], out, strict=True) if o], mode="markers+text",
                   textposition="middle right", marker={"color": COLORS["full"], "size": 10},
                   hovertemplate="%{text} · %{x}: %{y:,.2f}<extra></extra>"),
    ]
    wk = an.weeks[an.weeks["outlier"]]
    traces.append(go.Scatter(name=t("dashboards.viz.anomaly_team", lang), x=[str(w.date()) for w in wk["week"]],
                             y=_floats(wk["value"]), mode="markers",
                             marker={"color": COLORS["full"], "symbol": "diamond", "size": 12},
                             hovertemplate="%{x}: %{y:,.2f}<extra></extra>"))
    metric = t(f"dashboards.viz.metric_{an.metric}", lang)
    yaxis = ({"tickformat": ".0%", "rangemode": "tozero"} if an.metric == "win_rate"
             else {"tickformat": ",.0f", "rangemode": "tozero"})
    return go.Figure(traces, figure_layout(
        lang, t("dashboards.viz.anomaly_title", lang, metric=metric),
        xaxis={"title": {"text": t("dashboards.viz.week", lang)}}, yaxis=yaxis))


def deal_amounts_figure(deals, an: Anomalies, lang: str) -> go.Figure:
    """Every deal's amount by the date it was created (log scale), the unusual ones in red."""
    d = deals[deals["amount"].notna() & (deals["amount"] > 0)]
    flagged = set(an.deals["deal_id"])
    is_out = d["deal_id"].isin(flagged).to_numpy()
    dates = [str(x.date()) for x in d["created"]]
    amt = [float(a) for a in d["amount"]]
    ids = [str(i) for i in d["deal_id"]]

    def pick(seq: list, keep: bool) -> list:
        return [v for v, k in zip(seq, is_out, strict=True) if k == keep]

    traces = [
        go.Scatter(name=t("dashboards.viz.deals", lang), x=pick(dates, False), y=pick(amt, False),
                   text=pick(ids, False), mode="markers", marker={"color": _GREY, "size": 5, "opacity": 0.7},
                   hovertemplate="%{text} · %{x}: %{y:,.0f}<extra></extra>"),
        go.Scatter(name=t("dashboards.viz.unusual", lang), x=pick(dates, True), y=pick(amt, True),
                   text=pick(ids, True), mode="markers+text", textposition="middle right",
                   marker={"color": COLORS["full"], "size": 10}, hovertemplate="%{text} · %{x}: %{y:,.0f}<extra></extra>"),
    ]
    return go.Figure(traces, figure_layout(
        lang, t("dashboards.viz.deals_title", lang),
        yaxis={"title": {"text": t("dashboards.viz.amount", lang)}, "type": "log", "tickformat": ",.0f"}))
