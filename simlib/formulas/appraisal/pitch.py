"""S3's product-pitch contest (COURSE.md §4, §9 drill 5): the rubric, scoring one or several judges'
sheets into a ranking, and feedback lines for each contestant.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from simlib.base.fmt import number, percent
from simlib.base.i18n import t
from simlib.base.records import is_number, label_or_key, unknown_key_issue
from simlib.base.schema import Issue, ScenarioError, dedupe_issues
from simlib.formulas.appraisal.sheets import sheet_rows

__all__ = ["PITCH_RUBRIC", "PitchResults", "score_pitches"]

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
                   score=number(round(float(row[c]), 1), lang, digits=1), max=number(m, lang, digits=1),
                   share=percent(float(row[c]) / m, lang))
                 for c, m in self.rubric.items()]
        weak = self.weakest(contestant)
        sep = t("appraisal.sep", lang)
        tips = " ".join(label_or_key(f"appraisal.pitch.tip.{c}", lang) for c in weak
                        if t(f"appraisal.pitch.tip.{c}", lang) != f"appraisal.pitch.tip.{c}")
        lines.append(t("appraisal.pitch.weakest", lang,
                       criterion=sep.join(label_or_key(f"appraisal.pitch.criterion.{c}", lang) for c in weak),
                       share=percent(float(row[weak[0]]) / self.rubric[weak[0]], lang), tip=tips).rstrip())
        lines.append(t("appraisal.pitch.rank", lang, total=number(round(float(row["total"]), 1), lang, digits=1),
                       max=number(sum(self.rubric.values()), lang, digits=1), rank=int(row["rank"]),
                       n=len(self.ranking)))
        return lines

    def table(self, lang: str | None = None) -> pd.DataFrame:
        """The ranking with localised headers (rank, contestant, judges, each criterion, total, spread)."""
        df = self.ranking[["rank", "contestant", "judges", *self.rubric, "total", "spread"]].copy()
        names = {c: f"{label_or_key(f'appraisal.pitch.criterion.{c}', lang)} ({number(m, lang, digits=1)})"
                 for c, m in self.rubric.items()}
        names.update({k: t(f"appraisal.pitch.col.{k}", lang) for k in ("rank", "contestant", "judges", "total",
                                                                         "spread")})
        return df.rename(columns=names)



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
    recs = sheet_rows(sheets, "sheets")
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
