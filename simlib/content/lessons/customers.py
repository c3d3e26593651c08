"""The lesson on customers (COURSE.md §6): A/B/C tiering on the Pareto curve, each tier's lifetime value,
NPS and CSAT surveys, and complaints checked against their response times.

The accounts are 200 synthetic ones (:func:`simlib.formulas.customers.synthetic_accounts`, seed 1); the
survey and the complaint log are small made-up examples in the decks' terms (S0, S2).
"""
from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.content.lessons.registry import BlockList, Param, lesson_table, localised_table
from simlib.formulas.customers import (
    abc_tiers,
    check_complaints,
    clv,
    csat,
    expected_lifetime,
    localise,
    nps,
    synthetic_accounts,
)
from simlib.viz.customers import pareto_figure

__all__ = ["BLOCKS", "CHECKED_AT", "COMPLAINTS", "DISCOUNT_RATE", "RETENTION", "SURVEY", "survey"]

BLOCKS = BlockList("customers")
RETENTION = {"B": 0.70, "C": 0.50}
DISCOUNT_RATE = 0.10
SURVEY = 20
COMPLAINTS = (  # received, severity, responded (None = open), cause key
    ("2025-05-06 09:00", "general", None, "delivery"),
    ("2025-05-06 10:00", "urgent", "2025-05-06 13:00", "quality"),
    ("2025-05-06 11:00", "urgent", "2025-05-06 17:30", "quality"),
    ("2025-05-06 14:00", "major", "2025-05-06 14:40", "billing"),
    ("2025-05-06 15:00", "general", None, "service"),
)
CHECKED_AT = "2025-05-07 18:00"


@cache
def _accounts() -> pd.DataFrame:
    return synthetic_accounts(200, seed=1)


def survey(promoters: int) -> list[int]:
    """Twenty answers to "how likely are you to recommend us?" (0–10): ``promoters`` 9–10s, up to five 7–8s,
    the rest 0–6."""
    passives = min(5, SURVEY - promoters)
    rest = SURVEY - promoters - passives
    return [(10, 9)[i % 2] for i in range(promoters)] + [(8, 7)[i % 2] for i in range(passives)] + \
        [(6, 5, 3)[i % 3] for i in range(rest)]


@BLOCKS.block("tiers", "figure", Param("a_share", "lessons.param.a_share", 20, 5, 60, 5))
def _customers_tiers(lang: str, a_share: int) -> Any:
    """COURSE.md §6 A/B/C tiering (S0: A ≈ 20 % of customers and 80 % of profit, B ≈ 30 %, C ≈ 50 %): 200
    synthetic accounts (:func:`simlib.formulas.customers.synthetic_accounts`) on the Pareto curve with tier A's
    share of accounts at ``a_share`` %, :func:`simlib.viz.customers.pareto_figure` (its cuts by
    :func:`abc_tiers`)."""
    a = a_share / 100
    shares = (a, 0.3, round(1 - a - 0.3, 10))
    return pareto_figure(_accounts()["profit"].tolist(), {"yours": shares}, lang,
                         names={"yours": t("lessons.customers.tiers.cuts", lang)})


@BLOCKS.block("clv", "table", Param("renewal", "lessons.param.a_renewal", 75, 40, 98))
def _customers_clv(lang: str, renewal: int) -> pd.DataFrame:
    """COURSE.md §6 customer success (S0: A customers' renewal 75 % → 93 %): each tier's mean account
    (:func:`simlib.formulas.customers.abc_tiers` of the synthetic accounts) and its lifetime value,
    :func:`simlib.formulas.customers.clv` at a 10 % discount rate."""
    tiers = abc_tiers(_accounts())
    acc = tiers.accounts
    rows = []
    for k in ("A", "B", "C"):
        g = acc[acc.tier == k]
        rev, margin = float(g.revenue.mean()), float(g.margin.mean())
        r = renewal / 100 if k == "A" else RETENTION[k]
        rows.append({"tier": k, "accounts": len(g), "revenue": rev, "margin": margin, "renewal": r,
                     "lifetime": float(expected_lifetime(r)),
                     "clv": float(clv(rev, margin, r, discount_rate=DISCOUNT_RATE))})
    return lesson_table(rows, lang, {"tier": "customers.col.tier", "accounts": "customers.col.accounts",
                                     "revenue": "lessons.col.mean_revenue", "margin": "lessons.col.margin",
                                     "renewal": "lessons.col.renewal", "lifetime": "lessons.col.lifetime",
                                     "clv": "lessons.col.clv"},
                        {"revenue": ",.0f", "margin": ".0%", "renewal": ".0%", "lifetime": ".1f", "clv": ",.0f"},
                        note=t("lessons.customers.clv.note", lang, rate=percent(DISCOUNT_RATE, lang, digits=0)))


@BLOCKS.block("nps", "table", Param("promoters", "lessons.param.promoters", 9, 0, 20))
def _customers_nps(lang: str, promoters: int) -> pd.DataFrame:
    """COURSE.md §6 NPS and CSAT surveys (S2): twenty customers answer both;
    :func:`simlib.formulas.customers.nps` and :func:`simlib.formulas.customers.csat` (a 9–10 answers 5 of 5,
    a 7–8 answers 4, the rest 2)."""
    answers = survey(promoters)
    r = nps(answers)
    sat = csat([5 if a >= 9 else 4 if a >= 7 else 2 for a in answers])
    rows = [{"metric": t("lessons.customers.nps.row.nps", lang), "value": f"{r.nps:+.0f}"},
            {"metric": t("lessons.customers.nps.row.promoters", lang), "value": percent(r.promoters, lang, digits=0)},
            {"metric": t("lessons.customers.nps.row.passives", lang), "value": percent(r.passives, lang, digits=0)},
            {"metric": t("lessons.customers.nps.row.detractors", lang),
             "value": percent(r.detractors, lang, digits=0)},
            {"metric": t("lessons.customers.nps.row.csat", lang), "value": percent(sat, lang, digits=0)}]
    return lesson_table(rows, lang, {"metric": "lessons.col.metric", "value": "lessons.col.value"}, note=r.text(lang))


@BLOCKS.block("complaints", "table", Param("hours", "lessons.param.answer_hours", 20, 1, 48))
def _customers_complaints(lang: str, hours: int) -> pd.DataFrame:
    """COURSE.md §6 complaints (S2: general answered within 24 h; urgent, major; major ones escalated): a
    day's log checked at the next evening, the first complaint answered after ``hours`` hours,
    :func:`simlib.formulas.customers.check_complaints` and :func:`simlib.formulas.customers.localise`."""
    first = pd.Timestamp(COMPLAINTS[0][0]) + pd.Timedelta(hours=hours)
    log = pd.DataFrame([{"received": rec, "severity": sev, "responded": (str(first) if i == 0 else resp),
                         "cause": t(f"lessons.customers.cause.{cause}", lang)}
                        for i, (rec, sev, resp, cause) in enumerate(COMPLAINTS)])
    out = check_complaints(log, now=CHECKED_AT)
    shown = out[["received", "severity", "cause", "sla_hours", "response_hours", "status", "escalate"]].copy()
    shown["received"] = shown["received"].dt.strftime("%m-%d %H:%M")
    df = localise(shown, lang)
    df = df.rename(columns={df.columns[2]: t("customers.col.cause", lang)})
    note = t("lessons.customers.complaints.note", lang, breached=int(out.breached.sum()), total=len(out),
             now=CHECKED_AT[5:])
    return localised_table(df, {df.columns[3]: "g", df.columns[4]: ".1f"}, note)
