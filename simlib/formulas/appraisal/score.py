"""The weighted appraisal score (COURSE.md §4): the decks' weights (S3 results 60 / process 20 /
capability 10 / teamwork 10; S0 quantitative 70 / qualitative 30), the workbook's grade bands, and the
component where improvement pays most (the grade and the focus of an appraisal talk).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Annotated, Any

import pandas as pd
from pydantic import Field, model_validator

from simlib.base.fmt import number
from simlib.base.i18n import t
from simlib.base.records import is_number, label_or_key, record_problems, unknown_key_issue, validate_record
from simlib.base.schema import ScenarioError, StrictModel

__all__ = ["GRADE_BANDS", "WEIGHT_PRESETS", "AppraisalResult", "appraisal_score", "grade"]


def _frac(x: float) -> Fraction:
    """Exact value of ``x`` as written (0.1 -> 1/10)."""
    return Fraction(repr(float(x))) if isinstance(x, float) else Fraction(x)


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
            ['業績指標', '過程指標', '能力指標', '團隊協作', '合計（等級 B）']
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
        return t("appraisal.summary", lang, score=number(self.score, lang, digits=1), grade=self.grade,
                 meaning=label_or_key(f"appraisal.grade.{self.grade}", lang),
                 focus=label_or_key(f"appraisal.component.{self.focus}", lang), lost=number(lost, lang, digits=1, fixed=True),
                 max=number(self.weights[self.focus] * 100, lang, digits=1))


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
