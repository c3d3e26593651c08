"""One run of an account base as tables and numbers (COURSE.md §6): :class:`AccountsResult`.

The account-months, the book, the complaints (checked against their SLAs by
:func:`simlib.formulas.customers.check_complaints`; within their SLA per severity by
:func:`sla_by_severity`), the run's summary (:data:`~simlib.models.accounts.spec.SUMMARY_KEYS`) and the
same by tier, and :func:`localise`, which puts any of these tables in a trainee's language.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.base.records import label_or_key
from simlib.formulas.customers import COMPLAINT_SLA_HOURS, check_complaints, clv
from simlib.models.accounts.run import STATUSES, Status
from simlib.models.accounts.spec import (
    SEVERITIES,
    SOURCES,
    STAGES,
    SUMMARY_KEYS,
    TIERS,
    AccountPolicy,
    AccountsSpec,
)

__all__ = ["AccountsResult", "localise", "sla_by_severity"]


@dataclass(frozen=True, eq=False)
class AccountsResult:
    """One seeded run of an account base.

    Attributes:
        spec, policy, policy_name, seed, months: what ran (``simulate_accounts(spec, seed, months,
            policy)`` reproduces it).
        draws: every account's random draws by name (rows in the order of :attr:`book`), drawn
            before the run: the same for every policy (common random numbers).
    """
    spec: AccountsSpec
    policy: AccountPolicy
    policy_name: str
    seed: int
    months: int
    _raw: dict
    _slots: dict
    _names: tuple
    draws: dict

    def __repr__(self) -> str:
        s = self.summary()
        return (f"<AccountsResult seed={self.seed} policy={self.policy_name} accounts={s['accounts_start']}→"
                f"{s['accounts_end']} renewal={s['renewal_rate']:.1%} revenue={s['revenue']:,.0f}>")

    # -- tables -----------------------------------------------------------------------------------
    @cached_property
    def accounts(self) -> pd.DataFrame:
        """One row per account-month (months from 1) while the account is a prospect, active or being
        won back: ``account, month, source, referred_by, tier, lifecycle, status, managed, visits,
        orders, revenue, profit, satisfaction`` (the 0–10 state), ``nps_score`` (0–10), ``csat_score``
        (1–5), ``promoter, complaints, complaints_general, complaints_urgent, complaints_major,
        sla_breaches, unresolved`` (complaints of the month left unresolved), ``renewal_due, renewed,
        churned, won_back, referrals`` (prospects referred this month)."""
        r, sl = self._raw["rows"], self._slots
        slot = r["slot"]
        names = np.asarray(self._names, dtype=object)
        ref = sl["referred_by"][slot]
        df = pd.DataFrame({
            "account": names[slot],
            "month": r["month"] + 1,
            "source": np.asarray(SOURCES, dtype=object)[sl["source"][slot]],
            "referred_by": np.where(ref >= 0, names[np.maximum(ref, 0)], None),
            "tier": np.asarray(TIERS, dtype=object)[sl["tier"][slot]],
            "lifecycle": np.asarray(STAGES, dtype=object)[r["stage"]],
            "status": np.asarray(STATUSES, dtype=object)[r["status"]],
            "managed": r["managed"],
            "visits": r["visits"].astype(np.int64),
            "orders": r["orders"],
            "revenue": np.round(r["revenue"], 2),
            "profit": np.round(r["revenue"] * sl["margin"][slot], 2),
            "satisfaction": np.round(r["satisfaction"], 2),
            "nps_score": pd.array(np.where(r["nps_score"] >= 0, r["nps_score"], 0), dtype="Int64"),
            "csat_score": pd.array(np.where(r["csat_score"] >= 0, r["csat_score"], 0), dtype="Int64"),
        })
        df.loc[r["nps_score"] < 0, "nps_score"] = pd.NA
        df.loc[r["csat_score"] < 0, "csat_score"] = pd.NA
        for c in ("promoter", "complaints", "complaints_general", "complaints_urgent", "complaints_major",
                  "sla_breaches", "unresolved", "renewal_due", "renewed", "churned", "won_back", "referrals"):
            df[c] = r[c]
        return df

    @cached_property
    def book(self) -> pd.DataFrame:
        """One row per account or prospect ever in the run (the starting book first): ``account, source,
        referred_by, tier, profit`` (a year), ``margin, revenue`` (a year), ``order_value`` (mean),
        ``industry, region, created`` (month; 0 for the starting book), ``joined`` (month it became an
        account; 0 for the starting book, <NA> for a prospect), ``status`` at the end, ``won_back`` and
        ``referrals`` (prospects it referred)."""
        sl = self._slots
        names = np.asarray(self._names, dtype=object)
        ref = sl["referred_by"]
        joined = pd.array(np.where(sl["joined"] >= 0, sl["joined"] + 1, 0), dtype="Int64")
        joined[(sl["joined"] < 0) & (sl["source"] > 0)] = pd.NA
        return pd.DataFrame({
            "account": names,
            "source": np.asarray(SOURCES, dtype=object)[sl["source"]],
            "referred_by": np.where(ref >= 0, names[np.maximum(ref, 0)], None),
            "tier": np.asarray(TIERS, dtype=object)[sl["tier"]],
            "profit": sl["profit"], "margin": sl["margin"], "revenue": sl["revenue"],
            "order_value": np.round(sl["order_mean"], 2),
            "industry": sl["industry"], "region": sl["region"],
            "created": np.where(sl["source"] > 0, sl["created"] + 1, 0),
            "joined": joined,
            "status": np.asarray(STATUSES, dtype=object)[sl["status"]],
            "won_back": sl["won_back"], "referrals": sl["referrals_made"],
        })

    @cached_property
    def complaints(self) -> pd.DataFrame:
        """One row per complaint: ``account, month, tier, managed, severity, received, responded``
        (timestamps to the minute), ``sla_hours, response_hours, breached, resolved``. Check it with
        :meth:`complaint_check` (:func:`simlib.formulas.customers.check_complaints`)."""
        c, sl = self._raw["complaints"], self._slots
        starts = np.array([np.datetime64(pd.Timestamp(self.spec.start) + pd.DateOffset(months=m), "m")
                           for m in range(self.months + 1)])
        length = (starts[1:] - starts[:-1]).astype(np.int64)
        month = c["month"].astype(np.int64)
        received = starts[month] + np.floor(c["when"] * length[month]).astype(np.int64).astype("timedelta64[m]")
        responded = received + c["minutes"].astype(np.int64).astype("timedelta64[m]")
        sla = np.array([getattr(self.spec.complaints.sla_hours, v) for v in SEVERITIES])
        names = np.asarray(self._names, dtype=object)
        return pd.DataFrame({
            "account": names[c["slot"]],
            "month": month + 1,
            "tier": np.asarray(TIERS, dtype=object)[sl["tier"][c["slot"]]],
            "managed": c["managed"],
            "severity": np.asarray(SEVERITIES, dtype=object)[c["severity"]],
            "received": received.astype("datetime64[ns]"),
            "responded": responded.astype("datetime64[ns]"),
            "sla_hours": sla[c["severity"]].astype(float),
            "response_hours": c["minutes"] / 60,
            "breached": c["breached"],
            "resolved": c["resolved"],
        })

    def complaint_check(self) -> pd.DataFrame:
        """:attr:`complaints` checked by :func:`simlib.formulas.customers.check_complaints` against the spec's SLAs."""
        sla = self.spec.complaints.sla_hours
        return check_complaints(self.complaints, sla={v: getattr(sla, v) for v in SEVERITIES})

    # -- summaries --------------------------------------------------------------------------------
    def summary(self) -> dict[str, float | int]:
        """The run in numbers (keys: :data:`SUMMARY_KEYS`); shares are 0–1 (NaN when undefined).

        * ``renewal_rate`` (and ``_A/_B/_C``): renewed ÷ renewals due; ``churned``: accounts that did
          not renew; ``churn_rate``: churned ÷ accounts served (the starting book and new accounts);
          ``won_back``, ``win_back_rate`` (÷ churned).
        * ``revenue``, ``profit`` (orders × margin), ``revenue_X`` and ``revenue_share_X`` per tier;
          ``account_share_X`` and ``profit_share_X``: the starting book's shares (S0's 20 % / 80 %);
          ``profit_kept``: the share of the starting book's annual profit in accounts still active
          at the end.
        * ``new_sales``: revenue from accounts won in the run; ``new_sales_referral_share``: the part
          from referred accounts (S0: 35 %); ``new_accounts_referral_share`` the same by count;
          ``referrals``: prospects referred; ``new_from_referrals``: those that converted.
        * ``nps``, ``nps_X`` (−100…100), ``csat`` (share of answers ≥ 4 of 5), ``promoters``: over
          every monthly survey answer of active accounts (the definitions of
          :func:`simlib.formulas.customers.nps` and :func:`simlib.formulas.customers.csat`).
        * ``complaints``, ``sla_breaches``, ``sla_breach_rate``, ``unresolved``.
        * ``visits`` (all), ``team_visit_hours``, ``capacity_use`` (÷ the team's hours),
          ``manager_visits``.
        * ``clv`` and ``clv_X``: mean customer lifetime value (:func:`simlib.formulas.customers.clv`) of the
          accounts active at the end: expected annual revenue × margin with the tier's simulated
          renewal rate (a year) as retention and ``clv.discount_rate``.
        """
        return dict(self._summary)

    @cached_property
    def _summary(self) -> dict[str, float | int]:
        r, sl, sp = self._raw["rows"], self._slots, self.spec
        nan = float("nan")

        def ratio(a: float, b: float) -> float:
            return float(a) / float(b) if b else nan

        slot = r["slot"]
        tier_r = sl["tier"][slot]
        src = sl["source"]
        n = sp.accounts.n
        out: dict[str, float | int] = {}
        out["accounts_start"] = n
        out["accounts_end"] = int((sl["status"] == Status.ACTIVE).sum())
        out["prospects"] = int((src > 0).sum())
        out["referrals"] = int((src == 2).sum())
        new = (src > 0) & (sl["joined"] >= 0)
        out["new_accounts"] = int(new.sum())
        out["new_from_referrals"] = int((new & (src == 2)).sum())
        due, renewed = r["renewal_due"], r["renewed"]
        out["renewals_due"] = int(due.sum())
        out["renewed"] = int(renewed.sum())
        out["renewal_rate"] = ratio(renewed.sum(), due.sum())
        out["churned"] = int(r["churned"].sum())
        out["churn_rate"] = ratio(r["churned"].sum(), n + out["new_accounts"])
        out["won_back"] = int(r["won_back"].sum())
        out["win_back_rate"] = ratio(r["won_back"].sum(), r["churned"].sum())
        revenue = r["revenue"]
        profit = revenue * sl["margin"][slot]
        out["revenue"] = float(revenue.sum())
        out["profit"] = float(profit.sum())
        base_profit = sl["profit"][:n]
        active_end = sl["status"][:n] == Status.ACTIVE
        out["profit_kept"] = ratio(base_profit[active_end].sum(), base_profit.sum())
        is_new = src[slot] > 0
        out["new_sales"] = float(revenue[is_new].sum())
        out["new_sales_referral_share"] = ratio(revenue[src[slot] == 2].sum(), revenue[is_new].sum())
        out["new_accounts_referral_share"] = ratio(out["new_from_referrals"], out["new_accounts"])
        surveyed = r["nps_score"] >= 0
        ans = r["nps_score"][surveyed]
        out["nps"] = _nps(ans)
        out["csat"] = ratio((r["csat_score"][surveyed] >= 4).sum(), surveyed.sum())
        out["promoters"] = ratio((ans >= 9).sum(), ans.size)
        out["complaints"] = int(r["complaints"].sum())
        out["sla_breaches"] = int(r["sla_breaches"].sum())
        out["sla_breach_rate"] = ratio(r["sla_breaches"].sum(), r["complaints"].sum())
        out["unresolved"] = int(r["unresolved"].sum())
        out["visits"] = int(r["visits"].sum())
        hours = self._raw["team_visits"] * sp.team.hours_per_visit
        out["team_visit_hours"] = float(hours)
        out["capacity_use"] = ratio(hours, sp.team.hours_per_month * self.months)
        out["manager_visits"] = int(self._raw["manager_visits"])
        # CLV of the accounts active at the end, with each tier's simulated yearly retention
        retention = self._retention()
        act = np.flatnonzero(sl["status"] == Status.ACTIVE)
        values = np.zeros(0)
        if act.size:
            tr = sl["tier"][act]
            q = np.array([sp.tiers.of(k).order_probability for k in TIERS])[tr]
            annual = sl["order_mean"][act] * q * 12
            ret = retention[tr] if sp.clv.years is not None else np.minimum(retention[tr], 0.99)
            values = np.asarray(clv(annual, sl["margin"][act], ret, discount_rate=sp.clv.discount_rate,
                                    years=sp.clv.years), dtype=float).reshape(-1)
        out["clv"] = float(values.mean()) if values.size else nan
        base_tier = sl["tier"][:n]
        for i, k in enumerate(TIERS):
            in_tier = tier_r == i
            out[f"account_share_{k}"] = float((base_tier == i).sum() / n)
            out[f"profit_share_{k}"] = ratio(base_profit[base_tier == i].sum(), base_profit.sum())
            out[f"revenue_{k}"] = float(revenue[in_tier].sum())
            out[f"revenue_share_{k}"] = ratio(revenue[in_tier].sum(), revenue.sum())
            out[f"renewal_rate_{k}"] = ratio(renewed[in_tier].sum(), due[in_tier].sum())
            out[f"nps_{k}"] = _nps(r["nps_score"][surveyed & in_tier])
            out[f"clv_{k}"] = float(values[sl["tier"][act] == i].mean()) if (sl["tier"][act] == i).any() else nan
        return {k: out[k] for k in SUMMARY_KEYS}

    def _retention(self) -> np.ndarray:
        """Each tier's simulated renewal rate, as a yearly retention (the base rate when none was due)."""
        r, sl = self._raw["rows"], self._slots
        tier_r = sl["tier"][r["slot"]]
        term = self.spec.renewal.term_months
        out = []
        for i, k in enumerate(TIERS):
            d = r["renewal_due"] & (tier_r == i)
            rate = r["renewed"][d].mean() if d.any() else self.spec.tiers.of(k).renewal ** (
                1 if self.spec.renewal.basis == "term" else term / 12)
            out.append(float(rate) ** (12 / term))
        return np.array(out)

    def by_tier(self) -> pd.DataFrame:
        """Per tier: the starting book (``accounts``, ``account_share``, ``profit``, ``profit_share``),
        the run's ``revenue``, ``revenue_share``, ``renewals_due``, ``renewed``, ``renewal_rate``,
        ``churned``, ``visits_per_month`` (per active account-month), ``nps``, ``csat``,
        ``complaints``, ``sla_breach_rate`` and ``clv``."""
        r, sl, n = self._raw["rows"], self._slots, self.spec.accounts.n
        s = self._summary
        tier_r = sl["tier"][r["slot"]]
        active = r["nps_score"] >= 0
        rows = []
        for i, k in enumerate(TIERS):
            m = tier_r == i
            a = m & active
            comp = r["complaints"][m].sum()
            rows.append({
                "tier": k, "accounts": int((sl["tier"][:n] == i).sum()), "account_share": s[f"account_share_{k}"],
                "profit": float(sl["profit"][:n][sl["tier"][:n] == i].sum()), "profit_share": s[f"profit_share_{k}"],
                "revenue": s[f"revenue_{k}"], "revenue_share": s[f"revenue_share_{k}"],
                "renewals_due": int(r["renewal_due"][m].sum()), "renewed": int(r["renewed"][m].sum()),
                "renewal_rate": s[f"renewal_rate_{k}"], "churned": int(r["churned"][m].sum()),
                "visits_per_month": float(r["visits"][a].mean()) if a.any() else float("nan"),
                "nps": s[f"nps_{k}"],
                "csat": float((r["csat_score"][a] >= 4).mean()) if a.any() else float("nan"),
                "complaints": int(comp),
                "sla_breach_rate": float(r["sla_breaches"][m].sum() / comp) if comp else float("nan"),
                "clv": s[f"clv_{k}"],
            })
        return pd.DataFrame(rows).set_index("tier")

    def text(self, lang: str | None = None) -> str:
        """One line about the run in ``lang``.

            >>> from simlib.models.accounts import simulate_accounts
            >>> print(simulate_accounts({"accounts": {"n": 200}}, seed=2).text("en"))  # doctest: +ELLIPSIS
            Renewal ...% (A ...%), NPS ..., CSAT ...%; ...% of new sales from referrals; ...% of complaints past their SLA.
        """
        s = self._summary

        def pct(x: float) -> str:
            return percent(round(x, 3))
        return t("accounts.summary.text", lang, renewal=pct(s["renewal_rate"]), renewal_a=pct(s["renewal_rate_A"]),
                 nps=number(s["nps"], digits=0, signed=True), csat=pct(s["csat"]),
                 referral_share=pct(s["new_sales_referral_share"]), breach=pct(s["sla_breach_rate"]))


def _nps(ans: np.ndarray) -> float:
    if ans.size == 0:
        return float("nan")
    return round(float(((ans >= 9).sum() - (ans <= 6).sum()) / ans.size * 100), 10)

def sla_by_severity(checked: pd.DataFrame, sla: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Complaints answered within their SLA, per severity, from a table
    :func:`simlib.formulas.customers.check_complaints` returned (e.g. :meth:`AccountsResult.complaint_check`):
    ``severity, sla_hours, complaints, within, within_share`` (NaN with no complaint), every severity of
    ``sla`` (default 24 h / 4 h / 1 h) in order.

        >>> df = pd.DataFrame({"severity": ["general", "general", "major"], "breached": [False, True, False]})
        >>> sla_by_severity(df).values.tolist()
        [['general', 24.0, 2, 1, 0.5], ['urgent', 4.0, 0, 0, nan], ['major', 1.0, 1, 1, 1.0]]
    """
    hours = dict(COMPLAINT_SLA_HOURS if sla is None else sla)
    rows = []
    for sev, h in hours.items():
        m = checked["severity"].to_numpy() == sev
        n = int(m.sum())
        within = int((~checked["breached"].to_numpy(dtype=bool)[m]).sum())
        rows.append({"severity": sev, "sla_hours": float(h), "complaints": n, "within": within,
                     "within_share": within / n if n else float("nan")})
    return pd.DataFrame(rows)


_VALUE_LABELS = {"lifecycle": "customers.lifecycle", "status": "accounts.status", "source": "accounts.source",
                 "severity": "customers.severity"}


def localise(df: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """A copy of one of this package's tables for a trainee: column names (``accounts.col.*``) and
    values (lifecycle stage, status, source, severity) in ``lang``.

        >>> df = pd.DataFrame({"tier": ["A"], "lifecycle": ["deepen"], "renewal_rate": [0.93]})
        >>> localise(df, "zh-Hant").columns.tolist(), localise(df, "zh-Hant").iloc[0, 1]
        (['等級', '生命周期階段', '續約率'], '深度經營')
    """
    out = df.copy()
    for col, prefix in _VALUE_LABELS.items():
        if col in out.columns:
            out[col] = [label_or_key(f"{prefix}.{v}", lang) if isinstance(v, str) else v for v in out[col]]
    names = {}
    for c in out.columns:
        key = f"accounts.col.{c}"
        text = t(key, lang)
        if text != key:
            names[c] = text
    return out.rename(columns=names)
