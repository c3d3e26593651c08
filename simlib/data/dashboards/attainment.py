"""S1's attainment board (COURSE.md §8): target vs actual per rep, region or product for one period,
with the ranking, the change on the previous period and on a year before, the warnings (behind pace,
off track: COURSE.md §1's review trigger) and the drill-down to the deals behind a row.
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
from simlib.data.dashboards.periods import (
    PERIOD_FREQ,
    asof_day,
    check_period,
    period_bounds,
    period_targets,
    shift_period,
)

__all__ = [
    "OFF_TRACK",
    "PACE_MARGIN",
    "STATUSES",
    "AttainmentBoard",
    "attainment_board",
    "drill_down",
    "pace_status",
]

PACE_MARGIN = 0.10
"""Behind pace: attainment below the share of the period gone by more than this (10 points)."""
OFF_TRACK = 0.30
"""Off track: behind pace *and* on course (straight line) to miss the target by more than 30 % — S1's
"3 consecutive months deviate by more than 30 %" trigger for reviewing a target (COURSE.md §1)."""

STATUSES = ("met", "on_pace", "behind_pace", "off_track", "no_target")
"""The statuses of :func:`pace_status`, best first."""


def pace_status(attain: np.ndarray, projected: np.ndarray, elapsed: float, margin: float) -> np.ndarray:
    """The warning rule (COURSE.md §8 warnings; §1 dynamic adjustment; §3 attainment bands):

    * ``met`` — actual ≥ target;
    * ``behind_pace`` — attainment < share of the period gone − ``margin``;
    * ``off_track`` — behind pace and the straight-line projection (attainment ÷ share gone) below
      1 − :data:`OFF_TRACK` (70 %, which is also where S1's coefficient table stops paying a bonus
      at < 80 %);
    * ``on_pace`` — otherwise; ``no_target`` where there is no target.
    """
    out = np.full(len(attain), "on_pace", dtype=object)
    behind = attain < elapsed - margin
    out[behind] = "behind_pace"
    out[behind & (projected < 1 - OFF_TRACK)] = "off_track"
    out[attain >= 1 - 1e-12] = "met"
    out[~np.isfinite(attain)] = "no_target"
    return out


@dataclass(frozen=True)
class AttainmentBoard:
    """Target vs actual for one period (:func:`attainment_board`).

    ``table``: one row per ``by`` value (rep, region or product), best first — ``<by>, target,
    actual, won, attainment, rank, gap, projected, projected_attainment, prev_actual, change_prev,
    year_ago_actual, change_yoy, status, warning``. ``total``: the same for the whole team (a dict,
    plus ``period, start, end, asof, elapsed``). ``trend``: ``<by>, period, start, actual, won,
    target, partial`` for every period of the table up to ``asof`` (the trend line; ``partial``
    marks the period under way and a first period the data starts inside).
    """
    table: pd.DataFrame
    total: dict
    trend: pd.DataFrame
    by: str
    period: str
    start: pd.Timestamp
    end: pd.Timestamp
    asof: pd.Timestamp
    elapsed: float

    def warnings(self) -> pd.DataFrame:
        """The rows with a warning (behind pace or off track), worst first."""
        w = self.table[self.table["warning"]]
        return w.sort_values("attainment", kind="stable").reset_index(drop=True)

    def text(self, lang: str | None = None) -> str:
        """One line on the team and how many are behind."""
        tot = self.total
        what = t(f"dashboards.period.{self.period}", lang)
        status = t(f"dashboards.status.{tot['status']}", lang)
        n_warn = int(self.table["warning"].sum())
        if math.isfinite(tot["target"]) and tot["target"] > 0:
            line = t("dashboards.attainment.text", lang, actual=number(tot["actual"], lang, digits=0),
                     target=number(tot["target"], lang, digits=0),
                     attainment=percent(tot["attainment"], lang, digits=0),
                     elapsed=percent(self.elapsed, lang, digits=0), period=what, status=status)
        else:
            line = t("dashboards.attainment.text_no_target", lang,
                     actual=number(tot["actual"], lang, digits=0),
                     elapsed=percent(self.elapsed, lang, digits=0), period=what)
        if n_warn:
            line += t("dashboards.attainment.behind", lang, count=n_warn, total=len(self.table))
        return line


def _won_sum(df: pd.DataFrame, by: str, lo: pd.Timestamp, hi: pd.Timestamp) -> tuple[pd.Series, pd.Series]:
    won = df[(df["outcome"] == "won") & (df["closed"] >= lo) & (df["closed"] < hi)]
    g = won.groupby(by, sort=False)["amount"]
    return g.sum(), g.size()


def attainment_board(deals: Any, targets: Any = None, *, period: str = "month", asof: Any = None,
                     by: str = "rep", margin: float = PACE_MARGIN) -> AttainmentBoard:
    """S1's attainment board (COURSE.md §8): target vs actual, ranking, change on the previous period
    and on a year before, and warnings, for the period holding ``asof``.

    * ``actual`` — won ``amount`` closed from the period's start to ``asof`` (inclusive);
      ``attainment`` = actual ÷ target; ``rank`` 1 = best attainment (best actual without targets);
      ``gap`` = target − actual; ``projected`` = actual ÷ share of the period gone (straight line).
    * ``change_prev`` (MoM for months, QoQ for quarters) compares with the previous period *to the
      same point* — its first ``elapsed`` share — so a half-gone month is not set against a whole one;
      ``change_yoy`` likewise with the same period a year before. Either is NaN when the table starts
      after that period began (no YoY unless the data spans more than a year) or it had no sales.
    * ``status`` / ``warning``: the rule of :func:`pace_status` — behind pace when attainment trails the
      share of the period gone by more than ``margin`` (10 points), off track when the straight-line
      projection is also below 70 % (S1's review trigger: a deviation above 30 %, COURSE.md §1).

    Args:
        targets: per-period targets (see :func:`period_targets`) for the ``by`` values; a scenario's
            quotas apply to reps only.
        by: ``rep``, or ``region``/``product`` when the table has that column.

        >>> from simlib.data.crm import read_deals
        >>> d = read_deals("scenarios/crm/sample_deals.csv")
        >>> b = attainment_board(d, targets=100_000, period="month")
        >>> b.table[["rep", "actual", "attainment", "rank", "status"]].head(3).values.tolist()
        ... # doctest: +NORMALIZE_WHITESPACE
        [['R14', 112882.0, 1.12882, 1, 'met'], ['R06', 83132.0, 0.83132, 2, 'on_pace'],
         ['R03', 69620.0, 0.6962, 3, 'on_pace']]
        >>> round(b.total["change_prev"], 3)                       # June 1–15 against May 1–15
        -0.227
    """
    df = deal_table(deals)
    check_period(period)
    if by not in df.columns:
        raise ScenarioError.at("by", "dashboards_no_column", column=by)
    if not isinstance(margin, (int, float)) or isinstance(margin, bool) or not 0 <= margin < 1:
        raise ScenarioError.at("margin", "dashboards_range", low=0, high=1, input=margin)
    asof = asof_day(df, asof)
    start, end = period_bounds(asof, period)
    cut = asof + DAY
    elapsed = float(min(1.0, max(0.0, (cut - start) / (end - start))))
    data_start = df["created"].min().normalize()
    keys = sorted(df[by].astype(str).unique())
    tg = period_targets(targets, keys, period)
    actual, won = _won_sum(df, by, start, cut)

    def same_point(p_start: pd.Timestamp) -> tuple[pd.Series, bool]:
        p_end = shift_period(p_start, period, 1)
        p_cut = p_start + (p_end - p_start) * elapsed
        covered = data_start <= p_start
        return _won_sum(df, by, p_start, p_cut)[0], covered

    prev, prev_ok = same_point(shift_period(start, period, -1))
    year_ago, year_ok = same_point((start - pd.DateOffset(years=1)).normalize())
    rows = pd.DataFrame({by: keys})
    rows["target"] = [tg[k] for k in keys]
    rows["actual"] = rows[by].map(actual).fillna(0.0).astype(float)
    rows["won"] = rows[by].map(won).fillna(0).astype(np.int64)
    rows["prev_actual"] = rows[by].map(prev).fillna(0.0).astype(float) if prev_ok else math.nan
    rows["year_ago_actual"] = rows[by].map(year_ago).fillna(0.0).astype(float) if year_ok else math.nan
    table = _attainment_rows(rows, elapsed, margin, by)
    tot_row = pd.DataFrame({by: ["__team__"], "target": [rows["target"].sum(min_count=len(rows))],
                            "actual": [rows["actual"].sum()], "won": [rows["won"].sum()],
                            "prev_actual": [rows["prev_actual"].sum() if prev_ok else math.nan],
                            "year_ago_actual": [rows["year_ago_actual"].sum() if year_ok else math.nan]})
    total = _attainment_rows(tot_row, elapsed, margin, by).iloc[0].drop([by, "rank"]).to_dict()
    total = {k: (v.item() if hasattr(v, "item") else v) for k, v in total.items()}
    total.update({"period": period, "start": start, "end": end, "asof": asof, "elapsed": elapsed})
    trend = _trend(df, by, period, cut, data_start, tg)
    return AttainmentBoard(table=table, total=total, trend=trend, by=by, period=period, start=start, end=end,
                           asof=asof, elapsed=elapsed)


def _attainment_rows(rows: pd.DataFrame, elapsed: float, margin: float, by: str) -> pd.DataFrame:
    tgt = rows["target"].to_numpy(float)
    act = rows["actual"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        att = np.where(tgt > 0, act / tgt, np.nan)
        proj = act / elapsed if elapsed > 0 else np.full(len(act), np.nan)
        proj_att = np.where(tgt > 0, proj / tgt, np.nan)
        prev = rows["prev_actual"].to_numpy(float)
        yago = rows["year_ago_actual"].to_numpy(float)
        ch_prev = np.where(prev > 0, act / prev - 1, np.nan)
        ch_yoy = np.where(yago > 0, act / yago - 1, np.nan)
    rows = rows.copy()
    rows["attainment"] = att
    score = np.where(np.isfinite(att), att, -np.inf) if np.isfinite(att).any() else act
    rows["rank"] = pd.Series(score).rank(ascending=False, method="min").astype(np.int64).to_numpy()
    rows["gap"] = tgt - act
    rows["projected"] = proj
    rows["projected_attainment"] = proj_att
    rows["change_prev"] = ch_prev
    rows["change_yoy"] = ch_yoy
    rows["status"] = pace_status(att, proj_att, elapsed, margin)
    rows["warning"] = rows["status"].isin(["behind_pace", "off_track"]).to_numpy()
    cols = [by, "target", "actual", "won", "attainment", "rank", "gap", "projected", "projected_attainment",
            "prev_actual", "change_prev", "year_ago_actual", "change_yoy", "status", "warning"]
    return rows[cols].sort_values(["rank", by], kind="stable").reset_index(drop=True)


def _trend(df: pd.DataFrame, by: str, period: str, cut: pd.Timestamp, data_start: pd.Timestamp,
           tg: Mapping[str, float]) -> pd.DataFrame:
    won = df[(df["outcome"] == "won") & (df["closed"] < cut)]
    first = period_bounds(data_start, period)[0]
    last = period_bounds(cut - DAY, period)[0]
    starts = pd.period_range(first, last, freq=PERIOD_FREQ[period])
    keys = sorted(df[by].astype(str).unique())
    p = won["closed"].dt.to_period(PERIOD_FREQ[period])
    g = won.assign(_p=p).groupby([by, "_p"])["amount"].agg(["sum", "size"])
    idx = pd.MultiIndex.from_product([keys, starts], names=[by, "_p"])
    g = g.reindex(idx, fill_value=0).reset_index()
    out = pd.DataFrame({
        by: g[by].astype(str).to_numpy(object),
        "period": [str(x) for x in g["_p"]],
        "start": g["_p"].dt.start_time.dt.normalize().to_numpy(),
        "actual": g["sum"].astype(float).to_numpy(),
        "won": g["size"].astype(np.int64).to_numpy(),
    })
    out["target"] = out[by].map(tg).astype(float)
    ends = (g["_p"] + 1).dt.start_time.dt.normalize()
    out["partial"] = ((ends > cut) | (out["start"] < data_start)).to_numpy()
    return out


def drill_down(deals: Any, value: str, *, by: str = "rep", period: str | None = None,
               asof: Any = None) -> pd.DataFrame:
    """The deals behind one row of the attainment board (COURSE.md §8: drill-down): every deal of
    ``value`` in column ``by`` — with ``period``, those in play in the period holding ``asof``
    (created before its end and still open or closed in it) — newest first, with ``age_days``
    (days from created to closed, or to ``asof`` while open) and ``days_in_stage`` (an open deal's
    days since it entered its current stage, NaN for a closed one).

        >>> from simlib.data.crm import read_deals
        >>> d = drill_down(read_deals("scenarios/crm/sample_deals.csv"), "R01", period="month")
        >>> len(d), d["outcome"].value_counts().to_dict()
        (10, {'lost': 9, 'won': 1})
    """
    df = deal_table(deals)
    if by not in df.columns:
        raise ScenarioError.at("by", "dashboards_no_column", column=by)
    asof = asof_day(df, asof)
    cut = asof + DAY
    out = df[df[by].astype(str) == str(value)]
    if period is not None:
        start, end = period_bounds(asof, period)
        alive = out["closed"].isna() | (out["closed"] >= start)
        out = out[(out["created"] < min(end, cut)) & alive]
    out = out.copy()
    stop = out["closed"].where(out["closed"].notna(), cut)
    out["age_days"] = (stop - out["created"]).dt.total_seconds() / 86400
    stages = stage_names(df)
    entry = np.full(len(out), np.datetime64("NaT"), "datetime64[ns]")
    idx = out["stage_index"].to_numpy()
    for k, s in enumerate(stages):
        entry = np.where(idx == k, out[f"{s}_date"].to_numpy("datetime64[ns]"), entry)
    days = (cut.to_datetime64() - entry).astype("timedelta64[s]").astype(float) / 86400
    out["days_in_stage"] = np.where(out["outcome"].to_numpy() == "open", days, np.nan)
    out = out.sort_values(["created", "deal_id"], ascending=False, kind="stable").reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out
