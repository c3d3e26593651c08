"""Appraisal and feedback (COURSE.md §4): weighted appraisal scores with the decks' weights, the S3
product-pitch rubric, COIN feedback and the S2 review form, the S3 weekly self-check sheet and the
S0 performance-improvement plan (PIP).

Pure functions and pydantic models — no simulation, no widgets. Bad input raises
:class:`simlib.ScenarioError` naming the field, in the reader's language; nothing is silently fixed::

    >>> r = appraisal_score({"results": 82, "process": 90, "capability": 70, "teamwork": 85})   # S3 60/20/10/10
    >>> r.score, r.grade, r.focus
    (82.7, 'B', 'results')
    >>> appraisal_score({"quantitative": 88, "qualitative": 70}, weights="s0").score           # S0 70/30
    82.6
    >>> try:
    ...     appraisal_score({"a": 80, "b": 90}, weights={"a": 0.5, "b": 0.4})
    ... except ScenarioError as err:
    ...     print(err.message("en")); print(err.message("zh-Hant"))
    weights: the weights add up to 0.9, not 1 (100 %).
    weights:權重合計為 0.9,而不是 1(100%)。

Every text a trainee reads (tables, feedback lines, hints) comes from the catalog
``simlib/locales/appraisal.<lang>.yaml`` in 繁體中文, 简体中文 and English.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BaseModel, Field, model_validator

from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.base.records import (
    TextModel,
    is_number,
    label_or_key,
    record_problems,
    unknown_key_issue,
    validate_record,
)
from simlib.base.schema import Issue, ScenarioError, StrictModel, dedupe_issues

__all__ = [
    "GRADE_BANDS",
    "PITCH_RUBRIC",
    "SELF_CHECK_TARGETS",
    "WEIGHT_PRESETS",
    "ActionItem",
    "AppraisalResult",
    "CoinFeedback",
    "CoinHint",
    "PipOutcome",
    "PipPlan",
    "PipResult",
    "PipRules",
    "PitchResults",
    "ReviewForm",
    "SelfCheck",
    "appraisal_score",
    "evaluate_pip",
    "grade",
    "score_pitches",
    "self_check",
    "validate_record",   # simlib.base.records's, re-exported for the appraisal forms
]


def _frac(x: float) -> Fraction:
    """Exact value of ``x`` as written (0.1 -> 1/10)."""
    return Fraction(repr(float(x))) if isinstance(x, float) else Fraction(x)


# ---------------------------------------------------------------------------------------------
# Weighted appraisal score (S3 60/20/10/10, S0 70/30)
# ---------------------------------------------------------------------------------------------
WEIGHT_PRESETS: dict[str, dict[str, float]] = {
    "s3": {"results": 0.60, "process": 0.20, "capability": 0.10, "teamwork": 0.10},
    "s0": {"quantitative": 0.70, "qualitative": 0.30},
}
"""The decks' appraisal weights (COURSE.md §4): S3 results 60 / process 20 / capability 10 /
teamwork 10; S0 quantitative 70 / qualitative 30."""

GRADE_BANDS: dict[str, float] = {"A": 90, "B": 75, "C": 60, "D": 0}
"""The workbook's grade bands (the decks give none): a weighted score of at least 90 is A (exceeds
expectations), 75–89.9 B (meets), 60–74.9 C (partly meets: coach), below 60 D (below expectations:
consider a PIP, COURSE.md §4). Pass your own ``{grade: minimum score}``, highest first, ending at 0."""

Score = Annotated[float, Field(ge=0, le=100)]
NonNegative = Annotated[float, Field(ge=0)]


def _check_bands(bands: Mapping[str, float], path: str = "bands") -> list[tuple[str, str, dict]]:
    values = list(bands.values())
    ok = (bool(values) and all(is_number(v) and 0 <= v <= 100 for v in values)
          and all(a > b for a, b in pairwise(values)) and values[-1] == 0)
    return [] if ok else [(path, "appraisal_bands", {})]


class AppraisalInput(StrictModel):
    """One appraisal: ``weights`` per component (summing to 1) and ``scores`` 0–100 for the same components."""
    weights: dict[str, NonNegative] = Field(min_length=1, max_length=20)
    scores: dict[str, Score]
    bands: dict[str, float] = Field(default_factory=lambda: dict(GRADE_BANDS))

    @model_validator(mode="after")
    def _consistent(self) -> AppraisalInput:
        items: list[tuple[str, str, dict]] = []
        total = sum(self.weights.values())
        if abs(total - 1) > 1e-9:
            code = "appraisal_weights_percent" if abs(total - 100) < 1e-6 else "appraisal_weights_sum"
            items.append(("weights", code, {"total": f"{total:.4g}"}))
        items += [(f"scores.{k}", "missing", {}) for k in self.weights if k not in self.scores]
        items += [unknown_key_issue(f"scores.{k}", k, list(self.weights)) for k in self.scores if k not in self.weights]
        items += _check_bands(self.bands)
        record_problems(items)
        return self


def grade(score: float, bands: Mapping[str, float] = GRADE_BANDS) -> str:
    """The grade band of a 0–100 score (COURSE.md §4; bands in :data:`GRADE_BANDS`).

        >>> grade(90), grade(89.99), grade(75), grade(60), grade(59.5)
        ('A', 'B', 'B', 'C', 'D')
    """
    if not is_number(score) or not 0 <= score <= 100:
        raise ScenarioError.at("score", "appraisal_score_range", input=score)
    problems = _check_bands(bands)
    if problems:
        raise ScenarioError.at(*problems[0][:2])
    for name, low in bands.items():
        if score >= low:
            return name
    return list(bands)[-1]  # pragma: no cover - the last band starts at 0


@dataclass(frozen=True)
class AppraisalResult:
    """A weighted appraisal: ``score`` = Σ weight × component score (0–100, rounded to 0.01),
    its ``grade``, each component's ``points`` (weight × score) and the ``focus``: the component that
    lost the most weighted points, weight × (100 − score) — where improvement pays most."""
    weights: dict[str, float]
    scores: dict[str, float]
    score: float
    grade: str
    points: dict[str, float]
    focus: str

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """One row per component (label, weight, score, weighted points) and a total row with the grade.

            >>> appraisal_score({"results": 82, "process": 90, "capability": 70, "teamwork": 85}
            ...                 ).table("zh-Hant").iloc[:, 0].tolist()
            ['業績指標', '過程指標', '能力指標', '團隊協作', '合計(等級 B)']
        """
        col = {k: t(f"appraisal.col.{k}", lang) for k in ("component", "weight", "score", "points")}
        rows = [{col["component"]: label_or_key(f"appraisal.component.{k}", lang), col["weight"]: w,
                 col["score"]: self.scores[k], col["points"]: self.points[k]} for k, w in self.weights.items()]
        rows.append({col["component"]: t("appraisal.total", lang, grade=self.grade),
                     col["weight"]: float(sum(self.weights.values())), col["score"]: self.score,
                     col["points"]: self.score})
        return pd.DataFrame(rows)

    def text(self, lang: str | None = None) -> str:
        """One sentence: score, grade and what it means, and where the most points were lost.

            >>> print(appraisal_score({"results": 82, "process": 90, "capability": 70, "teamwork": 85}).text("en"))
            Weighted score 82.7 / 100: grade B (meets expectations). Most points lost: Results (−10.8 of 60).
        """
        lost = self.weights[self.focus] * (100 - self.scores[self.focus])
        return t("appraisal.summary", lang, score=number(self.score, digits=1), grade=self.grade,
                 meaning=label_or_key(f"appraisal.grade.{self.grade}", lang),
                 focus=label_or_key(f"appraisal.component.{self.focus}", lang), lost=f"{lost:.1f}",
                 max=number(self.weights[self.focus] * 100, digits=1))


def appraisal_score(scores: Mapping[str, float], weights: str | Mapping[str, float] = "s3", *,
                    bands: Mapping[str, float] | None = None) -> AppraisalResult:
    """Weighted appraisal score of component scores 0–100 (COURSE.md §4).

    Args:
        scores: ``{component: score 0–100}``; exactly the components of ``weights``.
        weights: a preset of :data:`WEIGHT_PRESETS` (``"s3"``: results 60 / process 20 / capability 10 /
            teamwork 10; ``"s0"``: quantitative 70 / qualitative 30) or custom ``{component: weight}``
            that must sum to 1 — weights in percent (summing to 100) get their own message.
        bands: grade bands ``{grade: minimum score}`` (default :data:`GRADE_BANDS`).

    Raises:
        ScenarioError: weights not summing to 1, a score outside 0–100, a component missing or unknown.

        >>> r = appraisal_score({"results": 100, "process": 50, "capability": 50, "teamwork": 50})
        >>> r.score, r.grade, r.points["results"]
        (80.0, 'B', 60.0)
        >>> appraisal_score({"sales": 95, "attitude": 85}, {"sales": 0.5, "attitude": 0.5}).grade
        'A'
    """
    if isinstance(weights, str):
        if weights.lower() not in WEIGHT_PRESETS:
            raise ScenarioError.at("weights", "choice", expected=", ".join(WEIGHT_PRESETS), input=repr(weights))
        weights = WEIGHT_PRESETS[weights.lower()]
    data: dict[str, Any] = {"weights": dict(weights) if isinstance(weights, Mapping) else weights,
                            "scores": dict(scores) if isinstance(scores, Mapping) else scores}
    if bands is not None:
        data["bands"] = dict(bands)
    rec = validate_record(AppraisalInput, data)
    fw = {k: _frac(w) for k, w in rec.weights.items()}
    wsum = sum(fw.values())
    pts = {k: fw[k] * _frac(rec.scores[k]) / wsum for k in fw}
    exact = sum(pts.values())
    band = next((g for g, low in rec.bands.items() if exact >= _frac(low)), list(rec.bands)[-1])
    focus = max(fw, key=lambda k: (fw[k] * (100 - _frac(rec.scores[k])), fw[k]))
    return AppraisalResult(weights=dict(rec.weights), scores=dict(rec.scores), score=round(float(exact), 2),
                           grade=band, points={k: round(float(v), 2) for k, v in pts.items()}, focus=focus)


# ---------------------------------------------------------------------------------------------
# S3 product-pitch rubric
# ---------------------------------------------------------------------------------------------
PITCH_RUBRIC: dict[str, float] = {"accuracy": 20, "clarity": 20, "value": 25, "qa": 20, "presence": 15}
"""S3's product-pitch contest rubric (COURSE.md §4, §9): content accuracy 20, clarity 20, value
translation (features -> customer value) 25, handling the judges' questions 20, professional
presence 15 — 100 points."""


@dataclass(frozen=True)
class PitchResults:
    """Scored pitch sheets.

    ``sheets``: one row per (contestant, judge) with each criterion and the ``total``.
    ``ranking``: one row per contestant, best first: ``judges`` (how many scored), the mean of each
    criterion across judges, ``total`` (mean total), ``spread`` (highest − lowest judge total: how
    much the judges disagree) and ``rank`` — standard competition ranking (1, 2, 2, 4): equal totals
    share a rank unless ``tiebreak`` criteria separate them.
    """
    rubric: dict[str, float]
    sheets: pd.DataFrame
    ranking: pd.DataFrame

    def _row(self, contestant: str) -> pd.Series:
        hit = self.ranking[self.ranking["contestant"] == str(contestant)]
        if hit.empty:
            raise ScenarioError.at("contestant", "pitch_unknown_contestant", input=contestant,
                        valid=", ".join(self.ranking["contestant"]))
        return hit.iloc[0]

    def weakest(self, contestant: str) -> list[str]:
        """The criteria with the lowest share of their maximum (several when tied), in rubric order."""
        row = self._row(contestant)
        shares = {c: float(row[c]) / m for c, m in self.rubric.items()}
        low = min(shares.values())
        return [c for c, s in shares.items() if s <= low + 1e-9]

    def feedback(self, contestant: str, lang: str | None = None) -> list[str]:
        """Feedback lines for one contestant: each criterion's mean score out of its maximum, then the
        weakest criterion with a tip on what to practise, and the rank.

            >>> res = score_pitches([{"contestant": "Amy", "accuracy": 18, "clarity": 16, "value": 15,
            ...                        "qa": 17, "presence": 14}])
            >>> print("\\n".join(res.feedback("Amy", "en")))
            Content accuracy: 18 / 20 (90%)
            Clarity: 16 / 20 (80%)
            Value translation: 15 / 25 (60%)
            Handling questions: 17 / 20 (85%)
            Professional presence: 14 / 15 (93.3%)
            Weakest: Value translation (60%). Turn each feature into what the customer gains: money saved, time, risk, payback (e.g. "pays for itself in 7 months").
            Total 80 / 100, rank 1 of 1.
        """
        row = self._row(contestant)
        lines = [t("appraisal.pitch.line", lang, criterion=label_or_key(f"appraisal.pitch.criterion.{c}", lang),
                   score=number(round(float(row[c]), 1), digits=1), max=number(m, digits=1), share=percent(float(row[c]) / m))
                 for c, m in self.rubric.items()]
        weak = self.weakest(contestant)
        sep = t("appraisal.sep", lang)
        tips = " ".join(label_or_key(f"appraisal.pitch.tip.{c}", lang) for c in weak
                        if t(f"appraisal.pitch.tip.{c}", lang) != f"appraisal.pitch.tip.{c}")
        lines.append(t("appraisal.pitch.weakest", lang,
                       criterion=sep.join(label_or_key(f"appraisal.pitch.criterion.{c}", lang) for c in weak),
                       share=percent(float(row[weak[0]]) / self.rubric[weak[0]]), tip=tips).rstrip())
        lines.append(t("appraisal.pitch.rank", lang, total=number(round(float(row["total"]), 1), digits=1),
                       max=number(sum(self.rubric.values()), digits=1), rank=int(row["rank"]), n=len(self.ranking)))
        return lines

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The ranking with localised headers (rank, contestant, judges, each criterion, total, spread)."""
        df = self.ranking[["rank", "contestant", "judges", *self.rubric, "total", "spread"]].copy()
        names = {c: f"{label_or_key(f'appraisal.pitch.criterion.{c}', lang)} ({number(m, digits=1)})" for c, m in self.rubric.items()}
        names.update({k: t(f"appraisal.pitch.col.{k}", lang) for k in ("rank", "contestant", "judges", "total",
                                                                         "spread")})
        return df.rename(columns=names)


def _records(data: Any, name: str) -> list[dict]:
    if isinstance(data, pd.DataFrame):
        return [{k: v for k, v in r.items() if not (pd.api.types.is_scalar(v) and pd.isna(v))}   # empty cells
                for r in data.to_dict("records")]
    if isinstance(data, (Mapping, str)) or not isinstance(data, Sequence):
        raise ScenarioError.at(name, "type_list", input=type(data).__name__)
    out = []
    for i, r in enumerate(data):
        if isinstance(r, BaseModel):
            r = r.model_dump()
        if not isinstance(r, Mapping):
            raise ScenarioError.at(f"{name}[{i}]", "type_mapping", input=type(r).__name__)
        out.append(dict(r))
    return out


def score_pitches(sheets: Any, rubric: Mapping[str, float] = PITCH_RUBRIC, *,
                  tiebreak: Sequence[str] = ()) -> PitchResults:
    """Score the S3 product-pitch contest (COURSE.md §4, §9 drill 5) from one or several judges' sheets.

    Args:
        sheets: a DataFrame or a list of records ``{contestant, judge (optional), accuracy, clarity,
            value, qa, presence}``; each criterion from 0 to its maximum in ``rubric``. A judge may
            score each contestant once.
        rubric: ``{criterion: maximum points}`` (default :data:`PITCH_RUBRIC`, 20/20/25/20/15).
        tiebreak: criteria that, in order, separate equal totals (e.g. ``("value",)``); by default
            equal totals share a rank.

    Raises:
        ScenarioError: a score out of range or missing, an unknown column, a judge scoring the same
            contestant twice — every problem, each naming its ``sheets[i].field``.

        >>> res = score_pitches([
        ...     {"contestant": "甲", "judge": "銷售總監", "accuracy": 18, "clarity": 17, "value": 22, "qa": 15, "presence": 12},
        ...     {"contestant": "甲", "judge": "產品經理", "accuracy": 16, "clarity": 15, "value": 20, "qa": 17, "presence": 14},
        ...     {"contestant": "乙", "judge": "銷售總監", "accuracy": 19, "clarity": 18, "value": 18, "qa": 16, "presence": 13},
        ...     {"contestant": "乙", "judge": "產品經理", "accuracy": 17, "clarity": 16, "value": 21, "qa": 18, "presence": 14}])
        >>> res.ranking[["contestant", "total", "rank"]].values.tolist()
        [['乙', 85.0, 1], ['甲', 83.0, 2]]
        >>> res.weakest("甲")
        ['clarity', 'qa']
    """
    if (not isinstance(rubric, Mapping) or not rubric
            or not all(is_number(m) and m > 0 for m in rubric.values())):
        raise ScenarioError.at("rubric", "pitch_rubric")
    crit = [str(c) for c in rubric]
    for c in tiebreak:
        if c not in rubric:
            raise ScenarioError.at("tiebreak", "choice", expected=", ".join(crit), input=repr(c))
    recs = _records(sheets, "sheets")
    if not recs:
        raise ScenarioError.at("sheets", "too_short", min=1, max=None, actual=0)
    valid = ["contestant", "judge", *crit]
    issues: list[Issue] = []
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for i, r in enumerate(recs):
        path = f"sheets[{i}]"
        for k in r:
            if str(k) not in valid:
                p, code, params = unknown_key_issue(f"{path}.{k}", str(k), valid)
                issues.append(Issue(p, code, params))
        who = r.get("contestant")
        if who is None or not str(who).strip():
            issues.append(Issue(f"{path}.contestant", "missing"))
            who = ""
        who = str(who).strip()
        judge = r.get("judge")
        judge = str(judge).strip() if judge is not None and str(judge).strip() else None
        row = {"contestant": who, "judge": judge}
        for c, m in rubric.items():
            v = r.get(c)
            if v is None:
                issues.append(Issue(f"{path}.{c}", "missing"))
            elif not is_number(v) or not 0 <= float(v) <= m:
                issues.append(Issue(f"{path}.{c}", "pitch_range", {"input": v, "max": number(m, digits=1)}))
            else:
                row[c] = float(v)
        if judge is not None and who:
            if (who, judge) in seen:
                issues.append(Issue(f"{path}.judge", "pitch_duplicate", {"judge": judge, "contestant": who,
                                                                          "first": seen[(who, judge)]}))
            seen.setdefault((who, judge), i)
        rows.append(row)
    if issues:
        raise ScenarioError(dedupe_issues(issues))
    counter: dict[str, int] = {}
    for row in rows:                                          # unnamed judges: 1, 2, … per contestant
        if row["judge"] is None:
            counter[row["contestant"]] = counter.get(row["contestant"], 0) + 1
            row["judge"] = str(counter[row["contestant"]])
    df = pd.DataFrame(rows)
    df["total"] = df[crit].sum(axis=1)
    g = df.groupby("contestant", sort=False)
    ranking = g[crit + ["total"]].mean()
    ranking.insert(0, "judges", g.size())
    ranking["spread"] = g["total"].max() - g["total"].min()
    ranking = ranking.reset_index()
    keys = [tuple(round(float(x), 9) for x in k)
            for k in ranking[["total", *tiebreak]].itertuples(index=False, name=None)]
    ranking["rank"] = [1 + sum(other > k for other in keys) for k in keys]
    ranking = ranking.sort_values(["rank", "contestant"], kind="stable").reset_index(drop=True)
    return PitchResults(rubric={c: float(m) for c, m in rubric.items()}, sheets=df, ranking=ranking)


# ---------------------------------------------------------------------------------------------
# COIN feedback (S0) and the S2 review form
# ---------------------------------------------------------------------------------------------
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
_NUMBER_RE = re.compile(r"\d|[" + _ZH_NUM + r"]\s*(?:個|个|次|位|家|件|份|單|单|通|天|週|周|小時|小时|分鐘|分钟|成|%)"
                        r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twice|half)\b", re.IGNORECASE)
_TIME_RE = re.compile(
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
        if not _TIME_RE.search(self.context) and not _TIME_RE.search(self.observation):
            hints.append(CoinHint("context", "no_time"))
        if not _NUMBER_RE.search(self.observation):
            hints.append(CoinHint("observation", "no_number"))
        if not _TIME_RE.search(self.next) and not _NUMBER_RE.search(self.next):
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


# ---------------------------------------------------------------------------------------------
# S3 weekly self-check sheet
# ---------------------------------------------------------------------------------------------
SELF_CHECK_TARGETS: dict[str, float] = {"new_visits": 10, "follow_ups": 15, "proposals": 5, "demos": 3,
                                        "orders": 2, "sales": 100_000, "satisfaction": 0.90}
"""S3's weekly self-check sheet (每周目標達成檢查清單, COURSE.md §4): new-customer visits 10,
existing-customer follow-ups 15, proposals 5, demos 3, orders 2, weekly sales 100 k (yuan),
customer satisfaction 90 % (written as a share, 0.9)."""

_SHARE_ROWS = ("satisfaction",)  # rows measured as a share 0–1


class SelfCheckInput(StrictModel):
    targets: dict[str, Annotated[float, Field(gt=0)]] = Field(min_length=1, max_length=30)
    actuals: dict[str, NonNegative]

    @model_validator(mode="after")
    def _rows(self) -> SelfCheckInput:
        items: list[tuple[str, str, dict]] = [(f"actuals.{k}", "missing", {}) for k in self.targets
                                              if k not in self.actuals]
        items += [unknown_key_issue(f"actuals.{k}", k, list(self.targets)) for k in self.actuals if k not in self.targets]
        for part in ("targets", "actuals"):
            for k in _SHARE_ROWS:
                v = getattr(self, part).get(k)
                if v is not None and v > 1:
                    items.append((f"{part}.{k}", "selfcheck_share", {"input": v}))
        record_problems(items)
        return self


@dataclass(frozen=True)
class SelfCheck:
    """A filled weekly self-check sheet. ``rows``: one per item (target, actual, completion =
    actual ÷ target); ``overall``: the mean completion with each row capped at 100 % (``cap``), so
    over-delivering one row cannot hide another that is behind; ``behind``: the rows below 100 %,
    furthest behind first."""
    rows: pd.DataFrame
    overall: float
    behind: list[str]

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The sheet with localised item names and headers, completion as a share (format as %)."""
        col = {k: t(f"appraisal.selfcheck.col.{k}", lang) for k in ("item", "target", "actual", "completion")}
        df = self.rows.copy()
        df["item"] = [label_or_key(f"appraisal.selfcheck.item.{k}", lang) for k in df["item"]]
        return df.rename(columns=col)

    def text(self, lang: str | None = None) -> str:
        """One line: overall completion and the rows behind.

            >>> print(self_check({"new_visits": 8, "follow_ups": 15, "proposals": 5, "demos": 3, "orders": 1,
            ...                   "sales": 120_000, "satisfaction": 0.92}).text("zh-Hant"))
            整體完成率 90%(每項最多計 100%)。落後:成交訂單數 50%、新客戶拜訪數 80%。
        """
        if not self.behind:
            return t("appraisal.selfcheck.all_done", lang, overall=percent(self.overall))
        sep = t("appraisal.sep", lang)
        comp = dict(zip(self.rows["item"], self.rows["completion"], strict=True))
        behind = sep.join(f"{label_or_key(f'appraisal.selfcheck.item.{k}', lang)} {percent(comp[k])}" for k in self.behind)
        return t("appraisal.selfcheck.summary", lang, overall=percent(self.overall), behind=behind)


def self_check(actuals: Mapping[str, float], targets: Mapping[str, float] | None = None, *,
               cap: float = 1.0) -> SelfCheck:
    """Fill in the S3 weekly self-check sheet (COURSE.md §4, §9 drill 6): completion per row and overall.

    Args:
        actuals: the week's numbers for every row of ``targets`` (satisfaction as a share, 0.92).
        targets: ``{item: weekly target}``, default :data:`SELF_CHECK_TARGETS`; a team may add rows.
        cap: the most one row counts towards the overall completion (1.0 = 100 %).

        >>> s = self_check({"new_visits": 8, "follow_ups": 15, "proposals": 5, "demos": 3, "orders": 1,
        ...                 "sales": 120_000, "satisfaction": 0.92})
        >>> s.rows["completion"].round(2).tolist(), round(s.overall, 3), s.behind
        ([0.8, 1.0, 1.0, 1.0, 0.5, 1.2, 1.02], 0.9, ['orders', 'new_visits'])
    """
    if not is_number(cap) or cap <= 0:
        raise ScenarioError.at("cap", "greater_than", limit=0, input=cap)
    data = {"targets": dict(targets if targets is not None else SELF_CHECK_TARGETS),
            "actuals": dict(actuals) if isinstance(actuals, Mapping) else actuals}
    rec = validate_record(SelfCheckInput, data)
    rows = [{"item": k, "target": tv, "actual": rec.actuals[k], "completion": rec.actuals[k] / tv}
            for k, tv in rec.targets.items()]
    df = pd.DataFrame(rows)
    overall = float(df["completion"].clip(upper=cap).mean())
    late = df[df["completion"] < 1 - 1e-12].sort_values("completion", kind="stable")
    return SelfCheck(rows=df, overall=overall, behind=late["item"].tolist())


# ---------------------------------------------------------------------------------------------
# PIP (S0): plan and evaluation
# ---------------------------------------------------------------------------------------------
class PipOutcome(StrEnum):
    """How a PIP ends (COURSE.md §4: "evaluate after ~90 days; then fair exit")."""
    PASSED = "passed"
    EXTENDED = "extended"
    EXIT = "exit"

    def label(self, lang: str | None = None) -> str:
        return t(f"appraisal.pip.outcome.{self.value}", lang)


class PipRules(StrictModel):
    """The documented decision rules of :func:`evaluate_pip` (the workbook's; S0 gives only the steps).

    A week's attainment is the mean over the plan's targets of min(actual ÷ target, 1) — beating
    one target does not make up for missing another. Over the last ``final_weeks`` weeks:

    * **passed**: mean attainment ≥ ``pass_level`` (90 %) and no week below ``floor`` (70 %);
    * **extended** (by ``extension_days``): not passed, mean ≥ ``extend_level`` (75 %) and fewer
      than ``max_extensions`` extensions used so far — close to the bar, one more chance;
    * **exit**: otherwise (a fair exit: documented, with the support given on record).

    The rules are monotone: better weekly numbers never lead to a worse outcome.
    """
    final_weeks: int = Field(4, ge=1, le=26)
    pass_level: float = Field(0.9, gt=0, le=1)
    floor: float = Field(0.7, ge=0, le=1)
    extend_level: float = Field(0.75, ge=0, le=1)
    extension_days: int = Field(30, ge=7, le=90)
    max_extensions: int = Field(1, ge=0, le=3)

    @model_validator(mode="after")
    def _order(self) -> PipRules:
        if self.extend_level > self.pass_level:
            record_problems([("extend_level", "pip_levels", {"extend": self.extend_level, "pass_": self.pass_level})])
        return self


class PipPlan(TextModel):
    """A performance-improvement plan (S0, COURSE.md §4): diagnose, set targets, support, track
    weekly, evaluate after ~90 days.

    ``targets`` are weekly, ``{metric: target}`` (e.g. ``{"sales": 25000, "visits": 10}``);
    ``cause`` is the diagnosed root cause (S0: skill, attitude or environment); weekly check-ins fall
    every 7 days from ``start`` up to the evaluation date ``start + days``.

        >>> plan = PipPlan.from_dict({"employee": "王五", "start": "2025-03-03", "cause": "skill",
        ...     "diagnosis": "新 CRM 系統不熟,方案轉化率 12%(團隊 35%)",
        ...     "targets": {"sales": 25000, "visits": 10}, "support": ["一對一導師", "CRM 培訓"]})
        >>> plan.weeks, plan.evaluation_date.isoformat(), plan.checkins[0].isoformat()
        (12, '2025-06-01', '2025-03-10')
    """
    employee: str = Field(min_length=1, max_length=80)
    start: date = Field(strict=False)
    days: int = Field(90, ge=28, le=365)
    cause: Literal["skill", "attitude", "environment", "other"] = "skill"
    diagnosis: str = Field(min_length=1, max_length=2000)
    targets: dict[str, Annotated[float, Field(gt=0)]] = Field(min_length=1, max_length=10)
    support: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(min_length=1, max_length=20)
    extensions_used: int = Field(0, ge=0, le=3)
    rules: PipRules = Field(default_factory=PipRules)

    @model_validator(mode="after")
    def _window(self) -> PipPlan:
        if self.rules.final_weeks > self.weeks:
            record_problems([("rules.final_weeks", "pip_final_weeks", {"input": self.rules.final_weeks,
                                                                  "weeks": self.weeks})])
        return self

    @classmethod
    def from_dict(cls, mapping: Mapping) -> PipPlan:
        return validate_record(cls, mapping)

    @property
    def evaluation_date(self) -> date:
        return self.start + timedelta(days=self.days)

    @property
    def weeks(self) -> int:
        """Weekly check-ins before the evaluation date (90 days -> 12)."""
        return self.days // 7

    @property
    def checkins(self) -> list[date]:
        return [self.start + timedelta(days=7 * k) for k in range(1, self.weeks + 1)]


@dataclass(frozen=True)
class PipResult:
    """The evaluation of a PIP: the ``outcome``, the weekly table (each metric's attainment and the
    week's ``attainment``), the ``final`` mean over the last weeks, the ``opening`` mean over the first
    weeks (for the trend), the lowest final week, and ``reasons`` (catalog key, params) in order."""
    outcome: PipOutcome
    weekly: pd.DataFrame
    final: float
    opening: float
    lowest_final: float
    next_date: date | None
    reasons: list[tuple[str, dict]]

    def text(self, lang: str | None = None) -> list[str]:
        """The outcome and the reasons for it, one a line."""
        head = t("appraisal.pip.result", lang, outcome=self.outcome.label(lang))
        return [head] + [t(f"appraisal.pip.reason.{k}", lang, **p) for k, p in self.reasons]


def evaluate_pip(plan: PipPlan | Mapping, records: Any) -> PipResult:
    """Evaluate a PIP at its evaluation date from the weekly check-in records (COURSE.md §4).

    Args:
        plan: a :class:`PipPlan` (or its dict).
        records: one record per weekly check-in, in order — a DataFrame or list of dicts with a
            number for each of the plan's targets (an optional ``week`` column 1, 2, … is checked).
            Exactly ``plan.weeks`` records: a plan is judged at its end, not before.

    Returns:
        :class:`PipResult` by the rules of :class:`PipRules`.

        >>> plan = PipPlan.from_dict({"employee": "王五", "start": "2025-03-03", "diagnosis": "轉化率低",
        ...                           "targets": {"sales": 25000, "visits": 10}, "support": ["導師"]})
        >>> weeks = [{"sales": 12000 + 1200 * w, "visits": 6 + w // 2} for w in range(12)]
        >>> r = evaluate_pip(plan, weeks)
        >>> r.outcome.value, round(r.final, 3), round(r.opening, 3)
        ('passed', 0.967, 0.601)
        >>> evaluate_pip(plan, [{"sales": 20000, "visits": 8}] * 12).outcome.value    # 80 %: close
        'extended'
        >>> evaluate_pip(plan, [{"sales": 10000, "visits": 6}] * 12).outcome.value    # 50 %
        'exit'
    """
    if not isinstance(plan, PipPlan):
        plan = PipPlan.from_dict(plan)
    recs = _records(records, "records")
    if len(recs) != plan.weeks:
        raise ScenarioError.at("records", "pip_weeks", weeks=plan.weeks, got=len(recs),
                    date=plan.evaluation_date.isoformat())
    metrics = list(plan.targets)
    issues: list[Issue] = []
    for i, r in enumerate(recs):
        if "week" in r and (not is_number(r["week"]) or float(r["week"]) != i + 1):
            issues.append(Issue(f"records[{i}].week", "pip_week_order", {"input": r["week"], "expected": i + 1}))
        for k in r:
            if k != "week" and k not in metrics:
                p, code, params = unknown_key_issue(f"records[{i}].{k}", str(k), metrics)
                issues.append(Issue(p, code, params))
        for m in metrics:
            v = r.get(m)
            if v is None:
                issues.append(Issue(f"records[{i}].{m}", "missing"))
            elif not is_number(v) or float(v) < 0:
                issues.append(Issue(f"records[{i}].{m}", "greater_than_equal", {"limit": 0, "input": v}))
    if issues:
        raise ScenarioError(dedupe_issues(issues))
    rules = plan.rules
    weekly = pd.DataFrame([{m: float(r[m]) for m in metrics} for r in recs])
    weekly.insert(0, "week", range(1, len(recs) + 1))
    att = pd.DataFrame({m: (weekly[m] / plan.targets[m]).clip(upper=1.0) for m in metrics})
    for m in metrics:
        weekly[f"{m}_attainment"] = att[m]
    weekly["attainment"] = att.mean(axis=1)
    final_window = weekly["attainment"].iloc[-rules.final_weeks:]
    final = float(final_window.mean())
    lowest = float(final_window.min())
    opening = float(weekly["attainment"].iloc[:rules.final_weeks].mean())
    eps = 1e-12
    p = {"final": percent(final), "n": rules.final_weeks, "pass_level": percent(rules.pass_level),
         "floor": percent(rules.floor), "lowest": percent(lowest), "extend_level": percent(rules.extend_level)}
    reasons: list[tuple[str, dict]] = [("trend", {"opening": percent(opening), "final": percent(final),
                                                  "n": rules.final_weeks})]
    next_date = None
    if final + eps >= rules.pass_level and lowest + eps >= rules.floor:
        outcome = PipOutcome.PASSED
        reasons.insert(0, ("passed", p))
    elif final + eps >= rules.extend_level and plan.extensions_used < rules.max_extensions:
        outcome = PipOutcome.EXTENDED
        next_date = plan.evaluation_date + timedelta(days=rules.extension_days)
        why = "extended_floor" if final + eps >= rules.pass_level else "extended"
        reasons.insert(0, (why, {**p, "days": rules.extension_days, "date": next_date.isoformat()}))
    else:
        outcome = PipOutcome.EXIT
        why = "exit_extensions" if final + eps >= rules.extend_level else "exit"
        reasons.insert(0, (why, {**p, "max": rules.max_extensions}))
    return PipResult(outcome=outcome, weekly=weekly, final=final, opening=opening, lowest_final=lowest,
                     next_date=next_date, reasons=reasons)
