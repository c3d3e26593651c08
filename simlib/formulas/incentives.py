"""Incentive plans and their payouts, exact to the fen (CONTRACT §3, COURSE.md §3).

A plan is data (YAML under ``incentives:`` in a scenario, or alone), validated like a scenario;
``payout`` turns one rep's period into pay with a breakdown a trainee can read::

    >>> plan = CompPlan.from_dict({"period": "quarter", "base_pay": 18000,
    ...     "commission": {"mode": "marginal", "tiers": [{"from": 0.0, "rate": 0.02},
    ...                    {"from": 1.0, "rate": 0.03}, {"from": 1.2, "rate": 0.04}]}})
    >>> p = plan.payout(sales=1_150_000, quota=1_000_000)
    >>> p.commission, p.total     # 2 % on the first 1,000,000, 3 % on the next 150,000
    (24500.0, 42500.0)
    >>> [line.kind for line in p.lines]
    ['base', 'commission_band', 'commission_band']

Modes (S1's "達標前2%,達標後3%,超額4%" does not say which; trainees compare both):
*marginal* pays each band's rate on the sales inside that band; *retroactive* pays the rate of
the band reached on all sales. S1's attainment-coefficient table is retroactive tiers plus bonus
bands. Rates may fall in higher bands (a decelerator); ``cap`` stops pay above an attainment or an
amount; ``gates`` withhold commission below a minimum attainment or when quality slips (margin,
discount, collection — S1's quality constraints); ``basis: collected`` pays on cash collected
(回款) and claws back bad debt; a ``draw`` tops low periods up; SPIFFs pay per unit; rank prizes
and team awards pay for standing (S0's quarterly champion, S3's contests).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.base.schema import Issue, ScenarioError, StrictModel, parse_yaml, validate_model

__all__ = ["CompPlan", "PayLine", "Payout", "pay_table", "rank_prizes", "team_award"]

FEN = Decimal("0.01")


def _d(x: float | Decimal) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(repr(float(x))) if isinstance(x, float) else Decimal(x)


def _fen(x: Decimal) -> Decimal:
    return x.quantize(FEN, rounding=ROUND_HALF_UP)


class Tier(StrictModel):
    from_: float = Field(alias="from", ge=0, le=100)
    rate: float = Field(ge=0, le=1)


class Band(StrictModel):
    from_: float = Field(alias="from", ge=0, le=100)
    x: float = Field(ge=0, le=100)


def _ordered(v: list, what: str) -> list:
    froms = [b.from_ for b in v]
    if froms[0] != 0:
        raise PydanticCustomError("bands_start", "bands must start at 0", {"first": froms[0]})
    for a, b in pairwise(froms):
        if b <= a:
            raise PydanticCustomError("bands_order", "bands must increase", {"a": a, "b": b})
    return v


class Commission(StrictModel):
    mode: Literal["marginal", "retroactive"] = "marginal"
    basis: Literal["sales", "collected"] = "sales"
    tiers: list[Tier] = Field(min_length=1, max_length=20)

    _order = field_validator("tiers")(lambda v: _ordered(v, "tiers"))


class Bonus(StrictModel):
    target: float = Field(ge=0, le=1e9)
    bands: list[Band] = Field(min_length=1, max_length=20)

    _order = field_validator("bands")(lambda v: _ordered(v, "bands"))


class Cap(StrictModel):
    attainment: float | None = Field(None, gt=0, le=100)
    amount: float | None = Field(None, ge=0, le=1e10)

    @model_validator(mode="after")
    def _one(self) -> Cap:
        if self.attainment is None and self.amount is None:
            raise PydanticCustomError("cap_empty", "cap needs attainment or amount", {})
        return self


class Gates(StrictModel):
    min_attainment: float | None = Field(None, ge=0, le=10)
    min_margin: float | None = Field(None, ge=-1, le=1)
    max_discount: float | None = Field(None, ge=0, le=1)
    min_collection: float | None = Field(None, ge=0, le=1)
    quality_factor: float = Field(0.0, ge=0, le=1, description="variable pay kept when a quality gate fails")


class Draw(StrictModel):
    amount: float = Field(ge=0, le=1e9)
    recoverable: bool = True


class Spiff(StrictModel):
    name: str = Field(min_length=1, max_length=40)
    per_unit: float = Field(ge=0, le=1e9)
    max_units: int | None = Field(None, ge=0)


class Prize(StrictModel):
    rank: int = Field(ge=1, le=1000)
    amount: float = Field(ge=0, le=1e9)
    label: str | None = None


class TeamAward(StrictModel):
    attainment: float = Field(1.0, ge=0, le=10)
    amount: float = Field(ge=0, le=1e9)


class Measure(StrictModel):
    name: str = Field(min_length=1, max_length=40)
    weight: float = Field(gt=0, le=1)
    cap: float = Field(2.0, gt=0, le=10)


class CompPlan(StrictModel):
    """A pay plan (CONTRACT §3). Build with :meth:`from_dict` or :meth:`from_yaml`."""
    name: str = ""
    period: Literal["month", "quarter", "year"] = "quarter"
    base_pay: float = Field(0.0, ge=0, le=1e9)
    commission: Commission | None = None
    bonus: Bonus | None = None
    cap: Cap | None = None
    gates: Gates | None = None
    draw: Draw | None = None
    spiffs: list[Spiff] = Field(default_factory=list, max_length=20)
    prizes: list[Prize] = Field(default_factory=list, max_length=50)
    team_award: TeamAward | None = None
    measures: list[Measure] = Field(default_factory=list, max_length=10)

    @field_validator("measures")
    @classmethod
    def _weights_sum(cls, v: list[Measure]) -> list[Measure]:
        if v and abs(sum(m.weight for m in v) - 1) > 1e-9:
            raise PydanticCustomError("shares_sum", "weights must sum to 1",
                                      {"dim": "measures", "total": f"{sum(m.weight for m in v):.4g}"})
        return v

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, mapping: dict) -> CompPlan:
        """A validated plan; problems raise :class:`simlib.ScenarioError` naming the field."""
        return validate_model(cls, mapping)

    @classmethod
    def from_yaml(cls, path: str | Path) -> CompPlan:
        p = Path(path)
        if not p.is_file():
            raise ScenarioError([Issue("", "file_not_found", {"file": str(p)})])
        data = parse_yaml(p.read_text(encoding="utf-8"), str(p))
        if isinstance(data, dict) and "incentives" in data and "commission" not in data:
            data = data["incentives"]
        return validate_model(cls, data, str(p))

    def to_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)

    # -- pay ------------------------------------------------------------------------------------
    def commission_rate(self, attainment: float) -> float:
        """The rate of the band ``attainment`` falls in (what a retroactive plan pays on all sales)."""
        if not self.commission:
            return 0.0
        rate = self.commission.tiers[0].rate
        for tier in self.commission.tiers:
            if attainment + 1e-12 >= tier.from_:
                rate = tier.rate
        return rate

    def payout(self, sales: float, quota: float, *, collected: float | None = None, bad_debt: float = 0.0,
               margin: float | None = None, discount: float | None = None, units: dict | None = None,
               rank: int | None = None, team_attainment: float | None = None,
               measures: dict[str, tuple[float, float]] | None = None, draw_balance: float = 0.0) -> Payout:
        """Pay for one rep and one period.

        Args:
            sales, quota: the period's sales and quota (yuan); attainment = sales ÷ quota.
            collected, bad_debt: cash collected (default = sales) and debt written off, for
                ``basis: collected`` and its clawback.
            margin, discount: the period's gross margin and average discount, for quality gates.
            units: SPIFF units sold, ``{spiff name: units}``.
            rank, team_attainment: the rep's rank in a contest and the team's attainment.
            measures: for a multi-measure plan, ``{measure name: (actual, target)}``; the weighted
                attainment then sets the bonus band.
            draw_balance: draw advanced earlier and still to recover (recoverable draws).
        """
        for name, v in (("sales", sales), ("quota", quota), ("bad_debt", bad_debt), ("draw_balance", draw_balance)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise ScenarioError([Issue(name, "greater_than_equal", {"limit": 0, "input": v})])
        if quota <= 0:
            raise ScenarioError([Issue("quota", "greater_than", {"limit": 0, "input": quota})])
        S, Q = _d(sales), _d(quota)
        att = S / Q
        lines: list[PayLine] = [PayLine("base", _fen(_d(self.base_pay)), {})]
        cap_att = _d(self.cap.attainment) if self.cap and self.cap.attainment is not None else None
        # commission
        comm = Decimal(0)
        if self.commission:
            paid_sales = min(S, cap_att * Q) if cap_att is not None else S
            if cap_att is not None and S > paid_sales:
                lines.append(PayLine("cap_attainment", Decimal(0), {"cap": f"{float(cap_att):.0%}",
                                                                    "excess": f"{float(S - paid_sales):,.2f}"}))
            tiers = self.commission.tiers
            if self.commission.mode == "marginal":
                for i, tier in enumerate(tiers):
                    lo = _d(tier.from_) * Q
                    hi = _d(tiers[i + 1].from_) * Q if i + 1 < len(tiers) else None
                    inside = (min(paid_sales, hi) if hi is not None else paid_sales) - lo
                    if inside <= 0:
                        continue
                    amount = _fen(inside * _d(tier.rate))
                    comm += amount
                    lines.append(PayLine("commission_band", amount, {
                        "rate": percent(tier.rate), "sales": f"{float(inside):,.2f}",
                        "band": _band(tier.from_, tiers[i + 1].from_ if i + 1 < len(tiers) else None)}))
            else:
                rate = _d(self.commission_rate(float(min(att, cap_att) if cap_att is not None else att)))
                amount = _fen(paid_sales * rate)
                comm += amount
                lines.append(PayLine("commission_all", amount, {"rate": percent(float(rate)),
                                                                "sales": f"{float(paid_sales):,.2f}",
                                                                "attainment": percent(float(att))}))
            if self.commission.basis == "collected":
                cash = _d(collected) if collected is not None else S
                if cash < 0 or cash > S + FEN:
                    raise ScenarioError([Issue("collected", "collected_range", {"input": float(cash),
                                                                                 "sales": float(S)})])
                if S > 0 and cash < S:
                    held = _fen(comm * (S - cash) / S)
                    comm -= held
                    lines.append(PayLine("uncollected", -held, {"share": percent(float((S - cash) / S))}))
                if bad_debt > 0 and S > 0:
                    back = _fen(comm / S * _d(bad_debt)) if cash > 0 else Decimal(0)
                    comm -= back
                    lines.append(PayLine("clawback", -back, {"bad_debt": f"{bad_debt:,.2f}"}))
        # bonus
        bonus = Decimal(0)
        bonus_att = att
        if self.measures:
            bonus_att = self._weighted_attainment(measures)
            lines.append(PayLine("measures", Decimal(0), {"attainment": percent(float(bonus_att))}))
        if self.bonus:
            b_att = min(bonus_att, cap_att) if cap_att is not None else bonus_att
            x = self.bonus.bands[0].x
            for band in self.bonus.bands:
                if b_att + _d(1e-12) >= _d(band.from_):
                    x = band.x
            bonus = _fen(_d(self.bonus.target) * _d(x))
            lines.append(PayLine("bonus", bonus, {"x": f"{x:g}", "target": f"{self.bonus.target:,.2f}",
                                                  "attainment": percent(float(b_att))}))
        # gates
        g = self.gates
        if g and g.min_attainment is not None and att < _d(g.min_attainment) and (comm or bonus):
            lines.append(PayLine("gate_attainment", -(comm + bonus), {"min": percent(g.min_attainment)}))
            comm = bonus = Decimal(0)
        if g:
            failed = []
            if g.min_margin is not None and margin is not None and margin < g.min_margin:
                failed.append(("margin", percent(margin), percent(g.min_margin)))
            if g.max_discount is not None and discount is not None and discount > g.max_discount:
                failed.append(("discount", percent(discount), percent(g.max_discount)))
            if g.min_collection is not None and sales > 0:
                ratio = (collected if collected is not None else sales) / sales
                if ratio < g.min_collection:
                    failed.append(("collection", percent(ratio), percent(g.min_collection)))
            if failed and (comm or bonus):
                kept = _d(g.quality_factor)
                cut = _fen((comm + bonus) * (1 - kept))
                what = ", ".join(f"{k} {v} / {lim}" for k, v, lim in failed)
                lines.append(PayLine("gate_quality", -cut, {"failed": what, "kept": percent(g.quality_factor)}))
                kept_total = comm + bonus - cut
                comm = _fen(comm * kept)
                bonus = kept_total - comm            # the lines still add up to the fen
        # SPIFFs, prizes, team award
        extra = Decimal(0)
        for s in self.spiffs:
            n = int((units or {}).get(s.name, 0))
            if n <= 0:
                continue
            if s.max_units is not None:
                n = min(n, s.max_units)
            amount = _fen(_d(s.per_unit) * n)
            extra += amount
            lines.append(PayLine("spiff", amount, {"name": s.name, "units": n, "per_unit": f"{s.per_unit:,.2f}"}))
        if rank is not None:
            for prize in self.prizes:
                if prize.rank == rank:
                    amount = _fen(_d(prize.amount))
                    extra += amount
                    lines.append(PayLine("prize", amount, {"rank": rank, "label": prize.label or ""}))
        if self.team_award and team_attainment is not None and team_attainment + 1e-12 >= self.team_award.attainment:
            amount = _fen(_d(self.team_award.amount))
            extra += amount
            lines.append(PayLine("team_award", amount, {"attainment": percent(team_attainment)}))
        # amount cap on variable pay
        variable = comm + bonus
        if self.cap and self.cap.amount is not None and variable > _d(self.cap.amount):
            cut = variable - _fen(_d(self.cap.amount))
            lines.append(PayLine("cap_amount", -cut, {"cap": f"{self.cap.amount:,.2f}"}))
            scale = _d(self.cap.amount) / variable
            comm = _fen(comm * scale)
            bonus = _fen(_d(self.cap.amount)) - comm
        # draw
        earned = comm + bonus + extra
        balance = _d(draw_balance)
        draw_paid = Decimal(0)
        recovered = Decimal(0)
        if self.draw:
            guarantee = _fen(_d(self.draw.amount))
            if earned < guarantee:
                draw_paid = guarantee - earned
                lines.append(PayLine("draw", draw_paid, {"amount": f"{self.draw.amount:,.2f}"}))
                if self.draw.recoverable:
                    balance += draw_paid
            elif balance > 0 and self.draw.recoverable:
                recovered = min(balance, earned - guarantee)
                balance -= recovered
                lines.append(PayLine("draw_recovery", -recovered, {"left": f"{float(balance):,.2f}"}))
        total = sum((ln.amount for ln in lines), Decimal(0))
        return Payout(float(att), float(comm), float(bonus), float(extra), float(draw_paid - recovered),
                      float(_fen(total)), lines, float(balance), self.base_pay)

    def _weighted_attainment(self, measures: dict | None) -> Decimal:
        out = Decimal(0)
        for m in self.measures:
            if not measures or m.name not in measures:
                raise ScenarioError([Issue(f"measures.{m.name}", "missing")])
            actual, target = measures[m.name]
            if target <= 0:
                raise ScenarioError([Issue(f"measures.{m.name}", "greater_than", {"limit": 0, "input": target})])
            out += _d(m.weight) * min(_d(actual) / _d(target), _d(m.cap))
        return out

    def curve(self, quota: float = 1_000_000, up_to: float = 2.0, points: int = 201) -> pd.DataFrame:
        """Pay against attainment (0 … ``up_to``): one row per point with ``attainment, sales, commission,
        bonus, total, marginal_rate`` (the pay of one more yuan of sales) — the pay-curve chart."""
        rows = []
        for i in range(points):
            a = up_to * i / (points - 1)
            p = self.payout(sales=a * quota, quota=quota)
            rows.append({"attainment": a, "sales": a * quota, "commission": p.commission, "bonus": p.bonus,
                         "total": p.total})
        df = pd.DataFrame(rows)
        df["marginal_rate"] = df.commission.diff() / df.sales.diff()
        return df


def _band(lo: float, hi: float | None) -> str:
    return f"{percent(lo)}–{percent(hi)}" if hi is not None else f"≥ {percent(lo)}"


@dataclass(frozen=True)
class PayLine:
    """One line of a payout: its kind, amount (yuan, to the fen) and the numbers its text shows."""
    kind: str
    amount: Decimal
    params: dict

    def text(self, lang: str | None = None) -> str:
        return t(f"pay.line.{self.kind}", lang, **self.params)

    def __str__(self) -> str:
        return f"{self.text()}: {self.amount:,.2f}"


@dataclass
class Payout:
    """A period's pay. ``total`` = base pay + commission + bonus + extras (SPIFFs, prizes, awards)
    + draw top-up − draw recovered, each rounded to the fen; ``lines`` add up to ``total``."""
    attainment: float
    commission: float
    bonus: float
    extras: float
    draw: float
    total: float
    lines: list[PayLine] = field(default_factory=list)
    draw_balance: float = 0.0
    base_pay: float = 0.0

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The breakdown as a two-column table (item, amount) ending with the total."""
        rows = [{"item": ln.text(lang), "amount": float(ln.amount)} for ln in self.lines]
        rows.append({"item": t("pay.line.total", lang), "amount": self.total})
        return pd.DataFrame(rows)


def rank_prizes(results: pd.DataFrame, prizes: list[float], by: str = "sales", rep: str = "rep") -> dict[str, float]:
    """Rank-based prizes (S0: quarterly champion 5,000 yuan; S3 contests): ``{rep: prize}``.
    Ties share the prizes of the places they occupy.

        >>> df = pd.DataFrame({"rep": ["a", "b", "c"], "sales": [5, 9, 9]})
        >>> rank_prizes(df, [5000, 1000])
        {'b': 3000.0, 'c': 3000.0, 'a': 0.0}
    """
    ordered = results.sort_values(by, ascending=False, kind="stable")
    out: dict[str, float] = {}
    padded = list(prizes) + [0.0] * max(0, len(ordered) - len(prizes))
    pos = 0
    for _, grp in ordered.groupby(by, sort=False):
        k = len(grp)
        share = float(_fen(_d(sum(padded[pos:pos + k])) / k))
        for name in grp[rep]:
            out[str(name)] = share
        pos += k
    return out


def team_award(results: pd.DataFrame, group: str, target: dict[str, float], amount: float,
               by: str = "sales", rep: str = "rep") -> dict[str, float]:
    """S3's strike team (銷售突擊隊) / regional PK: every member of a group that reaches its target
    gets ``amount``. ``{rep: award}``.

        >>> df = pd.DataFrame({"rep": ["a", "b", "c"], "team": ["E", "E", "W"], "sales": [60, 50, 30]})
        >>> team_award(df, "team", {"E": 100, "W": 50}, 800)
        {'a': 800.0, 'b': 800.0, 'c': 0.0}
    """
    totals = results.groupby(group)[by].sum()
    return {str(r[rep]): float(amount) if totals[r[group]] >= target.get(r[group], math.inf) else 0.0
            for _, r in results.iterrows()}


def pay_table(plan: CompPlan, sales: pd.Series, quotas: pd.Series | float) -> pd.DataFrame:
    """Pay of many reps at once: one row per rep with ``sales, quota, attainment, commission, bonus,
    total`` and ``cost_ratio`` = variable pay ÷ sales."""
    q = quotas if isinstance(quotas, pd.Series) else pd.Series(float(quotas), index=sales.index)
    rows = []
    for name, s in sales.items():
        p = plan.payout(sales=float(s), quota=float(q[name]))
        rows.append({"rep": name, "sales": float(s), "quota": float(q[name]), "attainment": p.attainment,
                     "commission": p.commission, "bonus": p.bonus, "total": p.total})
    df = pd.DataFrame(rows)
    if not df.empty:
        df["cost_ratio"] = ((df.commission + df.bonus) / df.sales).where(df.sales > 0)
    return df
