"""S1's forecast panel (COURSE.md §8; S2: forecasting by regression / time series): the revenue a period
will end with, as a point and an interval — won so far, plus the open pipeline weighted by a life table
of past deals, plus the new business still to come — and the chance of reaching the target.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.base.schema import ScenarioError
from simlib.data.crm import stage_names, stage_stats
from simlib.data.crm.sources import deal_table
from simlib.data.crm.table import DAY
from simlib.data.dashboards.periods import as_seen, check_period, period_bounds, period_targets

__all__ = ["Forecast", "forecast"]

@dataclass(frozen=True)
class Forecast:
    """The forecast panel (:func:`forecast`) for the period ``[start, end)`` seen at ``asof``.

    ``total``: ``actual`` (won so far), ``pipeline`` (expected from open deals), ``new_business``
    (expected from deals not yet created), ``point`` (the sum), ``low, high`` (the interval at
    ``level``), ``sd``, ``run_rate`` (straight line: actual ÷ share of the period gone), ``target``,
    ``p_target`` (chance of reaching it), ``level``. ``by_stage``: ``stage, open, open_value, p_win,
    p_in_period, expected``. ``by_rep``: ``rep, actual, pipeline, new_business, point, low, high,
    target, p_target``.
    """
    total: dict
    by_stage: pd.DataFrame
    by_rep: pd.DataFrame
    period: str
    start: pd.Timestamp
    end: pd.Timestamp
    asof: pd.Timestamp
    elapsed: float

    def text(self, lang: str | None = None) -> str:
        """One line: the point and interval, what is won so far, and the chance of reaching the target."""
        tot = self.total
        line = t("dashboards.forecast.text", lang, point=number(tot["point"], lang, digits=0),
                 low=number(tot["low"], lang, digits=0), high=number(tot["high"], lang, digits=0),
                 level=percent(tot["level"], lang, digits=0), actual=number(tot["actual"], lang, digits=0),
                 period=t(f"dashboards.period.{self.period}", lang))
        if math.isfinite(tot["target"]) and tot["target"] > 0:
            line += t("dashboards.forecast.target", lang, target=number(tot["target"], lang, digits=0),
                      p=percent(tot["p_target"], lang, digits=0))
        return line


_MIN_AT_RISK = 10


def _life_table(e: np.ndarray, c: np.ndarray, nxt: np.ndarray, won: np.ndarray, age: np.ndarray, r: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """For each ``age``: among past deals seen for at least ``age + r`` days (``e``: days from entering
    the stage to the cut) and still at the stage at ``age`` — not closed (``c``: days to their close,
    NaN while open) nor moved on (``nxt``: days to entering the next stage, NaN if they did not) —
    the share won within (age, age + r], and how many there were. Only deals whose whole window is
    observed count, so deals still open at the cut do not bias the estimate (right-censoring)."""
    out = np.zeros(len(age))
    n = np.zeros(len(age), dtype=np.int64)
    for lo in range(0, len(age), 256):
        a = age[lo:lo + 256, None]
        seen = e[None, :] >= a + r
        risk = (seen & (np.isnan(c)[None, :] | (c[None, :] > a))
                & (np.isnan(nxt)[None, :] | (nxt[None, :] > a)))
        win = risk & won[None, :] & (c[None, :] <= a + r)
        n[lo:lo + 256] = risk.sum(axis=1)
        out[lo:lo + 256] = np.divide(win.sum(axis=1), n[lo:lo + 256], out=np.zeros(len(a)),
                                     where=n[lo:lo + 256] > 0)
    return out, n


def _win_within(e: np.ndarray, c: np.ndarray, won: np.ndarray, s: float, p_win0: float, t0: np.ndarray
                ) -> float:
    """P(a new deal is won within ``s`` days), from the deals created at least ``s`` days before the
    cut (the life table at age 0); with fewer than 10 of them, P(win) × the share of past wins that
    took at most ``s`` days."""
    seen = e >= s
    n = int(seen.sum())
    if n >= _MIN_AT_RISK:
        return float((seen & won & (c <= s)).sum() / n)
    return float(p_win0 * (np.mean(t0 <= s) if len(t0) else 0.0))


def _conditional_close(samples: np.ndarray, age: np.ndarray, remaining: float) -> np.ndarray:
    """P(T ≤ age + remaining | T > age) from the empirical distribution of ``samples``."""
    s = np.sort(samples)
    n = len(s)
    if n < 3:
        return np.ones(len(age))
    f_age = np.searchsorted(s, age, side="right") / n
    f_end = np.searchsorted(s, age + remaining, side="right") / n
    surv = 1 - f_age
    return np.where(surv > 0, (f_end - f_age) / np.where(surv > 0, surv, 1), 1.0)


def forecast(deals: Any, *, period: str = "month", asof: Any = None, targets: Any = None, level: float = 0.8,
             lookback_days: int = 91) -> Forecast:
    """S1's forecast panel (COURSE.md §8; S2: forecasting by regression / time series): the revenue
    the period will end with, as a point and an interval.

    point = actual + pipeline + new business, where

    * **actual** — won amounts closed from the period's start to ``asof``;
    * **pipeline** — Σ over open deals of amount × q, q = P(won by the period's end | the deal has
      been at its stage k for ``age`` days), read from the table as a life table: among the past
      deals that were at stage k and still open at the same age, and whose next ``days left`` are
      fully seen, the share won within them. (Only fully seen windows count: deals still open would
      make wins look quicker than they are.) With fewer than 10 such deals, q = P(win | stage k) ×
      P(closes in time): the product of the stage conversions from k on (the reverse funnel of
      COURSE.md §2 read forwards; a stage with nothing decided counts 50 %) × the share of past wins
      from stage k that, as old as this deal, closed within the days left. An open deal without an
      amount counts the mean won amount;
    * **new business** (the run-rate) — deals created per day over the last ``lookback_days`` ×
      Σ over the days left of P(a new deal is won within the days after it is created) (the same
      life table at age 0) × E[amount won].

    The interval treats each open deal as a coin flip (variance Σ a² q (1 − q)) and new wins as a
    compound Poisson process (variance = expected wins × E[amount²]); normal approximation at
    ``level`` (80 %), never below the actual. ``targets`` are per rep as in :func:`attainment_board`
    (the team's target is their sum); ``p_target`` = P(total ≥ target) under the normal approximation.
    A rep's new business is the team's in proportion to the rep's share of recent new deals.

        >>> from simlib.data.crm import read_deals
        >>> f = forecast(read_deals("scenarios/crm/sample_deals.csv"), period="month", targets=100_000)
        >>> {k: round(f.total[k], -3) for k in ("actual", "pipeline", "new_business", "point")}
        {'actual': 354000.0, 'pipeline': 165000.0, 'new_business': 295000.0, 'point': 814000.0}
        >>> round(f.total["low"], -3), round(f.total["high"], -3), f.total["p_target"] < 0.01
        (615000.0, 1014000.0, True)
    """
    df = deal_table(deals)
    check_period(period)
    if not isinstance(level, (int, float)) or isinstance(level, bool) or not 0 < level < 1:
        raise ScenarioError.at("level", "dashboards_range", low=0, high=1, input=level)
    df, asof = as_seen(df, asof)
    start, end = period_bounds(asof, period)
    cut = asof + DAY
    elapsed = float(min(1.0, (cut - start) / (end - start)))
    remaining = max((end - cut) / DAY, 0.0)
    stages = stage_names(df)
    n_st = len(stages)
    stats = stage_stats(df)
    conv = np.where(stats["decided"] > 0, stats["conversion"].fillna(0.5), 0.5).astype(float)
    p_win = np.cumprod(conv[::-1])[::-1]
    oc = df["outcome"].to_numpy()
    won = oc == "won"
    amount = df["amount"].to_numpy(float)
    won_amt = amount[won & np.isfinite(amount)]
    mean_won = float(won_amt.mean()) if len(won_amt) else 0.0
    m2_won = float((won_amt ** 2).mean()) if len(won_amt) else 0.0
    closed = df["closed"].to_numpy("datetime64[ns]")
    idx = df["stage_index"].to_numpy()
    is_open = oc == "open"
    entry_cols = [df[f"{s}_date"].to_numpy("datetime64[ns]") for s in stages]

    def days(a: np.ndarray, b: np.ndarray | np.datetime64) -> np.ndarray:
        d = a - b
        return np.where(np.isnat(d), np.nan, d.astype("timedelta64[s]").astype(float) / 86400)

    cut64 = cut.to_datetime64()
    exp_amt = np.where(np.isfinite(amount), amount, mean_won)
    # per open deal: q = P(won within the days left | at its stage for `age` days)
    q = np.zeros(len(df))
    p_time_stage = np.full(n_st, np.nan)
    for k in range(n_st):
        here = np.flatnonzero(is_open & (idx == k))
        if not len(here):
            continue
        entered = ~np.isnat(entry_cols[k])
        e = days(np.datetime64(cut64), entry_cols[k][entered])           # age at the cut of every deal there
        c = days(closed[entered], entry_cols[k][entered])               # days to its close (NaN: open)
        nxt = (days(entry_cols[k + 1][entered], entry_cols[k][entered]) if k + 1 < n_st
               else np.full(int(entered.sum()), np.nan))                # days to the next stage
        w = won[entered]
        age = np.nan_to_num(days(np.datetime64(cut64), entry_cols[k][here]), nan=0.0)
        life, n_risk = _life_table(e, c, nxt, w, age, remaining)
        t_k = days(closed[won], entry_cols[k][won])
        fallback = p_win[k] * _conditional_close(t_k[np.isfinite(t_k)], age, remaining)
        q[here] = np.where(n_risk >= _MIN_AT_RISK, life, fallback)
        p_time_stage[k] = float(np.mean(np.where(p_win[k] > 0, q[here] / p_win[k], 0.0)))
    pipe_each = exp_amt * q
    pipe_var_each = exp_amt ** 2 * q * (1 - q)
    # new business: λ · Σ over the days left of P(a new deal is won within the days after it)
    look_start = max(df["created"].min().normalize(), cut - pd.Timedelta(days=int(lookback_days)))
    look_days = max((cut - look_start) / DAY, 1.0)
    recent = (df["created"] >= look_start).to_numpy() & (df["created"] < cut).to_numpy()
    lam = recent.sum() / look_days
    e0 = days(np.datetime64(cut64), entry_cols[0])
    c0 = days(closed, entry_cols[0])
    t0 = c0[won & np.isfinite(c0)]
    n_new = float(lam * sum(_win_within(e0, c0, won, j + 0.5, p_win[0], t0) for j in range(int(remaining))))
    new_total = n_new * mean_won
    new_var = n_new * m2_won
    # actual so far
    in_p = won & (closed >= start.to_datetime64()) & (closed < cut.to_datetime64())
    actual_total = float(np.nansum(amount[in_p]))
    reps = sorted(df["rep"].astype(str).unique())
    rep_of = df["rep"].astype(str).to_numpy()
    tg = period_targets(targets, reps, period) if targets is not None else None
    z = NormalDist().inv_cdf(0.5 + level / 2)

    def summarise(mask: np.ndarray, share_new: float, tgt: float) -> dict:
        act = float(np.nansum(amount[in_p & mask]))
        pipe = float(pipe_each[mask].sum())
        new_b = new_total * share_new
        sd = math.sqrt(float(pipe_var_each[mask].sum()) + new_var * share_new)
        point = act + pipe + new_b
        p_t = math.nan
        if math.isfinite(tgt) and tgt > 0:
            p_t = (1.0 if point >= tgt else 0.0) if sd == 0 else 1 - NormalDist(point, sd).cdf(tgt)
        return {"actual": act, "pipeline": pipe, "new_business": new_b, "point": point,
                "low": max(act, point - z * sd), "high": point + z * sd, "sd": sd, "target": tgt,
                "p_target": p_t}

    rep_recent = pd.Series(rep_of[recent]).value_counts()
    rows = []
    for r in reps:
        share = float(rep_recent.get(r, 0)) / max(recent.sum(), 1)
        tgt = tg[r] if tg is not None else math.nan
        rows.append({"rep": r, **summarise(rep_of == r, share, tgt)})
    by_rep = pd.DataFrame(rows)[["rep", "actual", "pipeline", "new_business", "point", "low", "high",
                                 "target", "p_target"]]
    team_target = float(by_rep["target"].sum(min_count=len(by_rep))) if tg is not None else math.nan
    total = summarise(np.ones(len(df), bool), 1.0 if recent.any() else 0.0, team_target)
    total.update({"run_rate": actual_total / elapsed if elapsed > 0 else math.nan, "level": float(level)})
    by_stage = pd.DataFrame({
        "stage": stages,
        "open": [int((is_open & (idx == k)).sum()) for k in range(n_st)],
        "open_value": [float(np.nansum(amount[is_open & (idx == k)])) for k in range(n_st)],
        "p_win": p_win, "p_in_period": p_time_stage,
        "expected": [float(pipe_each[is_open & (idx == k)].sum()) for k in range(n_st)],
    })
    return Forecast(total=total, by_stage=by_stage, by_rep=by_rep, period=period, start=start, end=end,
                    asof=asof, elapsed=elapsed)
