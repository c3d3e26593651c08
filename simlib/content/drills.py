"""The course's drills with immediate feedback (COURSE.md §9): one checker per drill, answer keys for
trainers only.

Each checker takes a trainee's answer (a plain dict, as an app or a notebook collects it) and
returns a :class:`Feedback`: items ``(level, key, params)`` — ``ok``, ``hint`` or ``problem`` — that
:meth:`Feedback.lines` renders in 繁體中文, 简体中文 or English from the catalog
(``simlib/locales/drills.<lang>.yaml``), a score (done / total checks) and ``passed``::

    >>> fb = check_okr_scoring({"scores": {"kr1": 0.7, "kr2": 0.86, "kr3": 1.0}, "objective": 0.85})
    >>> fb.passed, fb.done, fb.total
    (False, 2, 4)
    >>> print("\\n".join(fb.lines("en")))
    Key result "Social-media followers +30 %": right.
    Key result "Engagement of 18–25s +25 %": that looks like actual ÷ target. Score the progress from the baseline to the target instead.
    Key result "Brand mentions in the target group +40 %": right.
    The objective's score follows from the key results: correct those first.

The feedback points at what is missing or wrong and never states the expected answer. The
expected answers, tolerances and sample answers live in ``exercises/keys/<drill>.yaml`` and are read
only by :func:`load_key` — inside the checkers, never handed to a page. What a trainee may see (the
background data, the sample pitch, the account list, the objection scenario) is in
``exercises/material/<drill>.yaml`` (:func:`load_material`), in the three languages.

The drills (COURSE.md §9): ``smart_target`` (S1 drill 01), ``decomposition`` (S1 drill 02),
``mid_quarter_review`` (S1 drill 03, simulated), ``self_check``, ``pitch_scoring`` and
``improvement_plan`` (S3), ``screening_341``, ``abc_tiering``, ``coin_feedback`` and ``okr_scoring``
(S0), ``objection_handling`` (LAER, S3; the 5A method's objection steps, S0) and ``group_work`` (S3's
60-minute group work: persona, competition, strategy, objections, a 5-minute pitch). Bad input (a text where
a number belongs, an unknown option) raises :class:`simlib.ScenarioError` naming the field, with
its own ``error.drills_*`` messages; an incomplete answer is feedback, not an error.
"""
from __future__ import annotations

import copy
import difflib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from simlib.analysis.achievability import achievability
from simlib.base.i18n import LANGUAGES, t
from simlib.base.paths import content_root, exercises_dir
from simlib.base.schema import Issue, ScenarioError
from simlib.core.funnel import required_leads
from simlib.core.scenario import load_scenario
from simlib.formulas.appraisal import (
    _NUMBER_RE,
    _TIME_RE,
    COIN_PARTS,
    PITCH_RUBRIC,
    CoinFeedback,
    score_pitches,
    self_check,
)
from simlib.formulas.customers import abc_tiers, screen_prospects
from simlib.formulas.smart import ACHIEVABLE_AT, TOO_EASY_ABOVE, smart_check
from simlib.formulas.targets import okr_score, split

__all__ = [
    "CHECKERS",
    "DRILLS",
    "LEVELS",
    "Feedback",
    "FeedbackItem",
    "Ref",
    "check",
    "check_abc_tiering",
    "check_coin_feedback",
    "check_decomposition",
    "check_group_work",
    "check_improvement_plan",
    "check_mid_quarter_review",
    "check_objection_handling",
    "check_okr_scoring",
    "check_pitch_scoring",
    "check_screening_341",
    "check_self_check",
    "check_smart_target",
    "diagnose_review",
    "exercises_dir",
    "load_key",
    "load_material",
    "localize",
    "payback_months",
    "project_quarter",
    "review_dashboard",
]

DRILLS: tuple[str, ...] = (
    "smart_target", "decomposition", "mid_quarter_review", "self_check", "pitch_scoring", "improvement_plan",
    "screening_341", "abc_tiering", "coin_feedback", "okr_scoring", "objection_handling", "group_work",
)
"""The drills of COURSE.md §9, in course order (S1 drills 01–03, S3, S0, selling skills §7 and S3's group work)."""

LEVELS: tuple[str, ...] = ("ok", "hint", "problem")

ROOT = content_root()


# ---------------------------------------------------------------------------------------------
# Feedback
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ref:
    """A catalog text used as a parameter of another (a stage's or criterion's name), rendered in
    the reader's language when the line is."""
    key: str
    params: dict = field(default_factory=dict)


def _render(value: Any, lang: str | None) -> Any:
    if isinstance(value, Ref):
        text = t(value.key, lang, **{k: _render(v, lang) for k, v in value.params.items()})
        return value.key.rsplit(".", 1)[-1] if text == value.key else text
    if isinstance(value, Mapping) and value and set(value) <= set(LANGUAGES):
        return _pick(value, lang)
    if isinstance(value, (list, tuple)):
        return t("drills.sep", lang).join(str(_render(v, lang)) for v in value)
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, Ref):
        return {"key": value.key, "params": _jsonable(value.params)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value


@dataclass(frozen=True)
class FeedbackItem:
    """One line of feedback: ``level`` (``ok``, ``hint`` or ``problem``), a catalog ``key`` and its
    ``params`` (numbers already formatted; :class:`Ref` and ``{lang: text}`` values are localised)."""
    level: str
    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, **{k: _render(v, lang) for k, v in self.params.items()})


@dataclass
class Feedback:
    """What a checker says about one answer.

    ``items``: the feedback lines in order; ``done`` of ``total`` checks passed (``score`` = the
    share in percent); ``passed``: the answer is right (each drill documents its rule); ``data``:
    tables or numbers an app may chart (e.g. drill 03's projection) — computed from the answer or a
    simulation, never from the answer key.

        >>> fb = Feedback("demo")
        >>> _ = fb.check(True, "drills.okr_scoring.kr_right", "drills.okr_scoring.kr_off", kr="KR1")
        >>> fb.score, fb.lines("zh-Hant")
        (100.0, ['關鍵結果「KR1」:正確。'])
    """
    drill: str
    items: list[FeedbackItem] = field(default_factory=list)
    done: int = 0
    total: int = 0
    passed: bool = False
    data: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        """Checks passed as a share of all checks, 0–100 (0 when nothing could be checked)."""
        return round(100 * self.done / self.total, 1) if self.total else 0.0

    def add(self, level: str, key: str, **params: Any) -> None:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}")
        self.items.append(FeedbackItem(level, key, params))

    def ok(self, key: str, **params: Any) -> None:
        self.add("ok", key, **params)

    def hint(self, key: str, **params: Any) -> None:
        self.add("hint", key, **params)

    def problem(self, key: str, **params: Any) -> None:
        self.add("problem", key, **params)

    def check(self, passed: bool, ok_key: str | None, bad_key: str, *, level: str = "problem", **params: Any) -> bool:
        """Count one check: on success add ``ok_key`` (if any), else ``bad_key`` at ``level``."""
        self.total += 1
        if passed:
            self.done += 1
            if ok_key:
                self.ok(ok_key, **params)
        else:
            self.add(level, bad_key, **params)
        return bool(passed)

    @property
    def problems(self) -> list[FeedbackItem]:
        return [i for i in self.items if i.level == "problem"]

    @property
    def hints(self) -> list[FeedbackItem]:
        return [i for i in self.items if i.level == "hint"]

    def lines(self, lang: str | None = None) -> list[str]:
        """Every item's text in ``lang``."""
        return [i.text(lang) for i in self.items]

    def rows(self, lang: str | None = None) -> list[tuple[str, str]]:
        """``(level, text)`` per item, for an app that styles the levels."""
        return [(i.level, i.text(lang)) for i in self.items]

    def headline(self, lang: str | None = None) -> str:
        """One line: passed or not yet, and how many checks passed."""
        key = "drills.result.passed" if self.passed else "drills.result.not_yet"
        return t(key, lang, done=self.done, total=self.total, score=f"{self.score:g}")

    def as_dict(self) -> dict:
        """A JSON-ready record (drill, passed, score, done, total, items) — what an answer store keeps."""
        return {"drill": self.drill, "passed": self.passed, "score": self.score, "done": self.done,
                "total": self.total, "items": [{"level": i.level, "key": i.key, "params": _jsonable(i.params)}
                                               for i in self.items]}


# ---------------------------------------------------------------------------------------------
# Keys and material
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _read_yaml(path: str, _mtime: int) -> Any:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _load(kind: str, drill: str) -> dict:
    if drill not in DRILLS:
        raise ScenarioError.at("drill", "choice", expected=", ".join(DRILLS), input=repr(drill))
    path = exercises_dir() / kind / f"{drill}.yaml"
    if not path.is_file():
        raise ScenarioError.at("drill", "drills_no_file", kind=kind, drill=drill)
    return copy.deepcopy(_read_yaml(str(path), path.stat().st_mtime_ns))


def load_key(drill: str) -> dict:
    """The trainer's answer key of ``drill`` (``exercises/keys/<drill>.yaml``): expected answers,
    tolerances, a sample answer. For checkers and trainers — an app never sends it to a page.

        >>> sorted(load_key("okr_scoring")["expected"]["scores"])
        ['kr1', 'kr2', 'kr3']
    """
    return _load("keys", drill)


def load_material(drill: str, lang: str | None = None) -> dict:
    """What a trainee may see for ``drill`` (``exercises/material/<drill>.yaml``); with ``lang``,
    every ``{zh-Hant, zh-Hans, en}`` text is replaced by its text in that language.

        >>> load_material("okr_scoring", "en")["objective"]
        "Raise the brand's influence among 18–25-year-olds"
        >>> load_material("okr_scoring", "zh-Hans")["key_results"][0]["label"]
        '社交媒体粉丝增长 30 %'
    """
    data = _load("material", drill)
    return localize(data, lang) if lang else data


def _pick(texts: Mapping, lang: str | None) -> str:
    from simlib.base.i18n import get_language, normalize_lang
    lang = normalize_lang(lang) if lang else get_language()
    for cand in (lang, "zh-Hant", "en", *texts):
        if cand in texts:
            return str(texts[cand])
    return ""  # pragma: no cover - texts is not empty


def localize(obj: Any, lang: str | None) -> Any:
    """``obj`` with every ``{zh-Hant: …, zh-Hans: …, en: …}`` mapping replaced by its text in ``lang``.

        >>> localize({"a": {"zh-Hant": "甲", "zh-Hans": "甲", "en": "A"}, "n": [1, {"en": "x", "zh-Hant": "叉"}]}, "en")
        {'a': 'A', 'n': [1, 'x']}
    """
    if isinstance(obj, Mapping):
        if obj and set(obj) <= set(LANGUAGES) and all(isinstance(v, str) for v in obj.values()):
            return _pick(obj, lang)
        return {k: localize(v, lang) for k, v in obj.items()}
    if isinstance(obj, list):
        return [localize(v, lang) for v in obj]
    return obj


def _key_mat(drill: str, key: Mapping | None, material: Mapping | None) -> tuple[dict, dict]:
    return (dict(key) if key is not None else load_key(drill),
            dict(material) if material is not None else load_material(drill))


def _scenario_path(ref: str) -> Path:
    path = Path(ref)
    return path if path.is_absolute() else ROOT / path


# ---------------------------------------------------------------------------------------------
# Input helpers: bad input raises ScenarioError naming the field
# ---------------------------------------------------------------------------------------------

def _show(v: Any) -> Any:
    return repr(v) if isinstance(v, str) else (type(v).__name__ if isinstance(v, (dict, list, tuple)) else v)


def _mapping(v: Any, path: str) -> dict:
    if v is None:
        return {}
    if not isinstance(v, Mapping):
        raise ScenarioError.at(path, "type_mapping", input=type(v).__name__)
    return dict(v)


def _known(d: Mapping, allowed: Sequence[str], path: str) -> None:
    issues = []
    for k in d:
        if str(k) in allowed:
            continue
        near = difflib.get_close_matches(str(k), list(allowed), n=1, cutoff=0.5)
        where = f"{path}.{k}" if path else str(k)
        issues.append(Issue(where, "unknown_key_suggest", {"suggestion": near[0]}) if near else
                      Issue(where, "unknown_key", {"valid": ", ".join(allowed)}))
    if issues:
        raise ScenarioError(issues)


def _list(v: Any, path: str) -> list:
    if v is None:
        return []
    if isinstance(v, (str, bytes, Mapping)) or not isinstance(v, (Sequence, np.ndarray, pd.Series)):
        raise ScenarioError.at(path, "type_list", input=type(v).__name__)
    return list(v)


def _text(v: Any, path: str) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        raise ScenarioError.at(path, "type_text", input=_show(v))
    return v.strip()


def _number(v: Any, path: str) -> float | None:
    """A finite number, or None for a blank; numeric text ("1,200,000") is read as a number."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, str):
        try:
            x = float(v.strip().replace(",", "").replace("，", ""))
        except ValueError:
            raise ScenarioError.at(path, "type_number", input=_show(v)) from None
    elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise ScenarioError.at(path, "type_number", input=_show(v))
    else:
        x = float(v)
    if not math.isfinite(x):
        raise ScenarioError.at(path, "type_number", input=v)
    return x


def _range(v: Any, path: str, low: float, high: float) -> float | None:
    x = _number(v, path)
    if x is not None and not low <= x <= high:
        raise ScenarioError.at(path, "drills_range", low=_fmt(low), high=_fmt(high), input=_fmt(x))
    return x


def _choice(v: Any, path: str, valid: Sequence[str]) -> str:
    if not isinstance(v, str) or v not in valid:
        raise ScenarioError.at(path, "choice", expected=", ".join(valid), input=_show(v))
    return v


def _date(v: Any, path: str) -> date | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ScenarioError.at(path, "drills_date", input=_show(v))


def _frac(x: float) -> Fraction:
    return Fraction(repr(float(x))) if isinstance(x, float) else Fraction(x)


def _fmt(x: float) -> str:
    """A number as people write it: 1,200,000 · 0.35 · 12.5."""
    x = float(x)
    if x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _signed_pct(x: float) -> str:
    return ("+" if x >= 0 else "−") + f"{abs(x):.0%}"


def _signed(x: float) -> str:
    """Percentage points with their sign: +9.1, −1.6."""
    return ("+" if x >= 0 else "−") + f"{abs(x):.1f}"


def _has_any(text: str, words: Sequence[str]) -> bool:
    low = text.lower()
    return any(str(w).lower() in low for w in words)


# ---------------------------------------------------------------------------------------------
# Drill 01: a SMART target (S1 drill 01)
# ---------------------------------------------------------------------------------------------
_UNITS = {"yuan": 1, "10k_yuan": 10_000, "million_yuan": 1_000_000}
_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(百萬|百万|萬|万|億|亿|千|million|mn|m\b|k\b|%|％|個百分點|个百分点|"
                     r"percent)?", re.IGNORECASE)
_MULT = {"百萬": 1e6, "百万": 1e6, "萬": 1e4, "万": 1e4, "億": 1e8, "亿": 1e8, "千": 1e3, "million": 1e6, "mn": 1e6,
         "m": 1e6, "k": 1e3}
_PERCENT = ("%", "％", "percent", "個百分點", "个百分点")
_UNIT_WORDS = ("元", "萬", "万", "億", "亿", "yuan", "rmb", "cny", "¥", "￥", "%", "％", "million", "百分點", "百分点",
               "percent", "個", "个", "家", "位", "件", "單", "单", "筆", "笔", "份", "台", "套", "customer", "client",
               "deal", "unit", "order", "account")


def _amounts(text: str) -> tuple[list[float], list[float]]:
    """Amounts (in yuan, 萬/million applied) and percentages written in a target's text."""
    values, pcts = [], []
    for m in _AMOUNT.finditer(text):
        x = float(m.group(1).replace(",", ""))
        unit = (m.group(2) or "").lower()
        if unit in _PERCENT:
            pcts.append(x)
        else:
            values.append(x * _MULT.get(unit, 1))
    return values, pcts


def check_smart_target(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None,
                       simulate: bool = True, n: int | None = None) -> Feedback:
    """S1 drill 01 (COURSE.md §1, §9): a SMART target for next quarter.

    ``answer``: ``{statement, target, unit, deadline}`` — the sentence, the number, its unit
    (``yuan``, ``10k_yuan``, ``million_yuan``) and an ISO date. Checked: specific, measurable and
    time-bound (:func:`simlib.formulas.smart.smart_check`), a number with its unit that matches the sentence,
    a deadline inside the quarter, the growth over last year's same period, and — with
    ``simulate`` — whether the team's simulated quarter reaches it (:func:`simlib.analysis.achievability.achievability`
    on the material's scenario, ``n`` runs). Passed: no problem.

        >>> fb = check_smart_target({"statement": "提高銷售額"}, simulate=False)   # S1's vague target
        >>> fb.passed, fb.done, fb.total
        (False, 0, 5)
        >>> print("\\n".join(fb.lines("zh-Hant")[1:]))
        加上數字:金額、數量或百分比(例如「銷售額增長10%」「新增A類客戶10個」)。
        加上期限:「下季度」「第二季度」「6月30日前」。
        也請把目標填成數字,才能與去年同期比較並做模擬。
        請填寫完成期限(日期)。
    """
    key, mat = _key_mat("smart_target", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("statement", "target", "unit", "deadline"), "")
    statement = _text(a.get("statement"), "statement")
    target = _number(a.get("target"), "target")
    unit = None if a.get("unit") in (None, "") else _choice(a.get("unit"), "unit", list(_UNITS))
    deadline = _date(a.get("deadline"), "deadline")
    fb = Feedback("smart_target")
    exp = key.get("expected", {})
    last = float(mat["history"][-1]["sales"])

    # -- the statement: S, M, T
    if not statement:
        fb.total += 3
        fb.problem("drills.smart_target.no_statement")
    else:
        rep = smart_check(statement)
        fb.check(rep.specific, "drills.smart_target.ok.specific", "smart.hint.specific")
        fb.check(rep.measurable, "drills.smart_target.ok.measurable", "smart.hint.measurable")
        if rep.measurable and not rep.found["number"]:
            fb.hint("smart.hint.binary")
        fb.check(rep.time_bound, "drills.smart_target.ok.time_bound", "smart.hint.time_bound")
        if rep.found["number"] and not _has_any(statement, _UNIT_WORDS):
            fb.hint("drills.smart_target.statement_unit")

    # -- the number, its unit, the growth and achievability
    if target is None:
        fb.check(False, None, "drills.smart_target.no_target")
    elif unit is None:
        fb.check(False, None, "drills.smart_target.no_unit")
    elif target <= 0:
        fb.check(False, None, "drills.smart_target.not_positive")
    else:
        yuan = target * _UNITS[unit]
        fb.check(True, None, "")
        growth = yuan / last - 1
        if statement:
            values, pcts = _amounts(statement)
            tol = float(key.get("number_tolerance", 0.01))
            tol_pp = float(key.get("growth_tolerance_pp", 1.0))
            same = (any(abs(v - yuan) <= tol * yuan for v in values)
                    or any(abs(p - growth * 100) <= tol_pp for p in pcts))
            fb.check(same, "drills.smart_target.ok.consistent", "drills.smart_target.mismatch",
                     amount=_fmt(yuan))
        g = exp.get("growth", {})
        if growth < float(g.get("min", 0.0)) - 1e-12:
            fb.check(False, None, "drills.smart_target.below_history", growth=_signed_pct(growth), last=_fmt(last))
        elif growth > float(g.get("max", 0.25)) + 1e-12:
            fb.check(False, None, "drills.smart_target.above_trend", level="hint", growth=_signed_pct(growth),
                     last=_fmt(last))
        else:
            fb.check(True, "drills.smart_target.ok.growth", "", growth=_signed_pct(growth), last=_fmt(last))
        if simulate:
            cfg = key.get("achievability", {})
            prob = achievability(load_scenario(_scenario_path(mat["scenario"])), yuan,
                                 metric=cfg.get("metric", "revenue"), n=int(n or cfg.get("n", 200)),
                                 seed=int(cfg.get("seed", 0)))
            pct = {k: f"{prob[k]:.0%}" for k in ("probability", "low", "high")}
            fb.data["achievability"] = prob
            if prob["probability"] < ACHIEVABLE_AT:
                fb.check(False, None, "smart.hint.too_hard", **pct)
            elif prob["probability"] > TOO_EASY_ABOVE:
                fb.check(False, None, "smart.hint.too_easy", level="hint", **pct)
            else:
                fb.check(True, "smart.hint.achievable", "", **pct)

    # -- the deadline
    q = mat["quarter"]
    start, end = _date(q["start"], "quarter.start"), _date(q["end"], "quarter.end")
    if deadline is None:
        fb.check(False, None, "drills.smart_target.no_deadline")
    else:
        fb.check(start <= deadline <= end, "drills.smart_target.ok.deadline", "drills.smart_target.deadline_outside",
                 deadline=deadline.isoformat(), quarter=q["label"], start=start.isoformat(), end=end.isoformat())
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# Drill 02: decomposition matrix and action metrics (S1 drill 02)
# ---------------------------------------------------------------------------------------------
def check_decomposition(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S1 drill 02 (COURSE.md §1, §2, §9): quarter -> months -> weeks, and 3–5 action metrics.

    ``answer``: ``{quarter_target (optional), months: {m1: yuan, …}, weeks: {m1: [yuan, …], …},
    metrics: [{metric, value, per, scope, stage, owner, standard}, …]}``. Checked: the months add up
    *exactly* to the quarter and each month's weeks to the month (no "black hole"), the calendar's
    week count, the month split against last year's pattern, 3–5 metrics each with a value, an owner
    and a standard, at least one process metric, and every count metric against the reverse funnel
    (:func:`simlib.core.funnel.required_leads` from the target, with the group's own conversion standards
    where it sets them). Passed: no problem.

        >>> fb = check_decomposition({"months": {"m1": 400000, "m2": 400000, "m3": 300000}})
        >>> fb.passed, fb.problems[0].text("en")
        (False, 'The months add up to 1,100,000: 100,000 short of the quarter target 1,200,000 — a "black hole".')
    """
    key, mat = _key_mat("decomposition", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("quarter_target", "months", "weeks", "metrics"), "")
    fb = Feedback("decomposition")
    quarter = _number(a.get("quarter_target", mat["quarter_target"]), "quarter_target")
    if quarter is None or quarter <= 0:
        raise ScenarioError.at("quarter_target", "greater_than", limit=0, input=_show(a.get("quarter_target")))
    months_mat = mat["months"]
    ids = [m["id"] for m in months_mat]
    label = {m["id"]: m["label"] for m in months_mat}
    months = _mapping(a.get("months"), "months")
    _known(months, ids, "months")
    values = {m: _number(months[m], f"months.{m}") for m in ids if m in months}
    for m in ids:
        if values.get(m) is None:
            values.pop(m, None)
            fb.check(False, None, "drills.decomposition.month_missing", month=label[m])
        elif values[m] < 0:
            raise ScenarioError.at(f"months.{m}", "greater_than_equal", limit=0, input=_fmt(values[m]))
    if len(values) == len(ids):
        total = sum(_frac(v) for v in values.values())
        gap = _frac(quarter) - total
        p = {"total": _fmt(float(total)), "target": _fmt(quarter), "gap": _fmt(abs(float(gap)))}
        if gap > 0:
            fb.check(False, None, "drills.decomposition.months_short", **p)
        elif gap < 0:
            fb.check(False, None, "drills.decomposition.months_over", **p)
        else:
            fb.check(True, "drills.decomposition.ok.months_sum", "", **p)
        # the split against last year's monthly pattern
        ly = {m: float(v) for m, v in mat.get("last_year_month_sales", {}).items()}
        if ly and sum(ly.values()) > 0:
            dev = max(abs(values[m] / quarter - ly[m] / sum(ly.values())) for m in ids)
            fb.check(dev <= float(key.get("month_share_tolerance", 0.08)), "drills.decomposition.ok.seasonality",
                     "drills.decomposition.seasonality", level="hint")

    weeks = _mapping(a.get("weeks"), "weeks")
    _known(weeks, ids, "weeks")
    for spec in months_mat:
        m = spec["id"]
        if m not in weeks:
            fb.check(False, None, "drills.decomposition.weeks_missing", month=label[m])
            continue
        nums = [_number(v, f"weeks.{m}[{i}]") for i, v in enumerate(_list(weeks[m], f"weeks.{m}"))]
        if any(v is None for v in nums):
            fb.check(False, None, "drills.decomposition.week_blank", month=label[m])
            continue
        for i, v in enumerate(nums):
            if v < 0:
                raise ScenarioError.at(f"weeks.{m}[{i}]", "greater_than_equal", limit=0, input=_fmt(v))
        if len(nums) != int(spec["weeks"]):
            fb.check(False, None, "drills.decomposition.week_count", month=label[m], n=len(nums),
                     expected=int(spec["weeks"]))
        elif m in values:
            total = sum(_frac(v) for v in nums)
            fb.check(total == _frac(values[m]), "drills.decomposition.ok.weeks_sum", "drills.decomposition.weeks_sum",
                     month=label[m], total=_fmt(float(total)), value=_fmt(values[m]))

    _check_metrics(fb, a.get("metrics"), key, mat, quarter, len(ids))
    fb.passed = not fb.problems
    return fb


def _check_metrics(fb: Feedback, raw: Any, key: Mapping, mat: Mapping, quarter: float, n_months: int) -> None:
    metrics = _list(raw, "metrics")
    cnt = key.get("metrics_count", {"min": 3, "max": 5})
    lo, hi = int(cnt.get("min", 3)), int(cnt.get("max", 5))
    fb.check(lo <= len(metrics) <= hi, "drills.decomposition.ok.metric_count", "drills.decomposition.metric_count",
             n=len(metrics), min=lo, max=hi)
    spec = mat["metrics"]
    stages = [s["name"] for s in mat["stages"]]
    stage_label = {s["name"]: s["label"] for s in mat["stages"]}
    conv = {s["name"]: float(s["conversion"]) for s in mat["stages"]}
    seen: set[tuple] = set()
    counted: list[tuple[str, Any, float, str]] = []   # (metric, its label, planned per quarter, stage)
    process = False
    for i, m in enumerate(metrics):
        path = f"metrics[{i}]"
        m = _mapping(m, path)
        _known(m, ("metric", "value", "per", "scope", "stage", "owner", "standard"), path)
        name = _choice(m.get("metric"), f"{path}.metric", list(spec))
        lab = spec[name]["label"]
        per = _choice(m.get("per", "week"), f"{path}.per", list(mat["periods"]))
        scope = _choice(m.get("scope", "team"), f"{path}.scope", list(mat["scopes"]))
        value = _number(m.get("value"), f"{path}.value")
        owner = _text(m.get("owner"), f"{path}.owner")
        standard = _text(m.get("standard"), f"{path}.standard")
        stage = m.get("stage")
        if name == "conversion":
            if stage in (None, ""):
                fb.problem("drills.decomposition.conversion_stage", metric=lab)
                stage = None
            else:
                stage = _choice(stage, f"{path}.stage", stages)
                lab = Ref("drills.decomposition.conversion_of", {"stage": stage_label[stage]})
                if value is not None and not 0 < value <= 1:
                    raise ScenarioError.at(f"{path}.value", "drills_share", input=_fmt(value))
        process = process or spec[name].get("kind") == "process"
        ident = (name, stage)
        if ident in seen:
            fb.hint("drills.decomposition.duplicate", metric=lab)
        seen.add(ident)
        missing = [k for k, v in (("value", value), ("owner", owner), ("standard", standard)) if v in (None, "")]
        fb.total += 1
        for k in missing:
            fb.problem(f"drills.decomposition.no_{k}", metric=lab)
        if not missing:
            fb.done += 1
            fb.ok("drills.decomposition.ok.metric", metric=lab, owner=owner)
        if value is None or value < 0:
            continue
        if name == "conversion" and stage is not None:
            conv[stage] = value                      # the group's own standard for that stage
        elif spec[name].get("stage"):
            periods = {"week": int(mat["quarter"]["weeks"]), "month": n_months, "quarter": 1}[per]
            reps = int(mat["reps"]) if scope == "per_rep" else 1
            counted.append((name, lab, value * periods * reps, spec[name]["stage"]))
    fb.check(process, "drills.decomposition.ok.process", "drills.decomposition.no_process")
    if not counted:
        fb.hint("drills.decomposition.no_funnel_metric")
        return
    sc = load_scenario(_scenario_path(mat["scenario"]))
    sc = sc.with_changes({f"funnel.stages[{k}].conversion": conv[s] for k, s in enumerate(sc.stage_names)
                          if s in conv})
    won = quarter / float(mat["deal_value"])
    need = dict(required_leads(sc, won), won=won, revenue=quarter)
    tol = float(key.get("funnel_tolerance", 0.10))
    excess = float(key.get("funnel_excess", 3.0))
    for _name, lab, planned, stage in counted:
        ratio = planned / need[stage] if need[stage] > 0 else math.inf
        if ratio < 1 - tol - 1e-12:
            fb.check(False, None, "drills.decomposition.funnel_short", metric=lab)
        elif ratio > excess:
            fb.check(False, None, "drills.decomposition.funnel_excess", level="hint", metric=lab)
        else:
            fb.check(True, "drills.decomposition.ok.funnel", "", metric=lab)


# ---------------------------------------------------------------------------------------------
# Drill 03: the mid-quarter review (S1 drill 03), simulated
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _world_run(world_yaml: str, seed: int):
    from simlib.analysis.simulation import simulate
    return simulate(load_scenario(yaml.safe_load(world_yaml)), seed)


def _world(key: Mapping):
    """(scenario, seed, first week of the quarter as a time, the base run)."""
    world = key["world"]
    text = yaml.safe_dump(world, allow_unicode=True, sort_keys=True)
    sc = load_scenario(world)
    for part in ("incentives", "people"):
        if getattr(sc, part) is not None:
            raise ScenarioError.at(f"world.{part}", "drills_world")
    seed = int(key.get("seed", 0))
    return sc, seed, float(key.get("quarter_start_week", 0)), _world_run(text, seed)


def _window_funnel(res: Any, t0: float, t1: float) -> pd.DataFrame:
    """Per stage, the deals decided there (the stage's work finished) in weeks ``[t0, t1)``, how
    many passed, and the observed conversion."""
    v = res.visits
    v = v[(v["finished_at"] >= t0) & (v["finished_at"] < t1)]
    d = res.deals
    idx = v["deal_id"].to_numpy() - 1
    k = v["stage"].map({s: i for i, s in enumerate(res.scenario.stage_names)}).to_numpy()
    passed = (d["stage_index"].to_numpy()[idx] > k) | (d["outcome"].to_numpy()[idx] == "won")
    rows = []
    for i, s in enumerate(res.scenario.stage_names):
        mask = k == i
        n = int(mask.sum())
        p = int(passed[mask].sum())
        rows.append({"stage": s, "decided": n, "passed": p, "conversion": p / n if n else math.nan})
    return pd.DataFrame(rows)


def review_dashboard(*, key: Mapping | None = None, material: Mapping | None = None,
                     lang: str | None = None) -> dict:
    """The funnel dashboard at the mid-quarter review (COURSE.md §8: attainment, funnel-health and
    activity boards) — only what a manager sees up to the review, never the world's parameters.

    Returns ``weekly`` (one row per week of the quarter so far: leads, won, revenue, cumulative
    revenue, the target's pace, hours available and worked, utilisation, open deals at the week's
    end), ``funnel`` (per stage: plan conversion, deals decided so far, passed, observed conversion)
    and ``summary`` (completion, time elapsed, leads a week, utilisation, average won value, the
    backlog, each beside the plan).

        >>> d = review_dashboard()
        >>> round(d["summary"]["completion"], 2), round(d["summary"]["elapsed"], 2)
        (0.34, 0.46)
    """
    key, mat = _key_mat("mid_quarter_review", key, material)
    plan = mat["plan"]
    _sc, _seed, q0, res = _world(key)
    review = int(plan["review_week"])
    target = float(plan["quarter_target"])
    w = res.weekly()
    w = w[(w["week"] > q0) & (w["week"] <= q0 + review)].copy()
    w.insert(0, "quarter_week", (w["week"] - q0).astype(int))
    w["cum_revenue"] = w["revenue"].cumsum()
    w["target_pace"] = target * w["quarter_week"] / int(plan["weeks"])
    w["completion"] = w["cum_revenue"] / target
    weekly = w.drop(columns=["week"]).reset_index(drop=True)
    funnel = _window_funnel(res, q0, q0 + review)
    plan_conv = {s["name"]: float(s["conversion"]) for s in plan["stages"]}
    funnel.insert(1, "plan_conversion", funnel["stage"].map(plan_conv))
    if lang:
        labels = {s["name"]: _pick(s["label"], lang) for s in plan["stages"]}
        funnel.insert(1, "label", funnel["stage"].map(labels))
    deals = res.deals
    won = deals[(deals["outcome"] == "won") & (deals["closed_at"] >= q0) & (deals["closed_at"] < q0 + review)]
    plan_rev = float(plan["leads_per_week"]) * int(plan["weeks"]) * float(plan["deal_value"])
    for s in plan["stages"]:
        plan_rev *= float(s["conversion"])
    summary = {
        "target": target, "revenue": float(weekly["revenue"].sum()),
        "completion": float(weekly["revenue"].sum()) / target, "elapsed": review / int(plan["weeks"]),
        "leads_per_week": float(weekly["leads"].mean()), "plan_leads_per_week": float(plan["leads_per_week"]),
        "utilization": float(weekly["hours_worked"].sum() / weekly["hours_available"].sum()),
        "hours_available_per_week": float(weekly["hours_available"].mean()),
        "plan_hours_per_week": float(plan["reps"]) * float(plan["hours_per_week"]),
        "won": len(won), "avg_won_value": float(won["value"].mean()) if len(won) else math.nan,
        "plan_deal_value": float(plan["deal_value"]),
        "open_start": int(weekly["open_end"].iloc[0]), "open_end": int(weekly["open_end"].iloc[-1]),
        "plan_revenue": plan_rev,
    }
    return {"weekly": weekly, "funnel": funnel, "summary": summary}


def diagnose_review(*, key: Mapping | None = None, material: Mapping | None = None) -> list[str]:
    """The world's actual causes, read from the dashboard by the key's ``diagnosis`` rules (leads
    below plan, a stage's conversion well below plan on enough deals, hours fully used, deal value
    below plan, a target above the plan funnel). For checkers and trainers."""
    key, mat = _key_mat("mid_quarter_review", key, material)
    d = review_dashboard(key=key, material=mat)
    s, rules = d["summary"], key.get("diagnosis", {})
    causes = []
    if s["leads_per_week"] < float(rules.get("leads_ratio", 0.9)) * s["plan_leads_per_week"]:
        causes.append("leads")
    for r in d["funnel"].itertuples():
        if r.decided >= int(rules.get("min_decided", 30)) and \
                r.conversion < r.plan_conversion - float(rules.get("conversion_gap", 0.08)):
            causes.append(f"conversion:{r.stage}")
    if s["utilization"] >= float(rules.get("utilization", 0.95)):
        causes.append("capacity")
    if s["won"] and s["avg_won_value"] < float(rules.get("value_ratio", 0.9)) * s["plan_deal_value"]:
        causes.append("deal_value")
    if s["target"] > float(rules.get("target_ratio", 1.1)) * s["plan_revenue"]:
        causes.append("target_too_high")
    return causes


_LEVERS = ("leads_pct", "conversion_pp", "hours_per_week")


def _fixes(raw: Any, mat: Mapping) -> dict:
    """Validated fixes: ``{leads_pct, conversion_pp: {stage: points}, hours_per_week}`` within the levers."""
    f = _mapping(raw, "fixes")
    _known(f, _LEVERS, "fixes")
    lv = mat["levers"]
    stages = [s["name"] for s in mat["plan"]["stages"]]
    out = {"leads_pct": _range(f.get("leads_pct"), "fixes.leads_pct", 0, float(lv["leads_pct"]["max"])) or 0.0,
           "hours_per_week": _range(f.get("hours_per_week"), "fixes.hours_per_week", 0,
                                    float(lv["hours_per_week"]["max"])) or 0.0,
           "conversion_pp": {}}
    conv = _mapping(f.get("conversion_pp"), "fixes.conversion_pp")
    for s, v in conv.items():
        _choice(s, "fixes.conversion_pp", stages)
        x = _range(v, f"fixes.conversion_pp.{s}", 0, float(lv["conversion_pp"]["max"])) or 0.0
        if x > 0:
            out["conversion_pp"][s] = x
    most = int(lv["conversion_pp"].get("max_stages", len(stages)))
    if len(out["conversion_pp"]) > most:
        raise ScenarioError.at("fixes.conversion_pp", "drills_max_stages", max=most, input=len(out["conversion_pp"]))
    return out


def _pin_decisions(sc: Any, uniforms: np.ndarray, base: Any, start: float) -> None:
    """Decisions the base run made before ``start`` are kept: passed -> uniform 0 (passes at any
    rate), lost -> 1 (fails at any rate)."""
    v = base.visits
    v = v[v["finished_at"] < start]
    i = v["deal_id"].to_numpy() - 1
    k = v["stage"].map({s: n for n, s in enumerate(sc.stage_names)}).to_numpy()
    d = base.deals
    passed = (d["stage_index"].to_numpy()[i] > k) | (d["outcome"].to_numpy()[i] == "won")
    uniforms[i, k] = np.where(passed, 0.0, 1.0)


def _future_world(sc: Any, seed: int, start: float, base: Any, k: int):
    """Another future after ``start`` on the same past: the deals that arrived before ``start`` keep
    their values, waits and reps and every decision already made (:func:`_pin_decisions`); their
    decisions still to come get fresh draws, and the leads after ``start`` come from another world
    (future ``k``'s own streams)."""
    from simlib.core import engine
    w = engine.draw_world(sc, seed)
    other = engine.draw_world(sc, int(np.random.SeedSequence([int(seed), 7001, k]).generate_state(1)[0]))
    pre, post = w.arrivals < start, other.arrivals >= start
    fresh = np.random.default_rng([int(seed), 7002, k]).random(w.uniforms[pre].shape)
    uniforms = np.vstack([fresh, other.uniforms[post]])
    _pin_decisions(sc, uniforms, base, start)

    def join(a: Any, b: Any) -> Any:
        return None if a is None else np.concatenate([a[pre], b[post]])
    return engine.World(join(w.arrivals, other.arrivals), join(w.values, other.values), uniforms,
                        None if w.waits is None else np.vstack([w.waits[pre], other.waits[post]]),
                        join(w.random_reps, other.random_reps), w.seed, w.skills, w.people)


def _run_with_fixes(sc: Any, seed: int, start: float, fixes: Mapping, base: Any, *, world: Any = None,
                    future: int | None = None):
    """The world run again with ``fixes`` in force from time ``start`` (weeks): every decision made
    before ``start`` is kept as it was (its deal's uniform pinned), extra leads arrive only from
    ``start`` (a stream of their own), extra hours count from the week ``start`` begins. Before
    ``start`` the run is the base run, deal for deal (common random numbers). ``world``: run in this
    world instead of the seed's (another future, :func:`_future_world`; ``future`` is its index, which
    also gives the extra leads a stream of their own)."""
    from simlib.core import engine
    from simlib.core.results import SimResult
    conv, extra_leads, extra_hours = fixes["conversion_pp"], fixes["leads_pct"], fixes["hours_per_week"]
    if not conv and not extra_leads and not extra_hours:
        return base
    w = world if world is not None else engine.draw_world(sc, seed)
    arrivals, values, uniforms = w.arrivals, w.values, w.uniforms.copy()
    waits, random_reps = w.waits, w.random_reps
    _pin_decisions(sc, uniforms, base, start)
    new_sc = sc
    if conv:
        new_sc = sc.with_changes({f"funnel.stages[{sc.stage_names.index(s)}].conversion":
                                  min(1.0, sc.funnel.stages[sc.stage_names.index(s)].conversion + pp / 100)
                                  for s, pp in conv.items()})
    if extra_leads:
        extra_seed = int(np.random.SeedSequence([int(seed), 2003] + ([] if future is None else [future]))
                         .generate_state(1)[0])
        ew = engine.draw_world(sc.with_changes({"leads.per_week": sc.leads.per_week * extra_leads / 100}), extra_seed)
        keep = ew.arrivals >= start
        arrivals = np.concatenate([arrivals, ew.arrivals[keep]])
        values = np.concatenate([values, ew.values[keep]])
        uniforms = np.vstack([uniforms, ew.uniforms[keep]])
        if waits is not None:
            waits = np.vstack([waits, ew.waits[keep]])
        if random_reps is not None:
            random_reps = np.concatenate([random_reps, ew.random_reps[keep]])
        order = np.argsort(arrivals, kind="stable")
        arrivals, values, uniforms = arrivals[order], values[order], uniforms[order]
        waits = waits[order] if waits is not None else None
        random_reps = random_reps[order] if random_reps is not None else None
    caps = np.repeat(np.asarray(sc.team.hours(), float)[:, None], sc.horizon_weeks, axis=1)
    caps[:, math.ceil(start):] += extra_hours
    world = engine.World(arrivals, values, uniforms, waits, random_reps, w.seed, w.skills, w.people)
    return SimResult(new_sc, world, engine.run(new_sc, world, caps=caps))


def _quarter_cum(res: Any, q0: float, weeks: int) -> np.ndarray:
    w = res.weekly()
    w = w[(w["week"] > q0) & (w["week"] <= q0 + weeks)]
    return w["revenue"].cumsum().to_numpy()


def project_quarter(fixes: Mapping | None = None, *, futures: int = 0, level: float = 0.8,
                    key: Mapping | None = None, material: Mapping | None = None) -> dict:
    """Simulate the rest of the quarter after the review, with ``fixes`` in force from the next
    week and without them, on the same world (COURSE.md §9 drill 3): what an app charts.

    ``fixes``: ``{leads_pct: % more new leads a week, conversion_pp: {stage: points}, hours_per_week:
    extra selling hours per rep}`` within the material's levers. Returns ``table`` (one row per
    week of the quarter: ``actual`` cumulative revenue up to the review, ``baseline`` and
    ``with_fixes`` cumulative revenue, ``target_pace``), the projected completions ``baseline`` and
    ``with_fixes`` (share of the target) and ``gain_pp``.

    The rest of the quarter is one seeded future; ``futures`` > 0 also runs that many other futures on
    the same past (:func:`_future_world`: the weeks before the review stay as they were, the
    decisions still to come and the new leads are drawn again), each with and without the fixes
    (common random numbers), and adds ``band`` — per week the central ``level`` interval of cumulative
    revenue without and with the fixes (``baseline_low`` … ``with_fixes_high``) — and ``spread``:
    per scenario the interval of the quarter's completion and ``better``, the share of futures where
    the fixes end higher.

        >>> p = project_quarter({"hours_per_week": 8})
        >>> p["with_fixes"] > p["baseline"], list(p["table"].columns)
        (True, ['quarter_week', 'actual', 'baseline', 'with_fixes', 'target_pace'])
        >>> p = project_quarter({"hours_per_week": 8}, futures=10)
        >>> p["spread"]["better"], p["spread"]["with_fixes"][0] <= p["spread"]["with_fixes"][1]
        (1.0, True)
    """
    key, mat = _key_mat("mid_quarter_review", key, material)
    plan = mat["plan"]
    fx = _fixes(fixes, mat)
    sc, seed, q0, base = _world(key)
    weeks, review = int(plan["weeks"]), int(plan["review_week"])
    target = float(plan["quarter_target"])
    fixed = _run_with_fixes(sc, seed, q0 + review, fx, base)
    b, f = _quarter_cum(base, q0, weeks), _quarter_cum(fixed, q0, weeks)
    qw = np.arange(1, weeks + 1)
    table = pd.DataFrame({"quarter_week": qw, "actual": np.where(qw <= review, b, np.nan), "baseline": b,
                          "with_fixes": f, "target_pace": target * qw / weeks})
    out = {"table": table, "baseline": float(b[-1]) / target, "with_fixes": float(f[-1]) / target}
    out["gain_pp"] = (out["with_fixes"] - out["baseline"]) * 100
    if futures > 0:
        if not 0 < level < 1:
            raise ScenarioError.at("level", "drills_range", low=0, high=1, input=_fmt(level))
        out.update(_futures(sc, seed, q0, review, weeks, target, fx, base, int(futures), level))
    return out


def _futures(sc: Any, seed: int, q0: float, review: int, weeks: int, target: float, fx: Mapping, base: Any,
             n: int, level: float) -> dict:
    from simlib.core import engine
    from simlib.core.results import SimResult
    start = q0 + review
    bases, fixed = [], []
    for k in range(n):
        world = _future_world(sc, seed, start, base, k)
        b_k = SimResult(sc, world, engine.run(sc, world))
        bases.append(_quarter_cum(b_k, q0, weeks))
        fixed.append(_quarter_cum(_run_with_fixes(sc, seed, start, fx, b_k, world=world, future=k), q0, weeks))
    lo, hi = (1 - level) / 2, (1 + level) / 2
    bs, fs = np.vstack(bases), np.vstack(fixed)
    band = pd.DataFrame({"quarter_week": np.arange(1, weeks + 1),
                         "baseline_low": np.quantile(bs, lo, axis=0), "baseline_high": np.quantile(bs, hi, axis=0),
                         "with_fixes_low": np.quantile(fs, lo, axis=0), "with_fixes_high": np.quantile(fs, hi, axis=0)})
    band.loc[band["quarter_week"] <= review, ["baseline_low", "baseline_high", "with_fixes_low",
                                              "with_fixes_high"]] = np.nan     # the past is not uncertain
    spread = {"futures": n, "level": level,
              "baseline": (float(np.quantile(bs[:, -1], lo)) / target, float(np.quantile(bs[:, -1], hi)) / target),
              "with_fixes": (float(np.quantile(fs[:, -1], lo)) / target, float(np.quantile(fs[:, -1], hi)) / target),
              "better": float(np.mean(fs[:, -1] > bs[:, -1]))}
    return {"band": band, "spread": spread}


def _lever_list(fx: Mapping, stage_labels: Mapping) -> list[tuple[dict, str, Any]]:
    """Each lever a fix moves: (the fix alone, the cause it answers, its label)."""
    out = []
    if fx["leads_pct"]:
        out.append(({"leads_pct": fx["leads_pct"]}, "leads", Ref("drills.mid_quarter_review.lever.leads")))
    for s, pp in fx["conversion_pp"].items():
        out.append(({"conversion_pp": {s: pp}}, f"conversion:{s}",
                    Ref("drills.mid_quarter_review.lever.conversion", {"stage": stage_labels[s]})))
    if fx["hours_per_week"]:
        out.append(({"hours_per_week": fx["hours_per_week"]}, "capacity", Ref("drills.mid_quarter_review.lever.hours")))
    return out


def check_mid_quarter_review(answer: Mapping, *, key: Mapping | None = None,
                             material: Mapping | None = None, futures: int | None = None) -> Feedback:
    """S1 drill 03 (COURSE.md §1, §2, §9): the review at 35 % completion.

    ``answer``: ``{causes: [cause ids of the material], fixes: {leads_pct, conversion_pp: {stage:
    points}, hours_per_week}}``. The causes are compared with the world's actual ones
    (:func:`diagnose_review`: what the dashboard shows); the fixes are simulated over the rest of the
    quarter (:func:`project_quarter`) and each lever also alone, so the feedback can say which lever
    does little, and on ``futures`` other futures of the same quarter (default: the key's ``futures``,
    20; 0 for none) to say how sure the gain is. ``data``: ``projection`` (the table to chart),
    ``completion`` (baseline, with fixes), ``by_lever`` (points each lever adds alone), and with
    futures ``band`` and ``spread`` (:func:`project_quarter`). Passed: exactly the actual causes, and
    fixes that lift the projected completion by the key's minimum.
    """
    key, mat = _key_mat("mid_quarter_review", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("causes", "fixes"), "")
    valid = list(mat["causes"])
    picked = list(dict.fromkeys(_choice(c, f"causes[{i}]", valid) for i, c in enumerate(_list(a.get("causes"), "causes"))))
    fx = _fixes(a.get("fixes"), mat)
    fb = Feedback("mid_quarter_review")
    actual = diagnose_review(key=key, material=mat)
    cause = {c: v["label"] for c, v in mat["causes"].items()}
    panel = {c: mat["panels"][v["panel"]] for c, v in mat["causes"].items()}
    # -- the diagnosis
    if not picked:
        fb.total += len(actual)
        fb.problem("drills.mid_quarter_review.no_causes")
    for c in picked:
        fb.check(c in actual, "drills.mid_quarter_review.cause_right", "drills.mid_quarter_review.cause_wrong",
                 cause=cause[c], panel=panel[c])
    missed = [c for c in actual if c not in picked]
    if missed and picked:
        fb.total += len(missed)
        fb.problem("drills.mid_quarter_review.cause_missed", n=len(missed))
        for p in dict.fromkeys(mat["causes"][c]["panel"] for c in missed):
            fb.hint("drills.mid_quarter_review.look_again", panel=mat["panels"][p])
    # -- the fixes
    levers = _lever_list(fx, {s["name"]: s["label"] for s in mat["plan"]["stages"]})
    n_futures = int(key.get("futures", 20) if futures is None else futures)
    proj = project_quarter(fx, futures=n_futures if levers else 0, key=key, material=mat)
    fb.data.update(projection=proj["table"], completion={"baseline": proj["baseline"], "with_fixes": proj["with_fixes"]})
    if "band" in proj:
        fb.data.update(band=proj["band"], spread=proj["spread"])
    min_gain = float(key.get("min_gain_pp", 5))
    if not levers:
        fb.check(False, None, "drills.mid_quarter_review.no_fixes", baseline=_pct(proj["baseline"]))
    else:
        for _, c, lab in levers:
            if c not in picked:
                fb.hint("drills.mid_quarter_review.fix_unlinked", fix=lab)
        fixed_causes = {c for _, c, _ in levers}
        for c in picked:
            if (c in ("leads", "capacity") or c.startswith("conversion:")) and c not in fixed_causes:
                fb.hint("drills.mid_quarter_review.cause_unfixed", cause=cause[c])
        p = {"baseline": _pct(proj["baseline"]), "with_fixes": _pct(proj["with_fixes"]),
             "gain": _signed(proj["gain_pp"])}
        fb.check(proj["gain_pp"] >= min_gain, "drills.mid_quarter_review.projection",
                 "drills.mid_quarter_review.fix_weak", **p)
        if "spread" in proj:
            sp = proj["spread"]
            fb.add("ok" if sp["better"] >= 0.8 else "hint", "drills.mid_quarter_review.futures", n=sp["futures"],
                   review=int(mat["plan"]["review_week"]), share=_pct(sp["level"]),
                   baseline=f"{_pct(sp['baseline'][0])}–{_pct(sp['baseline'][1])}",
                   with_fixes=f"{_pct(sp['with_fixes'][0])}–{_pct(sp['with_fixes'][1])}", better=_pct(sp["better"]))
        by_lever = {}
        for alone, c, lab in levers:
            gain = proj["gain_pp"] if len(levers) == 1 else project_quarter(alone, key=key, material=mat)["gain_pp"]
            by_lever[c] = gain
            if gain < 1.0:
                fb.hint("drills.mid_quarter_review.lever_idle", fix=lab, gain=_signed(gain))
        fb.data["by_lever"] = by_lever
        if proj["with_fixes"] >= 1:
            fb.ok("drills.mid_quarter_review.on_track")
    fb.passed = set(picked) == set(actual) and bool(levers) and proj["gain_pp"] >= min_gain
    return fb


# ---------------------------------------------------------------------------------------------
# S3: the weekly self-check sheet
# ---------------------------------------------------------------------------------------------
_SHARE_ROWS = ("satisfaction",)


def check_self_check(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S3's weekly self-check sheet (COURSE.md §4, §9 drill 6), filled from a week's CRM log.

    ``answer``: ``{actuals: {row: number}, completion: {row: share} (optional), behind: [rows],
    focus: row, action: text}``. Checked: each actual against the log (recount hints name the row,
    not the number), the trainee's completion = actual ÷ target, the rows behind (from the trainee's
    own actuals, :func:`simlib.formulas.appraisal.self_check`), the focus row among them, and an action with a
    number and a time. Passed: no problem. ``data["sheet"]``: the sheet from the trainee's actuals.
    """
    key, mat = _key_mat("self_check", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("actuals", "completion", "behind", "focus", "action"), "")
    targets = {k: float(v) for k, v in mat["targets"].items()}
    rows = list(targets)

    def row_label(r: str) -> Ref:
        return Ref(f"appraisal.selfcheck.item.{r}")

    fb = Feedback("self_check")
    actuals_in = _mapping(a.get("actuals"), "actuals")
    _known(actuals_in, rows, "actuals")
    actuals = {r: _number(actuals_in.get(r), f"actuals.{r}") for r in rows}
    exp = key["expected"]["actuals"]
    tol = key.get("tolerance", {})
    complete = True
    for r in rows:
        v = actuals[r]
        if v is None:
            complete = False
            fb.check(False, None, "drills.self_check.missing_row", row=row_label(r))
            continue
        if v < 0:
            raise ScenarioError.at(f"actuals.{r}", "greater_than_equal", limit=0, input=_fmt(v))
        if r in _SHARE_ROWS and v > 1:
            complete = False
            fb.check(False, None, "drills.self_check.share", row=row_label(r))
            continue
        t_r = float(tol.get(r, tol.get("actual", 0)))
        fb.check(abs(v - float(exp[r])) <= t_r + 1e-9, None, "drills.self_check.recount", row=row_label(r))
    if fb.done == len(rows):
        fb.ok("drills.self_check.ok.actuals")
    if not complete:
        fb.passed = False
        return fb
    sheet = self_check(actuals, targets)
    fb.data["sheet"] = sheet.rows
    comp = dict(zip(sheet.rows["item"], sheet.rows["completion"], strict=True))
    given = _mapping(a.get("completion"), "completion")
    _known(given, rows, "completion")
    ctol = float(tol.get("completion", 0.01))
    wrong_comp = 0
    for r, v in given.items():
        x = _number(v, f"completion.{r}")
        if x is None:
            continue
        if x > 1.5 and x <= 150 and abs(x / 100 - comp[r]) <= ctol:
            x = x / 100          # written in percent: the same number
        if abs(x - comp[r]) > ctol + 1e-9:
            wrong_comp += 1
            fb.problem("drills.self_check.completion_wrong", row=row_label(r))
    if given:
        fb.check(wrong_comp == 0, "drills.self_check.ok.completion", "drills.self_check.completion_rule", level="hint")
    behind_in = [_choice(r, f"behind[{i}]", rows) for i, r in enumerate(_list(a.get("behind"), "behind"))]
    own = sheet.behind
    missed = [r for r in own if r not in behind_in]
    extra = [r for r in dict.fromkeys(behind_in) if r not in own]
    for r in extra:
        fb.problem("drills.self_check.not_behind", row=row_label(r))
    if missed:
        fb.problem("drills.self_check.behind_missed", n=len(missed))
    fb.check(not missed and not extra, "drills.self_check.ok.behind", "drills.self_check.behind_rule", level="hint")
    focus = a.get("focus")
    if focus in (None, ""):
        fb.check(False, None, "drills.self_check.no_focus")
    else:
        focus = _choice(focus, "focus", rows)
        if focus not in own:
            fb.check(False, None, "drills.self_check.focus_not_behind", row=row_label(focus))
        else:
            lowest = min(comp[r] for r in own)
            fb.check(comp[focus] <= lowest + 1e-9, "drills.self_check.ok.focus", "drills.self_check.focus_not_lowest",
                     level="hint", row=row_label(focus))
    action = _text(a.get("action"), "action")
    if not action:
        fb.check(False, None, "drills.self_check.no_action")
    else:
        concrete = bool(_NUMBER_RE.search(action)) and bool(_TIME_RE.search(action))
        fb.check(concrete, "drills.self_check.ok.action", "drills.self_check.action_vague", level="hint")
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# S3: scoring the pitch contest
# ---------------------------------------------------------------------------------------------
def check_pitch_scoring(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S3's product-pitch contest (COURSE.md §4, §9 drill 5): a trainee judges the sample pitch.

    ``answer``: ``{scores: {accuracy, clarity, value, qa, presence}, weakest (optional)}``; scores are
    validated by :func:`simlib.formulas.appraisal.score_pitches` (0 to each criterion's maximum). Each score is
    compared with the trainers' panel within the key's tolerance: outside it, the hint says "more
    generous" or "stricter than the panel" and repeats the rubric's standard — never the panel's
    score. Passed: every criterion within tolerance and the weakest criterion found.
    """
    key, mat = _key_mat("pitch_scoring", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("scores", "weakest"), "")
    rubric = {c: float(v["max"]) for c, v in mat["rubric"].items()} if "rubric" in mat else dict(PITCH_RUBRIC)
    scores = _mapping(a.get("scores"), "scores")
    _known(scores, list(rubric), "scores")
    blank = [c for c in rubric if scores.get(c) in (None, "")]
    if blank:
        fb = Feedback("pitch_scoring")
        for c in blank:
            fb.check(False, None, "drills.pitch_scoring.missing", criterion=Ref(f"appraisal.pitch.criterion.{c}"))
        return fb
    try:
        res = score_pitches([{"contestant": "sample", **scores}], rubric)
    except ScenarioError as err:     # name the field as the answer does: scores.<criterion>
        raise ScenarioError([Issue(i.path.replace("sheets[0].", "scores."), i.code, i.params)
                             for i in err.issues]) from None
    exp, tol = key["expected"]["scores"], key.get("tolerance", {})
    fb = Feedback("pitch_scoring")
    row = res.ranking.iloc[0]
    for c in rubric:
        crit = Ref(f"appraisal.pitch.criterion.{c}")
        diff = float(row[c]) - float(exp[c])
        tl = float(tol.get(c, 3))
        if abs(diff) <= tl + 1e-9:
            fb.check(True, "drills.pitch_scoring.close", "", criterion=crit)
        else:
            fb.check(False, None, "drills.pitch_scoring.too_generous" if diff > 0 else "drills.pitch_scoring.too_strict",
                     criterion=crit, standard=mat["rubric"][c]["standard"])
    total_diff = float(row["total"]) - sum(float(exp[c]) for c in rubric)
    if abs(total_diff) > float(key.get("total_tolerance", 8)) + 1e-9:
        fb.hint("drills.pitch_scoring.total_high" if total_diff > 0 else "drills.pitch_scoring.total_low",
                total=_fmt(float(row["total"])))
    weakest = a.get("weakest")
    mine = [_choice(weakest, "weakest", list(rubric))] if weakest not in (None, "") else res.weakest("sample")
    fb.check(key["expected"]["weakest"] in mine, "drills.pitch_scoring.ok.weakest", "drills.pitch_scoring.weakest_wrong",
             criterion=[Ref(f"appraisal.pitch.criterion.{c}") for c in mine])
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# S3: the 30-day improvement plan
# ---------------------------------------------------------------------------------------------
_TARGET_KINDS = ("result", "process", "capability")


def check_improvement_plan(answer: Mapping, *, key: Mapping | None = None,
                           material: Mapping | None = None) -> Feedback:
    """S3's 30-day personal improvement plan (COURSE.md §9 drill 6).

    ``answer``: ``{phases: {analysis|targets|plan|execution|review: {days: [first, last], actions:
    [text]}}, targets: [{kind: result|process|capability, text}]}``. Checked: every part present
    with actions, days inside 1–30 covering each day once in the parts' order, each part's span
    against S3's rhythm, what the analysis, execution and review parts contain (data; a daily log and
    weekly check; before/after comparison), 2–3 targets each specific, measurable and time-bound
    (:func:`simlib.formulas.smart.smart_check`), with a result and a process target. Passed: no problem.
    """
    key, mat = _key_mat("improvement_plan", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("phases", "targets"), "")
    order = list(mat["phases"])
    days_total = int(mat.get("days", 30))
    phases = _mapping(a.get("phases"), "phases")
    _known(phases, order, "phases")
    fb = Feedback("improvement_plan")
    spans: dict[str, tuple[int, int]] = {}
    texts: dict[str, str] = {}
    for p in order:
        lab = mat["phases"][p]
        if p not in phases:
            fb.problem("drills.improvement_plan.phase_missing", phase=lab)
            continue
        ph = _mapping(phases[p], f"phases.{p}")
        _known(ph, ("days", "actions"), f"phases.{p}")
        days = [_number(x, f"phases.{p}.days[{i}]") for i, x in enumerate(_list(ph.get("days"), f"phases.{p}.days"))]
        actions = [_text(x, f"phases.{p}.actions[{i}]") for i, x in enumerate(_list(ph.get("actions"), f"phases.{p}.actions"))]
        actions = [x for x in actions if x]
        texts[p] = " ".join(actions)
        good_days = (len(days) == 2 and all(d is not None and float(d).is_integer() and 1 <= d <= days_total
                                            for d in days) and days[0] <= days[1])
        if not good_days:
            fb.problem("drills.improvement_plan.days_invalid", phase=lab, days=days_total)
        else:
            spans[p] = (int(days[0]), int(days[1]))
        if not actions:
            fb.problem("drills.improvement_plan.phase_empty", phase=lab)
    fb.check(not fb.problems, "drills.improvement_plan.ok.parts", "drills.improvement_plan.parts", level="hint")
    # the calendar: each day once, in the parts' order
    if len(spans) == len(order):
        count = np.zeros(days_total + 1, dtype=int)
        for lo, hi in spans.values():
            count[lo:hi + 1] += 1
        gaps = [d for d in range(1, days_total + 1) if count[d] == 0]
        overlaps = [d for d in range(1, days_total + 1) if count[d] > 1]
        in_order = all(spans[p][0] > spans[q][1] for q, p in pairwise(order))
        if gaps:
            fb.problem("drills.improvement_plan.days_gap", days=_day_list(gaps))
        if overlaps:
            fb.problem("drills.improvement_plan.days_overlap", days=_day_list(overlaps))
        if not in_order and not overlaps:
            fb.problem("drills.improvement_plan.days_order")
        fb.check(not gaps and not overlaps and in_order, "drills.improvement_plan.ok.calendar",
                 "drills.improvement_plan.calendar")
        exp = key["expected"]["days"]
        off = [p for p in order if list(spans[p]) != [int(x) for x in exp[p]]]
        for p in off:
            fb.hint("drills.improvement_plan.span", phase=mat["phases"][p])
        fb.check(not off, "drills.improvement_plan.ok.rhythm", "drills.improvement_plan.rhythm", level="hint")
    for p, words in key.get("keywords", {}).items():
        if texts.get(p):
            fb.check(_has_any(texts[p], words), None, f"drills.improvement_plan.content.{p}", level="hint")
    # the targets
    targets = _list(a.get("targets"), "targets")
    cnt = key["expected"].get("targets_count", {"min": 2, "max": 3})
    fb.check(int(cnt["min"]) <= len(targets) <= int(cnt["max"]), "drills.improvement_plan.ok.target_count",
             "drills.improvement_plan.target_count", n=len(targets), min=int(cnt["min"]), max=int(cnt["max"]))
    kinds = set()
    for i, tg in enumerate(targets):
        tg = _mapping(tg, f"targets[{i}]")
        _known(tg, ("kind", "text"), f"targets[{i}]")
        kinds.add(_choice(tg.get("kind", "result"), f"targets[{i}].kind", list(_TARGET_KINDS)))
        text = _text(tg.get("text"), f"targets[{i}].text")
        if not text:
            fb.check(False, None, "drills.improvement_plan.target_empty", n=i + 1)
            continue
        rep = smart_check(text)
        lacking = [Ref(f"smart.criterion.{c}") for c in ("specific", "measurable", "time_bound") if not rep[c]]
        fb.check(not lacking, "drills.improvement_plan.ok.target", "drills.improvement_plan.target_not_smart",
                 n=i + 1, missing=lacking)
    if targets:
        fb.check({"result", "process"} <= kinds, None, "drills.improvement_plan.target_kinds", level="hint")
    fb.passed = not fb.problems
    return fb


def _day_list(days: list[int]) -> str:
    """Days as ranges.

        >>> _day_list([4, 5, 6, 9])
        '4–6, 9'
    """
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][1] + 1:
            runs[-1][1] = d
        else:
            runs.append([d, d])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


# ---------------------------------------------------------------------------------------------
# S0: "341" screening and A/B/C tiering
# ---------------------------------------------------------------------------------------------
def check_screening_341(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's "341" prospect screening (COURSE.md §6, §9 drill 7).

    ``answer``: ``{scores: {prospect id: {size, industry, pain}}, good: [prospect ids]}``; scores are
    validated by :func:`simlib.formulas.customers.screen_prospects` (whole numbers 1–4). Each score is compared
    with the key within its tolerance (the hint names the prospect and criterion and says "higher" or
    "lower than the guide supports"); the good prospects are checked against the trainee's own totals
    (total ≥ minimum) and then against the key. Passed: no problem. ``data["table"]``: the screened
    table of the trainee's scores.
    """
    key, mat = _key_mat("screening_341", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("scores", "good"), "")
    ids = [p["id"] for p in mat["prospects"]]
    name = {p["id"]: p["name"] for p in mat["prospects"]}
    crit = [str(c) for c in mat["criteria"]]
    minimum = int(mat["minimum"])
    scores = _mapping(a.get("scores"), "scores")
    _known(scores, ids, "scores")
    fb = Feedback("screening_341")
    present = []
    for pid in ids:
        if pid not in scores:
            fb.check(False, None, "drills.screening_341.missing", prospect=name[pid])
        else:
            sc = _mapping(scores[pid], f"scores.{pid}")
            _known(sc, crit, f"scores.{pid}")
            blank = [c for c in crit if sc.get(c) in (None, "")]
            if blank:
                fb.check(False, None, "drills.screening_341.incomplete", prospect=name[pid],
                         criterion=[Ref(f"customers.screen.criterion.{c}") for c in blank])
            else:
                present.append({"id": pid, **sc})
    good_in = list(dict.fromkeys(_choice(g, f"good[{i}]", ids) for i, g in enumerate(_list(a.get("good"), "good"))))
    if not present:
        fb.passed = False
        return fb
    try:
        table = screen_prospects(pd.DataFrame(present), crit, minimum=minimum)
    except ScenarioError as err:     # name the prospect's field as the answer does: scores.<id>.<criterion>
        raise ScenarioError([Issue(_answer_path(i.path, present), i.code, i.params) for i in err.issues]) from None
    fb.data["table"] = table
    exp, tol = key["expected"]["scores"], key.get("tolerance", {})
    for r in table.itertuples(index=False):
        pid = r.id
        off = False
        for c in crit:
            diff = int(getattr(r, c)) - int(exp[pid][c])
            if abs(diff) > int(tol.get(c, 0)):
                off = True
                fb.problem("drills.screening_341.score_off", prospect=name[pid],
                           criterion=Ref(f"customers.screen.criterion.{c}"),
                           direction=Ref(f"drills.screening_341.{'higher' if diff > 0 else 'lower'}"))
        fb.total += 1
        if not off:
            fb.done += 1
            fb.ok("drills.screening_341.ok.scores", prospect=name[pid])
    own_good = set(table.loc[table["good"], "id"])
    totals = dict(zip(table["id"], table["total"], strict=True))
    for pid in table["id"]:
        mine = pid in good_in
        if mine != (pid in own_good):
            key_ = "drills.screening_341.good_below" if mine else "drills.screening_341.good_unmarked"
            fb.check(False, None, key_, prospect=name[pid], total=int(totals[pid]), minimum=minimum)
        else:
            fb.check(mine == (pid in key["expected"]["good"]), None, "drills.screening_341.good_wrong",
                     prospect=name[pid])
    fb.passed = not fb.problems and len(present) == len(ids)
    return fb


def _answer_path(path: str, present: list[dict]) -> str:
    m = re.match(r"prospects\[(\d+)\]\.(.+)", path)
    return f"scores.{present[int(m.group(1))]['id']}.{m.group(2)}" if m else path


def check_abc_tiering(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's A/B/C tiering (COURSE.md §6, §9 drill 7) of the material's account list.

    ``answer``: ``{tiers: {account id: "A" | "B" | "C"}}``. The right tiers come from
    :func:`simlib.formulas.customers.abc_tiers` with the material's rule (by profit, 20 / 30 / 50 % of
    accounts). Checked: every account tiered, each tier (a wrong one is named, its right tier is
    not), the number of accounts per tier against the rule, and the typical mistake of ranking by
    revenue. ``data``: the trainee's share of profit per tier. Passed: every tier right.
    """
    key, mat = _key_mat("abc_tiering", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("tiers",), "")
    acc = pd.DataFrame([{k: v for k, v in r.items() if k != "name"} for r in mat["accounts"]])
    name = {r["account"]: r["name"] for r in mat["accounts"]}
    rule = mat["rule"]
    right = abc_tiers(acc, by=rule["by"], method=rule["method"], shares=rule["shares"])
    expected = dict(zip(right.accounts["account"], right.accounts["tier"], strict=True))
    tiers_in = _mapping(a.get("tiers"), "tiers")
    _known(tiers_in, list(expected), "tiers")
    tiers = {k: _choice(str(v).strip().upper() if isinstance(v, str) else v, f"tiers.{k}", ["A", "B", "C"])
             for k, v in tiers_in.items()}
    fb = Feedback("abc_tiering")
    for acc_id, right_tier in expected.items():
        if acc_id not in tiers:
            fb.check(False, None, "drills.abc_tiering.missing", account=name[acc_id])
        else:
            fb.check(tiers[acc_id] == right_tier, None, "drills.abc_tiering.wrong", account=name[acc_id])
    if fb.done == len(expected):
        fb.ok("drills.abc_tiering.ok.all")
    n = len(expected)
    want = split(n, dict(zip("ABC", rule["shares"], strict=True)))
    have = {k: sum(1 for v in tiers.values() if v == k) for k in "ABC"}
    if len(tiers) == n:
        for k in "ABC":
            if have[k] != want[k]:
                fb.hint("drills.abc_tiering.count", tier=k, n=have[k], total=n, share=_pct(rule["shares"]["ABC".index(k)]))
        by_rev = abc_tiers(acc, by="revenue", method=rule["method"], shares=rule["shares"])
        rev = dict(zip(by_rev.accounts["account"], by_rev.accounts["tier"], strict=True))
        if tiers == rev and tiers != expected:
            fb.hint("drills.abc_tiering.by_revenue")
        profit = dict(zip(acc["account"], acc[rule["by"]], strict=True))
        total = sum(profit.values())
        share = {k: sum(profit[i] for i, v in tiers.items() if v == k) / total for k in "ABC"}
        fb.data["profit_share"] = share
        fb.ok("drills.abc_tiering.a_share", share=_pct(round(share["A"], 3)))
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# S0: COIN feedback and OKR scoring
# ---------------------------------------------------------------------------------------------
_COIN_PROBLEMS = ("judgement", "generalisation", "next_vague")


def check_coin_feedback(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's COIN feedback (COURSE.md §4, §9 drill 7) on the material's situation.

    ``answer``: ``{context, observation, impact, next}``. Every part must be written; then
    :meth:`simlib.formulas.appraisal.CoinFeedback.check`'s hints (judging words and generalisations in the
    observation and a next step without a date or number are problems; no time and no number are
    hints), and each part should refer to the situation (the key's words for the part). Passed: no
    problem.
    """
    key, _mat = _key_mat("coin_feedback", key, material)
    a = _mapping(answer, "answer")
    _known(a, COIN_PARTS, "")
    parts = {p: _text(a.get(p), p) for p in COIN_PARTS}
    fb = Feedback("coin_feedback")
    for p in COIN_PARTS:
        fb.check(bool(parts[p]), None, "drills.coin_feedback.empty", part=Ref(f"appraisal.coin.part.{p}"))
    if not all(parts.values()):
        fb.passed = False
        return fb
    record = CoinFeedback.from_dict(parts)
    found = record.check()
    codes = {"judgement", "generalisation", "no_time", "no_number", "next_vague"}
    for h in found:
        fb.add("problem" if h.code in _COIN_PROBLEMS else "hint", f"appraisal.coin.hint.{h.code}",
               part=Ref(f"appraisal.coin.part.{h.part}"), **h.params)
    fb.total += len(codes)
    fb.done += len(codes) - len({h.code for h in found})
    if not found:
        fb.ok("drills.coin_feedback.ok.quality")
    for p, words in key.get("keywords", {}).items():
        fb.check(_has_any(parts[p], words), None, "drills.coin_feedback.off_topic", level="hint",
                 part=Ref(f"appraisal.coin.part.{p}"))
    fb.passed = not fb.problems
    return fb


def check_okr_scoring(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S0's OKR scoring (COURSE.md §1, §9 drill 7): each key result 0–1, the objective their mean.

    ``answer``: ``{scores: {kr id: score}, objective: score}``. The right scores come from
    :func:`simlib.formulas.targets.okr_score` (progress from baseline to target, capped at 1, to 0.1). Typical
    mistakes get their own hint: actual ÷ target instead of progress from the baseline, a score above
    1, an objective that is not the mean of the trainee's own key results. Passed: every score right.

        >>> check_okr_scoring({"scores": {"kr1": 0.7, "kr2": 0.3, "kr3": 1.0}, "objective": 0.67}).passed
        True
    """
    key, mat = _key_mat("okr_scoring", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("scores", "objective"), "")
    krs = mat["key_results"]
    ids = [k["id"] for k in krs]
    df = okr_score([{"name": k["id"], "baseline": k["baseline"], "target": k["target"], "actual": k["actual"]}
                    for k in krs])
    right = dict(zip(df["key_result"], df["score"], strict=True))
    tol = key.get("tolerance", {})
    scores_in = _mapping(a.get("scores"), "scores")
    _known(scores_in, ids, "scores")
    fb = Feedback("okr_scoring")
    given = {}
    for k in krs:
        kid, lab = k["id"], k["label"]
        s = _number(scores_in.get(kid), f"scores.{kid}")
        if s is None:
            fb.check(False, None, "drills.okr_scoring.missing", kr=lab)
            continue
        if s < 0:
            raise ScenarioError.at(f"scores.{kid}", "greater_than_equal", limit=0, input=_fmt(s))
        given[kid] = s
        e = float(right[kid])
        ratio = float(k["actual"]) / float(k["target"]) if float(k["target"]) else math.nan
        if abs(s - e) <= float(tol.get("kr", 0.05)) + 1e-9:
            fb.check(True, "drills.okr_scoring.kr_right", "", kr=lab)
        elif s > 1 + 1e-9:
            fb.check(False, None, "drills.okr_scoring.over_one", kr=lab)
        elif abs(s - min(ratio, 1.0)) <= 0.05 + 1e-9 and float(k.get("baseline", 0)) != 0:
            fb.check(False, None, "drills.okr_scoring.from_baseline", kr=lab)
        else:
            fb.check(False, None, "drills.okr_scoring.kr_off", kr=lab,
                     direction=Ref(f"drills.okr_scoring.{'higher' if s > e else 'lower'}"))
    obj = _number(a.get("objective"), "objective")
    otol = float(tol.get("objective", 0.05))
    if obj is None:
        fb.check(False, None, "drills.okr_scoring.no_objective")
    elif len(given) == len(ids) and abs(obj - sum(given.values()) / len(given)) > otol + 1e-9:
        fb.check(False, None, "drills.okr_scoring.objective_mean")
    elif abs(obj - float(right["objective"])) > otol + 1e-9:
        fb.check(False, None, "drills.okr_scoring.objective_follows")
    else:
        fb.check(True, "drills.okr_scoring.objective_right", "")
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# Selling skills: objection handling (LAER, S3; 5A's objection steps, S0)
# ---------------------------------------------------------------------------------------------
def check_objection_handling(answer: Mapping, *, key: Mapping | None = None,
                             material: Mapping | None = None) -> Feedback:
    """Handling an objection with LAER (S3) or the 5A method's four objection steps (S0) (COURSE.md §7).

    ``answer``: ``{model: laer | four_step, steps: [{step, text}, …]}`` in the order the trainee
    would use them. Checked: each of the model's steps present once, in the model's order (a wrong
    order names two steps that are swapped, not the whole order), each step's text does that step's
    job (the key's words for it, in any of the three languages — never shown), no conceding on price
    before the value is made (S3's sandwich), and a fact with a number in the response. Passed: no
    problem.
    """
    key, mat = _key_mat("objection_handling", key, material)
    a = _mapping(answer, "answer")
    _known(a, ("model", "steps"), "")
    models = list(key["models"])
    model = _choice(a.get("model"), "model", models)
    order = list(key["models"][model]["order"])
    labels = mat["models"][model]["steps"]
    fb = Feedback("objection_handling")
    steps: list[tuple[str, str]] = []
    for i, s in enumerate(_list(a.get("steps"), "steps")):
        s = _mapping(s, f"steps[{i}]")
        _known(s, ("step", "text"), f"steps[{i}]")
        steps.append((_choice(s.get("step"), f"steps[{i}].step", list(labels)), _text(s.get("text"), f"steps[{i}].text")))
    names = [s for s, _ in steps]
    for s in dict.fromkeys(names):
        if names.count(s) > 1:
            fb.problem("drills.objection_handling.duplicate", step=labels[s])
    missing = [s for s in order if s not in names]
    for s in missing:
        fb.problem("drills.objection_handling.missing", step=labels[s])
    fb.check(not missing, "drills.objection_handling.ok.steps", "drills.objection_handling.steps_incomplete",
             level="hint", n=len(order) - len(missing), total=len(order))
    seq = list(dict.fromkeys(names))
    want = [s for s in order if s in seq]
    if seq != want:
        first = next(i for i, (x, y) in enumerate(zip(seq, want, strict=True)) if x != y)
        fb.check(False, None, "drills.objection_handling.order", early=labels[seq[first]], late=labels[want[first]])
    elif len(seq) > 1:
        fb.check(True, "drills.objection_handling.ok.order", "")
    words = key.get("keywords", {})
    for s, text in steps:
        if not text:
            fb.check(False, None, "drills.objection_handling.empty", step=labels[s])
        else:
            fb.check(_has_any(text, words.get(s, [])), None, f"drills.objection_handling.tip.{s}", level="hint",
                     step=labels[s])
    respond = " ".join(text for s, text in steps if s == "respond")
    all_text = " ".join(text for _, text in steps)
    if _has_any(all_text, key.get("concede", [])):
        fb.check(False, None, "drills.objection_handling.concede")
    if respond and key.get("respond_needs_number", True):
        fb.check(bool(re.search(r"\d", respond)), None, "drills.objection_handling.respond_number", level="hint")
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# S3 group work: persona, competition, strategy, objections, a 5-minute pitch
# ---------------------------------------------------------------------------------------------
_GROUP_PARTS = ("persona", "pains", "deciders", "counters", "value", "payback_months", "next_step",
                "objections", "pitch")


def payback_months(investment: float, monthly_gain: float) -> float:
    """Months until an investment pays back from a steady monthly gain (S3's visit: "about 7 months",
    COURSE.md §7): ``investment ÷ monthly gain``; infinite when nothing is gained.

        >>> payback_months(3_500_000, 500_000)
        7.0
        >>> payback_months(600_000, 0)
        inf
    """
    if investment < 0:
        raise ValueError("investment must be ≥ 0")
    return math.inf if monthly_gain <= 0 else float(investment) / float(monthly_gain)


def check_group_work(answer: Mapping, *, key: Mapping | None = None, material: Mapping | None = None) -> Feedback:
    """S3's group work (COURSE.md §9 drill 4): one worksheet for the visit of the material.

    ``answer``: ``{persona, pains: [ids], deciders: [ids], counters: {rival: strength}, value,
    payback_months, next_step, objections: [{objection, response}], pitch: {part: {minutes, content}}}``
    (ids from the material's lists; any part may be missing while the group works). Checked, part by
    part: the persona uses the notes' figures; every pain the notes support is picked and no trap (a
    trap names why it is one: what the customer says is not what hurts, the notes contradict it, or
    they say nothing of it); everyone whose yes the deal needs (the number missing, never who);
    against each rival an edge that answers it — never "cut our price"; a value proposition in the
    customer's terms with a number; the payback in months (:func:`payback_months` of the offer; the
    usual slips — a year's gain, the pilot's cost — get their own hint); a next step that lowers the
    risk, not a discount; at least the key's number of objections, the ones the notes already voice
    among them (how many are missing), each answered with a fact, a number and no concession; the
    pitch's five 5A parts (S0) in the material's minutes (±¼), each part's share sensible and its
    content there, the close naming when. Passed: no problem. ``data["pitch"]``: the trainee's
    minutes per part (a chart).
    """
    key, mat = _key_mat("group_work", key, material)
    a = _mapping(answer, "answer")
    _known(a, _GROUP_PARTS, "")
    exp, words, tol = key["expected"], key.get("keywords", {}), key.get("tolerance", {})
    fb = Feedback("group_work")

    # -- persona -----------------------------------------------------------------------------------
    persona = _text(a.get("persona"), "persona")
    if not persona:
        fb.check(False, None, "drills.group_work.persona_empty")
    else:
        fb.check(bool(re.search(r"\d", persona)) and _has_any(persona, words.get("persona", [])),
                 "drills.group_work.ok.persona", "drills.group_work.persona_vague", level="hint")
    pains = [_choice(p, f"pains[{i}]", list(mat["pains"])) for i, p in enumerate(_list(a.get("pains"), "pains"))]
    if not pains:
        fb.check(False, None, "drills.group_work.pains_none")
    else:
        for p in dict.fromkeys(pains):
            if p in exp["traps"]:
                fb.check(False, None, f"drills.group_work.trap.{exp['traps'][p]}", pain=mat["pains"][p])
        missed = [p for p in exp["pains"] if p not in pains]
        fb.check(not missed, "drills.group_work.ok.pains", "drills.group_work.pains_missed", level="hint", n=len(missed))
    deciders = [_choice(p, f"deciders[{i}]", list(mat["people"]))
                for i, p in enumerate(_list(a.get("deciders"), "deciders"))]
    missed = [p for p in exp["deciders"] if p not in deciders]
    if not deciders:
        fb.check(False, None, "drills.group_work.deciders_none")
    else:
        fb.check(not missed, "drills.group_work.ok.deciders", "drills.group_work.deciders_missed", n=len(missed))

    # -- competition ---------------------------------------------------------------------------------
    rivals = {r["id"]: r for r in mat["competitors"]}
    counters = _mapping(a.get("counters"), "counters")
    _known(counters, list(rivals), "counters")
    for rid, rival in rivals.items():
        raw = counters.get(rid)
        if raw in (None, ""):
            fb.check(False, None, "drills.group_work.counter_missing", rival=rival["label"])
            continue
        edge = _choice(raw, f"counters.{rid}", list(mat["strengths"]))
        if edge == "price_match":
            fb.check(False, None, "drills.group_work.counter_price", rival=rival["label"])
        else:
            fb.check(edge in exp["counters"][rid], "drills.group_work.ok.counter", "drills.group_work.counter_weak",
                     level="hint", rival=rival["label"], edge=mat["strengths"][edge])

    # -- strategy -------------------------------------------------------------------------------------
    value = _text(a.get("value"), "value")
    if not value:
        fb.check(False, None, "drills.group_work.value_empty")
    else:
        fb.check(_has_any(value, words.get("value", [])), None, "drills.group_work.value_not_theirs", level="hint")
        fb.check(bool(re.search(r"\d", value)), "drills.group_work.ok.value", "drills.group_work.value_number",
                 level="hint")
    months = _number(a.get("payback_months"), "payback_months")
    if months is None:
        fb.check(False, None, "drills.group_work.payback_missing")
    elif months <= 0:
        raise ScenarioError.at("payback_months", "greater_than", limit=0, input=_fmt(months))
    else:
        right = payback_months(exp["investment"], exp["monthly_gain"])
        within = float(tol.get("payback_months", 0.5)) + 1e-9

        def close(x: float) -> bool:
            return abs(months - x) <= within
        if close(right):
            fb.check(True, "drills.group_work.ok.payback", "")
        elif close(payback_months(exp["investment"], 12 * exp["monthly_gain"])):
            fb.check(False, None, "drills.group_work.payback_year")
        elif close(payback_months(exp.get("pilot_cost", 0), exp["monthly_gain"])):
            fb.check(False, None, "drills.group_work.payback_pilot")
        else:
            fb.check(False, None, "drills.group_work.payback_off",
                     direction=Ref(f"drills.group_work.{'longer' if months > right else 'shorter'}"))
    step = a.get("next_step")
    if step in (None, ""):
        fb.check(False, None, "drills.group_work.next_missing")
    else:
        step = _choice(step, "next_step", list(mat["next_steps"]))
        if step in exp["next_steps"]:
            fb.check(True, "drills.group_work.ok.next", "")
        else:
            fb.check(False, None, f"drills.group_work.next.{step}",
                     level="problem" if step == "discount" else "hint")

    # -- objections -----------------------------------------------------------------------------------
    rows = []
    for i, r in enumerate(_list(a.get("objections"), "objections")):
        r = _mapping(r, f"objections[{i}]")
        _known(r, ("objection", "response"), f"objections[{i}]")
        if not r:
            continue
        obj = r.get("objection")
        obj = _choice(obj, f"objections[{i}].objection", list(mat["objections"])) if obj not in (None, "") else None
        rows.append((i, obj, _text(r.get("response"), f"objections[{i}].response")))
    named = [o for _, o, _ in rows if o]
    need = int(exp.get("objections_min", 3))
    fb.check(len(set(named)) >= need, "drills.group_work.ok.objection_count", "drills.group_work.objection_count",
             n=len(set(named)), min=need)
    for o in dict.fromkeys(named):
        if named.count(o) > 1:
            fb.hint("drills.group_work.objection_twice", objection=mat["objections"][o])
    voiced = [o for o in exp["objections"] if o not in named]
    fb.check(not voiced, "drills.group_work.ok.voiced", "drills.group_work.voiced_missing", n=len(voiced))
    for i, obj, resp in rows:
        label = mat["objections"][obj] if obj else Ref("drills.group_work.row", {"n": i + 1})
        if not obj:
            fb.check(False, None, "drills.group_work.objection_unnamed", n=i + 1)
        if not resp:
            fb.check(False, None, "drills.group_work.response_empty", objection=label)
            continue
        if _has_any(resp, key.get("concede", [])):
            fb.check(False, None, "drills.group_work.response_concede", objection=label)
            continue
        if obj:
            fb.check(_has_any(resp, words.get("responses", {}).get(obj, [])), None,
                     "drills.group_work.response_off", level="hint", objection=label)
        fb.check(bool(re.search(r"\d", resp)), None, "drills.group_work.response_number", level="hint",
                 objection=label)

    # -- the 5-minute pitch -----------------------------------------------------------------------------
    parts = list(mat["pitch_parts"])
    pitch = _mapping(a.get("pitch"), "pitch")
    _known(pitch, parts, "pitch")
    minutes: dict[str, float] = {}
    for p in parts:
        cell = _mapping(pitch.get(p), f"pitch.{p}")
        _known(cell, ("minutes", "content"), f"pitch.{p}")
        m = _number(cell.get("minutes"), f"pitch.{p}.minutes")
        if m is not None and m < 0:
            raise ScenarioError.at(f"pitch.{p}.minutes", "greater_than_equal", limit=0, input=_fmt(m))
        content = _text(cell.get("content"), f"pitch.{p}.content")
        label = mat["pitch_parts"][p]
        if not m and not content:
            fb.check(False, None, "drills.group_work.pitch_part_empty", part=label)
            continue
        if not m:
            fb.check(False, None, "drills.group_work.pitch_no_time", part=label)
        else:
            minutes[p] = m
        if not content:
            fb.check(False, None, "drills.group_work.pitch_no_content", part=label)
        elif p in words.get("pitch", {}):
            fb.check(_has_any(content, words["pitch"][p]), None, f"drills.group_work.pitch_tip.{p}", level="hint",
                     part=label)
    fb.data["pitch"] = pd.DataFrame({"part": list(minutes), "minutes": list(minutes.values())})
    if len(minutes) == len(parts):
        total, limit = sum(minutes.values()), float(mat.get("pitch_minutes", exp["pitch_minutes"]))
        fb.check(abs(total - limit) <= float(tol.get("pitch_total", 0.25)) + 1e-9, "drills.group_work.ok.pitch_total",
                 "drills.group_work.pitch_total", total=_fmt(total), limit=_fmt(limit))
        off = False
        for p, (low, high) in exp.get("pitch_ranges", {}).items():
            if not float(low) - 1e-9 <= minutes[p] <= float(high) + 1e-9:
                off = True
                fb.hint(f"drills.group_work.pitch_{'long' if minutes[p] > high else 'short'}",
                        part=mat["pitch_parts"][p], minutes=_fmt(minutes[p]))
        if not off:
            fb.check(True, "drills.group_work.ok.pitch_shares", "")
    fb.passed = not fb.problems
    return fb


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------
CHECKERS: dict[str, Callable[..., Feedback]] = {
    "smart_target": check_smart_target,
    "decomposition": check_decomposition,
    "mid_quarter_review": check_mid_quarter_review,
    "self_check": check_self_check,
    "pitch_scoring": check_pitch_scoring,
    "improvement_plan": check_improvement_plan,
    "screening_341": check_screening_341,
    "abc_tiering": check_abc_tiering,
    "coin_feedback": check_coin_feedback,
    "okr_scoring": check_okr_scoring,
    "objection_handling": check_objection_handling,
    "group_work": check_group_work,
}


def check(drill: str, answer: Mapping, **kwargs: Any) -> Feedback:
    """Check ``answer`` with ``drill``'s checker (``kwargs`` go to it).

        >>> check("abc_tiering", {"tiers": {"a1": "A"}}).passed
        False
    """
    if drill not in CHECKERS:
        raise ScenarioError.at("drill", "choice", expected=", ".join(DRILLS), input=repr(drill))
    return CHECKERS[drill](answer, **kwargs)
