"""Customers, the pure part (COURSE.md §6), one concept a module:

- :mod:`~simlib.formulas.customers.tiers` — A/B/C tiering by profit (S0) or by ARPU and repurchase (S2):
  :func:`abc_tiers`;
- :mod:`~simlib.formulas.customers.synthetic` — a reproducible account table with 80/20 profits:
  :func:`synthetic_accounts`;
- :mod:`~simlib.formulas.customers.screening` — S0's "341" prospect screening: :func:`screen_prospects`,
  :func:`explain_prospect`;
- :mod:`~simlib.formulas.customers.lifetime_value` — customer lifetime value: :func:`expected_lifetime`,
  :func:`clv_simple`, :func:`clv`;
- :mod:`~simlib.formulas.customers.surveys` — NPS and CSAT (S2): :func:`nps`, :func:`csat`;
- :mod:`~simlib.formulas.customers.complaints` — complaint severities, response SLAs and root causes (S2):
  :func:`check_complaints`, :func:`complaint_summary`, :func:`root_causes`;
- :mod:`~simlib.formulas.customers.lifecycle` — S0's customer lifecycle: :class:`Lifecycle`;
- :mod:`~simlib.formulas.customers.input_tables` — reading the tables a trainee hands in, naming bad cells;
- :mod:`~simlib.formulas.customers.trainee_tables` — a machine table in the trainee's language:
  :func:`localise`.

No simulation, no widgets; tables in, tables out. Bad input raises :class:`simlib.ScenarioError`
naming the field (``accounts.profit``, ``prospects[3].size``, ``complaints[2].responded``)::

    >>> acc = synthetic_accounts(500, seed=1)                 # lognormal profits, Pareto-like
    >>> tiers = abc_tiers(acc, by="profit")                   # 20 / 30 / 50 % of accounts
    >>> tiers.summary["accounts"].tolist(), round(float(tiers.summary.loc["A", "value_share"]), 2)
    ([100, 150, 250], 0.78)
    >>> print(tiers.text("en"))
    A: 20% of accounts, 78% of profit · B: 30% of accounts, 16% of profit · C: 50% of accounts, 6% of profit

Texts come from ``simlib/locales/customers.<lang>.yaml`` (繁體中文, 简体中文, English); machine
tables keep English column names and :func:`localise` turns them into a trainee's table. The public names
of the modules are re-exported here: ``from simlib.formulas.customers import abc_tiers``.
"""
from simlib.formulas.customers.complaints import (
    COMPLAINT_SLA_HOURS,
    COMPLAINT_STEPS,
    Severity,
    check_complaints,
    complaint_summary,
    root_causes,
)
from simlib.formulas.customers.lifecycle import Lifecycle
from simlib.formulas.customers.lifetime_value import clv, clv_simple, expected_lifetime
from simlib.formulas.customers.screening import SCREEN_CRITERIA, explain_prospect, screen_prospects
from simlib.formulas.customers.surveys import NpsResult, csat, nps
from simlib.formulas.customers.synthetic import synthetic_accounts
from simlib.formulas.customers.tiers import TIER_SHARES, TIERS, TierResult, abc_tiers
from simlib.formulas.customers.trainee_tables import localise

__all__ = [
    "COMPLAINT_SLA_HOURS",
    "COMPLAINT_STEPS",
    "SCREEN_CRITERIA",
    "TIERS",
    "TIER_SHARES",
    "Lifecycle",
    "NpsResult",
    "Severity",
    "TierResult",
    "abc_tiers",
    "check_complaints",
    "clv",
    "clv_simple",
    "complaint_summary",
    "csat",
    "expected_lifetime",
    "explain_prospect",
    "localise",
    "nps",
    "root_causes",
    "screen_prospects",
    "synthetic_accounts",
]
