"""Customers, the pure part (COURSE.md §6): A/B/C tiering with a synthetic account generator, "341"
prospect screening, customer lifetime value, NPS and CSAT, complaint SLAs and root causes, and the
customer lifecycle.

No simulation, no widgets; tables in, tables out. Bad input raises :class:`simlib.ScenarioError`
naming the field (``accounts.profit``, ``prospects[3].size``, ``complaints[2].responded``)::

    >>> acc = synthetic_accounts(500, seed=1)                 # lognormal profits, Pareto-like
    >>> tiers = abc_tiers(acc, by="profit")                   # 20 / 30 / 50 % of accounts
    >>> tiers.summary["accounts"].tolist(), round(float(tiers.summary.loc["A", "value_share"]), 2)
    ([100, 150, 250], 0.78)
    >>> print(tiers.text("en"))
    A: 20% of accounts, 78% of profit · B: 30% of accounts, 16% of profit · C: 50% of accounts, 6% of profit

Texts come from ``simlib/locales/customers.<lang>.yaml`` (繁體中文, 简体中文, English); machine
tables keep English column names and :func:`localise` turns them into a trainee's table.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.fmt import number, percent
from simlib.base.i18n import LANGUAGES, t
from simlib.base.records import label_or_key
from simlib.base.schema import Issue, ScenarioError
from simlib.formulas.targets import split

__all__ = [
    "COMPLAINT_SLA_HOURS",
    "COMPLAINT_STEPS",
    "SCREEN_CRITERIA",
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

_MAX_ISSUES = 20  # a table with many bad cells reports the first ones



def _frame(data: Any, name: str) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        df = data
    elif isinstance(data, Sequence) and not isinstance(data, str) and all(isinstance(r, Mapping) for r in data):
        df = pd.DataFrame(list(data))
    else:
        raise ScenarioError.at(name, "customers_table", input=type(data).__name__)
    if df.empty:
        raise ScenarioError.at(name, "too_short", min=1, max=None, actual=0)
    return df


def _need_columns(df: pd.DataFrame, cols: Sequence[str], name: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise ScenarioError([Issue(f"{name}.{c}", "customers_column", {"column": c, "columns": have})
                             for c in missing])


def _numeric(df: pd.DataFrame, col: str, name: str) -> np.ndarray:
    """A column as finite floats, or an issue naming its first bad rows."""
    s = df[col]
    vals = pd.to_numeric(s, errors="coerce") if s.dtype != bool else pd.Series(np.nan, index=s.index)
    arr = vals.to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise ScenarioError([Issue(f"{name}[{i}].{col}", "type_number", {"input": _show(s.iloc[i])})
                             for i in bad[:_MAX_ISSUES]])
    return arr


def _show(v: Any) -> Any:
    return repr(v) if isinstance(v, str) else v


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) \
        and math.isfinite(float(v))


# ---------------------------------------------------------------------------------------------
# A/B/C tiering (S0 by profit, S2 by ARPU and repurchase) and synthetic accounts
# ---------------------------------------------------------------------------------------------
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
        parts = [t("customers.tier.line", lang, tier=k, accounts=f"{r.account_share:.0%}", value=f"{r.value_share:.0%}",
                   what=what) for k, r in self.summary.iterrows()]
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
    df = _frame(accounts, "accounts")
    cols = [by] if isinstance(by, str) else [str(c) for c in by]
    if not cols:
        raise ScenarioError.at("by", "too_short", min=1, max=None, actual=0)
    if method not in TIER_SHARES:
        raise ScenarioError.at("method", "choice", expected=", ".join(TIER_SHARES), input=repr(method))
    sh = tuple(TIER_SHARES[method] if shares is None else shares)
    if len(sh) != 3 or not all(_is_number(s) and s >= 0 for s in sh):
        raise ScenarioError.at("shares", "customers_tier_shares", input=list(sh))
    if abs(sum(sh) - 1) > 1e-9:
        raise ScenarioError.at("shares", "shares_sum", dim="A/B/C", total=f"{sum(sh):.4g}")
    if value is None:
        value = cols[0] if len(cols) == 1 else ("profit" if "profit" in df.columns else cols[0])
    _need_columns(df, list(dict.fromkeys([*cols, value])), "accounts")
    nums = {c: _numeric(df, c, "accounts") for c in dict.fromkeys([*cols, value])}
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


_INDUSTRIES = ("manufacturing", "retail", "software", "healthcare", "logistics")
_REGIONS = ("East", "South", "North", "other")
_REGION_P = (0.35, 0.25, 0.20, 0.20)  # S1's regional split


def synthetic_accounts(n: int = 200, seed: int = 0, *, dist: str = "lognormal", sigma: float = 1.68,
                       alpha: float = 1.16, median_profit: float = 20_000) -> pd.DataFrame:
    """A reproducible account table whose profits follow the 80/20 pattern (COURSE.md §6).

    Profits are lognormal with ``sigma`` = 1.68 — for which the top 20 % of accounts hold 80 % of the
    profit in expectation (top-20 % share = Φ(σ − 0.8416)) — or Pareto with tail index ``alpha``
    (α = log 5 / log 4 ≈ 1.16 is the textbook 80/20, but its samples vary far more). Other columns:
    ``margin`` 15–45 %, ``revenue`` = profit ÷ margin, ``arpu`` (monthly revenue), ``repurchase``
    (rate 0–1, higher for bigger accounts), ``industry``, ``region`` (S1's 35/25/20/20).

    All randomness comes from ``numpy.random.default_rng(seed)``: one seed, one table.

        >>> a = synthetic_accounts(5, seed=3)
        >>> list(a.columns)
        ['account', 'industry', 'region', 'revenue', 'margin', 'profit', 'arpu', 'repurchase']
        >>> a.equals(synthetic_accounts(5, seed=3)), a["account"].tolist()[:2]
        (True, ['C0001', 'C0002'])
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 1_000_000:
        raise ScenarioError.at("n", "customers_range", low=1, high="1,000,000", input=n)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ScenarioError.at("seed", "customers_seed", input=seed)
    if dist not in ("lognormal", "pareto"):
        raise ScenarioError.at("dist", "choice", expected="lognormal, pareto", input=repr(dist))
    for name, v in (("sigma", sigma), ("alpha", alpha), ("median_profit", median_profit)):
        if not _is_number(v) or v <= 0:
            raise ScenarioError.at(name, "greater_than", limit=0, input=v)
    rng = np.random.default_rng(int(seed))
    if dist == "lognormal":
        profit = median_profit * rng.lognormal(0.0, sigma, n)
    else:
        profit = median_profit / 2 ** (1 / alpha) * (1 + rng.pareto(alpha, n))
    margin = rng.uniform(0.15, 0.45, n)
    profit = np.round(profit, 0)
    revenue = np.round(profit / margin, 0)
    pct = pd.Series(profit).rank(pct=True).to_numpy()
    repurchase = np.clip(0.25 + 0.55 * pct + rng.normal(0.0, 0.08, n), 0.0, 1.0)
    width = max(4, len(str(n)))
    return pd.DataFrame({
        "account": [f"C{i:0{width}d}" for i in range(1, n + 1)],
        "industry": rng.choice(_INDUSTRIES, n),
        "region": rng.choice(_REGIONS, n, p=_REGION_P),
        "revenue": revenue,
        "margin": np.round(margin, 3),
        "profit": profit,
        "arpu": np.round(revenue / 12, 0),
        "repurchase": np.round(repurchase, 3),
    })


# ---------------------------------------------------------------------------------------------
# "341" prospect screening (S0)
# ---------------------------------------------------------------------------------------------
SCREEN_CRITERIA: tuple[str, ...] = ("size", "industry", "pain")
"""S0's "341" method (COURSE.md §6): **3** criteria — company size, industry fit, pain fit —
each scored **4** levels (1–4), and **1** minimum total (e.g. ≥ 8) for a good prospect."""


def _check_screen(criteria: Sequence[str], minimum: Any) -> list[str]:
    crit = [str(c) for c in criteria]
    if not crit or len(set(crit)) != len(crit):
        raise ScenarioError.at("criteria", "customers_criteria", input=", ".join(crit))
    low, high = len(crit), 4 * len(crit)
    if isinstance(minimum, bool) or not isinstance(minimum, (int, np.integer)) or not low <= minimum <= high:
        raise ScenarioError.at("minimum", "customers_screen_minimum", low=low, high=high, input=minimum)
    return crit


def screen_prospects(prospects: Any, criteria: Sequence[str] = SCREEN_CRITERIA, *, minimum: int = 8) -> pd.DataFrame:
    """Screen a prospect list with the "341" method (S0, COURSE.md §6), vectorised over the table.

    Each criterion column holds whole scores 1–4; the result adds ``total``, ``good`` (total ≥
    ``minimum``) and ``weakest`` (the lowest-scored criterion, the first on ties).

    Raises:
        ScenarioError: a missing column, a score that is not a whole number 1–4 (each bad cell named
            ``prospects[row].criterion``, up to 20), a minimum outside the reachable totals.

        >>> df = pd.DataFrame({"name": ["甲公司", "乙公司", "丙公司"], "size": [4, 2, 3], "industry": [3, 2, 3],
        ...                    "pain": [2, 3, 2]})
        >>> screen_prospects(df)[["name", "total", "good", "weakest"]].values.tolist()
        [['甲公司', 9, True, 'pain'], ['乙公司', 7, False, 'size'], ['丙公司', 8, True, 'pain']]
    """
    df = _frame(prospects, "prospects")
    crit = _check_screen(criteria, minimum)
    _need_columns(df, crit, "prospects")
    issues: list[Issue] = []
    cols = {}
    for c in crit:
        s = df[c]
        vals = (pd.to_numeric(s, errors="coerce") if s.dtype != bool else pd.Series(np.nan, index=s.index)
                ).to_numpy(dtype=float, na_value=np.nan)
        ok = np.isfinite(vals) & (vals == np.round(vals)) & (vals >= 1) & (vals <= 4)
        issues += [Issue(f"prospects[{i}].{c}", "customers_screen_score", {"input": _show(s.iloc[i])})
                   for i in np.flatnonzero(~ok)]
        cols[c] = vals
    if issues:
        raise ScenarioError(sorted(issues, key=lambda i: i.path)[:_MAX_ISSUES])
    scores = np.column_stack([cols[c] for c in crit]).astype(int)
    out = df.copy()
    out["total"] = scores.sum(axis=1)
    out["good"] = out["total"] >= minimum
    out["weakest"] = [crit[j] for j in scores.argmin(axis=1)]
    return out


def explain_prospect(scores: Mapping[str, Any], criteria: Sequence[str] = SCREEN_CRITERIA, *, minimum: int = 8,
                     lang: str | None = None) -> list[str]:
    """Explanation lines for one prospect: each criterion's score, then the verdict.

        >>> print("\\n".join(explain_prospect({"size": 3, "industry": 1, "pain": 3}, lang="en")))
        Company size: 3 / 4
        Industry fit: 1 / 4
        Pain-point fit: 3 / 4
        Total 7 < 8: not a priority yet. Weakest: Industry fit (1 / 4).
    """
    row = screen_prospects(pd.DataFrame([dict(scores)]), criteria, minimum=minimum).iloc[0]
    crit = [str(c) for c in criteria]
    lines = [t("customers.screen.line", lang, criterion=label_or_key(f"customers.screen.criterion.{c}", lang),
               score=int(row[c])) for c in crit]
    key = "customers.screen.good" if row["good"] else "customers.screen.not_yet"
    w = row["weakest"]
    lines.append(t(key, lang, total=int(row["total"]), minimum=minimum,
                   weakest=label_or_key(f"customers.screen.criterion.{w}", lang), score=int(row[w])))
    return lines


# ---------------------------------------------------------------------------------------------
# Customer lifetime value, NPS, CSAT (S0, S2, COURSE.md §6, §8)
# ---------------------------------------------------------------------------------------------
def _arr(name: str, v: Any, low: float, high: float, *, high_open: bool = False) -> np.ndarray:
    try:
        if isinstance(v, (str, bytes, bool, np.bool_)):
            raise TypeError
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise ScenarioError.at(name, "type_number", input=_show(v)) from None
    if a.size == 0:
        raise ScenarioError.at(name, "type_number", input=_show(v))
    ok = np.isfinite(a) & (a >= low) & ((a < high) if high_open else (a <= high))
    if not ok.all():
        bad = a.flat[int(np.flatnonzero(~ok.ravel())[0])]
        code = "customers_range_open" if high_open else "customers_range"
        raise ScenarioError.at(name, code, low=number(low, digits=1), high=number(high, digits=1) if math.isfinite(high) else "∞", input=float(bad))
    return a


def _out(x: np.ndarray) -> float | np.ndarray:
    return float(x) if np.ndim(x) == 0 else x


def expected_lifetime(retention: Any) -> float | np.ndarray:
    """Expected customer lifetime in periods, 1 ÷ (1 − retention) (a customer stays each period with
    probability ``retention``; the first period counts).

        >>> expected_lifetime(0.8)
        5.0
    """
    r = _arr("retention", retention, 0, 1, high_open=True)
    return _out(np.round(1 / (1 - r), 10))


def clv_simple(annual_revenue: Any, margin: Any, lifetime_years: Any) -> float | np.ndarray:
    """Simple CLV: annual revenue × margin × expected lifetime in years (COURSE.md §6, §8), to the fen.

        >>> clv_simple(100_000, 0.3, expected_lifetime(0.8))
        150000.0
    """
    rev = _arr("annual_revenue", annual_revenue, 0, math.inf)
    m = _arr("margin", margin, -1, 1)
    life = _arr("lifetime_years", lifetime_years, 0, math.inf)
    return _out(np.round(rev * m * life, 2))


def clv(annual_revenue: Any, margin: Any, retention: Any, *, discount_rate: Any = 0.0, years: int | None = None,
        acquisition_cost: Any = 0.0) -> float | np.ndarray:
    """Customer lifetime value with retention and discounting (COURSE.md §6, §8); vectorised, in
    yuan rounded to the fen.

    The yearly margin m = revenue × margin is earned at the start of each year the customer stays;
    the customer is still there in year t with probability retentionᵗ and money in year t is worth
    1 ÷ (1 + discount_rate)ᵗ today. With q = retention ÷ (1 + discount_rate):

    * ``years=None`` (no horizon): CLV = m ÷ (1 − q) = m × (1 + d) ÷ (1 + d − r);
      with d = 0 this is the simple CLV, m × 1 ÷ (1 − r) (:func:`clv_simple`);
    * ``years=T``: CLV = m × (1 − q^T) ÷ (1 − q) (= m × T when q = 1);

    minus ``acquisition_cost``. A retention of 1 needs a horizon.

        >>> clv(100_000, 0.3, 0.8)                                # simple: 30,000 × 5 years
        150000.0
        >>> round(clv(100_000, 0.3, 0.8, discount_rate=0.1))      # discounted at 10 %
        110000
        >>> round(clv(100_000, 0.3, 0.8, discount_rate=0.1, years=3, acquisition_cost=20_000))
        47686
    """
    rev = _arr("annual_revenue", annual_revenue, 0, math.inf)
    m = _arr("margin", margin, -1, 1)
    d = _arr("discount_rate", discount_rate, 0, 10)
    cac = _arr("acquisition_cost", acquisition_cost, 0, math.inf)
    r = _arr("retention", retention, 0, 1)
    if years is None:
        if np.any(r == 1):
            raise ScenarioError.at("retention", "customers_clv_forever")
        q = r / (1 + d)
        value = rev * m / (1 - q)
    else:
        if isinstance(years, bool) or not isinstance(years, (int, np.integer)) or not 1 <= years <= 200:
            raise ScenarioError.at("years", "customers_range", low=1, high=200, input=years)
        q = r / (1 + d)
        with np.errstate(divide="ignore", invalid="ignore"):
            geo = np.where(np.isclose(q, 1.0), float(years), (1 - q ** years) / (1 - np.where(q == 1, 0, q)))
        value = rev * m * geo
    return _out(np.round(value - cac, 2))


@dataclass(frozen=True)
class NpsResult:
    """Net Promoter Score from 0–10 answers: promoters 9–10, passives 7–8, detractors 0–6 (shares of
    ``n``); ``nps`` = (promoters − detractors) × 100, from −100 to 100."""
    n: int
    promoters: float
    passives: float
    detractors: float
    nps: float

    def text(self, lang: str | None = None) -> str:
        return t("customers.nps.text", lang, nps=f"{self.nps:+.0f}", n=self.n, promoters=percent(self.promoters),
                 passives=percent(self.passives), detractors=percent(self.detractors))


def _scores(scores: Any, name: str, low: int, high: int, code: str) -> np.ndarray:
    if isinstance(scores, (str, bytes, Mapping)) or not hasattr(scores, "__len__"):
        raise ScenarioError.at(name, "type_list", input=type(scores).__name__)
    items = list(scores.tolist() if hasattr(scores, "tolist") else scores)
    if not items:
        raise ScenarioError.at(name, "too_short", min=1, max=None, actual=0)
    bad = [i for i, v in enumerate(items)
           if not _is_number(v) or float(v) != round(float(v)) or not low <= float(v) <= high]
    if bad:
        raise ScenarioError([Issue(f"{name}[{i}]", code, {"input": _show(items[i]), "low": low, "high": high})
                             for i in bad[:_MAX_ISSUES]])
    return np.asarray(items, dtype=float)


def nps(scores: Any) -> NpsResult:
    """NPS of "how likely are you to recommend us?" answers 0–10 (S2, COURSE.md §6, §8).

        >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
        >>> r.nps, r.promoters, r.detractors
        (20.0, 0.5, 0.3)
        >>> print(r.text("zh-Hant"))
        NPS +20(10 份回覆):推薦者 50%、中立者 20%、貶損者 30%。
    """
    a = _scores(scores, "scores", 0, 10, "customers_nps_score")
    n = a.size
    p, d = float((a >= 9).sum()) / n, float((a <= 6).sum()) / n
    return NpsResult(n=n, promoters=p, passives=1 - p - d if 1 - p - d > 1e-12 else 0.0, detractors=d,
                     nps=round((p - d) * 100, 10))


def csat(scores: Any, *, scale: int = 5, satisfied: int = 4) -> float:
    """CSAT: the share of answers at or above ``satisfied`` on a 1–``scale`` survey ("top-2-box" on
    the usual 1–5 scale; S2, COURSE.md §6).

        >>> csat([5, 4, 4, 3, 2, 5, 4, 1])
        0.625
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or not 2 <= scale <= 11:
        raise ScenarioError.at("scale", "customers_range", low=2, high=11, input=scale)
    if isinstance(satisfied, bool) or not isinstance(satisfied, (int, np.integer)) or not 1 <= satisfied <= scale:
        raise ScenarioError.at("satisfied", "customers_range", low=1, high=scale, input=satisfied)
    a = _scores(scores, "scores", 1, scale, "customers_csat_score")
    return float((a >= satisfied).sum()) / a.size


# ---------------------------------------------------------------------------------------------
# Complaints (S2): severity, response SLAs, root causes
# ---------------------------------------------------------------------------------------------
class Severity(StrEnum):
    """S2's complaint severities: 一般 general, 緊急 urgent, 重大 major (major ones go to management)."""
    GENERAL = "general"
    URGENT = "urgent"
    MAJOR = "major"

    def label(self, lang: str | None = None) -> str:
        return t(f"customers.severity.{self.value}", lang)


COMPLAINT_SLA_HOURS: dict[str, float] = {"general": 24, "urgent": 4, "major": 1}
"""First-response SLAs in hours. S2 fixes only "ordinary complaints answered within 24 h"; the
workbook's choice for the others: urgent within 4 h (same half-day), major within 1 h, because a
major complaint must be escalated to management at once (S2: 重大投訴需上報管理層介入)."""

COMPLAINT_STEPS: tuple[str, ...] = ("accept", "classify", "handle", "feedback", "archive")
"""S2's complaint process: 受理 accept -> 分類 classify -> 處理 handle -> 反饋 feed back -> 歸檔 archive."""

_ESCALATE = frozenset({"major"})


def _severity_aliases(keys: Sequence[str]) -> dict[str, str]:
    out = {k.lower(): k for k in keys}
    for k in keys:
        for lang in LANGUAGES:
            label = t(f"customers.severity.{k}", lang)
            if label != f"customers.severity.{k}":
                out[label.lower()] = k
    return out


def _timestamps(df: pd.DataFrame, col: str, *, required: bool) -> tuple[pd.Series, list[Issue]]:
    raw = df[col]
    ts = raw if raw.dtype.kind == "M" else pd.to_datetime(raw, errors="coerce", format="mixed")
    missing = raw.isna() | raw.astype(str).str.strip().isin(["", "NaT", "None", "nan"])
    issues = []
    for i in np.flatnonzero((ts.isna() & ~missing).to_numpy()):
        issues.append(Issue(f"complaints[{i}].{col}", "customers_time", {"input": _show(raw.iloc[i])}))
    if required:
        issues += [Issue(f"complaints[{i}].{col}", "missing") for i in np.flatnonzero(missing.to_numpy())]
    return ts, issues


def check_complaints(complaints: Any, *, sla: Mapping[str, float] | None = None, now: Any = None) -> pd.DataFrame:
    """Check a complaints table against the response SLAs (S2, COURSE.md §6).

    Args:
        complaints: a DataFrame (or records) with ``received`` (timestamp), ``severity``
            (``general``/``urgent``/``major``, or their labels 一般/緊急/重大 in any of the three
            languages) and ``responded`` (timestamp; empty = still open). Other columns (``cause``,
            ``department``) are kept.
        sla: first-response hours per severity (default :data:`COMPLAINT_SLA_HOURS`).
        now: the time of the check; open complaints past their due time are then ``overdue``.
            Without it an open complaint is only ``open``.

    Returns:
        The table with ``severity`` normalised, ``sla_hours``, ``due``, ``response_hours``,
        ``status`` (``on_time``, ``late``, ``open``, ``overdue``), ``breached`` (late or overdue) and
        ``escalate`` (major complaints go to management).

        >>> df = pd.DataFrame({"received": ["2025-05-06 09:00", "2025-05-06 10:00", "2025-05-06 11:00"],
        ...                    "responded": ["2025-05-07 08:00", "2025-05-06 16:30", None],
        ...                    "severity": ["一般", "urgent", "major"], "cause": ["delivery", "quality", "quality"]})
        >>> out = check_complaints(df, now="2025-05-06 13:00")
        >>> out[["severity", "response_hours", "status", "breached"]].values.tolist()
        [['general', 23.0, 'on_time', False], ['urgent', 6.5, 'late', True], ['major', nan, 'overdue', True]]
    """
    df = _frame(complaints, "complaints")
    hours = dict(COMPLAINT_SLA_HOURS if sla is None else sla)
    if not hours or not all(_is_number(v) and v > 0 for v in hours.values()):
        raise ScenarioError.at("sla", "customers_sla")
    _need_columns(df, ["received", "severity"], "complaints")
    aliases = _severity_aliases(list(hours))
    issues: list[Issue] = []
    received, more = _timestamps(df, "received", required=True)
    issues += more
    if "responded" in df.columns:
        responded, more = _timestamps(df, "responded", required=False)
        issues += more
    else:
        responded = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    sev = []
    for i, v in enumerate(df["severity"]):
        key = aliases.get(str(v).strip().lower()) if v is not None else None
        if key is None:
            issues.append(Issue(f"complaints[{i}].severity", "choice",
                                {"expected": ", ".join(hours), "input": _show(v)}))
        sev.append(key)
    order_bad = (responded < received).fillna(False).to_numpy(dtype=bool)
    issues += [Issue(f"complaints[{i}].responded", "customers_complaint_order",
                     {"responded": str(responded.iloc[i]), "received": str(received.iloc[i])})
               for i in np.flatnonzero(order_bad)]
    if issues:
        raise ScenarioError(sorted(issues, key=lambda i: i.path)[:_MAX_ISSUES])
    if now is not None:
        now = pd.Timestamp(now)
    out = df.copy()
    out["severity"] = sev
    out["received"] = received.to_numpy()
    out["responded"] = responded.to_numpy()
    out["sla_hours"] = [float(hours[s]) for s in sev]
    out["due"] = received + pd.to_timedelta(out["sla_hours"], unit="h")
    out["response_hours"] = (responded - received).dt.total_seconds() / 3600
    is_open = out["responded"].isna()
    late = ~is_open & (out["response_hours"] > out["sla_hours"] + 1e-9)
    overdue = is_open & (out["due"] < now) if now is not None else pd.Series(False, index=out.index)
    out["status"] = np.select([overdue, is_open, late], ["overdue", "open", "late"], default="on_time")
    out["breached"] = (late | overdue).astype(bool)
    out["escalate"] = [s in _ESCALATE for s in sev]
    return out


def complaint_summary(complaints: Any, *, sla: Mapping[str, float] | None = None, now: Any = None) -> pd.DataFrame:
    """Per severity: ``complaints``, ``responded``, ``breaches``, ``breach_rate``, ``median_hours`` (first
    response) and the ``sla_hours``; a checked table (from :func:`check_complaints`) or a raw one.

        >>> df = pd.DataFrame({"received": ["2025-05-06 09:00", "2025-05-06 10:00", "2025-05-07 09:00"],
        ...                    "responded": ["2025-05-07 12:00", "2025-05-06 12:00", "2025-05-07 10:00"],
        ...                    "severity": ["general", "urgent", "general"]})
        >>> s = complaint_summary(df)
        >>> s["complaints"].tolist(), s["breaches"].tolist(), s["median_hours"].tolist()
        ([2, 1, 0], [1, 0, 0], [14.0, 2.0, nan])
    """
    checked = complaints if isinstance(complaints, pd.DataFrame) and "status" in complaints.columns \
        else check_complaints(complaints, sla=sla, now=now)
    order = list(dict.fromkeys([*(COMPLAINT_SLA_HOURS if sla is None else sla), *checked["severity"]]))
    rows = []
    for s in order:
        part = checked[checked["severity"] == s]
        hours = dict(COMPLAINT_SLA_HOURS if sla is None else sla).get(s, float("nan"))
        n = len(part)
        rows.append({"severity": s, "complaints": n, "responded": int(part["responded"].notna().sum()),
                     "breaches": int(part["breached"].sum()), "breach_rate": part["breached"].mean() if n else 0.0,
                     "median_hours": float(part["response_hours"].median()) if n else float("nan"),
                     "sla_hours": float(hours)})
    return pd.DataFrame(rows).set_index("severity")


def root_causes(complaints: Any, by: str = "cause", *, vital: float = 0.8) -> pd.DataFrame:
    """Root-cause statistics (S2: high-frequency problem types, responsible departments): counts per
    ``by`` value (e.g. ``cause`` or ``department``), most frequent first, with ``share``,
    ``cum_share`` and ``vital_few`` — the causes that together make up the first ``vital`` (80 %)
    of complaints (the cause crossing the line included). Empty causes count as ``unknown``.

        >>> df = pd.DataFrame({"cause": ["delivery"] * 6 + ["quality"] * 3 + ["billing"]})
        >>> root_causes(df)[["cause", "count", "cum_share", "vital_few"]].values.tolist()
        [['delivery', 6, 0.6, True], ['quality', 3, 0.9, True], ['billing', 1, 1.0, False]]
    """
    df = _frame(complaints, "complaints")
    _need_columns(df, [by], "complaints")
    if not _is_number(vital) or not 0 < vital <= 1:
        raise ScenarioError.at("vital", "customers_range", low=0, high=1, input=vital)
    causes = df[by].astype(object).where(df[by].notna(), "unknown").map(lambda v: str(v).strip() or "unknown")
    counts = causes.value_counts(sort=False)
    table = pd.DataFrame({by: counts.index, "count": counts.to_numpy()})
    table["_first"] = [int(np.flatnonzero(causes.to_numpy() == c)[0]) for c in table[by]]
    table = table.sort_values(["count", "_first"], ascending=[False, True], kind="stable").drop(columns="_first")
    table = table.reset_index(drop=True)
    n = int(table["count"].sum())
    table["share"] = table["count"] / n
    table["cum_share"] = table["count"].cumsum() / n
    before = table["cum_share"] - table["share"]
    table["vital_few"] = before < vital - 1e-12
    return table


# ---------------------------------------------------------------------------------------------
# Lifecycle (S0)
# ---------------------------------------------------------------------------------------------
class Lifecycle(StrEnum):
    """S0's customer lifecycle (COURSE.md §6), in order: attract (吸引), convert (轉化), maintain
    (維護), deepen (深度經營: cross-/up-sell), win back (激活與挽留).

        >>> [s.label("zh-Hant") for s in Lifecycle]
        ['吸引', '轉化', '維護', '深度經營', '激活與挽留']
        >>> Lifecycle("deepen").label("en"), Lifecycle.WIN_BACK.label("zh-Hans")
        ('Deepen', '激活与挽留')
    """
    ATTRACT = "attract"
    CONVERT = "convert"
    MAINTAIN = "maintain"
    DEEPEN = "deepen"
    WIN_BACK = "win_back"

    def label(self, lang: str | None = None) -> str:
        return t(f"customers.lifecycle.{self.value}", lang)

    def strategy(self, lang: str | None = None) -> str:
        """S0's strategy for the stage (e.g. deepen: cross-selling and up-selling)."""
        return t(f"customers.lifecycle_strategy.{self.value}", lang)


# ---------------------------------------------------------------------------------------------
# Trainee-facing tables
# ---------------------------------------------------------------------------------------------
_VALUE_COLUMNS = {"severity": "customers.severity", "status": "customers.status", "lifecycle": "customers.lifecycle"}


def localise(df: pd.DataFrame, lang: str | None = None, *, value: str | None = None) -> pd.DataFrame:
    """A copy of one of this module's tables for a trainee: known column names (``customers.col.*``)
    and known values (severity, status, lifecycle stage) in ``lang``; ``value`` names the column
    whose totals a tier summary reports (``profit`` -> 利潤).

        >>> localise(root_causes(pd.DataFrame({"cause": ["x", "y", "x"]})), "zh-Hant").columns.tolist()
        ['原因', '件數', '佔比', '累計佔比', '關鍵少數']
    """
    out = df.copy()
    for col, prefix in _VALUE_COLUMNS.items():
        if col in out.columns:
            out[col] = [label_or_key(f"{prefix}.{v}", lang) if isinstance(v, str) else v for v in out[col]]
    names = {}
    what = label_or_key(f"customers.value.{value}", lang) if value else ""
    for c in out.columns:
        key = f"customers.col.{c}"
        text = t(key, lang, value=what)
        if text != key:
            names[c] = text
    return out.rename(columns=names)

