"""A workshop round's results as tidy tables, and the leaderboard over the published rounds (CONTRACT §5).

One row per round and team (:data:`TEAM_COLUMNS`):

* ``revenue`` — booked in the quarter, after discounts; ``target`` — the team's; ``attainment`` = revenue ÷ target;
* ``pay_cost`` — the reps' pay on what they sold (base pay for the weeks a seat was filled, commission, bonus)
  plus the A-account managers'; ``hiring_cost`` — every new rep (by decision, refilling an empty seat, or
  replacing a rep who left) × the workshop's ``costs.hire``; ``training_cost``; ``dismissal_cost``;
* ``gross_profit`` = revenue × margin − pay − hiring − training − dismissals, with the workshop file's
  ``margin`` (the workbook's number: S1 names a gross-margin floor among its quality gates, COURSE.md §3, but
  gives none);
* ``share`` — of the shared market's leads (NaN in a parallel market); ``win_rate`` — won ÷ decided deals;
  ``turnover`` — reps who left in the round ÷ average headcount, annualised (``summary()["turnover_annual"]``);
  ``nps`` and ``satisfaction`` — the book's at the round's end (:mod:`simlib.workshop.service`);
* ``fairness`` — Jain's index of the reps' attainment, (Σx)² ÷ (n·Σx²): 1 when every rep reaches the same share
  of its quota, 1/n when one rep has it all (Jain, Chiu & Hawe 1984, "A quantitative measure of fairness and
  discrimination for resource allocation in shared computer systems", DEC-TR-301);
* ``headcount`` (reps at the round's start), ``hires``, ``quits``, ``leads``, ``won``, ``hours_available``,
  ``leads_per_week``, and ``score`` (the round's weighted score among the teams, as the leaderboard's).

One row per round, team and rep (:data:`REP_COLUMNS`): the rep's ``quota`` (its share of the target),
``sales``, ``attainment``, tenure at the round's start, whether it is new, left, or was trained.

:func:`leaderboard` ranks the teams over the published rounds. Each metric is first summed (money, leads,
hires), averaged (share, win rate, turnover, fairness) or taken from the latest round (NPS, satisfaction,
headcount) per team, with ``attainment`` = Σ revenue ÷ Σ target; then normalised across the teams
min–max — the best team 1, the worst 0, all 1 when every team is equal, and reversed for metrics where less is
better (turnover, pay cost: :data:`simlib.workshop.spec.SCORE_METRICS`); the score is 100 × the weighted mean
of the normalised metrics. Ties are broken by the team's name.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from simlib.base.schema import ScenarioError
from simlib.workshop.spec import METRIC_ALIASES, SCORE_METRICS

__all__ = ["REP_COLUMNS", "TEAM_COLUMNS", "RoundResult", "jain_index", "leaderboard", "rep_frame", "score_teams",
           "team_frame"]

_TEAM_TYPES: dict[str, str] = {
    "round": "int", "team": "str", "target": "float", "revenue": "float", "pay_cost": "float",
    "hiring_cost": "float", "training_cost": "float", "dismissal_cost": "float", "gross_profit": "float",
    "attainment": "float", "share": "float", "win_rate": "float", "turnover": "float", "nps": "float",
    "satisfaction": "float", "fairness": "float", "headcount": "int", "hires": "int", "quits": "int",
    "leads": "int", "won": "int", "hours_available": "float", "leads_per_week": "float", "score": "float",
}
_REP_TYPES: dict[str, str] = {
    "round": "int", "team": "str", "rep": "str", "quota": "float", "sales": "float", "attainment": "float",
    "tenure_months": "float", "new": "bool", "left": "bool", "trained": "bool",
}
#: the columns of a round's team rows, in order
TEAM_COLUMNS: list[str] = list(_TEAM_TYPES)
#: the columns of a round's rep rows, in order
REP_COLUMNS: list[str] = list(_REP_TYPES)

_SUMS = ("target", "revenue", "pay_cost", "hiring_cost", "training_cost", "dismissal_cost", "gross_profit",
         "leads", "won", "hires", "quits")
_MEANS = ("share", "win_rate", "turnover", "fairness")
_LATEST = ("nps", "satisfaction", "headcount")
BOARD_COLUMNS: list[str] = ["rank", "team", "rounds", "score", "gross_profit", "revenue", "attainment", "target",
                            "pay_cost", "hiring_cost", "training_cost", "dismissal_cost", "share", "win_rate",
                            "turnover", "fairness", "nps", "satisfaction", "headcount", "leads", "won", "hires",
                            "quits"]


def jain_index(values: Sequence[float]) -> float:
    """Jain's fairness index (Σx)² ÷ (n·Σx²) of non-negative values; 1 when all are equal (zeros too).

        >>> jain_index([1.0, 1.0, 1.0]), round(jain_index([1.0, 0.0, 0.0]), 3), round(jain_index([1.2, 0.8]), 3)
        (1.0, 0.333, 0.962)
    """
    x = np.asarray([v for v in values if v is not None and math.isfinite(v)], float)
    if x.size == 0:
        return math.nan
    sq = float((x * x).sum())
    return 1.0 if sq == 0 else float(x.sum() ** 2 / (x.size * sq))


# ---------------------------------------------------------------------------------------------
# Rows <-> tables
# ---------------------------------------------------------------------------------------------
def _plain(v: Any, kind: str) -> Any:
    """A JSON-safe value: Python numbers, NaN and infinities as None."""
    if v is None:
        return None
    if hasattr(v, "item") and getattr(v, "ndim", 1) == 0:
        v = v.item()
    if kind == "float":
        v = float(v)
        return v if math.isfinite(v) else None
    if kind == "int":
        return int(v)
    if kind == "bool":
        return bool(v)
    return str(v)


def _records(rows: Sequence[Mapping], types: Mapping[str, str]) -> list[dict]:
    return [{c: _plain(r.get(c), k) for c, k in types.items()} for r in rows]


def _frame(rows: Sequence[Mapping], types: Mapping[str, str]) -> pd.DataFrame:
    """A table with the columns and dtypes of ``types`` from rows (extra keys are dropped)."""
    recs = _records(rows, types)
    data = {}
    for c, k in types.items():
        vals = [r[c] for r in recs]
        if k == "float":
            data[c] = np.array([math.nan if v is None else v for v in vals], dtype=float)
        elif k == "int":
            data[c] = np.array(vals, dtype=np.int64)
        elif k == "bool":
            data[c] = np.array(vals, dtype=bool)
        else:
            data[c] = np.array(vals, dtype=object)
    return pd.DataFrame(data, columns=list(types))


def team_frame(rows: Sequence[Mapping]) -> pd.DataFrame:
    """Team rows as a table of :data:`TEAM_COLUMNS`."""
    return _frame(rows, _TEAM_TYPES)


def rep_frame(rows: Sequence[Mapping]) -> pd.DataFrame:
    """Rep rows as a table of :data:`REP_COLUMNS`."""
    return _frame(rows, _REP_TYPES)


class RoundResult:
    """A round's results for every team: :attr:`teams` (one row per team) and :attr:`reps` (one per rep).

    :meth:`to_records` gives JSON-safe rows to store; :meth:`from_records` gives back equal tables
    (``DataFrame.equals``)."""

    def __init__(self, teams: pd.DataFrame, reps: pd.DataFrame):
        self.teams = teams
        self.reps = reps

    def __repr__(self) -> str:
        rounds = sorted(set(self.teams["round"])) if len(self.teams) else []
        return f"<RoundResult round={rounds} teams={list(self.teams['team'])}>"

    @property
    def round(self) -> int | None:
        return int(self.teams["round"].iloc[0]) if len(self.teams) else None

    def to_records(self) -> tuple[list[dict], list[dict]]:
        """``(team rows, rep rows)``: lists of dicts of plain Python values (NaN as None), JSON-safe."""
        return (_records(self.teams.to_dict("records"), _TEAM_TYPES),
                _records(self.reps.to_dict("records"), _REP_TYPES))

    @classmethod
    def from_records(cls, teams: Sequence[Mapping], reps: Sequence[Mapping]) -> RoundResult:
        """The result whose :meth:`to_records` gave ``teams`` and ``reps``."""
        return cls(team_frame(teams), rep_frame(reps))

    def equals(self, other: RoundResult) -> bool:
        return self.teams.equals(other.teams) and self.reps.equals(other.reps)


# ---------------------------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------------------------
def _weights(weights: Mapping[str, float]) -> dict[str, float]:
    out = {}
    for k, w in weights.items():
        name = METRIC_ALIASES.get(k, k)
        if name not in SCORE_METRICS:
            raise ScenarioError.at(f"score_weights.{k}", "unknown_key", key=k, valid=", ".join(SCORE_METRICS))
        out[name] = float(w)
    if sum(out.values()) <= 0:
        raise ScenarioError.at("score_weights", "workshop_weights_zero")
    return out


def _normalised(values: pd.Series, direction: int) -> pd.Series:
    """Min–max across the teams: best 1, worst 0, all 1 when equal; NaN (no value) counts 0."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    finite = v[np.isfinite(v)]
    if finite.empty:
        return pd.Series(0.0, index=v.index)
    lo, hi = float(finite.min()), float(finite.max())
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        out = pd.Series(1.0, index=v.index)
    else:
        out = (v - lo) / (hi - lo) if direction > 0 else (hi - v) / (hi - lo)
    return out.where(np.isfinite(v), 0.0)


def score_teams(table: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series:
    """Each row's score, 0–100: 100 × the weighted mean of the normalised metrics of :data:`SCORE_METRICS`."""
    w = _weights(weights)
    total = pd.Series(0.0, index=table.index)
    for metric, weight in w.items():
        if weight:
            total = total + weight * _normalised(table[metric], SCORE_METRICS[metric])
    return (100.0 * total / sum(w.values())).round(10)


def leaderboard(rows: pd.DataFrame | Sequence[Mapping], weights: Mapping[str, float],
                teams: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per team over the rounds in ``rows`` (team rows of published rounds), ranked by the weighted
    score (see the module's docstring); ``teams`` adds teams without rows (ranked last, score NaN).

    Columns: :data:`BOARD_COLUMNS` — ``rank, team, rounds, score`` then the aggregated metrics.
    """
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    df = team_frame(df.to_dict("records")) if len(df) else team_frame([])
    names = list(dict.fromkeys([*df["team"], *(teams or [])]))
    out = []
    for name in names:
        mine = df[df["team"] == name].sort_values("round", kind="stable")
        row: dict[str, Any] = {"team": name, "rounds": len(mine)}
        if len(mine):
            for c in _SUMS:
                row[c] = float(mine[c].sum())
            for c in _MEANS:
                row[c] = float(mine[c].mean()) if mine[c].notna().any() else math.nan
            for c in _LATEST:
                row[c] = float(mine[c].iloc[-1])
            row["attainment"] = row["revenue"] / row["target"] if row["target"] > 0 else math.nan
        out.append(row)
    board = pd.DataFrame(out, columns=[c for c in BOARD_COLUMNS if c not in ("rank", "score")])
    for c in board.columns:
        if c not in ("team", "rounds"):
            board[c] = pd.to_numeric(board[c], errors="coerce").astype(float)
    board["rounds"] = board["rounds"].astype(np.int64)
    played = board["rounds"] > 0
    board["score"] = math.nan
    if played.any():
        board.loc[played, "score"] = score_teams(board[played], weights)
    key = board["score"].fillna(-math.inf)
    order = sorted(range(len(board)), key=lambda i: (-key.iloc[i], str(board["team"].iloc[i])))
    board = board.iloc[order].reset_index(drop=True)
    board.insert(0, "rank", np.arange(1, len(board) + 1, dtype=np.int64))
    return board[BOARD_COLUMNS]
