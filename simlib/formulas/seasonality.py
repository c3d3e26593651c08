"""Time decomposition with seasonality: year → quarter → month → day, with weeks rolled up (COURSE.md §1).

S1's hierarchy is "company (annual) → department (quarter) → team (month) → individual
(week/day)"; seasonality comes "from history" (S0 budget) or from a named calendar. The Chinese
retail calendar has a Spring Festival trough (its date moves every year) and the 618 and Double 11
(雙十一) peaks; the B2B calendar keeps working days only, with the same trough and a year-end push.

    >>> df = split_time(12_000_000, 2025, "flat", unit=1)
    >>> int(df.target.sum()), df.groupby("quarter").target.sum().tolist()
    (12000000, [2958904, 2991781, 3024658, 3024657])

The preset multipliers are illustrative teaching values, not market data: trainers replace them
with their own history (``seasonality=`` a 12-month list or a monthly sales Series).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.schema import ScenarioError
from simlib.formulas.apportion import split

__all__ = ["SEASONALITY_PRESETS", "SPRING_FESTIVAL", "monthly_weights_from_history", "split_time", "time_weights"]

#: Chinese New Year (春節) dates; the retail trough follows them.
SPRING_FESTIVAL = {
    2018: "02-16", 2019: "02-05", 2020: "01-25", 2021: "02-12", 2022: "02-01", 2023: "01-22",
    2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13",
    2030: "02-03", 2031: "01-23", 2032: "02-11", 2033: "01-31", 2034: "02-19", 2035: "02-08",
}

SEASONALITY_PRESETS = ("flat", "cn_retail", "cn_b2b")



def _spring_festival(year: int) -> pd.Timestamp:
    if year not in SPRING_FESTIVAL:
        raise ScenarioError.at("year", "calendar_year", input=year, low=min(SPRING_FESTIVAL), high=max(SPRING_FESTIVAL))
    return pd.Timestamp(f"{year}-{SPRING_FESTIVAL[year]}")


def time_weights(year: int, seasonality: Any = "flat") -> pd.Series:
    """Relative weight of each day of ``year`` (a Series indexed by date).

    ``seasonality``: a preset name (:data:`SEASONALITY_PRESETS`), 12 monthly weights (list or
    ``{1: w, …, 12: w}``), or a monthly sales history Series (DatetimeIndex) whose average monthly
    shares become the weights (S1: "3 years same-period data").
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not 1900 <= year <= 2200:
        raise ScenarioError.at("year", "calendar_year", input=year, low=1900, high=2200)
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    w = pd.Series(1.0, index=days)
    if isinstance(seasonality, str):
        if seasonality not in SEASONALITY_PRESETS:
            raise ScenarioError.at("seasonality", "choice", expected=", ".join(SEASONALITY_PRESETS), input=seasonality)
        if seasonality == "flat":
            return w
        sf = _spring_festival(int(year))
        trough = (days >= sf - pd.Timedelta(days=7)) & (days <= sf + pd.Timedelta(days=7))
        if seasonality == "cn_retail":
            w[trough] = 0.35
            w[(days.month == 6) & (days.day <= 18)] = 1.8        # 618
            w[(days.month == 6) & (days.day == 18)] = 3.0
            w[(days.month == 11) & (days.day <= 11)] = 2.2       # Double 11 (雙十一)
            w[(days.month == 11) & (days.day == 11)] = 5.0
            w[(days.month == 12) & (days.day == 12)] = 1.8       # Double 12
        else:  # cn_b2b: working days, Spring Festival trough, year-end push
            w[days.day_of_week >= 5] = 0.0
            w[trough] *= 0.1
            w[days.month == 12] *= 1.3
            w[days.month.isin([10, 11])] *= 1.1
        return w
    months = _month_weights(seasonality)       # monthly totals, spread evenly over each month's days
    return w * np.asarray([months[m - 1] for m in days.month]) / np.asarray(days.days_in_month, float)


def monthly_weights_from_history(history: pd.Series) -> list[float]:
    """Average share of each calendar month in a monthly sales history (several years).

        >>> idx = pd.date_range("2022-01-01", periods=24, freq="MS")
        >>> w = monthly_weights_from_history(pd.Series([1.0] * 11 + [2.0] + [1.0] * 11 + [2.0], idx))
        >>> round(w[11] / w[0], 6)
        2.0
    """
    if not isinstance(history.index, pd.DatetimeIndex) or history.empty:
        raise ScenarioError.at("seasonality", "history_index")
    if (history < 0).any() or history.isna().any():
        raise ScenarioError.at("seasonality", "history_values")
    df = pd.DataFrame({"y": history.index.year, "m": history.index.month, "v": history.values})
    totals = df.groupby("y").v.transform("sum")
    df["share"] = np.where(totals > 0, df.v / totals, 0)
    shares = df.groupby("m").share.mean().reindex(range(1, 13))
    if shares.isna().any():
        missing = [int(m) for m in shares[shares.isna()].index]
        raise ScenarioError.at("seasonality", "history_months", months=", ".join(map(str, missing)))
    return [float(x) for x in shares]


def _month_weights(seasonality: Any) -> list[float]:
    if isinstance(seasonality, pd.Series):
        return monthly_weights_from_history(seasonality)
    if isinstance(seasonality, Mapping):
        vals = [seasonality.get(m, seasonality.get(str(m))) for m in range(1, 13)]
    elif isinstance(seasonality, Sequence):
        vals = list(seasonality)
    else:
        raise ScenarioError.at("seasonality", "choice", expected=", ".join(SEASONALITY_PRESETS), input=type(seasonality).__name__)
    if len(vals) != 12 or any(v is None for v in vals):
        raise ScenarioError.at("seasonality", "months_12", input=len([v for v in vals if v is not None]))
    for i, v in enumerate(vals):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise ScenarioError.at(f"seasonality[{i + 1}]", "split_weight", key=i + 1, input=v)
    return [float(v) for v in vals]


def split_time(total: float, year: int = 2025, seasonality: Any = "flat",
               unit: float | tuple[float, float, float] = 1) -> pd.DataFrame:
    """Split an annual target top-down into quarters, months and days, each level exact to its parent.

    Args:
        unit: whole units per level, one number or ``(quarter, month, day)`` units — e.g.
            ``(10_000, 1_000, 1)`` keeps quarter and month targets round.

    Returns one row per day: ``date, quarter, month, week`` (ISO week label), ``weekday, weight,
    target``, plus frame attributes ``quarters`` and ``months`` holding the top-down targets; weeks
    are roll-ups of days (``df.groupby("week").target.sum()``).
    """
    units = unit if isinstance(unit, tuple) else (unit, unit, unit)
    w = time_weights(year, seasonality)
    if w.sum() <= 0:
        raise ScenarioError.at("seasonality", "split_zero")
    q_of = "Q" + w.index.quarter.astype(str)
    quarters = split(total, {q: float(w[q_of == q].sum()) for q in ("Q1", "Q2", "Q3", "Q4")}, units[0])
    months: dict[int, float] = {}
    for q, qt in quarters.items():
        ms = sorted(set(w.index.month[q_of == q]))
        months.update(split(qt, {m: float(w[w.index.month == m].sum()) for m in ms}, units[1]))
    day_targets = []
    for m in range(1, 13):
        mw = w[w.index.month == m]
        if mw.sum() > 0:
            parts = split(months[m], {d: float(x) for d, x in mw.items()}, units[2])
        else:
            parts = {d: 0 for d in mw.index}
            if months[m]:
                raise ScenarioError.at("seasonality", "split_zero")
        day_targets.extend(parts[d] for d in mw.index)
    iso = w.index.isocalendar()
    df = pd.DataFrame({
        "date": w.index.date, "quarter": q_of, "month": w.index.month,
        "week": [f"{y}-W{wk:02d}" for y, wk in zip(iso.year, iso.week, strict=True)],
        "weekday": w.index.day_of_week, "weight": w.values, "target": day_targets,
    })
    df.attrs["quarters"] = quarters
    df.attrs["months"] = months
    return df


