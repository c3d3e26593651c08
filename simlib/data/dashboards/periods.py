"""Time for S1's dashboards (COURSE.md §8): the day a board is seen at, the calendar periods, the
role-based selection of deals and each period's targets.

A board looks at the period holding ``asof`` (default: the latest date in the table) — a calendar
``week`` (Monday to Sunday), ``month``, ``quarter`` or ``year``; ``asof`` counts as a whole day gone.
A won deal counts in the period its ``closed`` date falls in, for ``amount`` yuan.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.schema import ScenarioError
from simlib.data.crm import snapshot, stage_names
from simlib.data.crm.sources import deal_table
from simlib.data.crm.table import DAY

__all__ = [
    "PERIODS",
    "PERIOD_FREQ",
    "as_seen",
    "asof_day",
    "check_period",
    "period_bounds",
    "period_targets",
    "select",
    "shift_period",
]

PERIODS: tuple[str, ...] = ("week", "month", "quarter", "year")
PERIOD_FREQ: dict[str, str] = {"week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
"""The pandas period frequency of each of :data:`PERIODS` (a week ends on Sunday)."""
_NOMINAL_DAYS = {"week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4, "year": 365.25}


def check_period(period: Any) -> None:
    """Raise a :class:`simlib.ScenarioError` at ``period`` unless it is one of :data:`PERIODS`."""
    if period not in PERIODS:
        raise ScenarioError.at("period", "choice", expected=", ".join(PERIODS), input=repr(period))


def _last_date(df: pd.DataFrame) -> pd.Timestamp:
    cols = ["created", "closed", *(f"{s}_date" for s in stage_names(df))]
    return max(df[c].max() for c in cols if df[c].notna().any()).normalize()


def _day_param(name: str, value: Any) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ScenarioError.at(name, "dashboards_date", input=repr(value)) from None
    if ts is pd.NaT:
        raise ScenarioError.at(name, "dashboards_date", input=repr(value))
    return ts.tz_localize(None).normalize() if ts.tzinfo is not None else ts.normalize()


def asof_day(df: pd.DataFrame, asof: Any) -> pd.Timestamp:
    """The day a board is seen at: ``asof`` as a day (a :class:`simlib.ScenarioError` at ``asof`` when it is
    not a date), or the latest date in the table when ``asof`` is None."""
    return _last_date(df) if asof is None else _day_param("asof", asof)


def as_seen(df: pd.DataFrame, asof: Any) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The table as it stood at ``asof`` (:func:`simlib.data.crm.snapshot`) when that is before its last
    date, and ``asof`` as a day (:func:`asof_day`)."""
    when = asof_day(df, asof)
    return (snapshot(df, when) if when < _last_date(df) else df), when


def period_bounds(asof: Any, period: str = "month") -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` of the calendar period holding ``asof``; ``end`` is the first day after it.

        >>> [str(d.date()) for d in period_bounds("2025-05-14", "quarter")]
        ['2025-04-01', '2025-07-01']
        >>> [str(d.date()) for d in period_bounds("2025-05-14", "week")]      # Monday to Sunday
        ['2025-05-12', '2025-05-19']
    """
    check_period(period)
    p = pd.Timestamp(asof).to_period(PERIOD_FREQ[period])
    return p.start_time.normalize(), p.end_time.normalize() + DAY


def shift_period(start: pd.Timestamp, period: str, k: int) -> pd.Timestamp:
    """The first day of the period ``k`` periods after (``k`` < 0: before) the one holding ``start``.

        >>> str(shift_period(pd.Timestamp("2025-05-14"), "quarter", -1).date())
        '2025-01-01'
    """
    p = start.to_period(PERIOD_FREQ[period]) + k
    return p.start_time.normalize()


def select(deals: Any, *, rep: str | Sequence[str] | None = None, region: str | Sequence[str] | None = None,
           product: str | Sequence[str] | None = None, since: Any = None, until: Any = None) -> pd.DataFrame:
    """The deals of one rep, region or product (or several), created in ``[since, until]``: the
    role-based views of S1's dashboards (a rep sees their own deals, a regional manager the region's).

        >>> from simlib.data.crm import read_deals
        >>> d = read_deals("scenarios/crm/sample_deals.csv")
        >>> len(select(d, rep="R01")), len(select(d, region=["East", "West"], since="2025-06-01"))
        (107, 62)
    """
    df = deal_table(deals)
    mask = np.ones(len(df), bool)
    for col, want in (("rep", rep), ("region", region), ("product", product)):
        if want is None:
            continue
        if col not in df.columns:
            raise ScenarioError.at(col, "dashboards_no_column", column=col)
        values = [want] if isinstance(want, str) else list(want)
        mask &= df[col].isin(values).to_numpy()
    if since is not None:
        mask &= (df["created"] >= _day_param("since", since)).to_numpy()
    if until is not None:
        mask &= (df["created"] < _day_param("until", until) + DAY).to_numpy()
    out = df.loc[mask].reset_index(drop=True)
    out.attrs = dict(df.attrs)
    return out


def period_targets(targets: Any, keys: Sequence[str], period: str = "month") -> dict[str, float]:
    """Each key's target for one ``period``: ``targets`` is None (no targets: NaN), one number for
    every key, a mapping ``{key: target}`` (keys it lacks get NaN), or a :class:`simlib.Scenario`
    whose quotas (:func:`simlib.models.policy.quotas_for`) are per plan period (``incentives.period``, a
    quarter without a plan) and are scaled to ``period`` by nominal length (a month = a quarter ÷ 3).

        >>> period_targets({"R01": 90_000}, ["R01", "R02"], "month")
        {'R01': 90000.0, 'R02': nan}
        >>> import simlib
        >>> sc = simlib.load_scenario("scenarios/funnel_basics.yaml")
        >>> sc = sc.with_changes({"quotas": {"per_rep": 300_000}})
        >>> period_targets(sc, ["R01"], "month")
        {'R01': 100000.0}
    """
    keys = [str(k) for k in keys]
    if targets is None:
        return {k: math.nan for k in keys}
    if isinstance(targets, bool):
        raise ScenarioError.at("targets", "dashboards_targets", input=repr(targets))
    if isinstance(targets, (int, float, np.integer, np.floating)):
        v = float(targets)
        if not math.isfinite(v) or v < 0:
            raise ScenarioError.at("targets", "dashboards_targets", input=repr(targets))
        return {k: v for k in keys}
    if hasattr(targets, "team") and hasattr(targets, "quotas"):
        return _scenario_targets(targets, keys, period)
    if isinstance(targets, Mapping):
        out = {}
        for k in keys:
            v = targets.get(k, math.nan)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                    or (math.isfinite(float(v)) and float(v) < 0):
                raise ScenarioError.at(f"targets.{k}", "dashboards_targets", input=repr(v))
            out[k] = float(v)
        return out
    raise ScenarioError.at("targets", "dashboards_targets", input=type(targets).__name__)


def _scenario_targets(sc: Any, keys: list[str], period: str) -> dict[str, float]:
    from simlib.core.quotas import quotas_for
    reps = sc.team.reps
    if sc.quotas is None and not all(r.quota is not None for r in reps):
        raise ScenarioError.at("targets", "dashboards_no_quotas")
    q = quotas_for(sc, np.array([r.skill for r in reps], float))
    plan = sc.incentives.period if sc.incentives is not None else "quarter"
    scale = 1.0 if plan == period else _NOMINAL_DAYS[period] / _NOMINAL_DAYS[plan]
    own = {r.name: float(v) * scale for r, v in zip(reps, q, strict=True)}
    return {k: own.get(k, math.nan) for k in keys}
