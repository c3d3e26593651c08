"""A/B/C account tiering (COURSE.md §6): S0 tiers by profit (A ≈ 20 % of the accounts, B ≈ 30 %, C ≈ 50 %),
S2 by ARPU and repurchase together; cut by number of accounts or by cumulative share of the value (the
classic ABC analysis), with each tier's share of the accounts and of the value — the Pareto curve.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.base.records import is_number, label_or_key
from simlib.base.schema import ScenarioError
from simlib.formulas.customers.input_tables import as_table, need_columns, numeric_column
from simlib.formulas.customers.trainee_tables import localise
from simlib.formulas.targets import split

__all__ = ["TIERS", "TIER_SHARES", "TierResult", "abc_tiers"]

TIERS = ("A", "B", "C")
TIER_SHARES: dict[str, tuple[float, float, float]] = {"accounts": (0.2, 0.3, 0.5), "value": (0.8, 0.15, 0.05)}
"""Default cut-offs. ``accounts``: S0's A ≈ 20 % / B ≈ 30 % / C ≈ 50 % of customers (COURSE.md §6);
``value``: the classic ABC analysis, A = the accounts making the first 80 % of the value, B the next
15 %, C the last 5 %."""


@dataclass(frozen=True)
class TierResult:
    """A/B/C tiers. ``accounts``: the input with ``score`` (what was ranked), ``rank`` (1 = best),
    ``tier`` and ``cum_value_share`` (share of the total ``value`` held by this account and every
    better-ranked one — the Pareto curve). ``summary``: per tier, ``accounts``, ``account_share``,
    ``value`` (sum), ``value_share`` and ``mean_value``."""
    accounts: pd.DataFrame
    summary: pd.DataFrame
    by: tuple[str, ...]
    value: str
    method: str

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The summary with localised headers (tier, accounts, share of accounts, value, share of value…)."""
        return localise(self.summary.reset_index(), lang, value=self.value)

    def text(self, lang: str | None = None) -> str:
        """One line: each tier's share of accounts and of the value."""
        what = label_or_key(f"customers.value.{self.value}", lang)
        parts = [t("customers.tier.line", lang, tier=k, accounts=percent(r.account_share, lang, digits=0),
                   value=percent(r.value_share, lang, digits=0), what=what) for k, r in self.summary.iterrows()]
        return " · ".join(parts)


def abc_tiers(accounts: Any, by: str | Sequence[str] = "profit", *, method: str = "accounts",
              shares: Sequence[float] | None = None, value: str | None = None) -> TierResult:
    """Tier an account table into A/B/C (COURSE.md §6).

    Accounts are ranked by ``by``, best first (equal scores keep the table's order). With one column
    (S0: ``"profit"``) the score is that column; with several (S2: ``("arpu", "repurchase")``) it
    is the mean of each column's percentile rank, so both count equally whatever their units.

    Args:
        method: ``"accounts"`` cuts by number of accounts (default 20 / 30 / 50 %, rounded to whole
            accounts that add up exactly, largest remainder); ``"value"`` cuts by cumulative share of
            ``value`` (default 80 / 15 / 5 %: an account is A while the accounts ranked above it hold
            less than 80 %).
        shares: three shares summing to 1, overriding the defaults of ``method``.
        value: the column whose share per tier is reported (default: ``by`` itself, or ``profit``
            when ranking by several columns and the table has one, else the first of ``by``).

    Raises:
        ScenarioError: a missing or non-numeric column, shares not summing to 1, a total value ≤ 0.

        >>> df = pd.DataFrame({"account": list("abcdefghij"), "profit": [500, 200, 90, 60, 40, 30, 30, 20, 20, 10]})
        >>> r = abc_tiers(df)
        >>> r.accounts["tier"].tolist()
        ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'C', 'C', 'C']
        >>> r.summary["value_share"].round(2).tolist()
        [0.7, 0.19, 0.11]
        >>> abc_tiers(df, method="value").accounts["tier"].tolist()    # first 80 % of profit: a–d
        ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'C', 'C', 'C']
    """
    df = as_table(accounts, "accounts")
    cols = [by] if isinstance(by, str) else [str(c) for c in by]
    if not cols:
        raise ScenarioError.at("by", "too_short", min=1, max=None, actual=0)
    if method not in TIER_SHARES:
        raise ScenarioError.at("method", "choice", expected=", ".join(TIER_SHARES), input=repr(method))
    sh = tuple(TIER_SHARES[method] if shares is None else shares)
    if len(sh) != 3 or not all(is_number(s) and s >= 0 for s in sh):
        raise ScenarioError.at("shares", "customers_tier_shares", input=list(sh))
    if abs(sum(sh) - 1) > 1e-9:
        raise ScenarioError.at("shares", "shares_sum", dim="A/B/C", total=f"{sum(sh):.4g}")
    if value is None:
        value = cols[0] if len(cols) == 1 else ("profit" if "profit" in df.columns else cols[0])
    need_columns(df, list(dict.fromkeys([*cols, value])), "accounts")
    nums = {c: numeric_column(df, c, "accounts") for c in dict.fromkeys([*cols, value])}
    if len(cols) == 1:
        score = nums[cols[0]]
    else:
        score = np.mean([pd.Series(nums[c]).rank(pct=True).to_numpy() for c in cols], axis=0)
    vals = nums[value]
    total = float(vals.sum())
    if total <= 0:
        raise ScenarioError.at(f"accounts.{value}", "customers_tier_total", column=value, total=number(total, digits=1))
    n = len(df)
    order = np.argsort(-score, kind="stable")
    cum = np.cumsum(vals[order]) / total
    if method == "accounts":
        counts = split(n, dict(zip(TIERS, sh, strict=True)))
        tier_sorted = np.repeat(np.array(TIERS), [counts[k] for k in TIERS])
    else:
        before = cum - vals[order] / total
        tier_sorted = np.where(before < sh[0] - 1e-12, "A", np.where(before < sh[0] + sh[1] - 1e-12, "B", "C"))
    out = df.copy()
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(1, n + 1)
    tier = np.empty(n, dtype=object)
    tier[order] = tier_sorted
    cum_share = np.empty(n)
    cum_share[order] = cum
    out["score"] = score
    out["rank"] = rank
    out["tier"] = tier.astype(str)
    out["cum_value_share"] = cum_share
    rows = []
    for k in TIERS:
        mask = out["tier"].to_numpy() == k
        v = float(vals[mask].sum())
        rows.append({"tier": k, "accounts": int(mask.sum()), "account_share": mask.sum() / n, "value": v,
                     "value_share": v / total, "mean_value": v / mask.sum() if mask.any() else float("nan")})
    summary = pd.DataFrame(rows).set_index("tier")
    return TierResult(accounts=out, summary=summary, by=tuple(cols), value=value, method=method)
