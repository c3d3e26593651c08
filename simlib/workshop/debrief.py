"""A workshop's debrief as files a trainer keeps: every round's decisions (every version) and results, the
reps' rows and the leaderboard — one Excel workbook (``.xlsx``, needs openpyxl: the app extra) or a folder of
CSV files (any other path)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from simlib.base.schema import ScenarioError

if TYPE_CHECKING:  # pragma: no cover
    from simlib.workshop.api import Trainer

__all__ = ["debrief_tables", "utc_naive", "write_debrief"]


def utc_naive(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its time-zone-aware columns as UTC without a zone (Excel has no time zones).

        >>> utc_naive(pd.DataFrame({"at": pd.to_datetime(["2026-12-07 08:00+08:00"])}))["at"].iloc[0]
        Timestamp('2026-12-07 00:00:00')
    """
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def debrief_tables(trainer: Trainer) -> dict[str, pd.DataFrame]:
    """``{sheet: table}``: decisions (one row per submitted version, the decisions as JSON text, times in
    UTC), results (one row per round and team), reps (one row per round, team and rep), leaderboard."""
    decisions = trainer.decisions().copy()
    if "decisions" in decisions.columns:
        decisions["decisions"] = [json.dumps(d, ensure_ascii=False, sort_keys=True) for d in decisions["decisions"]]
    tables = {"decisions": decisions, "results": trainer.results("team"), "reps": trainer.results("rep"),
              "leaderboard": trainer.leaderboard()}
    return {name: utc_naive(df) for name, df in tables.items()}


def write_debrief(trainer: Trainer, path: str | Path) -> Path:
    """Write :func:`debrief_tables` to ``path`` (``.xlsx``: one sheet each; else a folder of CSV files)."""
    path = Path(path)
    tables = debrief_tables(trainer)
    if path.suffix.lower() == ".xlsx":
        if importlib.util.find_spec("openpyxl") is None:
            raise ScenarioError.at("out", "workshop_needs_openpyxl", input=str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            for name, df in tables.items():
                df.to_excel(xl, sheet_name=name, index=False)
        return path
    path.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(path / f"{name}.csv", index=False, encoding="utf-8-sig")
    return path
