"""The lesson on appraisal and feedback (COURSE.md §4): weighted appraisal scores, a product-pitch contest
scored by two judges, the weekly self-check sheet, and COIN feedback.

Every number and hint comes from :mod:`simlib.formulas.appraisal`; the sheets are the decks' examples.
"""
from __future__ import annotations

import pandas as pd

from simlib.base.i18n import t
from simlib.base.records import label_or_key
from simlib.content.lessons.registry import BlockList, Param, lesson_table, localised_table, person_names
from simlib.formulas.appraisal import (
    COIN_PARTS,
    PITCH_RUBRIC,
    CoinFeedback,
    appraisal_score,
    score_pitches,
    self_check,
)

__all__ = ["BLOCKS", "PITCH", "SELF_CHECK"]

BLOCKS = BlockList("appraisal")
PITCH = {  # contestant → (sales director's sheet, product manager's sheet): accuracy, clarity, value, Q&A, presence
    "li": ((19, 18, 18, 16, 13), (17, 16, 21, 18, 14)),
    "wang": ((18, 17, 22, 15, 12), (16, 15, 20, 17, 14)),
    "zhang": ((18, 16, None, 17, 14), (17, 15, None, 16, 13)),
}
SELF_CHECK = {"follow_ups": 15, "proposals": 5, "demos": 3, "orders": 1, "sales": 120_000, "satisfaction": 0.92}


@BLOCKS.block("weights", "table", Param("results", "lessons.param.results_score", 82, 0, 100))
def _appraisal_weights(lang: str, results: int) -> pd.DataFrame:
    """COURSE.md §4 appraisal weights (S3 results 60 / process 20 / capability 10 / teamwork 10):
    :func:`simlib.formulas.appraisal.appraisal_score` of one rep, its table and the sentence about it."""
    r = appraisal_score({"results": results, "process": 90, "capability": 70, "teamwork": 85})
    df = r.table(lang)
    cols = list(df.columns)
    return localised_table(df, {cols[1]: ".0%", cols[2]: "g", cols[3]: ".1f"}, r.text(lang))


@BLOCKS.block("pitch", "table", Param("value", "lessons.param.value_score", 15, 0, 25))
def _appraisal_pitch(lang: str, value: int) -> pd.DataFrame:
    """COURSE.md §4 the product-pitch contest rubric (S3: accuracy 20, clarity 20, value translation 25,
    Q&A 20, presence 15): two judges' sheets for three reps, :func:`simlib.formulas.appraisal.score_pitches`."""
    names = person_names(lang, *PITCH)
    judges = (t("lessons.appraisal.judge.director", lang), t("lessons.appraisal.judge.product", lang))
    sheets = []
    for who, pair in PITCH.items():
        for judge, marks in zip(judges, pair, strict=True):
            sheet = {c: (value if m is None else m) for c, m in zip(PITCH_RUBRIC, marks, strict=True)}
            sheets.append({"contestant": names[who], "judge": judge} | sheet)
    res = score_pitches(sheets)
    df = res.table(lang)
    note = " ".join(res.feedback(names["zhang"], lang)[-2:])
    return localised_table(df, dict.fromkeys(df.columns[3:], "g"), note)


@BLOCKS.block("selfcheck", "table", Param("visits", "lessons.param.new_visits", 8, 0, 15))
def _appraisal_selfcheck(lang: str, visits: int) -> pd.DataFrame:
    """COURSE.md §4 the weekly self-check sheet (S3: visits 10, follow-ups 15, proposals 5, demos 3,
    orders 2, sales 100 k, satisfaction 90 %): one week filled in, :func:`simlib.formulas.appraisal.self_check`."""
    s = self_check({"new_visits": visits} | SELF_CHECK)
    df = s.table(lang)
    cols = list(df.columns)
    return localised_table(df, {cols[1]: ",g", cols[2]: ",g", cols[3]: ".0%"}, s.text(lang))


@BLOCKS.block("coin", "table")
def _appraisal_coin(lang: str) -> pd.DataFrame:
    """COURSE.md §4 COIN feedback (S0: Context, Observation, Impact, Next): a factual record and a judgemental
    one, checked by :meth:`simlib.formulas.appraisal.CoinFeedback.check`."""
    records = {k: CoinFeedback.from_dict({p: t(f"lessons.appraisal.coin.{k}.{p}", lang) for p in COIN_PARTS})
               for k in ("good", "poor")}
    rows = [{"part": label_or_key(f"appraisal.coin.part.{p}", lang)} | {k: getattr(r, p) for k, r in records.items()}
            for p in COIN_PARTS]
    hints = {k: r.hints(lang) for k, r in records.items()}
    rows.append({"part": t("lessons.col.hints", lang)} |
                {k: "\n".join(h) if h else t("lessons.appraisal.coin.no_hints", lang) for k, h in hints.items()})
    return lesson_table(rows, lang, {"part": "lessons.col.part", "good": "lessons.appraisal.coin.good_title",
                                     "poor": "lessons.appraisal.coin.poor_title"},
                        note=t("lessons.appraisal.coin.note", lang, hints=len(hints["poor"])))
