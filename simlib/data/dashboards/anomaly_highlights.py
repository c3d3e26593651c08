"""S1's anomaly highlights and S2's outlier screening (COURSE.md §8): the weeks, reps and rep-weeks whose
revenue or win rate is an outlier by a robust z-score, and the deals with unusual amounts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number
from simlib.base.i18n import t
from simlib.base.schema import ScenarioError
from simlib.data.crm.sources import deal_table
from simlib.data.crm.table import DAY
from simlib.data.dashboards.periods import asof_day

__all__ = ["ROBUST_Z", "Anomalies", "anomalies", "robust_z"]

ROBUST_Z = 3.5
"""The robust z-score beyond which a value is an outlier (Iglewicz & Hoaglin 1993)."""
_METRICS = ("revenue", "win_rate")


def robust_z(values: Any) -> np.ndarray:
    """Robust z-scores, 0.6745 · (x − median) ÷ MAD (Iglewicz & Hoaglin 1993); when the MAD is 0 (half
    the values equal) the mean absolute deviation stands in, (x − median) ÷ (1.2533 · mean |x −
    median|); all 0 when every value is the same. NaN stays NaN. COURSE.md §8 (S2): outlier screening.

        >>> robust_z([10, 11, 9, 10, 12, 10, 60]).round(1).tolist()
        [0.0, 0.7, -0.7, 0.0, 1.3, 0.0, 33.7]
    """
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x)
    if not ok.any():
        return out
    v = x[ok]
    med = np.median(v)
    mad = np.median(np.abs(v - med))
    if mad > 0:
        out[ok] = 0.6745 * (v - med) / mad
    else:
        mean_ad = np.mean(np.abs(v - med))
        out[ok] = (v - med) / (1.2533 * mean_ad) if mean_ad > 0 else 0.0
    return out


@dataclass(frozen=True)
class Anomalies:
    """The anomaly highlights (:func:`anomalies`). ``weeks``: ``week, value, z, outlier`` (the team);
    ``reps``: ``rep, value, z, outlier``; ``rep_weeks``: ``rep, week, value, z, outlier``; ``deals``:
    the deals whose amount is unusual — ``deal_id, rep, outcome, amount, z, reason`` (``high``,
    ``low`` or ``zero_won``). ``metric`` is ``revenue`` (won amount per week) or ``win_rate``."""
    weeks: pd.DataFrame
    reps: pd.DataFrame
    rep_weeks: pd.DataFrame
    deals: pd.DataFrame
    metric: str
    threshold: float = field(default=ROBUST_Z)

    def text(self, lang: str | None = None) -> str:
        """One line: how many weeks, reps, rep-weeks and deals stand out."""
        return t("dashboards.anomalies.text", lang, weeks=int(self.weeks["outlier"].sum()),
                 reps=int(self.reps["outlier"].sum()), rep_weeks=int(self.rep_weeks["outlier"].sum()),
                 deals=len(self.deals), threshold=number(self.threshold, lang, digits=3))


def anomalies(deals: Any, *, metric: str = "revenue", threshold: float = ROBUST_Z, asof: Any = None,
              min_decided: int = 5) -> Anomalies:
    """S1's anomaly highlight and S2's outlier screening (COURSE.md §8): weeks, reps and rep-weeks whose
    value is an outlier, and deals with unusual amounts.

    A value is an outlier when its robust z-score (:func:`robust_z`) exceeds ``threshold`` (3.5,
    Iglewicz & Hoaglin's cut-off) in absolute value. ``metric``:

    * ``revenue`` — won amount per (Monday-to-Sunday) week; a rep's value is their mean per week;
    * ``win_rate`` — won ÷ decided (won + lost) among deals closed in the week; a cell with fewer
      than ``min_decided`` decided deals is not scored (NaN); a rep's value is over the whole table.

    The weeks are compared with each other (the team), the reps with each other, and every rep-week
    with all rep-weeks — except that when most rep-weeks have no sales (a rep wins a deal every few
    weeks, so the median and MAD are 0 and any sale would stand out), a rep-week's revenue is judged
    among the rep-weeks with sales, and the weeks without get no score (z NaN). Deals: z-score of
    log(amount) over the deals with an amount above 0 —
    amounts are skewed, so "unusual" is judged on the log scale (``high`` or ``low``) — and a won
    deal of amount 0 (``zero_won``, a logic check).

        >>> from simlib.data.crm import read_deals
        >>> a = anomalies(read_deals("scenarios/crm/sample_deals.csv"))
        >>> int(a.weeks["outlier"].sum()), int(a.reps["outlier"].sum())
        (0, 0)
        >>> a.deals["reason"].value_counts().to_dict()
        {'high': 1, 'low': 1}
    """
    df = deal_table(deals)
    if metric not in _METRICS:
        raise ScenarioError.at("metric", "choice", expected=", ".join(_METRICS), input=repr(metric))
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not threshold > 0:
        raise ScenarioError.at("threshold", "greater_than", limit=0, input=threshold)
    asof = asof_day(df, asof)
    cut = (asof + DAY).to_datetime64()
    start = df["created"].min().normalize()
    monday0 = (start - pd.Timedelta(days=start.weekday())).to_datetime64()
    n_w = max(1, math.ceil((cut - monday0) / np.timedelta64(7, "D")))
    reps = sorted(df["rep"].astype(str).unique())
    rep_i = df["rep"].astype(str).map({r: i for i, r in enumerate(reps)}).to_numpy()
    closed = df["closed"].to_numpy("datetime64[ns]")
    ok = ~np.isnat(closed) & (closed < cut)
    week = np.zeros(len(df), np.int64)
    week[ok] = (closed[ok] - monday0) // np.timedelta64(7, "D")
    oc = df["outcome"].to_numpy()
    amount = np.nan_to_num(df["amount"].to_numpy(float))

    def cells(mask: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        out = np.zeros(len(reps) * n_w)
        m = mask & ok
        np.add.at(out, rep_i[m] * n_w + week[m], 1.0 if w is None else w[m])
        return out.reshape(len(reps), n_w)

    won = cells(oc == "won")
    weeks_idx = pd.date_range(pd.Timestamp(monday0), periods=n_w, freq="7D")
    if metric == "revenue":
        rev = cells(oc == "won", amount)
        grid = rev
        team = rev.sum(0)
        per_rep = rev.mean(1)
    else:
        decided = won + cells(oc == "lost")
        with np.errstate(divide="ignore", invalid="ignore"):
            grid = np.where(decided >= min_decided, won / decided, np.nan)
            team_dec = decided.sum(0)
            team = np.where(team_dec >= min_decided, won.sum(0) / team_dec, np.nan)
            rep_dec = decided.sum(1)
            per_rep = np.where(rep_dec >= min_decided, won.sum(1) / rep_dec, np.nan)

    def frame(base: dict, values: np.ndarray, sparse: bool = False) -> pd.DataFrame:
        scored = values
        if sparse and metric == "revenue" and np.mean(values == 0) > 0.5:
            scored = np.where(values > 0, values, np.nan)     # judged among the weeks with sales
        z = robust_z(scored)
        return pd.DataFrame({**base, "value": values, "z": z,
                             "outlier": np.abs(np.nan_to_num(z)) > threshold})

    weeks_df = frame({"week": weeks_idx.to_numpy()}, team)
    reps_df = frame({"rep": reps}, per_rep)
    rw = frame({"rep": np.repeat(np.array(reps, dtype=object), n_w),
                "week": np.tile(weeks_idx.to_numpy(), len(reps))}, grid.ravel(), sparse=True)
    # deals with unusual amounts
    amt = df["amount"].to_numpy(float)
    pos = np.isfinite(amt) & (amt > 0)
    z = np.full(len(df), np.nan)
    z[pos] = robust_z(np.log(amt[pos]))
    reason = np.full(len(df), "", dtype=object)
    reason[pos & (z > threshold)] = "high"
    reason[pos & (z < -threshold)] = "low"
    reason[(oc == "won") & np.isfinite(amt) & (amt == 0)] = "zero_won"
    flagged = reason != ""
    cols = [c for c in ("deal_id", "rep", "region", "product", "created", "closed", "outcome", "stage",
                        "amount") if c in df.columns]
    deals_df = df.loc[flagged, cols].assign(z=z[flagged], reason=reason[flagged])
    deals_df = (deals_df.sort_values("z", key=lambda s: -np.abs(s.fillna(np.inf)), kind="stable")
                .reset_index(drop=True))
    return Anomalies(weeks=weeks_df, reps=reps_df, rep_weeks=rw, deals=deals_df, metric=metric,
                     threshold=float(threshold))
