"""S1's funnel-health board (COURSE.md §8; the funnel of §2): per stage the deals that entered, passed,
were lost and are still open, conversion, dwell time and S3's SLA breaches, the bottleneck, and the
loss reasons.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.base.schema import ScenarioError
from simlib.data.crm import stage_stats
from simlib.data.crm.sources import deal_table
from simlib.data.crm.table import DAY
from simlib.data.dashboards.periods import as_seen

__all__ = ["SLA_DAYS", "FunnelHealth", "funnel_health"]

SLA_DAYS = 14.0
"""S3's stage SLA: a deal should move from proposal to negotiation within 14 days; older deals are
flagged (COURSE.md §2). The funnel-health board applies it to every stage unless told otherwise."""


@dataclass(frozen=True)
class FunnelHealth:
    """The funnel-health board (:func:`funnel_health`).

    ``stages``: one row per stage — ``stage, entered, passed, lost, open, decided, conversion,
    reach, open_value, benchmark, vs_benchmark, dwell_n, dwell_median_days, dwell_p25_days,
    dwell_p75_days, open_age_median_days, over_sla, sla_days``. ``reasons``: ``reason, lost, share,
    value`` (most frequent first; '' = not recorded). ``reasons_by_stage``: ``stage, reason, lost``.
    ``bottleneck``: ``stage, kind`` ("benchmark" or "narrowest"), ``conversion, benchmark, ratio,
    slowest, slowest_days``. ``summary``: ``deals, won, lost, open, win_rate, won_value, avg_won,
    cycle_median_days`` (created → won), ``open_value, over_sla``.
    """
    stages: pd.DataFrame
    reasons: pd.DataFrame
    reasons_by_stage: pd.DataFrame
    bottleneck: dict
    summary: dict
    asof: pd.Timestamp

    def text(self, lang: str | None = None, stage_labels: Mapping[str, str] | None = None) -> str:
        """The bottleneck in one line (and the slowest stage when that is another)."""
        b = self.bottleneck
        if b["stage"] is None:
            return t("dashboards.funnel.text_none", lang)
        name = (stage_labels or {}).get(b["stage"], b["stage"])
        if b["kind"] == "benchmark":
            line = t("dashboards.funnel.text_benchmark", lang, stage=name,
                     conversion=percent(b["conversion"], lang, digits=0),
                     benchmark=percent(b["benchmark"], lang, digits=0))
        else:
            line = t("dashboards.funnel.text_narrowest", lang, stage=name,
                     conversion=percent(b["conversion"], lang, digits=0))
        if b["slowest"] is not None and b["slowest"] != b["stage"]:
            slow = (stage_labels or {}).get(b["slowest"], b["slowest"])
            line += t("dashboards.funnel.text_slowest", lang, stage=slow,
                      days=number(b["slowest_days"], lang, digits=1, fixed=True))
        return line


def _benchmarks(benchmark: Any, stages: list[str]) -> dict[str, float]:
    if benchmark is None:
        return {}
    if hasattr(benchmark, "funnel"):
        return {s.name: float(s.conversion) for s in benchmark.funnel.stages if s.name in stages}
    if isinstance(benchmark, Mapping):
        out = {}
        for k, v in benchmark.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
                raise ScenarioError.at(f"benchmark.{k}", "dashboards_range", low=0, high=1, input=v)
            out[str(k)] = float(v)
        return out
    raise ScenarioError.at("benchmark", "dashboards_benchmark", input=type(benchmark).__name__)


def funnel_health(deals: Any, *, benchmark: Any = None, sla_days: float | Mapping[str, float] = SLA_DAYS,
                  asof: Any = None, min_decided: int = 5) -> FunnelHealth:
    """S1's funnel-health board (COURSE.md §8; the funnel of §2): per stage the deals that entered,
    passed, were lost and are still open, the open pipeline's value, conversion (passed ÷ decided),
    dwell time, the SLA breaches, the bottleneck and the loss reasons.

    * ``reach`` — entered ÷ deals created; ``open_value`` — amounts of the open deals now at the stage.
    * dwell — days in the stage of the deals that left it (:func:`simlib.data.crm.stage_stats`); for open
      deals ``open_age_median_days`` (days since entering, to ``asof``) and ``over_sla``: how many
      have been in the stage longer than ``sla_days`` (S3: 14 days from proposal to negotiation;
      one number for every stage, or ``{stage: days}``).
    * **bottleneck** — among stages with at least ``min_decided`` decided deals: with a
      ``benchmark`` (a scenario's conversions, or ``{stage: conversion}``) the stage furthest below
      it (lowest conversion ÷ benchmark); without one, the narrowest stage (lowest conversion) —
      "a healthy funnel is smoothly tapered; a sudden narrowing marks the bottleneck" (S3, COURSE.md
      §2). ``slowest`` names the stage with the longest median dwell.

        >>> from simlib.data.crm import read_deals
        >>> h = funnel_health(read_deals("scenarios/crm/sample_deals.csv"), benchmark={"proposal": 0.6})
        >>> h.stages[["stage", "entered", "conversion"]].round(3).values.tolist()
        ... # doctest: +NORMALIZE_WHITESPACE
        [['lead', 1597, 0.5], ['opportunity', 796, 0.618], ['proposal', 490, 0.479],
         ['negotiation', 232, 0.402]]
        >>> h.bottleneck["stage"], h.bottleneck["kind"], h.reasons["reason"].iloc[0]
        ('proposal', 'benchmark', 'no_budget')
    """
    df, asof = as_seen(deal_table(deals), asof)
    cut = asof + DAY
    stats = stage_stats(df)
    stages = list(stats["stage"])
    bench = _benchmarks(benchmark, stages)
    if isinstance(sla_days, Mapping):
        sla = {s: float(sla_days.get(s, math.nan)) for s in stages}
    else:
        if isinstance(sla_days, bool) or not isinstance(sla_days, (int, float)) or sla_days <= 0:
            raise ScenarioError.at("sla_days", "greater_than", limit=0, input=sla_days)
        sla = {s: float(sla_days) for s in stages}
    idx = df["stage_index"].to_numpy()
    is_open = (df["outcome"] == "open").to_numpy()
    amount = df["amount"].to_numpy(float)
    rows = []
    for k, s in enumerate(stages):
        here = is_open & (idx == k)
        age = (cut.to_datetime64() - df.loc[here, f"{s}_date"].to_numpy("datetime64[ns]"))
        age = age[~np.isnat(age)].astype("timedelta64[s]").astype(float) / 86400
        rows.append({"open_value": float(np.nansum(amount[here])),
                     "open_age_median_days": float(np.median(age)) if len(age) else math.nan,
                     "over_sla": int((age > sla[s]).sum()) if math.isfinite(sla[s]) else 0,
                     "sla_days": sla[s]})
    extra = pd.DataFrame(rows)
    first = max(int(stats["entered"].iloc[0]), 1)
    st = stats.assign(reach=stats["entered"] / first, open_value=extra["open_value"],
                      benchmark=[bench.get(s, math.nan) for s in stages])
    st["vs_benchmark"] = st["conversion"] / st["benchmark"]
    st["open_age_median_days"] = extra["open_age_median_days"]
    st["over_sla"] = extra["over_sla"]
    st["sla_days"] = extra["sla_days"]
    st = st[["stage", "entered", "passed", "lost", "open", "decided", "conversion", "reach", "open_value",
             "benchmark", "vs_benchmark", "dwell_n", "dwell_median_days", "dwell_p25_days", "dwell_p75_days",
             "open_age_median_days", "over_sla", "sla_days"]]
    # bottleneck
    ok = (st["decided"] >= min_decided) & st["conversion"].notna()
    cand = st[ok]
    bott: dict[str, Any] = {"stage": None, "kind": None, "conversion": math.nan, "benchmark": math.nan,
                            "ratio": math.nan, "slowest": None, "slowest_days": math.nan}
    benched = cand[cand["benchmark"].notna()]
    if len(benched):
        row = benched.loc[benched["vs_benchmark"].idxmin()]
        bott.update(stage=row["stage"], kind="benchmark", conversion=float(row["conversion"]),
                    benchmark=float(row["benchmark"]), ratio=float(row["vs_benchmark"]))
    elif len(cand):
        row = cand.loc[cand["conversion"].idxmin()]
        bott.update(stage=row["stage"], kind="narrowest", conversion=float(row["conversion"]))
    dw = st[(st["dwell_n"] >= min_decided) & st["dwell_median_days"].notna()]
    if len(dw):
        row = dw.loc[dw["dwell_median_days"].idxmax()]
        bott.update(slowest=row["stage"], slowest_days=float(row["dwell_median_days"]))
    # reasons
    lost = df[df["outcome"] == "lost"]
    reason = lost["loss_reason"].astype(str)
    g = lost.assign(reason=reason).groupby("reason", sort=False).agg(lost=("deal_id", "size"),
                                                                      value=("amount", "sum"))
    g = g.reset_index().sort_values(["lost", "reason"], ascending=[False, True], kind="stable")
    g["share"] = g["lost"] / max(len(lost), 1)
    reasons = g[["reason", "lost", "share", "value"]].reset_index(drop=True)
    by_stage = (lost.assign(reason=reason).groupby(["stage", "reason"], sort=False).size()
                .rename("lost").reset_index())
    by_stage["_k"] = by_stage["stage"].map({s: i for i, s in enumerate(stages)})
    by_stage = by_stage.sort_values(["_k", "lost"], ascending=[True, False], kind="stable").drop(columns="_k")
    # summary
    oc = df["outcome"].to_numpy()
    won = oc == "won"
    n_won, n_lost = int(won.sum()), int((oc == "lost").sum())
    won_value = float(np.nansum(amount[won]))
    summary = {"deals": len(df), "won": n_won, "lost": n_lost, "open": int(is_open.sum()),
               "win_rate": n_won / (n_won + n_lost) if n_won + n_lost else math.nan,
               "won_value": won_value, "avg_won": won_value / n_won if n_won else math.nan,
               "cycle_median_days": float(df.loc[won, "cycle_days"].median()) if n_won else math.nan,
               "open_value": float(np.nansum(amount[is_open])), "over_sla": int(st["over_sla"].sum())}
    return FunnelHealth(stages=st, reasons=reasons, reasons_by_stage=by_stage.reset_index(drop=True),
                        bottleneck=bott, summary=summary, asof=asof)
