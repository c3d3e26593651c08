"""The visit plan (COURSE.md §6; S0's dedicated managers, S3's 80/20 focus): how many visits each account
is planned a month, from the team's hours and the policy.

Accounts with a dedicated manager get ``manager_visits`` × their tier's visit norm from the manager
(outside the team's hours). The team's hours buy ``hours_per_month ÷ hours_per_visit`` visits, spread by
the policy's ``visit_plan``: ``norm`` (each tier's norm, all scaled down when the hours are short),
``equal`` (the same for every account) or ``focus`` (the hours split over the tiers by ``focus`` shares).
One function, :func:`plan_visits`, plans every month of a run (:mod:`simlib.models.accounts.run`) and
the table of the starting book a page shows (:func:`planned_visits`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from simlib.formulas.targets import split
from simlib.models.accounts.spec import TIERS, AccountPolicy, AccountsSpec

__all__ = ["plan_visits", "planned_visits", "visit_capacity"]


def visit_capacity(spec: AccountsSpec) -> float:
    """The visits the team's hours buy a month: ``hours_per_month ÷ hours_per_visit``."""
    return spec.team.hours_per_month / spec.team.hours_per_visit


def plan_visits(tier: np.ndarray, managed: np.ndarray, norm: np.ndarray, policy: AccountPolicy,
                capacity: float) -> np.ndarray:
    """Each account's planned visits this month.

    Args:
        tier: the accounts' tier indices (0 = A).
        managed: whether each account has a dedicated manager.
        norm: each tier's visit norm (visits a month), indexed by tier.
        policy: the visit plan, its ``focus`` shares and ``manager_visits``.
        capacity: the visits the team's hours buy (:func:`visit_capacity`).

        >>> pol = AccountPolicy(visit_plan="norm")
        >>> norm = np.array([2.0, 1.0, 0.25])                      # tiers A, B, C
        >>> plan_visits(np.array([0, 1, 2, 2]), np.zeros(4, bool), norm, pol, 1.75).tolist()
        [1.0, 0.5, 0.125, 0.125]
    """
    plan = np.zeros(tier.size)
    plan[managed] = norm[tier[managed]] * policy.manager_visits
    team = ~managed
    tu = tier[team]
    if tu.size:
        if policy.visit_plan == "norm":
            ru = norm[tu].astype(float)
            demand = ru.sum()
            if demand > capacity:
                ru *= capacity / demand
        elif policy.visit_plan == "equal":
            ru = np.full(tu.size, capacity / tu.size)
        else:
            focus = np.array([getattr(policy.focus, k) for k in TIERS])
            counts = np.bincount(tu, minlength=len(TIERS))
            f = np.where(counts > 0, focus, 0.0)
            f = f / f.sum() if f.sum() > 0 else counts / counts.sum()
            ru = f[tu] * capacity / counts[tu]
        plan[team] = ru
    return plan


def planned_visits(spec: AccountsSpec) -> pd.DataFrame:
    """Each tier's planned visits per account a month at the start (the starting book, the spec's
    ``policy``), as the model plans month 1: ``tier, accounts, norm, managed, planned, coverage``
    (planned ÷ norm), and the hours the team's accounts would need at their norms (``attrs["need"]``)
    and the visits its hours buy (``attrs["visits"]``). A managed tier without accounts shows what its
    manager would give an account; a team tier without accounts, 0.

        >>> from simlib.models.accounts.spec import load_accounts
        >>> df = planned_visits(load_accounts("scenarios/customers/tiering.yaml"))
        >>> df.planned.round(3).tolist(), round(df.attrs["need"])
        ([1.212, 0.606, 0.152], 1650)
    """
    pol = spec.policy
    counts = split(spec.accounts.n, {k: spec.tiers.of(k).share for k in TIERS})
    norm = np.array([spec.tiers.of(k).visits_per_month for k in TIERS])
    managed = np.array([k in pol.dedicated_managers for k in TIERS])
    capacity = visit_capacity(spec)
    tier = np.repeat(np.arange(len(TIERS)), [int(counts[k]) for k in TIERS])
    plan = plan_visits(tier, managed[tier], norm, pol, capacity)
    rows = []
    for i, k in enumerate(TIERS):
        if counts[k]:
            planned = float(plan[np.searchsorted(tier, i)])
        elif managed[i]:
            planned = float(plan_visits(np.array([i]), np.array([True]), norm, pol, capacity)[0])
        else:
            planned = 0.0
        coverage = float(planned / norm[i]) if norm[i] > 0 else float("nan")
        rows.append({"tier": k, "accounts": int(counts[k]), "norm": float(norm[i]), "managed": bool(managed[i]),
                     "planned": planned, "coverage": coverage})
    df = pd.DataFrame(rows)
    team = [i for i, k in enumerate(TIERS) if not managed[i] and counts[k] > 0]
    df.attrs["need"] = sum(counts[TIERS[i]] * norm[i] for i in team) * spec.team.hours_per_visit
    df.attrs["visits"] = capacity
    return df
