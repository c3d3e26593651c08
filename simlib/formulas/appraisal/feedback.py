"""Feedback a manager writes (COURSE.md §4): a COIN record (S0: context, observation, impact, next)
with hints on its content, and the S2 "strength – improvement – action plan" review form with its
action items.

:data:`NUMBER_RE` and :data:`TIME_RE` are the patterns that tell whether a text names a number or a
time ("2 of 3", "週五前", "by Friday"); the drills use them to judge an action plan as concrete.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

import pandas as pd
from pydantic import Field

from simlib.base.i18n import t
from simlib.base.records import TextModel, label_or_key, validate_record

__all__ = ["COIN_PARTS", "NUMBER_RE", "TIME_RE", "ActionItem", "CoinFeedback", "CoinHint", "ReviewForm"]

_JUDGEMENT = (
    # English: labels for a person or an attitude, not behaviour
    r"\blazy\b", r"\bcareless\b", r"\bsloppy\b", r"\b(?:bad|poor|negative|wrong) attitude\b", r"\battitude problem",
    r"\bunprofessional\b", r"\bincompetent\b", r"\buseless\b", r"\bhopeless\b", r"\bunmotivated\b",
    r"\bnot motivated\b", r"\bdoes(?:n't| not) care\b", r"\birresponsible\b", r"\barrogant\b", r"\bterrible\b",
    r"\bawful\b", r"\bstupid\b", r"\bweak performer\b", r"\bno (?:sense of )?responsibility\b",
    # Chinese (繁 and 简)
    "懶", "懒", "態度差", "态度差", "態度不好", "态度不好", "態度有問題", "态度有问题", "態度不端正", "态度不端正",
    "不認真", "不认真", "不用心", "不積極", "不积极", "不負責", "不负责", "沒有責任心", "没有责任心", "不專業", "不专业",
    "能力差", "能力不行", "太差", "很差", "差勁", "差劲", "馬虎", "马虎", "敷衍", "混日子", "沒救", "没救", "無能", "无能",
    "不上進", "不上进", "不靠譜", "不靠谱",
)
_GENERALISATION = (r"\balways\b", r"\bnever\b", r"\bevery time\b", "總是", "总是", "從來不", "从来不", "從不", "从不",
                   "每次都", "一直都")
_JUDGEMENT_RE = re.compile("|".join(_JUDGEMENT), re.IGNORECASE)
_GENERAL_RE = re.compile("|".join(_GENERALISATION), re.IGNORECASE)
_ZH_NUM = "一二兩两三四五六七八九十百千萬万半"
#: a number in a text: digits, a Chinese numeral with a counter ("三個", "兩次") or an English number word
NUMBER_RE = re.compile(r"\d|[" + _ZH_NUM + r"]\s*(?:個|个|次|位|家|件|份|單|单|通|天|週|周|小時|小时|分鐘|分钟|成|%)"
                       r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twice|half)\b", re.IGNORECASE)
#: a time in a text: a date, a day ("週五", "yesterday"), a week or month ("上週", "next month"), a deadline
TIME_RE = re.compile(
    r"\d{1,4}\s*[/.-]\s*\d{1,2}|\d+\s*(?:月|日|號|号|點|点|時|时)|"
    r"(?:昨天|前天|今天|今早|昨晚|上午|下午|晚上|早會|早会|週[一二三四五六日]|周[一二三四五六日]|星期[一二三四五六日天]|禮拜|礼拜)|"
    r"(?:上|本|這|这|下|次)\s*(?:個|个)?\s*(?:週|周|星期|月|季度|季)|"
    r"\b(?:yesterday|today|tomorrow|this (?:morning|afternoon|week|month)|last (?:week|month|quarter|monday|tuesday"
    r"|wednesday|thursday|friday)|next (?:week|month|quarter|monday|tuesday|wednesday|thursday|friday)|"
    r"(?:on |by )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|q[1-4]|within \w+ (?:days?|weeks?))\b",
    re.IGNORECASE)

COIN_PARTS = ("context", "observation", "impact", "next")


@dataclass(frozen=True)
class CoinHint:
    """One suggestion about a COIN record: which ``part``, what (``code``), and the words found."""
    part: str
    code: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return t(f"appraisal.coin.hint.{self.code}", lang, part=label_or_key(f"appraisal.coin.part.{self.part}", lang),
                 **self.params)


class CoinFeedback(TextModel):
    """A COIN feedback record (S0, COURSE.md §4): **C**ontext (the situation), **O**bservation (the
    behaviour seen — facts, not judgements), **I**mpact (its effect), **N**ext (the concrete next step).
    Each part is required and non-empty; :meth:`check` gives hints on the quality of the content.

        >>> fb = CoinFeedback.from_dict({
        ...     "context": "上週三的客戶演示會議中",
        ...     "observation": "客戶問了 3 個技術問題,你有 2 個答不出來",
        ...     "impact": "客戶對我們的技術實力產生了疑慮,沒有約下一次會議",
        ...     "next": "下週參加產品技術培訓,週五前整理一份常見問題的標準回答"})
        >>> fb.check()
        []
        >>> lazy = fb.model_copy(update={"observation": "你太懶了,態度差"})
        >>> [h.code for h in lazy.check()]
        ['judgement', 'no_number']
        >>> print(lazy.check()[0].text("en"))
        Observation: words such as "懶", "態度差" judge the person; describe what you saw or heard instead (what was said or done, when, how often).
    """
    context: str = Field(min_length=1, max_length=2000)
    observation: str = Field(min_length=1, max_length=2000)
    impact: str = Field(min_length=1, max_length=2000)
    next: str = Field(min_length=1, max_length=2000)

    @classmethod
    def from_dict(cls, mapping: Mapping) -> CoinFeedback:
        """A validated record; an empty or missing part raises :class:`simlib.ScenarioError` naming it."""
        return validate_record(cls, mapping)

    def check(self) -> list[CoinHint]:
        """Heuristic hints (not errors), in order of importance:

        * ``judgement``: the observation labels the person ("lazy", "懶", "態度差", "不認真", …);
        * ``generalisation``: it generalises ("always", "never", "總是", "從不");
        * ``no_time``: neither context nor observation says when it happened (a date, a day, "上週");
        * ``no_number``: the observation has no number — counting makes it a fact ("2 of 3 questions");
        * ``next_vague``: the next step has no date, deadline or number.
        """
        hints: list[CoinHint] = []
        found = list(dict.fromkeys(m.group(0) for m in _JUDGEMENT_RE.finditer(self.observation)))
        if found:
            hints.append(CoinHint("observation", "judgement", {"words": ", ".join(f'"{w}"' for w in found)}))
        general = list(dict.fromkeys(m.group(0) for m in _GENERAL_RE.finditer(self.observation)))
        if general:
            hints.append(CoinHint("observation", "generalisation", {"words": ", ".join(f'"{w}"' for w in general)}))
        if not TIME_RE.search(self.context) and not TIME_RE.search(self.observation):
            hints.append(CoinHint("context", "no_time"))
        if not NUMBER_RE.search(self.observation):
            hints.append(CoinHint("observation", "no_number"))
        if not TIME_RE.search(self.next) and not NUMBER_RE.search(self.next):
            hints.append(CoinHint("next", "next_vague"))
        return hints

    def hints(self, lang: str | None = None) -> list[str]:
        return [h.text(lang) for h in self.check()]

    def text(self, lang: str | None = None) -> str:
        """The four parts, one a line, with their labels."""
        return "\n".join(t("appraisal.coin.line", lang, part=label_or_key(f"appraisal.coin.part.{p}", lang),
                           text=getattr(self, p)) for p in COIN_PARTS)


class ActionItem(TextModel):
    """One line of an action plan: what will be done, by when, and how success is measured."""
    action: str = Field(min_length=1, max_length=500)
    due: date = Field(strict=False)
    measure: str | None = Field(None, max_length=500)
    owner: str | None = Field(None, max_length=80)


class ReviewForm(TextModel):
    """The S2 "strength – improvement – action plan" (優勢-改進點-行動計劃) form of a monthly
    performance talk (COURSE.md §4): at least one strength, one improvement point and one action,
    each action with a due date (ISO text such as ``2025-07-31`` or a ``date``).

        >>> form = ReviewForm.from_dict({"employee": "張明", "strengths": ["每天 5 次拜訪,全隊最高"],
        ...     "improvements": ["方案轉成交只有 15%", "報價後跟進慢"],
        ...     "actions": [{"action": "每份方案附投資回報計算", "due": "2025-07-31", "measure": "轉化率 ≥ 25%"}]})
        >>> [h for h in form.check()]
        ['fewer_actions']
        >>> form.table("en").iloc[:, 0].tolist()
        ['Strength', 'Improvement', 'Improvement', 'Action']
    """
    employee: str | None = Field(None, max_length=80)
    period: str | None = Field(None, max_length=80)
    strengths: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(min_length=1, max_length=20)
    improvements: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(min_length=1, max_length=20)
    actions: list[ActionItem] = Field(min_length=1, max_length=20)

    @classmethod
    def from_dict(cls, mapping: Mapping) -> ReviewForm:
        return validate_record(cls, mapping)

    def check(self) -> list[str]:
        """Hint codes: ``fewer_actions`` (fewer actions than improvement points) and ``no_measure``
        (an action without a measure of success). Texts: ``appraisal.review.hint.<code>``."""
        out = []
        if len(self.actions) < len(self.improvements):
            out.append("fewer_actions")
        if any(not a.measure for a in self.actions):
            out.append("no_measure")
        return out

    def hints(self, lang: str | None = None) -> list[str]:
        return [t(f"appraisal.review.hint.{c}", lang, improvements=len(self.improvements), actions=len(self.actions))
                for c in self.check()]

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The form as rows (section, item, due, measure) to print or export."""
        col = {k: t(f"appraisal.review.col.{k}", lang) for k in ("section", "item", "due", "measure")}
        rows = [{col["section"]: t("appraisal.review.strength", lang), col["item"]: s} for s in self.strengths]
        rows += [{col["section"]: t("appraisal.review.improvement", lang), col["item"]: s} for s in self.improvements]
        rows += [{col["section"]: t("appraisal.review.action", lang), col["item"]: a.action,
                  col["due"]: a.due.isoformat(), col["measure"]: a.measure or ""} for a in self.actions]
        return pd.DataFrame(rows, columns=list(col.values())).fillna("")
