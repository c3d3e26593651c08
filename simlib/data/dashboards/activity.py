"""S1's activity board (COURSE.md §8): activity per rep and week read from a deal table's stage dates,
completion against S3's weekly self-check targets (COURSE.md §4), output per head, and the correlation
between activity and result.
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
from simlib.data.crm import stage_names
from simlib.data.crm.sources import deal_table
from simlib.data.crm.table import DAY
from simlib.data.dashboards.periods import asof_day
from simlib.formulas.appraisal import SELF_CHECK_TARGETS

__all__ = ["ACTIVITY_ITEMS", "ActivityBoard", "activity_board"]

ACTIVITY_ITEMS: dict[str, str] = {
    "new_visits": "deals created (a first contact with a new customer)",
    "follow_ups": "stage entries after the first (each a follow-up meeting that moved a deal on)",
    "proposals": "entries into the proposal stage",
    "orders": "deals won",
    "sales": "won amount (yuan)",
}
"""How the S3 weekly self-check rows (:data:`simlib.formulas.appraisal.SELF_CHECK_TARGETS`) are read from a
deal table. Demos and satisfaction are not in a CRM deal table and are left out."""


@dataclass(frozen=True)
class ActivityBoard:
    """The activity board (:func:`activity_board`).

    ``table``: one row per rep — ``rep, weeks, activities, activities_per_week, new_per_week,
    follow_ups_per_week, won, won_per_week, revenue, revenue_per_week, win_rate, completion, rank``
    (rank by revenue per week). ``weekly``: ``rep, week`` (its Monday), ``new, follow_ups,
    activities, won, revenue``. ``completion``: ``rep, item, target, actual`` (per week),
    ``completion`` (actual ÷ target). ``correlation``: ``pearson, spearman, n`` between activities
    and revenue per week across reps, and ``weekly_pearson`` across rep-weeks. ``team``: ``reps,
    weeks, activities_per_head_week, revenue_per_head_week, completion``.
    """
    table: pd.DataFrame
    weekly: pd.DataFrame
    completion: pd.DataFrame
    correlation: dict
    team: dict
    start: pd.Timestamp
    asof: pd.Timestamp

    def text(self, lang: str | None = None) -> str:
        """One line on activity and output per head, completion and the activity–result correlation."""
        team, c = self.team, self.correlation
        return t("dashboards.activity.text", lang,
                 activities=number(team["activities_per_head_week"], lang, digits=1, fixed=True),
                 revenue=number(team["revenue_per_head_week"], lang, digits=0),
                 completion=percent(team["completion"], lang, digits=0),
                 r=number(c["pearson"], lang, digits=2, fixed=True, signed=True), n=c["n"])


def _corr(x: np.ndarray, y: np.ndarray, method: str = "pearson") -> float:
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return math.nan
    a, b = x[ok], y[ok]
    if method == "spearman":      # Pearson on the ranks (no scipy import on the first redraw)
        a, b = pd.Series(a).rank().to_numpy(), pd.Series(b).rank().to_numpy()
    return float(np.corrcoef(a, b)[0, 1])


def activity_board(deals: Any, *, targets: Mapping[str, float] | None = None, asof: Any = None,
                   last_weeks: int | None = None, proposal_stage: str = "proposal") -> ActivityBoard:
    """S1's activity board (COURSE.md §8): activity per rep per week read from the stage dates,
    completion against the S3 weekly self-check targets (COURSE.md §4), output per head and the
    activity–result correlation.

    An activity is a dated step of a deal: its creation (a new-customer contact) or its entry into
    a later stage (a follow-up that moved it on). The window runs from the first ``created`` (or
    ``last_weeks`` before ``asof``) to ``asof``; per-week figures divide by its length in weeks.
    Completion per item = actual per week ÷ weekly target for the items of :data:`ACTIVITY_ITEMS`
    that ``targets`` (default S3's sheet) names; a rep's ``completion`` is the mean over items of
    min(completion, 1), as :func:`simlib.formulas.appraisal.self_check` counts it.

        >>> from simlib.data.crm import read_deals
        >>> a = activity_board(read_deals("scenarios/crm/sample_deals.csv"))
        >>> round(a.team["activities_per_head_week"], 2), round(a.team["completion"], 2)
        (7.99, 0.23)
        >>> a.completion.query("rep == 'R01'")[["item", "target", "actual"]].round(2).values.tolist()[:2]
        [['new_visits', 10.0, 4.12], ['follow_ups', 15.0, 3.12]]
    """
    df = deal_table(deals)
    asof = asof_day(df, asof)
    cut = asof + DAY
    start = df["created"].min().normalize()
    if last_weeks is not None:
        if isinstance(last_weeks, bool) or not isinstance(last_weeks, (int, np.integer)) or last_weeks < 1:
            raise ScenarioError.at("last_weeks", "dashboards_range", low=1, high=520, input=last_weeks)
        start = max(start, cut - pd.Timedelta(weeks=int(last_weeks)))
    weeks = max((cut - start) / pd.Timedelta(weeks=1), 1 / 7)
    stages = stage_names(df)
    tg = dict(SELF_CHECK_TARGETS if targets is None else targets)
    items = [k for k in ACTIVITY_ITEMS if k in tg and (k != "proposals" or proposal_stage in stages)]
    for k in items:
        v = tg[k]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
            raise ScenarioError.at(f"targets.{k}", "greater_than", limit=0, input=v)
    reps = sorted(df["rep"].astype(str).unique())
    monday0 = start - pd.Timedelta(days=start.weekday())
    n_w = math.ceil((cut - monday0) / pd.Timedelta(weeks=1))
    rep_pos = {r: i for i, r in enumerate(reps)}
    rep_i = df["rep"].astype(str).map(rep_pos).to_numpy()

    def grid(dates: pd.Series, weights: np.ndarray | None = None) -> np.ndarray:
        d = dates.to_numpy("datetime64[ns]")
        ok = ~np.isnat(d) & (d >= start.to_datetime64()) & (d < cut.to_datetime64())
        w = ((d[ok] - monday0.to_datetime64()) // np.timedelta64(7, "D")).astype(np.int64)
        out = np.zeros(len(reps) * n_w)
        np.add.at(out, rep_i[ok] * n_w + w, 1.0 if weights is None else weights[ok])
        return out.reshape(len(reps), n_w)

    new = grid(df["created"])
    follow = sum((grid(df[f"{s}_date"]) for s in stages[1:]), np.zeros((len(reps), n_w)))
    props = grid(df[f"{proposal_stage}_date"]) if proposal_stage in stages else np.zeros((len(reps), n_w))
    won_d = df["closed"].where(df["outcome"] == "won")
    won = grid(won_d)
    revenue = grid(won_d, np.nan_to_num(df["amount"].to_numpy(float)))
    lost = grid(df["closed"].where(df["outcome"] == "lost"))
    weekly = pd.DataFrame({
        "rep": np.repeat(np.array(reps, dtype=object), n_w),
        "week": np.tile(pd.date_range(monday0, periods=n_w, freq="7D").to_numpy(), len(reps)),
        "new": new.ravel().astype(np.int64), "follow_ups": follow.ravel().astype(np.int64),
        "activities": (new + follow).ravel().astype(np.int64), "won": won.ravel().astype(np.int64),
        "revenue": revenue.ravel(),
    })
    tot = {"new_visits": new.sum(1), "follow_ups": follow.sum(1), "proposals": props.sum(1),
           "orders": won.sum(1), "sales": revenue.sum(1)}
    comp_rows = []
    for i, r in enumerate(reps):
        for k in items:
            actual = tot[k][i] / weeks
            comp_rows.append({"rep": r, "item": k, "target": float(tg[k]), "actual": float(actual),
                              "completion": float(actual / tg[k])})
    completion = pd.DataFrame(comp_rows, columns=["rep", "item", "target", "actual", "completion"])
    overall = (completion.assign(c=completion["completion"].clip(upper=1.0)).groupby("rep")["c"].mean()
               if len(completion) else pd.Series(dtype=float))
    acts = (new + follow).sum(1)
    decided = won.sum(1) + lost.sum(1)
    table = pd.DataFrame({
        "rep": reps, "weeks": weeks, "activities": acts.astype(np.int64), "activities_per_week": acts / weeks,
        "new_per_week": new.sum(1) / weeks, "follow_ups_per_week": follow.sum(1) / weeks,
        "won": won.sum(1).astype(np.int64), "won_per_week": won.sum(1) / weeks, "revenue": revenue.sum(1),
        "revenue_per_week": revenue.sum(1) / weeks,
        "win_rate": np.divide(won.sum(1), decided, out=np.full(len(reps), np.nan), where=decided > 0),
    })
    table["completion"] = table["rep"].map(overall).astype(float)
    table["rank"] = table["revenue_per_week"].rank(ascending=False, method="min").astype(np.int64)
    table = table.sort_values(["rank", "rep"], kind="stable").reset_index(drop=True)
    x, y = table["activities_per_week"].to_numpy(float), table["revenue_per_week"].to_numpy(float)
    corr = {"pearson": _corr(x, y), "spearman": _corr(x, y, "spearman"), "n": len(reps),
            "weekly_pearson": _corr(weekly["activities"].to_numpy(float), weekly["revenue"].to_numpy(float))}
    team = {"reps": len(reps), "weeks": weeks,
            "activities_per_head_week": float(acts.sum() / weeks / max(len(reps), 1)),
            "revenue_per_head_week": float(revenue.sum() / weeks / max(len(reps), 1)),
            "completion": float(overall.mean()) if len(overall) else math.nan}
    return ActivityBoard(table=table, weekly=weekly, completion=completion, correlation=corr, team=team,
                         start=start, asof=asof)
