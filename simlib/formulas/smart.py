"""SMART check of a written target, with "Achievable" judged by simulation (COURSE.md §1).

A vague target lacks a number, a deadline, a scope or an owner; the checker says which, in the
language the target is written in (繁體 / 简体 / English), and how to fix it::

    >>> r = smart_check("提高客戶滿意度")
    >>> r.specific, r.measurable, r.time_bound, r.achievable
    (False, False, False, None)
    >>> r = smart_check("下季度通過優化產品線,實現銷售額增長10%")
    >>> r.specific, r.measurable, r.time_bound
    (True, True, True)
    >>> smart_check("Sign 5 new enterprise customers in the East region by June 30").passed
    True

Whether a target is *achievable* or *relevant* cannot be read from the text alone (``None``): given
the probability of hitting it — simulated by :func:`simlib.analysis.achievability.achievability`, which
also offers a ``smart_check`` that takes a scenario and the target in numbers — the report uses it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from simlib.base.i18n import t
from simlib.base.schema import Issue, ScenarioError

__all__ = ["ACHIEVABLE_AT", "TOO_EASY_ABOVE", "SmartReport", "detect_language", "smart_check", "wilson_interval"]

#: a target is "achievable" when simulation says it is reached at least this often …
ACHIEVABLE_AT = 0.25
#: … and "too easy" (no stretch, S1's 目標過低) when it is reached more often than this
TOO_EASY_ABOVE = 0.95

# -- vocabulary ---------------------------------------------------------------------------------
_METRICS_ZH = ("銷售額", "销售额", "銷售", "销售", "營收", "营收", "收入", "業績", "业绩", "客戶", "客户", "訂單",
               "订单", "成交", "簽約", "签约", "簽單", "签单", "轉化率", "转化率", "市場份額", "市场份额", "毛利", "利潤",
               "利润", "回款", "拜訪", "拜访", "商機", "商机", "銷量", "销量", "滿意度", "满意度", "推廣", "推广",
               "續約", "续约", "復購", "复购", "線索", "线索", "方案", "提案", "NPS")
_METRICS_EN = ("sales", "revenue", "customer", "client", "account", "deal", "order", "conversion",
               "market share", "margin", "profit", "collection", "visit", "opportunit", "unit", "satisfaction",
               "nps", "renewal", "lead", "proposal", "launch", "rollout", "promotion", "bookings", "quota")
_SCOPE_ZH = ("產品", "产品", "新品", "產品線", "产品线", "區域", "区域", "地區", "地区", "華東", "华东", "華南", "华南",
             "華北", "华北", "西區", "西区", "東區", "东区", "類", "类", "大客戶", "大客户", "企業", "企业", "新客戶",
             "新客户", "老客戶", "老客户", "渠道", "線上", "线上", "門店", "门店", "行業", "行业", "通過", "通过", "透過",
             "省", "市場", "市场", "團隊", "团队", "我", "部門", "部门")
_SCOPE_EN = ("product", "region", "east", "west", "north", "south", "segment", "channel", "enterprise",
             "new customer", "new client", "key account", "smb", "territory", "industry", "through", "by improving",
             "by launching", "online", "store", "team", "line", "class", "tier", "market", "my ")
_BINARY = ("完成", "上線", "上线", "落地", "推出", "launch", "complete", "roll out", "rollout", "deliver")

_ZH_NUM = "一二兩两三四五六七八九十百千萬万億亿半"
_TIME_PATTERNS = [
    r"(本|下|上|這|这|今|明|次)(個|个)?(季度|季|月|週|周|星期|年度|年|財年|财年)",
    r"第[一二三四1-4](個|个)?季(度)?", r"[QqHh][1-4]", r"\d{4}\s*年(底|末|內|内|前)?", r"\d{1,2}\s*月\s*\d{1,2}\s*[日號号]?\s*(之)?前?",
    r"\d{1,2}\s*月(底|末|前|中)", r"(年|月|季|季度|週|周)(底|末|內|内)", r"[上下]半年", r"(\d+|[" + _ZH_NUM + r"]+)\s*(天|日|週|周|個月|个月|月|年)(內|内|之內|之内)",
    r"每(天|日|週|周|月|季|季度|年)", r"(今|明)年",
    r"\b(this|next|last|each|every|per|a)\s+(quarter|month|week|year|day|fiscal year)\b",
    r"\bby\s+(the\s+)?(end|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d)",
    r"\bwithin\s+\d+\s+(days?|weeks?|months?|years?)\b", r"\bin\s+(20\d\d|q[1-4]|h[1-2])\b",
    r"\bend\s+of\s+(the\s+)?(year|quarter|month|week)\b", r"\bfy\s?\d{2,4}\b", r"\b(daily|weekly|monthly|quarterly)\b",
    r"\b(before|until|till)\s+\w+",
]
_TIME = re.compile("|".join(f"(?:{p})" for p in _TIME_PATTERNS), re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|％|個百分點|个百分点|pp|percent|points?)?|[" + _ZH_NUM + r"]+\s*(?:個|个|家|位|件|單|单|成|倍|次|份|台|套|人|%)", re.IGNORECASE)
_GROWTH = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％|percent)")

_SIMPLIFIED = set("销额户标实现长过优产线区业绩务调转约续复访机团队数据书层级时间质达问题单类开发这个们对")
_TRADITIONAL = set("銷額戶標實現長過優產線區業績務調轉約續復訪機團隊數據書層級時間質達問題單類開發這個們對")


def detect_language(text: str) -> str:
    """``zh-Hant``, ``zh-Hans`` or ``en`` for a target's text.

        >>> detect_language("提高銷售額"), detect_language("提高销售额"), detect_language("Raise sales")
        ('zh-Hant', 'zh-Hans', 'en')
    """
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if cjk == 0 or latin > 3 * cjk:
        return "en"
    simp = sum(ch in _SIMPLIFIED for ch in text)
    trad = sum(ch in _TRADITIONAL for ch in text)
    return "zh-Hans" if simp > trad else "zh-Hant"


def wilson_interval(successes: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval of a proportion (well-behaved near 0 and 1).

        >>> lo, hi = wilson_interval(50, 100); round(lo, 3), round(hi, 3)
        (0.404, 0.596)
    """
    if n <= 0:
        return (0.0, 1.0)
    p = successes / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass
class SmartReport:
    """The verdict on each SMART criterion (``True`` / ``False`` / ``None`` = cannot tell) and hints."""
    text: str
    lang: str
    specific: bool
    measurable: bool
    achievable: bool | None
    relevant: bool | None
    time_bound: bool
    hints: list[str] = field(default_factory=list)
    found: dict[str, list[str]] = field(default_factory=dict)
    probability: dict | None = None

    CRITERIA = ("specific", "measurable", "achievable", "relevant", "time_bound")

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    @property
    def passed(self) -> bool:
        """True when no criterion failed (criteria that cannot be judged do not fail)."""
        return all(getattr(self, c) is not False for c in self.CRITERIA)

    def as_dict(self) -> dict:
        return {c: getattr(self, c) for c in self.CRITERIA} | {"hints": list(self.hints), "passed": self.passed}


def _contains(text: str, words: tuple[str, ...]) -> list[str]:
    low = text.lower()
    return [w for w in words if w.lower() in low]


def smart_check(text: str, lang: str | None = None, *, probability: dict | None = None,
                priorities: list[str] | None = None) -> SmartReport:
    """Judge a written target against SMART (COURSE.md §1) and say how to improve it.

    Args:
        lang: language of the hints; by default the text's own (:func:`detect_language`).
        probability: when given (what :func:`simlib.analysis.achievability.achievability` returns: the
            simulated probability that the target is reached, with its interval), "achievable" is judged
            from it — achievable when that probability is at least :data:`ACHIEVABLE_AT` (25 %).
        priorities: the team's strategic themes; "relevant" is True when the text mentions one.
    """
    if not isinstance(text, str) or not text.strip():
        raise ScenarioError([Issue("text", "smart_empty")])
    lang = lang or detect_language(text)
    times = [m.group(0).strip() for m in _TIME.finditer(text)]
    without_time = _TIME.sub(" ", text)
    numbers = [m.group(0).strip() for m in _NUMBER.finditer(without_time) if m.group(0).strip()]
    metrics = _contains(text, _METRICS_ZH + _METRICS_EN)
    scope = _contains(text, _SCOPE_ZH + _SCOPE_EN)
    binary = _contains(text, _BINARY)
    measurable = bool(numbers) or bool(binary and scope)
    specific = bool(metrics) and (bool(scope) or bool(numbers))
    time_bound = bool(times)
    hints: list[str] = []
    if not specific:
        hints.append(t("smart.hint.specific", lang))
    if not measurable:
        hints.append(t("smart.hint.measurable", lang))
    elif not numbers:
        hints.append(t("smart.hint.binary", lang))
    if not time_bound:
        hints.append(t("smart.hint.time_bound", lang))
    relevant = None
    if priorities:
        relevant = bool(_contains(text, tuple(priorities)))
        if not relevant:
            hints.append(t("smart.hint.relevant", lang, priorities=", ".join(priorities)))
    achievable = None
    prob = probability
    if prob is not None:
        achievable = prob["probability"] >= ACHIEVABLE_AT
        pct = {k: f"{prob[k]:.0%}" for k in ("probability", "low", "high")}
        key = "smart.hint.too_hard" if not achievable else (
            "smart.hint.too_easy" if prob["probability"] > TOO_EASY_ABOVE else "smart.hint.achievable")
        hints.append(t(key, lang, **pct))
    else:
        growth = [float(g) for g in _GROWTH.findall(without_time)]
        if growth and max(growth) > 50:
            hints.append(t("smart.hint.ambitious", lang, growth=f"{max(growth):g}%"))
        hints.append(t("smart.hint.achievable_unknown", lang))
    return SmartReport(text=text, lang=lang, specific=specific, measurable=measurable, achievable=achievable,
                       relevant=relevant, time_bound=time_bound, hints=hints,
                       found={"metric": metrics, "scope": scope, "number": numbers, "deadline": times},
                       probability=prob)


