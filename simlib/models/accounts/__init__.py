"""An account base month by month (COURSE.md §6 "Customers"; §5's customer-success case).

A book of accounts — profits from :func:`simlib.formulas.customers.synthetic_accounts`, tiered A/B/C by
profit as :func:`simlib.formulas.customers.abc_tiers` does (A ≈ 20 % of the accounts and ≈ 80 % of the
profit, S0) — is served for a number of months by a team with limited visit hours and, optionally, by
dedicated account managers: prospects, visits, complaints with SLAs, satisfaction (NPS/CSAT), orders,
referrals and renewals, every account every month, on common random numbers (two policies are compared
on one world). ``simlib.accounts`` is this package's face: it exposes exactly the names of :data:`__all__`.

Modules, from the ground up:

- :mod:`~simlib.models.accounts.spec` — the scenario: :class:`AccountsSpec` and its blocks, the policy
  (:class:`AccountPolicy`), the calibration checks, :func:`load_accounts`, :func:`resolve_policy`;
- :mod:`~simlib.models.accounts.streams` — the random streams (:class:`simlib.base.rng.Streams` over
  :data:`STREAM_NAMES`) and every account's draws, made up front per source of accounts;
- :mod:`~simlib.models.accounts.visits` — the visit plan: :func:`plan_visits` (each account, each month)
  and :func:`planned_visits` (each tier of the starting book, as a page shows it);
- :mod:`~simlib.models.accounts.run` — the monthly run (the model, step by step);
- :mod:`~simlib.models.accounts.result` — :class:`AccountsResult`, its tables and summary,
  :func:`sla_by_severity` and :func:`localise`;
- :mod:`~simlib.models.accounts.simulate` — the entry points: :func:`simulate_accounts`,
  :func:`replicate_accounts`, :func:`check_calibration` and :func:`replicate_policy` (:class:`PolicyRun`).

    >>> spec = load_accounts({"accounts": {"n": 400}})
    >>> res = simulate_accounts(spec, seed=1)
    >>> res.accounts.columns.tolist()[:8]
    ['account', 'month', 'source', 'referred_by', 'tier', 'lifecycle', 'status', 'managed']
    >>> s = res.summary()
    >>> s["accounts_start"], round(s["account_share_A"], 2), round(s["profit_share_A"], 2)
    (400, 0.2, 0.79)
    >>> after = simulate_accounts(spec, seed=1, policy={"dedicated_managers": ["A"]})
    >>> after.summary()["renewal_rate_A"] > s["renewal_rate_A"]
    True

Scenarios: ``scenarios/customers/customer_success.yaml`` (S0's figures, before/after) and
``scenarios/customers/tiering.yaml`` (80/20, S3's focus). Texts: ``simlib/locales/accounts.<lang>.yaml``.
"""
from __future__ import annotations

from simlib.models.accounts.result import AccountsResult, localise, sla_by_severity
from simlib.models.accounts.simulate import (
    MAX_ACCOUNT_MONTHS,
    PolicyRun,
    check_calibration,
    replicate_accounts,
    replicate_policy,
    simulate_accounts,
)
from simlib.models.accounts.spec import (
    SOURCES,
    STAGES,
    SUMMARY_KEYS,
    TIER_DEFAULTS,
    TIERS,
    AccountPolicy,
    AccountsSpec,
    load_accounts,
    resolve_policy,
)
from simlib.models.accounts.streams import STREAM_NAMES
from simlib.models.accounts.visits import plan_visits, planned_visits

__all__ = [
    "MAX_ACCOUNT_MONTHS",
    "SOURCES",
    "STAGES",
    "STREAM_NAMES",
    "SUMMARY_KEYS",
    "TIERS",
    "TIER_DEFAULTS",
    "AccountPolicy",
    "AccountsResult",
    "AccountsSpec",
    "PolicyRun",
    "check_calibration",
    "load_accounts",
    "localise",
    "plan_visits",
    "planned_visits",
    "replicate_accounts",
    "replicate_policy",
    "resolve_policy",
    "simulate_accounts",
    "sla_by_severity",
]
