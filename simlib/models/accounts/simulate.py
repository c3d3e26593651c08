"""The account base's entry points (COURSE.md §6): one run, replications, calibration checks, and one
policy's replications with the tables a page shows.

:func:`simulate_accounts` runs one seeded world; :func:`replicate_accounts` and :func:`replicate_policy`
run many through :func:`simlib.core.replication.run_replications` (replication ``i`` is
``simulate_accounts(spec, seeds[i])`` for every policy: paired comparisons); :func:`check_calibration`
checks a scenario's ``calibration`` entries against them.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.rng import Streams
from simlib.base.schema import ScenarioError
from simlib.core.replication import ratio_change, run_replications
from simlib.models.accounts.result import AccountsResult, sla_by_severity
from simlib.models.accounts.run import MonthlyRun
from simlib.models.accounts.spec import SEVERITIES, SUMMARY_KEYS, AccountsSpec, load_accounts, resolve_policy
from simlib.models.accounts.streams import DRAW_NAMES, STREAM_NAMES

__all__ = ["MAX_ACCOUNT_MONTHS", "MAX_MONTHS", "PolicyRun", "check_calibration", "replicate_accounts",
           "replicate_policy", "simulate_accounts"]

MAX_MONTHS = 60
MAX_ACCOUNT_MONTHS = 240_000
"""Largest accounts × months of one run (the draws are made up front: ~0.2 kB per account-month)."""


def _check_int(name: str, value: Any, low: int, high: int, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ScenarioError.at(name, code, max=high, input=value, low=low, high=high)
    return int(value)


def simulate_accounts(spec: AccountsSpec | Mapping | str | Path, seed: int | None = 0, months: int = 12,
                      policy: Any = None) -> AccountsResult:
    """Run the account base for ``months`` months under ``policy`` (COURSE.md §6).

    Args:
        spec: an :class:`~simlib.models.accounts.spec.AccountsSpec`, a dict, YAML text or a YAML file
            (:func:`~simlib.models.accounts.spec.load_accounts`).
        seed: one seed, one world (``None``: fresh entropy, recorded in the result's ``seed``).
        months: 1–60.
        policy: ``None`` (the spec's ``policy``), a name from its ``policies``, a dict or an
            :class:`~simlib.models.accounts.spec.AccountPolicy`. The policy never moves a random draw.

    Raises:
        ScenarioError: a bad spec, seed, number of months or policy name, naming the field.

        >>> res = simulate_accounts({"accounts": {"n": 100}}, seed=3, months=6)
        >>> int(res.accounts.groupby("month").size().iloc[0]) >= 100      # the book and the first prospects
        True
        >>> res.accounts.equals(simulate_accounts({"accounts": {"n": 100}}, seed=3, months=6).accounts)
        True
    """
    sp = load_accounts(spec)
    name, pol = resolve_policy(sp, policy)
    months = _check_int("months", months, 1, MAX_MONTHS, "accounts_months")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ScenarioError.at("seed", "customers_seed", input=seed)
    if sp.accounts.n * months > MAX_ACCOUNT_MONTHS:
        raise ScenarioError.at("accounts.n", "accounts_too_large", accounts=sp.accounts.n, months=months,
                               max=f"{MAX_ACCOUNT_MONTHS:,}")
    streams = Streams(None if seed is None else int(seed), STREAM_NAMES)
    run = MonthlyRun(sp, pol, streams, months)
    raw = run.run()
    used = run.used
    slots = {c: v[:used] for c, v in run.s.items() if c not in DRAW_NAMES}
    draws = {c: run.s[c][:used] for c in DRAW_NAMES}
    return AccountsResult(spec=sp, policy=pol, policy_name=name, seed=streams.seed, months=months, _raw=raw,
                          _slots=slots, _names=tuple(run.slot_names), draws=draws)


def _summary_row(sp: AccountsSpec, seed: int, months: int, policy: Any) -> dict:
    return simulate_accounts(sp, seed, months, policy).summary()


def replicate_accounts(spec: AccountsSpec | Mapping | str | Path, n: int = 100, seed: int | None = 0, *,
                       workers: int = 1, progress: Callable[[int, int], None] | None = None, months: int = 12,
                       policy: Any = None) -> pd.DataFrame:
    """``n`` independent runs, like :func:`simlib.replicate`: one row each with ``replication``,
    ``seed`` and the :meth:`~simlib.models.accounts.result.AccountsResult.summary` keys. Replication ``i`` is exactly
    ``simulate_accounts(spec, row.seed, months, policy)``; the same ``seed`` gives the same seeds
    for every policy (paired comparisons). ``workers > 1`` runs them in processes (joblib's loky)
    and gives the same rows; ``progress(done, total)`` is called as they finish.

        >>> df = replicate_accounts({"accounts": {"n": 100}}, n=3, seed=1, months=3)
        >>> df[["replication", "accounts_start"]].values.tolist()
        [[1, 100], [2, 100], [3, 100]]
    """
    sp = load_accounts(spec)
    resolve_policy(sp, policy)
    return run_replications(partial(_summary_row, sp, months=months, policy=policy), n, seed,
                            workers=workers, progress=progress)


def check_calibration(spec: AccountsSpec | Mapping | str | Path, n: int = 200, seed: int | None = 0, *,
                      months: int = 12, workers: int = 1, z: float = 1.96) -> pd.DataFrame:
    """Run the spec's ``calibration`` entries: one row each with ``metric, policy, relative_to,
    target, tolerance, mean, se, low, high`` (a normal ``z`` interval of the mean over ``n``
    replications), ``within`` (|mean − target| ≤ tolerance) and ``source``. Every policy runs on the
    same seeds (paired); a ``relative_to`` entry is the relative change of the means,
    mean(policy) ÷ mean(relative_to) − 1, with a delta-method standard error over the pairs.

        >>> spec = {"accounts": {"n": 200}, "calibration": [{"metric": "account_share_A", "target": 0.2,
        ...                                                   "tolerance": 0.01}]}
        >>> check_calibration(spec, n=2, months=2)[["metric", "mean", "within"]].values.tolist()
        [['account_share_A', 0.2, True]]
    """
    sp = load_accounts(spec)
    needed = list(dict.fromkeys(p for c in sp.calibration for p in (c.policy, c.relative_to) if p))
    runs = {p: replicate_accounts(sp, n, seed, workers=workers, months=months, policy=p) for p in needed}
    out = []
    for c in sp.calibration:
        x = runs[c.policy][c.metric].to_numpy(dtype=float)
        if c.relative_to:
            y = runs[c.relative_to][c.metric].to_numpy(dtype=float)
            ok = np.isfinite(x) & np.isfinite(y)
            mean, se = ratio_change(x[ok], y[ok])
        else:
            x = x[np.isfinite(x)]
            mean = float(x.mean())
            se = float(x.std(ddof=1) / math.sqrt(len(x))) if len(x) > 1 else float("nan")
        out.append({"metric": c.metric, "policy": c.policy, "relative_to": c.relative_to, "target": c.target,
                    "tolerance": c.tolerance, "mean": mean, "se": se, "low": mean - z * se, "high": mean + z * se,
                    "within": bool(abs(mean - c.target) <= c.tolerance), "source": c.source})
    return pd.DataFrame(out)


@dataclass(frozen=True)
class PolicyRun:
    """One policy over the replications (:func:`replicate_policy`).

    Attributes:
        runs: one row per replication, ``replication, seed`` and
            :data:`~simlib.models.accounts.spec.SUMMARY_KEYS` (exactly :func:`replicate_accounts`' rows).
        by_tier: :meth:`~simlib.models.accounts.result.AccountsResult.by_tier` of every replication
            (``replication`` first).
        sla: complaints answered within their SLA per severity, over all replications
            (:func:`~simlib.models.accounts.result.sla_by_severity` of
            :meth:`~simlib.models.accounts.result.AccountsResult.complaint_check`).
        first: the first replication's result (its tables go to the downloads and the Pareto chart).
    """
    runs: pd.DataFrame
    by_tier: pd.DataFrame
    sla: pd.DataFrame
    first: AccountsResult

    def means(self) -> pd.Series:
        """The summary keys' means over the replications (NaN runs left out)."""
        return self.runs[list(SUMMARY_KEYS)].astype(float).mean()


def replicate_policy(spec: AccountsSpec, replications: int, seed: int | None, *, months: int = 12,
                     progress: Callable[[int, int], None] | None = None) -> PolicyRun:
    """``spec`` under its own ``policy`` for ``months`` months, ``replications`` times on the seeds of
    :func:`replicate_accounts` (``run.runs`` are exactly its rows), keeping each replication's table by
    tier, the complaints within their SLA and the first replication's result; ``progress(done, total)``
    is called after each run.

        >>> from simlib.models.accounts.spec import load_accounts
        >>> spec = load_accounts({"accounts": {"n": 100}})
        >>> run = replicate_policy(spec, 2, 0, months=3)
        >>> run.runs.equals(replicate_accounts(spec, 2, 0, months=3))
        True
        >>> run.by_tier.replication.unique().tolist()
        [1, 2]
        >>> int(run.sla.complaints.sum()) == int(run.runs.complaints.sum())
        True
    """
    hours = {v: getattr(spec.complaints.sla_hours, v) for v in SEVERITIES}
    tiers: list[pd.DataFrame] = []
    slas: list[pd.DataFrame] = []
    results: list[AccountsResult] = []

    def row(s: int) -> dict:
        res = simulate_accounts(spec, s, months)
        if not results:
            results.append(res)
        bt = res.by_tier().reset_index()
        bt.insert(0, "replication", len(tiers) + 1)
        tiers.append(bt)
        slas.append(sla_by_severity(res.complaint_check(), hours))
        return res.summary()

    runs = run_replications(row, replications, seed, progress=progress)
    sla = slas[0].assign(complaints=sum(x.complaints for x in slas), within=sum(x.within for x in slas))
    sla["within_share"] = (sla.within / sla.complaints.where(sla.complaints > 0)).astype(float)
    return PolicyRun(runs=runs, by_tier=pd.concat(tiers, ignore_index=True), sla=sla, first=results[0])
