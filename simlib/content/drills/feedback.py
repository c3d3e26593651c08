"""What a drill's checker says about one answer (COURSE.md §9): lines of feedback at three levels, a score and
whether the answer passed.

A :class:`FeedbackItem` is ``(level, key, params)``; its text comes from the catalog
(``simlib/locales/drills.<lang>.yaml``) in 繁體中文, 简体中文 or English when a page renders it, so one
:class:`Feedback` serves every language. A parameter may itself be a catalog text (:class:`Ref`: a stage's or a
criterion's name) or a ``{zh-Hant, zh-Hans, en}`` text of the material, rendered in the reader's language too.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simlib.base.fmt import number
from simlib.base.i18n import LANGUAGES, t
from simlib.base.records import native
from simlib.content.drills.material import pick_text

__all__ = ["LEVELS", "Feedback", "FeedbackItem", "Ref"]

LEVELS: tuple[str, ...] = ("ok", "hint", "problem")


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
        return pick_text(value, lang)
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
    return native(value)


@dataclass(frozen=True)
class FeedbackItem:
    """One line of feedback: ``level`` (``ok``, ``hint`` or ``problem``), a catalog ``key`` and its
    ``params`` (numbers already formatted; :class:`Ref` and ``{lang: text}`` values are localised)."""
    level: str
    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The line in ``lang``."""
        return t(self.key, lang, **{k: _render(v, lang) for k, v in self.params.items()})


@dataclass
class Feedback:
    """What a checker says about one answer.

    ``items``: the feedback lines in order; ``done`` of ``total`` checks passed (``score`` = the
    share in percent); ``passed``: the answer is right (each drill documents its rule); ``review``: the
    catalog keys of the lines that hand a free-text part to a person (:meth:`for_review`: what no check can
    judge); ``data``: tables or numbers an app may chart (e.g. drill 03's projection) — computed from the
    answer or a simulation, never from the answer key.

        >>> fb = Feedback("demo")
        >>> _ = fb.check(True, "drills.okr_scoring.kr_right", "drills.okr_scoring.kr_off", kr="KR1")
        >>> fb.score, fb.lines("zh-Hant")
        (100.0, ['關鍵結果「KR1」：正確。'])
    """
    drill: str
    items: list[FeedbackItem] = field(default_factory=list)
    done: int = 0
    total: int = 0
    passed: bool = False
    data: dict = field(default_factory=dict)
    review: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Checks passed as a share of all checks, 0–100 (0 when nothing could be checked)."""
        return round(100 * self.done / self.total, 1) if self.total else 0.0

    def add(self, level: str, key: str, **params: Any) -> None:
        """Add one line at ``level`` (one of :data:`LEVELS`) without counting a check."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}")
        self.items.append(FeedbackItem(level, key, params))

    def ok(self, key: str, **params: Any) -> None:
        """Add an ``ok`` line."""
        self.add("ok", key, **params)

    def hint(self, key: str, **params: Any) -> None:
        """Add a ``hint`` line."""
        self.add("hint", key, **params)

    def problem(self, key: str, **params: Any) -> None:
        """Add a ``problem`` line."""
        self.add("problem", key, **params)

    def for_review(self, key: str, **params: Any) -> None:
        """Add a ``hint`` line that hands a free-text part to a person (the trainer, or the trainee with the
        rubric): the checks found what the part must contain, but whether it is good no check can say. Not a
        check: it neither passes nor fails the answer, and the headline says that a review is left."""
        self.add("hint", key, **params)
        self.review.append(key)

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
        """The ``problem`` lines."""
        return [i for i in self.items if i.level == "problem"]

    @property
    def hints(self) -> list[FeedbackItem]:
        """The ``hint`` lines."""
        return [i for i in self.items if i.level == "hint"]

    def lines(self, lang: str | None = None) -> list[str]:
        """Every item's text in ``lang``."""
        return [i.text(lang) for i in self.items]

    def rows(self, lang: str | None = None) -> list[tuple[str, str]]:
        """``(level, text)`` per item, for an app that styles the levels."""
        return [(i.level, i.text(lang)) for i in self.items]

    def headline(self, lang: str | None = None) -> str:
        """One line that never contradicts the lines below it: "Well done" only when the answer passed with
        every check met and no problem; passed with checks still open (hints) says so; not passed says how many
        points are left to fix; and a part handed to a person (:meth:`for_review`) is named as still to review.

            >>> fb = Feedback("demo", done=2, total=7, passed=True)
            >>> fb.headline("en")
            'Passed, with room to improve: 2 of 7 checks met (28.6 %). The hints below show what is left.'
            >>> fb.problem("drills.coin_feedback.empty", part="Next")
            >>> fb.headline("en")
            'Not there yet: 2 of 7 checks passed (28.6 %); points to fix below: 1.'
        """
        return t(f"drills.result.{self.outcome}", lang, done=self.done, total=self.total,
                 score=number(self.score, lang, digits=1), problems=len(self.problems)) + \
            (t("drills.result.review", lang) if self.review and not self.problems else "")

    @property
    def outcome(self) -> str:
        """What the headline says: ``passed`` (every check met, no problem), ``passed_hints`` (passed, some
        checks open), ``not_yet`` (problems to fix) or ``incomplete`` (not passed, nothing to fix yet)."""
        if self.problems:
            return "not_yet"
        if not self.passed or not self.total:
            return "incomplete"
        return "passed" if self.done >= self.total else "passed_hints"

    def as_dict(self) -> dict:
        """A JSON-ready record (drill, passed, score, done, total, items, review) — what an answer store keeps."""
        return {"drill": self.drill, "passed": self.passed, "score": self.score, "done": self.done,
                "total": self.total, "items": [{"level": i.level, "key": i.key, "params": _jsonable(i.params)}
                                               for i in self.items], "review": list(self.review)}
