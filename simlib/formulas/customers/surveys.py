"""Customer surveys (S2, COURSE.md §6, §8): the Net Promoter Score of 0–10 "would you recommend us?"
answers, and CSAT, the share of satisfied answers on a 1–5 (or other) scale.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from simlib.base.fmt import percent
from simlib.base.i18n import t
from simlib.base.records import is_number
from simlib.base.schema import Issue, ScenarioError
from simlib.formulas.customers.input_tables import MAX_ISSUES, shown

__all__ = ["NpsResult", "csat", "nps"]


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
        return t("customers.nps.text", lang, nps=f"{self.nps:+.0f}", n=self.n,   # an NPS is signed, "+0" too
                 promoters=percent(self.promoters, lang), passives=percent(self.passives, lang),
                 detractors=percent(self.detractors, lang))


def _scores(scores: Any, name: str, low: int, high: int, code: str) -> np.ndarray:
    if isinstance(scores, (str, bytes, Mapping)) or not hasattr(scores, "__len__"):
        raise ScenarioError.at(name, "type_list", input=type(scores).__name__)
    items = list(scores.tolist() if hasattr(scores, "tolist") else scores)
    if not items:
        raise ScenarioError.at(name, "too_short", min=1, max=None, actual=0)
    bad = [i for i, v in enumerate(items)
           if not is_number(v) or float(v) != round(float(v)) or not low <= float(v) <= high]
    if bad:
        raise ScenarioError([Issue(f"{name}[{i}]", code, {"input": shown(items[i]), "low": low, "high": high})
                             for i in bad[:MAX_ISSUES]])
    return np.asarray(items, dtype=float)


def nps(scores: Any) -> NpsResult:
    """NPS of "how likely are you to recommend us?" answers 0–10 (S2, COURSE.md §6, §8).

        >>> r = nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5])
        >>> r.nps, r.promoters, r.detractors
        (20.0, 0.5, 0.3)
        >>> print(r.text("zh-Hant"))
        NPS +20（10 份回覆）：推薦者 50%、中立者 20%、貶損者 30%。
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
