"""Targets: exact decomposition, allocation to people, the adjustment rule, OKR scoring (COURSE.md §1).

Every split here sums *exactly* to its parent — "individual targets must sum to the team target:
no black hole" (S3) — by largest-remainder rounding in whole units::

    >>> split(100, {"a": 1, "b": 1, "c": 1})
    {'a': 34, 'b': 33, 'c': 33}
    >>> split(100_000_000, {"Q1": 0.2, "Q2": 0.25, "Q3": 0.25, "Q4": 0.3}, unit=10_000)
    {'Q1': 20000000, 'Q2': 25000000, 'Q3': 25000000, 'Q4': 30000000}

Apportioning lives in :mod:`simlib.formulas.apportion`, the SMART text check in :mod:`simlib.formulas.smart`
and time decomposition with seasonality in :mod:`simlib.formulas.seasonality`; all are re-exported here
(the simulated "achievable" is :mod:`simlib.analysis.achievability`, re-exported by ``simlib.targets``).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import pandas as pd

from simlib.base.schema import ScenarioError
from simlib.formulas.apportion import as_fraction, split
from simlib.formulas.seasonality import SEASONALITY_PRESETS, split_time, time_weights
from simlib.formulas.smart import SmartReport, smart_check

__all__ = [
    "ALLOCATION_METHODS",
    "SEASONALITY_PRESETS",
    "SmartReport",
    "allocate",
    "allocation_table",
    "clamp_adjustment",
    "needs_adjustment",
    "okr_score",
    "ramp_factor",
    "smart_check",
    "split",
    "split_matrix",
    "split_time",
    "time_weights",
]

ALLOCATION_METHODS = ("equal", "history", "capability", "potential", "blend")



def split_matrix(total: float, dims: Mapping[str, Mapping[str, float]], unit: float = 1) -> pd.DataFrame:
    """Decompose ``total`` over several dimensions at once (S1: product × region × customer type).

    Each dimension's shares must sum to 1 (a matrix editor's check, named per dimension); cells
    get ``total × product of shares``, rounded so that the whole matrix sums exactly to ``total``
    and every dimension's margins are as close to its shares as whole units allow.

        >>> m = split_matrix(1000, {"product": {"core": 0.6, "new": 0.4}, "region": {"E": 0.5, "W": 0.5}})
        >>> int(m["target"].sum()), m.groupby("product")["target"].sum().to_dict()
        (1000, {'core': 600, 'new': 400})
    """
    if not dims:
        raise ScenarioError.at("dims", "split_empty")
    for dim, shares in dims.items():
        s = sum(shares.values()) if shares else 0
        if not shares or abs(s - 1) > 1e-9:
            raise ScenarioError.at(f"dims.{dim}", "shares_sum", dim=dim, total=f"{s:.4g}")
    names = list(dims)
    rows: list[dict] = [{}]
    for dim in names:
        rows = [{**r, dim: k} for r in rows for k in dims[dim]]
    weights = {}
    for i, r in enumerate(rows):
        w = Fraction(1)
        for dim in names:
            w *= as_fraction(dims[dim][r[dim]])
        weights[i] = w
    parts = split(total, weights, unit)
    df = pd.DataFrame(rows)
    df["share"] = [float(weights[i]) for i in range(len(rows))]
    df["target"] = [parts[i] for i in range(len(rows))]
    return df


# ---------------------------------------------------------------------------------------------
# Allocation to people (S1, S3)
# ---------------------------------------------------------------------------------------------
def ramp_factor(tenure_months: float, ramp_months: float = 6.0, start: float = 0.3) -> float:
    """A new hire's expected productivity relative to a fully ramped rep (COURSE.md §1, §5: ramp
    curves for new hires). Linear from ``start`` in month 0 to 1.0 at ``ramp_months``.

        >>> ramp_factor(0), ramp_factor(3), ramp_factor(12)
        (0.3, 0.65, 1.0)
    """
    if tenure_months >= ramp_months:
        return 1.0
    return round(start + (1 - start) * max(0.0, tenure_months) / ramp_months, 10)


def _records(reps: Any) -> list[dict]:
    if isinstance(reps, pd.DataFrame):
        return reps.to_dict("records")
    if isinstance(reps, Sequence) and not isinstance(reps, str):
        out = []
        for i, r in enumerate(reps):
            if isinstance(r, str):
                out.append({"name": r})
            elif isinstance(r, Mapping):
                out.append(dict(r))
            elif hasattr(r, "model_dump"):
                out.append(r.model_dump())
            else:
                raise ScenarioError.at(f"reps[{i}]", "rep_record", input=type(r).__name__)
        return out
    raise ScenarioError.at("reps", "rep_record", input=type(reps).__name__)


def _history_value(v: Any, path: str) -> float:
    """History as one number, or several same-period years (most recent last), weighted 1:2:3…"""
    if isinstance(v, (list, tuple)):
        if not v:
            raise ScenarioError.at(path, "missing")
        vals = [_number(x, path) for x in v]
        wts = range(1, len(vals) + 1)
        return sum(w * x for w, x in zip(wts, vals, strict=True)) / sum(wts)
    return _number(v, path)


def _number(v: Any, path: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
        raise ScenarioError.at(path, "alloc_value", input=v)
    return float(v)


def _method_weights(recs: list[dict], method: str, ramp_months: float) -> dict[str, float]:
    names = [str(r["name"]) for r in recs]
    if method == "equal":
        return dict.fromkeys(names, 1.0)
    out = {}
    for i, r in enumerate(recs):
        if method == "history":
            if r.get("history") is None:
                raise ScenarioError.at(f"reps[{i}].history", "missing")
            out[names[i]] = _history_value(r["history"], f"reps[{i}].history")
        elif method == "capability":
            skill = _number(r.get("skill", 1.0), f"reps[{i}].skill")
            tenure = r.get("tenure_months")
            ramp = 1.0 if tenure is None else ramp_factor(_number(tenure, f"reps[{i}].tenure_months"),
                                                          ramp_months)
            out[names[i]] = skill * ramp
        elif method == "potential":
            if r.get("potential") is None:
                raise ScenarioError.at(f"reps[{i}].potential", "missing")
            out[names[i]] = _number(r["potential"], f"reps[{i}].potential")
    return out


def allocate(total: float, reps: Any, method: str = "equal", *, unit: float = 1,
             blend: Mapping[str, float] | None = None, ramp_months: float = 6.0) -> dict[str, float]:
    """Allocate a team target to reps, summing exactly to ``total`` (COURSE.md §1, S1/S3).

    Args:
        reps: DataFrame or list of dicts with ``name`` and, as the method needs, ``history`` (a number
            or same-period values of several years, most recent last), ``skill`` (1 = typical),
            ``tenure_months`` (new hires ramp up), ``potential`` (territory/account potential).
        method: ``equal`` (一刀切, the anti-pattern S3 warns of), ``history``, ``capability`` (skill ×
            ramp), ``potential``, or ``blend`` — a weighted mix of the others' shares
            (``blend={"history": .5, "capability": .3, "potential": .2}`` by default).

        >>> reps = [{"name": "甲", "history": 5}, {"name": "乙", "history": 3}, {"name": "丙", "history": 2}]
        >>> allocate(1_000_000, reps, method="history")
        {'甲': 500000, '乙': 300000, '丙': 200000}
        >>> allocate(90, [{"name": "new", "skill": 1, "tenure_months": 0}, {"name": "vet", "skill": 1.4}],
        ...          method="capability")
        {'new': 16, 'vet': 74}
    """
    if method not in ALLOCATION_METHODS:
        raise ScenarioError.at("method", "alloc_method", input=method, expected=", ".join(ALLOCATION_METHODS))
    recs = _records(reps)
    if not recs:
        raise ScenarioError.at("reps", "missing")
    for i, r in enumerate(recs):
        if not str(r.get("name", "")).strip():
            raise ScenarioError.at(f"reps[{i}].name", "missing")
    names = [str(r["name"]) for r in recs]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ScenarioError.at("reps", "duplicate_name", name=dup)
    if method != "blend":
        return split(total, _method_weights(recs, method, ramp_months), unit)
    mix = dict(blend or {"history": 0.5, "capability": 0.3, "potential": 0.2})
    for m, w in mix.items():
        if m not in ALLOCATION_METHODS or m == "blend":
            raise ScenarioError.at(f"blend.{m}", "alloc_method", input=m, expected=", ".join(ALLOCATION_METHODS[:-1]))
        if not isinstance(w, (int, float)) or w < 0:
            raise ScenarioError.at(f"blend.{m}", "split_weight", key=m, input=w)
    if abs(sum(mix.values()) - 1) > 1e-9:
        raise ScenarioError.at("blend", "shares_sum", dim="blend", total=f"{sum(mix.values()):.4g}")
    combined = dict.fromkeys(names, Fraction(0))
    for m, w in mix.items():
        if w == 0:
            continue
        mw = _method_weights(recs, m, ramp_months)
        s = sum(mw.values())
        if s <= 0:
            raise ScenarioError.at(f"blend.{m}", "split_zero")
        for n in names:
            combined[n] += as_fraction(w) * as_fraction(mw[n]) / as_fraction(s)
    return split(total, combined, unit)


def allocation_table(total: float, reps: Any, methods: Sequence[str] = ("equal", "history", "capability"),
                     bottom_up: Mapping[str, float] | None = None, unit: float = 1) -> pd.DataFrame:
    """Allocations by several methods side by side, one row per rep; with ``bottom_up`` (each rep's
    own commitment) the top-down vs bottom-up gap is shown per method (S3: combine both)."""
    recs = _records(reps)
    df = pd.DataFrame({"rep": [str(r["name"]) for r in recs]})
    for m in methods:
        alloc = allocate(total, recs, m, unit=unit)
        df[m] = df["rep"].map(alloc)
    if bottom_up is not None:
        df["bottom_up"] = df["rep"].map(lambda n: bottom_up.get(n, 0))
        for m in methods:
            df[f"gap_{m}"] = df[m] - df["bottom_up"]
    return df


# ---------------------------------------------------------------------------------------------
# Dynamic adjustment (S1) and OKR scoring (S0)
# ---------------------------------------------------------------------------------------------
def needs_adjustment(attainment: Sequence[float], months: int = 3, threshold: float = 0.30) -> bool:
    """S1's trigger: the latest ``months`` consecutive monthly attainment ratios all deviate from
    100 % by more than ``threshold`` (COURSE.md §1: "3 consecutive months deviate by more than 30 %").

        >>> needs_adjustment([0.62, 0.65, 0.60]), needs_adjustment([0.5, 0.6, 0.9])
        (True, False)
        >>> needs_adjustment([1.4, 1.35, 1.5]), needs_adjustment([0.5, 0.5, 0.5, 1.0])
        (True, False)
        >>> needs_adjustment([0.7, 0.7, 0.7])   # exactly 30 % off is not "more than"
        False
    """
    vals = list(attainment)
    if len(vals) < months:
        return False
    recent = vals[-months:]
    return all(abs(float(r) - 1.0) > threshold + 1e-12 for r in recent)


def clamp_adjustment(current: float, proposed: float, limit: float = 0.20) -> float:
    """Limit an adjustment to ±``limit`` of the current target (S1: at most ±20 %).

        >>> clamp_adjustment(1_000_000, 700_000), clamp_adjustment(500_000, 300_000)
        (800000, 400000)
        >>> clamp_adjustment(1_000_000, 1_100_000), clamp_adjustment(1_000_000, 2_000_000)
        (1100000, 1200000)
    """
    lo = as_fraction(current) * (1 - as_fraction(limit))
    hi = as_fraction(current) * (1 + as_fraction(limit))
    value = min(max(as_fraction(proposed), lo), hi)
    return int(value) if value.denominator == 1 else float(value)


def okr_score(key_results: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Score key results 0–1 (S0: KRs scored on a 0–1 scale), one row each plus the objective's mean.

    A KR is ``{name, target, actual}`` with optional ``baseline`` (default 0) and ``weight``; its score
    is progress from baseline to target, clipped to [0, 1] and rounded to 0.1 as OKR practice grades.

        >>> df = okr_score([{"name": "followers +30%", "baseline": 0, "target": 30, "actual": 21},
        ...                 {"name": "mentions +40%", "target": 40, "actual": 44}])
        >>> df["score"].tolist()
        [0.7, 1.0, 0.85]
    """
    rows = []
    for i, kr in enumerate(key_results):
        target = _num_any(kr.get("target"), f"key_results[{i}].target")
        actual = _num_any(kr.get("actual"), f"key_results[{i}].actual")
        base = _num_any(kr.get("baseline", 0), f"key_results[{i}].baseline")
        if target == base:
            raise ScenarioError.at(f"key_results[{i}].target", "okr_target", input=target)
        progress = (actual - base) / (target - base)
        score = round(min(1.0, max(0.0, progress)) + 1e-9, 1)
        rows.append({"key_result": kr.get("name", f"KR{i + 1}"), "baseline": base, "target": target,
                     "actual": actual, "progress": progress, "score": score,
                     "weight": float(kr.get("weight", 1.0))})
    df = pd.DataFrame(rows)
    if not df.empty:
        overall = float((df.score * df.weight).sum() / df.weight.sum())
        df = pd.concat([df, pd.DataFrame([{"key_result": "objective", "score": round(overall, 2),
                                           "weight": df.weight.sum()}])], ignore_index=True)
    return df


def _num_any(v: Any, path: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ScenarioError.at(path, "type_number", input=v)
    return float(v)
